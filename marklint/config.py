"""Settings in force for a scan, and which rules they select. The one place for configuration."""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from marklint.errors import ConfigError, os_error_words
from marklint.limits import DEFAULT_LIMITS, Limits
from marklint.messages import Both, did_you_mean, listed
from marklint.model import Severity

if TYPE_CHECKING:
    from marklint.ledger import Ledger

SEVERITIES = ("error", "warning", "info")


def _matches(rule_id: str, opt_in: bool, codes: Iterable[str]) -> bool:
    return any(code == rule_id or (not opt_in and (code == "ALL" or rule_id.startswith(code))) for code in codes)


@dataclass(frozen=True, eq=False)
class RuleCatalogue:
    """What the settings need to know of the rules: their IDs, which are opt-in and which are always on.
    The rule registry builds it (``checks.registry.catalogue()``) and callers pass it in, so the settings
    never import the rules (the rules read the settings)."""

    ids: tuple[str, ...]  # sorted
    opt_in: frozenset[str]
    always_on: tuple[str, ...]


@functools.lru_cache(maxsize=64)
def _selection(rules: RuleCatalogue, select: tuple[str, ...] | None, extend_select: tuple[str, ...],
               ignore: tuple[str, ...]) -> tuple[str, ...]:
    """The rule IDs that ``select``, ``extend-select`` and ``ignore`` leave on, before per-file ignores
    (worked out once per scan, not once per file)."""
    chosen = []
    for rule_id in rules.ids:
        opt_in = rule_id in rules.opt_in
        on = not opt_in if select is None else _matches(rule_id, opt_in, select)
        on = on or _matches(rule_id, opt_in, extend_select)
        if _matches(rule_id, False, ignore):
            on = False
        if on or rule_id in rules.always_on:
            chosen.append(rule_id)
    return tuple(chosen)


@dataclass
class ReportSettings:
    """The inspection report's title block and deadlines (``[report]``; see marklint/report/inspection.py)."""

    unit: str = ""  # the inspected unit (被检查单位); ``--unit`` beats it
    inspectors: list[str] = field(default_factory=list)  # 检查人员
    marking: str = ""  # the marking the unit gives the report itself; the report does not decide it
    rectify_days: int = 30  # days from the inspection date to each rectification deadline


@dataclass
class Settings:
    """The settings in force for a scan: the defaults, then a configuration file, then the command line."""

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
    metadata_labels: dict[str, str | None] = field(default_factory=dict)  # extends metadata_labels.DEFAULT_VOCABULARY
    ledger: Ledger | None = None  # the 定密台账 held against the documents
    approvers: list[str] = field(default_factory=list)  # the unit's 定密责任人
    issuers: dict[str, str] = field(default_factory=dict)  # issuer -> highest level it may classify
    serve: dict[str, object] = field(default_factory=dict)  # [serve] of marklint serve: token_file, queue
    report: ReportSettings = field(default_factory=ReportSettings)  # the inspection report (HTML, PDF, XLSX)
    follow_symlinks: bool = False  # follow symlinks met while walking (never out of the folders given)
    ocr: str = "auto"  # auto: read scans by OCR where the ocr extra is installed; off: never (ML902)

    def describe(self, rules: RuleCatalogue) -> dict:
        """The settings in force, for ``marklint config``."""
        shown = asdict(self)
        shown["as_of"] = self.as_of.isoformat()
        shown["ledger"] = self.ledger.path if self.ledger else None
        shown["enabled_rules"] = self.enabled_rules(rules)
        return shown

    def validate(self, rules: RuleCatalogue) -> None:
        known = set(rules.ids)
        if self.lang not in ("zh", "en"):
            raise ConfigError.said("config.lang", value=self.lang)
        if self.ocr not in ("auto", "off"):
            raise ConfigError.said("config.ocr", value=self.ocr)
        if self.fail_on not in SEVERITIES:
            raise ConfigError.said("config.fail-on", choices=listed(list(SEVERITIES)), value=self.fail_on)
        if self.expiry_window < 0:
            raise ConfigError.said("config.expiry-window")
        if self.report.rectify_days < 1:
            raise ConfigError.said("config.rectify-days")
        codes = [*(self.select or []), *self.extend_select, *self.ignore,
                 *(c for codes in self.per_file_ignores.values() for c in codes)]
        for code in codes:
            if code != "ALL" and not any(rule_id.startswith(code) for rule_id in known):
                raise ConfigError.said("config.unknown rule", code=code, hint=_did_you_mean([code], known))
        refused = [code for code in [*self.ignore, *(c for cs in self.per_file_ignores.values() for c in cs)]
                   if code in rules.always_on]
        if refused:
            from marklint.messages import say

            named = ", ".join(dict.fromkeys(refused))
            raise ConfigError(say("error.always on", "en", rules=named), say("error.always on", "zh", rules=named))
        for rule_id, level in self.severity.items():
            if rule_id not in known:
                raise ConfigError.said("config.severity rule", rule=rule_id)
            if level not in SEVERITIES:
                raise ConfigError.said("config.severity level", rule=rule_id, choices=listed(list(SEVERITIES)))

    def enabled_rules(self, rules: RuleCatalogue, path: str | None = None) -> list[str]:
        """The rule IDs of ``rules`` that run on ``path``. A prefix (``ML2``) selects the rules it starts;
        an opt-in rule runs only when named by its full ID."""
        chosen = _selection(rules, None if self.select is None else tuple(self.select), tuple(self.extend_select),
                            tuple(self.ignore))
        if path is None or not self.per_file_ignores:
            return list(chosen)
        kept = rules.always_on
        ignored = [codes for pattern, codes in self.per_file_ignores.items() if fnmatch.fnmatch(path, pattern)]
        return [rule_id for rule_id in chosen
                if rule_id in kept or not any(_matches(rule_id, False, codes) for codes in ignored)]

    def severity_of(self, rule_id: str, default: Severity) -> Severity:
        return Severity(self.severity[rule_id]) if rule_id in self.severity else default


