"""CPU time of ``marklint scan`` as processes: the parent's own and the whole process tree's (parent and
workers), and wall time, median of N runs; on a shared machine the CPU times are the steadier measure.

    python bench/process_cost.py [--runs N] [--jobs J] [PATH ...]

Without PATH: the realistic corpus (``bench/run.py`` builds it) and one Word-template DOCX of it. The
parent's CPU is read at its exit (``getrusage(RUSAGE_SELF)``); the tree's is what this script's children
used (``RUSAGE_CHILDREN`` includes the workers the parent waited for). Bytecode caches on, as in run.py.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CORPUS = BENCH / "corpus" / "realistic"
PARENT = """
import atexit, resource, sys
def said():
    used = resource.getrusage(resource.RUSAGE_SELF)
    sys.stderr.write(f"parent-cpu {used.ru_utime + used.ru_stime}\\n")
atexit.register(said)
from marklint.cli import run
run()
"""


def measure(paths: list[str], jobs: int, runs: int) -> tuple[list[float], list[float], list[float]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(CORPUS.parent / ".pycache")
    command = [sys.executable, "-c", PARENT, "scan", *paths, "--format", "json", "--as-of", "2026-11-27",
               "-j", str(jobs), "-o", os.devnull]
    tree, parent, wall = [], [], []
    for index in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, check=False)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode not in (0, 1):
            sys.exit(f"process_cost: {' '.join(command[3:])} exited {done.returncode}:\n{done.stderr[-2000:]}")
        if index:  # the first run writes bytecode caches: not counted
            tree.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
            parent.append(float(done.stderr.rsplit("parent-cpu ", 1)[1].split()[0]) * 1000)
            wall.append(elapsed * 1000)
    return tree, parent, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", "-j", type=int, default=2)
    args = parser.parse_args(argv)
    if args.paths:
        targets = [args.paths]
    elif CORPUS.is_dir():
        one = sorted(CORPUS.glob("d00/*_docx-word_*.docx"))[:1]
        targets = [[str(CORPUS.relative_to(ROOT))], *[[str(path.relative_to(ROOT))] for path in one]]
    else:
        sys.exit("process_cost: no realistic corpus yet: run python bench/run.py first")
    print(f"{'ms, median (min) of ' + str(args.runs) + ' runs':<34}{'tree CPU':>16}{'parent CPU':>16}{'wall':>16}")
    for paths in targets:
        tree, parent, wall = measure(paths, args.jobs, args.runs)
        cells = "".join(f"{statistics.median(v):>9.1f} ({min(v):>5.0f})" for v in (tree, parent, wall))
        print(f"{' '.join(paths)[-33:]:<34}{cells}")
    load = os.getloadavg()
    print(f"-j {args.jobs}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
