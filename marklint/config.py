"""Settings in force for a scan, and which rules they select. The one place for configuration."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from datetime import date

from marklint.errors import ConfigError
from marklint.limits import DEFAULT_LIMITS, Limits
from marklint.model import Severity

SEVERITIES = ("error", "warning", "info")
#: Rules that cannot be switched off: a file that was not read is never passed as clean.
ALWAYS_ON = ("ML901",)


@dataclass
class Settings:
    as_of: date = field(default_factory=date.today)
    lang: str = "zh"
    fail_on: str = "warning"
    expiry_window: int = 90
    release: bool = False
    select: list[str] | None = None  # None: every rule that is not opt-in
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # per-rule overrides
    limits: Limits = DEFAULT_LIMITS

    def validate(self) -> None:
        from marklint.checks.registry import all_rules

        known = {r.id for r in all_rules()}
        if self.lang not in ("zh", "en"):
            raise ConfigError(f"lang must be zh or en, not {self.lang!r}")
        if self.fail_on not in SEVERITIES:
            raise ConfigError(f"fail-on must be one of {', '.join(SEVERITIES)}, not {self.fail_on!r}")
        if self.expiry_window < 0:
            raise ConfigError("expiry-window must be a number of days, 0 or more")
        codes = [*(self.select or []), *self.extend_select, *self.ignore,
                 *(c for codes in self.per_file_ignores.values() for c in codes)]
        for code in codes:
            if code != "ALL" and not any(rule_id.startswith(code) for rule_id in known):
                raise ConfigError(f"unknown rule or prefix {code!r}")
        for rule_id, level in self.severity.items():
            if rule_id not in known:
                raise ConfigError(f"severity override for unknown rule {rule_id!r}")
            if level not in SEVERITIES:
                raise ConfigError(f"severity of {rule_id} must be one of {', '.join(SEVERITIES)}")

    def enabled_rules(self, path: str | None = None) -> list[str]:
        """The rule IDs that run on ``path``. A prefix (``ML2``) selects the rules it starts; an opt-in
        rule runs only when named by its full ID."""
        from marklint.checks.registry import all_rules

        rules = all_rules()

        def matches(rule_id: str, opt_in: bool, codes: list[str]) -> bool:
            return any(code == rule_id or (not opt_in and (code == "ALL" or rule_id.startswith(code)))
                       for code in codes)

        chosen = []
        for declared in rules:
            if self.select is None:
                on = not declared.opt_in
            else:
                on = matches(declared.id, declared.opt_in, self.select)
            on = on or matches(declared.id, declared.opt_in, self.extend_select)
            if matches(declared.id, False, self.ignore):
                on = False
            if path is not None:
                for pattern, codes in self.per_file_ignores.items():
                    if fnmatch.fnmatch(path, pattern) and matches(declared.id, False, codes):
                        on = False
            if on or declared.id in ALWAYS_ON:
                chosen.append(declared.id)
        return chosen

    def severity_of(self, rule_id: str, default: Severity) -> Severity:
        return Severity(self.severity[rule_id]) if rule_id in self.severity else default
