"""The cost of Dask (issue 19): local ``-j J`` against ``--dask local:J`` on the same N files, and what a
killed-and-resumed run and a merge of two halves give.

    python bench/dask.py [--files 20000] [--jobs 2] [--rounds 1] [--json]

Builds ``bench/corpus/dask_N/`` (git-ignored): N hard links to the fixtures that marklint scans (DOCX,
PDF, OFD, text), cycled over 32 folders. Then, every run a subprocess of this checkout's marklint with
``--format json --as-of 2026-11-27`` and its report written to a file:

1. local ``-j J`` and ``--dask local:J``, order reversed every other round, median wall time; the
   overhead of Dask is (dask - local) / local, the cluster's start included, in wall time and in CPU
   time (user + system of every process of the run: steadier than wall time on a shared machine);
   throughput per worker process is files / seconds / J;
2. the reports compared byte for byte;
3. ``--dask local:J --resume`` killed with SIGKILL once half the files are in the state, then resumed: the
   report compared with the local one, and the files the resumed run took from the state;
4. each half of the folders scanned with ``--dask local:J --format jsonl``, then ``marklint merge``: the
   merged report's files compared with the local one's (its ``scan`` object names the 32 folders as its
   roots, and it skips no ``.sources`` stamp, which the local run of the corpus folder does: the rest of
   the report is the same).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from links import link_cycled  # noqa: E402  (bench/ is no package: its modules import each other by name)

ROOT = BENCH.parent
FIXTURES = ROOT / "fixtures"
AS_OF = "2026-11-27"
FOLDERS = 32
SCANNED = (".docx", ".pdf", ".ofd", ".txt")
TARGET_OVERHEAD = 0.15


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build(count: int) -> Path:
    """N hard links to the fixtures, cycled; rebuilt only when the count or the fixtures changed."""
    target = BENCH / "corpus" / f"dask_{count}"
    sources = sorted(p for folder in ("docx", "pdf", "ofd", "text") for p in (FIXTURES / folder).iterdir()
                     if p.suffix in SCANNED)
    stamp = target / ".sources"
    signature = "\n".join(f"{p.name} {p.stat().st_size}" for p in sources)
    if stamp.exists() and stamp.read_text(encoding="utf-8") == signature:
        return target
    log(f"building {target} ({count} files from {len(sources)} fixtures)")
    subprocess.run(["rm", "-rf", str(target)], check=True)
    link_cycled(sources, count, target, FOLDERS)
    stamp.write_text(signature, encoding="utf-8")
    return target


def marklint(*args: str) -> list[str]:
    return [sys.executable, "-c", "from marklint.cli import main; main()", *args, "--as-of", AS_OF, "-q"]


def adopt_orphans() -> None:
    """Make this process the reaper of its orphaned descendants (Linux ``PR_SET_CHILD_SUBREAPER``): a
    process whose parent died before reaping it (a pool process killed with its Dask worker) comes here,
    and ``reap_orphans`` counts its CPU time, which would otherwise go to init and be lost."""
    if sys.platform == "linux":
        import ctypes

        pr_set_child_subreaper = 36  # <linux/prctl.h>
        ctypes.CDLL(None).prctl(pr_set_child_subreaper, 1, 0, 0, 0)


def reap_orphans(seconds: float = 10) -> None:
    """Wait for the orphans of a finished run (``adopt_orphans``), at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def cpu_seconds() -> float:
    """User and system time of every finished descendant: reaped by their parents, or by this process
    (``adopt_orphans``), so a run's pool processes and Dask processes all count once it is over."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(command: list[str], cpu: list[float] | None = None) -> float:
    started, cpu_before = time.monotonic(), cpu_seconds()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
    seconds = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command} failed: {done.stderr.decode()[-2000:]}")
    reap_orphans()  # after the wall time: the run is over for its user, its CPU time not yet counted
    if cpu is not None:
        cpu.append(cpu_seconds() - cpu_before)
    return seconds


def killed_and_resumed(corpus: Path, jobs: int, out: Path, files: int) -> dict:
    state = out / "state.jsonl"
    state.unlink(missing_ok=True)
    command = marklint("scan", str(corpus), "--format", "json", "--dask", f"local:{jobs}", "--resume", str(state),
                       "-o", str(out / "resumed.json"))
    running = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while running.poll() is None:
        if state.exists() and state.read_bytes().count(b"\n") > files // 2:
            break
        time.sleep(0.2)
    running.send_signal(signal.SIGKILL)
    running.wait()
    in_state = state.read_bytes().count(b"\n") - 1
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    return {"killed_with_files_in_state": in_state, "resumed_seconds": round(time.monotonic() - started, 1),
            "resumed_said": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "",
            "identical": (out / "resumed.json").read_bytes() == (out / "local.json").read_bytes()}


def merged_halves(corpus: Path, jobs: int, out: Path) -> dict:
    folders = sorted(p for p in corpus.iterdir() if p.is_dir())
    halves = (folders[: len(folders) // 2], folders[len(folders) // 2:])
    for number, half in enumerate(halves):
        timed(marklint("scan", *map(str, half), "--format", "jsonl", "--dask", f"local:{jobs}",
                       "-o", str(out / f"half{number}.jsonl")))
    merged = subprocess.run([sys.executable, "-c", "from marklint.cli import main; main()", "merge",
                             str(out / "half1.jsonl"), str(out / "half0.jsonl"), "--as-of", AS_OF,
                             "-o", str(out / "merged.json")],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    whole = json.loads((out / "local.json").read_bytes())
    parts = json.loads((out / "merged.json").read_bytes())
    return {"merge_said": merged.stderr.strip(), "files_identical": parts["files"] == whole["files"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Local -j J against --dask local:J.")
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--jobs", "-j", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--skip-resume-and-merge", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    adopt_orphans()
    corpus = build(args.files)
    out = BENCH / "corpus" / "dask_out"
    out.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[float]] = {"local": [], "dask": []}
    cpu: dict[str, list[float]] = {"local": [], "dask": []}
    commands = {
        "local": marklint("scan", str(corpus), "--format", "json", "-j", str(args.jobs), "-o", str(out / "local.json")),
        "dask": marklint("scan", str(corpus), "--format", "json", "--dask", f"local:{args.jobs}",
                         "-o", str(out / "dask.json")),
    }
    for number in range(args.rounds):
        for name in ("local", "dask") if number % 2 == 0 else ("dask", "local"):
            seconds = timed(commands[name], cpu[name])
            runs[name].append(seconds)
            log(f"round {number + 1}: {name} {seconds:.1f} s, {cpu[name][-1]:.1f} CPU s")
    local, dask = statistics.median(runs["local"]), statistics.median(runs["dask"])
    report = json.loads((out / "local.json").read_text(encoding="utf-8"))
    results = {
        "files": report["summary"]["files"], "jobs": args.jobs, "rounds": args.rounds, "cpus": os.cpu_count(),
        "local_seconds": round(local, 1), "dask_seconds": round(dask, 1),
        "local_runs": [round(s, 1) for s in runs["local"]], "dask_runs": [round(s, 1) for s in runs["dask"]],
        "overhead_percent": round(100 * (dask - local) / local, 1),
        "local_cpu_seconds": [round(c, 1) for c in cpu["local"]],
        "dask_cpu_seconds": [round(c, 1) for c in cpu["dask"]],
        "cpu_overhead_percent": round(100 * (statistics.median(cpu["dask"]) - statistics.median(cpu["local"]))
                                      / statistics.median(cpu["local"]), 1),
        "files_per_second_per_worker": {"local": round(args.files / local / args.jobs, 1),
                                        "dask": round(args.files / dask / args.jobs, 1)},
        "identical": (out / "dask.json").read_bytes() == (out / "local.json").read_bytes(),
    }
    if not args.skip_resume_and_merge:
        results["killed_and_resumed"] = killed_and_resumed(corpus, args.jobs, out, args.files)
        results["merged_halves"] = merged_halves(corpus, args.jobs, out)
    for measure in ("overhead_percent", "cpu_overhead_percent"):  # wall time, then the steadier CPU time
        within = results[measure] <= 100 * TARGET_OVERHEAD
        results[f"verdict_{measure.removesuffix('_percent')}"] = "within target" if within else "over target"
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for key, value in results.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
