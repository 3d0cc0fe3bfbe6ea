"""What ``POST /v1/check`` answers: the JSON contract's file entry plus the gate's verdict, a report of
several entries, SARIF, or (where ``marklint.report.html`` is installed) the HTML inspection report."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from marklint.config import Settings
from marklint.model import Severity, Status
from marklint.results import FileResult, Report

PASS, BLOCK = "pass", "block"


def verdict(result: FileResult, settings: Settings) -> str:
    """``block`` when ``marklint scan`` on the file alone would exit 1 (a finding at or above ``fail-on``;
    ML303 in release mode is such a finding), and always when the file could not be examined: never pass
    what was not read (ML901, whatever its configured severity)."""
    threshold = Severity(settings.fail_on).rank
    entries = list(result.with_embedded())  # a document embedded in it is scanned with it (README)
    if result.status == Status.NOT_EXAMINED or any(f.rule == "ML901" for e in entries for f in e.findings):
        return BLOCK
    return BLOCK if any(f.severity.rank >= threshold for e in entries for f in e.findings) else PASS


def entry(result: FileResult, settings: Settings) -> dict:
    """The file entry of the JSON contract (version 1) plus ``verdict``, as are its embedded documents'."""
    data = {**result.to_json(), "verdict": verdict(result, settings)}
    if result.embedded:
        data["embedded"] = [entry(inner, settings) for inner in result.embedded]
    return data


def _report(results: list[FileResult], settings: Settings) -> Report:
    report = Report(as_of=settings.as_of)
    for result in results:
        report.add(result)
    return report


def batch(results: list[FileResult], settings: Settings) -> dict:
    """Several documents: the JSON report (contract version 1) of them, each entry with its verdict, and
    the batch's verdict (``block`` when any entry blocks)."""
    report = _report(results, settings)
    data = report.to_json()
    data["files"] = [entry(result, settings) for result in results]
    data["verdict"] = BLOCK if any(item["verdict"] == BLOCK for item in data["files"]) else PASS
    return data


def sarif(results: list[FileResult], settings: Settings) -> dict:
    """SARIF 2.1.0 of the documents, with the verdicts as run and artifact properties. The run names no
    folder of the server: ``%SRCROOT%`` is the caller's to resolve."""
    from marklint.report.sarif import to_sarif

    log = to_sarif(_report(results, settings), Path(os.getcwd()))
    run = log["runs"][0]
    run.pop("originalUriBaseIds", None)
    entries = [inner for result in results for inner in result.with_embedded()]  # an artifact each
    for artifact, result in zip(run["artifacts"], entries, strict=True):
        artifact["properties"]["verdict"] = verdict(result, settings)
    run["properties"]["verdict"] = BLOCK if any(verdict(r, settings) == BLOCK for r in results) else PASS
    return log


def html_available() -> bool:
    """Whether the HTML inspection report (``marklint.report.html``) and Jinja2, which renders it,
    are installed."""
    try:
        return all(importlib.util.find_spec(name) is not None for name in ("marklint.report.html", "jinja2"))
    except (ImportError, ValueError):
        return False


def html(results: list[FileResult], settings: Settings) -> str:
    """The HTML inspection report of the documents, rendered from their JSON report."""
    from marklint.report import html as html_report
    from marklint.report import inspection

    options = inspection.ReportOptions(lang=settings.lang)
    return html_report.render(inspection.from_json(_report(results, settings).to_json(), options))

