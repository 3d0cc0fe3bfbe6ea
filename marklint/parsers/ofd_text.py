"""The glyphs an OFD page draws, as records for the one line builder (``pdf_lines``).

An OFD text object places its text itself: ``Boundary`` (mm, in the page's space) is the object's box and
the origin of its own space, ``CTM`` maps that space into the box, each ``TextCode`` starts at ``X``/``Y``
(the baseline) and moves on by ``DeltaX``/``DeltaY`` per character, with ``g N v`` standing for N times v.
Every glyph gets a box from that position and the font size, so lines are rebuilt, and spaces judged, from
the gaps between glyphs as on a PDF page, never from where one text object ends and the next begins.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Callable

from lxml import etree

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.parsers import pdf_lines
from marklint.parsers.glyphs import STRIKE_MAX_THICKNESS, Glyph, Look, PageText, make_glyph
from marklint.parsers.ofd_package import child, child_text, children, local_name
from marklint.parsers.ooxml_package import OVER_LIMIT

#: Points per millimetre: OFD measures in mm, the model in points.
MM = 72 / 25.4
#: A glyph's box above and below its baseline, in ems (a CJK font's ascent and descent).
ASCENT, DESCENT = 0.88, 0.12
#: PageBlocks nest; text inside them is followed this deep (the XML depth limit bounds it as well).
MAX_BLOCK_DEPTH = 32
_SPACES = frozenset(" \u3000\u00a0")
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
Affine = tuple[float, float, float, float, float, float]


# Plain classes, not dataclasses: making a dataclass costs about half a millisecond in every worker that
# imports this module.
class Resources:
    """What a page's text objects refer to: font ID -> font name, composite unit ID -> the unit."""

    __slots__ = ("fonts", "units")

    def __init__(self, fonts: dict[str, str], units: dict[str, etree._Element]) -> None:
        self.fonts = fonts
        self.units = units


class PageDrawing:
    """What the read layers of one page draw, gathered object by object."""

    __slots__ = ("angles", "decodable", "glyphs", "has_image", "rules", "strikes", "undecodable")

    def __init__(self) -> None:
        self.glyphs: list[Glyph] = []
        self.strikes: list[tuple[float, float, float]] = []
        self.rules: list[tuple[float, float, float]] = []
        self.decodable = 0
        self.undecodable = 0
        self.has_image = False
        self.angles: set[int] = set()

    def page_text(self) -> PageText:
        self.strikes.sort()
        self.rules.sort()
        packed = pack_table(self.glyphs) if pack_table is not None and pdf_lines.compiled_units_built() else None
        if packed is not None:
            # The glyphs as a GlyphTable: pdf_lines.page_units builds the lines in C, as for a PDF page.
            return PageText([], self.strikes, self.decodable, self.undecodable, self.has_image,
                            len(self.angles) > 1, self.rules, pdf_lines.GlyphTable(*packed))
        return PageText(self.glyphs, self.strikes, self.decodable, self.undecodable, self.has_image,
                        len(self.angles) > 1, self.rules)


def _python_numbers(value: str | None, count: int | None = None) -> list[float] | None:
    """The finite numbers of a space-separated attribute (the first ``count``), or None. ``numbers`` is this,
    or ``_marklint_ofd.numbers``, which does the same in C."""
    if not value:
        return None
    try:
        found = list(map(float, (value.replace(",", " ") if "," in value else value).split()))
    except ValueError:
        return None
    if count is not None:
        if len(found) < count:
            return None
        del found[count:]
    return found if all(map(math.isfinite, found)) else None


def deltas(value: str | None, wanted: int) -> list[float]:
    """A ``DeltaX``/``DeltaY`` list, ``g N v`` expanded, at most ``wanted`` values (a huge N costs nothing)."""
    if not value or wanted <= 0:
        return []
    tokens = value.split()
    out: list[float] = []
    at = 0
    while at < len(tokens) and len(out) < wanted:
        token = tokens[at]
        try:
            if token == "g" and at + 2 < len(tokens):
                count, step = int(float(tokens[at + 1])), float(tokens[at + 2])
                if math.isfinite(step):
                    out.extend([step] * max(0, min(count, wanted - len(out))))
                at += 3
                continue
            step = float(token)
            if math.isfinite(step):
                out.append(step)
        except (ValueError, OverflowError):
            pass
        at += 1
    return out


