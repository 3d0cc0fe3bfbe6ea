"""The compiled glyph table and line builder (``_marklint_lines``) against the Python code it replaces
(``pdf_glyphs._glyphs``, ``pdf_lines.page_units``): the same glyphs and the same units, float for float, on
every PDF the tests and fixtures hold (the bench corpus's PDFs are copies of the fixtures), on random pages,
and refusals of malformed input."""

from __future__ import annotations

import ctypes
import math
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from marklint.limits import Limits
from marklint.model import Part, StyleSpan, TextUnit
from marklint.parsers import pdf_glyphs, pdf_lines
from marklint.parsers.glyphs import Glyph, PageText, make_glyph
from marklint.parsers.pdfium import pdfium_c
from tests.helpers import first_and_last_pages

ROOT = Path(__file__).parent.parent
PDFS = sorted((ROOT / "tests" / "data").rglob("*.pdf")) + sorted((ROOT / "fixtures").rglob("*.pdf"))
LIMITS = Limits()

lines_c = pdf_lines._compiled()
pytestmark = pytest.mark.skipif(lines_c is None or pdf_glyphs._marklint_lines is None,
                                reason="_marklint_lines was not built (no C compiler at install)")


def _pages(path: Path) -> Iterator[tuple[int, object, pdf_glyphs.Frame]]:
    """Page 1 and the last page of a PDF: (index, page, frame), closed after use."""
    for index, page in first_and_last_pages(path):
        yield index, page, pdf_glyphs.Frame(page)


def _attributes(glyphs: list[Glyph]) -> list[tuple[object, ...]]:
    # repr of the floats: -0.0 and 0.0 are equal but print differently in a report
    return [(g.char, repr(g.x0), repr(g.top), repr(g.x1), repr(g.bottom), repr(g.middle), g.look, g.is_space,
             g.angle, g.struck) for g in glyphs]


def _python_page(page: PageText) -> PageText:
    """A copy of ``page`` read the Python way: its table unpacked into Glyph objects."""
    copy = PageText(list(page.glyphs), page.strikes, page.decodable, page.undecodable, page.has_image,
                    page.turned, page.rules, page.table)
    pdf_lines.expand_table(copy)
    return copy


def test_table_and_units_equal_the_python_code_on_every_pdf():
    pages = glyphs = struck = ruled = turned = 0
    for path in PDFS:
        for index, page, frame in _pages(path):
            text_page = pdfium_c.FPDFText_LoadPage(page)
            try:
                python_glyphs, *python_counts = pdf_glyphs._glyphs(text_page, frame)
                table, *counts = pdf_glyphs._table(text_page, frame)
            finally:
                pdfium_c.FPDFText_ClosePage(text_page)
            assert counts == python_counts, path.name
            read = pdf_glyphs.read_page(page, frame)
            assert read is not None and read.table is not None and read.glyphs == []
            assert table.chars == "".join(g.char for g in python_glyphs)
            python_read = _python_page(read)
            assert _attributes(python_read.glyphs) == _attributes(python_glyphs), path.name
            compiled = pdf_lines.page_units(read, index + 1, LIMITS)
            expected = pdf_lines.page_units(python_read, index + 1, LIMITS)
            assert repr(compiled) == repr(expected), (path.name, index)
            pages += 1
            glyphs += len(python_glyphs)
            struck += any(span.struck for unit in expected for span in unit.spans)
            ruled += bool(read.rules)
            turned += read.turned
    # the samples reach every branch: struck text, table rules, rotated watermarks
    assert pages > 130 and glyphs > 15_000 and struck and ruled and turned, (pages, glyphs, struck, ruled, turned)


LOOKS = [("SimSun", 16.0, "000000"), ("SimHei", 16.0, "FF0000"), ("SimSun", 10.5, None), (None, 0.5, None),
         ("SimSun", 16.0, "000000")]  # the last equals the first: a new text object with the same look


