"""``marklint merge``: one report from the reports of runs over parts of an archive (JSON, JSONL or
``--resume`` state files), and the saved results ``marklint stats --from`` counts. No document is read.

A file in several reports counts once: the later report's result wins (a rerun of part of the archive
replaces the first run's), and the merge says how many were replaced. Files come in the order a scan's
walk lists them, so halves merged in any order give the whole run's report;
a ledger's own entry (its ML507 rows) comes last, as in a scan.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

import click

from marklint.errors import ConfigError
from marklint.model import Status
from marklint.results import FileResult, Report
from marklint.saved import read_report

if TYPE_CHECKING:
    from marklint.report.json import JsonLinesWriter, JsonWriter


def _write_json(report: Report, stream: TextIO, facts: dict | None) -> None:
    from marklint.report.json import JsonWriter

    _write_all(JsonWriter(stream, report.as_of.isoformat(), facts), report)


def _write_jsonl(report: Report, stream: TextIO, facts: dict | None) -> None:
    from marklint.report.json import JsonLinesWriter

    _write_all(JsonLinesWriter(stream, report.as_of.isoformat(), facts), report)


def _write_sarif(report: Report, stream: TextIO, _facts: dict | None) -> None:
    from marklint.report import sarif as sarif_report

    stream.write(sarif_report.render(report))


def _write_text(report: Report, stream: TextIO, facts: dict | None) -> None:
    from marklint.report import text as text_report

    stream.write(text_report.render(report, lang=(facts or {}).get("lang") or "zh"))


def _write_all(writer: JsonWriter | JsonLinesWriter, report: Report) -> None:
    for result in report.files:
        writer.add(result)
    writer.finish(report)


#: Output format -> writer(report, stream, scan facts or None). A new report format is one more line here
#: (HTML today: ``marklint merge ... -o all.json`` then ``marklint report all.json``).
WRITERS: dict[str, Callable[[Report, TextIO, dict | None], None]] = {
    "json": _write_json,
    "jsonl": _write_jsonl,
    "sarif": _write_sarif,
    "text": _write_text,
}


@dataclass
class Combined:
    results: list[FileResult]
    as_of: date | None  # the latest date the reports judged as of (None: none recorded, JSONL only)
    dates: set[date]  # every date recorded, to warn when the reports disagree
    replaced: int  # files found in an earlier report and taken from a later one
    facts: dict | None  # the reports' ``scan`` facts together: the latest day, every root, the language
    skipped: list[tuple[str, str]]  # what the walks passed over, each path once, in walk order


#: The escapes ``parsers.printable`` shows a name's undecodable bytes and control characters by.
_ESCAPE = re.compile(r"\\x([0-9a-f]{2})|\\u([0-9a-f]{4})")


def _as_walked(match: re.Match[str]) -> str:
    if match.group(2):
        return chr(int(match.group(2), 16))
    code = int(match.group(1), 16)
    return chr(0xDC00 + code if code >= 0x80 else code)  # a byte that is not UTF-8, as the walk holds it


def walk_order(result: FileResult) -> tuple:
    """Where a scan's walk puts the file (``walk.iter_paths``): a folder's files by name, then its
    folders by name, each walked in turn; names as the walk sorts them (as read, before they are made
    printable); the ledger's entry last."""
    from marklint.report.stats import is_ledger_file

    *folders, name = _ESCAPE.sub(_as_walked, result.path).split("/")
    return (is_ledger_file(result), [(1, folder) for folder in folders] + [(0, name)])


def combine(paths: list[str]) -> Combined:
    """The results of every report, once per path (the later report's), in walk order."""
    by_path: dict[str, FileResult] = {}
    replaced = 0
    dates: set[date] = set()
    facts: list[dict] = []
    skipped: dict[str, str] = {}
    for path in paths:
        saved = read_report(path)
        skipped.update(saved.skipped)
        if saved.as_of is not None:
            dates.add(saved.as_of)
        if saved.scan is not None:
            facts.append(saved.scan)
        for result in saved.results:
            replaced += result.path in by_path
            by_path[result.path] = result
    passed_over = sorted(skipped.items(), key=lambda item: walk_order(FileResult(item[0], "", Status.COMPLETE, None)))
    return Combined(sorted(by_path.values(), key=walk_order), max(dates) if dates else None, dates, replaced,
                    _together(facts), passed_over)


def _together(facts: list[dict]) -> dict | None:
    """One ``scan`` object for the merged report: the latest day, the roots of every report (each once, in
    walk order), the language of the last report."""
    if not facts:
        return None
    roots = {root for scan in facts for root in scan.get("roots", [])}
    ordered = sorted(roots, key=lambda root: [(1, part) for part in _ESCAPE.sub(_as_walked, root).split("/")])
    return {"date": max(scan["date"] for scan in facts), "roots": ordered, "lang": facts[-1].get("lang")}


def merged_report(combined: Combined, as_of: date | None) -> Report:
    report = Report(as_of=as_of or combined.as_of or date.today())
    for result in combined.results:
        report.add(result)
    report.skipped_paths = list(combined.skipped)
    report.skipped = len(combined.skipped)
    return report


def say_what_was_merged(combined: Combined, count: int, lang: str) -> None:
    from marklint.messages import say

    click.echo("marklint: " + say("merged", lang, count=count, files=len(combined.results),
                                  replaced=combined.replaced), err=True)
    if len(combined.dates) > 1:
        shown = ", ".join(sorted(d.isoformat() for d in combined.dates))
        click.echo("marklint: " + say("merged.dates", lang, dates=shown, latest=max(combined.dates).isoformat()),
                   err=True)


def _refuse(error: ConfigError, lang: str) -> NoReturn:
    click.echo(f"marklint: {error.say(lang)}", err=True)
    sys.exit(2)


@click.command("merge")
@click.argument("reports", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(list(WRITERS)), default="json", show_default=True,
              help="Report format of the merged report.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the merged report here instead of stdout.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of the text format's summary line (default: the reports'; findings keep theirs).")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="The date the report says it judged as of (default: the latest the reports record; JSONL "
                   "records none).")
def merge_command(reports: tuple[str, ...], output_format: str, output: Path | None, lang: str | None,
                  as_of: str | None) -> None:
    """Combine reports (JSON, JSONL, --resume state files) of runs over parts of an archive into one.

    A file in several reports is taken from the later one; the merge says how many. Exit 0, or 2 when a
    report cannot be read."""
    from marklint.output import atomic_file
    from marklint.usage import usage_lang

    said_in = lang or usage_lang([])  # --lang, else the configuration's, else Chinese
    try:
        date_given = date.fromisoformat(as_of) if as_of is not None else None
    except ValueError:
        _refuse(ConfigError.said("merge.as of", value=as_of), said_in)
    try:
        combined = combine(list(reports))
    except ConfigError as exc:
        _refuse(exc, said_in)
    report = merged_report(combined, date_given)
    facts = combined.facts
    if lang is not None and output_format == "text":  # the one format the option is for
        facts = {**(facts or {}), "lang": lang}
    if output is not None:
        with atomic_file(output) as stream:
            WRITERS[output_format](report, stream, facts)
    else:
        WRITERS[output_format](report, sys.stdout, facts)
    say_what_was_merged(combined, len(reports), said_in)
