"""Files that two readers accept as two different documents (polyglots): a PDF that is also a ZIP.

A PDF reader looks for ``%PDF-`` within the first KiB and reads the cross-reference table from the end; a
ZIP reader reads the central directory from the end and accepts any bytes before the first member. So a
DOCX can start with a PDF, and a PDF can end with a DOCX, and each reader shows its own document: Word
the one, a PDF viewer the other. marklint reads one format per file, so such a file is reported, never
passed on what one reader saw.
"""

from __future__ import annotations

import functools
import struct
import zipfile
from collections.abc import Callable
from typing import BinaryIO

#: The ZIP end of central directory record, and how far from the end it can stand (its comment is at most
#: 65,535 bytes).
_EOCD = b"PK\x05\x06"
_EOCD_REACH = 22 + 0xFFFF
#: PDF readers accept the ``%PDF-`` header this far into the file.
_PDF_HEADER_REACH = 1024


def _python_last(tail: bytes, end: int) -> int:
    return tail.rfind(_EOCD, 0, end)


def last_end_record(tail: bytes, end: int) -> int:
    """Where the last ZIP end record in ``tail[:end]`` starts, or -1: found by the C library's memrchr
    (``_marklint_chars.rfind``) where it is built, bytes.rfind (a byte at a time) where not."""
    rfind = _compiled_rfind()
    if rfind is None:
        return _python_last(tail, end)
    with memoryview(tail) as view, view[:end] as before:
        return rfind(before, _EOCD)


@functools.cache
def _compiled_rfind() -> Callable[[memoryview, bytes], int] | None:
    from marklint.parsers import compiled  # here: the package imports this module

    try:
        return compiled.load("_marklint_chars").rfind  # ImportError when not built, or built from other source
    except ImportError:
        return None


def _zip_ends_file(tail: bytes) -> bool:
    """Whether the file ends with a ZIP end record, its comment running to the last byte. A PDF holding a
    stored ZIP (a DOCX attachment, read as an embedded document) has its own trailer after that ZIP."""
    at = last_end_record(tail, len(tail))
    while at >= 0:
        if at + 22 <= len(tail) and at + 22 + struct.unpack_from("<H", tail, at + 20)[0] == len(tail):
            return True
        at = last_end_record(tail, at)
    return False


def polyglot(handle: BinaryIO, head: bytes, kind: str) -> bool:
    """Whether a file sniffed as ``kind`` (zip or pdf) is also a document of the other format."""
    if kind == "zip":
        return b"%PDF-" in head[:_PDF_HEADER_REACH]
    if kind != "pdf":
        return False
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(max(0, size - _EOCD_REACH))
    if not _zip_ends_file(handle.read()):
        return False
    try:
        with zipfile.ZipFile(handle) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
