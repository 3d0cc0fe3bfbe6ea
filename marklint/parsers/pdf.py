"""Read a PDF's page 1 and last page into text lines rebuilt from PDFium's glyphs.

The marking stands on page 1 and the issue date (成文日期, 版记) on the last page, so only those pages are
loaded: a 500-page PDF costs about what a 2-page one does. Lines are rebuilt from glyph positions rather
than taken from PDFium's text stream, because the stream carries spaces and line breaks that PDFium
invents (``机密★5 年`` where the page shows ``机密★5年``) and ML103 must judge the page, not the extractor.
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import logging
import math
import mmap
import os
import re
import zlib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2  # noqa: F401  (importing it initialises the PDFium library that pypdfium2.raw calls)
import pypdfium2.raw as pdfium_c

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.model import Document, PageGeometry, Status, StyleSpan, TextUnit

#: A gap wider than this many ems between two glyphs of one font, with no space glyph, reads as a space
#: (producers that place each word on its own and draw no space glyphs).
SPACE_GAP_EM = 0.8
#: A gap wider than this many ems splits a line into two units (a 版记 row: 印发机关 ... 印发日期).
SPLIT_GAP_EM = 4.0
#: A strike-through is a horizontal path no thicker than this (LibreOffice strokes 1.2 pt lines, whose
#: bounds are 2.4 pt high; Word fills thin rectangles).
STRIKE_MAX_THICKNESS = 3.0
#: ... crossing a glyph between these fractions of its box height, counted from the bottom (an
#: underline sits near 0.15, an overline near 1.0).
STRIKE_BAND = (0.3, 0.7)
#: Page 1 counts as having no text layer when more than this share of its glyphs is undecodable.
UNDECODABLE_SHARE = 0.5
#: Page objects examined for strike-through lines and images; a vector drawing may hold far more.
MAX_PAGE_OBJECTS = 50_000
#: Form XObjects nest; strike-through lines and images inside them are looked for this deep.
MAX_FORM_DEPTH = 4
#: Glyphs more than this many degrees off the page's main text direction (a diagonal watermark) are
#: kept out of the horizontal lines and read as their own units.
OFF_AXIS_DEGREES = 3.0
#: Longest XMP packet that is parsed.
MAX_XMP_BYTES = 1024 * 1024
#: Inflated in pieces of this size when a page's streams are measured.
INFLATE_CHUNK = 1024 * 1024
#: The most deflate can expand its input (RFC 1951: 258 bytes from about 2 bits).
FLATE_MAX_RATIO = 1032
#: Page tree levels descended at most to find a page (a loop in the tree ends there).
MAX_TREE_DEPTH = 64
#: Font dictionary entries whose streams PDFium decodes to read a page's text.
_FONT_STREAMS = ("/FontFile", "/FontFile2", "/FontFile3")

#: Info dictionary keys read by name (PDFium lists none: a key not named here is not read).
STANDARD_INFO_KEYS = (
    "Title", "Author", "Subject", "Keywords", "Creator", "Producer", "CreationDate", "ModDate",
)
#: Custom Info keys that carry a classification in the wild (document systems, WPS, vendors' DLP tools).
CLASSIFICATION_INFO_KEYS = (
    "密级", "保密期限", "知悉范围", "保密级别", "秘密等级", "密级标志", "文件密级", "SecurityLevel", "Security Level",
    "Classification", "ClassificationLevel", "SecurityClassification", "Security", "SecLevel",
)

_SPACES = (" ", "\u3000", "\u00a0")
_CONTROL_LIMIT = 0x20


@dataclass(slots=True)
class _Glyph:
    """One drawn character, its box in points from the displayed page's top-left."""

    char: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str | None
    color: str | None
    is_space: bool
    angle: int  # whole degrees, 0-359
    struck: bool = False

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class _Page:
    glyphs: list[_Glyph]
    decodable: int  # non-space glyphs with a usable Unicode value
    undecodable: int
    has_image: bool


