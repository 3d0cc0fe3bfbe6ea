"""The Word binary reader on broken and hostile OLE files (issue 15), and the sniffing of what else is
saved under ``.doc`` and ``.wps``: every file gets its exact status and reason, in bounded time and memory,
never a crash or a hang. The files are built here from ``fixtures/doc/clean_gongwen.doc``.
"""

from __future__ import annotations

import resource
import struct
import sys
import time
from datetime import date
from pathlib import Path

import olefile
import pytest

import marklint
from marklint.config import Settings
from marklint.model import reason_words

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))

import ole_writer  # noqa: E402 - the fixtures' OLE writer

SOURCE = ROOT / "fixtures" / "doc" / "clean_gongwen.doc"
AS_OF = date(2026, 11, 27)
FAT_AT = 512  # the writer puts FAT sector 0 right after the header


def _streams() -> dict[str, bytes]:
    with olefile.OleFileIO(SOURCE) as ole:
        return {"/".join(entry): ole.openstream(entry).read() for entry in ole.listdir()}


def _with_fib(word: bytes, **values: int) -> bytes:
    """``word`` with FIB fields changed: ``flags`` (the word at 0x0A) or a story length ``ccp<N>`` (index in
    FibRgLw97)."""
    out = bytearray(word)
    for name, value in values.items():
        if name == "flags":
            struct.pack_into("<H", out, 0x0A, value)
        else:
            csw = struct.unpack_from("<H", out, 32)[0]
            lw_at = 32 + 2 + csw * 2 + 2
            struct.pack_into("<i", out, lw_at + int(name.removeprefix("ccp")) * 4, value)
    return bytes(out)


def _fc_lcb_at(word: bytes) -> int:
    """Where the FIB's FibRgFcLcb (pairs of offset and length in the table stream) starts."""
    csw = struct.unpack_from("<H", word, 32)[0]
    at = 32 + 2 + csw * 2
    cslw = struct.unpack_from("<H", word, at)[0]
    return at + 2 + cslw * 4 + 2


def _clx_at(streams: dict[str, bytes]) -> int:
    return struct.unpack_from("<I", streams["WordDocument"], _fc_lcb_at(streams["WordDocument"]) + 33 * 8)[0]


def _start_sector(data: bytes, name: str) -> int:
    with olefile.OleFileIO(data) as ole:
        return next(kid.isectStart for kid in ole.root.kids if kid.name == name)


