"""Property-based robustness of the Word binary reader (issue 15), as ``test_fuzz`` does for DOCX and PDF:
damaged ``.doc`` bytes, and well-formed OLE files with one damaged stream (which byte damage to the
container rarely gets past), always come back as a Document within a time bound, never as an exception."""

from __future__ import annotations

import sys
from pathlib import Path

import olefile
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_fuzz import FUZZ, check, damaged

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))

import ole_writer  # noqa: E402 - the fixtures' OLE writer

DOC = (ROOT / "fixtures" / "doc" / "clean_gongwen.doc").read_bytes()
with olefile.OleFileIO(DOC) as _ole:
    STREAMS = {"/".join(entry): _ole.openstream(entry).read() for entry in _ole.listdir()}


@st.composite
def doc_with_damaged_stream(draw: st.DrawFn) -> bytes:
    """A sound OLE file whose WordDocument, table or property stream is damaged (the text streams most often)."""
    name = draw(st.sampled_from(["WordDocument", "1Table"] * 3 + sorted(STREAMS)))
    return ole_writer.write_ole({**STREAMS, name: draw(damaged(STREAMS[name], keep=0))})


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("doc_fuzz")


@FUZZ
@given(data=damaged(DOC))
def test_damaged_doc_bytes(target: Path, data: bytes) -> None:
    check(target, "damaged.doc", data)


@FUZZ
@given(data=doc_with_damaged_stream())
def test_doc_with_a_damaged_stream(target: Path, data: bytes) -> None:
    check(target, "stream.doc", data)