def parse(path: Path, display_path: str, limits: Limits) -> Document:
    """Read page 1 and the last page of a PDF, or raise NotExamined (encrypted, corrupt)."""
    try:
        return _parse(path, display_path, limits)
    except NotExamined:
        raise
    except Exception as exc:  # malformed input must never crash the scan
        raise NotExamined("corrupt", type(exc).__name__) from exc


def pages_to_read(page_count: int, limits: Limits) -> list[int]:
    """0-based indices of the pages read: the first ``max_pdf_pages_read - 1`` pages and the last."""
    budget = max(1, limits.max_pdf_pages_read)
    if budget == 1 or page_count == 1:
        return [0]
    head = list(range(min(budget - 1, page_count)))
    return head + ([page_count - 1] if page_count - 1 not in head else [])


def _parse(path: Path, display_path: str, limits: Limits) -> Document:
    pdf = pdfium_c.FPDF_LoadDocument(os.fsencode(path) + b"\0", None)
    if not pdf:
        raise _load_error(pdfium_c.FPDF_GetLastError())
    try:
        page_count = pdfium_c.FPDF_GetPageCount(pdf)
        if page_count < 1:
            raise NotExamined("corrupt", "no pages")
        doc = Document(path=display_path, format="pdf", page_count=page_count)
        indices = pages_to_read(page_count, limits)
        # PDFium inflates a page's streams whole when it loads the page: a bomb is measured first, unless
        # the whole file is too small to inflate past the limit (Flate expands at most 1032 to 1).
        oversized = {}
        if os.path.getsize(path) * FLATE_MAX_RATIO > limits.max_pdf_stream_bytes:
            oversized = _oversized_pages(path, indices, page_count, limits.max_pdf_stream_bytes)
        for index in indices:
            if index in oversized:
                if index == 0:
                    raise NotExamined("over a safety limit", oversized[index])
                doc.status, doc.reason = Status.PARTIAL, f"over a safety limit: {oversized[index]}"
                continue
            page = pdfium_c.FPDF_LoadPage(pdf, index)
            if not page:
                if index == 0:
                    raise NotExamined("corrupt", "page 1 cannot be loaded")
                doc.status, doc.reason = Status.PARTIAL, f"corrupt: page {index + 1} cannot be loaded"
                continue
            try:
                frame = _Frame(page)
                if index == 0:
                    doc.geometry = PageGeometry(*frame.size())
                read = _read_page(page, frame)
            finally:
                pdfium_c.FPDF_ClosePage(page)
            if read is None:
                if index == 0:
                    raise NotExamined("corrupt", "page 1 has an unreadable text layer")
                doc.status, doc.reason = Status.PARTIAL, f"corrupt: page {index + 1} has an unreadable text layer"
                continue
            units = _units(read.glyphs, index + 1, limits)
            if index == 0:
                doc.no_text = _no_text(read)
                if doc.no_text:
                    # Read, but the marking place could not be: not complete (ML902 reports it).
                    doc.status, doc.reason = Status.PARTIAL, "no text layer"
                units = units[: limits.max_body_units_kept]
            elif index == page_count - 1:
                units = units[-limits.max_tail_units_kept :] if limits.max_tail_units_kept > 0 else []
            doc.units.extend(units)
        _mark_running_lines(doc)
        doc.properties = _metadata(pdf, path)
        return doc
    finally:
        pdfium_c.FPDF_CloseDocument(pdf)


#: Share of the page height at the top and bottom where running headers and footers stand.
RUNNING_BAND = 0.15


