"""Time to first result of ``marklint scan FILE``: what a pre-release hook pays on every call.

    python bench/startup.py [--runs N] [FILE ...]

Runs this checkout's ``marklint scan FILE --as-of 2026-11-27`` N times per file as a fresh process (bytecode
caches warm, output to a pipe), and the bare interpreter (``python -c pass``) as often, and prints the
median, fastest and 90th percentile wall time of each, with the load average before and after. Without
FILE: one Word-template DOCX and one WPS DOCX from the realistic corpus (``bench/run.py`` builds it) when it
is there, and fixture DOCX, PDF, OFD and text files.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TARGET_MS = 150.0


def default_files() -> list[Path]:
    found = []
    realistic = BENCH / "corpus" / "realistic"
    for kind in ("docx-word", "docx-wps"):
        found.extend(sorted(realistic.glob(f"d00/*_{kind}_*.docx"))[:1])
    fixtures = ROOT / "fixtures"
    for pattern in ("docx/clean_gongwen.docx", "pdf/clean_gongwen.pdf", "ofd/clean_gongwen.ofd", "text/*.txt"):
        found.extend(sorted(fixtures.glob(pattern))[:1])
    return found


def times(command: list[str], runs: int) -> list[float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = []
    for index in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode not in (0, 1):
            sys.exit(f"startup: {' '.join(command)} exited {done.returncode}:\n{done.stderr.decode()[-2000:]}")
        if index:  # the first run writes bytecode caches: not counted
            out.append(elapsed * 1000)
    return out


def row(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"{label:<52}{statistics.median(values):>9.1f}{ordered[0]:>9.1f}{p90:>9.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    files = args.files or default_files()
    load_before = os.getloadavg()
    print(f"{'ms per call, ' + str(args.runs) + ' runs':<52}{'median':>9}{'fastest':>9}{'p90':>9}")
    print(row("python -c pass (the interpreter alone)", times([sys.executable, "-c", "pass"], args.runs)))
    medians = []
    for path in files:
        command = [sys.executable, "-c", "from marklint.cli import run; run()", "scan", str(path),  # the command
                   "--as-of", "2026-11-27"]
        values = times(command, args.runs)
        medians.append(statistics.median(values))
        print(row(f"marklint scan {path.name[-40:]}", values))
    load_after = os.getloadavg()
    print(f"load average (1, 5, 15 min): before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}; {os.cpu_count()} cores")
    print(f"target: under {TARGET_MS:.0f} ms: {'PASS' if max(medians) < TARGET_MS else 'FAIL'} "
          f"(slowest median {max(medians):.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
