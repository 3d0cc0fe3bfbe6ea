"""Archives past one machine (issue 19): a Dask run is a local run, byte for byte; a killed run resumes to
the same report; merged halves are the whole; the per-file time limit holds on a Dask worker.

The archive is the fixtures plus the hostile corpus of tests/test_hostile.py (FIFOs, sockets, bombs, a
192 MiB log), scanned by the real command line in subprocesses and on a real LocalCluster of two worker
processes.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import dask
import pytest
from dask.distributed import LocalCluster

from marklint.config import Settings
from marklint.distributed import DaskRunner, shards
from marklint.driver import scan_paths as run_scan
from marklint.merge import walk_order
from marklint.model import Status, reason_words
from marklint.saved import from_entry
from tests.helpers import fixture_manifest
from tests.test_hostile import AS_OF, EXPECTED, build_corpus
from tests.test_workers import wait_gone

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FORMATS = ("docx", "ofd", "pdf", "text")
#: Every file the archive's walk finds: the fixtures of the format folders and the hostile corpus.
ARCHIVE_FILES = {f"archive/{entry['file']}" for entry in fixture_manifest() if entry["file"].split("/")[0] in FORMATS
                 } | {f"archive/hostile/{name}" for name in EXPECTED}
FILES = len(ARCHIVE_FILES)


def marklint_cli(cwd: Path, *args: str, check_exit: tuple[int, ...] = (0, 1)) -> subprocess.CompletedProcess[bytes]:
    completed = subprocess.run([sys.executable, "-m", "marklint", *args], cwd=cwd, capture_output=True,
                               timeout=240, check=False)
    assert completed.returncode in check_exit, completed.stderr.decode()
    return completed


def scan(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return marklint_cli(cwd, "scan", *args, "--as-of", AS_OF.isoformat(), "--lang", "en")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``archive/`` with the fixtures' format folders and ``hostile/``; the tests run beside it."""
    root = tmp_path_factory.mktemp("scale") / "archive"
    root.mkdir()
    for name in FORMATS:
        shutil.copytree(FIXTURES / name, root / name)
    build_corpus(root / "hostile")
    return root


