"""Per-format cost: the time marklint takes to read one file, and to read and judge it, by format.

    python bench/formats.py [--rounds R] [--json]

In process (no interpreter start-up, no workers), over the fixtures of each format folder
(``fixtures/docx``, ``fixtures/pdf``, ``fixtures/doc`` …: every folder's files, by their suffix), after one
warm-up pass; the median over R rounds of the mean per file. The files are small 公文, so this is the
per-file cost a folder of such files pays on top of start-up, and the one the issues' "under 2 ms a file"
targets mean.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from marklint.config import Settings  # noqa: E402 - this checkout's marklint
from marklint.driver import examine  # noqa: E402
from marklint.parsers import parse  # noqa: E402


def fixtures_by_format() -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted((ROOT / "fixtures").glob("*/*")):
        suffix = path.suffix.lower().lstrip(".")
        if path.is_file() and suffix not in ("json", "md", "py"):
            found[suffix].append(path)
    return dict(found)


def per_file_ms(files: list[Path], run, rounds: int) -> float:
    for path in files:
        run(path)
    means = []
    for _ in range(rounds):
        started = time.perf_counter()
        for path in files:
            run(path)
        means.append((time.perf_counter() - started) / len(files) * 1000)
    return statistics.median(means)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = Settings(as_of=date(2026, 11, 27))
    rows = {}
    for suffix, files in fixtures_by_format().items():
        rows[suffix] = {
            "files": len(files),
            "read_ms": round(per_file_ms(files, lambda p: parse(p, str(p), settings.limits), args.rounds), 3),
            "read_and_judge_ms": round(per_file_ms(files, lambda p: examine(p, str(p), settings), args.rounds), 3),
        }
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'format':<8}{'files':>6}{'read ms/file':>14}{'read+judge ms/file':>20}")
    for suffix, row in rows.items():
        print(f"{suffix:<8}{row['files']:>6}{row['read_ms']:>14.3f}{row['read_and_judge_ms']:>20.3f}")


if __name__ == "__main__":
    main()
