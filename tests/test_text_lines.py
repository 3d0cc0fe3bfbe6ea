"""A text file no longer than a line may be is decoded at once (``text.parse``); its lines must be exactly
those the streaming reader gives a larger file, whatever the encoding, line ends and undecodable bytes."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from marklint.limits import Limits
from marklint.parsers import text

PIECES = st.sampled_from(["机密★5年", "abc", " ", "\r\n", "\r", "\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028",
                          "\u2029", "\t", "秘密", "", "\ufeff", "𠀀"])
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]


def streamed(data: bytes, encoding: str) -> list[str]:
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="replace", newline=None)
    return list(text._lines(stream, text.MIN_LINE_CHARS))


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30), st.sampled_from(ENCODINGS), st.binary(max_size=3), st.booleans())
def test_whole_decode_gives_the_streamed_lines(pieces: list[str], encoding: str, junk: bytes, junk_first: bool):
    encoded = "".join(pieces).encode(encoding)
    # Undecodable bytes, replaced either way (utf-16 and utf-32 are chosen by their byte order mark, kept first).
    data = junk + encoded if junk_first and encoding not in ("utf-16", "utf-32") else encoded + junk
    assert data.decode(encoding, "replace").splitlines() == streamed(data, encoding)


def test_a_small_file_and_a_large_one_read_the_same_lines(tmp_path: Path) -> None:
    lines = ["机密★5年", "", "某某单位", "\u3000关于某事的通知", "x" * 50]
    small = tmp_path / "small.txt"
    small.write_bytes("\r\n".join(lines).encode("gb18030"))
    large = tmp_path / "large.txt"
    filler = ["正文" * 20] * 200
    large.write_bytes("\r\n".join(lines + filler + lines).encode("gb18030"))  # over the cap: streamed
    assert large.stat().st_size > text.MIN_LINE_CHARS
    small_units = text.parse(small, "small.txt", Limits()).units
    large_units = text.parse(large, "large.txt", Limits()).units
    assert [(u.text, u.line) for u in small_units] == [(u.text, u.line) for u in large_units[: len(small_units)]]
    assert [u.text for u in small_units] == [line for line in lines if line.strip()]