def _compose(outer: Affine, inner: Affine) -> Affine:
    """``inner`` applied first, then ``outer``."""
    a0, b0, c0, d0, e0, f0 = outer
    a, b, c, d, e, f = inner
    return (a0 * a + c0 * b, b0 * a + d0 * b, a0 * c + c0 * d, b0 * c + d0 * d, a0 * e + c0 * f + e0,
            b0 * e + d0 * f + f0)


def _object_space(element: etree._Element, outer: Affine) -> Affine:
    """Object space to page space (mm): the CTM, then the move to the Boundary's origin, then ``outer``."""
    box = numbers(element.get("Boundary"), 4) or [0.0, 0.0, 0.0, 0.0]
    a, b, c, d, e, f = numbers(element.get("CTM"), 6) or _IDENTITY
    return _compose(outer, (a, b, c, d, e + box[0], f + box[1]))


@functools.lru_cache(maxsize=256)
def _colour(value: str | None) -> str:
    """``RRGGBB`` of a ``FillColor`` ``Value`` (None: no FillColor, black by GB/T 33190 8.3.2)."""
    rgb = numbers(value, 3)
    if rgb is None:
        return "000000"
    return "".join(f"{max(0, min(255, int(v))):02X}" for v in rgb)


@functools.lru_cache(maxsize=4096)
def _char(char: str) -> tuple[str, float, bool, bool]:
    """What a character is to the reader: the character kept (U+FFFD for one that is no text), its own
    width in ems, whether it is a space and whether it is readable."""
    readable = _readable(char)
    return char if readable else "\ufffd", _em(char), char in _SPACES, readable


@functools.lru_cache(maxsize=4096)
def _em(char: str) -> float:
    """A glyph's own width in ems: full for CJK, ★ and the like, half for the rest, a quarter for a space
    (a space's box must not reach over the glyph after it). Used where DeltaX gives no narrower step."""
    if char == " ":
        return 0.25
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F", "A") else 0.5


def _number(value: str | None, default: float) -> float:
    """A finite number attribute, or ``default``."""
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        return default
    return number if math.isfinite(number) else default


@functools.lru_cache(maxsize=4096)
def _readable(char: str) -> bool:
    code = ord(char)
    # Not a raw glyph code, a surrogate, private use or the replacement character: those are no text.
    return not (code < 0x20 or code == 0xFFFD or 0xD800 <= code <= 0xF8FF or code >= 0xF0000)


def _python_upright_glyphs(glyphs: list[Glyph], text: str, x: float, step_x: list[float], size: float, a: float,
                           e: float, top: float, bottom: float, middle: float, look: Look, angle: int
                           ) -> tuple[float, int, int]:
    """The glyphs of a text code on one baseline (the usual code: every glyph's top and bottom the same),
    each built here rather than by a call, appended to ``glyphs``; the x after the last, and how many
    non-space glyphs were drawn and how many of those are readable. ``_marklint_ofd.upright_glyphs`` does
    the same in C."""
    drawn = decodable = 0
    steps = len(step_x)
    for index, char in enumerate(text):
        kept, em, is_space, readable = _char(char)
        own = em * size
        advance = step_x[index] if index < steps else own
        width = advance if 0 < advance < own else own
        left, right = a * x + e, a * (x + width) + e
        if left > right:
            left, right = right, left
        if not is_space:
            drawn += 1
            decodable += readable
        glyph = Glyph()
        glyph.char = kept
        glyph.x0 = left * MM
        glyph.top = top
        glyph.x1 = right * MM
        glyph.bottom = bottom
        glyph.look = look
        glyph.is_space = is_space
        glyph.angle = angle
        glyph.struck = False
        glyph.middle = middle
        glyphs.append(glyph)
        x += advance
    return x, drawn, decodable


try:
    from marklint.parsers import compiled

    _marklint_ofd = compiled.load("_marklint_ofd")  # ImportError when not built, or built from other source
    _marklint_ofd.bind(Glyph, _em)
    numbers: Callable[[str | None, int | None], list[float] | None] = _marklint_ofd.numbers
    code_deltas: Callable[[str | None, int], list[float]] = _marklint_ofd.deltas
    upright_glyphs: Callable[..., tuple[float, int, int]] = _marklint_ofd.upright_glyphs
    #: The page's glyphs packed as a ``pdf_lines.GlyphTable`` (data, looks, chars), or None for a glyph it
    #: cannot pack: ``PageDrawing.page_text`` then hands the glyphs themselves to the Python line builder.
    pack_table: Callable[[list[Glyph]], tuple[bytes, list[Look], str] | None] | None = _marklint_ofd.table
    #: ``PageReader.text_object`` for the usual object, in C; None (nothing changed) for any other.
    usual_object: Callable[..., tuple[int, int, int] | None] | None = _marklint_ofd.text_object
