"""Plain text (.txt, .md): one unit per line; the first lines are the marking place.

The file is read line by line and never held whole: only the first and last lines, and short lines in
between that could be a marking, are kept, so a 500 MB log named ``.txt`` costs what a memo does.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from marklint.errors import NotExamined, os_error_words
from marklint.limits import Limits
from marklint.model import Document, Part, Reason, ReasonKind, Status, TextUnit

#: The encoding is judged on this many bytes from the start.
SNIFF_BYTES = 64 * 1024
#: A physical line is read this many characters at a time at least; the rest of a longer one is skipped.
MIN_LINE_CHARS = 4096
#: A line between the first and last ones is kept when it is this short and has a sign of a marking.
CANDIDATE_MAX_CHARS = 60
_CANDIDATE_SIGNS = ("★", "密", "解")
#: Share of NUL bytes at every other position that marks UTF-16 text without a byte order mark.
UTF16_ZEROS = 0.2


def encoding_of(head: bytes) -> str:
    """UTF-32 (with a byte order mark), UTF-16 (with a byte order mark, or ASCII-heavy without), UTF-8 (with
    or without BOM), else GB18030, the encodings Chinese offices write; judged on the start of the file.
    Bytes further on that do not decode are replaced. NUL bytes that are not UTF-16 make the file binary:
    not text, whatever its name."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"  # before UTF-16: the UTF-32 LE mark begins with the UTF-16 LE one
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        even_zeros, odd_zeros = even.count(0) / max(len(even), 1), odd.count(0) / max(len(odd), 1)
        if odd_zeros > UTF16_ZEROS and even_zeros < UTF16_ZEROS / 4:
            return "utf-16-le"
        if even_zeros > UTF16_ZEROS and odd_zeros < UTF16_ZEROS / 4:
            return "utf-16-be"
        raise NotExamined("unsupported format", "binary content, not text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            head.decode(encoding)
            return encoding
        except UnicodeDecodeError as exc:
            if len(head) == SNIFF_BYTES and exc.start >= len(head) - 4:
                return encoding  # a multi-byte character cut by the window
    raise NotExamined("corrupt", "neither UTF-8 nor GB18030 text")


def parse(path: Path, display_path: str, limits: Limits) -> Document:
    cap = max(limits.max_unit_chars, MIN_LINE_CHARS)
    overflow = [False]
    try:
        with open(path, "rb") as raw:
            head = raw.read(SNIFF_BYTES)
            encoding = encoding_of(head)
            if len(head) <= cap and not raw.read(1):
                # The whole file, and no longer than a line may be: decoded at once, its lines those the stream
                # below gives (a character takes at least one byte, so no line reaches the cap).
                lines: Iterable[str] = head.decode(encoding, "replace").splitlines()
            else:
                raw.seek(0)
                lines = _lines(io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=None), cap)
            units = _units(lines, limits, overflow)
    except OSError as exc:
        raise NotExamined("unreadable", os_error_words(exc)) from exc
    document = Document(path=display_path, format="text", units=units)
    if overflow[0]:
        document.status, document.reason = Status.PARTIAL, middle_overflow(limits, "lines")
    return document


def middle_overflow(limits: Limits, what: str) -> Reason:
    """The partial reason of a file with more possible markings between its first and last units than are
    kept (text lines, DOCX paragraphs): those past the limit were not judged."""
    return Reason(ReasonKind.OVER_LIMIT, f"more than {limits.max_middle_units_kept} short {what} with ★, 密 or 解 "
            f"between the first {limits.max_body_units_kept} and the last {limits.max_tail_units_kept}; "
                  "those past it were not judged")


def _lines(stream: io.TextIOWrapper, cap: int) -> Iterator[str]:
    """The file's lines as ``str.splitlines`` would give them, each physical line cut at ``cap`` characters."""
    while piece := stream.readline(cap):
        if len(piece) >= cap and not piece.endswith("\n"):
            while (rest := stream.readline(cap)) and not rest.endswith("\n"):
                pass  # the rest of an over-long line: a marking is short
        yield from piece.splitlines() or [""]


def _units(lines: Iterable[str], limits: Limits, overflow: list[bool]) -> list[TextUnit]:
    keep_head, keep_tail = limits.max_body_units_kept, max(limits.max_tail_units_kept, 0)
    kept: list[TextUnit] = []
    tail: deque[tuple[int, str]] = deque()

    cap = limits.max_unit_chars

    def keep(index: int, line: str) -> None:
        if line.strip():
            kept.append(TextUnit(line[:cap], Part.BODY, 1, index))  # the Part itself: not converted again

    middle_left = limits.max_middle_units_kept
    for index, line in enumerate(lines, start=1):
        if index <= keep_head:
            keep(index, line)
            continue
        tail.append((index, line))
        if len(tail) > keep_tail:
            middle_index, middle = tail.popleft()
            if len(middle) <= CANDIDATE_MAX_CHARS and any(sign in middle for sign in _CANDIDATE_SIGNS):
                if middle_left <= 0:
                    overflow[0] = True  # a bound on what one file keeps: the rest is read, not kept
                    continue
                middle_left -= 1
                keep(middle_index, middle)
    for index, line in tail:
        keep(index, line)
    return kept