def _random_page(rng: random.Random) -> tuple[list[Glyph], PageText]:
    glyphs = []
    angles = [0] * 8 + [1, 45, 90, 358, 315]
    for line in range(rng.randint(0, 12)):
        y = 20 * line + rng.choice([0.0, 0.3, -0.4, 5.0])
        x = rng.uniform(0, 50)
        angle = rng.choice(angles) if rng.random() < 0.2 else 0
        for _ in range(rng.randint(0, 30)):
            look = rng.choice(LOOKS)
            size = look[1]
            code = rng.choice("机密★5年 \u3000\u00a0abc1") if rng.random() < 0.9 else "\ufffd"
            width = rng.choice([size, size * 0.5, 0.0, 0.04, -1.0])
            top = y + rng.choice([0.0, -1.0, 2.0, -0.0])
            glyphs.append(make_glyph(code, x, top, x + width, top + rng.choice([size, size * 1.2, 0.0]), look,
                                     code in " \u3000\u00a0", rng.choice([angle, angle, 0])))
            x += width + rng.choice([0.0, 0.5, 3.0, size * 1.0, size * 5.0, -2.0])
    rng.shuffle(glyphs) if rng.random() < 0.3 else None
    strikes = sorted((rng.uniform(0, 240), rng.uniform(0, 100), rng.uniform(100, 600))
                     for _ in range(rng.choice([0, 0, 1, 5])))
    rules = sorted((rng.uniform(0, 400), rng.uniform(0, 100), rng.uniform(100, 260))
                   for _ in range(rng.choice([0, 0, 2])))
    turned = len({g.angle for g in glyphs}) > 1 or rng.random() < 0.1
    return glyphs, PageText(glyphs, strikes, 0, 0, False, turned, rules)


def _table_of(glyphs: list[Glyph]) -> pdf_lines.GlyphTable:
    looks = list(LOOKS)
    index = {id(look): n for n, look in enumerate(looks)}  # by identity: LOOKS[4] equals LOOKS[0]
    data = b"".join(pdf_lines.TABLE.pack(g.x0, g.top, g.x1, g.bottom, g.middle, ord(g.char), index[id(g.look)],
                                         g.angle, g.is_space, g.struck) for g in glyphs)
    return pdf_lines.GlyphTable(data, looks, "".join(g.char for g in glyphs))


def test_units_equal_the_python_code_on_random_pages():
    rng = random.Random(20261205)
    units = 0
    for _ in range(400):
        glyphs, page = _random_page(rng)
        table = _table_of(glyphs)
        limits = Limits(max_unit_chars=rng.choice([LIMITS.max_unit_chars, 7, 0, -3]))
        compiled = pdf_lines.page_units(PageText([], page.strikes, 0, 0, False, page.turned, page.rules, table),
                                        3, limits)
        expected = pdf_lines.page_units(page, 3, limits)
        assert repr(compiled) == repr(expected)
        units += len(expected)
    assert units > 1000


def test_a_nan_coordinate_is_left_to_the_python_code():
    look = LOOKS[0]
    glyphs = [make_glyph("机", 10.0, 0.0, 26.0, 16.0, look, False, 0), make_glyph("密", math.nan, 0.0, 40.0, 16.0,
                                                                                   look, False, 0)]
    table = _table_of(glyphs)
    arguments = (table.data, table.looks, [], [], False, 1, 100, 0.8, 4.0, 0.3, 0.7, 3.0, 0.05, 0.5, TextUnit,
                 StyleSpan, Part.BODY)
    assert lines_c.units(*arguments) is None
    page = PageText([], [], 2, 0, False, False, [], table)
    assert [u.text for u in pdf_lines.page_units(page, 1, LIMITS)] == ["机密"]  # the Python code decided
    assert page.table is None and len(page.glyphs) == 2
    # a NaN table rule, whose place among the cuts only Python's sort can tell
    assert lines_c.units(_table_of(glyphs[:1]).data, table.looks, [], [(math.nan, 0.0, 20.0)], *arguments[4:]) is None


def _units(data: bytes, looks: list, strikes: object = (), rules: object = ()) -> object:
    return lines_c.units(data, looks, strikes, rules, True, 1, 100, 0.8, 4.0, 0.3, 0.7, 3.0, 0.05, 0.5, TextUnit,
                         StyleSpan, Part.BODY)


def test_units_refuses_malformed_input():
    one = pdf_lines.TABLE.pack(0.0, 0.0, 10.0, 10.0, 5.0, ord("机"), 0, 0, 0, 0)
    assert [u.text for u in _units(one, [LOOKS[0]])] == ["机"]
    with pytest.raises(ValueError, match="whole number"):
        _units(one[:-1], [LOOKS[0]])
    with pytest.raises(ValueError, match="out of range"):
        _units(one, [])  # look index 0 names no look
    with pytest.raises(ValueError, match="out of range"):
        _units(pdf_lines.TABLE.pack(0.0, 0.0, 10.0, 10.0, 5.0, 0x673A, 0, 360, 0, 0), [LOOKS[0]])
    with pytest.raises(ValueError, match="out of range"):
        _units(pdf_lines.TABLE.pack(0.0, 0.0, 10.0, 10.0, 5.0, 0x673A, -1, 0, 0, 0), [LOOKS[0]])
    with pytest.raises(TypeError, match="font, size, colour"):
        _units(one, [("SimSun", 16.0)])
    with pytest.raises(TypeError):
        _units(one, [("SimSun", "large", None)])
    with pytest.raises(TypeError, match="three floats"):
        _units(one, [LOOKS[0]], strikes=[(1.0, 2.0)])
    with pytest.raises(TypeError):
        _units(one, [LOOKS[0]], rules=5)
    with pytest.raises(TypeError):
        _units(one, (LOOKS[0],))  # looks must be a list
    with pytest.raises(ValueError):
        # a code past Unicode cannot become text
        _units(pdf_lines.TABLE.pack(0.0, 0.0, 10.0, 10.0, 5.0, 0x110000, 0, 0, 0, 0), [LOOKS[0]])
    assert _units(b"", []) == []

    class Emptying:  # a size whose conversion empties the list of looks under the reader's feet
        def __float__(self) -> float:
            looks.clear()
            return 16.0

    looks = [("SimSun", Emptying(), None)]
    assert [u.text for u in _units(one, looks)] == ["机"]


