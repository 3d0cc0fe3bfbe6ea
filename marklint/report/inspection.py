"""The inspection report's model: what the HTML, PDF and XLSX reports show, in plain Python.

It is built from the JSON report (contract version 1, README, Output), the file entries one by
one, so ``marklint scan --format html`` and ``marklint report REPORT.json`` give the same report and no
file is read again. Counts come from the same ``Statistics`` as ``marklint stats``; the legal basis of a
finding from its rule's declaration (``marklint.report.legal``); the five kinds of improper
classification from the rule families (``stats.KINDS``).

Definitions:

- Findings are numbered 1… in the order of the JSON report (files in scan order, each file's findings
  as the checks gave them); rectification items group them per file, numbered in the same order.
- Inspection date: the day the scan ran (``scan.date`` in the JSON report), else the as-of date.
  Every rectification item is due ``rectify_days`` after it.
- Expiry chart: the classifying (``primary``) marking of each examined document by its ``expires``:
  expired (on or before the as-of date), the rest of the as-of year, each of the next four years, later;
  a marking with no computable expiry is not in it (the by-term chart shows those).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from marklint.model import Finding, Location, Reason, Severity, Status
from marklint.report.legal import Citation, rule_basis
from marklint.report.stats import KINDS, OTHER_KIND, Statistics, classifying_marking, is_ledger_file, kind_of
from marklint.results import FileResult

SEVERITY_ORDER = ("error", "warning", "info")
EXPIRY_YEARS_AHEAD = 4  # the as-of year, then this many years one by one, then "later"


@dataclass(frozen=True)
class ReportOptions:
    """What the JSON report does not hold: the title block's people and the rectification period."""

    lang: str = "zh"  # "": the language of the scan's messages (``scan.lang`` in the JSON report), else zh
    unit: str = ""
    inspectors: tuple[str, ...] = ()
    marking: str = ""
    rectify_days: int = 30


@dataclass(frozen=True)
class FindingRow:
    number: int
    path: str
    page: int | None
    line: int | None
    part: str
    rule: str
    name: str
    kind: str  # a key of stats.KINDS (or OTHER_KIND)
    severity: str
    message: str
    basis: tuple[Citation, ...]


@dataclass(frozen=True)
class MarkingCell:
    text: str
    struck: bool
    primary: bool


@dataclass(frozen=True)
class FileRow:
    number: int
    path: str
    format: str
    status: str
    reason: Reason | None
    markings: tuple[MarkingCell, ...]
    level: str | None  # the document's level (``level`` in the JSON report)
    findings: int


@dataclass(frozen=True)
class RectificationItem:
    number: int
    path: str
    findings: tuple[FindingRow, ...]
    deadline: date

    @property
    def worst(self) -> str:
        return next(s for s in SEVERITY_ORDER if any(f.severity == s for f in self.findings))


@dataclass
class InspectionReport:
    options: ReportOptions
    as_of: date
    inspection_date: date
    roots: list[str]
    summary: dict  # the JSON report's summary, as it is
    statistics: Statistics
    files: list[FileRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)
    expiry: Counter[str] = field(default_factory=Counter)  # keys: expiry_keys()

    @property
    def deadline(self) -> date:
        return self.inspection_date + timedelta(days=self.options.rectify_days)

    @property
    def not_examined(self) -> list[FileRow]:
        """Every file not examined, then every file examined only in part: an inspector checks them by hand."""
        return ([f for f in self.files if f.status == Status.NOT_EXAMINED]
                + [f for f in self.files if f.status == Status.PARTIAL])

    def counts(self) -> dict[str, int]:
        """The summary cards; ``files``, ``marked`` and ``not_examined`` as the JSON summary counts them."""
        return {
            "files": len(self.files),
            "marked": sum(bool(f.markings) for f in self.files),
            "classified": self.statistics.classified,
            "not_examined": sum(f.status == Status.NOT_EXAMINED for f in self.files),
            "partial": sum(f.status == Status.PARTIAL for f in self.files),
            "findings": len(self.findings),
        }

    def severity_counts(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.findings)
        return {s: counts[s] for s in SEVERITY_ORDER}

    def kind_counts(self) -> list[tuple[str, dict[str, int]]]:
        """Findings per kind and severity, the five kinds and coverage (ML9xx) always, others if any."""
        keys = [key for key, *_ in KINDS] + ([OTHER_KIND] if OTHER_KIND in self.statistics.by_kind else [])
        rows = []
        for key in keys:
            counts = self.statistics.by_kind.get(key, Counter())
            rows.append((key, {s: counts[Severity(s)] for s in SEVERITY_ORDER}))
        return rows

    def level_counts(self) -> list[tuple[str, int]]:
        return [(key, n) for key, _, n in self.statistics.level_rows()]

    def term_counts(self) -> list[tuple[str, int]]:
        return [(key, n) for key, _, n in self.statistics.term_rows()]

    def expiry_keys(self) -> list[str]:
        year = self.as_of.year
        return ["expired", str(year), *(str(year + i) for i in range(1, EXPIRY_YEARS_AHEAD + 1)), "later"]

    def expiry_counts(self) -> list[tuple[str, int]]:
        return [(key, self.expiry[key]) for key in self.expiry_keys()]

    def basis(self) -> list[Citation]:
        """Every article cited by the rules that fired."""
        return sorted({c for f in self.findings for c in f.basis}, key=Citation.sort_key)

    def rectification(self) -> list[RectificationItem]:
        """The findings grouped per file, in the order of the list; one deadline for all."""
        grouped: dict[str, list[FindingRow]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.path, []).append(finding)
        return [RectificationItem(index, path, tuple(rows), self.deadline)
                for index, (path, rows) in enumerate(grouped.items(), start=1)]


