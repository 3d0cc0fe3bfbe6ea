"""Cost of reading one file per format: the fixture OFDs beside their PDF, DOCX and Word binary (.doc, and
the .wps made from them) copies, parsed in this process (no start-up, no checks), the median of several
rounds per file. CPU time of this process
(``time.process_time``): on a shared machine, wall time also counts the other processes' turns.

    python bench/ofd_cost.py [rounds]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from marklint.limits import Limits
from marklint.parsers import parse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def per_file_ms(paths: list[Path], rounds: int) -> tuple[float, float]:
    """Median and worst per-file median, in milliseconds."""
    limits = Limits()
    medians = []
    for path in paths:
        parse(path, path.name, limits)  # first read untimed: imports and caches
        times = []
        for _ in range(rounds):
            start = time.process_time()
            parse(path, path.name, limits)
            times.append(time.process_time() - start)
        medians.append(statistics.median(times) * 1000)
    return statistics.median(medians), max(medians)


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    for fmt, folder in (("ofd", "ofd"), ("pdf", "pdf"), ("docx", "docx"), ("doc", "doc"), ("wps", "doc")):
        paths = sorted((FIXTURES / folder).glob(f"*.{fmt}"))
        median, worst = per_file_ms(paths, rounds)
        print(f"{fmt:5} {len(paths):3} files  median {median:.2f} ms/file  worst {worst:.2f} ms/file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