def _mark_running_lines(doc: Document) -> None:
    """Lines that repeat at the same place in the top or bottom band of the first and last pages are a
    running header or footer: a PDF keeps no parts, so repetition is the evidence."""
    if doc.geometry is None or (doc.page_count or 1) < 2:
        return
    height, last = doc.geometry.height, doc.page_count

    def band(unit: TextUnit) -> str | None:
        top = unit.bbox[1] if unit.bbox else height / 2
        return "header" if top < height * RUNNING_BAND else "footer" if top > height * (1 - RUNNING_BAND) else None

    def repeats(unit: TextUnit, page: int | None) -> bool:
        return any(other.page == page and other.text.strip() == unit.text.strip() and other.bbox and unit.bbox
                   and abs(other.bbox[1] - unit.bbox[1]) < 3 for other in doc.units)

    for position, unit in enumerate(doc.units):
        part = band(unit) if unit.page in (1, last) else None
        if part and repeats(unit, last if unit.page == 1 else 1):
            doc.units[position] = replace(unit, part=part)


def _oversized_pages(path: Path, indices: list[int], page_count: int, limit: int) -> dict[int, str]:
    """The pages (0-based, among ``indices``) whose content streams, forms, embedded fonts and CMaps inflate
    to more than ``limit`` bytes together, with what was measured. Counted through pypdf piece by piece,
    never held: a 1 MiB stream can inflate to 1 GiB, which PDFium would allocate at once. A file pypdf
    cannot read is left to PDFium unmeasured."""
    try:
        import pypdf
    except ImportError:
        return {}
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    over: dict[int, str] = {}
    try:
        with open(path, "rb") as handle:
            reader = _reader(pypdf, handle)
            if reader.is_encrypted:
                reader.decrypt("")
            pages = reader.trailer["/Root"].get_object()["/Pages"]
            for index in indices:
                try:
                    page, resources = _page_at(pages, index, page_count)
                    size = _StreamMeter(limit).page(page, resources) if page is not None else 0
                except Exception:
                    continue  # a damaged page: PDFium judges it
                if size > limit:
                    over[index] = f"page {index + 1} content, fonts and forms inflate to over {limit} bytes"
    except Exception:
        pass  # pypdf cannot read what PDFium may: unmeasured
    return over


def _reader(pypdf: object, handle: object) -> object:
    """A pypdf reader, strict first: the lenient one checks every cross-reference entry, which costs in
    proportion to the number of objects (tens of milliseconds on a 2,000-page file)."""
    try:
        return pypdf.PdfReader(handle, strict=True)  # type: ignore[attr-defined]
    except Exception:
        handle.seek(0)  # type: ignore[attr-defined]
        return pypdf.PdfReader(handle, strict=False)  # type: ignore[attr-defined]


