"""The glyphs PDFium reports on a page, its thin horizontal lines (strike-through candidates) and thin
vertical ones (table rules between cells).

Every call into PDFium for one glyph costs, so the per-glyph calls go through plain C prototypes and what
belongs to a text object (font, size, colour, angle) is asked once per object. Boxes are in points from
the displayed page's top-left, the crop box and /Rotate applied.
"""

from __future__ import annotations

import ctypes
import functools
import math
import struct
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from marklint.parsers.glyphs import STRIKE_MAX_THICKNESS, Glyph, PageText
from marklint.parsers.glyphs import Look as _Look
from marklint.parsers.pdf_lines import GlyphTable
from marklint.parsers.pdfium import pdfium_c

#: Page objects examined for strike-through lines and images; a vector drawing may hold far more.
MAX_PAGE_OBJECTS = 50_000
#: Form XObjects nest; strike-through lines and images inside them are looked for this deep.
MAX_FORM_DEPTH = 4

_SPACES = (" ", "\u3000", "\u00a0")
_SPACE_CODES = frozenset(map(ord, _SPACES))
_CONTROL_LIMIT = 0x20


class Frame:
    """Maps PDF user space to points from the displayed page's top-left (crop box and /Rotate applied)."""

    def __init__(self, page: ctypes.c_void_p) -> None:
        box = pdfium_c.FS_RECTF()
        if pdfium_c.FPDF_GetPageBoundingBox(page, box):
            self.left, self.bottom, self.right, self.top = box.left, box.bottom, box.right, box.top
        else:
            self.left, self.bottom = 0.0, 0.0
            self.right, self.top = pdfium_c.FPDF_GetPageWidthF(page), pdfium_c.FPDF_GetPageHeightF(page)
        self.rotation = pdfium_c.FPDFPage_GetRotation(page) % 4

    def size(self) -> tuple[float, float]:
        """Width and height of the page as displayed, /Rotate applied."""
        width, height = round(self.right - self.left, 2), round(self.top - self.bottom, 2)
        return (height, width) if self.rotation % 2 else (width, height)

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) on the displayed page of a user-space rectangle."""
        if self.rotation == 1:  # shown turned 90° clockwise: user-space left edge is on top
            return bottom - self.bottom, left - self.left, top - self.bottom, right - self.left
        if self.rotation == 2:
            return self.right - right, bottom - self.bottom, self.right - left, top - self.bottom
        if self.rotation == 3:
            return self.top - top, self.right - right, self.top - bottom, self.right - left
        return left - self.left, self.top - top, right - self.left, self.top - bottom


def read_page(page: ctypes.c_void_p, frame: Frame) -> PageText | None:
    text_page = pdfium_c.FPDFText_LoadPage(page)
    if not text_page:
        return None
    table = None
    try:
        if _marklint_lines is not None and char_records is _compiled_records:
            glyphs, (table, decodable, undecodable, turned) = [], _table(text_page, frame)
        else:
            glyphs, decodable, undecodable, turned = _glyphs(text_page, frame)
    finally:
        pdfium_c.FPDFText_ClosePage(text_page)
    strikes, rules, has_image = page_objects(ctypes.cast(page, ctypes.c_void_p).value, frame)
    strikes.sort()
    rules.sort()
    return PageText(glyphs, strikes, decodable, undecodable, has_image, turned, rules, table)


@functools.lru_cache(maxsize=1024)
def _decode_name(raw: bytes) -> str:
    # Chinese producers write font names such as 宋体 as GBK bytes in /BaseFont.
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _plain(function: object, restype: object, *argtypes: object) -> Callable[..., Any]:
    """``function`` with a prototype of plain C types: no argument conversion and no pointer cast per call,
    which counts when it is called for every glyph of a page."""
    return ctypes.cast(function, ctypes.CFUNCTYPE(restype, *argtypes))  # type: ignore[arg-type]


_count_chars = _plain(pdfium_c.FPDFText_CountChars, ctypes.c_int, ctypes.c_void_p)
_unicode_of = _plain(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint, ctypes.c_void_p, ctypes.c_int)
_is_generated = _plain(pdfium_c.FPDFText_IsGenerated, ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
_text_object_address = _plain(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_loose_box = _plain(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)

#: A character record: index, Unicode value, text object address (0: none), whether PDFium gave a box, and
#: the box's left, bottom, right and top in user space. ``_marklint_chars`` packs records in this layout.
RECORD = struct.Struct("=iIQiffff")
_Record = tuple[int, int, int, int, float, float, float, float]


def _python_records(page_address: int) -> list[_Record]:
    """The page's character records through ctypes: line breaks and PDFium's own spaces left out (it
    generates only spaces and line breaks, and neither is on the page; a line-end hyphen it flags is a
    drawn glyph, so it stays)."""
    unicode_of, is_generated, object_of, loose_box = _unicode_of, _is_generated, _text_object_address, _loose_box
    rect = pdfium_c.FS_RECTF()
    rect_address = ctypes.addressof(rect)
    records: list[_Record] = []
    for index in range(_count_chars(page_address)):
        code = unicode_of(page_address, index)
        if code == 0x0D or code == 0x0A or (code == 0x20 and is_generated(page_address, index)):
            continue
        text_object = object_of(page_address, index) or 0
        if loose_box(page_address, index, rect_address):
            records.append((index, code, text_object, 1, rect.left, rect.bottom, rect.right, rect.top))
        else:
            records.append((index, code, text_object, 0, 0.0, 0.0, 0.0, 0.0))
    return records


def _compiled_records(page_address: int) -> Iterable[_Record]:
    """The same records, read by the compiled helper in one call."""
    return RECORD.iter_unpack(_marklint_chars.records(page_address))


def _address(function: object) -> int:
    return ctypes.cast(function, ctypes.c_void_p).value or 0


def _glyphs(text_page: ctypes.c_void_p, frame: Frame) -> tuple[list[Glyph], int, int, bool]:
    """The page's drawn glyphs, how many are decodable and undecodable, and whether the text objects
    run in more than one direction."""
    page_address = ctypes.cast(text_page, ctypes.c_void_p).value
    glyphs: list[Glyph] = []
    append = glyphs.append
    decodable = undecodable = 0
    # Font, size, colour, angle and the Unicode-map check belong to the text object: asked once per object.
    last_object: int | None = None
    look: _Look = (None, 0.0, None)
    size = flat = 0.0
    map_error, angle = False, 0
    angles: set[int] = set()
    # The usual page is not rotated: its boxes are mapped inline (the same arithmetic as Frame.box).
    upright, page_left, page_top = frame.rotation == 0, frame.left, frame.top
    for index, code, text_object, has_box, left, bottom, right, top in char_records(page_address):
        if text_object != last_object or not text_object:
            last_object = text_object
            look, map_error, angle = _object_look(page_address, index)
            size = look[1]
            flat = 0.1 * max(size, 1.0)
            angles.add(angle)
        if not has_box:
            continue
        if 0x20 <= code < 0xD800:  # the usual glyph: neither a control code, a surrogate nor private use
            char, bad = chr(code), map_error
        elif code < _CONTROL_LIMIT or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            char, bad = "\ufffd", True  # a control code is a raw glyph code; a lone surrogate is no text
        else:
            char = chr(code)
            bad = map_error or code == 0xFFFD or 0xE000 <= code <= 0xF8FF
        if upright:
            x0, x1 = left - page_left, right - page_left
            y0, y1 = page_top - top, page_top - bottom
        else:
            x0, y0, x1, y1 = frame.box(left, bottom, right, top)
        if y1 - y0 < flat:
            # A font without ascent/descent gives a flat box: rebuild it from the size.
            middle = (y0 + y1) / 2
            y0, y1 = middle - 0.6 * size, middle + 0.4 * size
        is_space = code in _SPACE_CODES  # the same as char in _SPACES, without comparing strings
        if not is_space:
            if bad:
                undecodable += 1
            else:
                decodable += 1
        # make_glyph, written out: a call per glyph would cost more than these stores.
        glyph = Glyph()
        glyph.char = char
        glyph.x0 = x0
        glyph.top = y0
        glyph.x1 = x1
        glyph.bottom = y1
        glyph.look = look
        glyph.is_space = is_space
        glyph.angle = angle
        glyph.struck = False
        glyph.middle = (y0 + y1) * 0.5
        append(glyph)
    return glyphs, decodable, undecodable, len(angles) > 1


def _table(text_page: ctypes.c_void_p, frame: Frame) -> tuple[GlyphTable, int, int, bool]:
    """What ``_glyphs`` finds, built by ``_marklint_lines`` from the compiled records into a GlyphTable: the
    same glyphs without a Glyph object each (pdf_lines.page_units reads the table in C too)."""
    page_address = ctypes.cast(text_page, ctypes.c_void_p).value
    data, looks, chars, decodable, undecodable, turned = _marklint_lines.glyphs(
        _marklint_chars.records(page_address), frame.rotation, frame.left, frame.bottom, frame.right, frame.top,
        _object_look, page_address)
    return GlyphTable(data, looks, chars), decodable, undecodable, turned


_has_map_error = _plain(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
_font_info = _plain(pdfium_c.FPDFText_GetFontInfo, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p,
                    ctypes.c_ulong, ctypes.c_void_p)
_char_matrix = _plain(pdfium_c.FPDFText_GetMatrix, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
_font_size = _plain(pdfium_c.FPDFText_GetFontSize, ctypes.c_double, ctypes.c_void_p, ctypes.c_int)
_fill_color = _plain(pdfium_c.FPDFText_GetFillColor, ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                     *(ctypes.c_void_p,) * 4)
# Out-parameters of the calls above, reused (one page is read at a time in a process).
_NAME = ctypes.create_string_buffer(256)
_FLAGS = ctypes.c_int()
_MATRIX = pdfium_c.FS_MATRIX()
_RGBA = (ctypes.c_uint * 4)()
_NAME_AT, _FLAGS_AT, _MATRIX_AT = ctypes.addressof(_NAME), ctypes.addressof(_FLAGS), ctypes.addressof(_MATRIX)
_RGBA_AT = tuple(ctypes.addressof(_RGBA) + i * ctypes.sizeof(ctypes.c_uint) for i in range(4))


#: What PDFium says of a text object: its Unicode-map error, font name (bytes, None when unknown), whether a
#: matrix was found and its a, c and d, the font size, whether a fill colour was found and its red, green and
#: blue. ``_marklint_chars.look`` asks the same five functions and returns the same tuple.
_RawLook = tuple[int, bytes | None, int, float, float, float, float, int, int, int, int]


def _python_look(page_address: int, index: int) -> _RawLook:
    """What PDFium says of the text object that draws glyph ``index``, asked through ctypes."""
    map_error = _has_map_error(page_address, index)
    length = _font_info(page_address, index, _NAME_AT, len(_NAME), _FLAGS_AT)
    name = _NAME.value if 0 < length <= len(_NAME) and _NAME.value else None
    has_matrix = 1 if _char_matrix(page_address, index, _MATRIX_AT) else 0
    a, c, d = (_MATRIX.a, _MATRIX.c, _MATRIX.d) if has_matrix else (0.0, 0.0, 0.0)
    size = _font_size(page_address, index)
    has_color = 1 if _fill_color(page_address, index, *_RGBA_AT) else 0
    red, green, blue = (_RGBA[0], _RGBA[1], _RGBA[2]) if has_color else (0, 0, 0)
    return map_error, name, has_matrix, a, c, d, size, has_color, red, green, blue


def _object_look(page_address: int, index: int) -> tuple[_Look, bool, int]:
    """The look of the text object that draws glyph ``index``, whether its font lacks a usable Unicode map
    (then all its glyphs fail), and its angle in whole degrees."""
    raw = raw_look(page_address, index)
    if raw[3] == 0.0 or raw[6] == 0.0:
        # 0.0 and -0.0 are one key to the cache, yet atan2 and round tell them apart: worked out afresh.
        return _look_of.__wrapped__(raw)
    return _look_of(raw)


@functools.lru_cache(maxsize=4096)
def _look_of(raw: _RawLook) -> tuple[_Look, bool, int]:
    """The look, map error and angle from what PDFium said: text objects of one run of text say the same,
    so each distinct answer is worked out once."""
    map_error, name, has_matrix, a, c, d, font_size, has_color, red, green, blue = raw
    font = _decode_name(name) if name else None
    scale, angle = 1.0, 0
    if has_matrix:
        # The size in Tf times the text matrix scale: producers that write ``1 Tf`` scale the matrix.
        scale = math.hypot(c, d) or 1.0
        # The rotation PDFium reports as the character angle, read off the same matrix.
        angle = round(math.degrees(math.atan2(c, a))) % 360
    size = round(font_size * scale, 2)
    color = f"{red:02X}{green:02X}{blue:02X}" if has_color else None
    return (font, size, color), bool(map_error), angle


_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


# The object walk's calls with prototypes of plain C types (``_plain``): a page of a Word export draws some
# thirty objects, each asked its type, and pypdfium2's typed prototypes convert every argument and result.
_count_objects = _plain(pdfium_c.FPDFPage_CountObjects, ctypes.c_int, ctypes.c_void_p)
_page_object = _plain(pdfium_c.FPDFPage_GetObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_object_type = _plain(pdfium_c.FPDFPageObj_GetType, ctypes.c_int, ctypes.c_void_p)
_object_bounds = _plain(pdfium_c.FPDFPageObj_GetBounds, ctypes.c_int, ctypes.c_void_p, *(ctypes.c_void_p,) * 4)
_object_matrix = _plain(pdfium_c.FPDFPageObj_GetMatrix, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_form_count = _plain(pdfium_c.FPDFFormObj_CountObjects, ctypes.c_int, ctypes.c_void_p)
_form_object = _plain(pdfium_c.FPDFFormObj_GetObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong)
_IMAGE, _PATH, _FORM = pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM


_Lines = list[tuple[float, float, float]]


def _python_objects(page_address: int, frame: Frame) -> tuple[_Lines, _Lines, bool]:
    """The page's thin horizontal and vertical paths (unsorted) and whether it draws an image, found by
    walking its objects through ctypes."""
    scan = _ObjectScan(frame)
    scan.page(page_address)
    return scan.strikes, scan.rules, scan.has_image


def _compiled_objects(page_address: int, frame: Frame) -> tuple[_Lines, _Lines, bool]:
    """The same, walked by the compiled helper in one call."""
    return _marklint_chars.objects(page_address, frame.rotation, frame.left, frame.bottom, frame.right, frame.top,
                                   STRIKE_MAX_THICKNESS, _IMAGE, _PATH, _FORM, MAX_PAGE_OBJECTS, MAX_FORM_DEPTH)


class _ObjectScan:
    """Walks a page's objects, into Form XObjects, collecting thin horizontal paths (strike-through
    candidates, as (y, x0, x1) on the displayed page) and noting whether any image is drawn."""

    def __init__(self, frame: Frame) -> None:
        self.frame = frame
        self.strikes: list[tuple[float, float, float]] = []
        self.rules: list[tuple[float, float, float]] = []  # table rules between cells
        self.has_image = False
        self.budget = MAX_PAGE_OBJECTS
        self._corners = tuple(ctypes.c_float() for _ in range(4))
        self._corners_at = tuple(ctypes.addressof(corner) for corner in self._corners)
        self._matrix = pdfium_c.FS_MATRIX()
        self._matrix_at = ctypes.addressof(self._matrix)

    def page(self, address: int) -> None:
        count = _count_objects(address)
        self._walk([_page_object(address, i) for i in range(min(count, self.budget))], _IDENTITY, MAX_FORM_DEPTH)

    def _walk(self, objects: list[int | None], matrix: _Matrix, depth: int) -> None:
        for obj in objects:
            if self.budget <= 0:
                return
            self.budget -= 1
            kind = _object_type(obj)
            if kind == _IMAGE:
                self.has_image = True
            elif kind == _PATH:
                self._path(obj, matrix)
            elif kind == _FORM and depth > 0:
                # Objects inside a form are in the form's space: its matrix maps them onto the parent's.
                inner = matrix
                if _object_matrix(obj, self._matrix_at):
                    m = self._matrix
                    inner = _concat((m.a, m.b, m.c, m.d, m.e, m.f), matrix)
                count = min(_form_count(obj), self.budget)
                self._walk([_form_object(obj, i) for i in range(max(count, 0))], inner, depth - 1)

    def _path(self, obj: int | None, matrix: _Matrix) -> None:
        left, bottom, right, top = self._corners
        if not _object_bounds(obj, *self._corners_at):
            return
        xs, ys = [], []
        for x, y in ((left.value, bottom.value), (left.value, top.value), (right.value, bottom.value),
                     (right.value, top.value)):
            a, b, c, d, e, f = matrix
            xs.append(a * x + c * y + e)
            ys.append(b * x + d * y + f)
        x0, y0, x1, y1 = self.frame.box(min(xs), min(ys), max(xs), max(ys))
        height, width = y1 - y0, x1 - x0
        if height <= STRIKE_MAX_THICKNESS and width >= max(1.0, 3 * height):
            self.strikes.append(((y0 + y1) / 2, x0, x1))
        elif width <= STRIKE_MAX_THICKNESS and height >= max(1.0, 3 * width):
            self.rules.append(((x0 + x1) / 2, y0, y1))


def _concat(first: _Matrix, then: _Matrix) -> _Matrix:
    """The matrix that applies ``first`` and then ``then`` (PDF row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = first
    a2, b2, c2, d2, e2, f2 = then
    return (
        a1 * a2 + b1 * c2, a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2,
    )


try:
    from marklint.parsers import compiled

    _marklint_chars = compiled.load("_marklint_chars")  # ImportError when not built, or built from other source
    _marklint_chars.bind(*(_address(f) for f in (
        _count_chars, _unicode_of, _is_generated, _text_object_address, _loose_box,
        _has_map_error, _font_info, _char_matrix, _font_size, _fill_color)))
    char_records: Callable[[int], Iterable[_Record]] = _compiled_records
    raw_look: Callable[[int, int], _RawLook] = _marklint_chars.look
    _marklint_chars.bind_objects(*(_address(f) for f in (
        _count_objects, _page_object, _object_type, _object_bounds, _object_matrix, _form_count, _form_object)))
    page_objects: Callable[[int, Frame], tuple[_Lines, _Lines, bool]] = _compiled_objects
except ImportError:  # installed without a C compiler: the same records and looks, a few times slower
    char_records = _python_records
    raw_look = _python_look
    page_objects = _python_objects
try:
    _marklint_lines: ModuleType | None = compiled.load("_marklint_lines")
except ImportError:  # not built: _glyphs builds Glyph objects and pdf_lines groups them in Python
    _marklint_lines = None
