"""Pick a parser by a file's content (magic bytes), not by its name.

A DOCX named ``.pdf`` (or ``.doc``) is read as DOCX; a PDF named ``.docx`` as PDF; an OLE file holding a
``WordDocument`` stream as a Word binary, whatever its name. A name only decides what cannot be read by
content: an empty ``.txt`` is an empty text, a ``.doc`` or ``.wps`` that is no OLE file is sniffed for what
Word and WPS also save under those names (``doc_saved_as``), and a file of a format that can carry a marking
but that marklint does not read (``.rtf``, a scan) is reported as not examined rather than misread as plain
text.
"""

from __future__ import annotations

import os
import stat
import struct
import unicodedata
from pathlib import Path
from typing import BinaryIO

from marklint.errors import NotExamined, os_error_words
from marklint.limits import Limits
from marklint.model import Document
from marklint.parsers.polyglot import polyglot

#: File name endings of formats that can carry a marking but that marklint cannot read yet.
UNSUPPORTED_CARRIERS = (
    ".rtf", ".odt", ".xlsx", ".xls", ".et", ".pptx", ".ppt", ".dps",
    ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp",
)
#: File name endings marklint reads.
READ_SUFFIXES = (".docx", ".docm", ".pdf", ".txt", ".md", ".ofd", ".doc", ".wps")
#: Names Word and WPS save the Word binary format under (and RTF or HTML, when saved "as" them).
WORD_BINARY_SUFFIXES = (".doc", ".wps")
TEXT_SUFFIXES = (".txt", ".md")

ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 2048
#: Images read as scans (by OCR where installed; else reported as having no text layer, ML902).
SCAN_IMAGES = ("JPEG image", "PNG image", "TIFF image", "BMP image")
#: Content marklint recognises but does not read, for the not-examined reason.
FOREIGN_MAGIC = (
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"BM", "BMP image"),
    (b"GIF8", "GIF image"),
    (b"{\\rtf", "RTF document"),
)


def is_candidate(name: str) -> bool:
    """True for names a folder walk should examine (read or report as unsupported)."""
    lower = name.lower()
    return lower.endswith(READ_SUFFIXES) or lower.endswith(UNSUPPORTED_CARRIERS)


def printable(text: str) -> str:
    """``text`` safe to print in any report: undecodable bytes of a file name (which Python carries as
    lone surrogates and no UTF-8 writer accepts) become ``\\xNN``; control, format and line-separator
    characters (a newline or a bidi override in a name would forge or disguise report lines) become
    ``\\xNN`` or ``\\uNNNN``."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char != " " and unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def sniff(head: bytes, name: str) -> str:
    """The format of a file from its first bytes: zip, pdf, ole, text, or unknown.

    A PDF may carry junk before its header (readers accept up to 1 KiB of it)."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if PDF_MAGIC in head[:1024]:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if name.lower().endswith(TEXT_SUFFIXES) or _looks_like_text(head):
        return "text"
    return "unknown"


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            # A multi-byte character cut by the sniff window is still text.
            if exc.start >= len(head) - 4:
                return True
    return False