class _StreamMeter:
    """Adds up the inflated size of the streams PDFium decodes to load a page and read its text, stopping
    as soon as the total passes the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0
        self._seen: set[int] = set()

    def page(self, page: dict, inherited: object) -> int:
        contents = _resolve(page.get("/Contents"))
        for stream in contents if isinstance(contents, list) else [contents]:
            self._stream(stream)
        self._resources(page.get("/Resources", inherited), MAX_FORM_DEPTH)
        return self.total

    def _resources(self, resources: object, depth: int) -> None:
        resources = _resolve(resources)
        if not isinstance(resources, dict) or self.total > self.limit:
            return
        fonts = _resolve(resources.get("/Font"))
        for font in fonts.values() if isinstance(fonts, dict) else ():
            self._font(_resolve(font), 2)
        objects = _resolve(resources.get("/XObject"))
        for xobject in objects.values() if isinstance(objects, dict) else ():
            xobject = _resolve(xobject)
            is_form = isinstance(xobject, dict) and xobject.get("/Subtype") == "/Form" and depth > 0
            if is_form and self._stream(xobject):
                self._resources(xobject.get("/Resources"), depth - 1)  # type: ignore[union-attr]

    def _font(self, font: object, depth: int) -> None:
        if not isinstance(font, dict) or depth <= 0:
            return
        self._stream(font.get("/ToUnicode"))
        descriptor = _resolve(font.get("/FontDescriptor"))
        if isinstance(descriptor, dict):
            for key in _FONT_STREAMS:
                self._stream(descriptor.get(key))
        descendants = _resolve(font.get("/DescendantFonts"))
        for descendant in descendants if isinstance(descendants, list) else ():
            self._font(_resolve(descendant), depth - 1)

    def _stream(self, stream: object) -> bool:
        """Count one stream once; False when it was counted before (a form that draws itself)."""
        stream = _resolve(stream)
        raw = getattr(stream, "_data", None)
        if not isinstance(raw, bytes) or id(stream) in self._seen or self.total > self.limit:
            return False
        self._seen.add(id(stream))
        filters = _resolve(stream.get("/Filter"))  # type: ignore[union-attr]
        first = _resolve(filters[0]) if isinstance(filters, list) and filters else filters
        if first in ("/FlateDecode", "/Fl"):
            self.total += _inflated_size(raw, self.limit - self.total)
        else:
            self.total += len(raw)  # other filters do not amplify like Flate (LZW is left to PDFium)
        return True


def _page_at(pages: object, index: int, total: int) -> tuple[dict | None, object]:
    """Page ``index`` of a page tree of ``total`` pages and the /Resources it inherits, found by descending
    through the /Count of its nodes from the nearer end: a few objects for the first and the last page,
    where pypdf's ``reader.pages`` would parse every page of a long document first."""
    from_end = index >= total // 2
    position = total - 1 - index if from_end else index
    node = _resolve(pages)
    inherited = None
    for _ in range(MAX_TREE_DEPTH):
        kids = _resolve(node.get("/Kids")) if isinstance(node, dict) else None
        if not isinstance(kids, list):
            return None, None
        inherited = node.get("/Resources", inherited)  # type: ignore[union-attr]
        for kid in reversed(kids) if from_end else kids:
            kid = _resolve(kid)
            if not isinstance(kid, dict):
                continue
            size = int(_resolve(kid.get("/Count", 1))) if "/Kids" in kid else 1  # type: ignore[call-overload]
            if position < size:
                if "/Kids" not in kid:
                    return kid, inherited
                node = kid
                break
            position -= size
        else:
            return None, None
    return None, None


def _resolve(value: object) -> object:
    return value.get_object() if hasattr(value, "get_object") else value


def _inflated_size(data: bytes, budget: int) -> int:
    """How many bytes zlib ``data`` inflates to, counted up to just past ``budget``, one piece at a time."""
    inflater = zlib.decompressobj()
    total = 0
    pending = data
    try:
        while total <= budget:
            piece = inflater.decompress(pending, INFLATE_CHUNK)
            pending = inflater.unconsumed_tail
            total += len(piece)
            if not piece:
                break
    except zlib.error:
        pass  # damaged after this point: PDFium stops there too
    return total


def _load_error(code: int) -> NotExamined:
    if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return NotExamined("encrypted", "a password is needed to open it")
    if code == pdfium_c.FPDF_ERR_FILE:
        return NotExamined("unreadable", "cannot open the file")
    if code == pdfium_c.FPDF_ERR_FORMAT:
        return NotExamined("corrupt", "not a readable PDF structure")
    return NotExamined("corrupt", f"PDFium error {code}")


def _no_text(page: _Page) -> bool:
    if page.decodable + page.undecodable == 0:
        return page.has_image
    return page.undecodable > UNDECODABLE_SHARE * (page.decodable + page.undecodable)


# --- glyphs ------------------------------------------------------------------------------------------------


class _Frame:
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


def _read_page(page: ctypes.c_void_p, frame: _Frame) -> _Page | None:
    text_page = pdfium_c.FPDFText_LoadPage(page)
    if not text_page:
        return None
    try:
        glyphs, decodable, undecodable = _glyphs(text_page, frame)
    finally:
        pdfium_c.FPDFText_ClosePage(text_page)
    scan = _ObjectScan(frame)
    scan.page(page)
    _mark_struck(glyphs, scan.strikes)
    return _Page(glyphs, decodable, undecodable, scan.has_image)


def _decode_name(raw: bytes) -> str:
    # Chinese producers write font names such as 宋体 as GBK bytes in /BaseFont.
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


