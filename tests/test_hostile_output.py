"""Hostile inputs, round two (issue 14): where reports go (class 3), the ledger (10), text in UTF-32 (8) and
control characters quoted from documents (11). Every input is built here; the CLI runs as a user runs it,
in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

AS_OF = ["--as-of", "2026-11-27"]
MARKED = "关于做好年度工作的通知\n机密★5年\n各单位：\n"
ML304_LINE = "memo.txt:1:2: ML304 [info]"


def marklint(*args: str, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "marklint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture()
def memo(tmp_path: Path) -> Path:
    (tmp_path / "memo.txt").write_text(MARKED, encoding="utf-8")
    return tmp_path


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


# --- class 3: --output and the other report paths ---------------------------------------------------------


def null_device(folder: Path) -> str:
    """A character device that discards what is written: a node of the null device of our own where we may
    make one (root), so that no other program's run can change it under the test; else /dev/null."""
    if os.geteuid() == 0:
        os.mknod(folder / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        return str(folder / "null")
    return "/dev/null"


def test_output_to_a_device_writes_through_and_keeps_it_a_device(memo: Path) -> None:
    device = null_device(memo)
    before = os.stat(device)
    assert stat.S_ISCHR(before.st_mode)
    done = marklint("scan", "memo.txt", *AS_OF, "-o", device, "--json-output", device, "--sarif-output", device,
                    cwd=memo)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev, stat.S_IMODE(after.st_mode)) == (
        before.st_ino, before.st_rdev, stat.S_IMODE(before.st_mode))
    stats = marklint("stats", "memo.txt", *AS_OF, "-o", device, cwd=memo)
    assert (stats.returncode, stats.stderr) == (0, "")
    assert stat.S_ISCHR(os.stat(device).st_mode) and os.stat(device).st_ino == before.st_ino
    assert leftovers(memo) == []


@pytest.mark.parametrize("option", ["-o", "--json-output", "--sarif-output"])
def test_a_full_disk_is_one_line_and_exit_2(memo: Path, option: str) -> None:
    done = marklint("scan", "memo.txt", *AS_OF, "-q", option, "/dev/full", cwd=memo)
    assert done.returncode == 2
    assert done.stderr == "marklint: 无法写入 /dev/full：磁盘已满\n"
    for output_format in ("csv", "xlsx"):
        stats = marklint("stats", "memo.txt", *AS_OF, "--format", output_format, "-o", "/dev/full", "--lang", "en",
                         cwd=memo)
        assert (stats.returncode, stats.stderr.splitlines()[-1]) == (
            2, "marklint: cannot write /dev/full: no space left on the device")
    assert leftovers(Path("/dev")) == []


def test_output_to_a_fifo_is_written_through(memo: Path) -> None:
    fifo = memo / "report.fifo"
    os.mkfifo(fifo)
    read: list[str] = []

    def reader() -> None:
        with open(fifo, encoding="utf-8") as stream:
            read.append(stream.read())

    thread = threading.Thread(target=reader)
    thread.start()
    done = marklint("scan", "memo.txt", *AS_OF, "--format", "json", "-o", str(fifo), cwd=memo)
    thread.join(30)
    assert done.returncode == 0 and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [f["path"] for f in json.loads(read[0])["files"]] == ["memo.txt"]
    assert leftovers(memo) == []


def test_dash_is_standard_output(memo: Path) -> None:
    done = marklint("scan", "memo.txt", *AS_OF, "-q", "-o", "-", cwd=memo)
    assert done.returncode == 0 and done.stdout.startswith(ML304_LINE) and len(done.stdout.splitlines()) == 1
    assert not (memo / "-").exists()
    stats = marklint("stats", "memo.txt", *AS_OF, "--format", "json", "-o", "-", cwd=memo)
    assert json.loads(stats.stdout)["files"]["scanned"] == 1 and not (memo / "-").exists()


def test_a_symlink_stays_a_link_and_its_target_is_replaced_keeping_its_mode(memo: Path) -> None:
    (memo / "reports").mkdir()
    target = memo / "reports" / "scan.txt"
    target.write_text("old report\n", encoding="utf-8")
    target.chmod(0o640)
    (memo / "latest.txt").symlink_to("reports/scan.txt")
    done = marklint("scan", "memo.txt", *AS_OF, "-q", "-o", "latest.txt", cwd=memo)
    assert done.returncode == 0
    assert os.readlink(memo / "latest.txt") == "reports/scan.txt"
    assert target.read_text(encoding="utf-8").startswith(ML304_LINE)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(memo) == [] and leftovers(memo / "reports") == []
    # A dangling link: its target is created, the link kept.
    (memo / "next.json").symlink_to("reports/next.json")
    done = marklint("scan", "memo.txt", *AS_OF, "--format", "json", "-o", "next.json", cwd=memo)
    assert done.returncode == 0 and os.path.islink(memo / "next.json")
    assert json.loads((memo / "reports" / "next.json").read_text(encoding="utf-8"))["summary"]["files"] == 1


