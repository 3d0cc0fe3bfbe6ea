"""An OFD page's lines built in C (``_marklint_ofd.table`` packs the glyphs, ``_marklint_lines.units`` builds
the units) equal the lines the Python builder makes of the same glyphs, on every OFD fixture and on the glyphs
the packer declines or the line builder leaves to Python."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.parsers import ofd, ofd_text, pdf_lines
from marklint.parsers.glyphs import Glyph, PageText, make_glyph

FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "ofd").glob("*.ofd"))
LOOK = ("SimSun", 15.0, "000000")

compiled = pytest.mark.skipif(ofd_text.pack_table is None or not pdf_lines.compiled_units_built(),
                              reason="_marklint_ofd or _marklint_lines was not built: only Python runs")


def _read(path: Path) -> tuple:
    try:
        doc = ofd.parse(path, path.name, Limits())
    except NotExamined as exc:
        return ("not examined", exc.reason, exc.detail)
    return (doc.units, doc.status, doc.reason, doc.no_text, doc.geometry, doc.properties, doc.signatures)


def _rows(glyphs: list[Glyph]) -> list[tuple]:
    return [(g.char, g.x0, g.top, g.x1, g.bottom, g.look, g.is_space, g.angle, g.struck, g.middle) for g in glyphs]


@compiled
def test_documents_read_through_the_compiled_lines_equal_the_python_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    packed: list[int] = []
    pack = ofd_text.pack_table

    def counted(glyphs: list[Glyph]) -> object:
        table = pack(glyphs)
        packed.append(table is not None)
        return table

    units = 0
    for path in FIXTURES:
        with monkeypatch.context() as patch:
            patch.setattr(ofd_text, "pack_table", counted)
            fast = _read(path)
        with monkeypatch.context() as patch:
            patch.setattr(ofd_text, "pack_table", None)
            slow = _read(path)
        assert fast == slow, path.name
        units += len(fast[0]) if fast[0] != "not examined" else 0
    # Every page read went through the table, and the fixtures hold real text.
    assert len(FIXTURES) > 60 and len(packed) > 100 and all(packed) and units > 1000


@compiled
def test_the_table_holds_the_glyphs_as_they_are(monkeypatch: pytest.MonkeyPatch) -> None:
    pages: list[list[Glyph]] = []
    page_text = ofd_text.PageDrawing.page_text

    def recorded(drawing: ofd_text.PageDrawing) -> PageText:
        pages.append(list(drawing.glyphs))
        return page_text(drawing)

    with monkeypatch.context() as patch:
        patch.setattr(ofd_text.PageDrawing, "page_text", recorded)
        for path in FIXTURES[:20]:
            _read(path)
    assert len(pages) > 20
    for glyphs in pages:
        page = PageText([], [], 0, 0, False, True, [], pdf_lines.GlyphTable(*ofd_text.pack_table(glyphs)))
        assert page.table.chars == "".join(g.char for g in glyphs)
        pdf_lines.expand_table(page)
        assert _rows(page.glyphs) == _rows(glyphs)


def _glyph(char: str = "机", x0: float = 10.0, look: tuple = LOOK, angle: int = 0) -> Glyph:
    return make_glyph(char, x0, 100.0, x0 + 15.0, 115.0, look, char == " ", angle)


@compiled
def test_table_declines_what_it_cannot_pack_as_it_stands() -> None:
    pack = ofd_text.pack_table
    assert pack([]) == (b"", [], "")
    good = [_glyph(), _glyph("密", 25.0)]
    assert pack(good) is not None
    unset = Glyph()
    unset.char = "机"
    whole = _glyph()
    whole.x0 = 10  # an int coordinate: Python compares it as it is
    long_char, turned, odd_struck, list_look = _glyph(), _glyph(), _glyph(), _glyph()
    long_char.char = "机密"
    turned.angle = 360
    odd_struck.struck = 0
    list_look.look = list(LOOK)
    for wrong in (unset, whole, long_char, turned, odd_struck, list_look, "机", None):
        assert pack([*good, wrong]) is None
    with pytest.raises(TypeError):
        pack(tuple(good))


def _both(glyphs: list[Glyph], strikes: list | None = None) -> list:
    limits = Limits()
    slow = pdf_lines.page_units(PageText([*glyphs], strikes or [], 2, 0, False, True, []), 1, limits)
    table = ofd_text.pack_table(glyphs)
    assert table is not None
    fast = pdf_lines.page_units(PageText([], strikes or [], 2, 0, False, True, [], pdf_lines.GlyphTable(*table)), 1,
                                limits)
    assert fast == slow
    return fast


@compiled
def test_looks_are_compared_as_python_compares_them() -> None:
    # Equal looks of two objects make one span; a NaN size is unequal to itself unless the object is the same.
    equal = ("SimSun", 15.0, "000000")
    units = _both([_glyph(look=LOOK), _glyph("密", 25.0, look=equal), _glyph("★", 40.0, look=LOOK)])
    assert [unit.text for unit in units] == ["机密★"] and len(units[0].spans) == 1
    nan_look = ("SimSun", float("nan"), "000000")
    other_nan = ("SimSun", float("nan"), "000000")  # another NaN object: tuples compare elements by identity first
    units = _both([_glyph(look=nan_look), _glyph("密", 25.0, look=nan_look), _glyph("★", 40.0, look=other_nan)])
    assert [(span.start, span.end) for span in units[0].spans] == [(0, 2), (2, 3)]


@compiled
def test_a_nan_coordinate_is_left_to_the_python_builder() -> None:
    glyphs = [_glyph(), _glyph("密", math.nan), _glyph("★", 40.0), _glyph("秘", 10.0, angle=45)]
    table = pdf_lines.GlyphTable(*ofd_text.pack_table(glyphs))
    page = PageText([], [], 3, 0, False, True, [], table)
    assert pdf_lines._compiled_units(page, 1, Limits()) is None  # declined: the Python builder reads the glyphs
    units = _both(glyphs, strikes=[(107.5, 0.0, 100.0)])
    # A NaN x0 compares false either way: the sort by x0 leaves 密 where it was drawn.
    assert [unit.text for unit in units] == ["机密★", "秘"]
