"""The scan driver: walk the paths, parse each file, run the selected checks, collect a Report."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from marklint import parsers, workers
from marklint.baseline import Baseline, file_sha256, fingerprint, relative
from marklint.checks.context import Context
from marklint.checks.registry import run_checks
from marklint.config import Settings
from marklint.errors import NotExamined
from marklint.model import Document, Finding, Location, Status
from marklint.results import FileResult, Report
from marklint.walk import iter_paths

PART_ORDER = {"body": 0, "table": 1, "textbox": 2, "header": 3, "footer": 4, "metadata": 5}


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
    return judge(read_document(path, display, settings), settings)


def timed_out(path: Path, display: str, settings: Settings) -> FileResult:
    """The result for a file whose examination ran over the per-file time limit."""
    limit = f"{settings.limits.per_file_seconds:g} s"
    return judge(_not_examined(display, "timed out", f"over {limit}", _format_guess(path)), settings)


def judge(document: Document, settings: Settings) -> FileResult:
    """Run the selected checks on a parsed document."""
    display = document.path
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


def iter_results(paths: Iterable[str], settings: Settings, jobs: int = 1, skipped: list[int] | None = None
                 ) -> Iterator[FileResult]:
    """Examine every file the paths name, yielding results in walk order (the same for any ``jobs``)."""
    tasks = iter_paths(paths, settings, skipped if skipped is not None else [0])
    return workers.run(tasks, settings, jobs, examine, timed_out)


def scan(paths: Iterable[str], settings: Settings | None = None, *, baseline: Baseline | None = None,
         fingerprints: bool = False, root: Path | None = None, jobs: int = 1, retain: bool = True,
         on_result: Callable[[FileResult], None] | None = None) -> Report:
    """Scan files and folders and return the report. The Python API the CLI is a thin layer over.

    ``jobs`` worker processes examine the files (1: in this process). With ``baseline``, findings it
    records are left out and counted; with ``fingerprints``, every finding's baseline fingerprint is kept
    in ``Report.fingerprints``. ``on_result`` sees each file's result as it arrives; with
    ``retain=False`` the report keeps only the totals, so memory does not grow with the number of files."""
    settings = settings or Settings()
    settings.validate()
    report = Report(as_of=settings.as_of, retain=retain)
    root = Path(os.path.abspath(root or os.getcwd()))
    skipped = [0]
    for result in iter_results(paths, settings, jobs, skipped):
        if baseline is not None or fingerprints:
            _apply_baseline(result, report, baseline, root, settings.as_of)
        report.add(result)
        if on_result is not None:
            on_result(result)
    report.skipped = skipped[0]
    if baseline is not None:
        report.stale = baseline.stale()
        report.suppressed = report.suppressed or 0
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
    result.findings = kept
