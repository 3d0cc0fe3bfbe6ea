"""Measuring a PDF page's streams before PDFium loads it: a decompression bomb is refused, not allocated.

PDFium inflates a page's content streams, forms, embedded fonts and CMaps whole when it loads the page
and reads its text; a 1 MiB stream can inflate to 1 GiB. pypdf reaches just those streams (through the
page tree's /Count, from the nearer end) and they are inflated piece by piece and counted, never held.
"""

from __future__ import annotations

import mmap
import zlib
from pathlib import Path
from typing import Any, BinaryIO

from marklint.parsers.pdf_glyphs import MAX_FORM_DEPTH

#: Inflated in pieces of this size when a page's streams are measured.
INFLATE_CHUNK = 1024 * 1024
#: The most deflate can expand its input (RFC 1951: 258 bytes from about 2 bits).
FLATE_MAX_RATIO = 1032
#: Page tree levels descended at most to find a page (a loop in the tree ends there).
MAX_TREE_DEPTH = 64
#: Font dictionary entries whose streams PDFium decodes to read a page's text.
_FONT_STREAMS = ("/FontFile", "/FontFile2", "/FontFile3")


#: Bytes after the ``stream`` keyword within which its line ends (producers put the line break right after it).
_STREAM_LINE_BYTES = 256
_WHITESPACE = b" \t\r\n\f\x00"


def inflates_within(path: Path, limit: int) -> bool:
    """Whether no page can reach ``limit`` bytes: the file's bytes plus what each of its zlib streams inflates
    to come to no more than ``limit``. Found by a scan of the raw bytes, without parsing the file: every
    stream PDFium decodes follows a ``stream`` keyword in them (a stream cannot sit inside an object stream),
    and its data starts after the keyword's line. This spares most files the page-by-page measure through
    pypdf (and importing pypdf). False where it cannot tell: an encrypted file, whose streams do not inflate
    until decrypted, or a total over the limit."""
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data.find(b"/Encrypt") >= 0:
            return False
        total = len(data)  # bounds every stream that is stored or not Flate (counted as stored, as the meter does)
        with memoryview(data) as view:
            at = data.find(b"stream")
            while at >= 0 and total <= limit:
                if data[max(at - 3, 0):at] != b"end":
                    total += _inflated_after_keyword(data, view, at + len(b"stream"), limit - total + 1)
                at = data.find(b"stream", at + 1)
    return total <= limit


#: Input fed to the inflater at a time when streams are found by scanning: the rest of the file is never copied.
_SCAN_INPUT_BYTES = 64 * 1024


def _inflated_after_keyword(data: mmap.mmap, view: memoryview, after: int, budget: int) -> int:
    """What the zlib stream after a ``stream`` keyword inflates to, counted up to just past ``budget``; 0 where
    none starts there. Every place its data may start is tried: after the line break (PDFium skips the rest
    of the keyword's line), after a lone carriage return, and after any run of white space."""
    line = data[after:after + _STREAM_LINE_BYTES]
    starts = {after + len(line) - len(line.lstrip(_WHITESPACE))}
    newline, carriage = line.find(b"\n"), line.find(b"\r")
    if newline >= 0:
        starts.add(after + newline + 1)
    if carriage >= 0:
        starts.add(after + carriage + 1)
    largest = 0
    for start in sorted(starts):
        header = data[start:start + 2]
        # A zlib header (RFC 1950): deflate, and a check making the first two bytes a multiple of 31.
        if len(header) == 2 and header[0] & 0x0F == 8 and (header[0] << 8 | header[1]) % 31 == 0:
            largest = max(largest, _inflated_size(view, start, budget))
    return largest


def _inflated_size(view: memoryview, start: int, budget: int) -> int:
    """What the zlib stream starting at ``start`` inflates to, counted up to just past ``budget``, one piece at
    a time: neither its input nor its output is ever held whole."""
    inflater = zlib.decompressobj()
    total = 0
    position = start
    pending: bytes | memoryview = b""
    try:
        while total <= budget and not inflater.eof:
            if not pending and position < len(view):
                pending = view[position:position + _SCAN_INPUT_BYTES]
                position += len(pending)
            piece = inflater.decompress(pending, INFLATE_CHUNK)  # with no input left, what zlib still holds
            total += len(piece)
            pending = inflater.unconsumed_tail
            if not piece and not pending and position >= len(view):
                break  # the file ended inside the stream
    except zlib.error:
        pass  # damaged after this point: PDFium stops there too
    return total


def oversized_pages(path: Path, indices: list[int], page_count: int, limit: int) -> dict[int, str]:
    """The pages (0-based, among ``indices``) whose content streams, forms, embedded fonts and CMaps inflate
    to more than ``limit`` bytes together, with what was measured. Counted through pypdf piece by piece,
    never held: a 1 MiB stream can inflate to 1 GiB, which PDFium would allocate at once. A file pypdf
    cannot read is left to PDFium unmeasured."""
    over: dict[int, str] = {}
    try:
        with open(path, "rb") as handle:
            reader = open_reader(handle)
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


def open_reader(handle: BinaryIO) -> Any:
    """A pypdf reader on an open file, decrypted with the empty password when it is encrypted (what PDFium
    opens, pypdf must too). Strict first: the lenient reader checks every cross-reference entry, which
    costs in proportion to the number of objects (tens of milliseconds on a 2,000-page file)."""
    import pypdf  # only for the few files that need it: most scans never import it

    reader = _reader(pypdf, handle)
    if reader.is_encrypted:
        reader.decrypt("")
    return reader


def _reader(pypdf: Any, handle: BinaryIO) -> Any:
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
            with memoryview(raw) as view:
                self.total += _inflated_size(view, 0, self.limit - self.total)
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