def build(folder: Path) -> None:
    streams = _streams()
    word, table = streams["WordDocument"], streams["1Table"]
    sound = ole_writer.write_ole(streams)
    (folder / "sound.doc").write_bytes(sound)
    (folder / "doc_named.pdf").write_bytes(sound)  # read by content: a Word binary, whatever its name

    # A FAT loop: WordDocument's chain points back to its own first sector.
    start = _start_sector(sound, "WordDocument")
    looped = bytearray(sound)
    struct.pack_into("<I", looped, FAT_AT + (start + 3) * 4, start)
    (folder / "fat_loop.doc").write_bytes(bytes(looped))
    # A stream whose directory entry claims 4 GiB less a byte (a version 3 file has 32-bit sizes).
    sized = bytearray(sound)
    with olefile.OleFileIO(sound) as ole:
        sid = next(i for i, e in enumerate(ole.direntries) if e is not None and e.name == "WordDocument")
        directory = (ole.first_dir_sector + 1) * ole.sectorsize
    struct.pack_into("<I", sized, directory + sid * 128 + 120, 0xFFFFFFFF - 1)
    (folder / "huge_stream.doc").write_bytes(bytes(sized))
    # The piece table's one piece starts near the end of WordDocument, so its text runs past it.
    clx = _clx_at(streams)
    pieces = bytearray(table)
    count_at = clx + 5 + 8  # Pcdt: 0x02, lcb, then two CPs, then the PCD (2 flag bytes, fc)
    struct.pack_into("<I", pieces, count_at + 2, len(word) - 10)
    (folder / "piece_past_stream.doc").write_bytes(ole_writer.write_ole({**streams, "1Table": bytes(pieces)}))
    # The character formatting's bin table said to run past the table stream: the text is still read.
    chpx_entry = bytearray(word)
    struct.pack_into("<I", chpx_entry, _fc_lcb_at(word) + 12 * 8 + 4, 0x7FFFFFFF)
    (folder / "formatting_past_stream.doc").write_bytes(ole_writer.write_ole({**streams, "WordDocument":
                                                                              bytes(chpx_entry)}))
    # Truncated: the file cut in half; the WordDocument stream cut to its FIB.
    (folder / "truncated_file.doc").write_bytes(sound[: len(sound) // 2])
    (folder / "truncated_stream.doc").write_bytes(ole_writer.write_ole({**streams, "WordDocument": word[:600]}))
    # Story lengths: a header story longer than the document; a main text of two billion characters.
    (folder / "long_header.doc").write_bytes(
        ole_writer.write_ole({**streams, "WordDocument": _with_fib(word, ccp5=1_000_000)}))
    (folder / "huge_ccp.doc").write_bytes(
        ole_writer.write_ole({**streams, "WordDocument": _with_fib(word, ccp3=0x7FFFFFFF)}))
    # A directory of 1000 siblings in one chain (olefile walks it by recursion), and one whose sibling
    # points back at itself (olefile notes the second reference and goes on: the file reads whole).
    many = {**streams, **{f"s{n:03d}": b"" for n in range(1000)}}
    (folder / "deep_directory.doc").write_bytes(ole_writer.write_ole(many, balanced=False))
    cycle = bytearray(sound)
    struct.pack_into("<I", cycle, directory + sid * 128 + 72, sid)  # its right sibling: itself
    (folder / "directory_cycle.doc").write_bytes(bytes(cycle))
    # Encryption and XOR obfuscation flags in the FIB.
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    (folder / "encrypted.doc").write_bytes(
        ole_writer.write_ole({**streams, "WordDocument": _with_fib(word, flags=flags | 0x0100)}))
    (folder / "obfuscated.wps").write_bytes(
        ole_writer.write_ole({**streams, "WordDocument": _with_fib(word, flags=flags | 0x8000)}))
    (folder / "word95.doc").write_bytes(
        ole_writer.write_ole({**streams, "WordDocument": word[:2] + (0x68).to_bytes(2, "little") + word[4:]}))
    # Other OLE files and other content under Word's names.
    (folder / "works.wps").write_bytes(ole_writer.write_ole({"CONTENTS": bytes(600), "SPELLING": bytes(64)}))
    (folder / "other_ole.doc").write_bytes(ole_writer.write_ole({"Something": bytes(100)}))
    (folder / "kingsoft_old.wps").write_bytes(b"\x00\x07WPS\x00" + bytes(range(256)) * 8)
    (folder / "works_dos.wps").write_bytes(b"\x01\xfe" + bytes(110) + b"\x01\x00" + bytes(400))
    (folder / "saved_as_rtf.doc").write_bytes(b"{\\rtf1\\ansi \\'bb\\'fa\\'c3\\'dc\\u9733?5\\'c4\\'ea}")
    (folder / "word_xml.doc").write_bytes(
        b'<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument/>')
    (folder / "saved_as_html.doc").write_text(
        "<html xmlns:w='urn:schemas-microsoft-com:office:word'><head><meta charset='utf-8'><title>t</title>"
        "<!--[if gte mso 9]><xml><o:DocumentProperties><o:Created>2026-03-05T09:00:00Z</o:Created>"
        "</o:DocumentProperties><o:CustomDocumentProperties><o:_x5BC6__x7EA7_ dt:dt='string'>秘密"
        "</o:_x5BC6__x7EA7_><o:SecurityLevel dt:dt='string'>SECRET</o:SecurityLevel>"
        "</o:CustomDocumentProperties></xml><![endif]--></head>"
        "<body><div style='mso-element:header' id=h1><p>机密★5年</p></div><p>000123</p><p>机密★5年</p>"
        "<table><tr><td><p>密级：</p></td><td><p>机密</p></td></tr></table>"
        "<p style='page-break-before:always'>附件</p></body></html>", encoding="utf-8")
    (folder / "saved_as_text.wps").write_text("秘密★1年\n通知\n", encoding="utf-8")


#: File -> (status, reason, rules).
EXPECTED = {
    "sound.doc": ("complete", None, []),
    "doc_named.pdf": ("complete", None, []),
    "fat_loop.doc": ("not-examined", "corrupt: the WordDocument stream's sector chain loops or leaves its table",
                     ["ML901"]),
    "huge_stream.doc": ("not-examined", "corrupt: the WordDocument stream claims more bytes than the file has",
                        ["ML901"]),
    "piece_past_stream.doc": ("not-examined", "corrupt: the piece table points past the WordDocument stream",
                              ["ML901"]),
    "formatting_past_stream.doc": ("partial", "corrupt: character formatting not read (a table structure points "
                                   "past the table stream)", ["ML903"]),
    "truncated_file.doc": ("not-examined", "corrupt: the WordDocument stream's sector chain loops or leaves "
                           "its table", ["ML901"]),
    "truncated_stream.doc": ("not-examined", "corrupt: truncated FIB", ["ML901"]),
    "long_header.doc": ("partial", "corrupt: the header story runs past the text; headers and footers not read",
                        ["ML903"]),
    "huge_ccp.doc": ("not-examined", "corrupt: the main text runs past the piece table", ["ML901"]),
    "deep_directory.doc": ("not-examined", "corrupt: OLE directory nested too deep", ["ML901"]),
    "directory_cycle.doc": ("complete", None, []),
    "encrypted.doc": ("not-examined", "encrypted: password-protected legacy Word document", ["ML901"]),
    "obfuscated.wps": ("not-examined", "encrypted: password-protected legacy Word document", ["ML901"]),
    "word95.doc": ("not-examined", "unsupported format: Word 6/95 document (before Word 97), not read", ["ML901"]),
    "works.wps": ("not-examined", "unsupported format: Microsoft Works word processor document (.wps), not "
                  "Word's format", ["ML901"]),
    "other_ole.doc": ("not-examined", "unsupported format: OLE compound file without a WordDocument stream (not "
                      "a Word document; a .wps of Kingsoft WPS before WPS Office 2005 is not read)", ["ML901"]),
    "kingsoft_old.wps": ("not-examined", "unsupported format: not a Word binary document (a .wps of Kingsoft WPS "
                         "before WPS Office 2005, or another format)", ["ML901"]),
    "works_dos.wps": ("not-examined", "unsupported format: Microsoft Works 1-3 document (.wps), not Word's format",
                      ["ML901"]),
    "saved_as_rtf.doc": ("not-examined", "unsupported format: RTF document saved with a Word name (RTF is not "
                         "read)", ["ML901"]),
    "word_xml.doc": ("not-examined", "unsupported format: Word 2003 XML document (not read)", ["ML901"]),
    # The form row 密级：机密 is a field-style marking with no term, lower in form than the header's; the
    # custom property 密级 (秘密) disagrees with the page; the issue date is the metadata's creation date.
    "saved_as_html.doc": ("complete", None, ["ML108", "ML113", "ML114", "ML201"]),
    "saved_as_text.wps": ("complete", None, ["ML304"]),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("doc_hostile")
    build(folder)
    return folder


def test_every_file_gets_its_exact_status_reason_and_rules(corpus: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    report = marklint.scan([str(corpus)], Settings(as_of=AS_OF), jobs=1)
    elapsed = time.monotonic() - started
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    got = {Path(r.path).name: (r.status.value, reason_words(r.reason), sorted(f.rule for f in r.findings))
           for r in report.files}
    assert got == EXPECTED
    assert elapsed < 10, elapsed  # no loop followed, no claimed size allocated
    assert grown_kib < 200 * 1024, grown_kib


def test_html_saved_as_doc_is_read_by_its_blocks(corpus: Path) -> None:
    from marklint import driver

    document = driver.read_document(corpus / "saved_as_html.doc", "saved_as_html.doc", Settings())
    assert document.format == "html"
    assert driver.read_document(corpus / "doc_named.pdf", "doc_named.pdf", Settings()).format == "doc"
    assert [(u.part, u.page, u.line, u.text) for u in document.units] == [
        ("header", 1, 1, "机密★5年"), ("body", 1, 1, "000123"), ("body", 1, 2, "机密★5年"),
        ("table", 1, 1, "密级："), ("table", 1, 1, "机密"), ("body", 2, 1, "附件")]  # each cell its own unit
    assert document.properties == {"core:created": "2026-03-05T09:00:00Z", "custom:密级": "秘密",
                                   "custom:SecurityLevel": "SECRET"}


def test_olefile_is_not_imported_by_the_command_line() -> None:
    import subprocess

    code = "import sys, marklint.cli; print('olefile' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
