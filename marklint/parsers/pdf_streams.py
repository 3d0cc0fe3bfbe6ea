"""Measuring a PDF page's streams before PDFium loads it: a decompression bomb is refused, not allocated.

PDFium inflates a page's content streams, forms, embedded fonts and CMaps whole when it loads the page
and reads its text; a 1 MiB stream can inflate to 1 GiB. pypdf reaches just those streams (through the
page tree's /Count, from the nearer end) and they are inflated piece by piece and counted, never held.
"""

from __future__ import annotations

import functools
import io
import mmap
import re
import zlib
from collections.abc import Callable, Iterator
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


#: A stream's /Filter: an array of names, one name, or a reference (the value may stand in a compressed
#: object stream, out of sight of a scan of the raw bytes).
_FILTER_VALUE = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+|\d+\s+\d+\s+R)")
_FLATE_NAMES = (b"FlateDecode", b"Fl")
#: Filters that expand more than they shrink; LZW and RunLength are never measured by the raw scan.
_EXPANDING = (*_FLATE_NAMES, b"LZWDecode", b"LZW", b"RunLengthDecode", b"RL")


def _filter_values(data: bytes | mmap.mmap, offsets: list[int] | None = None) -> Iterator[re.Match[bytes]]:
    """``_FILTER_VALUE.finditer(data)``, with the word found by ``find`` first: the regular expression engine
    walks a whole file byte by byte, the C library's memmem skips ahead. ``offsets``: every place the word
    stands, found already (PdfBytes); one inside a value matched before is passed over, as finditer does."""
    if offsets is not None:
        end = 0
        for at in offsets:
            match = _FILTER_VALUE.match(data, at) if at >= end else None
            if match:
                end = match.end()
                yield match
        return
    at = find(data, b"/Filter")
    while at >= 0:
        match = _FILTER_VALUE.match(data, at)
        at = find(data, b"/Filter", match.end() if match else at + 1)
        if match:
            yield match


def _python_find(data: bytes | mmap.mmap, needle: bytes, start: int = 0) -> int:
    return data.find(needle, start)


def _python_rfind(data: bytes | mmap.mmap, needle: bytes) -> int:
    return data.rfind(needle)


def _python_name_offsets(data: bytes | mmap.mmap, names: tuple[bytes, ...],
                         most: tuple[int, ...]) -> tuple[list[int], ...]:
    """For each name its offsets in ``data``, ascending, at most ``most`` of them (``_marklint_chars``
    finds them all in one pass)."""
    found = []
    for name, cap in zip(names, most, strict=True):
        offsets: list[int] = []
        at = data.find(name) if cap > 0 else -1
        while at >= 0 and len(offsets) < cap:
            offsets.append(at)
            at = data.find(name, at + 1)
        found.append(offsets)
    return tuple(found)


try:
    from marklint.parsers import compiled

    _marklint_chars = compiled.load("_marklint_chars")  # ImportError when not built, or built from other source
    # The C library's memmem: a whole file's bytes are searched for a word, three or four times faster than
    # bytes.find and bytes.rfind search them.
    find: Callable[..., int] = _marklint_chars.find
    rfind: Callable[[bytes | mmap.mmap, bytes], int] = _marklint_chars.rfind
    name_offsets: Callable[..., tuple[list[int], ...]] = _marklint_chars.name_offsets
except ImportError:
    find, rfind, name_offsets = _python_find, _python_rfind, _python_name_offsets


#: Names the readers of a PDF look for in its bytes: stream filters and encryption (streams_within), Purview
#: labels, object streams and a metadata stream (pdf_metadata), attachments (embedded.attach_pdf). They all
#: start with a slash, so one pass finds them all (``name_offsets``).
SIGNS = (b"/Filter", b"/Encrypt", b"/MSIP_Label_", b"/ObjStm", b"/Metadata", b"/EmbeddedFile", b"/FileAttachment")


class PdfBytes:
    """A PDF's bytes, mapped once for every reader that searches them, and where the SIGNS stand: every
    /Filter of a file small enough for streams_within to read them all, the first of each other name. The
    names are looked for when first asked: a search maps every page of the file, which a file over the
    stream limit is refused without."""

    def __init__(self, data: mmap.mmap, limit: int) -> None:
        self.data = data
        self.small = len(data) * FLATE_MAX_RATIO <= limit
        self._found: tuple[list[int], ...] | None = None

    def _offsets(self) -> tuple[list[int], ...]:
        if self._found is None:
            most = (len(self.data) if self.small else 0, *(1,) * (len(SIGNS) - 1))
            self._found = name_offsets(self.data, SIGNS, most)
        return self._found

    @property
    def filters(self) -> list[int]:
        """Where /Filter stands, in a small file (empty in another)."""
        return self._offsets()[0]

    def at(self, name: bytes) -> int:
        """Where ``name`` (one of SIGNS but /Filter) first stands, or -1."""
        offsets = self._offsets()[SIGNS.index(name)]
        return offsets[0] if offsets else -1

    def names(self, *names: bytes) -> bool:
        """Whether any of ``names`` (among SIGNS, not /Filter) stands in the file."""
        return any(self.at(name) >= 0 for name in names)


