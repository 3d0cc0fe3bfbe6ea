"""Hostile and broken inputs (issue 5): a corpus the tests build themselves, scanned through the Python API
and through the command line in every output format.

Every file must come out with its exact status, reason and rules; the scan must finish in seconds with exit
status 1 and bounded memory; /etc/passwd must not leak through an external entity; and every input must be
byte-identical afterwards, with nothing written beside it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import re
import resource
import shutil
import socket
import stat
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import jsonschema
import pytest

import marklint
from marklint import baseline, driver, walk
from marklint.checks.context import Context
from marklint.checks.registry import RULES, get_rule
from marklint.config import Settings
from marklint.model import Finding, Status, reason_words
from marklint.parsers import pdf
from marklint.parsers.ocr import installed as ocr_installed
from tests.helpers import write_pdf_objects

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
DATA = Path(__file__).parent / "data" / "pdf"
AS_OF = date(2026, 11, 27)
MiB = 1024 * 1024
GiB = 1024 * MiB
#: A text report line: ``path:page:line: ML123 [severity] (part) message``.
FINDING_LINE = re.compile(r"(?P<path>.+?):\d+:\d+: (?P<rule>ML\d{3}) \[\w+\]( \(\w+\))? (?P<message>.*)")

# --- building the corpus -------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
BODY = f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>{{}}</w:t></w:r></w:p></w:body></w:document>'
XXE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + BODY.format("&xxe;")
)
XXE_IN_ATTRIBUTE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<w:document xmlns:w="{W_NS}"><w:body><w:p w:rsidR="&xxe;"/></w:body></w:document>'
)
# Ten entities, each ten of the one before: &lol9; would be 10^9 "lol"s.
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    + "]>" + BODY.format("&lol9;")
)
DEEP = f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>' + "<w:p>" * 50_000 + "</w:p>" * 50_000 + (
    "</w:body></w:document>")
NON_UTF8_NAME = b"\xb2\xe2\xca\xd4.txt"  # 测试.txt in GBK, as old Windows archives name files
#: Big enough that holding it whole, decoded and split (as marklint once did) breaks the 500 MiB budget.
LOG_BYTES = 192 * MiB


def write_docx(path: Path, document: str | bytes) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/document.xml", document)


def write_zip_bomb(path: Path) -> None:
    """A DOCX whose document.xml is 1 GiB of zeros, deflated to about a megabyte, written in 1 MiB pieces
    so the test never holds more than one of them."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        block = bytes(MiB)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(GiB // MiB):
                member.write(block)


def write_lying_zip(path: Path) -> None:
    """A DOCX whose document.xml inflates to 64 MiB but whose headers say 100 bytes: a reader that trusts
    the inflater rather than the declared size would hold it all."""
    write_docx(path, bytes(64 * MiB))
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo("word/document.xml").header_offset
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"word/document.xml"))  # its central directory entry
    data[local + 22 : local + 26] = (100).to_bytes(4, "little")
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))


