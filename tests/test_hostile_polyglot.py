"""Files two readers accept as two different documents (issue 14, class 7): a PDF that is also a DOCX,
a DOCX that is also a PDF, and a DOCX holding its document part twice. Each is reported as ambiguous
(ML901), never passed on what one reader saw; the plain PDF and DOCX they are made of stay complete."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

import marklint
from marklint.config import Settings
from marklint.model import reason_words

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PDF = (FIXTURES / "pdf" / "clean_gongwen.pdf").read_bytes()
DOCX = (FIXTURES / "docx" / "clean_gongwen.docx").read_bytes()
POLYGLOT = ("ambiguous: both a PDF and a ZIP archive, which PDF and DOCX readers show as two different "
            "documents")


def docx_members(first: tuple[str, bytes] | None = None, document: bytes | None = None) -> bytes:
    """The clean 公文 DOCX rewritten: ``first`` stored ahead of its members, and ``document`` as a second
    word/document.xml after them."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(DOCX)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        if first is not None:
            target.writestr(zipfile.ZipInfo(first[0]), first[1])  # stored: its bytes stand in the file as they are
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        if document is not None:
            target.writestr("word/document.xml", document)
    return out.getvalue()


def results(tmp_path: Path, files: dict[str, bytes]) -> list[tuple[str, str, str | None, list[str]]]:
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    report = marklint.scan([str(tmp_path / name) for name in files], Settings(as_of=date(2026, 11, 27)))
    return [(Path(r.path).name, r.status.value, reason_words(r.reason), [f.rule for f in r.findings])
            for r in report.files]


def test_a_pdf_and_zip_polyglot_is_ambiguous_both_ways(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        twice = docx_members(document=b"<w:document/>")
    assert results(tmp_path, {
        "pdf_then_docx.pdf": PDF + DOCX,  # a PDF reader shows the PDF; a ZIP reader finds the DOCX at the end
        "docx_starting_with_pdf.docx": docx_members(first=("cover.pdf", PDF)),  # %PDF- in the first KiB
        "document_twice.docx": twice,
        "plain.pdf": PDF,
        "plain.docx": DOCX,
    }) == [
        ("pdf_then_docx.pdf", "not-examined", POLYGLOT, ["ML901"]),
        ("docx_starting_with_pdf.docx", "not-examined", POLYGLOT, ["ML901"]),
        ("document_twice.docx", "not-examined", "ambiguous: the ZIP holds the part word/document.xml twice",
         ["ML901"]),
        ("plain.pdf", "complete", None, []),
        ("plain.docx", "complete", None, []),
    ]


def test_a_part_named_twice_in_another_case_is_ambiguous(tmp_path: Path) -> None:
    folded = docx_members(first=("WORD/DOCUMENT.XML", b"<w:document/>"))
    assert results(tmp_path, {"folded.docx": folded}) == [
        ("folded.docx", "not-examined", "ambiguous: the ZIP holds the part word/document.xml twice", ["ML901"])]