def _filters_beyond_raw_scan(data: bytes | mmap.mmap, within_one_flate: bool, offsets: list[int] | None = None) -> bool:
    """Whether some stream's filters can expand in a way the raw scan does not count: a filter by reference,
    LZW or RunLength, Flate applied more than once, and (``within_one_flate`` False) Flate data under another
    encoding such as ASCII85, whose zlib header the raw scan cannot see. With ``within_one_flate`` the file is
    small enough that one Flate cannot pass the limit, so only what expands beyond one Flate counts. ``offsets``:
    where /Filter stands, found already (PdfBytes)."""
    for match in _filter_values(data, offsets):
        value = match.group(1)
        # Files repeat a few values (/FlateDecode on every stream): a short one is judged once.
        judge = _value_expands_beyond if len(value) <= _CACHED_VALUE_BYTES else _value_expands_beyond.__wrapped__
        if judge(value, within_one_flate):
            return True
    return False


#: /Filter values at most this long are cached by _value_expands_beyond (a hostile one can run to the file's end).
_CACHED_VALUE_BYTES = 64


@functools.lru_cache(maxsize=256)
def _value_expands_beyond(value: bytes, within_one_flate: bool) -> bool:
    """``_filters_beyond_raw_scan`` of one /Filter value."""
    if value[:1].isdigit() or re.search(rb"\d\s+R", value):
        return True
    names = re.findall(rb"/([^\s/\[\]]+)", value)
    expanding = [name for name in names if name in _EXPANDING]
    if any(name not in _FLATE_NAMES for name in expanding) or len(expanding) > 1:
        return True
    return bool(expanding and len(names) > 1 and not within_one_flate)


def streams_within(file: PdfBytes, limit: int) -> bool:
    """Whether no page of the PDF can reach ``limit`` bytes of decoded streams, so its pages need no measure:
    a file too small to inflate past the limit through one Flate (which expands at most FLATE_MAX_RATIO to
    1) and with no filter that expands further, or one the raw scan (``inflates_within``) clears."""
    if file.small:
        return not _filters_beyond_raw_scan(file.data, True, file.filters)
    return len(file.data) <= limit and _inflates_within(file.data, limit, file.at(b"/Encrypt"))


def inflates_within(path: Path, limit: int) -> bool:
    """``_inflates_within`` of the file at ``path``."""
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return _inflates_within(data, limit, None)


def _inflates_within(data: mmap.mmap, limit: int, encrypt_at: int | None) -> bool:
    """Whether no page can reach ``limit`` bytes: the file's bytes plus what each of its zlib streams inflates
    to come to no more than ``limit``. Found by a scan of the raw bytes, without parsing the file: every
    stream PDFium decodes follows a ``stream`` keyword in them (a stream cannot sit inside an object stream),
    and its data starts after the keyword's line. This spares most files the page-by-page measure through
    pypdf (and importing pypdf). False where it cannot tell: an encrypted file, whose streams do not inflate
    until decrypted, filters the scan cannot count (``_filters_beyond_raw_scan``), or a total over the limit.
    ``encrypt_at``: where /Encrypt first stands, found already (PdfBytes), or None to look for it here."""
    if len(data) > limit:
        return False
    if (find(data, b"/Encrypt") if encrypt_at is None else encrypt_at) >= 0 or _filters_beyond_raw_scan(data, False):
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


def _inflated_size(view: memoryview, start: int, budget: int, stages: int = 1) -> int:
    """What the zlib stream starting at ``start`` inflates to, counted up to just past ``budget``, one piece at
    a time: neither its input nor its output is ever held whole. With ``stages`` above 1 the stream is Flate
    applied several times (``/Filter [/FlateDecode /FlateDecode]``): each stage's output feeds the next, and
    the last stage's output is counted, since that is what PDFium allocates."""
    inflaters = [zlib.decompressobj() for _ in range(max(stages, 1))]
    counted = [0]
    position = start
    try:
        while counted[0] <= budget and not inflaters[0].eof and position < len(view):
            piece = view[position:position + _SCAN_INPUT_BYTES]
            position += len(piece)
            _feed(inflaters, 0, piece, counted, budget)
        for stage in range(len(inflaters)):  # what each inflater still holds once its input has ended
            _feed(inflaters, stage, b"", counted, budget)
    except zlib.error:
        pass  # damaged after this point: PDFium stops there too
    return counted[0]


