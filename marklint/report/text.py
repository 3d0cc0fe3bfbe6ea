"""Text for people, in the shape ruff made familiar: ``path:page:line: ML101 [error] message``."""

from __future__ import annotations

import io
from typing import TextIO

from marklint.model import Severity
from marklint.parsers import printable
from marklint.results import FileResult, Report

COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
RESET, BOLD = "\033[0m", "\033[1m"


def finding_lines(result: FileResult, colour: bool = False) -> list[str]:
    lines = []
    for finding in result.findings:
        where = f"{result.path}:{finding.location.page or 0}:{finding.location.line or 0}:"
        tag = f"{finding.rule} [{finding.severity.value}]"
        if colour:
            where = f"{BOLD}{where}{RESET}"
            tag = f"{COLOURS[finding.severity]}{tag}{RESET}"
        part = "" if finding.location.part == "body" else f" ({finding.location.part})"
        # Escaped: a message quotes document text (a marking, an Info value), whose CR, LF or bidi control
        # would split or disguise the line.
        lines.append(f"{where} {tag}{part} {printable(finding.message)}")
    return lines


def file_line(result: FileResult, lang: str = "zh") -> str:
    """One line per file for ``--show-files``: its status, and the markings it carries (the marking line
    itself, never body text)."""
    live = [printable(m["text"]) for m in result.markings if not m["struck"]]
    struck = [printable(m["text"]) for m in result.markings if m["struck"]]
    status = result.status.value + (f" ({printable(result.reason)})" if result.reason else "")
    if lang == "en":
        shown = ", ".join(live) or "no marking"
        crossed = f"; struck through: {', '.join(struck)}" if struck else ""
    else:
        shown = "、".join(live) or "无密级标志"
        crossed = f"；已划去：{'、'.join(struck)}" if struck else ""
    return f"{result.path}: [{status}] {shown}{crossed}"


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
            for line in finding_lines(entry, self.colour):
                self.stream.write(line + "\n")

    def finish(self, report: Report) -> None:
        if self.statistics:
            self.stream.write(statistics(report))
            return
        if self.show_files:
            for path, reason in report.skipped_paths:
                self.stream.write(f"{path}: [skipped ({reason})]\n")  # the path is printable already
        if self.summary:
            self.stream.write(summary_line(report, self.lang) + "\n")


def render(report: Report, *, colour: bool = False, lang: str = "zh", summary: bool = True) -> str:
    buffer = io.StringIO()
    writer = TextWriter(buffer, colour=colour, lang=lang, summary=summary)
    for result in report.files:
        writer.add(result)
    writer.finish(report)
    return buffer.getvalue()


def statistics(report: Report) -> str:
    """Findings counted per rule, like ``ruff --statistics``."""
    from marklint.checks.registry import get_rule

    rows = [f"{count:>6}  {rule_id}  {get_rule(rule_id).name}" for rule_id, count in report.rule_counts().items()]
    return "\n".join(rows) + "\n" if rows else ""


def summary_line(report: Report, lang: str = "zh") -> str:
    s = report.summary
    counts = s["findings"]
    partial = report.partial
    baseline = ""
    if report.suppressed is not None:
        baseline = (f"; {report.suppressed} suppressed by the baseline, {report.stale} stale entries" if lang == "en"
                    else f"；基线抑制 {report.suppressed} 条，失效条目 {report.stale} 条")
    if lang == "en":
        return (f"{s['files']} files scanned, {s['marked']} marked, {s['not_examined']} not examined, "
                f"{partial} partially examined, {report.skipped} skipped; "
                f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info{baseline}")
    return (f"共扫描 {s['files']} 个文件，{s['marked']} 个带密级标志，{s['not_examined']} 个未能检查，"
            f"{partial} 个部分检查，{report.skipped} 个跳过；"
            f"错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}{baseline}")
