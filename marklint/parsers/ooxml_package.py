"""Safe reading of an OOXML package (a ZIP of XML parts) under marklint's safety limits.

Every member's declared sizes are checked against the limits before it is read; a plain member (stored or
deflated, its local header in order) is then inflated in one piece to at most its declared size, and any
other through zipfile's stream, capped as it comes. Every XML part goes through an lxml parser that
resolves no entities, loads no DTD and touches no network. A part that declares a DTD at all is refused
before the parser sees a byte of it (XXE and billion-laughs defence that does not depend on the libxml2
version's own entity limits), and again from the parsed tree. Limit breaches raise ``NotExamined``.
"""

from __future__ import annotations

import errno
import io
import os
import posixpath
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import IO, TypeVar

from lxml import etree

from marklint.errors import NotExamined, os_error_words
from marklint.limits import Limits, MiB

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

OVER_LIMIT = "over a safety limit"
#: libxml2 refuses deeper nesting by itself unless huge_tree is set.
LIBXML_MAX_DEPTH = 256
#: A file this small is read into memory at once: one read instead of one per ZIP structure and member.
IN_MEMORY_BYTES = 256 * 1024
#: The smallest element (``<a/>``) takes 4 bytes: a part smaller than 4 x the element limit is safe.
MIN_ELEMENT_BYTES = 4
CHUNK_BYTES = 64 * 1024
#: A deflated member up to this size is inflated into one buffer of its declared size (``_marklint_zip``).
ONE_BUFFER_BYTES = 4 * MiB
#: The prolog (declaration, comments, processing instructions) before the root element is looked at up to
#: this many bytes for a DTD; a longer prolog is refused.
MAX_PROLOG_BYTES = MiB
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_COUNT = 0xFFFF
#: The prolog is looked at in a short head first; only a part whose root element starts later is looked at
#: again up to MAX_PROLOG_BYTES (the answer for a head does not change when more bytes follow it).
_SHORT_PROLOG_BYTES = 2048
# The local file header of a ZIP member, as zipfile reads it.
_LOCAL_HEADER = struct.Struct(zipfile.structFileHeader)
_LOCAL_MAGIC = zipfile.stringFileHeader
_FLAG_UTF8_NAME = 0x800
#: Flags zipfile refuses (or decrypts) a member for: encrypted, compressed patch data, strong encryption.
_FLAGS_NOT_PLAIN = 0x1 | 0x20 | 0x40
#: A member is read in one piece only when its compressed data is at most this much larger than its content
#: (deflate adds a few bytes per block; a lying compressed size falls back to zipfile's chunked reading).
_MAX_COMPRESSED_EXCESS = 64 * 1024

_RELATIONSHIP = f"{{{PKG_REL_NS}}}Relationship"
_MISSING = object()
T = TypeVar("T")

_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def w(local: str) -> str:
    """The Clark name of a WordprocessingML element or attribute."""
    return f"{{{W_NS}}}{local}"