CONFIG_NAMES = ("marklint.toml", ".marklint.toml", "pyproject.toml")
#: Keys a configuration file may set, and how each is checked.
LIST_KEYS = ("select", "extend-select", "ignore", "exclude")
KNOWN_KEYS = {*LIST_KEYS, "per-file-ignores", "fail-on", "expiry-window", "lang", "severity", "limits",
              "metadata-labels", "ledger", "authority", "serve", "report"}


def find_config(start: Path) -> Path | None:
    """The nearest configuration file from ``start`` upwards: marklint.toml, .marklint.toml, or a
    pyproject.toml that has a [tool.marklint] table."""
    for folder in [start, *start.parents]:
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml"
                                        or "marklint" in _read_toml(candidate).get("tool", {})):
                return candidate
    return None


def _read_toml(path: Path) -> dict:
    import tomllib  # here, not at the top: most scans find no configuration file and need no TOML parser

    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        from marklint.reasons import translate_detail

        raise ConfigError.said("config.unreadable", source=path,
                               why=Both(translate_detail(os_error_words(exc)) or "", str(exc))) from exc
    except tomllib.TOMLDecodeError as exc:
        import re

        at = re.search(r"at line (\d+), column (\d+)", str(exc))
        where = f"（第 {at[1]} 行第 {at[2]} 列）" if at else "（在文件末尾）" if "end of document" in str(exc) else ""
        raise ConfigError.said("config.toml", source=path, why=str(exc), where=where) from exc


def load_settings(rules: RuleCatalogue, config: Path | None = None, start: Path | None = None
                  ) -> tuple[Settings, Path | None]:
    """Settings from ``config`` or the nearest configuration file (defaults where there is none), checked
    against ``rules``."""
    path = config if config is not None else find_config(start or Path.cwd())
    settings = Settings()
    if path is None:
        return settings, None
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("marklint", {})
    try:
        apply_table(settings, data, path, rules)
    except ConfigError as exc:
        # The language the file asks for says its own errors (unless --lang says otherwise).
        exc.lang = data.get("lang") if data.get("lang") in ("zh", "en") else None
        raise
    return settings, path


