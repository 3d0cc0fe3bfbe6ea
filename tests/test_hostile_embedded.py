"""Documents embedded in documents (issue 14, class 5): an altChunk (HTML, text, another DOCX), an
embedded package and an OLE object in a DOCX, a PDF attachment in the name tree and in a file-attachment
annotation. Each is read as a document of its own, listed under its container in every report, judged
by the same checks; a container marked lower than what it holds is ML113; what cannot be read leaves the
container partial (ML903); nesting depth and total size are bounded. The files are built here."""

from __future__ import annotations

import dataclasses
import io
import json
import quopri
import struct
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import httpx
import jsonschema
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, StreamObject, TextStringObject

import marklint
from bench.serve import AS_OF as SERVE_AS_OF
from bench.serve import serving
from marklint.config import Settings
from marklint.model import reason_words
from marklint.serve.openapi import SCHEMAS
from tests.helpers import PdfStream, write_pdf_objects
from tests.test_hostile import CONTENT_TYPES, PACKAGE_RELS, W_NS, flate_bomb, word_binary, write_ole, write_pdf

ROOT = Path(__file__).resolve().parent.parent
GONGWEN_DOCX = (ROOT / "fixtures" / "docx" / "clean_gongwen.docx").read_bytes()  # 机密★5年, a complete 公文
AS_OF = date(2026, 11, 27)
MiB = 1024 * 1024
GiB = 1024 * MiB
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ALT_CHUNK = f"{R_NS}/aFChunk"
PACKAGE = f"{R_NS}/package"
OLE_OBJECT = f"{R_NS}/oleObject"
NOTICE = "关于开展年度检查工作的通知"


def docx(lines: list[str], embedded: dict[str, tuple[str, bytes]] | None = None, alt_chunks: int = 0) -> bytes:
    """A DOCX whose body holds ``lines`` and, after them, the first ``alt_chunks`` of ``embedded`` (part
    name -> (relationship type, bytes)) as altChunks; the others are only related to the document."""
    body = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
    rels = []
    for number, (name, (kind, _)) in enumerate((embedded or {}).items(), start=1):
        rels.append(f'<Relationship Id="rId{number}" Type="{kind}" Target="{name.removeprefix("word/")}"/>')
        if number <= alt_chunks:
            body += f'<w:altChunk r:id="rId{number}"/>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}'
                                              "</w:body></w:document>")
        archive.writestr("word/_rels/document.xml.rels",
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         + "".join(rels) + "</Relationships>")
        for name, (_, data) in (embedded or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def pdf_with_attachments(folder: Path, files: dict[str, bytes], annotated: dict[str, bytes] | None = None,
                         text: bytes = b"Notice") -> bytes:
    """A one-page PDF showing ``text``, with ``files`` in its /EmbeddedFiles name tree and ``annotated``
    attached through file-attachment annotations on its page."""
    write_pdf(folder / "base.pdf", [b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"])
    writer = PdfWriter(clone_from=str(folder / "base.pdf"))
    for name, data in files.items():
        writer.add_attachment(name, data)
    for name, data in (annotated or {}).items():
        stream = StreamObject()
        stream.set_data(data)
        stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
        spec = DictionaryObject({NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject(name),
                                 NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(stream)})})
        annotation = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (72, 600, 92, 620)]),
            NameObject("/FS"): writer._add_object(spec)})
        writer.add_annotation(0, annotation)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def web_archive(html: str) -> bytes:
    """A web archive (MIME) holding ``html`` in GB2312, quoted-printable, as Word saves a web page."""
    return (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="part"\r\n\r\n--part\r\n'
            b'Content-Type: text/html; charset="gb2312"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
            + quopri.encodestring(html.encode("gb2312")) + b"\r\n--part--\r\n")


def scan(tmp_path: Path, files: dict[str, bytes], **limits: int) -> list[tuple]:
    """(path below ``tmp_path``, format, status, reason, primary marking, rules) of every entry of a scan of
    ``files``, each container before what it holds."""
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    settings = Settings(as_of=AS_OF, limits=dataclasses.replace(Settings().limits, **limits))
    report = marklint.scan([str(tmp_path / name) for name in files], settings)
    return [(entry.path.removeprefix(f"{tmp_path}/"), entry.format, entry.status.value, reason_words(entry.reason),
             next((m["text"] for m in entry.markings if m["primary"]), None), [f.rule for f in entry.findings])
            for top in report.files for entry in top.with_embedded()]