def _feed(inflaters: list, stage: int, data: bytes | memoryview, counted: list[int], budget: int) -> None:
    """Pass ``data`` through inflater ``stage`` and the ones after it in pieces of at most INFLATE_CHUNK,
    adding what the last one gives to ``counted[0]``; stops as soon as that passes ``budget``."""
    if stage == len(inflaters):
        counted[0] += len(data)
        return
    inflater = inflaters[stage]
    pending = data
    while counted[0] <= budget and not inflater.eof:
        piece = inflater.decompress(pending, INFLATE_CHUNK)  # with no input left, what zlib still holds
        pending = inflater.unconsumed_tail
        if piece:
            _feed(inflaters, stage + 1, piece, counted, budget)
        elif not pending:
            break


def oversized_pages(path: Path, indices: list[int], page_count: int, limit: int) -> dict[int, str]:
    """The pages (0-based, among ``indices``) whose content streams, forms, embedded fonts and CMaps inflate
    to more than ``limit`` bytes together, with what was measured. Counted piece by piece, never held: a
    1 MiB stream can inflate to 1 GiB, which PDFium would allocate at once. pypdf finds the streams; one it
    will not read (a declared length past its own cap, a length that lies) is measured from the file's bytes.
    Called only for a file the raw scan could not clear, so a page that cannot be measured at all (a page
    tree or a file pypdf cannot read) is refused too: PDFium must never inflate what nobody measured."""
    over: dict[int, str] = {}
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        try:
            reader = open_reader(handle)
            pages = reader.trailer["/Root"].get_object()["/Pages"]
        except Exception:
            reader = pages = None
        for index in indices:
            try:
                page, resources = _page_at(pages, index, page_count) if reader is not None else (None, None)
                if page is None:
                    raise _Unmeasurable("not found")
                with memoryview(data) as view:
                    size = _StreamMeter(limit, reader, view).page(page, resources)
            except Exception:
                over[index] = f"page {index + 1} content, fonts and forms cannot be measured against {limit} bytes"
                continue
            if size > limit:
                over[index] = f"page {index + 1} content, fonts and forms inflate to over {limit} bytes"
    return over