#: FPDFText_GetTextObject answering a plain address, so that telling text objects apart costs no cast.
_text_object_address = ctypes.cast(
    pdfium_c.FPDFText_GetTextObject, ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
)


def _glyphs(text_page: ctypes.c_void_p, frame: _Frame) -> tuple[list[_Glyph], int, int]:
    count = pdfium_c.FPDFText_CountChars(text_page)
    is_generated, unicode_of, loose_box = (pdfium_c.FPDFText_IsGenerated, pdfium_c.FPDFText_GetUnicode,
                                           pdfium_c.FPDFText_GetLooseCharBox)
    rect, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    glyphs: list[_Glyph] = []
    decodable = undecodable = 0
    # Font, size and colour belong to the text object, so they are fetched once per object.
    last_object: int | None = None
    font: str | None = None
    size = 0.0
    color: str | None = None
    map_error, angle = False, 0
    for i in range(count):
        if is_generated(text_page, i):
            continue  # PDFium's own spaces and line breaks: never on the page
        # A line-end hyphen PDFium flags (FPDFText_IsHyphen) is a drawn glyph, so it stays.
        code = unicode_of(text_page, i)
        if code in (0x0D, 0x0A):
            continue
        text_object = _text_object_address(text_page, i)
        new_object = text_object is None or text_object != last_object
        if new_object:
            # A font without a usable Unicode map fails for all its glyphs: asked once per text object.
            map_error = bool(pdfium_c.FPDFText_HasUnicodeMapError(text_page, i))
            angle = round(math.degrees(pdfium_c.FPDFText_GetCharAngle(text_page, i))) % 360
        bad = code < _CONTROL_LIMIT or code == 0xFFFD or 0xE000 <= code <= 0xF8FF or map_error
        if code < _CONTROL_LIMIT or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            char, bad = "\ufffd", True  # a control code is a raw glyph code; a lone surrogate is no text
        else:
            char = chr(code)
        if new_object:
            last_object = text_object
            length = pdfium_c.FPDFText_GetFontInfo(text_page, i, name, len(name), flags)
            font = _decode_name(name.value) if 0 < length <= len(name) and name.value else None
            # The size in Tf times the text matrix scale: producers that write ``1 Tf`` scale the matrix.
            scale = 1.0
            if pdfium_c.FPDFText_GetMatrix(text_page, i, matrix):
                scale = math.hypot(matrix.c, matrix.d) or 1.0
            size = round(pdfium_c.FPDFText_GetFontSize(text_page, i) * scale, 2)
            if pdfium_c.FPDFText_GetFillColor(text_page, i, red, green, blue, alpha):
                color = f"{red.value:02X}{green.value:02X}{blue.value:02X}"
            else:
                color = None
        if not loose_box(text_page, i, rect):
            continue
        x0, top, x1, bottom = frame.box(rect.left, rect.bottom, rect.right, rect.top)
        if bottom - top < 0.1 * max(size, 1.0):
            # A font without ascent/descent gives a flat box: rebuild it from the size.
            middle = (top + bottom) / 2
            top, bottom = middle - 0.6 * size, middle + 0.4 * size
        is_space = char in _SPACES
        if not is_space:
            if bad:
                undecodable += 1
            else:
                decodable += 1
        glyphs.append(_Glyph(char, x0, top, x1, bottom, size, font, color, is_space, angle))
    return glyphs, decodable, undecodable


_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


