"""The rule registry: every rule's ID, name, default severity and user documentation.

A rule is a function decorated with ``@rule``; its docstring is its documentation (what, why with the
legal basis, a wrong and a right example). ``marklint rules``, ``marklint rule ID``, the SARIF rule
metadata and ``docs/rules.md`` are all generated from these declarations.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from marklint.model import Finding, Severity

if TYPE_CHECKING:
    from marklint.checks.context import Context

CheckFunction = Callable[["Context"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A declared rule: its ID, name, default severity, documentation and check."""

    id: str
    name: str
    severity: Severity
    doc: str
    check: CheckFunction
    opt_in: bool = False

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name


RULES: dict[str, Rule] = {}


def rule(rule_id: str, name: str, severity: str, *, opt_in: bool = False) -> Callable[[CheckFunction], CheckFunction]:
    """Declare a rule; the decorated function yields its findings for one document."""

    def declare(check: CheckFunction) -> CheckFunction:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} declared twice")
        RULES[rule_id] = Rule(rule_id, name, Severity(severity), inspect.getdoc(check) or "", check, opt_in)
        return check

    return declare


def all_rules() -> list[Rule]:
    """Every declared rule, sorted by ID. Importing the check modules declares them."""
    from marklint.checks import content, coverage, form, layout, ledger, lifecycle  # noqa: F401

    return [RULES[key] for key in sorted(RULES)]


def get_rule(rule_id: str) -> Rule:
    all_rules()
    return RULES[rule_id]


def run_checks(ctx: Context, selected: Iterable[str]) -> Iterator[Finding]:
    for rule_id in selected:
        yield from RULES[rule_id].check(ctx)
