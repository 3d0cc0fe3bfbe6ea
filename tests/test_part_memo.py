"""Parts with the same stored bytes are made into what marklint keeps of them once (``Package.derived``):
the key holds the stored bytes, hashed by length beside the declared size and CRC, compared in full."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from marklint.limits import Limits
from marklint.parsers import docx as docx_parser
from marklint.parsers.ooxml_package import PART_MEMO, StoredBytes


def test_stored_bytes_are_equal_only_byte_for_byte() -> None:
    one, same, other = StoredBytes(b"abc"), StoredBytes(memoryview(b"--abc")[2:]), StoredBytes(b"abd")
    assert hash(one) == hash(other) == 3
    memo = {("stored", one, 8, 0x1234): "made"}
    assert memo.get(("stored", same, 8, 0x1234)) == "made"
    assert memo.get(("stored", other, 8, 0x1234)) is None
    assert memo.get(("stored", one, 8, 0x1235)) is None


def test_a_template_part_seen_before_is_not_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = []
    for number in range(2):
        document = docx.Document()
        document.add_paragraph(f"机密★{number + 5}年")
        paths.append(tmp_path / f"{number}.docx")
        document.save(str(paths[-1]))
    made: list[object] = []
    schemes = docx_parser.theme_schemes

    def counted(theme):
        made.append(theme)
        return schemes(theme)

    monkeypatch.setattr(docx_parser, "theme_schemes", counted)
    PART_MEMO.clear()
    texts = [[unit.text for unit in docx_parser.parse(path, path.name, Limits()).units] for path in paths]
    assert texts == [["机密★5年"], ["机密★6年"]]
    assert len(made) == 1  # the second document's theme (the same bytes) was taken from the memo
