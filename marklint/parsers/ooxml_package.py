"""Safe reading of an OOXML package (a ZIP of XML parts) under marklint's safety limits.

Every member is read through a size-capped stream, every XML part through an lxml parser that
resolves no entities, loads no DTD and touches no network. A part that declares a DTD at all is refused
before the parser sees a byte of it (XXE and billion-laughs defence that does not depend on the libxml2
version's own entity limits), and again from the parsed tree. Limit breaches raise ``NotExamined``.
"""

from __future__ import annotations

import posixpath
import struct
import zipfile
from collections.abc import Iterator, Sequence
from typing import IO

from lxml import etree

from marklint.errors import NotExamined
from marklint.limits import Limits, MiB

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

OVER_LIMIT = "over a safety limit"
#: libxml2 refuses deeper nesting by itself unless huge_tree is set.
LIBXML_MAX_DEPTH = 256
#: The smallest element (``<a/>``) takes 4 bytes: a part smaller than 4 x the element limit is safe.
MIN_ELEMENT_BYTES = 4
CHUNK_BYTES = 64 * 1024
#: The prolog (declaration, comments, processing instructions) before the root element is looked at up to
#: this many bytes for a DTD; a longer prolog is refused.
MAX_PROLOG_BYTES = MiB
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_COUNT = 0xFFFF

_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def w(local: str) -> str:
    """The Clark name of a WordprocessingML element or attribute."""
    return f"{{{W_NS}}}{local}"


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
    message = str(exc)
    if "Excessive depth" in message:
        return NotExamined(OVER_LIMIT, "XML depth")
    if "huge" in message.lower():
        return NotExamined(OVER_LIMIT, f"XML node size in {part}")
    return NotExamined("corrupt", f"XML syntax error in {part}")


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


class Package:
    """The members of one open ZIP, read under the limits."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits) -> None:
        self.limits = limits
        self.total_read = 0
        self._zip = archive
        infos = archive.infolist()
        if len(infos) > limits.max_zip_members:
            raise NotExamined(OVER_LIMIT, f"{len(infos)} ZIP members")
        self._members = {info.filename: info for info in infos}
        # OPC part names compare case-insensitively.
        self._folded = {name.lower(): name for name in self._members}
        self._parser = etree.XMLParser(**_PARSER_OPTIONS)

    def member(self, name: str) -> str | None:
        """The ZIP member name of part ``name``, or None when the package has no such part."""
        if name in self._members:
            return name
        return self._folded.get(name.lower())

    def _open(self, name: str) -> _CappedReader:
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
        return _CappedReader(self, self._zip.open(info), min(info.file_size, remaining), name)

    def read(self, name: str) -> bytes:
        """The whole content of member ``name`` (an exact member name)."""
        reader = self._open(name)
        try:
            chunks = []
            while chunk := reader.read(CHUNK_BYTES):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            reader.close()

    def xml(self, part: str) -> etree._Element | None:
        """The parsed root of XML part ``part``, or None when the package has no such part."""
        name = self.member(part)
        if name is None:
            return None
        data = self.read(name)
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
        """Relationship id -> (type, target part name) of part ``source`` ("" for the package)."""
        folder, base = posixpath.split(source)
        root = self.xml(posixpath.join(folder, "_rels", f"{base}.rels"))
        out: dict[str, tuple[str, str]] = {}
        if root is None:
            return out
        for rel in root.iter(f"{{{PKG_REL_NS}}}Relationship"):
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

    ``root`` is the document element once the first element has been yielded (or the part ended)."""

    def __init__(self, package: Package, part: str, tags: Sequence[str]) -> None:
        self._package = package
        self._name = part
        self._tags = tags
        self.root: etree._Element | None = None
        # Depth and element limits are checked per yielded block only when libxml2 does not do it.
        self.size = package._members[part].file_size

    def __iter__(self) -> Iterator[etree._Element]:
        reader = self._package._open(self._name)
        parser = etree.XMLPullParser(events=("end",), tag=self._tags, **_PARSER_OPTIONS)
        try:
            prolog = b""
            while True:
                chunk = reader.read(CHUNK_BYTES)
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