def _record(index: int, code: int, text_object: int, has_box: int = 1) -> bytes:
    return pdf_glyphs.RECORD.pack(index, code, text_object, has_box, 10.0, 700.0, 26.0, 716.0)


def test_glyphs_refuses_malformed_input():
    def look(address: int, index: int) -> object:
        return (LOOKS[0], False, 0)

    records = _record(0, ord("机"), 7) + _record(1, 0x01, 7) + _record(2, 0x20, 8, has_box=0)
    table, looks, chars, decodable, undecodable, turned = pdf_glyphs._marklint_lines.glyphs(
        records, 0, 0.0, 0.0, 595.0, 842.0, look, 0)
    assert (chars, decodable, undecodable, turned, looks) == ("机\ufffd", 1, 1, False, [LOOKS[0]])
    assert len(table) == 2 * pdf_lines.TABLE.size
    with pytest.raises(ValueError, match="whole number"):
        pdf_glyphs._marklint_lines.glyphs(records[:-1], 0, 0.0, 0.0, 595.0, 842.0, look, 0)
    with pytest.raises(TypeError, match="object_look"):
        pdf_glyphs._marklint_lines.glyphs(records, 0, 0.0, 0.0, 595.0, 842.0, lambda a, i: (1, 2), 0)
    with pytest.raises(ValueError, match="angle"):
        pdf_glyphs._marklint_lines.glyphs(records, 0, 0.0, 0.0, 595.0, 842.0, lambda a, i: (LOOKS[0], 0, 400), 0)
    with pytest.raises(ZeroDivisionError):
        pdf_glyphs._marklint_lines.glyphs(records, 0, 0.0, 0.0, 595.0, 842.0, lambda a, i: 1 / 0, 0)


def test_a_page_with_suspect_fonts_is_unpacked_for_the_font_check():
    from marklint.parsers.pdf_fonts import suspect_fonts

    look = ("ABCDEF+Odd", 12.0, None)
    glyphs = [make_glyph(c, 12.0 * i, 0.0, 12.0 * (i + 1), 12.0, look, False, 0) for i, c in enumerate("!#$%&")]
    looks = [look]
    data = b"".join(pdf_lines.TABLE.pack(g.x0, g.top, g.x1, g.bottom, g.middle, ord(g.char), 0, 0, 0, 0)
                    for g in glyphs)
    page = PageText([], [], 5, 0, False, False, [], pdf_lines.GlyphTable(data, looks, "!#$%&"))
    assert suspect_fonts(page) == {"Odd"}
    assert page.table is None and _attributes(page.glyphs) == _attributes(glyphs)
    calm = PageText([], [], 2, 0, False, False, [], pdf_lines.GlyphTable(data[: 2 * pdf_lines.TABLE.size], looks,
                                                                           "!#"))
    assert suspect_fonts(calm) == set() and calm.table is not None  # nothing implausible enough: left packed


def test_documents_read_with_and_without_the_compiled_lines_are_equal(monkeypatch):
    from marklint.errors import NotExamined
    from marklint.parsers import pdf

    def documents() -> list[object]:
        read = []
        for path in PDFS:
            try:
                read.append(repr(pdf.parse(path, path.name, LIMITS)))
            except NotExamined as exc:
                read.append(repr(exc))
        return read

    compiled = documents()
    monkeypatch.setattr(pdf_glyphs, "_marklint_lines", None)
    assert documents() == compiled


