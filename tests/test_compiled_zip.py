"""The compiled reading of ZIP members (``marklint/parsers/_marklint_zip.c``): its CRC-32 gives zlib.crc32's
value on every length and start value, its inflate accepts and refuses exactly what the Python code does
(``ooxml_package._python_inflate``), and a member whose content does not match its declared CRC is still
refused."""

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
    _crc = compiled.load("_marklint_zip")
except ImportError:
    _crc = None

needs_compiled = pytest.mark.skipif(_crc is None, reason="_marklint_zip was not built (no C compiler at install)")


@needs_compiled
def test_the_package_reader_uses_the_compiled_crc_and_inflate() -> None:
    assert ooxml_package.crc32 is _crc.crc32
    assert ooxml_package.inflate is _crc.inflate


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


@pytest.mark.parametrize("reader", ["compiled", "python"])
def test_a_part_that_does_not_match_its_crc_makes_the_document_corrupt(
    reader: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if reader == "python":
        monkeypatch.setattr(ooxml_package, "inflate", ooxml_package._python_inflate)
        monkeypatch.setattr(ooxml_package, "crc32", zlib.crc32)
    elif _crc is None:
        pytest.skip("_marklint_zip was not built (no C compiler at install)")
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


def _deflated_parts() -> list[tuple[bytes, int, int]]:
    """(stored bytes, size, CRC) of every deflated part of Word's template and of the fixture DOCX."""
    found = []
    for path in [TEMPLATE, *sorted((Path(__file__).resolve().parent.parent / "fixtures" / "docx").glob("*.docx"))]:
        with zipfile.ZipFile(path) as archive:
            package = ooxml_package.Package(archive, Limits(), open(path, "rb"))  # noqa: SIM115
            try:
                for info in archive.infolist():
                    stored = package._compressed(info, 1 << 30)
                    if stored is not None and info.compress_type == zipfile.ZIP_DEFLATED:
                        found.append((bytes(stored), info.file_size, info.CRC))
            finally:
                package._raw.close()
    return found


@needs_compiled
def test_the_compiled_inflate_reads_every_part_as_zlib() -> None:
    parts = _deflated_parts()
    assert len(parts) > 300
    for stored, size, crc in parts:
        content = _crc.inflate(stored, size, crc)
        assert content is not None and content == ooxml_package._python_inflate(stored, size, crc)
        assert type(content) is bytes and len(content) == size


@needs_compiled
def test_the_compiled_inflate_refuses_what_the_python_code_refuses() -> None:
    # Cut short, cut by a byte, bytes after the stream (taken, as zlib's decompressobj leaves them), a bit
    # flipped anywhere (a fixed seed), a size a byte short or long, another CRC: the same answer every time.
    rng = random.Random(21)
    answers = {"read": 0, "refused": 0}
    for stored, size, crc in _deflated_parts()[:120]:
        flipped = bytearray(stored)
        flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        for case in ((stored[: len(stored) // 2], size, crc), (stored[:-1], size, crc), (stored + b"PK", size, crc),
                     (bytes(flipped), size, crc), (stored, size - 1, crc), (stored, size + 1, crc),
                     (stored, size, crc ^ 1), (b"", size, crc)):
            python = ooxml_package._python_inflate(*case)
            assert _crc.inflate(*case) == python
            answers["read" if python is not None else "refused"] += 1
    assert min(answers.values()) > 100


@needs_compiled
def test_the_compiled_inflate_refuses_bad_arguments() -> None:
    stored = zlib.compress(b"abc")[2:-4]
    assert _crc.inflate(stored, 3, zlib.crc32(b"abc")) == b"abc"
    assert _crc.inflate(stored, 0, 0) is None
    with pytest.raises(ValueError):
        _crc.inflate(stored, -1, 0)
    with pytest.raises(TypeError):
        _crc.inflate("abc", 3, 0)


def test_a_member_over_one_buffer_is_inflated_as_it_grows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The compiled inflate takes the declared size at once: only members up to ONE_BUFFER_BYTES go to it.
    document = docx.Document()
    document.add_paragraph("机密★5年")
    path = tmp_path / "a.docx"
    document.save(str(path))
    grown: list[int] = []
    python_inflate = ooxml_package._python_inflate

    def counted(stored: bytes, size: int, crc: int) -> bytes | None:
        grown.append(size)
        return python_inflate(stored, size, crc)

    monkeypatch.setattr(ooxml_package, "_python_inflate", counted)
    monkeypatch.setattr(ooxml_package, "ONE_BUFFER_BYTES", 20_000)
    ooxml_package.PART_MEMO.clear()
    read = docx_parser.parse(path, "a.docx", Limits())
    assert [unit.text for unit in read.units] == ["机密★5年"]
    assert grown and min(grown) > 20_000  # styles.xml (and no smaller part) grew in Python
