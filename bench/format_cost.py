"""Cost of one file per format of the realistic corpus: marklint reading and judging it (``driver.examine``,
what a worker runs for each file, in this process: no start-up, no report) beside the floor reading it
(``floor.read_one``), in CPU milliseconds of this process (``time.process_time``: on a shared machine, wall
time also counts the other processes' turns). Median over the files of a kind of each file's median over the rounds.

    python bench/format_cost.py [--rounds R] [--files N]

Needs the realistic corpus (``python bench/run.py`` builds it). Kinds not on main yet are listed as such.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import floor  # noqa: E402
import realistic  # noqa: E402

from marklint.config import Settings  # noqa: E402
from marklint.driver import examine  # noqa: E402

CORPUS = BENCH / "corpus" / "realistic"


def per_file_ms(paths: list[Path], read: Callable[[Path], object], rounds: int) -> float:
    medians = []
    for path in paths:
        read(path)  # first read untimed: imports, caches
        times = []
        for _ in range(rounds):
            start = time.process_time()
            read(path)
            times.append(time.process_time() - start)
        medians.append(statistics.median(times) * 1000)
    return statistics.median(medians)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--files", type=int, default=24, help="files of each kind (default 24)")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        sys.exit("format_cost: no realistic corpus yet: run python bench/run.py first")
    settings = Settings(as_of=date(2026, 11, 27))

    def judged(path: Path) -> object:
        return examine(path, path.name, settings)

    def floored(path: Path) -> object:
        return floor.read_one(str(path))

    landed = {kind.name for kind in realistic.landed()}
    print(f"{'kind':<18}{'files':>6}{'marklint ms':>13}{'floor ms':>10}{'ratio':>8}")
    for kind in realistic.KINDS:
        if kind.name not in landed:
            why = "not in the corpus (see realistic.KINDS)" if kind.fixtures() else "not yet on main (no fixtures)"
            print(f"{kind.name:<18}{'':>6}{why:>41}")
            continue
        # Named NNNNNN_KIND_FIXTURE: the kind is the second field (a fixture's name may hold "_wps_").
        paths = sorted(p for p in CORPUS.glob("d0*/*") if p.name.split("_")[1] == kind.name)[: args.files]
        ours, least = per_file_ms(paths, judged, args.rounds), per_file_ms(paths, floored, args.rounds)
        print(f"{kind.name:<18}{len(paths):>6}{ours:>13.2f}{least:>10.2f}{ours / least:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
