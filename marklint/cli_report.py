"""The inspection report on the command line: ``marklint report`` and the HTML, PDF and XLSX outputs of
``marklint scan`` (``--format html|xlsx``, ``--html-output``, ``--pdf-output``).

Light to import (click only): the model, Jinja2 and openpyxl are imported when a report is rendered.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

import click

from marklint.errors import ConfigError
from marklint.messages import say

if TYPE_CHECKING:
    from marklint.config import Settings
    from marklint.report.inspection import InspectionReport, ReportBuilder, ReportOptions
    from marklint.results import FileResult, Report

EXIT_ERROR = 2
INSPECTION_FORMATS = ("html", "xlsx")
#: The scan options ``inspection_options`` adds, which ``scan`` hands to InspectionOutputs.
INSPECTION_FLAGS = ("html_output", "pdf_output", "unit", "browser")


def _fail(message: str) -> NoReturn:
    """``message``, already said in the run's language, and exit 2."""
    click.echo(f"marklint: {message}", err=True)
    sys.exit(EXIT_ERROR)


def inspection_options(command: Callable) -> Callable:
    """What ``scan`` and ``report`` share: the side outputs, the unit, the browser."""
    options = [
        click.option("--html-output", type=click.Path(dir_okay=False, path_type=Path),
                     help="Also write the inspection report (HTML) here."),
        click.option("--pdf-output", type=click.Path(dir_okay=False, path_type=Path),
                     help="Also write the inspection report as PDF here (printed by a headless Chromium)."),
        click.option("--unit", default=None, help="The unit inspected, for the report's title block "
                                                  "(default: [report] unit in the configuration)."),
        click.option("--browser", default=None,
                     help="The Chromium to print the PDF with (default: chromium, chromium-browser or "
                          "google-chrome on PATH)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command



def report_options(settings: Settings, unit: str | None) -> ReportOptions:
    from marklint.report.inspection import ReportOptions

    configured = settings.report
    return ReportOptions(lang=settings.lang, unit=unit if unit is not None else configured.unit,
                         inspectors=tuple(configured.inspectors), marking=configured.marking,
                         rectify_days=configured.rectify_days)


class InspectionOutputs:
    """The inspection report's outputs of one run: the main output (``--format html|xlsx``) and the side
    outputs. ``add``/``finish`` make it one of ``scan``'s writers: the file entries go into the report
    model one by one, as the JSON report would carry them."""

    def __init__(self, options: ReportOptions, output_format: str, html_output: Path | None = None,
                 pdf_output: Path | None = None, browser: str | None = None) -> None:
        self.options = options
        self.output_format = output_format
        self.html_output = html_output
        self.pdf_output = pdf_output
        self.browser = None
        if pdf_output is not None:
            from marklint.report.pdf import find_browser

            self.browser = find_browser(browser)  # before the scan: a missing browser is a usage error
        self.builder: ReportBuilder | None = None  # a scan's file entries go into it
        self.stream: TextIO | None = None  # where --format html writes
        self.workbook: Path | None = None  # where --format xlsx writes

    @classmethod
    def for_scan(cls, facts: dict, settings: Settings, output_format: str, output: Path | None,
                 html_output: Path | None = None, pdf_output: Path | None = None, unit: str | None = None,
                 browser: str | None = None) -> InspectionOutputs | None:
        """The outputs ``scan`` was asked for, or None; a usage error exits 2 before the scan starts.
        ``facts``: the JSON report's ``scan`` object (``report.json.scan_facts``)."""
        wanted = output_format in INSPECTION_FORMATS or html_output is not None or pdf_output is not None
        if not wanted:
            return None
        if output_format == "xlsx" and output is None:
            _fail(say("error.xlsx output", settings.lang))
        try:
            outputs = cls(report_options(settings, unit), output_format, html_output, pdf_output, browser)
        except ConfigError as exc:
            _fail(exc.say(settings.lang))
        from marklint.report.inspection import ReportBuilder

        outputs.builder = ReportBuilder(settings.as_of, outputs.options, facts["roots"],
                                        date.fromisoformat(facts["date"]))
        outputs.workbook = output if output_format == "xlsx" else None
        return outputs

    def add(self, result: FileResult) -> None:
        assert self.builder is not None
        self.builder.add(result.to_json())

    def finish(self, report: Report) -> None:
        assert self.builder is not None
        self.write(self.builder.finish(report.summary))

    def write(self, model: InspectionReport) -> None:
        """Render what was asked for and write it; a failed PDF print exits 2 (no half-written file)."""
        from marklint.output import write_atomic, write_atomic_bytes
        from marklint.report import html

        text = html.render(model) if self.output_format == "html" or self.html_output or self.pdf_output else ""
        if self.output_format == "html" and self.stream is not None:
            self.stream.write(text)
        if self.output_format == "xlsx" and self.workbook is not None:
            from marklint.report import xlsx

            write_atomic_bytes(self.workbook, xlsx.render(model))
        if self.html_output is not None:
            write_atomic(self.html_output, text)
        if self.pdf_output is not None:
            from marklint.report.pdf import PrintError, print_pdf

            assert self.browser is not None
            try:
                write_atomic_bytes(self.pdf_output, print_pdf(text, self.browser))
            except PrintError as exc:
                _fail(exc.say(self.options.lang or "zh"))


@click.command("report")
@click.argument("saved", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="REPORT")
@click.option("--format", "output_format", type=click.Choice(INSPECTION_FORMATS), default="html", show_default=True,
              help="html: the inspection report, one self-contained page; xlsx: findings and files sheets "
                   "(needs --output).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report here instead of stdout.")
@inspection_options
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Report language (default: the language of the saved report's messages).")
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Configuration file, for its [report] table (default: the nearest one).")
def report_command(saved: Path, output_format: str, output: Path | None, html_output: Path | None,
                   pdf_output: Path | None, unit: str | None, browser: str | None, lang: str | None,
                   config: Path | None) -> None:
    """The inspection report of a saved JSON or JSONL report, without scanning again.

    REPORT is what `marklint scan --format json` (or jsonl) wrote, here or on another machine. Exit 0, or 2
    for usage, configuration and output errors."""
    from marklint.checks.registry import catalogue
    from marklint.config import load_settings
    from marklint.report.saved import load
    from marklint.usage import usage_lang

    said_in = lang or usage_lang(["--config", str(config)] if config else [])  # else the configuration's, else zh
    if output_format == "xlsx" and output is None:
        _fail(say("error.xlsx output", said_in))
    try:
        settings, _ = load_settings(catalogue(), config)
        settings.lang = lang or ""  # none given: the saved report's (ReportOptions.lang)
        outputs = InspectionOutputs(report_options(settings, unit), output_format, html_output, pdf_output, browser)
        model = load(saved, outputs.options)
    except ConfigError as exc:  # a saved report that cannot be read too (SavedReportError)
        _fail(exc.say(said_in))
    if output_format == "xlsx" or output is None:
        outputs.workbook, outputs.stream = output, sys.stdout
        outputs.write(model)
    else:
        from marklint.output import atomic_file

        with atomic_file(output) as stream:
            outputs.stream = stream
            outputs.write(model)
    sys.exit(0)
