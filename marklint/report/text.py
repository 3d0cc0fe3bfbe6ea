"""Text for people, in the shape ruff made familiar: ``path:page:line: ML101 [error] message``."""

from __future__ import annotations

import io
from typing import TextIO

from marklint.messages import PARTS, STATUSES, TEXT, label, say
from marklint.model import Severity, Status
from marklint.parsers import printable
from marklint.reasons import say_reason, translate_detail
from marklint.results import FileResult, Report

COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
RESET, BOLD = "\033[0m", "\033[1m"


def finding_lines(result: FileResult, colour: bool = False, lang: str = "zh") -> list[str]:
    """``path:page:line: ID [severity] (part) message`` for each finding, in the driver's order (the
    reading order of the file). The rule ID and the severity are the line's fixed, grep-able words, the
    same in either language."""
    lines = []
    for finding in result.findings:
        where = f"{result.path}:{finding.location.page or 0}:{finding.location.line or 0}:"
        tag = f"{finding.rule} [{finding.severity.value}]"
        if colour:
            where = f"{BOLD}{where}{RESET}"
            tag = f"{COLOURS[finding.severity]}{tag}{RESET}"
        part = "" if finding.location.part == "body" else f" ({label(PARTS, finding.location.part, lang)})"
        ocr = f" (OCR {finding.location.confidence:.2f})" if finding.location.ocr else ""
        # Escaped: a message quotes document text (a marking, an Info value), whose CR, LF or bidi control
        # would split or disguise the line.
        lines.append(f"{where} {tag}{part}{ocr} {printable(finding.message)}")
    return lines


def file_line(result: FileResult, lang: str = "zh") -> str:
    """One line per file for ``--show-files``: its status, and the markings it carries (the marking line
    itself, never body text). A file that was not read has no verdict on its marking, and says so."""
    live = [printable(m["text"]) for m in result.markings if not m["struck"]]
    struck = [printable(m["text"]) for m in result.markings if m["struck"]]
    status = label(STATUSES, result.status.value, lang)
    if result.reason:
        reason = printable(say_reason(result.reason, lang))
        status += f"（{reason}）" if lang != "en" else f" ({reason})"
    separator = TEXT["list separator"].say(lang)
    if result.status == Status.NOT_EXAMINED:
        shown = say("no verdict", lang)
    else:
        shown = separator.join(live) or say("no marking", lang)
    crossed = say("struck", lang, markings=separator.join(struck)) if struck else ""
    return f"{result.path}: [{status}] {shown}{crossed}"


def skipped_line(path: str, reason: str, lang: str = "zh") -> str:
    """One line for ``--show-files`` per path the scan passed over, with the reason."""
    said = reason if lang == "en" else translate_detail(reason) or ""
    return say("skipped file", lang, path=path, reason=said).replace("（）", "")


class TextWriter:
    """Finding lines as files are done, then the summary (or, with ``statistics``, counts per rule)."""

    def __init__(self, stream: TextIO, *, colour: bool = False, lang: str = "zh", summary: bool = True,
                 statistics: bool = False, show_files: bool = False) -> None:
        self.stream, self.colour, self.lang = stream, colour, lang
        self.summary, self.statistics, self.show_files = summary, statistics, show_files

    def add(self, result: FileResult) -> None:
        if self.statistics:
            return
        for entry in result.with_embedded():  # an embedded document under its path outer.pdf!/annex.docx
            if self.show_files:
                self.stream.write(file_line(entry, self.lang) + "\n")
            for line in finding_lines(entry, self.colour, self.lang):
                self.stream.write(line + "\n")

    def finish(self, report: Report) -> None:
        if self.statistics:
            self.stream.write(statistics(report, self.lang))
            return
        if self.show_files:
            for path, reason in report.skipped_paths:  # the path is printable already
                self.stream.write(skipped_line(path, reason, self.lang) + "\n")
        if self.summary:
            self.stream.write(summary_line(report, self.lang) + "\n")


def render(report: Report, *, colour: bool = False, lang: str = "zh", summary: bool = True) -> str:
    buffer = io.StringIO()
    writer = TextWriter(buffer, colour=colour, lang=lang, summary=summary)
    for result in report.files:
        writer.add(result)
    writer.finish(report)
    return buffer.getvalue()


def statistics(report: Report, lang: str = "zh") -> str:
    """Findings counted per rule, like ``ruff --statistics``, then their total."""
    from marklint.checks.registry import get_rule

    counts = report.rule_counts()
    rows = [f"{count:>6}  {rule_id}  {get_rule(rule_id).name}" for rule_id, count in counts.items()]
    rows.append(say("statistics.total", lang, count=sum(counts.values())))
    return "\n".join(rows) + "\n"


def summary_line(report: Report, lang: str = "zh") -> str:
    s = report.summary
    counts = s["findings"]
    baseline = ""
    if report.suppressed is not None:
        baseline = say("summary.baseline", lang, suppressed=report.suppressed, stale=report.stale)
    return say("summary", lang, files=s["files"], marked=s["marked"], not_examined=s["not_examined"],
               partial=report.partial, skipped=report.skipped, errors=counts["error"], warnings=counts["warning"],
               infos=counts["info"]) + baseline
