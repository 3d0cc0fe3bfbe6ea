"""Building documents of the neutral model directly, so checks can be tested without parsers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from marklint.checks.context import Context
from marklint.checks.registry import all_rules, run_checks
from marklint.config import Settings
from marklint.model import Document, StyleSpan, TextUnit


def body(*lines: str, struck: dict[int, tuple[int, int]] | None = None) -> Document:
    """A document whose page-1 body holds ``lines``; ``struck`` maps a line index to a struck range."""
    units = []
    for index, text in enumerate(lines):
        spans: tuple[StyleSpan, ...] = ()
        if struck and index in struck:
            start, end = struck[index]
            spans = (StyleSpan(start, end, struck=True),)
        units.append(TextUnit(text=text, part="body", page=1, line=index + 1, spans=spans))
    return Document(path="test.docx", format="docx", units=units)


def rules_for(doc: Document, as_of: date = date(2026, 11, 27), **options: object) -> list[str]:
    """The sorted rule IDs the default selection (plus ``options`` settings) reports on ``doc``."""
    settings = Settings(as_of=as_of, **options)  # type: ignore[arg-type]
    all_rules()
    ctx = Context(doc, settings)
    return sorted(f.rule for f in run_checks(ctx, settings.enabled_rules()))


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_manifest() -> list[dict]:
    """``fixtures/manifest.json`` (made by ``make_fixtures.py``) plus each format folder's own
    ``manifest.json`` (made by that format's script), whose ``file`` paths are relative to the folder."""
    entries = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
    for extra in sorted(FIXTURES.glob("*/manifest.json")):
        for entry in json.loads(extra.read_text(encoding="utf-8")):
            entries.append({**entry, "file": f"{extra.parent.name}/{entry['file']}"})
    return entries
