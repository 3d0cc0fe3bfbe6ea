"""The scan driver: walk the paths, parse each file, run the selected checks, collect a Report."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from marklint import parsers, workers
from marklint.analysis import Analysis, FoundMarking
from marklint.checks.context import Context, ScanContext
from marklint.checks.registry import RULES, catalogue, run_checks
from marklint.config import Settings
from marklint.errors import NotExamined
from marklint.model import Document, Finding, Location, Reason, ReasonKind, Status
from marklint.parsers import printable
from marklint.quiet import quiet_library_logs
from marklint.results import FileResult, Report
from marklint.walk import iter_paths, not_a_file, os_error

if TYPE_CHECKING:
    from marklint.baseline import Baseline

#: The reason a path given that does not exist is listed among the skipped (messages.REASONS).
PATH_NOT_FOUND = "path not found"
#: The order of a page's parts as a reader meets them: the header above the body, the footer below it.
PART_ORDER = {"metadata": 0, "header": 1, "body": 2, "table": 3, "textbox": 4, "footer": 5}


def read_document(path: Path, display: str, settings: Settings) -> Document:
    """The parsed document, or a stand-in that records why the file was not examined."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return _not_examined(display, "unreadable", os_error(exc))
    if not stat.S_ISREG(mode):
        return _not_examined(display, "unreadable", not_a_file(path, mode))  # never opened: a FIFO would block
    try:
        with quiet_library_logs():  # pypdf's warnings, quieted while the file is read, then put back
            return parsers.parse(path, display, settings.limits, settings.ocr)
    except NotExamined as exc:
        return _not_examined(display, exc.reason, exc.detail, _format_guess(path))
    except MemoryError:
        raise  # the worker's memory ceiling: the file is over a safety limit (workers._guarded), not corrupt
    except Exception:
        return _not_examined(display, "corrupt", "internal error", _format_guess(path))


def _format_guess(path: Path) -> str:
    return path.suffix.lower().lstrip(".") or "unknown"


def _not_examined(display: str, reason: str, detail: str = "", fmt: str = "unknown") -> Document:
    return Document(path=display, format=fmt, status=Status.NOT_EXAMINED, reason=Reason(ReasonKind(reason), detail))


def examine(path: Path, display: str, settings: Settings) -> FileResult:
    """Parse one file and judge it."""
    document = read_document(path, display, settings)
    try:
        result = judge(document, settings)
    except MemoryError:
        raise
    except Exception:  # a check failing on one file must not end the scan: that file is ML901
        result = judge(_not_examined(display, "corrupt", "internal error in the checks", document.format), settings)
    return _opened_by(result, path)


def not_judged(path: Path, display: str, settings: Settings, reason: str, detail: str) -> FileResult:
    """The ML901 result for a file that was never examined, for a reason found outside the file (a shard
    of files lost on a cluster)."""
    return _opened_by(judge(_not_examined(display, reason, detail, _format_guess(path)), settings), path)


def timed_out(path: Path, display: str, settings: Settings) -> FileResult:
    """The result for a file whose examination ran over the per-file time limit."""
    limit = f"{settings.limits.per_file_seconds:g} s"
    return _opened_by(judge(_not_examined(display, "timed out", f"over {limit}", _format_guess(path)), settings), path)


def over_limit(path: Path, display: str, settings: Settings, detail: str) -> FileResult:
    """The result for a file that broke a limit while it was judged: the memory ceiling of its worker."""
    document = _not_examined(display, "over a safety limit", detail, _format_guess(path))
    return _opened_by(judge(document, settings), path)


def _opened_by(result: FileResult, path: Path) -> FileResult:
    """``result`` with the path its file is read again by (for a baseline's file hash) when the printable
    path shown for it is not that path (a name with bytes that are not UTF-8)."""
    if str(path) != result.path:
        result.source = str(path)
    return result


