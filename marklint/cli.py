"""The command line: a thin layer over ``marklint.scan`` and the reports."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import click

from marklint import __version__
from marklint.cli_report import INSPECTION_FLAGS, InspectionOutputs, inspection_options, report_command
from marklint.config import SEVERITIES, Settings, load_settings
from marklint.errors import ConfigError
from marklint.merge import merge_command
from marklint.model import Severity
from marklint.results import FileResult
from marklint.scale import scale_options
from marklint.usage import CatalogueGroup

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "jsonl", "sarif", "html", "xlsx")


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from exc


def _codes(values: tuple[str, ...]) -> list[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def _fail(message: str, lang: str = "zh") -> None:
    from marklint.messages import say

    click.echo(say("error.usage", lang, message=message), err=True)
    sys.exit(EXIT_ERROR)


def _config_failed(exc: ConfigError, flags: dict) -> None:
    """A configuration or ledger error, said in ``--lang``, else in the language of the configuration in
    force (its ``lang``), else in Chinese."""
    lang = str(flags.get("lang") or exc.lang or "zh")
    _fail(exc.say(lang), lang)


def _lang(flags: dict) -> str:
    """The language of messages before the settings are read: ``--lang``, else Chinese."""
    return str(flags.get("lang") or "zh")


def _colour(choice: str, output: Path | None) -> bool:
    """``--color``: always, never, or (auto) on a terminal unless ``NO_COLOR`` is set (no-color.org)."""
    if choice != "auto":
        return choice == "always"
    return output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _echo_lines(lines: list[str]) -> None:
    """Print to stdout; a reader that stops early (``marklint rules | head -1``) is no error."""
    try:
        for line in lines:
            click.echo(line)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at nothing so that flush cannot fail too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@click.group(cls=CatalogueGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="marklint")
def main() -> None:
    """marklint: check the state-secret markings (国家秘密标志) on DOCX, PDF and text files."""


def run() -> None:
    """The ``marklint`` command as installed (and ``python -m marklint``): ``main``, then the process ends
    without the interpreter's teardown (``marklint.ending``)."""
    from marklint.ending import end_process

    try:
        main()
    except SystemExit as done:
        end_process(done.code)
    else:
        end_process(0)


def _settings(config: Path | None, **flags: object) -> Settings:
    """Settings from the configuration file, then the command-line flags over them."""
    from marklint.checks.registry import catalogue

    settings, _ = load_settings(catalogue(), config)
    if flags.get("as_of") is not None:
        settings.as_of = flags["as_of"]  # type: ignore[assignment]
    for name in ("fail_on", "lang", "expiry_window", "ocr"):
        if flags.get(name) is not None:
            setattr(settings, name, flags[name])
    if flags.get("release"):
        settings.release = True
    if flags.get("follow_symlinks"):
        settings.follow_symlinks = True
    if flags.get("select"):
        settings.select = _codes(flags["select"])  # type: ignore[arg-type]
    settings.extend_select += _codes(flags.get("extend_select") or ())  # type: ignore[arg-type]
    settings.ignore += _codes(flags.get("ignore") or ())  # type: ignore[arg-type]
    settings.exclude += list(flags.get("exclude") or ())  # type: ignore[arg-type]
    try:
        if flags.get("ledger"):
            from marklint.ledger import read_ledger  # here: only --ledger reads one

            settings.ledger = read_ledger(str(flags["ledger"]))
        settings.validate(catalogue())
    except ConfigError as exc:
        exc.lang = settings.lang  # the configuration in force says which language it is read in
        raise
    return settings


