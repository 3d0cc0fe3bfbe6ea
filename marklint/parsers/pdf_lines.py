"""Text lines rebuilt from a page's glyphs (``glyphs``: PDFium's for a PDF, the text objects' for an OFD).

PDFium's own text stream carries spaces and line breaks it invents (``机密★5 年`` where the page shows
``机密★5年``), so lines are rebuilt here from glyph boxes: glyphs grouped by baseline band, spaces kept
where the page has a space glyph or a wide gap within one font, strike-through marked where a thin line
crosses a glyph, rotated watermark text kept apart.
"""

from __future__ import annotations

import bisect
import functools
import struct
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter
from types import ModuleType

from marklint.limits import Limits
from marklint.model import Part, StyleSpan, TextUnit
from marklint.parsers.glyphs import Glyph, Look, PageText, make_glyph

#: A gap wider than this many ems between two glyphs of one font, with no space glyph, reads as a space
#: (producers that place each word on its own and draw no space glyphs).
SPACE_GAP_EM = 0.8
#: A gap wider than this many ems splits a line into two units (a 版记 row: 印发机关 ... 印发日期).
SPLIT_GAP_EM = 4.0
#: A thin horizontal line (glyphs.STRIKE_MAX_THICKNESS) strikes a glyph through when it crosses it
#: between these fractions of its box height, counted from the bottom (an underline sits near 0.15, an
#: overline near 1.0).
STRIKE_BAND = (0.3, 0.7)
#: Glyphs more than this many degrees off the page's main text direction (a diagonal watermark) are
#: kept out of the horizontal lines and read as their own units.
OFF_AXIS_DEGREES = 3.0
#: A space glyph at most this wide is a space even where it overlaps its neighbours (``_hidden``) ...
HIDDEN_MAX_WIDTH = 0.05
#: ... and a wider one is hidden under them when either overlaps more than this share of its width.
HIDDEN_OVERLAP_SHARE = 0.5


def _mark_struck(glyphs: list[Glyph], top: float, bottom: float, strikes: list[tuple[float, float, float]],
                 heights: list[float]) -> None:
    """Mark the glyphs of one line (or rotated run) that a strike-through line crosses. ``top`` and
    ``bottom`` bound the glyphs' boxes (``_extent``); ``strikes`` are sorted by height and ``heights`` are
    their heights."""
    # A glyph's band lies within its box: a line whose boxes no strike passes through has nothing struck.
    if bisect.bisect_left(heights, top) == bisect.bisect_right(heights, bottom):
        return
    low, high = STRIKE_BAND
    for glyph in glyphs:
        height = glyph.bottom - glyph.top
        # Display y grows downwards: the band's fractions are counted up from the glyph's bottom.
        first = bisect.bisect_left(heights, glyph.bottom - high * height)
        last = bisect.bisect_right(heights, glyph.bottom - low * height)
        centre = (glyph.x0 + glyph.x1) / 2
        glyph.struck = any(x0 <= centre <= x1 for _, x0, x1 in strikes[first:last])


def _extent(glyphs: list[Glyph]) -> tuple[float, float]:
    """The least top and the greatest bottom of the glyphs' boxes, as min() and max() give them."""
    # Spelt out: attribute loads in bytecode cost far less than a generator's steps.
    top, bottom = glyphs[0].top, glyphs[0].bottom
    for glyph in glyphs:
        if glyph.top < top:
            top = glyph.top
        if glyph.bottom > bottom:
            bottom = glyph.bottom
    return top, bottom


_BY_MIDDLE_LEFT = attrgetter("middle", "x0")
_BY_MIDDLE = attrgetter("middle")
_BY_LEFT = attrgetter("x0")