def judge(document: Document, settings: Settings) -> FileResult:
    """Run the selected checks on a parsed document."""
    display = document.path
    ctx = Context(document, settings)
    rules = settings.enabled_rules(catalogue(), display)
    if document.status == Status.NOT_EXAMINED:
        rules = [r for r in rules if RULES[r].coverage]
    findings = [_with_severity(f, settings) for f in run_checks(ctx, rules)]
    findings.sort(key=_finding_order)
    analysis = ctx.analysis if document.status != Status.NOT_EXAMINED else None
    dated = analysis.dated if analysis else None
    return FileResult(
        path=display,
        format=document.format,
        status=document.status,
        reason=document.reason,
        markings=[_marking_json(analysis, found) for found in analysis.markings] if analysis else [],
        issue_date=dated[0] if dated else None,
        findings=findings,
        ledger_rows=(ctx.ledger_match.row.row,) if ctx.ledger_match.row else ctx.ledger_match.ambiguous,
        issuer=analysis.issuer if analysis else None,
        level=analysis.level if analysis else None,
        embedded=[judge(inner, settings) for inner in document.embedded],
        signatures=document.signatures,
    )


def _with_severity(finding: Finding, settings: Settings) -> Finding:
    """The finding with the configured severity; copied only when that differs (the rare case)."""
    severity = settings.severity_of(finding.rule, finding.severity)
    return finding if severity == finding.severity else replace(finding, severity=severity)


def _marking_json(analysis: Analysis, found: FoundMarking) -> dict:
    """A marking as the JSON report shows it (README, Output)."""
    expires, basis = analysis.expiry(found.marking)
    return {
        "text": found.marking.text,
        "level": found.marking.level,
        "term": found.marking.term.to_json(),
        "scope": analysis.scope if found.is_state_secret else None,
        "struck": found.struck,
        "primary": found is analysis.primary,  # the marking that classifies the document
        "expires": expires.isoformat() if expires else None,
        "expiry_basis": basis,
        "location": Location.of(found.unit).to_json(),
        "source": found.unit.source,  # additive (markings.md section 8): "text", or "ocr" with a confidence
    } | ({"confidence": found.unit.confidence} if found.unit.source == "ocr" else {})


def _finding_order(finding: Finding) -> tuple:
    loc = finding.location
    return (loc.page or 0, PART_ORDER.get(loc.part, 9), loc.line or 0, finding.rule)


#: Examines walked tasks and yields their results in task order: ``workers.run`` by default; a Dask
#: cluster (``marklint.distributed``) or a resumed run (``marklint.resume``) in its place.
Runner = Callable[[Iterable[workers.Task], Settings], Iterator[FileResult]]


def iter_results(paths: Iterable[str], settings: Settings, jobs: int = 1, skipped: list[int] | None = None,
                 listed: list[tuple[str, str]] | None = None, on_walked: Callable[[int], None] | None = None,
                 runner: Runner | None = None) -> Iterator[FileResult]:
    """Examine every file the paths name, once each, yielding results in walk order (the same for any
    ``jobs``); the paths the walk passed over are counted in ``skipped`` and, with their reasons, put in
    ``listed``. ``on_walked`` hears how many files there are when the walk is over."""
    tasks = _once(iter_paths(paths, settings, skipped if skipped is not None else [0], listed), on_walked)
    if runner is not None:
        return runner(tasks, settings)
    return workers.run(tasks, settings, jobs, examine, timed_out, over_limit)


def _once(tasks: Iterable[tuple[Path, str]], on_walked: Callable[[int], None] | None
          ) -> Iterator[tuple[Path, str]]:
    """Each file once: a path given twice, or a folder and a file in it, is one file with one set of
    findings. Then the count, to ``on_walked``."""
    seen: set[str] = set()
    for path, shown in tasks:
        key = os.path.abspath(path)
        if key not in seen:
            seen.add(key)
            yield path, shown
    if on_walked is not None:
        on_walked(len(seen))


def not_found(paths: Iterable[str]) -> list[str]:
    """The paths given that do not exist (a dangling symlink exists: it is reported as unreadable)."""
    return [path for path in paths if not os.path.lexists(path)]


