"""The Word binary reader reads a stream's sectors itself (``doc._Streams``): the bytes must be exactly those
olefile's ``openstream`` gives, for every stream of every fixture, for a chain whose sectors lie out of order,
and for a file cut short."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import olefile
import pytest

from marklint.parsers import doc
from marklint.parsers import doc_format as fmt

FIXTURES = sorted(path for path in (Path(__file__).resolve().parent.parent / "fixtures" / "doc").glob("*.*")
                  if olefile.isOleFile(str(path)))  # not the .doc files saved as HTML or RTF
SECTOR = 512


def _both(data: bytes) -> list[tuple[str, bytes | str, bytes | str]]:
    """Each root stream's bytes as ``_Streams`` reads them and as olefile does (or why not)."""
    handle = io.BytesIO(data)
    ole = olefile.OleFileIO(handle)
    streams = doc._Streams(ole, len(data), handle)
    out = []
    for entry in ole.root.kids:
        if entry.entry_type != olefile.STGTY_STREAM:
            continue
        try:
            ours: bytes | str = streams.read(entry.name)
        except fmt.DocFormatError as exc:
            ours = str(exc)
        out.append((entry.name, ours, _through_olefile(streams, entry.name)))
    return out


def _through_olefile(streams: doc._Streams, name: str) -> bytes | str:
    """What the reader made of the stream when olefile's ``openstream`` read its bytes (the same checks)."""
    size = streams.ole.get_size(name)
    try:
        if size > streams.file_size:
            raise fmt.DocFormatError("claims more bytes than the file has")
        streams._check_chain(name, size)
        data = streams.ole.openstream(name).read()
        if len(data) < size:
            raise fmt.DocFormatError(f"the {name} stream is truncated")
    except fmt.DocFormatError as exc:
        return str(exc)
    return data


def test_every_stream_of_every_fixture_reads_as_olefile_reads_it() -> None:
    streams = mini = 0
    for path in FIXTURES:
        for name, ours, theirs in _both(path.read_bytes()):
            assert ours == theirs, (path.name, name)
            streams += 1
            mini += isinstance(ours, bytes) and len(ours) < 4096
    assert len(FIXTURES) > 60 and streams > 300 and mini > 100  # mini streams (properties) as well


def _scattered(data: bytes, name: str) -> bytes:
    """``data`` with stream ``name``'s sectors stored in reverse order, its FAT chain following them."""
    ole = olefile.OleFileIO(io.BytesIO(data))
    entry = next(kid for kid in ole.root.kids if kid.name == name)
    chain = [entry.isectStart]
    while len(chain) < -(-entry.size // SECTOR):
        chain.append(ole.fat[chain[-1]])
    out = bytearray(data)
    places = chain[::-1]  # the k-th sector of the stream now lies where the (n-1-k)-th did
    for k, sector in enumerate(chain):
        out[(places[k] + 1) * SECTOR : (places[k] + 2) * SECTOR] = data[(sector + 1) * SECTOR : (sector + 2) * SECTOR]
    fat = list(ole.fat)
    for k, place in enumerate(places):
        fat[place] = places[k + 1] if k + 1 < len(places) else olefile.ENDOFCHAIN
    fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s < olefile.MAXREGSECT]
    per_sector = SECTOR // 4
    for index, sector in enumerate(fat_sectors):
        values = fat[index * per_sector : (index + 1) * per_sector]  # olefile keeps only the file's sectors
        out[(sector + 1) * SECTOR : (sector + 1) * SECTOR + 4 * len(values)] = struct.pack(f"<{len(values)}I", *values)
    directory = ole.direntries.index(entry) if entry in ole.direntries else entry.sid
    at = _directory_offset(ole, directory)
    out[at + 116 : at + 120] = struct.pack("<I", places[0])
    return bytes(out)


def _directory_offset(ole: olefile.OleFileIO, sid: int) -> int:
    per_sector = SECTOR // 128
    sector = ole.first_dir_sector
    for _ in range(sid // per_sector):
        sector = ole.fat[sector]
    return (sector + 1) * SECTOR + (sid % per_sector) * 128


@pytest.mark.parametrize("path", [p for p in FIXTURES if p.name in ("clean_gongwen.doc", "clean_company_name.doc")],
                         ids=lambda p: p.name)
def test_a_chain_out_of_order_reads_as_olefile_reads_it(path: Path) -> None:
    data = path.read_bytes()
    scattered = _scattered(data, "WordDocument")
    assert scattered != data
    ours = dict((name, value) for name, value, _ in _both(scattered))
    assert ours["WordDocument"] == olefile.OleFileIO(io.BytesIO(data)).openstream("WordDocument").read()
    for name, value, theirs in _both(scattered):
        assert value == theirs, name


def _ending_past_the_file(data: bytes, name: str, kept: int) -> bytes:
    """``data`` with the last sector of stream ``name`` moved to a new sector at the end of the file, of which
    only ``kept`` bytes are left: the file ends inside the stream."""
    ole = olefile.OleFileIO(io.BytesIO(data))
    entry = next(kid for kid in ole.root.kids if kid.name == name)
    chain = [entry.isectStart]
    while len(chain) < -(-entry.size // SECTOR):
        chain.append(ole.fat[chain[-1]])
    new = len(data) // SECTOR - 1
    assert new < SECTOR // 4  # its FAT entry is in the first FAT sector
    out = bytearray(data + data[(chain[-1] + 1) * SECTOR : (chain[-1] + 2) * SECTOR])
    first_fat = struct.unpack_from("<I", data, 76)[0]
    for sector, value in ((chain[-2], new), (new, olefile.ENDOFCHAIN), (chain[-1], olefile.FREESECT)):
        struct.pack_into("<I", out, (first_fat + 1) * SECTOR + 4 * sector, value)
    return bytes(out[: len(out) - SECTOR + kept])


def test_a_file_that_ends_inside_a_stream_reads_as_olefile_reads_it() -> None:
    data = (FIXTURES[0].parent / "clean_gongwen.doc").read_bytes()
    for kept in (1, 30, 64, 65, 300):
        cut = _ending_past_the_file(data, "WordDocument", kept)
        pairs = {name: (ours, theirs) for name, ours, theirs in _both(cut)}
        ours, theirs = pairs["WordDocument"]
        assert ours == theirs
        # 5185 bytes: 65 of them in the last sector
        assert ours == ("the WordDocument stream is truncated" if kept < 65 else
                        olefile.OleFileIO(io.BytesIO(data)).openstream("WordDocument").read())
