"""Pick a parser by a file's content (magic bytes), not by its name."""

from __future__ import annotations

import os
from pathlib import Path

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.model import Document

#: File name endings of formats that can carry a marking but that marklint cannot read yet.
UNSUPPORTED_CARRIERS = (
    ".doc", ".wps", ".ofd", ".rtf", ".odt", ".xlsx", ".xls", ".et", ".pptx", ".ppt", ".dps",
    ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp",
)
#: File name endings marklint reads.
READ_SUFFIXES = (".docx", ".docm", ".pdf", ".txt", ".md")

ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_candidate(name: str) -> bool:
    """True for names a folder walk should examine (read or report as unsupported)."""
    lower = name.lower()
    return lower.endswith(READ_SUFFIXES) or lower.endswith(UNSUPPORTED_CARRIERS)


def sniff(head: bytes, name: str) -> str:
    """The format of a file from its first bytes: docx, pdf, ole, text, or unknown.

    A PDF may carry junk before its header (readers accept up to 1 KiB of it)."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if PDF_MAGIC in head[:1024]:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if name.lower().endswith((".txt", ".md")) or _looks_like_text(head):
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


def parse(path: Path, display_path: str, limits: Limits) -> Document:
    """Read one file into the neutral model, or raise NotExamined with the reason."""
    try:
        size = os.stat(path).st_size
        with open(path, "rb") as handle:
            head = handle.read(2048)
    except OSError as exc:
        raise NotExamined("unreadable", type(exc).__name__) from exc
    if size == 0:
        raise NotExamined("corrupt", "empty file")
    if size > limits.max_file_bytes:
        raise NotExamined("over a safety limit", f"file size {size} bytes")
    kind = sniff(head, path.name)
    if kind == "zip":
        from marklint.parsers import docx

        return docx.parse(path, display_path, limits)
    if kind == "pdf":
        from marklint.parsers import pdf

        return pdf.parse(path, display_path, limits)
    if kind == "text":
        from marklint.parsers import text

        return text.parse(path, display_path, limits)
    if kind == "ole":
        raise NotExamined("unsupported format", "OLE compound file: an encrypted Office file or a legacy .doc/.wps")
    raise NotExamined("unsupported format", "content not recognised")
