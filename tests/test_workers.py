"""Worker processes: results in walk order for any -j, and the per-file time limit (alarm and watchdog)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from marklint import workers
from marklint.config import Settings
from marklint.errors import FileTimeout
from marklint.limits import DEFAULT_LIMITS
from marklint.model import Status, reason_words
from marklint.results import FileResult
from marklint.workers import run, time_limit


def quick(path: Path, display: str, settings: Settings) -> FileResult:
    # Later files finish first, so order must come from the driver, not from completion.
    time.sleep(0.05 * (5 - int(display)) if display.isdigit() and int(display) < 5 else 0)
    return FileResult(display, "text", Status.COMPLETE, None)


def slow_python(path: Path, display: str, settings: Settings) -> FileResult:
    if display == "slow":
        while True:
            time.sleep(0.01)
    return quick(path, display, settings)


def deaf(path: Path, display: str, settings: Settings) -> FileResult:
    if display == "stuck":
        # Stands for a parse stuck inside C code: the alarm never reaches it.
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        time.sleep(60)
    return quick(path, display, settings)


def expired(path: Path, display: str, settings: Settings) -> FileResult:
    return FileResult(display, "text", Status.NOT_EXAMINED, "timed out")


def settings(seconds: float) -> Settings:
    return Settings(limits=replace(DEFAULT_LIMITS, per_file_seconds=seconds))


def tasks(*names: str) -> list[tuple[Path, str]]:
    return [(Path(name), name) for name in names]


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_in_task_order(jobs: int) -> None:
    names = [str(n) for n in range(40)]
    got = [r.path for r in run(tasks(*names), settings(30), jobs, quick, expired)]
    assert got == names


def test_time_limit_interrupts_python_code() -> None:
    started = time.monotonic()
    with pytest.raises(FileTimeout), time_limit(0.2):
        while True:
            time.sleep(0.01)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_slow_file_times_out_and_the_scan_goes_on(jobs: int) -> None:
    got = [(r.path, r.status) for r in run(tasks("1", "slow", "2"), settings(0.3), jobs, slow_python, expired)]
    assert got == [("1", Status.COMPLETE), ("slow", Status.NOT_EXAMINED), ("2", Status.COMPLETE)]


def test_watchdog_replaces_a_stuck_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "WATCHDOG_GRACE", 0.5)
    monkeypatch.setattr(workers, "CHUNK", 3)  # the stuck file shares a chunk: only it may time out
    names = ("1", "stuck", "2", "3", "4")
    got = [(r.path, r.status) for r in run(tasks(*names), settings(1.0), 2, deaf, expired)]
    assert got == [("1", Status.COMPLETE), ("stuck", Status.NOT_EXAMINED), ("2", Status.COMPLETE),
                   ("3", Status.COMPLETE), ("4", Status.COMPLETE)]


def test_chunks_shrink_once_the_walk_has_ended() -> None:
    names = [str(n) for n in range(30)]
    cut = list(workers.chunks(tasks(*names), jobs=2))
    # 30 files, all walked at once: a quarter of what is left (two chunks per worker), at most CHUNK.
    assert [len(chunk) for chunk in cut] == [7, 5, 4, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1]
    assert [display for chunk in cut for _, display in chunk] == names


def test_chunks_are_full_while_the_walk_goes_on() -> None:
    names = [str(n) for n in range(1000)]
    sizes = [len(chunk) for chunk in workers.chunks(tasks(*names), jobs=2)]
    # Full chunks until fewer than LOOKAHEAD files are left unwalked, then shares of what is left.
    full = (1000 - workers.LOOKAHEAD) // workers.CHUNK + 1
    assert sizes[:full] == [workers.CHUNK] * full
    assert sizes[full:] == [len(chunk) for chunk in workers.chunks(tasks(*names[full * workers.CHUNK:]), jobs=2)]
    assert sizes[-4:] == [1, 1, 1, 1] and sum(sizes) == 1000


def dies(path: Path, display: str, settings: Settings) -> FileResult:
    if display == "dies":
        os.kill(os.getpid(), signal.SIGKILL)  # stands for C code killed at the memory ceiling (or by the OOM killer)
    if display == "hungry":
        raise MemoryError()
    return quick(path, display, settings)


def over(path: Path, display: str, settings: Settings, detail: str) -> FileResult:
    return FileResult(display, "text", Status.NOT_EXAMINED, f"over a safety limit: {detail}")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_dead_worker_is_replaced_and_only_its_file_is_over_the_limit(jobs: int) -> None:
    names = ("1", "2", "dies", "3", "hungry", "4", *(str(n) for n in range(5, 30)))
    got = [(r.path, r.status, reason_words(r.reason))
           for r in run(tasks(*names), settings(30), jobs, dies, expired, over)]
    assert got == [(name, Status.NOT_EXAMINED, "over a safety limit: its worker died (SIGKILL) under the 1024 MiB "
                    "memory ceiling of a worker") if name == "dies" else
                   (name, Status.NOT_EXAMINED, "over a safety limit: over the 1024 MiB memory ceiling of a worker")
                   if name == "hungry" else (name, Status.COMPLETE, None) for name in names]


def test_the_memory_ceiling_is_set_in_workers_only() -> None:
    import resource

    def limit(path: Path, display: str, settings: Settings) -> FileResult:
        return FileResult(str(resource.getrlimit(resource.RLIMIT_AS)[0]), "text", Status.COMPLETE, None)

    host = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        size = int(statm.read().split()[0]) * resource.getpagesize()
    [worker] = [int(r.path) for r in run(tasks("a"), settings(30), 1, limit, expired)]
    assert resource.getrlimit(resource.RLIMIT_AS) == host
    assert size + DEFAULT_LIMITS.max_worker_memory <= worker < size + DEFAULT_LIMITS.max_worker_memory + 256 * 2**20
    unlimited = Settings(limits=replace(DEFAULT_LIMITS, max_worker_memory=0))
    assert [int(r.path) for r in run(tasks("a"), unlimited, 1, limit, expired)] == [host[0]]


@pytest.mark.parametrize(("name", "reason"), [
    ("1", None),
    ("dies", "over a safety limit: its worker died (SIGKILL) under the 1024 MiB memory ceiling of a worker"),
    ("hungry", "over a safety limit: over the 1024 MiB memory ceiling of a worker"),
])
def test_one_file_is_judged_in_one_worker_with_the_pool_s_limits(name: str, reason: str | None) -> None:
    # One file goes to one forked process, not a pool: the same memory ceiling and the same results.
    [got] = run(tasks(name), settings(30), 2, dies, expired, over)
    assert (got.path, got.status, got.reason) == (name, Status.COMPLETE if reason is None else Status.NOT_EXAMINED,
                                                  reason)


@pytest.mark.parametrize("examine", [slow_python, deaf])
def test_one_file_over_the_time_limit_times_out(examine: workers.Examine, monkeypatch: pytest.MonkeyPatch) -> None:
    # slow: the alarm in the worker; stuck (deaf to the alarm): the parent's watchdog kills the worker.
    monkeypatch.setattr(workers, "WATCHDOG_GRACE", 0.5)
    name = "slow" if examine is slow_python else "stuck"
    started = time.monotonic()
    [got] = run(tasks(name), settings(0.3), 1, examine, expired)
    assert (got.path, got.status, got.reason) == (name, Status.NOT_EXAMINED, "timed out")
    assert time.monotonic() - started < 10


def gone(pid: int) -> bool:
    """The process has ended (reaped, or a zombie that nothing will reap here)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wait_gone(pids: list[int], seconds: float = 10) -> list[int]:
    """The pids still running after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not all(map(gone, pids)):
        time.sleep(0.05)
    return [pid for pid in pids if not gone(pid)]


POOL_PARENT = """
import signal, sys, time
from pathlib import Path
from marklint import driver, workers
from marklint.config import Settings


