"""The command line: a thin layer over ``marklint.scan`` and the reports."""

from __future__ import annotations

import sys
from datetime import date

import click

from marklint import __version__
from marklint.config import SEVERITIES, Settings
from marklint.errors import ConfigError
from marklint.model import Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from exc


def _codes(values: tuple[str, ...]) -> list[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="marklint")
def main() -> None:
    """marklint: check the state-secret markings (国家秘密标志) on DOCX, PDF and text files."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report format.")
@click.option("--as-of", callback=_parse_date, help="Judge terms as of this date (YYYY-MM-DD; default today).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 when a finding at or above this severity exists (default warning).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Message language (default zh).")
@click.option("--release", is_flag=True, help="Pre-release gate: any state-secret or 解密 mark is an error (ML303).")
@click.option("--expiry-window", type=click.IntRange(min=0), default=None,
              help="Days before expiry that ML302 warns (default 90).")
@click.option("--select", multiple=True, help="Only these rules or prefixes (comma separated).")
@click.option("--extend-select", multiple=True, help="Also these rules, e.g. ML206.")
@click.option("--ignore", multiple=True, help="Not these rules or prefixes.")
def scan(paths: tuple[str, ...], output_format: str, as_of: date | None, fail_on: str | None,
         lang: str | None, release: bool, expiry_window: int | None, select: tuple[str, ...], extend_select: tuple[str, ...],
         ignore: tuple[str, ...]) -> None:
    """Scan files and folders for classification markings and report what is wrong with them."""
    from marklint.report import json as json_report
    from marklint.report import text as text_report
    from marklint.scan import scan as run_scan

    settings = Settings()
    if as_of is not None:
        settings.as_of = as_of
    if fail_on is not None:
        settings.fail_on = fail_on
    if lang is not None:
        settings.lang = lang
    settings.release = release
    if expiry_window is not None:
        settings.expiry_window = expiry_window
    if select:
        settings.select = _codes(select)
    settings.extend_select += _codes(extend_select)
    settings.ignore += _codes(ignore)
    try:
        report = run_scan(paths, settings)
    except ConfigError as exc:
        click.echo(f"marklint: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    if output_format == "json":
        click.echo(json_report.render(report), nl=False)
    else:
        colour = sys.stdout.isatty()
        click.echo(text_report.render(report, colour=colour, lang=settings.lang), nl=False)
    worst = report.worst()
    threshold = Severity(settings.fail_on)
    sys.exit(EXIT_FINDINGS if worst is not None and worst.rank >= threshold.rank else EXIT_CLEAN)


@main.command("rules")
def list_rules() -> None:
    """List every rule: ID, name, default severity, summary."""
    from marklint.checks.registry import all_rules

    for declared in all_rules():
        flag = " (opt-in)" if declared.opt_in else ""
        click.echo(f"{declared.id}  {declared.name:<30} {declared.severity.value:<8} {declared.summary}{flag}")


@main.command("rule")
@click.argument("rule_id")
def show_rule(rule_id: str) -> None:
    """Print one rule's documentation."""
    from marklint.checks.registry import all_rules

    found = {r.id: r for r in all_rules()}.get(rule_id.upper())
    if found is None:
        click.echo(f"marklint: no rule {rule_id}", err=True)
        sys.exit(EXIT_ERROR)
    flag = ", opt-in" if found.opt_in else ""
    click.echo(f"{found.id} {found.name} [{found.severity.value}{flag}]\n\n{found.doc}")