def flate_bomb(size: int) -> bytes:
    """A zlib stream that inflates to ``size`` spaces. Every 1 MiB block is compressed with a full flush,
    which makes the compressed blocks identical: one is computed and repeated, so building takes no time."""
    block = b" " * MiB
    compressor = zlib.compressobj(9)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush()[:-4]  # the final empty block; its Adler-32 covers only two blocks
    checksum = 1
    for _ in range(size // MiB):
        checksum = zlib.adler32(block, checksum)
    return first + repeated * (size // MiB - 1) + end + checksum.to_bytes(4, "big")


def write_pdf(path: Path, pages: list[bytes], filter_name: bytes = b"", font_file: bytes | None = None) -> None:
    """A PDF whose pages have these content streams (already encoded with ``filter_name``), in Helvetica or,
    with ``font_file`` (Flate-encoded), in that embedded TrueType program. The font stands in the resources
    of the page tree's root, which every page inherits."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", font]
    if font_file is not None:
        objects[2] = b"<< /Type /Font /Subtype /TrueType /BaseFont /Embedded /FontDescriptor 4 0 R >>"
        objects.append(b"<< /Type /FontDescriptor /FontName /Embedded /Flags 32 /FontBBox [0 0 1000 1000] "
                       b"/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 5 0 R >>")
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(font_file) + font_file
                       + b"\nendstream")
    kids = []
    for content in pages:
        number = len(objects) + 1
        kids.append(b"%d 0 R" % number)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>" % (number + 1))
        extra = b" /Filter " + filter_name if filter_name else b""
        objects.append(b"<< /Length %d%s >>\nstream\n" % (len(content), extra) + content + b"\nendstream")
    objects[1] = (b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d " % len(pages)
                  + b"/Resources << /Font << /F1 3 0 R >> >> >>")
    with open(path, "wb") as out:
        write_pdf_objects(out, objects)


def write_ole(path: Path, streams: dict[str, bytes]) -> None:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding these streams, each stored in
    regular sectors. Enough for a reader that lists the directory, as Office and LibreOffice do first."""
    sector = 512
    data_sectors: list[bytes] = []
    starts = []
    for content in streams.values():
        starts.append(2 + len(data_sectors))  # sector 0 is the FAT, sector 1 the directory
        padded = content + bytes(-len(content) % sector)
        data_sectors.extend(padded[i : i + sector] for i in range(0, len(padded), sector))
    fat = [0xFFFFFFFD, 0xFFFFFFFE]  # the FAT sector itself, the one directory sector
    for start, content in zip(starts, streams.values(), strict=True):
        count = -(-len(content) // sector)
        fat.extend([start + i + 1 for i in range(count - 1)] + [0xFFFFFFFE])
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        return (encoded.ljust(64, b"\0") + bytes([len(encoded) & 0xFF, len(encoded) >> 8, kind, 1])
                + (0xFFFFFFFF).to_bytes(4, "little") + right.to_bytes(4, "little", signed=False)
                + child.to_bytes(4, "little") + bytes(16 + 4 + 16) + start.to_bytes(4, "little")
                + size.to_bytes(8, "little"))

    names = list(streams)
    none = 0xFFFFFFFF
    directory = entry("Root Entry", 5, 1 if names else none, none, 0xFFFFFFFE, 0)
    for index, (name, start) in enumerate(zip(names, starts, strict=True), start=1):
        directory += entry(name, 2, none, index + 1 if index < len(names) else none, start, len(streams[name]))
    directory = directory.ljust(sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + (0x3E).to_bytes(2, "little")
              + (3).to_bytes(2, "little") + b"\xfe\xff" + (9).to_bytes(2, "little") + (6).to_bytes(2, "little")
              + bytes(6) + (0).to_bytes(4, "little") + (1).to_bytes(4, "little") + (1).to_bytes(4, "little")
              + bytes(4) + (4096).to_bytes(4, "little") + (0xFFFFFFFE).to_bytes(4, "little") + bytes(4)
              + (0xFFFFFFFE).to_bytes(4, "little") + bytes(4) + (0).to_bytes(4, "little")
              + b"\xff" * (109 * 4 - 4))
    assert len(header) == sector
    fat_bytes = b"".join(value.to_bytes(4, "little") for value in fat)
    path.write_bytes(header + fat_bytes + directory + b"".join(data_sectors))


def word_binary(encrypted: bool) -> bytes:
    """The start of a Word binary WordDocument stream: wIdent, then the flags word with fEncrypted."""
    flags = 0x0100 if encrypted else 0
    return (0xA5EC).to_bytes(2, "little") + bytes(8) + flags.to_bytes(2, "little") + bytes(4096 - 12)


def build_corpus(folder: Path) -> None:
    folder.mkdir()
    gongwen_docx = (FIXTURES / "docx" / "clean_gongwen.docx").read_bytes()
    gongwen_pdf = (FIXTURES / "pdf" / "clean_gongwen.pdf").read_bytes()
    rng = random.Random(5)

    # Decompression and XML bombs, external entities.
    write_zip_bomb(folder / "bomb.docx")
    write_lying_zip(folder / "lying.docx")
    write_docx(folder / "xxe.docx", XXE)
    write_docx(folder / "xxe_attribute.docx", XXE_IN_ATTRIBUTE)
    write_docx(folder / "laughs.docx", LAUGHS)
    write_docx(folder / "deep.docx", DEEP)
    write_docx(folder / "utf16_xxe.docx", XXE.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    write_pdf(folder / "content_bomb.pdf", [flate_bomb(GiB)], b"/FlateDecode")
    write_pdf(folder / "font_bomb.pdf", [b"BT /F1 12 Tf 72 720 Td (page 1) Tj ET"], font_file=flate_bomb(GiB))
    # Empty, truncated and damaged files.
    for name in ("empty.docx", "empty.pdf", "empty.txt", "empty.md", "empty.doc", "empty.png"):
        (folder / name).write_bytes(b"")
    (folder / "truncated.docx").write_bytes(gongwen_docx[: len(gongwen_docx) // 2])
    (folder / "truncated.pdf").write_bytes(gongwen_pdf[: len(gongwen_pdf) // 2])
    (folder / "junk.pdf").write_bytes(b"%PDF-1.7\n" + rng.randbytes(64 * 1024))
    # Named for another format: read by content.
    (folder / "docx_named.pdf").write_bytes(gongwen_docx)
    (folder / "docx_named.doc").write_bytes(gongwen_docx)
    (folder / "pdf_named.docx").write_bytes(gongwen_pdf)
    write_ole(folder / "encrypted_office.docx", {"EncryptionInfo": bytes(600), "EncryptedPackage": bytes(600)})
    write_ole(folder / "legacy.docx", {"WordDocument": word_binary(False)})
    write_ole(folder / "legacy_password.doc", {"WordDocument": word_binary(True)})
    (folder / "binary.docx").write_bytes(bytes(range(256)) * 16)
    (folder / "photo.pdf").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(1000))
    with zipfile.ZipFile(folder / "sheet.xlsx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", PACKAGE_RELS.replace("word/document.xml", "xl/workbook.xml"))
        archive.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                                            'main"><sheets/></workbook>')
    # Formats that can carry a marking but are not read.
    (folder / "scan.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(1000))
    (folder / "memo.rtf").write_bytes(b"{\\rtf1\\ansi \\'bb\\'fa\\'c3\\'dc\\u9733?5\\'c4\\'ea}")
    # Files of no such format: skipped and counted.
    (folder / "notes.py").write_text("print('机密★5年')\n", encoding="utf-8")
    (folder / "song.mp3").write_bytes(b"ID3" + bytes(100))
    shutil.make_archive(str(folder.parent / "bundle"), "zip", FIXTURES / "text")
    shutil.move(str(folder.parent / "bundle.zip"), folder / "bundle.zip")
    # PDFs: many pages, no text layer, encryption.
    pages = [b"BT /F1 12 Tf 72 720 Td (page %d) Tj ET" % n for n in range(1, 2001)]
    write_pdf(folder / "pages2000.pdf", pages)
    shutil.copy(DATA / "image_only.pdf", folder / "image_only.pdf")
    shutil.copy(DATA / "no_unicode.pdf", folder / "no_unicode.pdf")
    shutil.copy(DATA / "encrypted_user_password.pdf", folder / "encrypted.pdf")
    shutil.copy(DATA / "encrypted_empty_password.pdf", folder / "encrypted_empty_password.pdf")
    # Things in the file system that are not files.
    (folder / "x.pdf").mkdir()
    (folder / "x.pdf" / "inside.txt").write_text("机密★5年\n", encoding="utf-8")
    os.mkfifo(folder / "y.docx")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(folder / "z.pdf"))
    os.symlink("/dev/zero", folder / "zero.txt")  # a device: read forever if opened
    os.symlink(".", folder / "loop")  # a folder cycle
    os.symlink("self.docx", folder / "self.docx")  # a link to itself
    os.symlink("gone.pdf", folder / "dangling.pdf")
    with open(os.path.join(os.fsencode(folder), NON_UTF8_NAME), "wb") as handle:
        handle.write("机密★5年\n".encode("gb18030"))
    (folder / "new\nline.txt").write_text("机密★5年\n", encoding="utf-8")  # a name that would forge a text line
    with zipfile.ZipFile(folder / "forged.docx", "w") as archive:  # so would this reason
        archive.writestr("mimetype", "x\n/etc/forged.docx:1:1: ML101 [error] forged")
    # Large files: text is read line by line (never whole); NULs named .txt are binary (a sparse file).
    with open(folder / "log.txt", "w", encoding="utf-8") as log:
        log.write("机密★5年\n")
        line = "日志 " * 200 + "\n"
        for _ in range(LOG_BYTES // len(line.encode("utf-8"))):
            log.write(line)
    with open(folder / "zeros.txt", "wb") as zeros:
        zeros.truncate(LOG_BYTES)


OCR = ocr_installed()
#: File (relative to the corpus) -> (status, the start of the reason, the rule IDs found), for
#: ``--as-of 2026-11-27``. Reasons are quoted as far as they are stable.
EXPECTED: dict[str, tuple[str, str | None, list[str]]] = {
    "bomb.docx": ("not-examined", "over a safety limit: word/document.xml is 1073741824 bytes uncompressed",
                  ["ML901"]),
    "lying.docx": ("not-examined", "corrupt: bad ZIP archive", ["ML901"]),
    "xxe.docx": ("not-examined", "corrupt: DTD in word/document.xml", ["ML901"]),
    "xxe_attribute.docx": ("not-examined", "corrupt: DTD in word/document.xml", ["ML901"]),
    "laughs.docx": ("not-examined", "corrupt: DTD in word/document.xml", ["ML901"]),
    "deep.docx": ("not-examined", "over a safety limit: XML depth", ["ML901"]),
    "utf16_xxe.docx": ("not-examined", "corrupt: DTD in word/document.xml", ["ML901"]),
    "content_bomb.pdf": ("not-examined", "over a safety limit: page 1 content, fonts and forms inflate to over",
                         ["ML901"]),
    "font_bomb.pdf": ("not-examined", "over a safety limit: page 1 content, fonts and forms inflate to over",
                      ["ML901"]),
    "empty.docx": ("not-examined", "corrupt: empty file", ["ML901"]),
    "empty.pdf": ("not-examined", "corrupt: empty file", ["ML901"]),
    "empty.txt": ("complete", None, []),
    "empty.md": ("complete", None, []),
    "empty.doc": ("not-examined", "corrupt: empty file", ["ML901"]),
    "empty.png": ("not-examined", "corrupt: empty file", ["ML901"]),
    "truncated.docx": ("not-examined", "corrupt: bad ZIP archive", ["ML901"]),
    "truncated.pdf": ("not-examined", "corrupt: not a readable PDF structure", ["ML901"]),
    "junk.pdf": ("not-examined", "corrupt: not a readable PDF structure", ["ML901"]),
    "docx_named.pdf": ("complete", None, []),
    "docx_named.doc": ("complete", None, []),
    "pdf_named.docx": ("complete", None, []),
    "encrypted_office.docx": ("not-examined", "encrypted: password-protected Office document", ["ML901"]),
    "legacy.docx": ("not-examined", "corrupt: FIB too short", ["ML901"]),  # a Word binary, read by content
    "legacy_password.doc": ("not-examined", "encrypted: password-protected legacy Word document", ["ML901"]),
    "binary.docx": ("not-examined", "unsupported format: content not recognised", ["ML901"]),
    # A JPEG header and no image: with the ocr extra it is opened and cannot be decoded (ML901); without
    # it, a scan is not opened and has no text to read (ML902, with the hint).
    "photo.pdf": (("not-examined", "corrupt: image cannot be decoded", ["ML901"]) if OCR
                  else ("partial", "no text layer; OCR is not installed", ["ML902"])),
    "sheet.xlsx": ("not-examined", "unsupported format: Excel workbook", ["ML901"]),
    "scan.jpg": (("not-examined", "corrupt: image cannot be decoded", ["ML901"]) if OCR
                 else ("partial", "no text layer; OCR is not installed", ["ML902"])),
    "memo.rtf": ("not-examined", "unsupported format: RTF document", ["ML901"]),
    "pages2000.pdf": ("complete", None, []),
    # A page of noise: OCR reads a line of it with low confidence (ML904) where it is installed.
    "image_only.pdf": ("complete", None, ["ML904"]) if OCR else ("partial", "no text layer; OCR is not", ["ML902"]),
    # Glyphs without Unicode: OCR reads what the page shows, tests/data/pdf/lines.pdf's spaced markings.
    "no_unicode.pdf": (("complete", None, ["ML103", "ML103", "ML103", "ML113", "ML201"]) if OCR
                       else ("partial", "no text layer; OCR is not", ["ML902"])),
    "encrypted.pdf": ("not-examined", "encrypted: a password is needed to open it", ["ML901"]),
    "encrypted_empty_password.pdf": ("complete", None, ["ML103", "ML103", "ML113", "ML201"]),
    "x.pdf/inside.txt": ("complete", None, ["ML304"]),
    "y.docx": ("not-examined", "unreadable: a FIFO (named pipe), not a file", ["ML901"]),
    "z.pdf": ("not-examined", "unreadable: a socket, not a file", ["ML901"]),
    "\\xb2\\xe2\\xca\\xd4.txt": ("complete", None, ["ML304"]),
    "new\\x0aline.txt": ("complete", None, ["ML304"]),
    "forged.docx": ("not-examined", "unsupported format: ZIP of type x\\x0a/etc/forged.docx:1:1: ML101", ["ML901"]),
    "log.txt": ("complete", None, ["ML304"]),
    "zeros.txt": ("not-examined", "unsupported format: binary content, not text", ["ML901"]),
}
#: What the walk passes over, with the reason (issue 14: symlinks are not followed while walking).
SKIPPED_PATHS = {
    "bundle.zip": walk.NOT_A_CARRIER, "notes.py": walk.NOT_A_CARRIER, "song.mp3": walk.NOT_A_CARRIER,
    "dangling.pdf": walk.LINK_NOT_FOLLOWED, "loop": walk.LINK_NOT_FOLLOWED, "self.docx": walk.LINK_NOT_FOLLOWED,
    "zero.txt": walk.LINK_NOT_FOLLOWED,
}
SKIPPED = len(SKIPPED_PATHS)
#: With --follow-symlinks: links inside the corpus are followed (and, broken, reported), the link to
#: /dev/zero leaves the folder given and is not, the link back to the corpus is walked already.
FOLLOWED_LINKS = {
    "self.docx": ("not-examined", "unreadable: symlink loop", ["ML901"]),
    "dangling.pdf": ("not-examined", "unreadable: no such file", ["ML901"]),
}
SKIPPED_FOLLOWING = {**{name: SKIPPED_PATHS[name] for name in ("bundle.zip", "notes.py", "song.mp3")},
                     "loop": walk.WALKED_ALREADY, "zero.txt": walk.LINK_OUTSIDE}
NOT_EXAMINED = sum(1 for status, _, _ in EXPECTED.values() if status == "not-examined")
PARTIAL = sum(1 for status, _, _ in EXPECTED.values() if status == "partial")


def fingerprint(folder: Path) -> dict[bytes, tuple]:
    """Every entry under ``folder`` (links not followed): its type, size, modification time and, for a
    regular file, the SHA-256 of its bytes. Equal before and after means nothing was changed, added or
    removed, not even a temporary copy."""
    seen: dict[bytes, tuple] = {}
    for parent, dirs, files in os.walk(os.fsencode(folder)):
        for name in dirs + files:
            path = os.path.join(parent, name)
            info = os.lstat(path)
            digest = None
            if stat.S_ISREG(info.st_mode):
                sha = hashlib.sha256()
                with open(path, "rb") as handle:
                    for block in iter(lambda h=handle: h.read(MiB), b""):
                        sha.update(block)
                digest = sha.hexdigest()
            elif stat.S_ISLNK(info.st_mode):
                digest = os.readlink(path)
            seen[os.path.relpath(path, os.fsencode(folder))] = (stat.S_IFMT(info.st_mode), info.st_size,
                                                                 info.st_mtime_ns, digest)
    return seen


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    build_corpus(folder)
    before = fingerprint(folder)
    yield folder
    assert fingerprint(folder) == before  # after every test of the module: inputs byte-identical, nothing added


def relative_results(files: list[dict], folder: Path) -> dict[str, tuple[str, str | None, list[str]]]:
    prefix = str(folder) + "/"
    out = {}
    for result in files:
        assert result["path"].startswith(prefix), result["path"]
        out[result["path"][len(prefix):]] = (result["status"], result["reason"],
                                             sorted(f["rule"] for f in result["findings"]))
    return out


def assert_matches_expected(got: dict[str, tuple[str, str | None, list[str]]],
                            expected: dict[str, tuple[str, str | None, list[str]]] = EXPECTED) -> None:
    assert sorted(got) == sorted(expected)
    for name, (status, reason, rules) in expected.items():
        got_status, got_reason, got_rules = got[name]
        assert (name, got_status, got_rules) == (name, status, rules)
        if reason is None:
            assert got_reason is None, name
        else:
            assert got_reason is not None and got_reason.startswith(reason), (name, got_reason)


# --- the API ------------------------------------------------------------------------------------------------


def test_every_file_gets_its_exact_status_reason_and_rules(corpus: Path) -> None:
    started = time.monotonic()
    report = marklint.scan([str(corpus)], Settings(as_of=AS_OF), jobs=1)
    elapsed = time.monotonic() - started
    assert_matches_expected(relative_results([f.to_json() for f in report.files], corpus))
    assert (report.skipped, report.not_examined, report.partial) == (SKIPPED, NOT_EXAMINED, PARTIAL)
    assert {path.removeprefix(f"{corpus}/"): reason for path, reason in report.skipped_paths} == SKIPPED_PATHS
    assert elapsed < 20, elapsed  # "in seconds": nothing is inflated, no page beyond the first and last is read


def test_with_follow_symlinks_links_are_followed_within_the_folder_given(corpus: Path) -> None:
    report = marklint.scan([str(corpus)], Settings(as_of=AS_OF, follow_symlinks=True), jobs=2)
    assert_matches_expected(relative_results([f.to_json() for f in report.files], corpus),
                            {**EXPECTED, **FOLLOWED_LINKS})
    assert {path.removeprefix(f"{corpus}/"): reason for path, reason in report.skipped_paths} == SKIPPED_FOLLOWING


def test_the_2000_page_pdf_is_read_at_its_first_and_last_page_only(corpus: Path) -> None:
    document = driver.read_document(corpus / "pages2000.pdf", "pages2000.pdf", Settings())
    assert (document.format, document.page_count) == ("pdf", 2000)
    assert [(unit.page, unit.text) for unit in document.units] == [(1, "page 1"), (2000, "page 2000")]


def test_content_is_read_by_what_it_is_not_by_its_name(corpus: Path) -> None:
    formats = {name: driver.read_document(corpus / name, name, Settings()).format
               for name in ("docx_named.pdf", "docx_named.doc", "pdf_named.docx")}
    assert formats == {"docx_named.pdf": "docx", "docx_named.doc": "docx", "pdf_named.docx": "pdf"}


def test_exclude_drops_unsupported_carriers(corpus: Path) -> None:
    report = marklint.scan([str(corpus)], Settings(as_of=AS_OF, exclude=["*.jpg", "*.rtf", "x.pdf"]), jobs=1)
    names = {result.path.removeprefix(str(corpus) + "/") for result in report.files}
    assert names == set(EXPECTED) - {"scan.jpg", "memo.rtf", "x.pdf/inside.txt"}
    assert report.skipped == SKIPPED  # excluded is not skipped: the user asked for it


def test_a_file_named_directly_is_examined_whatever_it_is(corpus: Path) -> None:
    names = ["y.docx", "z.pdf", "self.docx", "missing.docx", "x.pdf", "notes.py"]
    report = marklint.scan([str(corpus / name) for name in names], Settings(as_of=AS_OF), jobs=1)
    got = {r.path.removeprefix(str(corpus) + "/"): (r.status.value, reason_words(r.reason)) for r in report.files}
    assert got == {
        "y.docx": ("not-examined", "unreadable: a FIFO (named pipe), not a file"),
        "z.pdf": ("not-examined", "unreadable: a socket, not a file"),
        "self.docx": ("not-examined", "unreadable: symlink loop"),
        "x.pdf/inside.txt": ("complete", None),  # a folder named x.pdf is walked, never opened as a PDF
        "notes.py": ("complete", None),  # named directly: read by content, as text
    }
    assert report.not_found == [str(corpus / "missing.docx")]  # not a file: never examined, never counted
    assert report.seen == 5


# --- the command line ---------------------------------------------------------------------------------------


def run_cli(folder: Path, *args: str) -> tuple[subprocess.CompletedProcess[bytes], float]:
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-c", "from marklint.cli import main; main()", "scan", str(folder),
         "--as-of", AS_OF.isoformat(), "--lang", "en", *args],
        capture_output=True, timeout=120, check=False, cwd=folder.parent,
    )
    return completed, time.monotonic() - started


@pytest.fixture(scope="module")
def cli_runs(corpus: Path) -> dict[str, tuple[subprocess.CompletedProcess[bytes], float]]:
    return {fmt: run_cli(corpus, "--format", fmt) for fmt in ("json", "text", "sarif")}


def test_cli_exit_status_time_and_memory(corpus: Path, cli_runs: dict) -> None:
    for completed, elapsed in cli_runs.values():
        assert completed.returncode == 1, completed.stderr
        assert elapsed < 30, elapsed
    # The largest resident set of any process this test process waited for (the CLI and its workers).
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    assert peak < 500 * MiB, peak


def test_cli_json_lists_every_file(corpus: Path, cli_runs: dict) -> None:
    report = json.loads(cli_runs["json"][0].stdout)
    assert_matches_expected(relative_results(report["files"], corpus))
    assert report["summary"]["files"] == len(EXPECTED)
    assert report["summary"]["not_examined"] == NOT_EXAMINED


def test_cli_text_lists_every_file_not_completely_examined(corpus: Path, cli_runs: dict) -> None:
    lines = cli_runs["text"][0].stdout.decode("utf-8").splitlines()
    rules: dict[str, list[str]] = {}
    messages: dict[str, list[str]] = {}
    for line in lines[:-1]:
        # Every line is a finding about a corpus file: no name or reason could start a line of its own.
        found = FINDING_LINE.match(line)
        assert found is not None and found["path"].startswith(f"{corpus}/"), line
        name = found["path"].removeprefix(f"{corpus}/")
        rules.setdefault(name, []).append(found["rule"])
        messages.setdefault(name, []).append(found["message"])
    # The text format lists findings: a file appears when it has one, which every file not completely
    # examined has (ML901, ML902 or ML903); a clean complete file is counted in the summary only.
    assert {name: sorted(found) for name, found in rules.items()} == {
        name: rules for name, (_status, _reason, rules) in EXPECTED.items() if rules}
    for name, (status, reason, _rules) in EXPECTED.items():
        if status == "not-examined":
            assert f"not examined: {reason}" in messages[name][0], (name, messages[name])
    # With OCR, no_unicode.pdf is marked and complete (2 errors, 3 warnings) and image_only.pdf complete
    # (ML904); without it, the two JPEGs join them as partial (ML902 warnings, not ML901 errors).
    marked, errors, warnings = (9, 33, 6) if OCR else (8, 29, 6)
    assert lines[-1] == (f"{len(EXPECTED)} files scanned, {marked} marked, {NOT_EXAMINED} not examined, "
                         f"{PARTIAL} partially examined, {SKIPPED} skipped; "
                         f"{errors} errors, {warnings} warnings, 4 info")


def test_cli_sarif_lists_every_file(corpus: Path, cli_runs: dict) -> None:
    sarif = json.loads(cli_runs["sarif"][0].stdout)
    jsonschema.validate(sarif, json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text()))
    run = sarif["runs"][0]

    def name(location: dict) -> str:
        return location["uri"].removeprefix("corpus/")

    artifacts = {name(a["location"]): a["properties"] for a in run["artifacts"]}
    assert sorted(artifacts) == sorted(EXPECTED)
    for file, (status, reason, _rules) in EXPECTED.items():
        assert artifacts[file]["status"] == status, file
        assert (artifacts[file]["reason"] or "").startswith(reason or ""), file
    notifications = run["invocations"][0]["toolExecutionNotifications"]
    notified = [name(n["locations"][0]["physicalLocation"]["artifactLocation"]) for n in notifications
                if n["level"] == "error"]
    assert sorted(notified) == sorted(file for file, expected in EXPECTED.items() if expected[0] == "not-examined")
    # The paths the walk passed over are notes, as the run's properties list them (the JSON's skipped).
    noted = [(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], n["message"]["text"])
             for n in notifications if n["level"] == "note"]
    skipped = run["properties"]["skipped"]
    assert len(noted) == len(skipped) > 0
    for (uri, said), item in zip(noted, skipped, strict=True):  # paths relative to the folder the scan ran in
        assert (item["path"].endswith(f"/{uri}"), said) == (True, f"skipped: {item['reason']}")
    results = [(name(r["locations"][0]["physicalLocation"]["artifactLocation"]), r["ruleId"]) for r in run["results"]]
    assert sorted(results) == sorted((file, rule) for file, expected in EXPECTED.items() for rule in expected[2])


def test_nothing_leaks_from_an_external_entity(cli_runs: dict) -> None:
    secret = next(line for line in Path("/etc/passwd").read_text().splitlines() if line.startswith("root:"))
    for completed, _ in cli_runs.values():
        for stream in (completed.stdout, completed.stderr):
            text = stream.decode("utf-8")  # also: every output is valid UTF-8, whatever the file names
            assert secret not in text and "/bin/bash" not in text and "root:x:" not in text


def test_no_traceback_on_stderr(cli_runs: dict) -> None:
    for completed, _ in cli_runs.values():
        assert b"Traceback" not in completed.stderr and completed.stderr == b"", completed.stderr[-2000:]


# --- files that vanish or cannot be read ----------------------------------------------------------------------


def test_a_file_that_vanishes_after_the_walk_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("a.txt", "b.docx", "c.txt"):
        (folder / name).write_text("机密★5年\n", encoding="utf-8")
    walk_paths = driver.iter_paths

    def vanishing(paths: list[str], settings: Settings, skipped: list[int],
                  listed: list[tuple[str, str]] | None = None) -> Iterator[tuple[Path, str]]:
        for path, display in walk_paths(paths, settings, skipped, listed):
            if path.name == "b.docx":
                path.unlink()  # gone between the walk and the read
            yield path, display

    monkeypatch.setattr(driver, "iter_paths", vanishing)
    report = marklint.scan([str(folder)], Settings(as_of=AS_OF), jobs=1)
    got = {r.path.removeprefix(str(folder) + "/"): (r.status, reason_words(r.reason), [f.rule for f in r.findings])
           for r in report.files}
    assert got["b.docx"] == (Status.NOT_EXAMINED, "unreadable: no such file", ["ML901"])
    assert got["a.txt"][0] == got["c.txt"][0] == Status.COMPLETE


def test_a_folder_that_vanishes_during_the_walk_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("x\n", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("x\n", encoding="utf-8")
    walk = driver.iter_paths([str(folder)], Settings(), [0])
    assert next(walk)[1] == f"{folder}/a.txt"
    shutil.rmtree(folder / "sub")
    rest = list(walk)
    assert [display for _, display in rest] == [f"{folder}/sub"]
    document = driver.read_document(rest[0][0], rest[0][1], Settings())
    assert (document.status, reason_words(document.reason)) == (Status.NOT_EXAMINED, "unreadable: no such file")


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "docs"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.txt").write_text("x\n", encoding="utf-8")
    listing = os.scandir

    def refusing(path: os.PathLike[str] | str = ".") -> object:
        if os.fspath(path).endswith("locked"):  # as for a folder without read permission (tests run as root)
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", refusing)
    report = marklint.scan([str(folder)], Settings(as_of=AS_OF), jobs=1)
    got = {r.path.removeprefix(str(folder) + "/"): (r.status.value, reason_words(r.reason)) for r in report.files}
    assert got == {"a.txt": ("complete", None),
                   "locked": ("not-examined", "unreadable: a folder that cannot be listed (permission denied)")}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file whatever its permissions")
def test_a_file_without_read_permission_is_reported(tmp_path: Path) -> None:
    secret = tmp_path / "secret.docx"
    secret.write_bytes((FIXTURES / "docx" / "clean_gongwen.docx").read_bytes())
    secret.chmod(0)
    try:
        document = driver.read_document(secret, "secret.docx", Settings())
    finally:
        secret.chmod(0o600)
    assert (document.status, reason_words(document.reason)) == (Status.NOT_EXAMINED, "unreadable: permission denied")


def test_an_unexpected_exception_in_a_parser_is_that_files_ml901(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object) -> None:
        raise KeyError("boom")

    for name in ("a.pdf", "b.pdf"):
        shutil.copy(FIXTURES / "pdf" / "clean_gongwen.pdf", tmp_path / name)
    monkeypatch.setattr(pdf, "_parse", explode)
    report = marklint.scan([str(tmp_path)], Settings(as_of=AS_OF), jobs=1)
    assert [(r.status, reason_words(r.reason), [f.rule for f in r.findings]) for r in report.files] == [
        (Status.NOT_EXAMINED, "corrupt: malformed content", ["ML901"])] * 2


def test_an_unexpected_exception_in_a_check_is_that_files_ml901(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    declared = get_rule("ML101")

    def failing(ctx: Context) -> Iterator[Finding]:
        if ctx.document.path.endswith("bad.txt"):
            raise ZeroDivisionError
        yield from declared.check(ctx)

    monkeypatch.setitem(RULES, "ML101", dataclasses.replace(declared, check=failing))
    for name in ("bad.txt", "good.txt"):
        (tmp_path / name).write_text("秘密☆2年\n", encoding="utf-8")
    report = marklint.scan([str(tmp_path)], Settings(as_of=AS_OF), jobs=1)
    assert [(r.path.removeprefix(f"{tmp_path}/"), r.status, reason_words(r.reason), [f.rule for f in r.findings])
            for r in report.files] == [
        ("bad.txt", Status.NOT_EXAMINED, "corrupt: internal error in the checks", ["ML901"]),
        ("good.txt", Status.COMPLETE, None, ["ML101", "ML304"]),
    ]


# --- the walk and the PDF stream limit ------------------------------------------------------------------------


def test_symlinked_folders_are_walked_once_and_never_in_a_loop(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "far.txt").write_text("x\n", encoding="utf-8")
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "near.txt").write_text("x\n", encoding="utf-8")
    os.symlink(outside, folder / "away")  # outside the folder given: never followed
    os.symlink("..", folder / "sub" / "up")  # back to docs: a cycle
    os.symlink("sub", folder / "inner")  # the same folder by a link and by its name: walked once
    skipped, listed = [0], []
    shown = [display for _, display in driver.iter_paths([str(folder)], Settings(), skipped, listed)]
    assert shown == [f"{folder}/sub/near.txt"]  # links are not followed unless asked (issue 14)
    assert listed == [(f"{folder}/away", walk.LINK_NOT_FOLLOWED), (f"{folder}/inner", walk.LINK_NOT_FOLLOWED),
                      (f"{folder}/sub/up", walk.LINK_NOT_FOLLOWED)]
    assert skipped == [3]
    skipped, listed = [0], []
    following = Settings(follow_symlinks=True)
    shown = [display for _, display in driver.iter_paths([str(folder)], following, skipped, listed)]
    assert shown == [f"{folder}/inner/near.txt"]
    assert listed == [(f"{folder}/away", walk.LINK_OUTSIDE), (f"{folder}/sub", walk.WALKED_ALREADY),
                      (f"{folder}/inner/up", walk.WALKED_ALREADY)]
    # Named on the command line, a link is followed; the folder it names is one of the folders given.
    shown = [display for _, display in driver.iter_paths([str(folder / "away")], following, [0], [])]
    assert shown == [f"{folder}/away/far.txt"]


def test_names_given_directly_are_shown_printable(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"\xff\xfe.txt")
    with open(raw, "wb") as handle:
        handle.write("机密★5年\n".encode())
    report = marklint.scan([os.fsdecode(raw)], Settings(as_of=AS_OF), jobs=1)
    assert [(r.path, r.status) for r in report.files] == [(f"{tmp_path}/\\xff\\xfe.txt", Status.COMPLETE)]
    json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8")  # no lone surrogate left to fail on


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_baseline_fingerprint_hashes_a_file_whose_name_is_not_utf8(tmp_path: Path, jobs: int) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"\xff\xfe.txt")
    content = "机密*5年\n".encode()  # ML101: the separator is not ★
    with open(raw, "wb") as handle:
        handle.write(content)
    report = driver.scan_paths([os.fsdecode(raw)], Settings(as_of=AS_OF), fingerprints=True, root=tmp_path, jobs=jobs)
    key, finding, path = next(entry for entry in report.fingerprints if entry[1].rule == "ML101")
    assert path == "\\xff\\xfe.txt"
    assert key == baseline.fingerprint(finding, path, hashlib.sha256(content).hexdigest())


def test_pdf_stream_limit_is_configurable_and_spares_page_one(tmp_path: Path) -> None:
    path = tmp_path / "three.pdf"
    text = zlib.compress(b"BT /F1 12 Tf 72 720 Td (page) Tj ET")
    write_pdf(path, [text, text, flate_bomb(4 * MiB)], b"/FlateDecode")
    assert driver.read_document(path, "three.pdf", Settings()).status == Status.COMPLETE
    limits = dataclasses.replace(Settings().limits, max_pdf_stream_bytes=MiB)
    report = marklint.scan([str(path)], Settings(as_of=AS_OF, limits=limits), jobs=1)
    over = f"content, fonts and forms inflate to over {MiB} bytes"
    assert [(r.status, reason_words(r.reason), [f.rule for f in r.findings]) for r in report.files] == [
        (Status.PARTIAL, f"over a safety limit: page 3 {over}", ["ML903"])]
    write_pdf(path, [flate_bomb(4 * MiB)], b"/FlateDecode")
    document = driver.read_document(path, "three.pdf", Settings(limits=limits))
    assert (document.status, reason_words(document.reason)) == (Status.NOT_EXAMINED,
                                                               f"over a safety limit: page 1 {over}")


@pytest.mark.parametrize("after_keyword", [b"\n", b"\r\n", b"\r", b"  \n", b" junk\n"])
def test_raw_scan_counts_each_zlib_stream_however_its_line_ends(tmp_path: Path, after_keyword: bytes) -> None:
    from marklint.parsers.pdf_streams import inflates_within

    path = tmp_path / "one.pdf"
    inflated = b"BT /F1 12 Tf 72 720 Td (page) Tj ET " * 1000
    write_pdf(path, [zlib.compress(inflated)], b"/FlateDecode")
    path.write_bytes(path.read_bytes().replace(b"stream\n", b"stream" + after_keyword, 1))
    exact = path.stat().st_size + len(inflated)  # the file's bytes, and what its one stream inflates to
    assert (inflates_within(path, exact), inflates_within(path, exact - 1)) == (True, False)


def test_raw_scan_leaves_bombs_and_encrypted_files_to_the_page_measure(tmp_path: Path) -> None:
    from marklint.parsers.pdf_streams import inflates_within

    write_pdf(tmp_path / "bomb.pdf", [flate_bomb(4 * MiB)], b"/FlateDecode")
    assert not inflates_within(tmp_path / "bomb.pdf", MiB)
    assert inflates_within(tmp_path / "bomb.pdf", 5 * MiB)
    encrypted = Path(__file__).parent / "data" / "pdf" / "encrypted_empty_password.pdf"
    assert not inflates_within(encrypted, 1 << 40)
