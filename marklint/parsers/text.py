"""Plain text (.txt, .md): one unit per line; the first lines are the marking place."""

from __future__ import annotations

from pathlib import Path

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.model import Document, TextUnit


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, the encodings Chinese offices write."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NotExamined("corrupt", "neither UTF-8 nor GB18030 text")


def parse(path: Path, display_path: str, limits: Limits) -> Document:
    with open(path, "rb") as handle:
        data = handle.read(limits.max_file_bytes)
    lines = decode(data).splitlines()
    keep_head, keep_tail = limits.max_body_units_kept, limits.max_tail_units_kept
    units = []
    for index, line in enumerate(lines, start=1):
        near_edge = index <= keep_head or index > len(lines) - keep_tail
        short_candidate = len(line) <= 60 and ("★" in line or "密" in line or "解" in line)
        if line.strip() and (near_edge or short_candidate):
            units.append(TextUnit(text=line[: limits.max_unit_chars], part="body", page=1, line=index))
    return Document(path=display_path, format="text", units=units)
