"""An OFD text code drawn on one baseline (upright, no DeltaY) takes a shorter path in ``PageReader``; its
glyphs must be exactly those the general path draws, which a DeltaY of zeros (the same baseline) takes."""

from __future__ import annotations

import pytest
from lxml import etree

from marklint.limits import Limits
from marklint.parsers.ofd_text import PageReader, Resources

NS = "http://www.ofdspec.org/2016"
TEXT = "机密★5年 \ue000A"  # CJK, the star, a digit, a space, a private-use (undecodable) code, Latin


def text_object(ctm: str, delta_x: str | None, delta_y: str | None) -> etree._Element:
    element = etree.Element(f"{{{NS}}}TextObject", ID="4", Boundary="38.8 49.7 60 7.3", Font="1", Size="5.644",
                            CTM=ctm)
    etree.SubElement(element, f"{{{NS}}}FillColor", Value="255 0 0")
    code = etree.SubElement(element, f"{{{NS}}}TextCode", X="0.5", Y="5.644")
    code.text = TEXT
    if delta_x is not None:
        code.set("DeltaX", delta_x)
    if delta_y is not None:
        code.set("DeltaY", delta_y)
    return element


def drawn(element: etree._Element) -> tuple[list[tuple], int, int]:
    reader = PageReader(Resources({"1": "SimSun"}, {}), Limits())
    reader.text_object(element)
    glyphs = [(g.char, g.x0, g.top, g.x1, g.bottom, g.middle, g.look, g.is_space, g.angle, g.struck)
              for g in reader.drawing.glyphs]
    return glyphs, reader.drawing.decodable, reader.drawing.undecodable


@pytest.mark.parametrize("ctm", ["1 0 0 1 0 0", "0.564 0 0 0.564 0 0", "1 0 0 -1 0 20", "-1 0 0 1 60 0"],
                         ids=["identity", "scaled", "flipped-vertically", "flipped-horizontally"])
@pytest.mark.parametrize("delta_x", [None, "g 7 5.644", "5.7 5.8 2 5.7 0.5 3 4", "1 g 2 0 3"],
                         ids=["none", "repeated", "listed", "narrow-and-zero"])
def test_one_baseline_draws_what_the_general_path_draws(ctm: str, delta_x: str | None) -> None:
    fast = drawn(text_object(ctm, delta_x, None))
    general = drawn(text_object(ctm, delta_x, " ".join(["0"] * (len(TEXT) - 1))))
    assert fast == general
    glyphs, decodable, undecodable = fast
    assert "".join(g[0] for g in glyphs) == "机密★5年 \ufffdA"
    assert (decodable, undecodable) == (6, 1)
    assert all(g[1] <= g[3] and g[2] <= g[4] for g in glyphs)  # boxes ordered whatever the matrix's signs
    assert {g[6] for g in glyphs} == {("SimSun", round(5.644 * abs(float(ctm.split()[0])) * 72 / 25.4, 2),
                                       "FF0000")}


def test_a_baseline_that_moves_is_drawn_glyph_by_glyph() -> None:
    glyphs, _, _ = drawn(text_object("1 0 0 1 0 0", None, " ".join(["1"] * (len(TEXT) - 1))))
    tops = [g[2] for g in glyphs]
    assert tops == sorted(tops) and len(set(tops)) == len(TEXT)
