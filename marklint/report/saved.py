"""Reading a saved report: the JSON (``marklint scan --format json``) or JSONL (``--format jsonl``: the
file objects, then the summary object with ``as_of`` and ``scan``) that ``marklint report`` renders."""

from __future__ import annotations

import json
from pathlib import Path

from marklint.errors import ConfigError, os_error_words
from marklint.messages import SAVED_DEFECTS, Both, in_both
from marklint.report.inspection import InspectionReport, ReportOptions, builder_for, from_json


class SavedReportError(ConfigError, ValueError):
    """A saved report that is not a marklint JSON or JSONL report, said from the catalogue (``say``)."""


def load(path: Path, options: ReportOptions) -> InspectionReport:
    """The report of a saved JSON report, or of a JSONL one (file objects, then the summary object)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError as exc:
        raise SavedReportError.said("saved.not utf8", source=path) from exc
    except OSError as exc:
        from marklint.reasons import translate_detail

        words = os_error_words(exc)
        raise SavedReportError.said("saved.unreadable", source=path,
                                    why=Both(translate_detail(words) or "读取错误", words)) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    try:
        if isinstance(data, dict) and "files" in data:
            return from_json(data, options)
        return _from_lines(text.splitlines(), options)
    except _NotAReport as exc:
        raise SavedReportError.said("saved.not one", source=path, what=in_both(SAVED_DEFECTS[exc.args[0]])) from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        from marklint.saved import defect_of

        raise SavedReportError.said("saved.not one", source=path, what=defect_of(exc)) from exc


class _NotAReport(Exception):
    """What a JSONL report lacks: a key of ``messages.SAVED_DEFECTS``."""


def _from_lines(lines: list[str], options: ReportOptions) -> InspectionReport:
    objects = [json.loads(line) for line in lines if line.strip()]
    if not objects or not isinstance(objects[-1], dict) or "summary" not in objects[-1]:
        raise _NotAReport("no summary")
    tail = objects[-1]
    if "as_of" not in tail:
        raise _NotAReport("no as_of")  # written by a marklint from before the inspection report
    builder = builder_for(tail, options)
    for entry in objects[:-1]:
        builder.add(entry)
    return builder.finish(tail["summary"])
