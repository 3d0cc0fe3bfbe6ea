"""The JSON report (contract version 1, README, Output) and its streaming forms.

``JsonWriter`` writes the one JSON object file by file, so a large archive's report never has to be
held in memory; ``render`` is the same writer over a finished report. ``jsonl`` writes one object per
file as soon as it is done and a final ``{"summary": …}`` object.

Both carry ``scan`` (additive to contract version 1): the day the scan ran, the paths it was given and
the language of its messages, which the inspection report (``marklint report``) shows; the JSONL summary
object also carries ``as_of``."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import date
from typing import TextIO

from marklint import __version__
from marklint.report import indented
from marklint.results import FileResult, Report


def _dump(value: object, indent: int | None) -> str:
    if indent == 2:
        return indented.dumps(value)  # the same text, faster (the parent writes it while workers judge)
    return json.dumps(value, ensure_ascii=False, indent=indent)


def scan_facts(paths: Iterable[str], lang: str) -> dict:
    """The ``scan`` object: what the inspection report's title block needs that no file entry says."""
    return {"date": date.today().isoformat(), "roots": list(paths), "lang": lang}


class JsonWriter:
    def __init__(self, stream: TextIO, as_of: str, scan: dict | None = None) -> None:
        self.stream = stream
        self.first = True
        head = {"version": 1, "tool": {"name": "marklint", "version": __version__}, "as_of": as_of}
        if scan is not None:
            head["scan"] = scan
        self.stream.write(_dump(head, 2)[:-2] + ',\n  "files": [')

    def add(self, result: FileResult) -> None:
        body = _dump(result.to_json(), 2).replace("\n", "\n    ")
        self.stream.write(("\n    " if self.first else ",\n    ") + body)
        self.first = False

    def finish(self, report: Report) -> None:
        tail = {"summary": report.summary, "skipped": report.skipped_json()}
        if report.suppressed is not None:
            tail["baseline"] = {"suppressed": report.suppressed, "stale": report.stale}
        closing = "\n  ]" if not self.first else "]"
        self.stream.write(closing + ",\n  " + _dump(tail, 2)[4:-2].replace("\n  ", "\n  ") + "\n}\n")


class JsonLinesWriter:
    def __init__(self, stream: TextIO, as_of: str, scan: dict | None = None) -> None:
        self.stream = stream
        self.as_of = as_of
        self.scan = scan

    def add(self, result: FileResult) -> None:
        self.stream.write(_dump(result.to_json(), None) + "\n")
        self.stream.flush()

    def finish(self, report: Report) -> None:
        tail: dict = {"summary": report.summary, "skipped": report.skipped_json()}
        if report.suppressed is not None:
            tail["baseline"] = {"suppressed": report.suppressed, "stale": report.stale}
        if self.scan is not None:
            tail.update(as_of=self.as_of, scan=self.scan)
        self.stream.write(_dump(tail, None) + "\n")


def render(report: Report) -> str:
    buffer = io.StringIO()
    writer = JsonWriter(buffer, report.as_of.isoformat())
    for result in report.files:
        writer.add(result)
    writer.finish(report)
    return buffer.getvalue()