def read_zip(path: Path, limits: Limits, read: Callable[[Package], T]) -> T:
    """``read`` of the package at ``path`` (a DOCX, an OFD), opened under the limits; any failure to read
    it is a NotExamined with the reason."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - read-only, closed below; only opening is "unreadable"
    except OSError as exc:
        raise NotExamined("unreadable", os_error_words(exc)) from exc
    try:
        with handle:
            source: IO[bytes] = handle
            if os.fstat(handle.fileno()).st_size <= IN_MEMORY_BYTES:
                source = _FileInMemory(handle.read())
            check_member_count(source, limits)
            with zipfile.ZipFile(source) as archive:
                return read(Package(archive, limits, source))
    except NotExamined:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise NotExamined("corrupt", "bad ZIP archive") from exc
    except etree.XMLSyntaxError as exc:
        raise NotExamined("corrupt", "XML syntax error") from exc
    except MemoryError:
        raise  # the worker's memory ceiling, not a property of the file
    except Exception as exc:  # malformed input must never crash a scan
        raise NotExamined("corrupt", "malformed content") from exc


class _FileInMemory(io.BytesIO):
    """The bytes of a small file, read at once, that seek as the file itself does: a position before the
    start is an OSError (lseek's EINVAL), where BytesIO raises ValueError or stops at 0. What zipfile makes
    of a damaged archive depends on it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self._size = len(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        start = 0 if whence == os.SEEK_SET else self.tell() if whence == os.SEEK_CUR else self._size
        if start + offset < 0:
            raise OSError(errno.EINVAL, "Invalid argument")
        return super().seek(offset, whence)


def check_member_count(handle: IO[bytes], limits: Limits) -> None:
    """Refuse a ZIP whose end record announces too many members, before zipfile reads them all."""
    handle.seek(0, 2)
    size = handle.tell()
    tail_size = min(size, _EOCD_SIZE + 0xFFFF)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    handle.seek(0)
    at = tail.rfind(_EOCD)
    if at < 0 or at + _EOCD_SIZE > len(tail):
        return  # zipfile reports the archive as bad
    (count,) = struct.unpack("<H", tail[at + 10 : at + 12])
    if count != _ZIP64_COUNT and count > limits.max_zip_members:
        raise NotExamined(OVER_LIMIT, f"{count} ZIP members")


def prolog_state(head: bytes) -> str | None:
    """What the start of an XML part holds before its root element: "root" (no DTD), "dtd" (a DOCTYPE or
    any other markup declaration), or None when ``head`` ends before that is known."""
    # UTF-16 (and UCS-4) text of the ASCII markup differs from UTF-8 only by NUL bytes: drop them.
    text = head.replace(b"\x00", b"").decode("latin-1")
    at = 0
    while True:
        start = text.find("<", at)
        if start < 0 or start + 4 > len(text):
            return None
        if text.startswith("<!--", start):
            end = text.find("-->", start + 4)
            if end < 0:
                return None
            at = end + 3
        elif text.startswith("<?", start):
            end = text.find("?>", start + 2)
            if end < 0:
                return None
            at = end + 2
        elif text.startswith("<!", start):
            return "dtd"  # only <!DOCTYPE is allowed here, and OOXML forbids even that
        else:
            return "root"


def refuse_dtd_prolog(head: bytes, name: str, complete: bool) -> bool:
    """Raise when the prolog in ``head`` declares a DTD or is too long; False when more bytes are needed
    (``complete``: ``head`` is the whole part, so there are none)."""
    state = prolog_state(head[:_SHORT_PROLOG_BYTES]) if len(head) > _SHORT_PROLOG_BYTES else None
    if state is None:
        state = prolog_state(head)
    if state == "dtd":
        raise NotExamined("corrupt", f"DTD in {name}")
    if state is None and not complete:
        if len(head) >= MAX_PROLOG_BYTES:
            raise NotExamined("corrupt", f"XML prolog of {name} over {MAX_PROLOG_BYTES} bytes")
        return False
    return True


def syntax_error(part: str, exc: etree.XMLSyntaxError) -> NotExamined:
    """The NotExamined for an XML parse failure: a limit libxml2 enforced, or plain corruption."""
    if any(error.type == etree.ErrorTypes.ERR_NO_MEMORY for error in exc.error_log):
        raise MemoryError(f"libxml2 out of memory in {part}")  # the worker's memory ceiling, not corruption
    message = str(exc)
    if "Excessive depth" in message:
        return NotExamined(OVER_LIMIT, "XML depth")
    if "huge" in message.lower():
        return NotExamined(OVER_LIMIT, f"XML node size in {part}")
    return NotExamined("corrupt", f"XML syntax error in {part}")


class PartMemo:
    """What was made from parts' bytes alone (``Package.derived``), kept for parts seen again: documents
    made from one template share their theme, styles, settings and package relationships byte for byte,
    and parsing those costs more than reading the rest of a small document. Bounded in entries and in the
    content bytes of the parts behind them (what is kept, a parsed tree or the key's bytes, grows with
    those); the least recently used entry goes first. Per process: forked workers each fill their own."""

    def __init__(self, max_entries: int, max_bytes: int, max_part_bytes: int) -> None:
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._max_part_bytes = max_part_bytes
        self._entries: dict[Hashable, tuple[object, int]] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> object:
        """The value kept for ``key``, or ``_MISSING``."""
        with self._lock:
            entry = self._entries.pop(key, None)
            if entry is None:
                return _MISSING
            self._entries[key] = entry  # now the most recently used
            return entry[0]

    def put(self, key: Hashable, value: object, size: int) -> None:
        if size > self._max_part_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            while self._entries and (
                len(self._entries) >= self._max_entries or self._bytes + size > self._max_bytes
            ):
                _value, dropped = self._entries.pop(next(iter(self._entries)))
                self._bytes -= dropped
            self._entries[key] = (value, size)
            self._bytes += size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


#: A parsed tree takes about 13 times its XML: at most some 13 MiB per process.
PART_MEMO = PartMemo(max_entries=64, max_bytes=MiB, max_part_bytes=128 * 1024)


class _CappedReader:
    """A member stream that raises instead of returning more bytes than the limits allow.

    zipfile already stops at the declared size; this also bounds the total across members."""

    def __init__(self, package: Package, raw: IO[bytes], cap: int, name: str) -> None:
        self._package = package
        self._raw = raw
        self._cap = cap
        self._name = name
        self._got = 0

    def read(self, size: int = CHUNK_BYTES) -> bytes:
        data = self._raw.read(min(size, self._cap - self._got + 1))
        self._got += len(data)
        self._package.total_read += len(data)
        if self._got > self._cap:
            raise NotExamined(OVER_LIMIT, f"{self._name} is larger than declared or allowed")
        return data

    def close(self) -> None:
        self._raw.close()


class StoredBytes(bytes):
    """A member's stored (compressed) bytes, as they stand in a Part's key beside its declared size and CRC:
    hashed by their length alone, since the key's hash already mixes in the size and CRC and two keys with
    equal hashes are compared byte for byte. Hashing a template's parts in full for every file (Word's
    styles.xml: 14 KB stored) cost more than the lookup it served."""

    __slots__ = ()

    def __hash__(self) -> int:
        return len(self)


class Part:
    """One member of a package that has been read (``Package.part``): its name, a key that identifies its
    content (its stored bytes with how they are stored, or the content itself), and the content."""

    __slots__ = ("_cap", "_data", "_info", "_package", "key", "name", "size")

    def __init__(self, package: Package, name: str, info: zipfile.ZipInfo, cap: int, key: tuple,
                 data: bytes | None) -> None:
        self._package = package
        self.name = name
        self._info = info
        self._cap = cap
        self.key = key
        self._data = data
        self.size = info.file_size

    def data(self) -> bytes:
        """The content; inflated (or read through zipfile, with its errors) the first time it is needed."""
        if self._data is None:
            package = self._package
            data = package._inflate(self._info, self.key[1])
            if data is None:
                package.total_read -= self._info.file_size
                data = package._read_chunks(self._info, self._cap, self.name)
                # Only stored bytes that inflate exactly to the declared content stand for it.
                self.key = ("content", data)
            self._data = data
        return self._data


class Package:
    """The members of one open ZIP, read under the limits."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits, raw: IO[bytes] | None = None) -> None:
        self.limits = limits
        self.total_read = 0
        self._zip = archive
        #: The archive's own file, from which a plain stored or deflated member is read in one piece (zipfile
        #: reads it again itself when anything about the member is unusual).
        self._raw = raw
        infos = archive.infolist()
        if len(infos) > limits.max_zip_members:
            raise NotExamined(OVER_LIMIT, f"{len(infos)} ZIP members")
        self._members = {info.filename: info for info in infos}
        # OPC part names compare case-insensitively.
        self._folded = {name.lower(): name for name in self._members}
        if len(self._folded) < len(infos):
            # ZIP allows a name twice; readers differ on which copy they take (zipfile the last, others the
            # first), so the document Word shows need not be the one read here.
            seen: set[str] = set()
            for info in infos:
                if info.filename.lower() in seen:
                    raise NotExamined("ambiguous", f"the ZIP holds the part {info.filename} twice")
                seen.add(info.filename.lower())
        self._parser = etree.XMLParser(**_PARSER_OPTIONS)

    def members(self) -> list[str]:
        """Every member name of the package."""
        return list(self._members)

    def member(self, name: str) -> str | None:
        """The ZIP member name of part ``name``, or None when the package has no such part."""
        if name in self._members:
            return name
        return self._folded.get(name.lower())

    def _admit(self, name: str) -> tuple[zipfile.ZipInfo, int]:
        """The member's info and the most bytes it may yield, or raise when it must not be read."""
        info = self._members[name]
        limits = self.limits
        if info.flag_bits & 0x1:
            raise NotExamined("encrypted", f"ZIP member {name} is encrypted")
        if info.file_size > limits.max_member_bytes:
            raise NotExamined(OVER_LIMIT, f"{name} is {info.file_size} bytes uncompressed")
        if info.file_size > MiB and (
            info.compress_size <= 0 or info.file_size / info.compress_size > limits.max_compression_ratio
        ):
            raise NotExamined(OVER_LIMIT, f"{name} compression ratio")
        remaining = limits.max_total_bytes - self.total_read
        if info.file_size > remaining:
            raise NotExamined(OVER_LIMIT, "total uncompressed size of the parts read")
        return info, min(info.file_size, remaining)

    def _open(self, name: str) -> _CappedReader:
        info, cap = self._admit(name)
        return _CappedReader(self, self._zip.open(info), cap, name)

    def read(self, name: str) -> bytes:
        """The whole content of member ``name`` (an exact member name)."""
        info, cap = self._admit(name)
        compressed = self._compressed(info, cap)
        data = self._inflate(info, compressed) if compressed is not None else None
        if data is None:
            return self._read_chunks(info, cap, name)
        self.total_read += len(data)
        return data

    def _read_chunks(self, info: zipfile.ZipInfo, cap: int, name: str) -> bytes:
        """The member read through zipfile in chunks, each counted and capped as it comes."""
        reader = _CappedReader(self, self._zip.open(info), cap, name)
        try:
            chunks = []
            while chunk := reader.read(CHUNK_BYTES):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            reader.close()

    def _compressed(self, info: zipfile.ZipInfo, cap: int) -> bytes | None:
        """The stored data of a plain (stored or deflated, unencrypted) member whose local header names it,
        read in one piece; None for any other member, which zipfile then reads (and reports) itself.

        Zipfile's per-member machinery costs more than inflating a small part."""
        raw = self._raw
        if (
            raw is None
            or info.file_size > cap
            or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            or info.flag_bits & _FLAGS_NOT_PLAIN
            or info.compress_size > info.file_size + _MAX_COMPRESSED_EXCESS
        ):
            return None
        raw.seek(info.header_offset)
        header = raw.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size:
            return None
        fields = _LOCAL_HEADER.unpack(header)
        if fields[zipfile._FH_SIGNATURE] != _LOCAL_MAGIC:
            return None
        name_length = fields[zipfile._FH_FILENAME_LENGTH]
        skip = name_length + fields[zipfile._FH_EXTRA_FIELD_LENGTH]
        block = raw.read(skip + info.compress_size)
        if len(block) != skip + info.compress_size:
            return None
        name = block[:name_length]
        if name.isascii():  # ASCII reads the same in UTF-8 and in cp437
            if name.decode("ascii") != info.orig_filename:
                return None
        else:
            encoding = "utf-8" if fields[zipfile._FH_GENERAL_PURPOSE_FLAG_BITS] & _FLAG_UTF8_NAME else "cp437"
            try:
                if name.decode(encoding) != info.orig_filename:
                    return None
            except UnicodeDecodeError:
                return None
        return StoredBytes(memoryview(block)[skip:])

    @staticmethod
    def _inflate(info: zipfile.ZipInfo, compressed: bytes) -> bytes | None:
        """The content of a member from its stored data (``_compressed``), when it is exactly what zipfile
        would return without an error: the data inflates to exactly the declared size and ends its deflate
        stream, and the CRC matches. None otherwise."""
        size = info.file_size
        if info.compress_type != zipfile.ZIP_STORED:
            # The compiled inflate takes the declared size at once; a larger member (perhaps declaring more than
            # it holds) grows as Python's zlib object grows it, as it always did.
            return (inflate if size <= ONE_BUFFER_BYTES else _python_inflate)(compressed, size, info.CRC)
        if info.compress_size != size:
            return None
        data = bytes(compressed)  # plain bytes: content is hashed as content
        return data if crc32(data) == info.CRC else None

    def xml(self, part: str) -> etree._Element | None:
        """The parsed root of XML part ``part``, or None when the package has no such part."""
        found = self.part(part)
        return self.parse(found.name, found.data()) if found is not None else None

    def part(self, part: str) -> Part | None:
        """Part ``part``, read under the limits, or None when the package has no such part. Its content
        is inflated when first asked for; ``derived`` may not need it."""
        name = self.member(part)
        if name is None:
            return None
        info, cap = self._admit(name)
        compressed = self._compressed(info, cap)
        if compressed is None:
            data = self._read_chunks(info, cap, name)
            return Part(self, name, info, cap, ("content", data), data)
        # Counted now, as a read of the whole member would; taken back if zipfile has to read it after all.
        self.total_read += info.file_size
        key = ("stored", compressed, info.compress_type, info.file_size, info.CRC)
        return Part(self, name, info, cap, key, None)

    def derived(self, kind: str, part: Part | None, make: Callable[[etree._Element | None], T],
                *context: Hashable, parsed: bool = True) -> T:
        """``make`` of the parsed ``part`` (from ``Package.part``; ``make(None)`` when there is none; ``make``
        of the part itself when not ``parsed``, for a reader that parses only what it needs of it).

        ``make`` must depend on nothing but the root it is given and ``context``; its result, which callers
        must not change, is remembered for a part with the same bytes (stored and declared the same, so
        inflating to the same content) under the same limits: reading and parsing that again would succeed
        with the same tree, so neither is done again."""
        if part is None:
            return make(None)
        value = PART_MEMO.get((kind, part.key, self.limits, *context))
        if value is _MISSING:
            value = make(self.parse(part.name, part.data()) if parsed else part)  # type: ignore[arg-type]
            key = (kind, part.key, self.limits, *context)  # the content itself if zipfile had to read it
            # What is kept grows with the content (a parsed tree, the bytes in the key), not the stored size.
            size = part.size + sum(len(c[1]) for c in context if isinstance(c, tuple))
            PART_MEMO.put(key, value, size)
        return value  # type: ignore[return-value]

    def parse(self, name: str, data: bytes) -> etree._Element:
        """The parsed root of member ``name`` whose content is ``data``, with the DTD and limit checks."""
        refuse_dtd_prolog(data[:MAX_PROLOG_BYTES], name, len(data) <= MAX_PROLOG_BYTES)
        try:
            root = etree.fromstring(data, self._parser)
        except etree.XMLSyntaxError as exc:
            raise syntax_error(name, exc) from None
        self._refuse_dtd(root, name)
        self.check_subtree(root, name, len(data))
        return root

    def stream(self, part: str, tags: Sequence[str]) -> XmlStream:
        """A streaming parse of member ``part`` that yields elements with ``tags`` as they end."""
        return XmlStream(self, part, tags)

    @staticmethod
    def _refuse_dtd(element: etree._Element, name: str) -> None:
        info = element.getroottree().docinfo
        if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
            raise NotExamined("corrupt", f"DTD in {name}")

    def needs_subtree_check(self, part_bytes: int) -> bool:
        """Whether a part this large can break a depth or element limit that libxml2 does not enforce."""
        limits = self.limits
        return (
            limits.max_xml_depth < LIBXML_MAX_DEPTH
            or part_bytes > MIN_ELEMENT_BYTES * limits.max_xml_elements
        )

    def check_subtree(self, element: etree._Element, name: str, part_bytes: int, counted: int = 0) -> int:
        """Enforce the depth and element limits libxml2 does not already enforce for this part.

        Returns the elements counted (0 when the part is too small to need counting)."""
        limits = self.limits
        if limits.max_xml_depth < LIBXML_MAX_DEPTH:
            base = sum(1 for _ in element.iterancestors())
            if base + _depth(element) > limits.max_xml_depth:
                raise NotExamined(OVER_LIMIT, "XML depth")
        if part_bytes <= MIN_ELEMENT_BYTES * limits.max_xml_elements:
            return 0
        count = sum(1 for _ in element.iter())
        if counted + count > limits.max_xml_elements:
            raise NotExamined(OVER_LIMIT, f"XML elements in {name}")
        return count

    def relationships(self, source: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part name) of part ``source`` ("" for the package).

        The mapping may be shared with other packages: it must not be changed."""
        folder, base = posixpath.split(source)
        found = self.part(posixpath.join(folder, "_rels", f"{base}.rels"))
        return self.derived("rels", found, partial(_relationships, folder), folder)


def _relationships(folder: str, root: etree._Element | None) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    if root is None:
        return out
    for rel in root.iter(_RELATIONSHIP):
        target = rel.get("Target")
        if not target or rel.get("TargetMode") == "External":
            continue
        # An absolute target is from the package root, a relative one from the source's folder.
        absolute = target.startswith("/")
        path = target.lstrip("/") if absolute else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), path)
    return out


class XmlStream:
    """Iterate over the elements of one XML part as they end, holding only what the caller keeps.

    ``root`` is the document element once the first element has been yielded (or the part ended).

    A part no larger than one read chunk is parsed whole: the pull parser would be fed all of it at once and
    build the same tree before the first element is looked at, so only the parse is cheaper. Should that
    parse fail, the part is fed to the pull parser as it would have been, so a damaged part fails (or is
    partly read) exactly as before."""

    def __init__(self, package: Package, part: str, tags: Sequence[str]) -> None:
        self._package = package
        self._name = part
        self._tags = tags
        self.root: etree._Element | None = None
        # Depth and element limits are checked per yielded block only when libxml2 does not do it.
        self.size = package._members[part].file_size
        self._data: bytes | None = None

    def whole(self) -> etree._Element | None:
        """The parsed root of a part no larger than one chunk, before iterating; None for a larger part
        or one that does not parse (iterating then feeds it to the pull parser, which reports it)."""
        if self.size > CHUNK_BYTES:
            return None
        # One read returns the whole member (or fails) for the chunked reader too.
        data = self._data = self._package.read(self._name)
        refuse_dtd_prolog(data, self._name, True)
        try:
            root = etree.fromstring(data, self._package._parser)
        except etree.XMLSyntaxError:
            return None
        self._set_root(root)
        return root

    def __iter__(self) -> Iterator[etree._Element]:
        if self.size > CHUNK_BYTES:
            return self._pull(None)
        if self._data is None:
            self.whole()
        if self.root is None:
            return self._pull((self._data,))
        return (element for _event, element in etree.iterwalk(self.root, events=("end",), tag=self._tags))

    def _pull(self, chunks: Iterable[bytes] | None) -> Iterator[etree._Element]:
        """The streaming parse, of the member read in chunks or of ``chunks`` (then b"" for ever)."""
        reader = self._package._open(self._name) if chunks is None else None
        pending = iter(chunks or ())
        parser = etree.XMLPullParser(events=("end",), tag=self._tags, **_PARSER_OPTIONS)
        try:
            prolog = b""
            while True:
                chunk = reader.read(CHUNK_BYTES) if reader is not None else next(pending, b"")
                if prolog is not None:
                    # Nothing reaches the parser until the prolog is known to hold no DTD.
                    prolog += chunk
                    if not refuse_dtd_prolog(prolog, self._name, not chunk):
                        continue
                    chunk, prolog = prolog, None
                if chunk:
                    parser.feed(chunk)
                else:
                    self._set_root(parser.close())
                for _event, element in parser.read_events():
                    if self.root is None:
                        self._set_root(element.getroottree().getroot())
                    yield element
                if not chunk:
                    return
        except etree.XMLSyntaxError as exc:
            raise syntax_error(self._name, exc) from None
        finally:
            if reader is not None:
                reader.close()

    def _set_root(self, root: etree._Element) -> None:
        if self.root is None:
            Package._refuse_dtd(root, self._name)
            self.root = root


def _depth(element: etree._Element) -> int:
    """Nesting depth of ``element``'s subtree, counting ``element`` as 1 (iterative: no recursion)."""
    deepest = 0
    stack = [(element, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node)
    return deepest


def _python_inflate(stored: bytes, size: int, crc: int) -> bytes | None:
    """The content of a deflated member from its stored bytes when they inflate to exactly ``size`` bytes and
    end their deflate stream (bytes after its end are left), and the content's CRC is ``crc``; None otherwise
    (zipfile then reads the member itself and reports what is wrong)."""
    inflater = zlib.decompressobj(-15)
    try:
        data = inflater.decompress(stored, size + 1)
    except zlib.error:
        return None
    if not inflater.eof or len(data) != size:
        return None
    return data if zlib.crc32(data) == crc else None


try:
    from marklint.parsers import compiled

    _marklint_zip = compiled.load("_marklint_zip")  # ImportError when not built, or built from other source
    # The same answers: inflated into one buffer of the declared size, its CRC folded with carry-less
    # multiplication (Word's 430 KB styles.xml: 0.19 -> 0.12 ms, BENCHMARKS.md "Session 6: DOCX").
    inflate: Callable[[bytes, int, int], bytes | None] = _marklint_zip.inflate
    crc32: Callable[[bytes], int] = _marklint_zip.crc32
except ImportError:
    inflate = _python_inflate
    crc32 = zlib.crc32