def test_compiled_object_walk_equals_the_python_walk():
    if pdf_glyphs.page_objects is not pdf_glyphs._compiled_objects:
        pytest.skip("_marklint_chars was not built")
    strikes = rules = images = 0
    for path in PDFS:
        for _, page, frame in _pages(path):
            address = ctypes.cast(page, ctypes.c_void_p).value
            compiled = pdf_glyphs._compiled_objects(address, frame)
            assert repr(compiled) == repr(pdf_glyphs._python_objects(address, frame)), path.name
            strikes += len(compiled[0])
            rules += len(compiled[1])
            images += compiled[2]
    assert strikes > 10 and rules > 10 and images > 5, (strikes, rules, images)


def test_object_walk_stops_at_its_budget():
    if pdf_glyphs.page_objects is not pdf_glyphs._compiled_objects:
        pytest.skip("_marklint_chars was not built")
    path = ROOT / "fixtures" / "pdf" / "clean_struck_change.pdf"
    for _, page, frame in _pages(path):
        address = ctypes.cast(page, ctypes.c_void_p).value
        whole = pdf_glyphs._compiled_objects(address, frame)
        arguments = (address, frame.rotation, frame.left, frame.bottom, frame.right, frame.top, 3.0,
                     pdf_glyphs._IMAGE, pdf_glyphs._PATH, pdf_glyphs._FORM)
        assert pdf_glyphs._marklint_chars.objects(*arguments, 0, 4) == ([], [], False)
        assert pdf_glyphs._marklint_chars.objects(*arguments, 50_000, 4) == whole
        with pytest.raises(ValueError, match="NULL"):
            pdf_glyphs._marklint_chars.objects(0, *arguments[1:], 10, 4)


def test_compiled_info_values_equal_the_python_ones():
    from marklint.parsers import pdf_metadata

    if pdf_metadata.meta_texts is not pdf_metadata._compiled_meta_texts:
        pytest.skip("_marklint_chars was not built")
    keys = (*pdf_metadata.STANDARD_INFO_KEYS, *pdf_metadata.CLASSIFICATION_INFO_KEYS,
            "MSIP_Label_0a1b2c3d-0000-4000-8000-000000000001_Enabled", "NoSuchKey", "")
    found = 0
    for path in PDFS:
        document = pdfium_c.FPDF_LoadDocument(str(path).encode() + b"\0", None)
        if not document:
            continue
        try:
            address = ctypes.cast(document, ctypes.c_void_p).value
            compiled = pdf_metadata._compiled_meta_texts(address, keys)
            assert compiled == pdf_metadata._python_meta_texts(address, keys), path.name
            found += sum(1 for value in compiled if value)
        finally:
            pdfium_c.FPDF_CloseDocument(document)
    assert found > 100
    assert pdf_metadata._compiled_meta_texts(None, keys) == [""] * len(keys)
    with pytest.raises(TypeError, match="bytes"):
        pdf_glyphs._marklint_chars.meta_texts(1, ("Title",))
    with pytest.raises(ValueError, match="NULL"):
        pdf_glyphs._marklint_chars.meta_texts(0, (b"Title",))


def test_compiled_find_and_rfind_equal_bytes_find_and_rfind():
    from marklint.parsers import pdf_streams

    if pdf_streams.find is pdf_streams._python_find:
        pytest.skip("_marklint_chars was not built")
    rng = random.Random(5)
    for _ in range(2000):
        data = bytes(rng.choice(b"ab/<x") for _ in range(rng.randint(0, 40)))
        needle = bytes(rng.choice(b"ab/<x") for _ in range(rng.randint(0, 4)))
        start = rng.randint(-50, 50)
        assert pdf_streams.find(data, needle, start) == data.find(needle, start), (data, needle, start)
        assert pdf_streams.find(data, needle) == data.find(needle)
        assert pdf_streams.rfind(data, needle) == data.rfind(needle), (data, needle)
    needles = (b"/MSIP_Label_", b"<x:xmpmeta", b"/ObjStm", b"/Metadata", b"/Font")
    for path in PDFS:
        data = path.read_bytes()
        for needle in needles:
            assert (pdf_streams.find(data, needle), pdf_streams.rfind(data, needle)) == (
                data.find(needle), data.rfind(needle)), (path.name, needle)


def test_filter_values_are_the_ones_finditer_finds():
    from marklint.parsers import pdf_streams

    samples = [b"/Filter/FlateDecode /Filter /Filter [/A /Filter/B] /Filter 12 0 R /Filte /Filter",
               b"", b"/Filter", b"x/Filter\n/LZW/Filter[/Fl/RL]"]
    for data in samples + [path.read_bytes() for path in PDFS]:
        found = [(m.start(), m.end()) for m in pdf_streams._filter_values(data)]
        assert found == [(m.start(), m.end()) for m in pdf_streams._FILTER_VALUE.finditer(data)]