def examine(path, display, settings):
    if display == "stuck":  # a parse stuck in C code: the alarm never reaches it, and only the parent's
        signal.signal(signal.SIGALRM, signal.SIG_IGN)  # watchdog would end it
        time.sleep(600)
    return driver.examine(path, display, settings)


pool = workers.open_pool(Settings(), 2, examine, driver.timed_out, driver.over_limit)
results = list(workers.run_on(pool, [(Path(sys.argv[1]), "a.txt"), (Path(sys.argv[1]), "b.txt")]))
stuck = [pool.submit([(Path(sys.argv[1]), "stuck")]) for _ in range(2)]  # one in each worker
time.sleep(0.5)
print(*(r.status.value for r in results), *(w.pid for w in pool.pool.workers), flush=True)
time.sleep(600)
"""


def test_pool_workers_die_with_their_parent(tmp_path: Path) -> None:
    # An idle worker ends by itself when its parent dies (its task queue closes); a busy one, stuck
    # where neither the alarm nor the parent's watchdog reaches it any more, only by the kernel's signal.
    notice = tmp_path / "notice.txt"
    notice.write_text("机密★5年\n", encoding="utf-8")
    parent = subprocess.Popen([sys.executable, "-c", POOL_PARENT, str(notice)], stdout=subprocess.PIPE, text=True)
    children: list[int] = []
    try:
        first, second, *pids = parent.stdout.readline().split()  # type: ignore[union-attr]
        assert (first, second) == ("complete", "complete")
        children = [int(pid) for pid in pids]
        assert len(children) == 2 and not any(map(gone, children))
        parent.kill()  # SIGKILL: the parent can stop nothing
        assert parent.wait() == -signal.SIGKILL
        assert wait_gone(children) == []
    finally:
        parent.kill()
        parent.wait()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_a_worker_whose_parent_died_before_the_signal_was_set_exits() -> None:
    for parent, status in ((os.getpid(), 0), (1, 1)):  # 1: not this test's process, as if reparented to init
        child = os.fork()
        if child == 0:
            try:
                workers.die_with_parent(parent)
            finally:
                os._exit(0)
        assert os.waitpid(child, 0)[1] == status << 8
