"""The OFD glyph loops in C (``_marklint_ofd``) produce exactly what their Python fallbacks in ``ofd_text`` do:
the same glyphs, coordinate for coordinate, on every OFD fixture, and the same DeltaX lists on any input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marklint.limits import Limits
from marklint.parsers import ofd, ofd_text
from marklint.parsers.glyphs import Glyph

FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "ofd").glob("*.ofd"))
LOOK = ("SimSun", 15.0, "000000")

compiled = pytest.mark.skipif(ofd_text.upright_glyphs is ofd_text._python_upright_glyphs,
                              reason="_marklint_ofd was not built (no C compiler at install): only Python runs")


def _glyph_rows(glyphs: list[Glyph]) -> list[tuple]:
    return [(g.char, g.x0, g.top, g.x1, g.bottom, g.look, g.is_space, g.angle, g.struck, g.middle) for g in glyphs]


def _pages_drawn(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every page drawing of ``path`` as read: its glyphs and counts."""
    drawn: list[tuple] = []
    page_text = ofd_text.PageDrawing.page_text

    def recorded(drawing: ofd_text.PageDrawing) -> object:
        drawn.append((_glyph_rows(drawing.glyphs), drawing.decodable, drawing.undecodable, sorted(drawing.angles)))
        return page_text(drawing)

    with monkeypatch.context() as patch:
        patch.setattr(ofd_text.PageDrawing, "page_text", recorded)
        document = ofd.parse(path, path.name, Limits())
    return [*drawn, (document.units, document.status, document.reason)]


@compiled
def test_compiled_glyphs_equal_the_python_loop_on_every_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    glyphs = 0
    for path in FIXTURES:
        fast = _pages_drawn(path, monkeypatch)
        with monkeypatch.context() as patch:
            patch.setattr(ofd_text, "upright_glyphs", ofd_text._python_upright_glyphs)
            patch.setattr(ofd_text, "code_deltas", ofd_text.deltas)
            patch.setattr(ofd_text, "numbers", ofd_text._python_numbers)
            patch.setattr(ofd_text, "usual_object", None)
            slow = _pages_drawn(path, monkeypatch)
        assert fast == slow, path.name
        glyphs += sum(len(page[0]) for page in fast[:-1])
    assert len(FIXTURES) > 60 and glyphs > 20_000


TOKENS = st.sampled_from(["g", "G", "3", "2.5", "-1", "0", "1e400", "-1e400", "nan", "inf", "x", "1_0", "0x1",
                          "5.644", "1e9", "2,5", "+.5", "٣"])


@compiled
@settings(max_examples=400, deadline=None)
@given(st.lists(TOKENS, max_size=12), st.sampled_from([" ", "  ", "\t", "\u3000", "\n"]), st.integers(-2, 30))
def test_compiled_deltas_equal_the_python_ones(tokens: list[str], space: str, wanted: int) -> None:
    value = space.join(tokens)
    assert ofd_text.code_deltas(value, wanted) == ofd_text.deltas(value, wanted)


@compiled
def test_compiled_deltas_edge_cases() -> None:
    for value in (None, "", "   ", "g", "g 2", "g 2 x 3", "g nan 2 4", "g inf 2 4", "g -3 2 4", "g 2.9 1 5",
                  "g 1000000000000 2", "g 2 nan 7", "1 g 2 0 3"):
        for wanted in (0, 1, 3, 10):
            assert ofd_text.code_deltas(value, wanted) == ofd_text.deltas(value, wanted), (value, wanted)


def _both(text: str, steps: list[float], **placed: float) -> None:
    arguments = {"x": 0.5, "size": 5.644, "a": 0.9, "e": 38.8, "top": 10.25, "bottom": 12.5, "middle": 11.375} | placed
    fast_glyphs: list[Glyph] = []
    slow_glyphs: list[Glyph] = []
    order = ("x", "size", "a", "e", "top", "bottom", "middle")
    fast = ofd_text.upright_glyphs(fast_glyphs, text, arguments["x"], steps, *(arguments[k] for k in order[1:]),
                                   LOOK, 0)
    slow = ofd_text._python_upright_glyphs(slow_glyphs, text, arguments["x"], steps,
                                           *(arguments[k] for k in order[1:]), LOOK, 0)
    assert fast == slow
    assert _glyph_rows(fast_glyphs) == _glyph_rows(slow_glyphs)


@compiled
@pytest.mark.parametrize("text", ["机密★5年", " \u3000\u00a0 ", "\x01\ufffd\ue000\U000f0001\U0001f600A", "",
                                  "a" * 300, "𠀀𠀁 x"])
@pytest.mark.parametrize("steps", [[], [5.7, -2.0, 0.0, 3.5], [0.1] * 400])
def test_compiled_upright_glyphs_equal_the_python_ones(text: str, steps: list[float]) -> None:
    _both(text, steps)
    _both(text, steps, a=-1.0, e=60.0)  # flipped: each box's edges swapped back in order


@compiled
def test_compiled_upright_glyphs_refuse_wrong_arguments() -> None:
    glyphs: list[Glyph] = []
    with pytest.raises(TypeError):
        ofd_text.upright_glyphs(glyphs, "ab", 0.0, ["1"], 1.0, 1.0, 0.0, 1.0, 2.0, 1.5, LOOK, 0)  # a step not a number
    with pytest.raises(TypeError):
        ofd_text.upright_glyphs(glyphs, b"ab", 0.0, [], 1.0, 1.0, 0.0, 1.0, 2.0, 1.5, LOOK, 0)
    with pytest.raises(TypeError):
        ofd_text.upright_glyphs(glyphs, "ab", 0.0, (), 1.0, 1.0, 0.0, 1.0, 2.0, 1.5, LOOK, 0)
    with pytest.raises(TypeError):
        ofd_text.code_deltas(b"1 2", 3)
    assert len(glyphs) == 0


@compiled
def test_bind_refuses_a_class_it_cannot_fill() -> None:
    module = ofd_text._marklint_ofd

    class Constructed:
        __slots__ = Glyph.__slots__

        def __init__(self) -> None:
            self.char = ""

    class Missing:
        __slots__ = ("char",)

    for wrong in (Constructed, Missing, dict):
        with pytest.raises(TypeError):
            module.bind(wrong, ofd_text._em)
    module.bind(Glyph, ofd_text._em)  # still bound to the real class after the refusals
    _both("机密", [])


NUMBER_TOKENS = st.sampled_from(["1", "2.5", "-0", "1e400", "nan", "inf", "x", "1_0", "٣", "+.5", "0x1", ""])


@compiled
@settings(max_examples=400, deadline=None)
@given(st.lists(NUMBER_TOKENS, max_size=8), st.sampled_from([" ", ",", ", ", "\t", "\u3000", ",,"]),
       st.sampled_from([None, 0, 1, 3, 4, 6]))
def test_compiled_numbers_equal_the_python_ones(tokens: list[str], separator: str, count: int | None) -> None:
    value = separator.join(tokens)
    assert ofd_text.numbers(value, count) == ofd_text._python_numbers(value, count)
    assert ofd_text.numbers(value) == ofd_text._python_numbers(value)


@compiled
def test_compiled_numbers_edge_cases() -> None:
    for value in (None, "", " ", "1 2 3", "1,2,3,4", "1 2 x 4", "1 2 3 nan", "1 2 inf", "0 0 210 297 extra"):
        for count in (None, 1, 3, 4, 6):
            assert ofd_text.numbers(value, count) == ofd_text._python_numbers(value, count), (value, count)
    with pytest.raises(TypeError):
        ofd_text.numbers(b"1 2")

