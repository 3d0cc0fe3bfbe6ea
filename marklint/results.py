"""What a scan produces: one FileResult per file and the Report that gathers them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from marklint.model import Finding, Reason, Severity, Status, reason_words


@dataclass
class FileResult:
    """What one file came to: its status, its markings and its findings."""

    path: str
    format: str
    status: Status
    reason: Reason | None
    markings: list[dict] = field(default_factory=list)
    issue_date: date | None = None
    findings: list[Finding] = field(default_factory=list)
    ledger_rows: tuple[int, ...] = ()  # ledger rows this file matched (several when ambiguous)
    issuer: str | None = None  # for the statistics
    level: str | None = None  # the document's level: its highest marking in force (analysis.Analysis.level)
    source: str | None = None  # the path the file was opened by, when ``path`` (printable) differs from it
    signatures: int | None = None  # signatures and seals the file lists (OFD); None where it lists none
    embedded: list[FileResult] = field(default_factory=list)  # documents embedded in it, judged on their own

    def with_embedded(self) -> Iterator[FileResult]:
        """This result and those of the documents embedded in it, at any depth, container first."""
        yield self
        for inner in self.embedded:
            yield from inner.with_embedded()

    def to_json(self) -> dict:
        data = {
            "path": self.path,
            "format": self.format,
            "status": self.status.value,
            "reason": reason_words(self.reason),
            "markings": self.markings,
            "issue_date": self.issue_date.isoformat() if self.issue_date else None,
            "level": self.level,
            "findings": [f.to_json() for f in self.findings],
        }
        if self.signatures is not None:
            data["signatures"] = self.signatures
        if self.issuer is not None:  # for stats --from: an additive key, present where known
            data["issuer"] = self.issuer
        if self.embedded:  # README, Output: an additive key, present where there are any
            data["embedded"] = [inner.to_json() for inner in self.embedded]
        return data


@dataclass
class Report:
    """The results of a scan. Counts are kept as results arrive, so a streaming scan can leave
    ``files`` empty (``retain=False``) and still report its totals."""

    as_of: date
    files: list[FileResult] = field(default_factory=list)
    retain: bool = True
    skipped: int = 0  # files a folder walk passed over (not a format that can carry a marking)
    not_found: list[str] = field(default_factory=list)  # paths given that do not exist, never examined
    skipped_paths: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) of those passed over
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
        # An embedded document counts as a file of its own, as it is listed (README, "Embedded documents").
        for entry in result.with_embedded():
            self.seen += 1
            self.marked += bool(entry.markings)
            self.not_examined += entry.status == Status.NOT_EXAMINED
            self.partial += entry.status == Status.PARTIAL
            for finding in entry.findings:
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
            "partial": self.partial,  # additive (README, Output)
            "skipped": self.skipped,
        }

    def skipped_json(self) -> list[dict[str, str]]:
        """The top-level ``skipped`` list of the JSON report (README, Output)."""
        return [{"path": path, "reason": reason} for path, reason in self.skipped_paths]

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
            "skipped": self.skipped_json(),
        }
        if self.suppressed is not None:
            data["baseline"] = {"suppressed": self.suppressed, "stale": self.stale}
        return data

    def rule_counts(self) -> dict[str, int]:
        return dict(sorted(self.rules.items()))
