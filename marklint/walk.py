"""Walking the paths given: which files a scan examines, in a stable order."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from fnmatch import fnmatch
from pathlib import Path

from marklint import parsers
from marklint.config import Settings


def iter_paths(paths: Iterable[str], settings: Settings, skipped: list[int]) -> Iterator[tuple[Path, str]]:
    """Every file to examine, as (path, path as displayed), sorted within each folder. Files named
    directly are examined whatever their name; a folder walk takes the formats that can carry a marking
    and counts the rest in ``skipped``."""
    for given in paths:
        root = Path(given)
        if root.is_dir():
            for folder, dirs, files in os.walk(root, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    full = Path(folder) / name
                    display = os.path.join(folder, name)
                    if _excluded(display, settings):
                        continue
                    if parsers.is_candidate(name):
                        yield full, display
                    else:
                        skipped[0] += 1
        elif not _excluded(given, settings):
            yield root, given


def _excluded(display: str, settings: Settings) -> bool:
    return any(fnmatch(display, pattern) or fnmatch(os.path.basename(display), pattern)
               for pattern in settings.exclude)
