"""Cost of judging a file once it is read: ``driver.judge`` (the analysis, the checks, the FileResult) on
documents of the realistic corpus already parsed, in this process, apart from reading them. CPU
microseconds of this process (``time.process_time``) per file, by format, median over the rounds; with
``--instructions``, the instructions one judged file costs, counted by valgrind's callgrind (the same count
on every run, whatever else the machine does): one run that reads the files and judges them once and then
``--rounds`` times, one that reads them and judges them once, both with a fixed hash seed; the difference
divided by files and rounds.

    python bench/judge_cost.py [--rounds R] [--folders d00 d01 ...] [--instructions]

Needs the realistic corpus (``python bench/run.py`` builds it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from kind_instructions import callgrind_instructions  # noqa: E402

from marklint.config import Settings  # noqa: E402
from marklint.driver import judge, read_document  # noqa: E402
from marklint.model import Document  # noqa: E402

CORPUS = BENCH / "corpus" / "realistic"
SETTINGS = Settings(as_of=date(2026, 11, 27))


def documents(folders: list[str]) -> list[Document]:
    """The files of ``folders`` of the realistic corpus, read (in name order)."""
    paths = [path for folder in folders for path in sorted((CORPUS / folder).iterdir()) if path.is_file()]
    return [read_document(path, path.name, SETTINGS) for path in paths]


def cpu_microseconds(docs: list[Document], rounds: int) -> dict[str, float]:
    """Median CPU microseconds of judging one file, by format and over all."""
    for doc in docs:
        judge(doc, SETTINGS)  # first pass untimed: imports, compiled patterns, caches
    formats = sorted({doc.format for doc in docs})
    times: dict[str, list[float]] = {fmt: [] for fmt in [*formats, "all"]}
    for _ in range(rounds):
        for fmt in formats:
            batch = [doc for doc in docs if doc.format == fmt]
            start = time.process_time()
            for doc in batch:
                judge(doc, SETTINGS)
            times[fmt].append((time.process_time() - start) / len(batch) * 1e6)
        start = time.process_time()
        for doc in docs:
            judge(doc, SETTINGS)
        times["all"].append((time.process_time() - start) / len(docs) * 1e6)
    return {fmt: statistics.median(values) for fmt, values in times.items()}


def child(folders: list[str], rounds: int) -> None:
    """What callgrind counts: read the files, judge them once (warm: memoised markings, dates), then
    ``rounds`` times more."""
    docs = documents(folders)
    for _ in range(rounds + 1):
        for doc in docs:
            judge(doc, SETTINGS)


def instructions(folders: list[str], rounds: int) -> int:
    return callgrind_instructions(__file__, ["--child", "--rounds", str(rounds), "--folders", *folders])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--folders", nargs="+", default=[f"d{index:02d}" for index in range(8)],
                        help="folders of the realistic corpus (default d00-d07: the short files)")
    parser.add_argument("--instructions", action="store_true", help="count instructions under callgrind")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.folders, args.rounds)
        return 0
    if not CORPUS.is_dir():
        sys.exit("judge_cost: no realistic corpus yet: run python bench/run.py first")
    if args.instructions:
        files = len(documents(args.folders))
        judged, warm = instructions(args.folders, args.rounds), instructions(args.folders, 0)
        print(f"judging: {(judged - warm) / files / args.rounds / 1e3:.1f} k instructions a file "
              f"({files} files of {', '.join(args.folders)}, {args.rounds} rounds)")
        return 0
    docs = documents(args.folders)
    print(f"{'format':<8}{'files':>6}{'judge us':>10}")
    for fmt, value in cpu_microseconds(docs, args.rounds).items():
        count = len(docs) if fmt == "all" else sum(doc.format == fmt for doc in docs)
        print(f"{fmt:<8}{count:>6}{value:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