def test_docx_altchunks_are_read_as_documents(tmp_path: Path) -> None:
    html = "<html><head><style>p {}</style></head><body><p>机密★5年</p><p>附件说明</p></body></html>"
    container = docx([NOTICE], {
        "word/afchunk1.htm": (ALT_CHUNK, html.encode("utf-8")),
        "word/afchunk2.txt": (ALT_CHUNK, "秘密★1年\n备忘\n".encode("gb18030")),
        "word/afchunk3.docx": (ALT_CHUNK, GONGWEN_DOCX),
        "word/afchunk4.mht": (ALT_CHUNK, web_archive("<html><body><p>秘密★6个月</p></body></html>")),
    }, alt_chunks=4)
    assert scan(tmp_path, {"notice.docx": container}) == [
        ("notice.docx", "docx", "complete", None, None, ["ML113"]),
        ("notice.docx!/word/afchunk1.htm", "html", "complete", None, "机密★5年", ["ML304"]),
        ("notice.docx!/word/afchunk2.txt", "text", "complete", None, "秘密★1年", ["ML304"]),
        ("notice.docx!/word/afchunk3.docx", "docx", "complete", None, "机密★5年", []),
        ("notice.docx!/word/afchunk4.mht", "html", "complete", None, "秘密★6个月", ["ML304"]),
    ]


def packager(label: str, content: bytes) -> bytes:
    """An Ole10Native stream: the object packager's header (label, source path, temporary path) and the file."""
    temporary = b"C:\\Temp\\" + label.encode("gb18030") + b"\0"
    body = (b"\x02\x00" + label.encode("gb18030") + b"\0" + b"C:\\" + label.encode("gb18030") + b"\0"
            + b"\x00\x00\x03\x00" + struct.pack("<I", len(temporary)) + temporary
            + struct.pack("<I", len(content)) + content)
    return struct.pack("<I", len(body)) + body


def test_embedded_packages_and_ole_objects(tmp_path: Path) -> None:
    write_ole(tmp_path / "ole.bin", {"WordDocument": word_binary(False)})
    write_ole(tmp_path / "packaged.bin", {"\x01Ole10Native": packager("附件.docx", GONGWEN_DOCX)})
    container = docx(["秘密★1年", NOTICE], {
        "word/embeddings/Microsoft_Word_Document.docx": (PACKAGE, GONGWEN_DOCX),
        "word/embeddings/oleObject1.bin": (OLE_OBJECT, (tmp_path / "ole.bin").read_bytes()),
        "word/embeddings/oleObject2.bin": (OLE_OBJECT, (tmp_path / "packaged.bin").read_bytes()),
    })
    reason = "embedded document not read whole: word/embeddings/oleObject1.bin"
    assert scan(tmp_path, {"memo.docx": container}) == [
        ("memo.docx", "docx", "partial", reason, "秘密★1年", ["ML903", "ML113", "ML304"]),
        ("memo.docx!/word/embeddings/Microsoft_Word_Document.docx", "docx", "complete", None, "机密★5年", []),
        # A Word binary, read as one (issue 15): this one's FIB is a stub.
        ("memo.docx!/word/embeddings/oleObject1.bin", "bin", "not-examined", "corrupt: FIB too short", None,
         ["ML901"]),
        ("memo.docx!/word/embeddings/oleObject2.bin!/附件.docx", "docx", "complete", None, "机密★5年", []),
    ]


def test_pdf_attachments_in_the_name_tree_and_in_annotations(tmp_path: Path) -> None:
    outer = pdf_with_attachments(tmp_path, {"annex.docx": GONGWEN_DOCX, "table.xlsx": b"PK\x03\x04junk"},
                                 {"memo.txt": "绝密★长期\n".encode()})
    assert scan(tmp_path, {"outer.pdf": outer}) == [
        ("outer.pdf", "pdf", "partial", "embedded document not read whole: table.xlsx", None,
         ["ML113", "ML903"]),
        ("outer.pdf!/annex.docx", "docx", "complete", None, "机密★5年", []),
        ("outer.pdf!/page1/memo.txt", "text", "complete", None, "绝密★长期", ["ML203"]),
        ("outer.pdf!/table.xlsx", "xlsx", "not-examined", "corrupt: bad ZIP archive", None, ["ML901"]),
    ]


