"""What a scan produces: one FileResult per file and the Report that gathers them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from marklint.model import Finding, Severity, Status


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
    ledger_rows: tuple[int, ...] = ()  # ledger rows this file matched (several when ambiguous)
    issuer: str | None = None  # for the statistics
    source: str | None = None  # the path the file was opened by, when ``path`` (printable) differs from it
    signatures: int | None = None  # signatures and seals the file lists (OFD); None where it lists none

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "format": self.format,
            "status": self.status.value,
            "reason": self.reason,
            "markings": self.markings,
            "issue_date": self.issue_date.isoformat() if self.issue_date else None,
            "findings": [f.to_json() for f in self.findings],
        } | ({"signatures": self.signatures} if self.signatures is not None else {}) | (
            {"issuer": self.issuer} if self.issuer is not None else {})  # for stats --from (issue 19)


@dataclass
class Report:
    """The results of a scan. Counts are kept as results arrive, so a streaming scan can leave
    ``files`` empty (``retain=False``) and still report its totals."""

    as_of: date
    files: list[FileResult] = field(default_factory=list)
    retain: bool = True
    skipped: int = 0  # files a folder walk passed over (not a format that can carry a marking)
    suppressed: int | None = None  # findings a baseline suppressed (None: no baseline)
    stale: int = 0  # baseline entries that matched nothing
    fingerprints: list[tuple[str, Finding, str]] = field(default_factory=list)  # for --write-baseline
    seen: int = 0
    marked: int = 0
    not_examined: int = 0
    partial: int = 0
    severities: dict[Severity, int] = field(default_factory=lambda: dict.fromkeys(Severity, 0))
    rules: dict[str, int] = field(default_factory=dict)

    def add(self, result: FileResult) -> None:
        self.seen += 1
        self.marked += bool(result.markings)
        self.not_examined += result.status == Status.NOT_EXAMINED
        self.partial += result.status == Status.PARTIAL
        for finding in result.findings:
            self.severities[finding.severity] += 1
            self.rules[finding.rule] = self.rules.get(finding.rule, 0) + 1
        if self.retain:
            self.files.append(result)

    def count(self, severity: Severity) -> int:
        return self.severities[severity]

    @property
    def summary(self) -> dict:
        return {
            "files": self.seen,
            "marked": self.marked,
            "not_examined": self.not_examined,
            "findings": {s.value: self.count(s) for s in Severity},
        }

    def worst(self) -> Severity | None:
        present = [s for s, n in self.severities.items() if n]
        return max(present, key=lambda s: s.rank) if present else None

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
        return dict(sorted(self.rules.items()))