@pytest.fixture(scope="module")
def local_run(archive: Path) -> dict[str, bytes]:
    """The reference: ``-j 1``, in this order of the walk, as JSON lines, JSON and SARIF."""
    out = archive.parent / "local"
    out.mkdir()
    done = scan(archive.parent, "archive", "-j", "1", "--format", "jsonl", "--json-output", str(out / "r.json"),
                "--sarif-output", str(out / "r.sarif"))
    return {"jsonl": done.stdout, "json": (out / "r.json").read_bytes(), "sarif": (out / "r.sarif").read_bytes(),
            "exit": bytes([done.returncode])}


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """A scheduler and two worker processes, as ``dask scheduler`` and ``dask worker`` would run them."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as running:
        yield running


def test_a_dask_run_equals_a_local_run_byte_for_byte(archive: Path, local_run: dict[str, bytes]) -> None:
    out = archive.parent / "dask"
    out.mkdir()
    done = scan(archive.parent, "archive", "--dask", "local:2", "--format", "jsonl",
                "--json-output", str(out / "r.json"), "--sarif-output", str(out / "r.sarif"))
    assert done.stdout == local_run["jsonl"]
    assert (out / "r.json").read_bytes() == local_run["json"]
    assert (out / "r.sarif").read_bytes() == local_run["sarif"]
    assert bytes([done.returncode]) == local_run["exit"] == b"\x01"
    files = json.loads(local_run["json"])["files"]
    # Every file of both corpora, the hostile ones included, in walk order.
    assert {f["path"] for f in files} == ARCHIVE_FILES and len(files) == FILES
    assert [f["path"] for f in files] == [r.path for r in sorted(map(from_entry, files), key=walk_order)]


def test_shards_fill_up_then_share_out_the_end_of_the_walk() -> None:
    tasks = [(Path(str(n)), str(n)) for n in range(1000)]
    cut = list(shards(tasks, 256, 2))
    assert [len(shard) for shard in cut] == [256, 256, 244, 122, 61, 31, 16, 14]
    assert [display for shard in cut for _, display in shard] == [str(n) for n in range(1000)]


def test_a_slow_file_times_out_under_dask(archive: Path, cluster: LocalCluster) -> None:
    # The 192 MiB log takes seconds to read: far over a quarter of a second. In a Dask worker thread
    # the alarm could not stop it; in marklint's own worker process it does.
    quick = archive / "text"
    slow = archive / "hostile" / "log.txt"
    settings = Settings(as_of=AS_OF)
    settings.limits = replace(settings.limits, per_file_seconds=0.25)
    runner = DaskRunner(cluster.scheduler_address)
    try:
        started = time.monotonic()
        report = run_scan([str(slow), str(quick / "clean_notice.txt")], settings, runner=runner)
        elapsed = time.monotonic() - started
    finally:
        runner.close()
    got = [(r.path, r.status, reason_words(r.reason), [f.rule for f in r.findings]) for r in report.files]
    assert got == [(str(slow), Status.NOT_EXAMINED, "timed out: over 0.25 s", ["ML901"]),
                   (str(quick / "clean_notice.txt"), Status.COMPLETE, None, [])]
    assert elapsed < 20, elapsed


def read_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def test_a_killed_run_resumes_to_the_uninterrupted_report(archive: Path, local_run: dict[str, bytes],
                                                          cluster: LocalCluster) -> None:
    state = archive.parent / "killed.jsonl"
    command = [sys.executable, "-m", "marklint", "scan", "archive", "--as-of", AS_OF.isoformat(), "--lang", "en",
               "--format", "json", "--resume", str(state), "-j", "1"]
    running = subprocess.Popen(command, cwd=archive.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while read_lines(state) < 60 and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    running.send_signal(signal.SIGKILL)
    assert running.wait() == -signal.SIGKILL  # killed, not finished
    entries = [json.loads(line) for line in state.read_bytes().split(b"\n")[1:-1]]  # after the header
    assert 0 < len(entries) < FILES
    # What is not a regular file (a FIFO, a socket, a device, a missing file) is judged again: it is cheap.
    judged = sum(entry["size"] is not None for entry in entries)
    # Resumed on the cluster (local and Dask runs share the state), then again with nothing left to do.
    resumed = scan(archive.parent, "archive", "--format", "json", "--resume", str(state),
                   "--dask", cluster.scheduler_address)
    assert resumed.stdout == local_run["json"]
    assert f"{judged} files taken from {state}, judged before and unchanged".encode() in resumed.stderr
    lines = [json.loads(line) for line in state.read_bytes().split(b"\n")[1:-1]]
    assert lines[-1] == {"skipped": json.loads(local_run["json"])["skipped"]}  # the walk's, once the run is over
    latest = {entry["result"]["path"]: entry for entry in lines if "result" in entry}
    assert len(latest) == FILES
    regular = sum(entry["size"] is not None for entry in latest.values())
    assert 0 < FILES - regular < 10  # the hostile corpus's device, link loop and the like
    again = scan(archive.parent, "archive", "--format", "sarif", "--resume", str(state), "-j", "2")
    assert again.stdout == local_run["sarif"]
    assert f"{regular} files taken from {state}".encode() in again.stderr


def test_a_line_cut_short_by_a_kill_is_judged_again(archive: Path) -> None:
    state = archive.parent / "cut.jsonl"
    whole = scan(archive.parent, "archive/docx", "--format", "json", "--resume", str(state), "-j", "1")
    lines = state.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) - 2 == len(json.loads(whole.stdout)["files"])
    state.write_bytes(b"\n".join(lines[:-2]) + b"\n" + lines[-2][: len(lines[-2]) // 2])  # killed mid-line
    resumed = scan(archive.parent, "archive/docx", "--format", "json", "--resume", str(state), "-j", "1")
    assert resumed.stdout == whole.stdout
    assert f"{len(lines) - 3} files taken from".encode() in resumed.stderr
    assert state.read_bytes() == b"\n".join(lines)  # the cut line replaced by the whole one


def test_a_changed_file_is_judged_again_and_other_settings_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("机密★5年\n", encoding="utf-8")
    (folder / "b.txt").write_text("秘密★1年\n", encoding="utf-8")
    state = tmp_path / "state.jsonl"
    scan(tmp_path, "docs", "--format", "json", "--resume", str(state))
    (folder / "b.txt").write_text("机密☆5年\n", encoding="utf-8")
    resumed = scan(tmp_path, "docs", "--format", "json", "--resume", str(state))
    fresh = scan(tmp_path, "docs", "--format", "json")
    assert resumed.stdout == fresh.stdout
    assert [f["rule"] for f in json.loads(resumed.stdout)["files"][1]["findings"]] == ["ML101", "ML304"]
    assert f"marklint: 1 file taken from {state}, judged before and unchanged\n".encode() in resumed.stderr
    refused = marklint_cli(tmp_path, "scan", "docs", "--as-of", "2027-01-01", "--lang", "en", "--resume", str(state),
                           check_exit=(2,))
    assert b"made with other settings (as_of)" in refused.stderr


def test_merged_halves_equal_the_whole(archive: Path, local_run: dict[str, bytes]) -> None:
    work = archive.parent
    (work / "a.jsonl").write_bytes(scan(work, "archive/docx", "archive/pdf", "--format", "jsonl", "-j", "2",
                                        "--resume", "a.state").stdout)
    (work / "b.json").write_bytes(scan(work, "archive/hostile", "archive/ofd", "archive/text", "--format", "json",
                                       "-j", "2", "--resume", "b.state").stdout)
    scan(work, "archive/text", "--format", "json", "--resume", "text.jsonl")  # a rerun of one part
    merged = marklint_cli(work, "merge", "b.json", "a.jsonl", "text.jsonl")
    # The whole: the same folders in one run (the report names the folders it was given).
    whole = scan(work, *(f"archive/{name}" for name in ("docx", "hostile", "ofd", "pdf", "text")), "--format", "json",
                 "-j", "2")
    assert merged.stdout == whole.stdout
    assert json.loads(whole.stdout)["files"] == json.loads(local_run["json"])["files"]
    texts = sum(path.startswith("archive/text/") for path in ARCHIVE_FILES)
    assert f"已合并 3 份报告：{FILES} 个文件，其中 {texts} 个出现在多份报告中".encode() in merged.stderr
    # SARIF's fingerprints hash the marking each finding is about, which only the state files keep.
    as_sarif = marklint_cli(work, "merge", "a.state", "b.state", "--format", "sarif", "-o", "m.sarif")
    assert (work / "m.sarif").read_bytes() == local_run["sarif"] and as_sarif.stdout == b""


def test_stats_from_saved_reports_equal_the_scan_statistics(archive: Path, local_run: dict[str, bytes]) -> None:
    work = archive.parent
    (work / "whole.json").write_bytes(local_run["json"])
    counted = marklint_cli(work, "stats", "archive", "--format", "json", "--as-of", AS_OF.isoformat(), "-j", "2")
    saved = marklint_cli(work, "stats", "--from", "whole.json", "--format", "json")
    assert saved.stdout == counted.stdout
    assert json.loads(saved.stdout)["files"]["scanned"] == FILES


def test_the_command_line_does_not_import_dask() -> None:
    code = ("import sys, marklint.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_local_needs_a_number_of_workers(tmp_path: Path) -> None:
    refused = marklint_cli(tmp_path, "scan", str(tmp_path), "--dask", "local:0", check_exit=(2,))
    assert refused.stderr == "marklint: --dask local:0：local:N 的 N 必须是工作进程数（1 或更多）\n".encode()
    in_english = marklint_cli(tmp_path, "scan", str(tmp_path), "--dask", "local:0", "--lang", "en", check_exit=(2,))
    assert in_english.stderr == b"marklint: --dask local:0: local:N needs a number of workers, 1 or more\n"


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


@pytest.mark.parametrize(("allowed_failures", "expected"), [
    (3, (Status.COMPLETE, None, ["ML304"])),  # the worker comes back and Dask runs the shard again
    (0, (Status.NOT_EXAMINED, "unreadable: the cluster lost the worker judging its shard", ["ML901"])),
])
def test_a_lost_worker_is_retried_and_a_shard_that_keeps_failing_is_ml901(
        archive: Path, allowed_failures: int, expected: tuple) -> None:
    slow = archive / "hostile" / "log.txt"  # seconds of reading: time to kill its worker mid-shard
    quick = archive / "text" / "clean_notice.txt"
    with dask.config.set({"distributed.scheduler.allowed-failures": allowed_failures}), \
            LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as running:
        runner = DaskRunner(running.scheduler_address)
        (worker_pid,) = runner.client.run(os.getpid).values()
        orphans: list[int] = []

        def kill_mid_shard() -> None:
            while not any(runner.client.processing().values()):
                time.sleep(0.05)
            # The worker starts its marklint process with its first shard: once it is there, the shard is
            # being judged (the slow file first: a second or more).
            while not (found := children_of(worker_pid)):
                time.sleep(0.01)
            orphans.extend(found)  # marklint's worker process, left by its killed parent
            os.kill(worker_pid, signal.SIGKILL)

        killer = threading.Thread(target=kill_mid_shard)
        killer.start()
        try:
            report = run_scan([str(slow), str(quick)], Settings(as_of=AS_OF, lang="en"), runner=runner)
        finally:
            killer.join()
            lost = runner.lost
            runner.close()
            for pid in orphans:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
    # The marklint process busy with the slow file when its Dask worker was killed died with it.
    assert orphans and wait_gone(orphans) == []
    got = [(r.path, r.status, reason_words(r.reason), [f.rule for f in r.findings]) for r in report.files]
    status, reason, rules = expected
    assert got[0] == (str(slow), status, reason, rules)
    assert got[1][:2] == (str(quick), status)  # the shard's other file shares its fate, and is never lost
    assert lost == (allowed_failures == 0)


def pool_processes() -> list[list[int]]:
    """On a Dask worker: the processes of each marklint pool it keeps."""
    from marklint.distributed import POOLS

    return [[worker.pid for worker in pool.pool.workers] for pool in POOLS._idle]


def test_each_dask_worker_keeps_one_pool_for_all_its_shards(archive: Path) -> None:
    paths = [str(archive / name) for name in ("text", "docx")]
    settings = Settings(as_of=AS_OF, lang="en")
    local = run_scan(paths, settings)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as running:
        runner = DaskRunner(running.scheduler_address, shard_size=4)  # many shards for each worker
        try:
            first = run_scan(paths, settings, runner=runner)
            pools = runner.client.run(pool_processes)
            second = run_scan(paths, settings, runner=runner)  # another scan: the same pools again
            assert runner.client.run(pool_processes) == pools
        finally:
            runner.close()
    assert [r.to_json() for r in first.files] == [r.to_json() for r in second.files] == [
        r.to_json() for r in local.files]
    assert len(first.files) > 8 * 4
    # One pool of one process in each worker, started by its first shard and used by all the others ...
    processes = [pids for worker in pools.values() for pids in worker]
    assert len(pools) == 2 and [len(pids) for pids in processes] == [1, 1]
    # ... and ended with the cluster.
    assert wait_gone([pid for pids in processes for pid in pids]) == []
