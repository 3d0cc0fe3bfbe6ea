"""Instructions a file of one kind of the realistic corpus costs, counted by valgrind's callgrind (the same
count on every run, whatever else the machine does): marklint reading and judging it (``driver.examine``,
what a worker runs for each file) or the floor reading it (``floor.read_one``), in this process.

    python bench/kind_instructions.py [--files N] [--floor] [KIND ...]

For each kind, two runs under callgrind: one that warms up (reads the kind's first files of folder d07, so
imports, compiled patterns and per-process caches are paid) and then reads the first N files of folders
d00 to d02 (and on to d06 for a kind with fewer there: the corpus's 12 WPS files), and one that only
warms up, both with a fixed hash seed; the difference divided by N is the cost of one file. Without
valgrind, ``--child`` runs one such process (what callgrind counts).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CORPUS = BENCH / "corpus" / "realistic"
WARM_UP = 3
#: The folders whose files are counted, their first N files in this order (d07 warms up).
MEASURED = ("d00", "d01", "d02", "d03", "d04", "d05", "d06")


def paths_of(kind: str, folders: tuple[str, ...], count: int) -> list[Path]:
    # Named NNNNNN_KIND_FIXTURE: the kind is the second field (a fixture's name may hold "_wps_").
    found = [path for folder in folders for path in sorted(CORPUS.glob(f"{folder}/*_{kind}_*"))
             if path.name.split("_")[1] == kind]
    return found[:count]


def child(kind: str, files: int, use_floor: bool) -> None:
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(BENCH.parent))
    if use_floor:
        import floor

        def read(path: Path) -> object:
            return floor.read_one(str(path))
    else:
        from marklint.config import Settings
        from marklint.driver import examine

        settings = Settings(as_of=date(2026, 11, 27))

        def read(path: Path) -> object:
            return examine(path, path.name, settings)

    for path in paths_of(kind, ("d07",), WARM_UP):
        read(path)
    for path in paths_of(kind, MEASURED, files):
        read(path)


def instructions(kind: str, files: int, use_floor: bool) -> int:
    floor_flag = ["--floor"] if use_floor else []
    return callgrind_instructions(__file__, ["--child", "--files", str(files), kind, *floor_flag])


def callgrind_instructions(script: str, arguments: list[str]) -> int:
    """The instructions ``python script arguments`` runs, counted by callgrind (bench/judge_cost.py too)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, script, *arguments]
        # A fixed hash seed: string hashing (dict and set layouts) then costs the same in every run.
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        with open(out, encoding="utf-8") as handle:
            totals = re.search(r"^(?:summary|totals): (\d+)", handle.read(), re.MULTILINE)
        assert totals, "callgrind wrote no total"
        return int(totals.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kinds", nargs="*", default=["docx-word", "docx-wps", "pdf-word", "pdf-wps",
                                                      "pdf-libreoffice", "ofd", "text"])
    parser.add_argument("--files", type=int, default=24)
    parser.add_argument("--floor", action="store_true", help="count the floor instead of marklint")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.kinds[0], args.files, args.floor)
        return 0
    if not CORPUS.is_dir():
        sys.exit("kind_instructions: no realistic corpus yet: run python bench/run.py first")
    print(f"{'kind':<18}{'files':>6}{'M instructions a file':>24}")
    for kind in args.kinds:
        found = len(paths_of(kind, MEASURED, args.files))
        whole, warm = instructions(kind, found, args.floor), instructions(kind, 0, args.floor)
        print(f"{kind:<18}{found:>6}{(whole - warm) / found / 1e6:>24.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