def _lines(glyphs: list[Glyph]) -> tuple[list[list[Glyph]], list[tuple[float, float]]]:
    """Glyphs grouped into lines, top to bottom, each left to right, and each line's ``_extent``.

    A glyph joins a line when its middle lies within the line's band and the line's first middle lies
    within the glyph's box: tolerant of mixed sizes on one baseline and of a ★ from another font drawn
    slightly higher, while a large glyph from a neighbouring line does not pull lines together."""
    # Sorted by x0 and then, stably, by middle: the order of a sort by (middle, x0), with float keys that
    # compare several times faster than tuples. The two agree unless a coordinate is NaN (then neither
    # order is strict and a sort's result depends on the comparisons it makes): such a page is grouped
    # again from the tuple sort.
    ordered = sorted(glyphs, key=_BY_LEFT)
    ordered.sort(key=_BY_MIDDLE)
    lines, bands, exact = _group(ordered)
    if not exact:
        lines, bands, _ = _group(sorted(glyphs, key=_BY_MIDDLE_LEFT))
    for line in lines:
        line.sort(key=_BY_LEFT)
    return lines, bands


def _group(ordered: list[Glyph]) -> tuple[list[list[Glyph]], list[tuple[float, float]], bool]:
    """Glyphs sorted by (middle, x0) grouped into lines (see ``_lines``), the band each line spans, and
    whether no middle or x0 was NaN.

    A line's band is its ``_extent`` for any comparison: a glyph with a NaN top or bottom neither joins a
    line nor is joined, and without NaN only the sign of a zero can depend on the order of the glyphs."""
    lines: list[list[Glyph]] = []
    bands: list[tuple[float, float]] = []
    line: list[Glyph] = []
    band_top = band_bottom = anchor = 0.0
    exact = True
    for glyph in ordered:
        if glyph.x0 != glyph.x0:
            exact = False
        if line and band_top <= glyph.middle <= band_bottom and glyph.top <= anchor <= glyph.bottom:
            line.append(glyph)
            if glyph.top < band_top:
                band_top = glyph.top
            if glyph.bottom > band_bottom:
                band_bottom = glyph.bottom
        else:
            # A NaN middle joins no line, so it is always seen here.
            if glyph.middle != glyph.middle:
                exact = False
            if line:
                bands.append((band_top, band_bottom))
            line = [glyph]
            lines.append(line)
            band_top, band_bottom, anchor = glyph.top, glyph.bottom, glyph.middle
    if line:
        bands.append((band_top, band_bottom))
    return lines, bands, exact


def _cuts(rules: list[tuple[float, float, float]], top: float, bottom: float) -> list[float]:
    """The x of the vertical rules that cross a line's band through its middle: table cell borders."""
    middle = (top + bottom) / 2
    return sorted(x for x, rule_top, rule_bottom in rules if rule_top <= middle <= rule_bottom)


def _segments(line: list[Glyph], cuts: list[float] = ()) -> list[list[Glyph]]:  # type: ignore[assignment]
    """One line's glyphs as units: split at very wide gaps and at table rules (``cuts``: each cell is its
    own unit, README "Where marklint looks"), spaces collapsed and inferred from gaps."""
    units: list[list[Glyph]] = []
    cut = 0  # the first rule not yet passed
    current: list[Glyph] = []
    pending: list[Glyph] = []  # space glyphs since the last visible glyph
    previous: Glyph | None = None
    previous_size = 0.0
    for glyph in line:
        if glyph.is_space:
            if current:
                pending.append(glyph)
            continue
        size = glyph.look[1]
        if previous is not None:
            # max(previous_size, size, 1.0) spelt out (the same comparisons in the same order): the builtin
            # call for every pair of glyphs cost two fifths of this loop.
            em = previous_size
            if size > em:
                em = size
            if em < 1.0:
                em = 1.0
            gap = glyph.x0 - previous.x1
            ruled = False
            while cut < len(cuts) and cuts[cut] <= glyph.x0:
                ruled = ruled or cuts[cut] >= previous.x1
                cut += 1
            if ruled or gap > SPLIT_GAP_EM * em:
                units.append(current)
                current = []
            elif pending or gap > SPACE_GAP_EM * em:
                space = _space_between(previous, glyph, pending, gap > SPACE_GAP_EM * em)
                if space is not None:
                    current.append(space)
            if pending:  # a new list only when the old one was used
                pending = []
        current.append(glyph)
        previous, previous_size = glyph, size
    if current:
        units.append(current)
    return units


