"""The console command ends its process at once (``marklint.ending``): every byte of its output, its exit
status and its exit handlers are as a normal exit leaves them; where that cannot be promised it exits
normally."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def ending(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` then ``end_process`` in a new interpreter."""
    program = "import atexit, sys, threading, time\nfrom marklint.ending import end_process\n" + code
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=60)


@pytest.mark.parametrize(("code", "status"), [("None", 0), ("0", 0), ("1", 1), ("2", 2), ("130", 130),
                                              ("256", 0), ("-1", 255)])
def test_the_status_is_what_sys_exit_gives(code: str, status: int) -> None:
    assert ending(f"end_process({code})").returncode == status


def test_a_message_is_printed_as_sys_exit_prints_it() -> None:
    done = ending("end_process('cannot go on')")
    assert (done.returncode, done.stderr) == (1, "cannot go on\n")


def test_buffered_output_and_exit_handlers_are_not_lost() -> None:
    done = ending("atexit.register(lambda: print('handler ran'))\n"
                  "sys.stdout.write('x' * 100_000)\nsys.stderr.write('partial line')\nend_process(1)")
    assert done.returncode == 1
    assert done.stdout == "x" * 100_000 + "handler ran\n" and done.stderr == "partial line"


def test_with_another_thread_running_the_exit_waits_for_it(tmp_path: Path) -> None:
    marker = tmp_path / "written-by-the-thread"
    done = ending(f"threading.Thread(target=lambda: (time.sleep(0.3), open({str(marker)!r}, 'w').close())).start()\n"
                  "end_process(1)")
    assert done.returncode == 1 and marker.exists()


def test_the_command_writes_its_whole_report_to_a_pipe_and_a_file(tmp_path: Path) -> None:
    scanned = [str(FIXTURES / "docx"), str(FIXTURES / "pdf")]
    piped = subprocess.run([sys.executable, "-m", "marklint", "scan", *scanned, "--format", "json",
                            "--as-of", "2026-11-27"], capture_output=True, cwd=ROOT, timeout=300)
    output = tmp_path / "report.json"
    written = subprocess.run([sys.executable, "-m", "marklint", "scan", *scanned, "--format", "json",
                              "--as-of", "2026-11-27", "-o", str(output)], capture_output=True, cwd=ROOT, timeout=300)
    in_process = subprocess.run([sys.executable, "-c", "from marklint.cli import main; main()", "scan", *scanned,
                                 "--format", "json", "--as-of", "2026-11-27"], capture_output=True, cwd=ROOT,
                                timeout=300)
    assert piped.returncode == written.returncode == in_process.returncode == 1  # findings
    assert piped.stdout == output.read_bytes() == in_process.stdout  # the same bytes as a normal exit writes
    assert len(json.loads(piped.stdout)["files"]) > 20 and written.stdout == b""