class _Unmeasurable(Exception):
    """A stream the meter cannot find or read: its page is refused rather than left to PDFium unmeasured."""


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
    """Adds up the decoded size of the streams PDFium decodes to load a page and read its text, stopping
    as soon as the total passes the limit."""

    def __init__(self, limit: int, reader: Any, data: memoryview) -> None:
        self.limit = limit
        self.reader = reader
        self.data = data  # the file's bytes, for the streams pypdf will not read
        self.total = 0
        self._seen: set[object] = set()

    def page(self, page: dict, inherited: object) -> int:
        contents = page.get("/Contents")
        listed = None if self._in_file(contents) else _resolve(contents)  # an array of streams, or a stream
        for stream in listed if isinstance(listed, list) else [contents]:
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
            form = self._stream(xobject, "/Form") if depth > 0 else None
            if form is not None:
                self._resources(form.get("/Resources"), depth - 1)

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

    def _stream(self, stream: object, subtype: str | None = None) -> dict | None:
        """Count one stream once (only when its /Subtype is ``subtype``, where given) and return its dictionary;
        None when it was counted before (a form that draws itself), is no stream or is of another subtype."""
        if stream is None:
            return None
        key = (stream.idnum, stream.generation) if hasattr(stream, "idnum") else id(stream)
        if key in self._seen or self.total > self.limit:
            return None
        self._seen.add(key)
        budget = self.limit - self.total
        if self._in_file(stream):
            # Read from the file's bytes, never through pypdf, which refuses a declared length past its cap,
            # trusts one that lies, and skips a stream's trailing white space a byte at a time.
            dictionary, start = self._raw_dictionary(stream)
            if start < 0 or (subtype is not None and dictionary.get("/Subtype") != subtype):
                return None
            self.total += self._raw_size(dictionary, start, budget)
            return dictionary
        try:
            resolved = _resolve(stream)  # encrypted: only pypdf decrypts it
        except Exception as exc:
            raise _Unmeasurable("pypdf cannot read the stream") from exc
        raw = getattr(resolved, "_data", None)
        if not isinstance(raw, bytes) or (subtype is not None and resolved.get("/Subtype") != subtype):
            return None
        filters = _filters(resolved)
        if not filters:
            self.total += len(raw)
        elif all(name in _FLATE for name in filters):
            with memoryview(raw) as view:
                self.total += _inflated_size(view, 0, budget, len(filters))
        else:
            self.total += _decoded_size(resolved, len(raw), budget)
        return resolved

    def _offset(self, stream: object) -> int | None:
        """Where an indirect object starts in the file, from the cross-reference table (None: not there)."""
        idnum, generation = getattr(stream, "idnum", None), getattr(stream, "generation", 0)
        offset = self.reader.xref.get(generation, {}).get(idnum) if idnum is not None else None
        return offset if isinstance(offset, int) and 0 <= offset < len(self.data) else None

    def _in_file(self, stream: object) -> bool:
        """Whether ``stream`` is an indirect object standing in the file as a dictionary (so a stream, read from
        the file's bytes), in a file that is not encrypted."""
        offset = self._offset(stream)
        if offset is None or self.reader.is_encrypted:
            return False
        head = bytes(self.data[offset:offset + _MAX_DICTIONARY_BYTES])
        after = head.find(b"obj")
        return after >= 0 and head[after + 3:].lstrip(_WHITESPACE).startswith(b"<<")

    def _raw_dictionary(self, stream: object) -> tuple[dict, int]:
        """The dictionary of a stream object pypdf will not read, parsed from the file's bytes at the object's
        cross-reference offset, and where its data starts."""
        from pypdf.generic import DictionaryObject

        offset = self._offset(stream)
        if offset is None:
            raise _Unmeasurable("no offset")
        window = bytes(self.data[offset:offset + _MAX_DICTIONARY_BYTES])
        opening = window.find(b"<<")
        keyword = window.find(b"stream", opening)  # the first after the dictionary opens: the data may hold more
        if opening < 0:
            raise _Unmeasurable("no dictionary")
        end = window.find(b"endobj", opening)
        if keyword < 0 or 0 <= end < keyword:  # a dictionary with no stream: nothing to decode
            return DictionaryObject.read_from_stream(io.BytesIO(window[opening:end]), self.reader), -1
        dictionary = DictionaryObject.read_from_stream(io.BytesIO(window[opening:keyword]), self.reader)
        line = window[keyword + len(b"stream"):keyword + len(b"stream") + _STREAM_LINE_BYTES]
        newline = line.find(b"\n")
        start = keyword + len(b"stream") + (newline + 1 if newline >= 0 else len(line) - len(line.lstrip(_WHITESPACE)))
        return dictionary, offset + start

    def _raw_size(self, dictionary: dict, start: int, budget: int) -> int:
        """The decoded size of a stream measured from the file's bytes from ``start``: its data runs to the next
        ``endstream`` (as PDFium reads a stream whose length is wrong), looked for no further than the budget."""
        end = self.data.obj.find(b"endstream", start, start + budget + _MAX_DICTIONARY_BYTES)
        end = end if end >= 0 else min(len(self.data), start + budget + _MAX_DICTIONARY_BYTES)
        filters = _filters(dictionary)
        if not filters:
            return end - start
        if all(name in _FLATE for name in filters):
            return _inflated_size(self.data[:end], start, budget, len(filters))
        if end - start > budget:
            return end - start  # other filters shrink or expand little: already over
        from pypdf.generic import StreamObject

        decoded = StreamObject.initialize_from_dictionary({**dictionary, "__streamdata__": bytes(self.data[start:end])})
        return _decoded_size(decoded, end - start, budget)


#: Filter names of Flate, full and abbreviated.
_FLATE = ("/FlateDecode", "/Fl")
#: A stream's dictionary is looked for within this many bytes of its object's offset.
_MAX_DICTIONARY_BYTES = 64 * 1024


def _filters(stream: object) -> list[object]:
    filters = _resolve(stream.get("/Filter"))  # type: ignore[union-attr]
    if isinstance(filters, list):
        return [_resolve(name) for name in filters]
    return [filters] if filters is not None else []


def _decoded_size(stream: Any, raw_size: int, budget: int) -> int:
    """The size of a stream through filters other than Flate alone (ASCII85 then Flate, LZW, RunLength),
    decoded by pypdf, whose decoders stop at its own cap (75 MB): a stream that reaches it is counted as over
    the budget. One pypdf cannot decode at all (an unknown filter) PDFium cannot either: counted as stored."""
    from pypdf.errors import LimitReachedError

    try:
        return len(stream.get_data())
    except LimitReachedError:
        return budget + 1
    except Exception:
        return raw_size


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