def _space_between(left: Glyph, right: Glyph, spaces: list[Glyph], wide_gap: bool) -> Glyph | None:
    """The one space that stands between two visible glyphs, if any."""
    # LibreOffice draws space glyphs under the neighbouring glyphs of an underlined run; a space that
    # leaves no gap on the page is not a space.
    seen = [s for s in spaces if not _hidden(s, left, right)]
    if seen:
        first, last = seen[0], seen[-1]
        return make_glyph(first.char, first.x0, first.top, last.x1, first.bottom, first.look, True, first.angle,
                          all(s.struck for s in seen))
    if wide_gap and left.look[0] == right.look[0]:
        # Only within one font: Word, WPS and LibreOffice leave small gaps where ★ or a digit comes
        # from another font, and those must never read as spaces.
        return make_glyph(" ", left.x1, left.top, right.x0, left.bottom, left.look, True, left.angle,
                          left.struck and right.struck)
    return None


def _hidden(space: Glyph, left: Glyph, right: Glyph) -> bool:
    width = space.x1 - space.x0
    if width <= HIDDEN_MAX_WIDTH:
        return False  # a zero-width space glyph is still a space typed in the content
    overlap = max(_overlap(space, left), _overlap(space, right))
    return overlap > HIDDEN_OVERLAP_SHARE * width


def _overlap(a: Glyph, b: Glyph) -> float:
    return max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0))


def _runs_off_axis(glyphs: list[Glyph]) -> tuple[list[Glyph], list[list[Glyph]]]:
    """Split glyphs into those on the page's main text direction and runs of rotated ones (watermarks)."""
    angles = Counter(g.angle for g in glyphs)
    if len(angles) <= 1:
        return glyphs, []  # the usual page: one direction
    main = angles.most_common(1)[0][0]
    upright: list[Glyph] = []
    runs: list[list[Glyph]] = []
    last_angle: int | None = None
    for glyph in glyphs:
        off = min((glyph.angle - main) % 360, (main - glyph.angle) % 360)
        if off <= OFF_AXIS_DEGREES:
            upright.append(glyph)
            last_angle = None
            continue
        if glyph.angle != last_angle:
            runs.append([])
            last_angle = glyph.angle
        if not (glyph.is_space and not runs[-1]):
            runs[-1].append(glyph)
    return upright, [run for run in runs if any(not g.is_space for g in run)]


def page_units(page: PageText, page_number: int, limits: Limits) -> list[TextUnit]:
    if page.table is not None:
        units = _compiled_units(page, page_number, limits)
        if units is not None:
            return units
        expand_table(page)
    upright, rotated = _runs_off_axis(page.glyphs) if page.turned else (page.glyphs, [])
    lines, bands = _lines(upright)
    if page.strikes:
        heights = [y for y, _, _ in page.strikes]
        for line, (top, bottom) in zip(lines, bands, strict=True):
            _mark_struck(line, top, bottom, page.strikes, heights)
        for run in rotated:
            _mark_struck(run, *_extent(run), page.strikes, heights)
    if page.rules:
        pieces = [segment for line, (top, bottom) in zip(lines, bands, strict=True)
                  for segment in _segments(line, _cuts(page.rules, top, bottom))]
    else:
        pieces = [segment for line in lines for segment in _segments(line)]
    pieces.extend(rotated)
    units = []
    max_chars = max(limits.max_unit_chars, 0)
    for line_number, piece in enumerate(pieces, start=1):
        while piece and piece[-1].is_space:
            piece.pop()
        if len(piece) > max_chars:
            del piece[max_chars:]
        if piece:
            units.append(_unit(piece, page_number, line_number))
    return units