class _ObjectScan:
    """Walks a page's objects, into Form XObjects, collecting thin horizontal paths (strike-through
    candidates, as (y, x0, x1) on the displayed page) and noting whether any image is drawn."""

    def __init__(self, frame: _Frame) -> None:
        self.frame = frame
        self.strikes: list[tuple[float, float, float]] = []
        self.has_image = False
        self.budget = MAX_PAGE_OBJECTS
        self._corners = tuple(ctypes.c_float() for _ in range(4))
        self._matrix = pdfium_c.FS_MATRIX()

    def page(self, page: ctypes.c_void_p) -> None:
        count = pdfium_c.FPDFPage_CountObjects(page)
        self._walk([pdfium_c.FPDFPage_GetObject(page, i) for i in range(min(count, self.budget))],
                   _IDENTITY, MAX_FORM_DEPTH)

    def _walk(self, objects: list[ctypes.c_void_p], matrix: _Matrix, depth: int) -> None:
        for obj in objects:
            if self.budget <= 0:
                return
            self.budget -= 1
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                self.has_image = True
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                self._path(obj, matrix)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth > 0:
                # Objects inside a form are in the form's space: its matrix maps them onto the parent's.
                inner = matrix
                if pdfium_c.FPDFPageObj_GetMatrix(obj, self._matrix):
                    m = self._matrix
                    inner = _concat((m.a, m.b, m.c, m.d, m.e, m.f), matrix)
                count = min(pdfium_c.FPDFFormObj_CountObjects(obj), self.budget)
                self._walk([pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(max(count, 0))], inner,
                           depth - 1)

    def _path(self, obj: ctypes.c_void_p, matrix: _Matrix) -> None:
        left, bottom, right, top = self._corners
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
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


def _concat(first: _Matrix, then: _Matrix) -> _Matrix:
    """The matrix that applies ``first`` and then ``then`` (PDF row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = first
    a2, b2, c2, d2, e2, f2 = then
    return (
        a1 * a2 + b1 * c2, a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2,
    )


def _mark_struck(glyphs: list[_Glyph], strikes: list[tuple[float, float, float]]) -> None:
    if not strikes:
        return
    strikes.sort()
    heights = [y for y, _, _ in strikes]
    low, high = STRIKE_BAND
    for glyph in glyphs:
        height = glyph.bottom - glyph.top
        # Display y grows downwards: the band's fractions are counted up from the glyph's bottom.
        first = bisect.bisect_left(heights, glyph.bottom - high * height)
        last = bisect.bisect_right(heights, glyph.bottom - low * height)
        centre = (glyph.x0 + glyph.x1) / 2
        glyph.struck = any(x0 <= centre <= x1 for _, x0, x1 in strikes[first:last])


# --- lines and units ---------------------------------------------------------------------------------------


def _lines(glyphs: list[_Glyph]) -> list[list[_Glyph]]:
    """Glyphs grouped into lines, top to bottom, each left to right.

    A glyph joins a line when its middle lies within the line's band and the line's first middle lies
    within the glyph's box: tolerant of mixed sizes on one baseline and of a ★ from another font drawn
    slightly higher, while a large glyph from a neighbouring line does not pull lines together."""
    lines: list[list[_Glyph]] = []
    band_top = band_bottom = anchor = 0.0
    for glyph in sorted(glyphs, key=lambda g: (g.middle, g.x0)):
        if lines and band_top <= glyph.middle <= band_bottom and glyph.top <= anchor <= glyph.bottom:
            lines[-1].append(glyph)
            band_top, band_bottom = min(band_top, glyph.top), max(band_bottom, glyph.bottom)
        else:
            lines.append([glyph])
            band_top, band_bottom, anchor = glyph.top, glyph.bottom, glyph.middle
    for line in lines:
        line.sort(key=lambda g: g.x0)
    return lines


def _segments(line: list[_Glyph]) -> list[list[_Glyph]]:
    """One line's glyphs as units: split at very wide gaps, spaces collapsed and inferred from gaps."""
    units: list[list[_Glyph]] = []
    current: list[_Glyph] = []
    pending: list[_Glyph] = []  # space glyphs since the last visible glyph
    previous: _Glyph | None = None
    for glyph in line:
        if glyph.is_space:
            if current:
                pending.append(glyph)
            continue
        if previous is not None:
            em = max(previous.size, glyph.size, 1.0)
            gap = glyph.x0 - previous.x1
            if gap > SPLIT_GAP_EM * em:
                units.append(current)
                current = []
            else:
                space = _space_between(previous, glyph, pending, gap > SPACE_GAP_EM * em)
                if space is not None:
                    current.append(space)
        pending = []
        current.append(glyph)
        previous = glyph
    if current:
        units.append(current)
    return units


