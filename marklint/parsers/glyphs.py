"""A page's drawn glyphs, thin horizontal lines and thin vertical ones (table rules), as the fixed-layout
readers (PDF, OFD) record them for line building (``pdf_lines``): no format library here, so an OFD read
never loads PDFium."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: A strike-through is a horizontal path no thicker than this (LibreOffice strokes 1.2 pt lines, whose
#: bounds are 2.4 pt high; Word fills thin rectangles).
STRIKE_MAX_THICKNESS = 3.0

class Glyph:
    """One drawn character, its box in points from the displayed page's top-left.

    No ``__init__``: ``Glyph()`` then runs no Python code, and ``_glyphs`` sets each attribute of a page's
    glyphs itself, far cheaper than a constructor call per glyph. ``make_glyph`` builds one elsewhere."""

    __slots__ = ("angle", "bottom", "char", "is_space", "look", "middle", "struck", "top", "x0", "x1")

    char: str
    x0: float
    top: float
    x1: float
    bottom: float
    look: Look  # shared by the glyphs of one text object
    is_space: bool
    angle: int  # whole degrees, 0-359
    struck: bool
    middle: float  # line building sorts and compares by it


def make_glyph(char: str, x0: float, top: float, x1: float, bottom: float, look: Look, is_space: bool,
               angle: int, struck: bool = False) -> Glyph:
    """A glyph with all its attributes set."""
    glyph = Glyph()
    glyph.char = char
    glyph.x0 = x0
    glyph.top = top
    glyph.x1 = x1
    glyph.bottom = bottom
    glyph.look = look
    glyph.is_space = is_space
    glyph.angle = angle
    glyph.struck = struck
    glyph.middle = (top + bottom) * 0.5  # exactly (top + bottom) / 2, by a cheaper float instruction
    return glyph


#: A text object's font name, size in points and fill colour (``RRGGBB``).
Look = tuple[str | None, float, str | None]


@dataclass(slots=True)
class PageText:
    glyphs: list[Glyph]
    strikes: list[tuple[float, float, float]]  # thin horizontal paths as (y, x0, x1), sorted
    decodable: int  # non-space glyphs with a usable Unicode value
    undecodable: int
    has_image: bool
    turned: bool = True  # text objects run in more than one direction (False: no watermark to set apart)
    rules: list[tuple[float, float, float]] = field(default_factory=list)  # thin vertical paths (x, top, bottom)
    #: The glyphs as the compiled PDF reader packed them (``pdf_lines.GlyphTable``), ``glyphs`` left empty
    #: until ``pdf_lines.expand_table`` unpacks them; None where ``glyphs`` holds them (OFD, the Python loop).
    table: Any = None
