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


OFD_NS = "http://www.ofdspec.org/2016"


def _drawn_both_ways(xml: str, outer: tuple = ofd_text._IDENTITY) -> tuple[object, list, tuple]:
    """One TextObject drawn by ``usual_object`` (what it returned, glyph rows, counts) and the same by the
    Python code: equal, or NotExamined raised by both."""
    from lxml import etree

    element = etree.fromstring(f'<ofd:Page xmlns:ofd="{OFD_NS}">{xml}</ofd:Page>')[0]
    results = []
    for fast in (True, False):
        reader = ofd_text.PageReader(ofd_text.Resources({"2": "SimSun"}, {}), Limits(max_page_glyphs=12))
        answer = None
        try:
            if fast:
                answer = ofd_text.usual_object(element, outer, reader.fonts, reader.drawing.glyphs, reader.max_glyphs,
                                               ofd_text.ASCENT, ofd_text.DESCENT, ofd_text._colour,
                                               reader._too_many_glyphs)
                if answer is None:
                    assert reader.drawing.glyphs == []  # declined: nothing drawn
            else:
                with pytest.MonkeyPatch.context() as patch:
                    patch.setattr(ofd_text, "usual_object", None)
                    reader.text_object(element, outer)
        except NotExamined as exc:
            results.append(("not examined", exc.reason, exc.detail))
            continue
        drawing = reader.drawing
        if fast and answer is not None:
            drawing.angles.add(answer[0])
            drawing.decodable += answer[1]
            drawing.undecodable += answer[2]
        results.append((answer, _rows(drawing.glyphs), (drawing.decodable, drawing.undecodable, drawing.angles)))
    fast_result, slow_result = results
    if fast_result[0] is None:  # declined: the Python code drew it
        return None, slow_result[1], slow_result[2]
    if fast_result[0] == "not examined":
        assert fast_result == slow_result
        return fast_result
    assert fast_result[1:] == slow_result[1:]
    return fast_result


@compiled
@pytest.mark.parametrize(("xml", "drawn_in_c"), [
    ('<ofd:TextObject Boundary="10 20 50 8" Font="2" Size="5.644"><ofd:FillColor Value="255 0 0"/>'
     '<ofd:TextCode X="0.5" Y="5.644" DeltaX="g 3 5.644">机密★5年</ofd:TextCode></ofd:TextObject>', True),
    ('<ofd:TextObject Boundary="10 20 50 8" CTM="-1 0 0 2 3 4" Font=" 2 " Size="4">'
     '<!-- a comment --><?pi x?><ofd:TextCode X="1">\n  秘密 \n</ofd:TextCode><ofd:TextCode>x\u3000y</ofd:TextCode>'
     '</ofd:TextObject>', True),
    ('<TextObject Boundary="1 2 3" Size="nan" Font="9"><TextCode X="inf" Y="x" DeltaX="1 nan 2">'
     '\ufffd\ue000a b\U0001f600</TextCode></TextObject>', True),
    ('<ofd:TextObject Boundary="10 20 50 8" Size="5"><ofd:TextCode/></ofd:TextObject>', True),
    ('<ofd:TextObject Boundary="10 20 50 8" CTM="0.7 0.7 -0.7 0.7 0 0" Size="5">'
     '<ofd:TextCode X="0" Y="5">水印</ofd:TextCode></ofd:TextObject>', False),  # turned
    ('<ofd:TextObject Boundary="10 20 50 8" Size="5"><ofd:TextCode X="0" Y="5" DeltaY="g 2 5">竖排</ofd:TextCode>'
     '</ofd:TextObject>', False),  # set downwards
    ('<ofd:TextObject Boundary="10 20 50 8" Size="5"><ofd:CGTransform GlyphCount="3"/>'
     '<ofd:TextCode X="0" Y="5">机</ofd:TextCode></ofd:TextObject>', False),  # glyphs by index
    ('<ofd:TextObject Boundary="10 20 50 8" CTM="1e308 0 0 1e308 1e308 0" Size="5">'
     '<ofd:TextCode X="1e308" Y="5">机</ofd:TextCode></ofd:TextObject>', True),  # huge, still finite
    ('<ofd:TextObject Boundary="1.7e308 20 50 8" CTM="1 0 0 1 1.7e308 0" Size="5">'
     '<ofd:TextCode X="0" Y="5">机</ofd:TextCode></ofd:TextObject>', False),  # moved beyond a double
])
def test_usual_object_draws_what_the_python_code_draws(xml: str, drawn_in_c: bool) -> None:
    answer, _, _ = _drawn_both_ways(xml)
    assert (answer is not None) == drawn_in_c


@compiled
def test_usual_object_raises_the_glyph_limit_as_the_python_code_does() -> None:
    result = _drawn_both_ways('<ofd:TextObject Size="5"><ofd:TextCode X="0" Y="5">一二三四五六</ofd:TextCode>'
                              '<ofd:TextCode X="0" Y="9">一二三四五六七</ofd:TextCode></ofd:TextObject>')
    assert result == ("not examined", ofd_text.OVER_LIMIT, "over 12 characters on one page")


@compiled
def test_usual_object_declines_an_outer_matrix_it_cannot_read() -> None:
    xml = '<ofd:TextObject Size="5"><ofd:TextCode X="0" Y="5">机密</ofd:TextCode></ofd:TextObject>'
    assert _drawn_both_ways(xml, (1, 0, 0, 1, 0, 0))[0] is None  # ints, not floats
    assert _drawn_both_ways(xml, (2.0, 0.0, 0.0, 2.0, 5.0, 7.0))[0] == (0, 2, 0)
    with pytest.raises(TypeError):
        ofd_text.usual_object(None, [1.0] * 6, {}, [], 10, 0.88, 0.12, ofd_text._colour, lambda: None)
