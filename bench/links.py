"""Corpora of many files made cheaply: hard links to a few sources, cycled over numbered folders (for
bench/run.py's memory corpus and bench/dask.py's 20,000 files)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path


def link_cycled(sources: Sequence[Path], count: int, target: Path, folders: int,
                name: Callable[[Path], str] = lambda source: source.name) -> None:
    """``count`` hard links (copies where linking fails: another file system) to ``sources``, cycled, as
    ``target/dFF/NNNNNN_NAME``: file N in folder N modulo ``folders``, NAME from ``name(source)``."""
    for index in range(count):
        source = sources[index % len(sources)]
        link = target / f"d{index % folders:02d}" / f"{index:06d}_{name(source)}"
        link.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, link)
        except OSError:
            shutil.copyfile(source, link)