except (ImportError, TypeError):  # no C compiler at install, or a Glyph class it cannot fill: the same glyphs
    numbers = _python_numbers
    code_deltas = deltas
    upright_glyphs = _python_upright_glyphs
    pack_table = None
    usual_object = None


class PageReader:
    """Draws the content layers of a page (and of its templates) into one ``PageDrawing``."""

    def __init__(self, resources: Resources, limits: Limits) -> None:
        self.max_objects, self.max_glyphs = limits.max_page_objects, limits.max_page_glyphs
        self.drawn_objects = 0
        self.fonts = resources.fonts
        self.units = resources.units
        self.drawing = PageDrawing()
        self._drawing_units: set[str] = set()  # the composite units being drawn: a unit never draws itself

    def layers(self, page_root: etree._Element) -> None:
        for layer in children(child(page_root, "Content"), "Layer"):
            self.objects(layer, _IDENTITY, 0)

    def objects(self, parent: etree._Element, outer: Affine, depth: int) -> None:
        for element in parent:
            self.drawn_objects += 1
            if self.drawn_objects > self.max_objects:
                # Composite units drawing composite units multiply: a small file can draw without end.
                raise NotExamined(OVER_LIMIT, f"over {self.max_objects} objects drawn on one page")
            name = local_name(element.tag)
            if name == "TextObject":
                self.text_object(element, outer)
            elif name == "PathObject":
                self._path(element, outer)
            elif name == "ImageObject":
                self.drawing.has_image = True
            elif name == "PageBlock" and depth < MAX_BLOCK_DEPTH:
                self.objects(element, outer, depth + 1)
            elif name == "CompositeObject" and depth < MAX_BLOCK_DEPTH:
                self._composite(element, outer, depth)

    def _composite(self, element: etree._Element, outer: Affine, depth: int) -> None:
        """A composite object draws a ``CompositeGraphicUnit`` of the resources, placed by its own Boundary
        and CTM; a unit that (through others) draws itself is drawn once."""
        key = (element.get("ResourceID") or "").strip()
        unit = self.units.get(key)
        content = child(unit, "Content")
        if content is None or key in self._drawing_units:
            return
        self._drawing_units.add(key)
        try:
            self.objects(content, _object_space(element, outer), depth + 1)
        finally:
            self._drawing_units.discard(key)

    def text_object(self, element: etree._Element, outer: Affine = _IDENTITY) -> None:
        drawing = self.drawing
        if usual_object is not None:
            # The usual object (upright, no DeltaY, no CGTransform) drawn in C; None: drawn below.
            drawn = usual_object(element, outer, self.fonts, drawing.glyphs, self.max_glyphs, ASCENT, DESCENT, _colour,
                                 self._too_many_glyphs)
            if drawn is not None:
                drawing.angles.add(drawn[0])
                drawing.decodable += drawn[1]
                drawing.undecodable += drawn[2]
                return
        a, b, c, d, e, f = _object_space(element, outer)
        size = _number(element.get("Size"), 0.0)
        scale = math.sqrt(abs(a * d - b * c)) or 1.0
        angle = round(math.degrees(math.atan2(b, a))) % 360
        drawing.angles.add(angle)
        codes, fill, indexed = [], None, 0
        for part in element:  # one pass over the object's children
            name = local_name(part.tag)
            if name == "TextCode":
                codes.append(part)
            elif name == "FillColor":
                fill = part.get("Value")
            elif name == "CGTransform":
                count = numbers(part.get("GlyphCount"), 1) or [float(len(child_text(part, "Glyphs").split()))]
                indexed += max(0, int(min(count[0], 1e9)))
        look: Look = (self.fonts.get((element.get("Font") or "").strip()), round(size * scale * MM, 2),
                      _colour(fill))
        x = y = 0.0
        drawn = decodable = 0
        rise, fall = ASCENT * size, DESCENT * size
        upright = b == 0.0 and c == 0.0  # the usual object: scaled and moved, not turned
        glyphs = drawing.glyphs
        for code in codes:
            text = code.text or ""
            if "\n" in text or "\r" in text:
                text = text.strip()  # indented XML: the line breaks and spaces around the text are not drawn
            x = _number(code.get("X"), x)
            y = _number(code.get("Y"), y)
            if len(glyphs) + len(text) > self.max_glyphs:
                self._too_many_glyphs()
            step_x = code_deltas(code.get("DeltaX"), len(text) - 1)
            step_y = code_deltas(code.get("DeltaY"), len(text) - 1)
            steps = len(step_x)
            if upright and not step_y:
                # The usual code: one baseline, so every glyph's top and bottom are the same (computed as
                # the loop below computes them), and each glyph is built here rather than by a call.
                top, bottom = d * (y - rise) + f, d * (y + fall) + f
                if top > bottom:
                    top, bottom = bottom, top
                top, bottom = top * MM, bottom * MM
                middle = (top + bottom) * 0.5  # as make_glyph sets it
                x, code_drawn, code_decodable = upright_glyphs(glyphs, text, x, step_x, size, a, e, top, bottom,
                                                               middle, look, angle)
                drawn += code_drawn
                decodable += code_decodable
                continue
            for index, char in enumerate(text):
                kept, em, is_space, readable = _char(char)
                own = em * size
                advance = step_x[index] if index < steps else own
                width = advance if 0 < advance < own else own
                # The glyph's box in object space, mapped through the matrix: its corners' extremes.
                if upright:
                    left, right = a * x + e, a * (x + width) + e
                    top, bottom = d * (y - rise) + f, d * (y + fall) + f
                else:
                    xs = (a * x + c * (y - rise), a * (x + width) + c * (y - rise), a * x + c * (y + fall),
                          a * (x + width) + c * (y + fall))
                    ys = (b * x + d * (y - rise), b * (x + width) + d * (y - rise), b * x + d * (y + fall),
                          b * (x + width) + d * (y + fall))
                    left, right, top, bottom = min(xs) + e, max(xs) + e, min(ys) + f, max(ys) + f
                if left > right:
                    left, right = right, left
                if top > bottom:
                    top, bottom = bottom, top
                if not is_space:
                    drawn += 1
                    decodable += readable
                glyphs.append(make_glyph(kept, left * MM, top * MM, right * MM, bottom * MM, look, is_space, angle))
                x += advance
                if step_y and index < len(step_y):
                    y += step_y[index]
        drawing.decodable += decodable
        drawing.undecodable += drawn - decodable
        if indexed > drawn:
            # Glyphs drawn by index through CGTransform with no text behind them: seen, not readable.
            drawing.undecodable += indexed - drawn

    def _too_many_glyphs(self) -> None:
        raise NotExamined(OVER_LIMIT, f"over {self.max_glyphs} characters on one page")

    def _path(self, element: etree._Element, outer: Affine) -> None:
        box = numbers(element.get("Boundary"), 4)
        if box is None:
            return
        a, b, c, d, e, f = outer
        x0, y0 = a * box[0] + c * box[1] + e, b * box[0] + d * box[1] + f
        x1, y1 = a * (box[0] + box[2]) + c * (box[1] + box[3]) + e, b * (box[0] + box[2]) + d * (box[1] + box[3]) + f
        left, right, top, bottom = min(x0, x1) * MM, max(x0, x1) * MM, min(y0, y1) * MM, max(y0, y1) * MM
        height, width = bottom - top, right - left
        if height <= STRIKE_MAX_THICKNESS and width >= max(1.0, 3 * height):
            self.drawing.strikes.append(((top + bottom) / 2, left, right))
        elif width <= STRIKE_MAX_THICKNESS and height >= max(1.0, 3 * width):
            self.drawing.rules.append(((left + right) / 2, top, bottom))  # a table rule between cells


def watermark_text(appearance: etree._Element) -> str:
    """The readable text of a watermark's appearance, its text objects' codes in order."""
    codes = (code.text or "" for obj in appearance.iter() if local_name(obj.tag) == "TextObject"
             for code in children(obj, "TextCode"))
    return "".join(char for text in codes for char in text if _readable(char)).strip()
