"""An OFD package (GB/T 33190-2016): a ZIP whose root holds ``OFD.xml``, read through the DOCX reader's
hardened ``Package`` (member count, size and ratio limits; no DTD, entity or network in any XML part).

Parts name each other by ``BaseLoc`` paths: one that starts with ``/`` is from the package root, any other
from the folder of the part that names it. A path that climbs out of the package is refused, never
followed: the ZIP is the whole world of an OFD.
"""

from __future__ import annotations

import functools
import posixpath
import struct
from pathlib import Path

from lxml import etree

from marklint.errors import NotExamined
from marklint.parsers.ooxml_package import Package

OFD_NS = "http://www.ofdspec.org/2016"
ROOT_PART = "OFD.xml"
#: The central directory is looked through up to this size when sniffing; a larger one is not an OFD
#: anyone writes (a real OFD has tens of members), and zipfile reports it when it is read as a DOCX.
_MAX_DIRECTORY_BYTES = 4 * 1024 * 1024
_EOCD = b"PK\x05\x06"
_ENTRY = b"PK\x01\x02"
_EOCD_SIZE = 22
_ENTRY_SIZE = 46


def is_ofd(path: Path) -> bool:
    """True for a ZIP whose central directory names ``OFD.xml`` at its root (any case), by content and
    whatever the file's name. Reads only the end of the file."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            tail_size = min(size, _EOCD_SIZE + 0xFFFF)
            handle.seek(size - tail_size)
            tail = handle.read(tail_size)
            at = tail.rfind(_EOCD)
            if at < 0 or at + _EOCD_SIZE > len(tail):
                return False
            (directory_size,) = struct.unpack_from("<I", tail, at + 12)
            # The directory ends where the end record starts (zipfile finds it there too, whatever offset
            # the record states: bytes put before an archive shift every offset).
            directory_at = size - tail_size + at - directory_size
            if directory_size > _MAX_DIRECTORY_BYTES or directory_at < 0:
                return False
            handle.seek(directory_at)
            directory = handle.read(directory_size)
    except OSError:
        return False
    at = 0
    while at + _ENTRY_SIZE <= len(directory) and directory[at : at + 4] == _ENTRY:
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", directory, at + 28)
        name = directory[at + _ENTRY_SIZE : at + _ENTRY_SIZE + name_length]
        if name.lower() == b"ofd.xml":
            return True
        at += _ENTRY_SIZE + name_length + extra_length + comment_length
    return False


def ofd(local: str) -> str:
    """The Clark name of an OFD element."""
    return f"{{{OFD_NS}}}{local}"


@functools.lru_cache(maxsize=512)  # a file names a few dozen tags, over and over
def local_name(tag: object) -> str:
    """An element's name without its namespace: writers differ in the namespace they declare (or none)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def children(element: etree._Element | None, name: str) -> list[etree._Element]:
    """The child elements called ``name``, in any namespace."""
    if element is None:
        return []
    return [child for child in element if local_name(child.tag) == name]


def child(element: etree._Element | None, name: str) -> etree._Element | None:
    found = children(element, name)
    return found[0] if found else None


def child_text(element: etree._Element | None, name: str) -> str:
    found = child(element, name)
    return (found.text or "").strip() if found is not None else ""


class OfdPackage:
    """The parts of one OFD, found by ``BaseLoc`` paths and parsed under the limits."""

    def __init__(self, package: Package) -> None:
        self.package = package

    def resolve(self, naming_part: str, location: str) -> str:
        """The package path of ``location`` as written in part ``naming_part``; NotExamined when it leaves
        the package or names nothing."""
        written = location.strip()
        location = written.replace("\\", "/")
        if not location:
            raise NotExamined("corrupt", f"empty part path in {naming_part}")
        if location.startswith("/"):
            joined = location.lstrip("/")
        else:
            joined = posixpath.join(posixpath.dirname(naming_part.replace("\\", "/")), location)
        normal = posixpath.normpath(joined)
        if normal.startswith("../") or normal == ".." or normal.startswith("/") or ":" in normal.split("/")[0]:
            raise NotExamined("corrupt", f"part path {written} in {naming_part} leaves the package")
        member = self.package.member(normal)
        if member is None:
            # A package zipped on Windows by hand may name its members with backslashes.
            member = self.package.member(normal.replace("/", "\\"))
        if member is None:
            raise NotExamined("corrupt", f"missing part {normal}")
        return member

    def xml(self, part: str) -> etree._Element:
        """The parsed root of part ``part`` (a name from ``resolve``)."""
        root = self.package.xml(part)
        if root is None:
            raise NotExamined("corrupt", f"missing part {part}")
        return root