def apply_table(settings: Settings, data: dict, source: Path, rules: RuleCatalogue) -> None:
    """Set ``settings`` from a configuration table; unknown keys and bad values are errors."""
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise ConfigError.said("config.unknown keys", source=source, keys=listed(unknown),
                               hint=_did_you_mean(unknown, KNOWN_KEYS))

    def strings(key: str) -> list[str]:
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError.said("config.strings", source=source, key=key)
        return value

    if "select" in data:
        settings.select = strings("select")
    if "extend-select" in data:
        settings.extend_select = strings("extend-select")
    if "ignore" in data:
        settings.ignore = strings("ignore")
    if "exclude" in data:
        settings.exclude = strings("exclude")
    if "per-file-ignores" in data:
        table = data["per-file-ignores"]
        if not isinstance(table, dict) or not all(
                isinstance(v, list) and all(isinstance(c, str) for c in v) for v in table.values()):
            raise ConfigError.said("config.per-file-ignores", source=source)
        settings.per_file_ignores = dict(table)
    for key, attribute in (("fail-on", "fail_on"), ("lang", "lang")):
        if key in data:
            if not isinstance(data[key], str):
                raise ConfigError.said("config.string", source=source, key=key)
            setattr(settings, attribute, data[key])
    if "expiry-window" in data:
        if not isinstance(data["expiry-window"], int) or isinstance(data["expiry-window"], bool):
            raise ConfigError.said("config.days", source=source)
        settings.expiry_window = data["expiry-window"]
    if "severity" in data:
        if not isinstance(data["severity"], dict):
            raise ConfigError.said("config.severity table", source=source)
        settings.severity = dict(data["severity"])
    if "limits" in data:
        settings.limits = _limits(data["limits"], source)
    if "metadata-labels" in data:
        table = data["metadata-labels"]
        if not isinstance(table, dict) or not all(v in ("绝密", "机密", "秘密", "") for v in table.values()):
            raise ConfigError.said("config.metadata-labels", source=source)
        settings.metadata_labels = {k.upper(): (v or None) for k, v in table.items()}
    if "ledger" in data:
        if not isinstance(data["ledger"], str):
            raise ConfigError.said("config.ledger", source=source)
        from marklint.ledger import read_ledger  # here: only a configuration that names a ledger reads one

        settings.ledger = read_ledger(str(source.parent / data["ledger"]))  # relative to the config file
    if "authority" in data:
        _authority(settings, data["authority"], source)
    if "serve" in data:
        settings.serve = _serve(data["serve"], source)
    if "report" in data:
        settings.report = _report(data["report"], source)
    try:
        settings.validate(rules)
    except ConfigError as exc:
        # Every configuration error names its file.
        raise ConfigError(f"{source}: {exc}", f"{source}：{exc.zh}" if exc.zh else None) from None


def _did_you_mean(unknown: list[str], known: Iterable[str]) -> Both:
    """``; did you mean fail-on?`` for the known keys close to the unknown ones (a typo's likely intent)."""
    import difflib  # here, not at the top: only a mistyped configuration needs it

    close = [match for key in unknown for match in difflib.get_close_matches(key, sorted(known), n=1)]
    return did_you_mean(list(dict.fromkeys(close)))


def _authority(settings: Settings, table: object, source: Path) -> None:
    if not isinstance(table, dict) or set(table) - {"approvers", "issuers"}:
        raise ConfigError.said("config.authority", source=source)
    approvers = table.get("approvers", [])
    if not isinstance(approvers, list) or not all(isinstance(a, str) for a in approvers):
        raise ConfigError.said("config.approvers", source=source)
    issuers = table.get("issuers", {})
    if not isinstance(issuers, dict) or not all(level in ("绝密", "机密", "秘密") for level in issuers.values()):
        raise ConfigError.said("config.issuers", source=source)
    settings.approvers = list(approvers)
    settings.issuers = dict(issuers)


def _serve(table: object, source: Path) -> dict[str, object]:
    """``[serve]`` of ``marklint serve``: ``token-file`` (relative to the configuration file) holds the bearer
    token; ``queue`` is how many documents may wait for a worker."""
    if not isinstance(table, dict) or set(table) - {"token-file", "queue"}:
        raise ConfigError.said("config.serve", source=source)
    serve: dict[str, object] = {}
    if "token-file" in table:
        if not isinstance(table["token-file"], str):
            raise ConfigError.said("config.token-file", source=source)
        serve["token_file"] = str(source.parent / table["token-file"])
    if "queue" in table:
        queue = table["queue"]
        if not isinstance(queue, int) or isinstance(queue, bool) or queue < 1:
            raise ConfigError.said("config.queue", source=source)
        serve["queue"] = queue
    return serve


def _report(table: object, source: Path) -> ReportSettings:
    keys = {"unit", "inspectors", "marking", "rectify-days"}
    if not isinstance(table, dict) or set(table) - keys:
        raise ConfigError.said("config.report", source=source)
    for key in ("unit", "marking"):
        if not isinstance(table.get(key, ""), str):
            raise ConfigError.said("config.report string", source=source, key=key)
    inspectors = table.get("inspectors", [])
    if not isinstance(inspectors, list) or not all(isinstance(name, str) for name in inspectors):
        raise ConfigError.said("config.inspectors", source=source)
    days = table.get("rectify-days", ReportSettings.rectify_days)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise ConfigError.said("config.report days", source=source)
    return ReportSettings(table.get("unit", ""), list(inspectors), table.get("marking", ""), days)


def _limits(table: object, source: Path) -> Limits:
    if not isinstance(table, dict):
        raise ConfigError.said("config.limits", source=source)
    names = Limits.names()
    values = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in names:
            raise ConfigError.said("config.unknown limit", source=source, key=key,
                                    hint=_did_you_mean([key], (n.replace('_', '-') for n in names)))
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise ConfigError.said("config.limit", source=source, key=key)
        values[name] = value
    return replace(DEFAULT_LIMITS, **values)