def _unit(glyphs: list[Glyph], page_number: int, line_number: int) -> TextUnit:
    """One unit from a line's glyphs: text, style spans and bounding box."""
    spans: list[StyleSpan] = []
    first = glyphs[0]
    start, look, struck = 0, first.look, first.struck
    # The box in the same pass: each bound compared as min() and max() would, in the same order.
    left, top, right, bottom = first.x0, first.top, first.x1, first.bottom
    chars: list[str] = []
    for index, glyph in enumerate(glyphs):
        chars.append(glyph.char)
        # Glyphs of one text object share their look: identity settles most comparisons.
        if (glyph.look is not look and glyph.look != look) or glyph.struck is not struck:
            spans.append(StyleSpan(start, index, look[0], look[1], struck, look[2]))
            start, look, struck = index, glyph.look, glyph.struck
        if glyph.x0 < left:
            left = glyph.x0
        if glyph.top < top:
            top = glyph.top
        if glyph.x1 > right:
            right = glyph.x1
        if glyph.bottom > bottom:
            bottom = glyph.bottom
    spans.append(StyleSpan(start, len(glyphs), look[0], look[1], struck, look[2]))
    bbox = (round(left, 2), round(top, 2), round(right, 2), round(bottom, 2))
    # Positional (text, part, page, line, bbox, spans): keywords make the call dearer.
    return TextUnit("".join(chars), Part.BODY, page_number, line_number, bbox, tuple(spans))


# --- the compiled path -------------------------------------------------------------------------------------

#: One glyph of a GlyphTable: x0, top, x1, bottom, middle, character, look index, angle, is_space, struck.
TABLE = struct.Struct("=dddddIiiBB")


@dataclass(slots=True)
class GlyphTable:
    """A page's glyphs as ``_marklint_lines.glyphs`` packs them (``TABLE``), without a Glyph object each."""

    data: bytes
    looks: list[Look]  # the looks the glyphs' look indices name
    chars: str  # every glyph's character, in order


def expand_table(page: PageText) -> None:
    """Unpack the page's GlyphTable into ``page.glyphs`` (what the Python loop of pdf_glyphs builds), for the
    code that needs Glyph objects: a page whose fonts may lack a Unicode map, a page the compiled path
    declines."""
    table = page.table
    if table is None:
        return
    looks = table.looks
    page.glyphs = [make_glyph(chr(code), x0, top, x1, bottom, looks[look], bool(space), angle, bool(struck))
                   for x0, top, x1, bottom, _, code, look, angle, space, struck in TABLE.iter_unpack(table.data)]
    page.table = None


@functools.cache
def _compiled() -> ModuleType | None:
    """``_marklint_lines``, loaded the first time a page has a GlyphTable (an OFD read never loads it)."""
    from marklint.parsers import compiled

    try:
        return compiled.load("_marklint_lines")
    except ImportError:
        return None


def compiled_units_built() -> bool:
    """Whether ``_marklint_lines`` is built and current: a reader that packs its glyphs into a GlyphTable
    only for it (OFD) asks first, so that a missing binary costs no unpacking."""
    return _compiled() is not None


def _compiled_units(page: PageText, page_number: int, limits: Limits) -> list[TextUnit] | None:
    """page_units run by ``_marklint_lines`` on the page's GlyphTable: None where it declines (a NaN
    coordinate) or is not built."""
    module = _compiled()
    if module is None:
        return None
    table = page.table
    low, high = STRIKE_BAND
    return module.units(table.data, table.looks, page.strikes, page.rules, page.turned, page_number,
                        max(limits.max_unit_chars, 0), SPACE_GAP_EM, SPLIT_GAP_EM, low, high, OFF_AXIS_DEGREES,
                        HIDDEN_MAX_WIDTH, HIDDEN_OVERLAP_SHARE, TextUnit, StyleSpan, Part.BODY)
