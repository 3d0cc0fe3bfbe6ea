"""The compiled CRC-32 of ZIP members (``marklint/parsers/_marklint_crc.c``) gives zlib.crc32's value on
every length and start value, and a member whose content does not match its declared CRC is still refused."""

from __future__ import annotations

import random
import zipfile
import zlib
from pathlib import Path

import docx
import pytest

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.parsers import compiled, ooxml_package
from marklint.parsers import docx as docx_parser

TEMPLATE = Path(docx.__file__).parent / "templates" / "default.docx"

try:
    _crc = compiled.load("_marklint_crc")
except ImportError:
    _crc = None

needs_compiled = pytest.mark.skipif(_crc is None, reason="_marklint_crc was not built (no C compiler at install)")


@needs_compiled
def test_the_package_reader_uses_the_compiled_crc() -> None:
    assert ooxml_package.crc32 is _crc.crc32


@needs_compiled
def test_every_length_and_start_value_gives_zlibs_crc() -> None:
    # Lengths around every fold (64-byte blocks, 16-byte steps, the byte-wise rest), random bytes (a fixed seed).
    rng = random.Random(32)
    for length in range(0, 700):
        data = rng.randbytes(length)
        value = rng.randrange(1 << 32)
        assert _crc.crc32(data) == zlib.crc32(data), length
        assert _crc.crc32(data, value) == zlib.crc32(data, value), length
    for data in (b"\x00" * 100_000, b"\xff" * 100_001, rng.randbytes(1 << 20)):
        assert _crc.crc32(data) == zlib.crc32(data)
    assert _crc.crc32(memoryview(b"abc" * 50)) == zlib.crc32(b"abc" * 50)


@needs_compiled
def test_every_part_of_words_template_gives_zlibs_crc() -> None:
    with zipfile.ZipFile(TEMPLATE) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            assert _crc.crc32(data) == zlib.crc32(data) == info.CRC, info.filename


@needs_compiled
def test_the_compiled_crc_refuses_what_zlib_refuses() -> None:
    with pytest.raises(TypeError):
        _crc.crc32("text")
    with pytest.raises(TypeError):
        _crc.crc32(b"", 1, 2)


def test_a_part_that_does_not_match_its_crc_makes_the_document_corrupt(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("机密★5年")
    path = tmp_path / "a.docx"
    document.save(str(path))
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/styles.xml")
    # The declared CRC in the local header and the central directory, changed by one bit.
    central = raw.index(b"word/styles.xml", raw.index(b"PK\x01\x02")) - 46
    assert raw[central : central + 4] == b"PK\x01\x02"
    for at in (info.header_offset + 14, central + 16):
        raw[at] ^= 1
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(bytes(raw))
    ooxml_package.PART_MEMO.clear()
    with pytest.raises(NotExamined) as caught:
        docx_parser.parse(damaged, "damaged.docx", Limits())
    assert (caught.value.reason, caught.value.detail) == ("corrupt", "bad ZIP archive")