def test_an_existing_report_keeps_its_mode(memo: Path) -> None:
    report = memo / "report.json"
    report.write_text("{}", encoding="utf-8")
    report.chmod(0o600)
    assert marklint("scan", "memo.txt", *AS_OF, "--json-output", "report.json", "-q", cwd=memo).returncode == 0
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["files"] == 1


def test_a_missing_folder_is_one_line_and_exit_2(memo: Path) -> None:
    for args in (["scan", "memo.txt", "-o", "no/such/report.txt"], ["scan", "memo.txt", "--json-output", "no/r.json"],
                 ["stats", "memo.txt", "-o", "no/such/stats.csv", "--format", "csv"]):
        done = marklint(*args, *AS_OF, "-q" if args[0] == "scan" else "--as-of=2026-11-27", cwd=memo)
        assert done.returncode == 2
        shown = next(arg for arg in args if arg.startswith("no/"))
        assert done.stderr.splitlines()[-1] == f"marklint: 无法写入 {shown}：文件夹不存在"
        assert "Traceback" not in done.stderr
    assert sorted(os.listdir(memo)) == ["memo.txt"]


def test_a_folder_is_refused(memo: Path) -> None:
    (memo / "out").mkdir()
    done = marklint("scan", "memo.txt", *AS_OF, "-q", "-o", "out", cwd=memo)
    assert (done.returncode, done.stderr) == (2, "marklint: 无法写入 out：这是文件夹\n")
    done = marklint("scan", "memo.txt", *AS_OF, "-q", "-o", "out", "--lang", "en", cwd=memo)
    assert (done.returncode, done.stderr) == (2, "marklint: cannot write out: it is a folder\n")
    assert os.listdir(memo / "out") == []


def test_a_read_only_folder_is_one_line_and_exit_2(memo: Path) -> None:
    folder = memo / "ro"
    folder.mkdir()
    (folder / "old.txt").write_text("old report\n", encoding="utf-8")
    command = [sys.executable, "-m", "marklint", "scan", "memo.txt", *AS_OF, "-q", "-o", "ro/old.txt", "--lang", "en"]
    if os.geteuid() == 0:  # root writes into any folder: make it a read-only file system (a bind mount)
        if shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"]).returncode != 0:
            pytest.skip("root without a mount namespace: no folder is read-only to root")
        command = ["unshare", "-m", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"', str(folder), *command]
    else:
        folder.chmod(0o555)
    done = subprocess.run(command, cwd=memo, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    folder.chmod(0o755)
    assert done.returncode == 2, done.stderr
    assert done.stderr in ("marklint: cannot write ro/old.txt: read-only file system\n",
                           "marklint: cannot write ro/old.txt: permission denied\n")
    assert sorted(os.listdir(folder)) == ["old.txt"]
    assert (folder / "old.txt").read_text(encoding="utf-8") == "old report\n"


# --- class 10: the ledger ----------------------------------------------------------------------------------

LEDGER_HEADER = "文件,密级,保密期限\n"


def test_a_ledger_row_the_csv_module_refuses_is_said_in_chinese_by_default(memo: Path) -> None:
    (memo / "ledger.csv").write_text(LEDGER_HEADER + "memo.txt,机密,5年\nb.txt,秘\rx,1年\n", encoding="utf-8",
                                     newline="")
    done = marklint("scan", "memo.txt", *AS_OF, "--ledger", "ledger.csv", cwd=memo)
    assert (done.returncode, done.stderr) == (
        2, "marklint: 台账 ledger.csv 第 3 行：无法按 CSV 读取：未加引号的字段中有单独的回车符（CR）\n")


@pytest.mark.parametrize(("content", "message"), [
    (LEDGER_HEADER + "memo.txt,机密,5年\nb.txt,秘\rx,1年\n",
     "row 3: not readable as CSV: a bare CR (carriage return) in an unquoted field"),
    (LEDGER_HEADER + "memo.txt,机密," + "5" * 200_000 + "\n",
     "row 2: not readable as CSV: field larger than field limit (131072)"),
], ids=["bare-cr", "over-long-field"])  # short ids: pytest puts the id in PYTEST_CURRENT_TEST, which the child inherits
def test_a_ledger_the_csv_module_refuses_names_the_row(memo: Path, content: str, message: str) -> None:
    (memo / "ledger.csv").write_text(content, encoding="utf-8", newline="")
    done = marklint("scan", "memo.txt", *AS_OF, "--ledger", "ledger.csv", "--lang", "en", cwd=memo)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"marklint: ledger ledger.csv, {message}\n")


def test_a_ledger_that_is_a_fifo_or_device_is_refused_without_hanging(memo: Path) -> None:
    os.mkfifo(memo / "ledger.csv")
    for ledger in ("ledger.csv", "/dev/zero"):
        done = marklint("scan", "memo.txt", *AS_OF, "--ledger", ledger, cwd=memo, timeout=30)
        assert (done.returncode, done.stderr) == (2, f"marklint: 台账 {ledger}：不是普通文件\n")


# --- class 8: UTF-32 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be"])
def test_utf32_text_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "memo.txt").write_bytes("\ufeff".encode(encoding) + MARKED.encode(encoding))
    done = marklint("scan", "memo.txt", *AS_OF, "--format", "json", cwd=tmp_path)
    [entry] = json.loads(done.stdout)["files"]
    assert (entry["status"], [m["text"] for m in entry["markings"]], [f["rule"] for f in entry["findings"]]) == (
        "complete", ["机密★5年"], ["ML304"])