def _space_between(left: _Glyph, right: _Glyph, spaces: list[_Glyph], wide_gap: bool) -> _Glyph | None:
    """The one space that stands between two visible glyphs, if any."""
    # LibreOffice draws space glyphs under the neighbouring glyphs of an underlined run; a space that
    # leaves no gap on the page is not a space.
    seen = [s for s in spaces if not _hidden(s, left, right)]
    if seen:
        first, last = seen[0], seen[-1]
        return _Glyph(first.char, first.x0, first.top, last.x1, first.bottom, first.size, first.font,
                      first.color, True, first.angle, all(s.struck for s in seen))
    if wide_gap and left.font == right.font:
        # Only within one font: Word, WPS and LibreOffice leave small gaps where ★ or a digit comes
        # from another font, and those must never read as spaces.
        return _Glyph(" ", left.x1, left.top, right.x0, left.bottom, left.size, left.font, left.color, True,
                      left.angle, left.struck and right.struck)
    return None


def _hidden(space: _Glyph, left: _Glyph, right: _Glyph) -> bool:
    width = space.x1 - space.x0
    if width <= 0.05:
        return False  # a zero-width space glyph is still a space typed in the content
    overlap = max(_overlap(space, left), _overlap(space, right))
    return overlap > 0.5 * width


def _overlap(a: _Glyph, b: _Glyph) -> float:
    return max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0))


def _runs_off_axis(glyphs: list[_Glyph]) -> tuple[list[_Glyph], list[list[_Glyph]]]:
    """Split glyphs into those on the page's main text direction and runs of rotated ones (watermarks)."""
    if not glyphs:
        return [], []
    main = Counter(g.angle for g in glyphs).most_common(1)[0][0]
    upright: list[_Glyph] = []
    runs: list[list[_Glyph]] = []
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


def _units(glyphs: list[_Glyph], page_number: int, limits: Limits) -> list[TextUnit]:
    upright, rotated = _runs_off_axis(glyphs)
    pieces = [segment for line in _lines(upright) for segment in _segments(line)]
    pieces.extend(rotated)
    units = []
    for line_number, piece in enumerate(pieces, start=1):
        while piece and piece[-1].is_space:
            piece.pop()
        piece = piece[: max(limits.max_unit_chars, 0)]
        if piece:
            units.append(_unit(piece, page_number, line_number))
    return units


def _unit(glyphs: list[_Glyph], page_number: int, line_number: int) -> TextUnit:
    text = "".join(g.char for g in glyphs)
    spans: list[StyleSpan] = []
    start = 0
    for i in range(1, len(glyphs) + 1):
        if i == len(glyphs) or _style(glyphs[i]) != _style(glyphs[start]):
            font, size, struck, color = _style(glyphs[start])
            spans.append(StyleSpan(start, i, font, size, struck, color))
            start = i
    boxes = tuple((g.x0, g.top, g.x1, g.bottom) for g in glyphs)
    bbox = (
        round(min(g.x0 for g in glyphs), 2), round(min(g.top for g in glyphs), 2),
        round(max(g.x1 for g in glyphs), 2), round(max(g.bottom for g in glyphs), 2),
    )
    return TextUnit(text=text, part="body", page=page_number, line=line_number, bbox=bbox,
                    spans=tuple(spans), char_boxes=boxes)


def _style(glyph: _Glyph) -> tuple[str | None, float, bool, str | None]:
    return glyph.font, glyph.size, glyph.struck, glyph.color


# --- metadata ----------------------------------------------------------------------------------------------


