"""Reading a saved report: the JSON (``marklint scan --format json``) or JSONL (``--format jsonl``: the
file objects, then the summary object with ``as_of`` and ``scan``) that ``marklint report`` renders."""

from __future__ import annotations

import json
from pathlib import Path

from marklint.report.inspection import InspectionReport, ReportOptions, builder_for, from_json


class SavedReportError(ValueError):
    """A saved report that is not a marklint JSON or JSONL report."""


def load(path: Path, options: ReportOptions) -> InspectionReport:
    """The report of a saved JSON report, or of a JSONL one (file objects, then the summary object)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise SavedReportError(f"{path}: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    try:
        if isinstance(data, dict) and "files" in data:
            return from_json(data, options)
        return _from_lines(text.splitlines(), options)
    except (KeyError, TypeError, ValueError) as exc:
        raise SavedReportError(f"{path}: not a marklint JSON or JSONL report ({exc})") from exc


def _from_lines(lines: list[str], options: ReportOptions) -> InspectionReport:
    objects = [json.loads(line) for line in lines if line.strip()]
    if not objects or "summary" not in objects[-1]:
        raise ValueError("no summary object at the end")
    tail = objects[-1]
    if "as_of" not in tail:
        raise ValueError("the summary object has no as_of (written by a marklint before the inspection report)")
    builder = builder_for(tail, options)
    for entry in objects[:-1]:
        builder.add(entry)
    return builder.finish(tail["summary"])
