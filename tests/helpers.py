"""Building documents of the neutral model directly, so checks can be tested without parsers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO

import pytest

from marklint.checks.context import Context
from marklint.checks.registry import all_rules, catalogue, run_checks
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
    return sorted(f.rule for f in run_checks(ctx, settings.enabled_rules(catalogue())))


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_manifest() -> list[dict]:
    """``fixtures/manifest.json`` (made by ``make_fixtures.py``) plus each format folder's own
    ``manifest.json`` (made by that format's script), whose ``file`` paths are relative to the folder."""
    entries = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
    for extra in sorted(FIXTURES.glob("*/manifest.json")):
        for entry in json.loads(extra.read_text(encoding="utf-8")):
            entries.append({**entry, "file": f"{extra.parent.name}/{entry['file']}"})
    return entries


class PdfStream:
    """A PDF stream object for ``write_pdf_objects``: its dictionary entries (without /Length unless
    ``length`` is given), and its data as bytes followed by ``hole`` zero bytes left unwritten (sparse)."""

    def __init__(self, entries: bytes, data: bytes = b"", hole: int = 0, length: int | None = None) -> None:
        self.entries, self.data, self.hole = entries, data, hole
        self.length = len(data) + hole if length is None else length


def write_pdf_objects(out: BinaryIO, objects: list[bytes | PdfStream]) -> None:
    """A PDF of these objects (object 1 the catalog) with a correct cross-reference table, written to ``out``."""
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number)
        if isinstance(body, PdfStream):
            out.write(b"<< /Length %d %s >>\nstream\n" % (body.length, body.entries) + body.data)
            out.seek(body.hole, 1)
            out.write(b"\nendstream")
        else:
            out.write(body)
        out.write(b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))


def loaded_pages(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The 0-based indices of the PDF pages PDFium is asked to load from now on, in order."""
    from marklint.parsers import pdf

    loaded: list[int] = []
    original = pdf.pdfium_c.FPDF_LoadPage

    def counting(document: object, index: int) -> object:
        loaded.append(index)
        return original(document, index)

    monkeypatch.setattr(pdf.pdfium_c, "FPDF_LoadPage", counting)
    return loaded


def first_and_last_pages(path: Path) -> Iterator[tuple[int, object]]:
    """Page 1 and the last page of a PDF as PDFium loads them, (index, page), each closed after use; none
    for a file PDFium does not open, and a page it cannot load is left out."""
    import pypdfium2.raw as pdfium_c

    document = pdfium_c.FPDF_LoadDocument(str(path).encode() + b"\0", None)
    if not document:
        return
    try:
        count = pdfium_c.FPDF_GetPageCount(document)
        for index in sorted({0, count - 1}) if count > 0 else []:
            page = pdfium_c.FPDF_LoadPage(document, index)
            if page:
                try:
                    yield index, page
                finally:
                    pdfium_c.FPDF_ClosePage(page)
    finally:
        pdfium_c.FPDF_CloseDocument(document)