def _location(data: dict | None) -> Location:
    data = data or {}
    bbox = data.get("bbox")
    return Location(page=data.get("page"), part=data.get("part") or "body", line=data.get("line"),
                    bbox=tuple(bbox) if bbox else None)


def file_result(entry: dict) -> FileResult:
    """A file entry of the JSON report as the ``FileResult`` it was written from (what Statistics reads)."""
    findings = [Finding(f["rule"], f.get("name", ""), Severity(f["severity"]), f.get("message", ""),
                        _location(f.get("location"))) for f in entry.get("findings", [])]
    issue = entry.get("issue_date")
    markings = list(entry.get("markings", []))
    # A report written before the JSON carried the document's level: its primary marking's.
    primary = next((m.get("level") for m in markings if m.get("primary")), None)
    level = entry.get("level", primary)
    return FileResult(path=entry["path"], format=entry.get("format", "unknown"), status=Status(entry["status"]),
                      reason=Reason.parse(entry["reason"]) if entry.get("reason") else None, markings=markings,
                      issue_date=date.fromisoformat(issue) if issue else None, findings=findings, level=level,
                      signatures=entry.get("signatures"))


def flatten(entries: Iterable[dict]) -> Iterator[dict]:
    """File entries with the documents embedded in them (``embedded``) after each container."""
    for entry in entries:
        yield entry
        yield from flatten(entry.get("embedded") or ())


class ReportBuilder:
    """Takes the JSON report's file entries one at a time, then its summary."""

    def __init__(self, as_of: date, options: ReportOptions, roots: Iterable[str] = (),
                 inspection_date: date | None = None) -> None:
        self.report = InspectionReport(options=options, as_of=as_of, inspection_date=inspection_date or as_of,
                                       roots=list(roots), summary={}, statistics=Statistics(as_of))

    def add(self, entry: dict) -> None:
        for one in flatten([entry]):
            self._add_one(one)

    def _add_one(self, entry: dict) -> None:
        report = self.report
        result = file_result(entry)
        report.statistics.add(result)
        primary = classifying_marking(result)
        report.files.append(FileRow(
            number=len(report.files) + 1, path=result.path, format=result.format, status=result.status.value,
            reason=result.reason,
            markings=tuple(MarkingCell(m.get("text", ""), bool(m.get("struck")), bool(m.get("primary")))
                           for m in result.markings),
            level=result.level, findings=len(result.findings)))
        for finding in result.findings:
            report.findings.append(FindingRow(
                number=len(report.findings) + 1, path=result.path, page=finding.location.page,
                line=finding.location.line, part=finding.location.part, rule=finding.rule, name=finding.name,
                kind=kind_of(finding.rule), severity=finding.severity.value, message=finding.message,
                basis=rule_basis(finding.rule)))
        if primary and primary.get("expires") and result.status != Status.NOT_EXAMINED \
                and not is_ledger_file(result):
            report.expiry[self._expiry_key(date.fromisoformat(primary["expires"]))] += 1

    def _expiry_key(self, expires: date) -> str:
        as_of = self.report.as_of
        if expires <= as_of:
            return "expired"
        if expires.year > as_of.year + EXPIRY_YEARS_AHEAD:
            return "later"
        return str(expires.year)

    def finish(self, summary: dict) -> InspectionReport:
        self.report.summary = summary
        return self.report


def from_json(data: dict, options: ReportOptions) -> InspectionReport:
    """The report of a whole JSON report (``marklint scan --format json``)."""
    builder = builder_for(data, options)
    for entry in data.get("files", []):
        builder.add(entry)
    return builder.finish(data.get("summary", {}))


def builder_for(head: dict, options: ReportOptions) -> ReportBuilder:
    """A builder for the report whose head (``as_of``, ``scan``) is ``head``."""
    scan = head.get("scan") or {}
    if not options.lang:
        options = replace(options, lang="en" if scan.get("lang") == "en" else "zh")
    return ReportBuilder(date.fromisoformat(head["as_of"]), options, scan.get("roots", []),
                         date.fromisoformat(scan["date"]) if scan.get("date") else None)
