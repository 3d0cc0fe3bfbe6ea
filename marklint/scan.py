"""The scan driver: walk the paths, parse each file, run the selected checks, collect a Report."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from marklint import parsers
from marklint.baseline import Baseline, file_sha256, fingerprint, relative
from marklint.checks.context import Context
from marklint.checks.registry import run_checks
from marklint.config import Settings
from marklint.errors import NotExamined
from marklint.model import Document, Finding, Location, Severity, Status
from marklint.walk import iter_paths

PART_ORDER = {"body": 0, "table": 1, "textbox": 2, "header": 3, "footer": 4, "metadata": 5}


@dataclass
class FileResult:
    """What one file came to: its status, its markings and its findings."""

    path: str
    format: str
    status: Status
    reason: str | None
    markings: list[dict] = field(default_factory=list)
    issue_date: date | None = None
    findings: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "format": self.format,
            "status": self.status.value,
            "reason": self.reason,
            "markings": self.markings,
            "issue_date": self.issue_date.isoformat() if self.issue_date else None,
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass
class Report:
    as_of: date
    files: list[FileResult] = field(default_factory=list)
    skipped: int = 0  # files a folder walk passed over (not a format that can carry a marking)
    suppressed: int | None = None  # findings a baseline suppressed (None: no baseline)
    stale: int = 0  # baseline entries that matched nothing
    fingerprints: list[tuple[str, Finding, str]] = field(default_factory=list)  # for --write-baseline

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.files for finding in f.findings if finding.severity == severity)

    @property
    def summary(self) -> dict:
        return {
            "files": len(self.files),
            "marked": sum(1 for f in self.files if f.markings),
            "not_examined": sum(1 for f in self.files if f.status == Status.NOT_EXAMINED),
            "findings": {s.value: self.count(s) for s in Severity},
        }

    def worst(self) -> Severity | None:
        ranks = [finding.severity for f in self.files for finding in f.findings]
        return max(ranks, key=lambda s: s.rank) if ranks else None

    def to_json(self) -> dict:
        from marklint import __version__

        data = {
            "version": 1,
            "tool": {"name": "marklint", "version": __version__},
            "as_of": self.as_of.isoformat(),
            "files": [f.to_json() for f in self.files],
            "summary": self.summary,
        }
        if self.suppressed is not None:
            data["baseline"] = {"suppressed": self.suppressed, "stale": self.stale}
        return data

    def to_sarif(self, root: Path | None = None) -> dict:
        from marklint.report.sarif import to_sarif

        return to_sarif(self, root)

    def rule_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for result in self.files:
            for finding in result.findings:
                counts[finding.rule] = counts.get(finding.rule, 0) + 1
        return dict(sorted(counts.items()))


def read_document(path: Path, display: str, settings: Settings) -> Document:
    """The parsed document, or a stand-in that records why the file was not examined."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return _not_examined(display, "unreadable", type(exc).__name__)
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        return _not_examined(display, "unreadable", kind)
    if path.suffix.lower() in parsers.UNSUPPORTED_CARRIERS:
        return _not_examined(display, "unsupported format", path.suffix.lower().lstrip("."))
    try:
        return parsers.parse(path, display, settings.limits)
    except NotExamined as exc:
        return _not_examined(display, exc.reason, exc.detail, _format_guess(path))
    except Exception as exc:
        return _not_examined(display, "corrupt", f"internal error {type(exc).__name__}", _format_guess(path))


def _format_guess(path: Path) -> str:
    return path.suffix.lower().lstrip(".") or "unknown"


def _not_examined(display: str, reason: str, detail: str = "", fmt: str = "unknown") -> Document:
    return Document(path=display, format=fmt, status=Status.NOT_EXAMINED,
                    reason=f"{reason}: {detail}" if detail else reason)


def examine(path: Path, display: str, settings: Settings) -> FileResult:
    """Parse one file and judge it."""
    document = read_document(path, display, settings)
    ctx = Context(document, settings)
    rules = settings.enabled_rules(display)
    if document.status == Status.NOT_EXAMINED:
        rules = [r for r in rules if r.startswith("ML9")]
    findings = [
        replace(f, severity=settings.severity_of(f.rule, f.severity)) for f in run_checks(ctx, rules)
    ]
    findings.sort(key=_finding_order)
    analysis = ctx.analysis if document.status != Status.NOT_EXAMINED else None
    markings = []
    if analysis is not None:
        for found in analysis.markings:
            expires, basis = analysis.expiry(found.marking)
            markings.append({
                "text": found.marking.text,
                "level": found.marking.level,
                "term": found.marking.term.to_json(),
                "scope": analysis.scope if found.is_state_secret else None,
                "struck": found.struck,
                "expires": expires.isoformat() if expires else None,
                "expiry_basis": basis,
                "location": Location.of(found.unit).to_json(),
            })
    return FileResult(
        path=display,
        format=document.format,
        status=document.status,
        reason=document.reason,
        markings=markings,
        issue_date=analysis.issue_date if analysis else None,
        findings=findings,
    )


def _finding_order(finding: Finding) -> tuple:
    loc = finding.location
    return (loc.page or 0, PART_ORDER.get(loc.part, 9), loc.line or 0, finding.rule)


def scan(paths: Iterable[str], settings: Settings | None = None, *, baseline: Baseline | None = None,
         fingerprints: bool = False, root: Path | None = None) -> Report:
    """Scan files and folders and return the report. The Python API the CLI is a thin layer over.

    With ``baseline``, findings it records are left out and counted; with ``fingerprints``, every
    finding's baseline fingerprint is kept in ``Report.fingerprints`` (for writing a new baseline)."""
    settings = settings or Settings()
    settings.validate()
    report = Report(as_of=settings.as_of)
    root = Path(os.path.abspath(root or os.getcwd()))
    skipped = [0]
    for path, display in iter_paths(paths, settings, skipped):
        result = examine(path, display, settings)
        if baseline is not None or fingerprints:
            _apply_baseline(result, report, baseline, root, settings.as_of)
        report.files.append(result)
    report.files.sort(key=lambda f: f.path)
    report.skipped = skipped[0]
    if baseline is not None:
        report.stale = baseline.stale()
    return report


def _apply_baseline(result: FileResult, report: Report, baseline: Baseline | None, root: Path, as_of: date) -> None:
    sha256 = file_sha256(result.path)
    path = relative(result.path, root)
    kept = []
    for finding in result.findings:
        key = fingerprint(finding, path, sha256)
        report.fingerprints.append((key, finding, path))
        if baseline is not None and baseline.suppresses(key, as_of):
            report.suppressed = (report.suppressed or 0) + 1
        else:
            kept.append(finding)
    if baseline is not None and report.suppressed is None:
        report.suppressed = 0
    result.findings = kept
