"""Hostile PDFs, round two (issue 14): bombs the page meter once let through to PDFium.

A stream whose /Length claims more than pypdf will read, a stream whose /Length lies, a stored stream of
hundreds of megabytes, Flate applied twice: each must be measured (or refused) before PDFium loads the
page. Every file is built here, small on disk (the stored stream is a sparse file), and scanned by the
command line in a fresh process whose peak resident set is measured.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from tests.helpers import PdfStream as Stream
from tests.helpers import write_pdf_objects
from tests.test_hostile import flate_bomb

MiB = 1024 * 1024
GiB = 1024 * MiB
LIMIT = 64 * MiB  # limits.Limits.max_pdf_stream_bytes
OVER = f"over a safety limit: page 1 content, fonts and forms inflate to over {LIMIT} bytes"
TEXT = b"BT /F1 12 Tf 72 720 Td (page) Tj ET"


def write_pdf(path: Path, contents: list[Stream]) -> None:
    """A PDF of one page per content stream, in Helvetica."""
    objects: list[bytes | Stream] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
                                     b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for content in contents:
        kids.append(b"%d 0 R" % (len(objects) + 1))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>"
                       % (len(objects) + 2))
        objects.append(content)
    objects[1] = (b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d " % len(contents)
                  + b"/Resources << /Font << /F1 3 0 R >> >> >>")
    with open(path, "wb") as out:
        write_pdf_objects(out, objects)


#: Runs marklint in a child of a fresh process and prints the report and the child's peak resident set;
#: the child's address space is capped, so a regression fails the test instead of taking the machine.
MEASURE = """
import resource, subprocess, sys
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
done = subprocess.run([sys.executable, "-m", "marklint", "scan", "--format", "json", "-j", "1",
                       "--as-of", "2026-11-27", *sys.argv[1:]], capture_output=True, preexec_fn=cap)
sys.stdout.write(done.stdout.decode())
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""


def scan_measured(*paths: Path) -> tuple[list[tuple[str, str, str | None, list[str]]], int, int]:
    """Each file's (name, status, reason, rules), the exit status, and the scan's peak resident set in bytes."""
    completed = subprocess.run([sys.executable, "-c", MEASURE, *map(str, paths)], capture_output=True,
                               timeout=120, check=True)
    report, _, tail = completed.stdout.decode().rpartition("}\n")
    status, peak = map(int, tail.split())
    files = json.loads(report + "}")["files"]
    return ([(Path(f["path"]).name, f["status"], f["reason"], [x["rule"] for x in f["findings"]]) for f in files],
            status, peak)


def test_a_flate_bomb_whose_length_claims_past_pypdfs_cap_is_measured(tmp_path: Path) -> None:
    bomb = flate_bomb(2 * GiB)
    write_pdf(tmp_path / "claims.pdf", [Stream(b"/Filter /FlateDecode", bomb, length=900_000_000)])
    write_pdf(tmp_path / "lies.pdf", [Stream(b"/Filter /FlateDecode", bomb, length=1000)])
    assert (tmp_path / "claims.pdf").stat().st_size < 3 * MiB
    files, status, peak = scan_measured(tmp_path / "claims.pdf", tmp_path / "lies.pdf")
    assert files == [("claims.pdf", "not-examined", OVER, ["ML901"]), ("lies.pdf", "not-examined", OVER, ["ML901"])]
    assert status == 1
    assert peak < 256 * MiB, peak


def test_a_stored_stream_of_hundreds_of_megabytes_is_not_read(tmp_path: Path) -> None:
    write_pdf(tmp_path / "stored.pdf", [Stream(b"", TEXT, hole=400 * MiB)])
    write_pdf(tmp_path / "stored_short.pdf", [Stream(b"", TEXT, hole=400 * MiB, length=len(TEXT))])
    assert (tmp_path / "stored.pdf").stat().st_blocks * 512 < MiB  # sparse: nothing written for the zeros
    files, status, peak = scan_measured(tmp_path / "stored.pdf", tmp_path / "stored_short.pdf")
    assert files == [("stored.pdf", "not-examined", OVER, ["ML901"]),
                     ("stored_short.pdf", "not-examined", OVER, ["ML901"])]
    assert status == 1
    assert peak < 256 * MiB, peak


@pytest.mark.parametrize("filters", [b"[/FlateDecode /FlateDecode]", b"[/Fl /FlateDecode]"])
def test_flate_applied_twice_is_measured_through_both(tmp_path: Path, filters: bytes) -> None:
    twice = zlib.compress(flate_bomb(512 * MiB), 9)
    write_pdf(tmp_path / "twice.pdf", [Stream(b"/Filter " + filters, twice)])
    assert (tmp_path / "twice.pdf").stat().st_size < 4096  # small enough to have needed no measure once
    files, status, peak = scan_measured(tmp_path / "twice.pdf")
    assert files == [("twice.pdf", "not-examined", OVER, ["ML901"])]
    assert status == 1
    assert peak < 256 * MiB, peak


def test_flate_under_ascii85_is_measured(tmp_path: Path) -> None:
    encoded = base64.a85encode(flate_bomb(GiB)) + b"~>"  # too large for the small-file shortcut
    write_pdf(tmp_path / "a85.pdf", [Stream(b"/Filter [/ASCII85Decode /FlateDecode]", encoded)])
    files, status, peak = scan_measured(tmp_path / "a85.pdf")
    assert files == [("a85.pdf", "not-examined", OVER, ["ML901"])]
    assert status == 1
    assert peak < 512 * MiB, peak  # pypdf decodes up to its own cap of 75 MB


def test_a_bomb_on_the_last_page_leaves_page_one_read(tmp_path: Path) -> None:
    text = Stream(b"/Filter [/FlateDecode /FlateDecode]", zlib.compress(zlib.compress(TEXT)))
    write_pdf(tmp_path / "three.pdf", [text, text, Stream(b"/Filter /FlateDecode", flate_bomb(GiB), length=10**9)])
    files, status, peak = scan_measured(tmp_path / "three.pdf")
    over = f"over a safety limit: page 3 content, fonts and forms inflate to over {LIMIT} bytes"
    assert files == [("three.pdf", "partial", over, ["ML903"])]
    assert status == 1
    assert peak < 256 * MiB, peak


def test_a_small_chained_stream_is_read_as_usual(tmp_path: Path) -> None:
    twice = zlib.compress(zlib.compress(TEXT))
    write_pdf(tmp_path / "plain.pdf", [Stream(b"/Filter [/FlateDecode /FlateDecode]", twice)])
    files, status, _ = scan_measured(tmp_path / "plain.pdf")
    assert (files, status) == ([("plain.pdf", "complete", None, [])], 0)


def test_a_page_the_meter_cannot_find_is_refused(tmp_path: Path) -> None:
    # An intermediate page-tree node that says it holds no page: the meter cannot reach page 1 through it.
    with open(tmp_path / "hidden.pdf", "wb") as out:
        write_pdf_objects(out, [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [4 0 R] /Count 0 >>",
            b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] /Contents 5 0 R >>",
            Stream(b"/Filter /FlateDecode", flate_bomb(GiB)),
        ])
    files, status, peak = scan_measured(tmp_path / "hidden.pdf")
    unmeasured = f"over a safety limit: page 1 content, fonts and forms cannot be measured against {LIMIT} bytes"
    assert files == [("hidden.pdf", "not-examined", unmeasured, ["ML901"])]
    assert status == 1
    assert peak < 256 * MiB, peak