def _metadata(pdf: ctypes.c_void_p, path: Path) -> dict[str, str]:
    """Info entries by name, Microsoft Purview label entries, and the XMP packet's simple properties."""
    xmp, purview = _raw_metadata(path)
    properties: dict[str, str] = {}
    for key in (*STANDARD_INFO_KEYS, *CLASSIFICATION_INFO_KEYS, *purview):
        value = _meta_text(pdf, key)
        if value:
            properties[f"info:{key}"] = value
    with contextlib.suppress(Exception):  # metadata is a bonus: a file whose text was read is kept
        properties.update(_xmp(xmp))
    return properties


def _meta_text(pdf: ctypes.c_void_p, key: str) -> str:
    tag = key.encode("utf-8") + b"\0"
    length = pdfium_c.FPDF_GetMetaText(pdf, tag, None, 0)
    if length <= 2:
        return ""
    buffer = ctypes.create_string_buffer(length)
    pdfium_c.FPDF_GetMetaText(pdf, tag, buffer, length)
    return buffer.raw[: length - 2].decode("utf-16-le", errors="replace").strip()


PURVIEW_KEY = re.compile(rb"/(MSIP_Label_[0-9A-Fa-f-]{8,40}_(?:Enabled|Name|Method|SetDate|SiteId))")


def _raw_metadata(path: Path) -> tuple[bytes, list[str]]:
    """The XMP packet and the names of Purview label entries, found in the file's bytes.

    PDFium has no XMP call and cannot list Info keys, and a PDF parser that could costs more than the
    rest of the file's reading. The metadata stream is meant to stay uncompressed so that tools find it
    this way (ISO 32000-1, 14.3.2); the last packet is the document's (earlier ones may be images'). An
    Info dictionary or packet inside a compressed object stream is not seen."""
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        keys: list[str] = []
        at = data.find(b"/MSIP_Label_")
        while at >= 0 and len(keys) < 20:
            match = PURVIEW_KEY.match(data, at)
            if match and match.group(1).decode("ascii") not in keys:
                keys.append(match.group(1).decode("ascii"))
            at = data.find(b"/MSIP_Label_", at + 1)
        start = data.rfind(b"<x:xmpmeta")
        end = data.find(b"</x:xmpmeta>", start, start + MAX_XMP_BYTES) if start >= 0 else -1
        packet = data[start: end + len(b"</x:xmpmeta>")] if end > 0 else b""
    return packet, keys


#: Usual prefixes of the XMP namespaces, so keys do not depend on the prefix a producer chose.
_XMP_PREFIXES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/pdfx/1.3/": "pdfx",
    "http://www.aiim.org/pdfa/ns/id/": "pdfaid",
}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _xmp(data: bytes) -> dict[str, str]:
    """Simple XMP properties (text values, and the items of Alt/Seq/Bag) as ``xmp:<prefix:name>``."""
    if not data:
        return {}
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    root = etree.fromstring(data[max(data.find(b"<"), 0) :], parser)  # lxml refuses a leading BOM or blank
    found: dict[str, str] = {}
    for description in root.iter(f"{{{_RDF}}}Description"):
        for attribute, value in description.attrib.items():
            key = _xmp_key(attribute, description.nsmap)
            if key and value.strip():
                found.setdefault(key, value.strip())
        for element in description:
            if not isinstance(element.tag, str):
                continue
            key = _xmp_key(element.tag, element.nsmap)
            items = [li.text.strip() for li in element.iter(f"{{{_RDF}}}li") if li.text and li.text.strip()]
            value = "; ".join(items) if items else (element.text or "").strip()
            if key and value and len(element) <= 1:
                found.setdefault(key, value)
    return found


def _xmp_key(tag: str, nsmap: dict[str | None, str]) -> str | None:
    if not tag.startswith("{"):
        return None
    namespace, name = tag[1:].split("}", 1)
    if namespace in (_RDF, "http://www.w3.org/XML/1998/namespace"):
        return None
    prefix = _XMP_PREFIXES.get(namespace)
    prefix = prefix or next((p for p, uri in nsmap.items() if uri == namespace and p), None)
    return f"xmp:{prefix or namespace}:{name}"
