"""The rule registry: every rule's ID, name, default severity and user documentation.

A rule is a function decorated with ``@rule``; its docstring is its documentation (what, why with the
legal basis, a wrong and a right example). ``marklint rules``, ``marklint rule ID``, the SARIF rule
metadata and ``docs/rules.md`` are all generated from these declarations.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from marklint.config import RuleCatalogue
from marklint.messages import Message
from marklint.model import DefectKind, Finding, Severity

if TYPE_CHECKING:
    from marklint.checks.context import Context, ScanContext

CheckFunction = Callable[["Context"], Iterable[Finding]]
#: A scan-level rule's check: it sees the whole scan once every file has been judged (``ScanContext``).
ScanCheckFunction = Callable[["ScanContext"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A declared rule: its ID, name, default severity, documentation and check."""

    id: str
    name: str
    severity: Severity
    doc: str
    check: CheckFunction
    opt_in: bool = False
    #: The recogniser's defect kinds this rule reports, each with its message (a form or content rule).
    defects: Mapping[DefectKind, Message] = field(default_factory=dict)
    #: Judges what marklint could not read: runs on a file that was not examined (the ML9xx coverage rules).
    coverage: bool = False
    #: Cannot be switched off: a file that was not read is never passed as clean.
    always_on: bool = False
    #: A scan-level rule: ``scan_check`` runs once, when every file of the scan has been judged.
    scan_check: ScanCheckFunction | None = None
    #: The documentation in Chinese (the default language): summary, 依据, 错误, 正确.
    doc_zh: str = ""

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name

    def doc_in(self, lang: str) -> str:
        """The documentation in ``lang`` (Chinese where the rule declares it, else English)."""
        return self.doc_zh.strip() if lang != "en" and self.doc_zh.strip() else self.doc

    def summary_in(self, lang: str) -> str:
        """The first line of the documentation in ``lang``."""
        return self.doc_in(lang).strip().splitlines()[0] if self.doc_in(lang).strip() else self.name


RULES: dict[str, Rule] = {}
RULE_OF_DEFECT: dict[DefectKind, str] = {}


def rule(rule_id: str, name: str, severity: str, *, opt_in: bool = False,
         defects: Mapping[DefectKind, Message] | None = None, coverage: bool = False, always_on: bool = False,
         doc_zh: str = "") -> Callable[[CheckFunction], CheckFunction]:
    """Declare a rule; the decorated function yields its findings for one document. ``defects``: the
    recogniser's defect kinds the rule reports, each with its message; a kind belongs to one rule.
    ``coverage``: it runs on files that were not examined too; ``always_on``: it cannot be ignored.
    ``doc_zh``: the documentation in Chinese; the docstring is the English."""

    def declare(check: CheckFunction) -> CheckFunction:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} declared twice")
        for kind in defects or {}:
            if kind in RULE_OF_DEFECT:
                raise ValueError(f"defect kind {kind} reported by {RULE_OF_DEFECT[kind]} and {rule_id}")
            RULE_OF_DEFECT[kind] = rule_id
        RULES[rule_id] = Rule(rule_id, name, Severity(severity), inspect.getdoc(check) or "", check, opt_in,
                              dict(defects or {}), coverage, always_on, doc_zh=doc_zh)
        return check

    return declare


def scan_rule(rule_id: str, name: str, severity: str, *, doc_zh: str = ""
              ) -> Callable[[ScanCheckFunction], ScanCheckFunction]:
    """Declare a scan-level rule: the decorated function yields its findings once per scan, when every
    file has been judged (a ledger row no scanned file matched, ML507)."""

    def declare(check: ScanCheckFunction) -> ScanCheckFunction:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} declared twice")
        RULES[rule_id] = Rule(rule_id, name, Severity(severity), inspect.getdoc(check) or "", _no_file_findings,
                              scan_check=check, doc_zh=doc_zh)
        return check

    return declare


def _no_file_findings(_ctx: Context) -> Iterable[Finding]:
    """A scan-level rule's check of one file: it has none (its findings come from ``scan_check``)."""
    return ()


def all_rules() -> list[Rule]:
    """Every declared rule, sorted by ID. Importing the check modules declares them: every module of
    ``marklint.checks`` is imported, so a new rule module needs no line anywhere else."""
    _import_rule_modules()

    return [RULES[key] for key in sorted(RULES)]


@functools.cache
def _import_rule_modules() -> None:
    import marklint.checks

    for module in pkgutil.iter_modules(marklint.checks.__path__):
        importlib.import_module(f"marklint.checks.{module.name}")


def rule_of_defect(kind: DefectKind) -> str:
    """The ID of the rule that reports a defect kind."""
    all_rules()
    return RULE_OF_DEFECT[kind]


def get_rule(rule_id: str) -> Rule:
    all_rules()
    return RULES[rule_id]


@functools.cache
def always_on() -> tuple[str, ...]:
    """The IDs of the rules that cannot be switched off."""
    return tuple(declared.id for declared in all_rules() if declared.always_on)


@functools.cache
def catalogue() -> RuleCatalogue:
    """The rules as the settings see them (``config.RuleCatalogue``): what selection and validation need."""
    declared = all_rules()
    return RuleCatalogue(tuple(r.id for r in declared), frozenset(r.id for r in declared if r.opt_in), always_on())


def run_checks(ctx: Context, selected: Iterable[str]) -> Iterator[Finding]:
    for rule_id in selected:
        yield from RULES[rule_id].check(ctx)