def scan_paths(paths: Iterable[str], settings: Settings | None = None, *, baseline: Baseline | None = None,
         fingerprints: bool = False, root: Path | None = None, jobs: int = 1, retain: bool = True,
         on_result: Callable[[FileResult], None] | None = None, on_walked: Callable[[int], None] | None = None,
         runner: Runner | None = None) -> Report:
    """Scan files and folders and return the report. The Python API the CLI is a thin layer over.

    ``jobs`` worker processes examine the files (1: in this process). With ``baseline``, findings it
    records are left out and counted; with ``fingerprints``, every finding's baseline fingerprint is kept
    in ``Report.fingerprints``. ``on_result`` sees each file's result as it arrives; with
    ``retain=False`` the report keeps only the totals, so memory does not grow with the number of files.
    A path that does not exist is not a file: it is listed in ``Report.not_found``, never examined.
    ``runner``, where given, examines the files instead of ``jobs`` local workers (see ``Runner``)."""
    settings = settings or Settings()
    settings.validate(catalogue())
    report = Report(as_of=settings.as_of, retain=retain)
    root = Path(os.path.abspath(root or os.getcwd()))
    skipped = [0]
    seen_rows: set[int] = set()
    paths = list(paths)
    missing = not_found(paths)
    report.not_found = [printable(path) for path in missing]
    report.skipped_paths.extend((path, PATH_NOT_FOUND) for path in report.not_found)
    skipped[0] += len(missing)
    existing = [path for path in paths if path not in missing]
    for result in iter_results(existing, settings, jobs, skipped, report.skipped_paths, on_walked,
                               runner):
        for entry in result.with_embedded():
            seen_rows.update(entry.ledger_rows)
        if baseline is not None or fingerprints:
            _apply_baseline(result, report, baseline, root, settings.as_of)
        report.add(result)
        if on_result is not None:
            on_result(result)
    report.skipped = skipped[0]
    record_skipped = getattr(runner, "record_skipped", None)  # a resumed run's state keeps them (resume.Resumed)
    if record_skipped is not None:
        record_skipped(report.skipped_paths)
    if settings.ledger is not None:
        orphans = ledger_orphans(settings, seen_rows)
        if baseline is not None or fingerprints:
            _apply_baseline(orphans, report, baseline, root, settings.as_of)
        report.add(orphans)
        if on_result is not None:
            on_result(orphans)
    if baseline is not None:
        report.stale = baseline.stale()
        report.suppressed = report.suppressed or 0
    return report


def ledger_orphans(settings: Settings, seen_rows: set[int]) -> FileResult:
    """The ledger itself as a scanned item, with the findings of the scan-level rules (ML507: a row that no
    scanned file matched)."""
    ledger = settings.ledger
    assert ledger is not None
    kind = "xlsx" if ledger.path.lower().endswith(".xlsx") else "csv"
    result = FileResult(path=ledger.path, format=kind, status=Status.COMPLETE, reason=None)
    scan = ScanContext(settings, seen_rows)
    for rule_id in settings.enabled_rules(catalogue(), ledger.path):
        scan_check = RULES[rule_id].scan_check
        if scan_check is not None:
            result.findings.extend(scan_check(scan))
    return result


def _apply_baseline(result: FileResult, report: Report, baseline: Baseline | None, root: Path, as_of: date) -> None:
    # Imported here, not at the top: only --baseline and --write-baseline need it (and hashlib).
    from marklint.baseline import file_sha256, fingerprint, relative

    sha256 = file_sha256(result.source or result.path)  # an embedded document's findings hash its container
    for entry in result.with_embedded():
        path = relative(entry.path, root)
        kept = []
        for finding in entry.findings:
            key = fingerprint(finding, path, sha256)
            report.fingerprints.append((key, finding, path))
            if baseline is not None and baseline.suppresses(key, as_of):
                report.suppressed = (report.suppressed or 0) + 1
            else:
                kept.append(finding)
        entry.findings = kept
