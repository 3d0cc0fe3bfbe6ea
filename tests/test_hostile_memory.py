"""Hostile inputs, round two (issue 14, class 2): memory. What a reader keeps of one file is bounded, and
every worker has a memory ceiling: a file over it is ML901 "over a safety limit" and the scan goes on.
The files are built here; the CLI runs in a subprocess whose peak memory, workers included, is measured."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from marklint.limits import DEFAULT_LIMITS
from tests.test_hostile import W_NS, write_docx

GiB = 1024**3
HEAD = ["关于做好年度工作的通知", "机密★5年"]
#: A line that could be a marking (short, with 密): what a reader keeps from the middle of a file.
CANDIDATE = "绝密资料第{}号"
N = DEFAULT_LIMITS.max_middle_units_kept
#: Runs (with peak memory) of the CLI: a Python that starts it and reports its children's peak RSS.
MEASURED = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, file=sys.stderr); "
            "sys.exit(done.returncode)")


def scan(folder: Path, *args: str) -> tuple[int, dict, int]:
    """Exit status, JSON report and the peak resident memory (bytes) of the scan and its workers."""
    done = subprocess.run([sys.executable, "-c", MEASURED, sys.executable, "-m", "marklint", "scan", ".",
                           "--as-of", "2026-11-27", "--lang", "en", "--format", "json", *args],
                          cwd=folder, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    return done.returncode, json.loads(done.stdout), int(done.stderr.splitlines()[-1])


def paragraphs(texts: list[str]) -> str:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in texts)
    return f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'


def entries(report: dict) -> dict[str, tuple[str, str | None, list[str], list[str]]]:
    return {f["path"].removeprefix("./"): (f["status"], f["reason"], [m["text"] for m in f["markings"]],
                                           sorted(g["rule"] for g in f["findings"])) for f in report["files"]}


def overflow(what: str) -> str:
    return (f"over a safety limit: more than {N} short {what} with ★, 密 or 解 between the first "
            f"{DEFAULT_LIMITS.max_body_units_kept} and the last {DEFAULT_LIMITS.max_tail_units_kept}; those past it "
            "were not judged")


@pytest.fixture(scope="module")
def many_candidates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("candidates")
    with open(folder / "log.txt", "w", encoding="utf-8") as log:  # 20 MB of short lines with 密
        log.write("\n".join(HEAD) + "\n")
        for number in range(900_000):
            log.write(CANDIDATE.format(number) + "\n")
    write_docx(folder / "register.docx", paragraphs([*HEAD, *(CANDIDATE.format(n) for n in range(150_000))]))
    return folder


def test_many_possible_markings_stay_bounded_and_the_file_says_it_was_read_in_part(many_candidates: Path) -> None:
    assert (many_candidates / "log.txt").stat().st_size > 20 * 1000**2
    status, report, peak = scan(many_candidates, "-j", "2")
    assert status == 1
    assert entries(report) == {
        "log.txt": ("partial", overflow("lines"), ["机密★5年"], ["ML304", "ML903"]),
        "register.docx": ("partial", overflow("paragraphs"), ["机密★5年"], ["ML304", "ML903"]),
    }
    assert peak < GiB // 4, peak  # bounded: a quarter of the 1 GiB budget, with room to spare


def test_a_file_over_the_memory_ceiling_is_ml901_and_the_others_are_judged(tmp_path: Path) -> None:
    # One paragraph of 10 million random CJK characters (random: no compression-ratio limit stops it),
    # in runs under libxml2's node limit: reading it takes far more than a 32 MiB ceiling allows.
    rng = random.Random(14)
    block = "".join(map(chr, rng.choices(range(0x4E00, 0x9FA5), k=250_000)))
    runs = "".join(f"<w:r><w:t>{block}</w:t></w:r>" for _ in range(40))
    huge = f'<w:document xmlns:w="{W_NS}"><w:body><w:p>{runs}</w:p></w:body></w:document>'
    write_docx(tmp_path / "a_huge.docx", huge)
    for name in ("b_memo.txt", "c_memo.txt"):
        (tmp_path / name).write_text("\n".join(HEAD) + "\n", encoding="utf-8")
    write_docx(tmp_path / "d_memo.docx", paragraphs(HEAD))
    (tmp_path / "marklint.toml").write_text(f"[limits]\nmax_worker_memory = {32 * 1024**2}\n", encoding="utf-8")
    judged = ("complete", None, ["机密★5年"], ["ML304"])
    for jobs in ("1", "2"):
        status, report, peak = scan(tmp_path, "-j", jobs)
        assert status == 1
        assert entries(report) == {
            "a_huge.docx": ("not-examined", "over a safety limit: over the 32 MiB memory ceiling of a worker", [],
                            ["ML901"]),
            "b_memo.txt": judged, "c_memo.txt": judged, "d_memo.docx": judged,
        }
        assert peak < GiB // 4, peak