def _open_regular(path: Path) -> BinaryIO:
    """Open ``path`` read-only without blocking and make sure it is a regular file: the caller checked,
    but a FIFO put in its place since then would block a plain open forever."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotExamined("unreadable", "not a regular file")
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def parse(path: Path, display_path: str, limits: Limits, ocr: str = "auto") -> Document:
    """Read one file into the neutral model, or raise NotExamined with the reason. ``ocr`` (auto / off)
    says whether a scan (an image, a PDF page without a text layer) is read by OCR (parsers.scan)."""
    try:
        return _parse(path, display_path, limits, ocr)
    except NotExamined as exc:
        # Details can quote the file (ZIP member names, a mimetype): never let them forge report lines.
        if exc.detail.isprintable():
            raise
        raise NotExamined(exc.reason, printable(exc.detail)) from exc


def _parse(path: Path, display_path: str, limits: Limits, ocr: str = "auto") -> Document:
    suffix = path.suffix.lower()
    try:
        with _open_regular(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            head = handle.read(HEAD_BYTES)
            kind = sniff(head, path.name)
            if kind == "ole":
                refusal = ole_refusal(handle)
                if refusal is not None:
                    raise refusal
            if kind in ("zip", "pdf") and polyglot(handle, head, kind):
                raise NotExamined("ambiguous", "both a PDF and a ZIP archive, which PDF and DOCX readers show "
                                               "as two different documents")
    except OSError as exc:
        raise NotExamined("unreadable", os_error_words(exc)) from exc
    if size == 0:
        if suffix in TEXT_SUFFIXES:
            return Document(path=display_path, format="text")  # read whole: nothing in it can hide a marking
        raise NotExamined("corrupt", "empty file")
    if size > limits.max_file_bytes:
        raise NotExamined("over a safety limit", f"file size {size} bytes")
    if kind == "zip":
        from marklint.parsers import ofd_package

        if ofd_package.is_ofd(path):  # a ZIP with OFD.xml at its root, whatever its name
            from marklint.parsers import ofd

            return ofd.parse(path, display_path, limits)
        from marklint.parsers import docx  # here: an OFD does not need the OOXML reader's import

        return docx.parse(path, display_path, limits)
    if kind == "pdf":
        from marklint.parsers import pdf

        document = pdf.parse(path, display_path, limits)
        if document.no_text:  # a scan: read by OCR where it can be (imported only here)
            from marklint.parsers import scan

            return scan.read_pdf_scan(path, document, limits, ocr)
        return document
    if kind == "ole":  # a Word binary: ole_refusal let nothing else through
        from marklint.parsers import doc

        return doc.parse(path, display_path, limits)
    if _foreign(head) in SCAN_IMAGES:
        from marklint.parsers import scan

        return scan.read_image(path, display_path, _foreign(head) or "", limits, ocr)
    if suffix in WORD_BINARY_SUFFIXES:
        from marklint.parsers import doc_saved_as

        return doc_saved_as.parse(path, display_path, limits, head)
    if suffix in UNSUPPORTED_CARRIERS:
        # Before the text sniff: RTF is ASCII, but reading it as text would pass its marking unseen.
        raise NotExamined("unsupported format", _foreign(head) or suffix.lstrip("."))
    if kind == "text":
        from marklint.parsers import text

        return text.parse(path, display_path, limits)
    raise NotExamined("unsupported format", _foreign(head) or "content not recognised")


def _foreign(head: bytes) -> str | None:
    return next((what for magic, what in FOREIGN_MAGIC if head.startswith(magic)), None)


# --- OLE compound files ---------------------------------------------------------------------------------------

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
#: Directory sectors followed at most: a real Office file has a handful.
_MAX_DIRECTORY_SECTORS = 256
_DIRECTORY_ENTRY = 128
_MINI_STREAM_CUTOFF = 4096
#: FIB flag word of a Word binary file and its fEncrypted bit ([MS-DOC] 2.5.2).
_FIB_FLAGS_AT, _FIB_ENCRYPTED = 0x0A, 0x0100


def ole_refusal(handle: BinaryIO) -> NotExamined | None:
    """Why an OLE compound file is not examined: an encrypted Office file (a password-protected DOCX is
    an OLE container holding EncryptionInfo and EncryptedPackage), or a legacy binary document other than
    Word's; None for a Word binary document (.doc, WPS's .wps), which is read."""
    try:
        streams = _ole_streams(handle)
    except (OSError, struct.error, ValueError):
        streams = {}
    if not streams:
        return NotExamined("corrupt", "OLE compound file whose directory cannot be read")
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        return NotExamined("encrypted", "password-protected Office document")
    if "WordDocument" in streams:
        if _word_encrypted(handle, streams["WordDocument"]):
            return NotExamined("encrypted", "password-protected legacy Word document")
        return None
    if "Workbook" in streams or "Book" in streams:
        return NotExamined("unsupported format", "legacy Excel or WPS workbook (.xls/.et)")
    if "PowerPoint Document" in streams:
        return NotExamined("unsupported format", "legacy PowerPoint or WPS presentation (.ppt/.dps)")
    if "CONTENTS" in streams:
        return NotExamined("unsupported format", "Microsoft Works word processor document (.wps), not Word's format")
    return NotExamined("unsupported format", "OLE compound file without a WordDocument stream (not a Word "
                       "document; a .wps of Kingsoft WPS before WPS Office 2005 is not read)")


def _ole_streams(handle: BinaryIO) -> dict[str, tuple[int, int, int]]:
    """Directory entry name -> (first sector, size, sector size) of an OLE file's streams and storages,
    read with bounded effort: a FAT from the header's 109 entries only, a directory chain of limited length."""
    handle.seek(0)
    header = handle.read(512)
    (shift,) = struct.unpack_from("<H", header, 30)
    if shift not in (9, 12):
        raise ValueError("sector size")
    sector = 1 << shift
    (first_directory,) = struct.unpack_from("<I", header, 48)
    fat_sectors = [s for s in struct.unpack_from("<109I", header, 76) if s not in (_FREE, _END)]
    fat: list[int] = []
    for number in fat_sectors[:109]:
        handle.seek((number + 1) * sector)
        block = handle.read(sector)
        fat.extend(struct.unpack(f"<{len(block) // 4}I", block[: len(block) // 4 * 4]))
    streams: dict[str, tuple[int, int, int]] = {}
    seen: set[int] = set()
    current = first_directory
    while current not in (_FREE, _END) and current not in seen and len(seen) < _MAX_DIRECTORY_SECTORS:
        seen.add(current)
        handle.seek((current + 1) * sector)
        block = handle.read(sector)
        for at in range(0, len(block) - _DIRECTORY_ENTRY + 1, _DIRECTORY_ENTRY):
            entry = block[at : at + _DIRECTORY_ENTRY]
            length, kind = struct.unpack_from("<HB", entry, 64)
            if kind in (1, 2, 5) and 2 <= length <= 64:
                name = entry[: length - 2].decode("utf-16-le", "replace")
                start, size = struct.unpack_from("<II", entry, 116)
                streams.setdefault(name, (start, size, sector))
        current = fat[current] if current < len(fat) else _END
    return streams


def _word_encrypted(handle: BinaryIO, where: tuple[int, int, int]) -> bool:
    start, size, sector = where
    if size < _MINI_STREAM_CUTOFF:
        return False  # in the mini stream: too small to be a Word document anyway
    handle.seek((start + 1) * sector + _FIB_FLAGS_AT)
    flags = handle.read(2)
    return len(flags) == 2 and bool(struct.unpack("<H", flags)[0] & _FIB_ENCRYPTED)