def test_a_pdf_attached_to_a_docx_attached_to_a_pdf(tmp_path: Path) -> None:
    inner_pdf = pdf_with_attachments(tmp_path, {}, text=b"Inner")
    middle = docx(["机密★5年", NOTICE], {"word/embeddings/inner.pdf": (PACKAGE, inner_pdf)})
    outer = pdf_with_attachments(tmp_path, {"middle.docx": middle})
    assert scan(tmp_path, {"outer.pdf": outer}) == [
        ("outer.pdf", "pdf", "complete", None, None, ["ML113"]),
        ("outer.pdf!/middle.docx", "docx", "complete", None, "机密★5年", ["ML304"]),
        ("outer.pdf!/middle.docx!/word/embeddings/inner.pdf", "pdf", "complete", None, None, []),
    ]


def test_nesting_depth_and_total_size_are_bounded(tmp_path: Path) -> None:
    nested = docx(["秘密★1年"])
    for level in range(4, 0, -1):
        nested = docx([f"level {level}"], {f"word/embeddings/level{level + 1}.docx": (PACKAGE, nested)})
    deep = "embedded document not read whole: word/embeddings/"
    got = scan(tmp_path, {"deep.docx": nested})
    assert [(path, status, reason) for path, _, status, reason, _, _ in got] == [
        ("deep.docx", "partial", deep + "level2.docx"),
        ("deep.docx!/word/embeddings/level2.docx", "partial", deep + "level3.docx"),
        ("deep.docx!/word/embeddings/level2.docx!/word/embeddings/level3.docx", "partial", deep + "level4.docx"),
        ("deep.docx!/word/embeddings/level2.docx!/word/embeddings/level3.docx!/word/embeddings/level4.docx",
         "partial", deep + "level5.docx"),
        ("deep.docx!/word/embeddings/level2.docx!/word/embeddings/level3.docx!/word/embeddings/level4.docx"
         "!/word/embeddings/level5.docx", "not-examined", "over a safety limit: embedded more than 3 deep"),
    ]
    two = docx([NOTICE], {"word/embeddings/a.docx": (PACKAGE, GONGWEN_DOCX),
                          "word/embeddings/b.docx": (PACKAGE, GONGWEN_DOCX)})
    over = f"over a safety limit: embedded documents over {len(GONGWEN_DOCX) + 10} bytes in all"
    assert [row[2:4] for row in scan(tmp_path, {"two.docx": two}, max_embedded_bytes=len(GONGWEN_DOCX) + 10)] == [
        ("partial", "embedded document not read whole: word/embeddings/b.docx"), ("complete", None),
        ("not-examined", over)]


MEASURE = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "marklint", "scan", "--format", "json", "--as-of", "2026-11-27",
                       sys.argv[1]], capture_output=True, preexec_fn=lambda: resource.setrlimit(
                       resource.RLIMIT_AS, (4 << 30, 4 << 30)))
print(done.stdout.decode())
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""


def test_an_attachment_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    bomb = flate_bomb(GiB)  # 1 GiB of spaces in about a megabyte
    with open(tmp_path / "bomb.pdf", "wb") as out:
        write_pdf_objects(out, [
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(annex.txt) 5 0 R] >> >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
            PdfStream(b"", b"BT /F1 12 Tf 72 720 Td (Notice) Tj ET"),
            b"<< /Type /Filespec /F (annex.txt) /EF << /F 6 0 R >> >>",
            PdfStream(b"/Type /EmbeddedFile /Filter /FlateDecode", bomb),
        ])
    done = subprocess.run([sys.executable, "-c", MEASURE, str(tmp_path / "bomb.pdf")], capture_output=True,
                          text=True, timeout=120, check=True)
    report, status, peak = done.stdout.rsplit(maxsplit=2)
    [outer] = json.loads(report)["files"]
    [annex] = outer["embedded"]
    assert (outer["status"], outer["reason"], [f["rule"] for f in outer["findings"]]) == (
        "partial", "embedded document not read whole: annex.txt", ["ML903"])
    assert (annex["status"], annex["reason"], [f["rule"] for f in annex["findings"]]) == (
        "not-examined", "over a safety limit: attachment decodes past 75 MB", ["ML901"])
    assert int(status) == 1
    assert int(peak) < 512 * MiB, peak  # pypdf stops inflating at its own 75 MB cap


