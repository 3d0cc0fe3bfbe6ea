"""Hostile runs, round two (issue 14, class 4): SIGTERM and SIGINT in the middle of a ``-j 2`` scan stop
the workers, leave no temporary file, print one line and exit 143 / 130. A real subprocess, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

#: Files that take a worker a good part of a second each: a scan of them is still running when signalled.
FILES = 8
LINES = 400_000


@pytest.fixture(scope="module")
def slow_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("slow")
    line = "本文件仅供内部工作参考使用，请勿外传。\n"
    for number in range(FILES):
        with open(folder / f"log{number}.txt", "w", encoding="utf-8") as log:
            log.write("关于做好年度工作的通知\n机密★5年\n")
            log.write(line * LINES)
    return folder


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as listing:
            found.update(int(child) for child in listing.read().split())
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_scan_cleanly(slow_folder: Path, tmp_path: Path, signum: int, status: int) -> None:
    out = tmp_path / "out"
    out.mkdir()
    scan = subprocess.Popen(
        [sys.executable, "-m", "marklint", "scan", str(slow_folder), "-j", "2", "--as-of", "2026-11-27",
         "--format", "jsonl", "--json-output", str(out / "report.json"), "-o", str(out / "report.jsonl")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(children(scan.pid)) < 2 or not any(name.endswith(".tmp") for name in os.listdir(out)):
            assert scan.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)  # in the middle of the files
        workers = children(scan.pid)
        assert scan.poll() is None
        scan.send_signal(signum)
        stdout, stderr = scan.communicate(timeout=60)
    finally:
        scan.kill()
    assert (scan.returncode, stdout, stderr) == (status, "", f"marklint: 已因 {signal.Signals(signum).name} 停止\n")
    assert os.listdir(out) == []  # no report and no temporary file
    time.sleep(0.2)
    assert [pid for pid in workers if alive(pid)] == []


#: A child forked while the command's stop handlers are in place, and sent SIGTERM before it has dropped
#: them (here: by a fork hook that runs ahead of marklint's own: a child runs them in the order registered),
#: must still die of it: the pool's terminate() waits for exactly that.
EARLY_SIGTERM = """
import os, signal, sys
from marklint import stopping
signal.signal(signal.SIGTERM, stopping._stop)
signal.signal(signal.SIGINT, stopping._stop)
os.register_at_fork(after_in_child=lambda: os.kill(os.getpid(), signal.SIGTERM))
os.register_at_fork(before=stopping._block_stops, after_in_parent=stopping._unblock_stops,
                    after_in_child=stopping._worker_defaults)
child = os.fork()
if child == 0:
    signal.alarm(5)  # a child that survived would otherwise wait here for ever
    signal.pause()
    os._exit(0)
_, status = os.waitpid(child, 0)
print(os.WIFSIGNALED(status) and os.WTERMSIG(status))
print(signal.pthread_sigmask(signal.SIG_BLOCK, []) == set())
"""


def test_a_stop_signal_that_reaches_a_child_before_its_handlers_are_reset_still_kills_it() -> None:
    completed = subprocess.run([sys.executable, "-c", EARLY_SIGTERM], capture_output=True, text=True, timeout=60)
    assert completed.stdout.split() == [str(int(signal.SIGTERM)), "True"], completed.stderr