def scan_options(command: Callable) -> Callable:
    """The options ``scan`` and ``stats`` share: what to read, how to judge it, how many workers."""
    options = [
        click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Configuration file (default: the nearest marklint.toml, .marklint.toml or "
                          "pyproject.toml)."),
        click.option("--ledger", type=click.Path(dir_okay=False), default=None,
                     help="The 定密台账 (CSV or XLSX) to hold the documents against (ML4xx, ML5xx)."),
        click.option("--as-of", callback=_parse_date,
                     help="Judge terms as of this date (YYYY-MM-DD; default today)."),
        click.option("--expiry-window", type=click.IntRange(min=0), default=None,
                     help="Days before expiry that ML302 reports (default 90)."),
        click.option("--select", multiple=True, help="Only these rules or prefixes (comma separated)."),
        click.option("--extend-select", multiple=True, help="Also these rules, e.g. ML206."),
        click.option("--ignore", multiple=True, help="Not these rules or prefixes."),
        click.option("--exclude", multiple=True, help="Skip paths matching this glob (repeatable)."),
        click.option("--ocr", type=click.Choice(["auto", "off"]), default=None,
                     help="Read scans (images, PDF pages without text) by OCR: auto (default) where the "
                          "ocr extra is installed, off never (ML902)."),
        click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                     help="Worker processes (default: the number of CPUs)."),
        click.option("--follow-symlinks", is_flag=True, default=None,
                     help="Follow symlinks met while walking folders (never out of the folders given)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command("scan")
@click.argument("paths", nargs=-1, required=True)
@scan_options
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format (jsonl: one object per file as it is done, then a summary object).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report here instead of stdout.")
@click.option("--json-output", type=click.Path(path_type=Path), help="Also write the JSON report here.")
@click.option("--sarif-output", type=click.Path(path_type=Path), help="Also write the SARIF report here.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 when a finding at or above this severity exists (default warning).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="Message language (default zh).")
@click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text report (auto: on a terminal, unless NO_COLOR is set).")
@click.option("--release", is_flag=True, help="Pre-release gate: any state-secret or 解密 mark is an error (ML303).")
@click.option("--baseline", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Report only findings not recorded in this baseline.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Record the current findings in this baseline file.")
@click.option("-q", "--quiet", is_flag=True, help="No summary line and no progress.")
@click.option("--show-files", is_flag=True,
              help="Text format: a line for every file with its status and its markings, then its findings.")
@click.option("--statistics", is_flag=True,
              help="Text format: the number of findings per rule instead of the findings.")
@inspection_options
@scale_options
def scan_command(paths: tuple[str, ...], output_format: str, output: Path | None, json_output: Path | None,
                 sarif_output: Path | None, config: Path | None, exit_zero: bool, baseline: Path | None,
                 write_baseline: Path | None, jobs: int | None, quiet: bool, statistics: bool, show_files: bool,
                 color: str, **flags: object) -> None:
    """Scan files and folders for classification markings and report what is wrong with them."""
    from marklint.driver import scan_paths as run_scan
    from marklint.messages import say
    from marklint.output import atomic_file, write_atomic
    from marklint.report import json as json_report
    from marklint.report.progress import Progress
    from marklint.scale import enter_runner

    lang = _lang(flags)
    for option, used in (("--statistics", statistics), ("--show-files", show_files)):
        if used and output_format != "text":
            _fail(say("error.format option", lang, option=option, format=output_format), lang)
    inspection = {name: flags.pop(name) for name in INSPECTION_FLAGS}
    try:
        settings = _settings(config, **flags)
        loaded = None
        if baseline is not None:
            from marklint.baseline import Baseline  # here: only --baseline reads one (and needs hashlib)

            loaded = Baseline.load(baseline)
    except ConfigError as exc:
        _config_failed(exc, flags)
        return
    lang = settings.lang
    _refuse_missing(paths, lang)
    as_of = settings.as_of.isoformat()
    scan_facts = json_report.scan_facts(paths, settings.lang)
    outputs = InspectionOutputs.for_scan(scan_facts, settings, output_format, output, **inspection)  # type: ignore[arg-type]
    with ExitStack() as stack:
        try:
            runner = enter_runner(stack, settings, jobs or os.cpu_count() or 1, **flags)
        except ConfigError as exc:
            _config_failed(exc, {"lang": settings.lang})
        main_stream = (stack.enter_context(atomic_file(output)) if output is not None and output_format != "xlsx"
                       else sys.stdout)
        writers: list = []
        if output_format == "text":
            from marklint.report import text as text_report

            colour = _colour(color, output)
            writers.append(text_report.TextWriter(main_stream, colour=colour, lang=settings.lang,
                                                  summary=not quiet, statistics=statistics,
                                                  show_files=show_files))
        elif output_format == "json":
            writers.append(json_report.JsonWriter(main_stream, as_of, scan_facts))
        elif output_format == "jsonl":
            writers.append(json_report.JsonLinesWriter(main_stream, as_of, scan_facts))
        if json_output is not None:
            writers.append(json_report.JsonWriter(stack.enter_context(atomic_file(json_output)), as_of, scan_facts))
        if outputs is not None:
            outputs.stream = main_stream
            writers.append(outputs)
        progress = Progress.for_stderr(enabled=not quiet, lang=lang)

        def on_result(result: FileResult) -> None:
            progress.clear()  # a finding never starts on the progress line
            for writer in writers:
                writer.add(result)
            progress.tick()

        retain = output_format == "sarif" or sarif_output is not None
        report = run_scan(paths, settings, baseline=loaded, fingerprints=write_baseline is not None,
                          jobs=jobs or os.cpu_count() or 1, retain=retain, on_result=on_result,
                          on_walked=progress.walked, runner=runner)
        progress.done()
        _say_if_empty(report.seen, paths, report.not_found, lang)
        for writer in writers:
            writer.finish(report)
        if output_format == "sarif" or sarif_output is not None:
            from marklint.report import sarif as sarif_report  # here: only SARIF needs it (and hashlib)

            if output_format == "sarif":
                main_stream.write(sarif_report.render(report))
            if sarif_output is not None:
                write_atomic(sarif_output, sarif_report.render(report))
    if write_baseline is not None:
        from marklint.baseline import baseline_document

        write_atomic(write_baseline, json.dumps(baseline_document(report.fingerprints), ensure_ascii=False,
                                                indent=2) + "\n")
    worst = report.worst()
    threshold = Severity(settings.fail_on)
    failed = worst is not None and worst.rank >= threshold.rank
    sys.exit(EXIT_FINDINGS if failed and not exit_zero else EXIT_CLEAN)


STATS_FORMATS = ("text", "json", "csv", "xlsx")


def _refuse_missing(paths: tuple[str, ...], lang: str) -> None:
    """Say which paths given do not exist; exit 2 when none does (nothing to scan is a usage error)."""
    from marklint.driver import not_found
    from marklint.messages import REASONS, label, say
    from marklint.parsers import printable

    missing = not_found(paths)
    for path in missing:
        click.echo(say("error.usage", lang, message=f"{printable(path)}: {label(REASONS, 'path not found', lang)}"),
                   err=True)
    if missing and len(missing) == len(paths):
        _fail(say("error.nothing exists", lang, paths=", ".join(printable(p) for p in missing)), lang)


def _say_if_empty(seen: int, paths: tuple[str, ...], missing: list[str], lang: str) -> None:
    """A run that found no file to examine (an empty folder, only files of other formats) says so."""
    from marklint.messages import say
    from marklint.parsers import printable

    if seen == 0:
        shown = [printable(p) for p in paths if printable(p) not in missing]
        click.echo(say("error.usage", lang, message=say("nothing found", lang, paths=", ".join(shown))), err=True)


@main.command("stats")
@click.argument("paths", nargs=-1, required=True)
@scan_options
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Message and label language (default zh, or the configuration's lang).")
@click.option("--format", "output_format", type=click.Choice(STATS_FORMATS), default="text", show_default=True,
              help="text: aligned tables; csv: UTF-8 with BOM for Excel; xlsx: one sheet per table (needs --output).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the statistics here instead of stdout.")
@click.option("--from", "from_reports", is_flag=True,
              help="PATHS are saved reports (JSON, JSONL, --resume state): count them, read no document.")
def stats_command(paths: tuple[str, ...], output_format: str, output: Path | None, config: Path | None,
                  jobs: int | None, from_reports: bool, **flags: object) -> None:
    """定密统计: documents by level, term and expiry; findings by kind, rule and issuer.

    The totals agree with `marklint scan` on the same paths. Exit 0 whatever the findings (statistics are
    not a gate); 2 for usage and configuration errors."""
    from marklint.driver import scan_paths as run_scan
    from marklint.messages import say
    from marklint.output import write_atomic, write_atomic_bytes
    from marklint.report import stats as stats_report
    from marklint.report.progress import Progress

    lang = _lang(flags)
    if output_format == "xlsx" and output is None:
        _fail(say("error.xlsx output", lang), lang)
        return
    try:
        settings = _settings(config, **flags)
    except ConfigError as exc:
        _config_failed(exc, flags)
        return
    _refuse_missing(paths, lang)
    collected = stats_report.Statistics(settings.as_of)
    progress = Progress.for_stderr(lang=lang)

    def on_result(result: FileResult) -> None:
        progress.tick()
        collected.add(result)

    if from_reports:
        from marklint.merge import combine

        try:
            combined = combine(list(paths))
        except ConfigError as exc:
            _fail(exc.say(lang), lang)
        collected.as_of = flags.get("as_of") or combined.as_of or settings.as_of  # type: ignore[assignment]
        for result in combined.results:
            collected.add(result)
    else:  # retain=False: only the counts are kept, so an archive of any size fits in memory.
        run_scan(paths, settings, jobs=jobs or os.cpu_count() or 1, retain=False, on_result=on_result,
                 on_walked=progress.walked)
    progress.done()
    label_lang = settings.lang  # one language, as every command speaks: --lang, the configuration's, else Chinese
    if output is not None and output_format == "xlsx":
        write_atomic_bytes(output, stats_report.render_xlsx(collected, label_lang))
    elif output is not None:
        write_atomic(output, stats_report.render(collected, output_format, label_lang))
    else:
        sys.stdout.write(stats_report.render(collected, output_format, label_lang))
    sys.exit(EXIT_CLEAN)


main.add_command(report_command)
main.add_command(merge_command)


LANG_OPTION = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="Language of the labels.")


@main.command("rules")
@LANG_OPTION
def list_rules(lang: str) -> None:
    """List every rule: ID, name, default severity, summary."""
    from marklint.checks.registry import all_rules
    from marklint.messages import TEXT

    opt_in = TEXT["rule.opt in"].say(lang)
    _echo_lines([f"{r.id}  {r.name:<30} {r.severity.value:<8} {r.summary_in(lang)}{opt_in if r.opt_in else ''}"
                 for r in all_rules()])


@main.command("rule")
@click.argument("rule_id")
@LANG_OPTION
def show_rule(rule_id: str, lang: str) -> None:
    """Print one rule's documentation."""
    from marklint.checks.registry import all_rules
    from marklint.messages import say

    found = {r.id: r for r in all_rules()}.get(rule_id.upper())
    if found is None:
        _fail(say("error.no rule", lang, rule=rule_id), lang)
        return
    flag = (", " + say("rule.opt in flag", lang) if found.opt_in else ", " + say("rule.always on", lang)
            if found.always_on else "")
    _echo_lines([f"{found.id} {found.name} [{found.severity.value}{flag}]", "", found.doc_in(lang)])


@main.command("config")
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Configuration file.")
@click.option("--format", "output_format", type=click.Choice(["toml", "json"]), default="toml", show_default=True,
              help="toml: a configuration file to start from, with where the settings came from; json: valid JSON.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Message language (default zh, or the configuration's lang).")
def show_config(config: Path | None, output_format: str, lang: str | None) -> None:
    """Print the settings in force and where they came from."""
    from marklint.checks.registry import catalogue
    from marklint.config_format import as_toml
    from marklint.messages import say

    try:
        settings, source = load_settings(catalogue(), config)
    except ConfigError as exc:
        _config_failed(exc, {"lang": lang})
        return
    lang = lang or settings.lang
    if output_format == "json":
        shown = {"source": str(source) if source else None, "settings": settings.describe(catalogue())}
        _echo_lines([json.dumps(shown, ensure_ascii=False, indent=2)])
    else:
        said = say("config.source", lang, source=source or say("config.none", lang))
        _echo_lines([f"# {said}", as_toml(settings.describe(catalogue()))])


from marklint.serve_command import serve as serve_command  # noqa: E402  (its own module; imports no server)

main.add_command(serve_command)
