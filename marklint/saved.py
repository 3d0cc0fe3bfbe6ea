"""Results saved by earlier runs, read back without reading a document again: JSON and JSONL reports,
and the state files of resumable runs (``marklint.resume``).

A JSON or JSONL file entry (markings.md section 8) gives back everything a report shows; a state entry
(``to_state``) also keeps what only the ledger and SARIF use (ledger rows, the path the file was opened
by, the marking each finding is about) and the unrounded boxes, so a resumed run's report is the
uninterrupted run's, byte for byte. (``marklint.report.saved`` reads a report into the inspection
report's model instead, for ``marklint report``.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from marklint.errors import ConfigError, os_error_words
from marklint.messages import SAVED_DEFECTS, Both, in_both
from marklint.model import Finding, Location, Reason, Severity, Status
from marklint.results import FileResult

#: The first line of a state file: what it is, and the settings its results were judged with.
STATE_KIND = "marklint-state"


def to_state(result: FileResult) -> dict:
    """The file entry of the JSON report, with what that leaves out for a report to be rebuilt."""
    entry = result.to_json()
    for finding, shown in zip(result.findings, entry["findings"], strict=True):
        if finding.location.bbox is not None:
            shown["location"]["bbox"] = list(finding.location.bbox)
        if finding.marking is not None:
            shown["marking"] = finding.marking
    entry["ledger_rows"] = list(result.ledger_rows)
    entry["issuer"] = result.issuer
    entry["source"] = result.source
    if result.embedded:
        entry["embedded"] = [to_state(inner) for inner in result.embedded]
    return entry


def from_entry(entry: dict) -> FileResult:
    """A FileResult from a file entry of a JSON or JSONL report, or of a state file."""
    return FileResult(
        path=entry["path"],
        format=entry["format"],
        status=Status(entry["status"]),
        reason=Reason.parse(entry["reason"]) if entry["reason"] else None,
        markings=entry["markings"],
        issue_date=date.fromisoformat(entry["issue_date"]) if entry["issue_date"] else None,
        findings=[_finding(f) for f in entry["findings"]],
        ledger_rows=tuple(entry.get("ledger_rows") or ()),
        issuer=entry.get("issuer"),
        level=entry.get("level"),
        source=entry.get("source"),
        signatures=entry.get("signatures"),
        embedded=[from_entry(inner) for inner in entry.get("embedded") or ()],
    )


def _finding(shown: dict) -> Finding:
    where = shown["location"]
    bbox = tuple(where["bbox"]) if where.get("bbox") else None
    return Finding(shown["rule"], shown["name"], Severity(shown["severity"]), shown["message"],
                   Location(page=where["page"], part=where["part"], line=where["line"], bbox=bbox,  # type: ignore[arg-type]
                            confidence=where.get("confidence")),  # set only where OCR read the line
                   marking=shown.get("marking"))


@dataclass
class SavedReport:
    """The results of one saved report, in its order, and the date it judged as of (None: not recorded,
    as in JSONL)."""

    path: str
    as_of: date | None
    results: list[FileResult] = field(default_factory=list)
    scan: dict | None = None  # the report's ``scan`` facts (day, roots, language), where it has them
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) the walk passed over


def read_report(path: str | Path) -> SavedReport:
    """A JSON report (one object), a JSONL report (one file per line, then a summary) or a state file.
    Raises ConfigError saying what failed (a line that is not an entry, a key missing), in both languages."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        from marklint.reasons import translate_detail

        words = os_error_words(exc)
        raise ConfigError.said("saved.unreadable", source=path,
                               why=Both(translate_detail(words) or "读取错误", words)) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError.said("saved.not utf8", source=path) from exc
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None  # several lines: JSONL or a state file
    if isinstance(whole, dict) and "files" in whole:
        try:
            return SavedReport(str(path), date.fromisoformat(whole["as_of"]),
                               [from_entry(entry) for entry in whole["files"]], whole.get("scan"),
                               _skipped(whole))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ConfigError.said("saved.not one", source=path, what=defect_of(exc)) from exc
    return _read_lines(str(path), text)


def defect_of(exc: Exception) -> Both:
    """What a report lacks or holds wrongly, from the error reading it: the key, never Python's words."""
    if isinstance(exc, KeyError) and isinstance(exc.args[0], str):
        return in_both(SAVED_DEFECTS["key"], key=exc.args[0])
    return in_both(SAVED_DEFECTS["object"])


def _read_lines(path: str, text: str) -> SavedReport:
    saved = SavedReport(path, None)
    latest: dict[str, int] = {}  # a state file may judge a file again (it changed): the later line counts
    for number, line in _complete_lines(text):
        try:
            _read_line(saved, latest, json.loads(line))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ConfigError.said("saved.not one", source=path,
                                   what=in_both(SAVED_DEFECTS["line"], line=number)) from exc
    return saved


def _read_line(saved: SavedReport, latest: dict[str, int], entry: dict) -> None:
    if entry.get("kind") == STATE_KIND:
        saved.as_of = date.fromisoformat(entry["settings"]["as_of"])
    elif "skipped" in entry and "result" not in entry and "path" not in entry and "summary" not in entry:
        saved.skipped = _skipped(entry)  # a resume state's paths passed over (resume.State.record_skipped)
    elif "summary" in entry and "path" not in entry:  # JSONL's last line: as_of and scan where written
        saved.as_of = date.fromisoformat(entry["as_of"]) if entry.get("as_of") else saved.as_of
        saved.scan = entry.get("scan")
        saved.skipped = _skipped(entry)
    else:
        result = from_entry(entry.get("result", entry))
        if result.path in latest:
            saved.results[latest[result.path]] = result
        else:
            latest[result.path] = len(saved.results)
            saved.results.append(result)


def _complete_lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of a JSONL file, numbered from 1; a last line cut short by a killed writer (no newline)
    is left out."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if index == len(lines) - 1:
            try:
                json.loads(line)
            except json.JSONDecodeError:
                return
        yield index + 1, line


def _skipped(data: dict) -> list[tuple[str, str]]:
    return [(item["path"], item["reason"]) for item in data.get("skipped") or ()]
