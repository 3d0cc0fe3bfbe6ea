"""Fonts with no usable Unicode map (issue 14, class 6): the fixture 公文 PDF with the /ToUnicode map of
its fonts removed or broken, and its glyph codes moved up by 0x20 so that PDFium returns them as ordinary
ASCII (``!"#$``) instead of control codes. The visible ``机密★5年`` must not pass as "complete, unmarked":
the page is ML902 when most of it is such codes, ML903 when the marking's font alone is."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

import marklint
from marklint.config import Settings
from marklint.model import reason_words
from marklint.parsers.ocr import installed as ocr_installed
from marklint.parsers.pdf_fonts import unmapped_fonts
from tests.helpers import PdfStream, write_pdf_objects

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "pdf" / "clean_gongwen.pdf"
#: A font selection or a hex string operand in the content stream LibreOffice writes.
_TOKENS = re.compile(rb"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]+)>")


def without_unicode(fonts: set[str], broken: bool = False) -> bytes:
    """The fixture with the /ToUnicode map of ``fonts`` (resource names) removed (or, ``broken``, replaced
    by bytes that are no CMap), and those fonts' codes in the page contents moved up by 0x20."""
    writer = PdfWriter(clone_from=PdfReader(FIXTURE))
    for page in writer.pages:
        for name, font in page["/Resources"]["/Font"].items():
            font = font.get_object()
            if name.lstrip("/") not in fonts:
                continue
            if broken:
                garbage = StreamObject()
                garbage.set_data(b"\x00not a CMap\xff" * 8)
                font[NameObject("/ToUnicode")] = writer._add_object(garbage)
            elif "/ToUnicode" in font:  # fonts are shared by the pages: removed once
                del font["/ToUnicode"]
        content = page.get_contents()
        data = content.get_data()
        current = None
        pieces, last = [], 0
        for match in _TOKENS.finditer(data):
            if match.group(1):
                current = match.group(1).decode()
            elif current in fonts:
                codes = bytes.fromhex(match.group(2).decode())
                pieces += [data[last:match.start()], b"<" + bytes(c + 0x20 for c in codes).hex().encode() + b">"]
                last = match.end()
        stream = StreamObject()
        stream.set_data(b"".join(pieces) + data[last:])
        page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scan(path: Path) -> tuple[str, str | None, list[str], list[str]]:
    report = marklint.scan([str(path)], Settings(as_of=date(2026, 11, 27)))
    [result] = report.files
    return (result.status.value, reason_words(result.reason), [m["text"] for m in result.markings],
            [f.rule for f in result.findings])


def test_glyph_codes_that_look_like_ascii_are_not_read_as_text(tmp_path: Path) -> None:
    (tmp_path / "codes.pdf").write_bytes(without_unicode({"F1", "F2"}))
    # With the ocr extra the page, having no usable text layer, is read by OCR: the codes draw other glyphs
    # of the subset fonts, which OCR reads with low confidence at the marking place (ML904, look at the page).
    expected = (("complete", None, [], ["ML904"]) if ocr_installed()
                else ("partial", "no text layer; OCR is not installed; pip install 'marklint[ocr]' to read scans",
                      [], ["ML902"]))
    assert scan(tmp_path / "codes.pdf") == expected


@pytest.mark.parametrize("broken", [False, True])
def test_the_marking_font_alone_without_a_map_leaves_the_page_partial(tmp_path: Path, broken: bool) -> None:
    (tmp_path / "marking_font.pdf").write_bytes(without_unicode({"F2"}, broken))
    # 机密★5年 and 特急: the seven glyphs of the sans-serif font.
    assert scan(tmp_path / "marking_font.pdf") == (
        "partial", "undecodable text: page 1 has 7 glyphs in fonts without a Unicode map", [], ["ML903"])


def test_the_same_file_with_its_maps_stays_complete(tmp_path: Path) -> None:
    (tmp_path / "shifted_nothing.pdf").write_bytes(without_unicode(set()))
    assert scan(tmp_path / "shifted_nothing.pdf") == scan(FIXTURE) == ("complete", None, ["机密★5年"], [])


def test_which_fonts_have_no_usable_map(tmp_path: Path) -> None:
    """Type0 fonts: Identity-H without /ToUnicode has none; a predefined CMap of the GB1 collection has one.
    Simple fonts: an embedded font with made-up glyph names has none; a standard encoding has one."""
    def cid_font(name: bytes, encoding: bytes, ordering: bytes) -> bytes:
        return (b"<< /Type /Font /Subtype /Type0 /BaseFont /" + name + b" /Encoding /" + encoding
                + b" /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /" + name
                + b" /CIDSystemInfo << /Registry (Adobe) /Ordering (" + ordering + b") /Supplement 0 >> >>] >>")

    embedded = b"/FontDescriptor << /Type /FontDescriptor /FontFile2 9 0 R >>"
    fonts = {
        b"F1": cid_font(b"ABCDEF+SimHei", b"Identity-H", b"Identity"),
        b"F2": cid_font(b"STSong-Light", b"UniGB-UCS2-H", b"GB1"),
        b"F3": b"<< /Type /Font /Subtype /TrueType /BaseFont /GHIJKL+FangSong " + embedded
               + b" /Encoding << /Differences [33 /g12 /g13] >> >>",
        b"F4": b"<< /Type /Font /Subtype /TrueType /BaseFont /MNOPQR+Arial " + embedded
               + b" /Encoding /WinAnsiEncoding >>",
        b"F5": b"<< /Type /Font /Subtype /TrueType /BaseFont /STUVWX+KaiTi " + embedded + b" >>",
    }
    resources = b" ".join(b"/" + key + b" " + value for key, value in fonts.items())
    with open(tmp_path / "fonts.pdf", "wb") as out:
        write_pdf_objects(out, [
            b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << "
            + resources + b" >> >> >>",
            PdfStream(b"", b"BT /F1 12 Tf 72 720 Td <0001> Tj ET"),
            b"null", b"null", b"null", b"null", PdfStream(b"", b"font program"),
        ])
    assert unmapped_fonts(tmp_path / "fonts.pdf", 0, 1) == {"SimHei", "FangSong", "KaiTi"}