def test_cli_reports_embedded_documents_in_every_format(tmp_path: Path) -> None:
    (tmp_path / "outer.pdf").write_bytes(pdf_with_attachments(tmp_path, {"annex.docx": GONGWEN_DOCX}))
    (tmp_path / "base.pdf").unlink()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "marklint", "scan", "outer.pdf", "--as-of", "2026-11-27",
                               "--lang", "en", *args], capture_output=True, text=True, cwd=tmp_path, check=False)

    text = run("--show-files")
    assert (text.returncode, text.stdout.splitlines()) == (1, [
        "outer.pdf: [complete] no marking",
        'outer.pdf:0:0: ML113 [error] the file carries no marking, but the embedded document "annex.docx" is '
        'marked "机密★5年"',
        "outer.pdf!/annex.docx: [complete] 机密★5年",
        "2 files scanned, 1 marked, 0 not examined, 0 partially examined, 0 skipped; 1 error, 0 warnings, 0 info",
    ])
    report = json.loads(run("--format", "json").stdout)
    [outer] = report["files"]
    [annex] = outer["embedded"]
    assert (annex["path"], annex["format"], annex["status"], [m["text"] for m in annex["markings"]],
            annex["findings"], "embedded" in annex) == ("outer.pdf!/annex.docx", "docx", "complete", ["机密★5年"],
                                                        [], False)
    assert report["summary"] == {"files": 2, "marked": 1, "not_examined": 0,
                                 "findings": {"error": 1, "warning": 0, "info": 0}, "partial": 0, "skipped": 0}
    sarif = json.loads(run("--format", "sarif").stdout)["runs"][0]
    assert [a["location"]["uri"] for a in sarif["artifacts"]] == ["outer.pdf", "outer.pdf!/annex.docx"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
            for r in sarif["results"]] == [("ML113", "outer.pdf")]
    assert run("-j", "2", "--show-files").stdout == text.stdout
    # A baseline records the embedded documents' findings too (the annex's ML304, the container's ML113).
    (tmp_path / "outer.pdf").write_bytes(pdf_with_attachments(tmp_path, {"annex.txt": "秘密★1年\n".encode()}))
    assert run("--write-baseline", "baseline.json").returncode == 1
    assert len(json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))["entries"]) == 2
    assert run("--baseline", "baseline.json").returncode == 0
    (tmp_path / "outer.pdf").write_bytes(pdf_with_attachments(tmp_path, {"annex.docx": GONGWEN_DOCX}))
    stats = subprocess.run([sys.executable, "-m", "marklint", "stats", "outer.pdf", "--format", "json", "--as-of",
                            "2026-11-27"], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert json.loads(stats.stdout)["files"] == {  # the scan's summary counts: the annex is a document too
        "scanned": 2, "marked": 1, "classified": 1, "not_examined": 0, "partial": 0, "ledger_files": 0,
        "ledger_rows_not_found": 0}


def test_the_service_judges_a_file_with_what_it_holds(tmp_path: Path) -> None:
    """POST /v1/check: the entry lists the attachment with its own verdict, and SARIF has an artifact for
    each (the service's SARIF once paired artifacts and uploaded files one to one)."""
    outer = pdf_with_attachments(tmp_path, {"annex.txt": "秘密☆1年\n".encode()})
    with serving(tmp_path / "serve.log", "--workers", "1") as server:
        def check(**params: str) -> httpx.Response:
            return httpx.post(server.url + "/v1/check", params={"as_of": SERVE_AS_OF, **params},
                              files={"file": ("outer.pdf", outer)}, timeout=60)

        answer = check().json()
        sarif = check(format="sarif").json()["runs"][0]
    jsonschema.validate(answer, {**SCHEMAS["FileEntry"], "components": {"schemas": SCHEMAS}})
    assert (answer["verdict"], [f["rule"] for f in answer["findings"]]) == ("block", ["ML113"])
    [annex] = answer["embedded"]
    assert (annex["path"], annex["verdict"], [f["rule"] for f in annex["findings"]]) == (
        "outer.pdf!/annex.txt", "block", ["ML101", "ML304"])
    assert [(a["location"]["uri"], a["properties"]["verdict"]) for a in sarif["artifacts"]] == [
        ("outer.pdf", "block"), ("outer.pdf!/annex.txt", "block")]