# --- class 11: control characters quoted from documents ----------------------------------------------------

#: Line breaks of every kind: each would split a finding's line on a terminal, or forge a new one.
CONTROLS = "\r\n\x0b\x0c\x85\u2028\u2029"
ESCAPED = "\\x0d\\x0a\\x0b\\x0c\\x85\\u2028\\u2029"
#: What XML 1.0 can carry (no VT or FF) in a property's name.
XML_CONTROLS, XML_ESCAPED = "\r\n\x85\u2028\u2029", "\\x0d\\x0a\\x85\\u2028\\u2029"


def write_pdf_with_info(path: Path, info: dict[str, str]) -> None:
    """A one-page PDF (机密★5年 is not on it: the page says ``page 1``) whose Info dictionary has these
    entries: names in UTF-8, ``#``-escaped, values as UTF-16 strings."""
    def text(value: str) -> bytes:
        return b"<" + ("\ufeff" + value).encode("utf-16-be").hex().encode() + b">"

    content = b"BT /F1 12 Tf 72 720 Td (page 1) Tj ET"
    def name(key: str) -> bytes:
        return b"/" + b"".join(bytes([c]) if 0x21 < c < 0x7F and c != 0x23 else b"#%02X" % c for c in key.encode())

    entries = b" ".join(name(key) + b" " + text(value) for key, value in info.items())
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< " + entries + b" >>"]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def write_docx_with_custom_property(path: Path, name: str, value: str) -> None:
    def escape(text: str) -> str:
        return "".join(f"&#{ord(c)};" if not c.isprintable() or c in "<>&\"" else c for c in text)

    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
        'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
        'main+xml"/><Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.custom-properties+xml"/></Types>')
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/><Relationship Id="rId2" '
        'Target="docProps/custom.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'custom-properties"/></Relationships>')
    document = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                '<w:p><w:r><w:t>关于做好年度工作的通知</w:t></w:r></w:p></w:body></w:document>')
    custom = (
        '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/'
        'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/docPropsVTypes"><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" '
        f'name="{escape(name)}"><vt:lpwstr>{escape(value)}</vt:lpwstr></property></Properties>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", document)
        archive.writestr("docProps/custom.xml", custom)


def test_control_characters_from_documents_are_escaped_in_text_and_exact_in_json(tmp_path: Path) -> None:
    # TOP SECRET, its words apart by line breaks: a value read as 绝密, quoted as it is.
    write_pdf_with_info(tmp_path / "info.pdf", {"Classification": f"TOP{CONTROLS}SECRET"})
    write_docx_with_custom_property(tmp_path / "custom.docx", f"密级{XML_CONTROLS}", "秘密")
    done = marklint("scan", "info.pdf", "custom.docx", *AS_OF, "--lang", "en", "--show-files", cwd=tmp_path)
    assert done.stdout.splitlines() == [
        "info.pdf: [complete] no marking",
        f'info.pdf:0:0: ML114 [warning] (metadata) metadata "info:Classification" says "绝密" ("TOP{ESCAPED}SECRET") '
        "but the page shows no marking",
        "custom.docx: [complete] no marking",
        f'custom.docx:0:0: ML114 [warning] (metadata) metadata "custom:密级{XML_ESCAPED}" says "秘密" ("秘密") but the '
        "page shows no marking",
        "2 files scanned, 0 marked, 0 not examined, 0 partially examined, 0 skipped; 0 errors, 2 warnings, 0 info",
    ]
    report = json.loads(marklint("scan", "info.pdf", "custom.docx", *AS_OF, "--lang", "en", "--format", "json",
                                 cwd=tmp_path).stdout)
    messages = [f["message"] for entry in report["files"] for f in entry["findings"]]
    assert messages == [f'metadata "info:Classification" says "绝密" ("TOP{CONTROLS}SECRET") but the page shows no '
                        "marking",
                        f'metadata "custom:密级{XML_CONTROLS}" says "秘密" ("秘密") but the page shows no marking']


def test_a_reason_and_a_marking_are_escaped_in_the_file_line() -> None:
    from marklint.model import Status
    from marklint.report.text import file_line
    from marklint.results import FileResult

    result = FileResult(path="a.pdf", format="pdf", status=Status.PARTIAL, reason=f"corrupt: {CONTROLS}\u202e",
                        markings=[{"text": f"机密{CONTROLS}", "struck": False}])
    assert file_line(result, "en") == f"a.pdf: [partial (corrupt: {ESCAPED}\\u202e)] 机密{ESCAPED}"
