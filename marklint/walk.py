"""Walking the paths given: which files a scan examines, in a stable order.

The walk never opens a file: it lists folders and classifies entries. Symlinked folders are followed
once each (a set of visited (device, inode) pairs stops loops, also those made by bind mounts); a folder
that cannot be listed, a FIFO, socket or device with a name that can carry a marking, and a dangling link
are all handed on, so that the driver reports them as not examined instead of dropping them.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from fnmatch import fnmatch
from pathlib import Path

from marklint import parsers
from marklint.config import Settings
from marklint.parsers import printable

#: errno values whose class name (plain OSError) says nothing on its own.
_ERRNO_WORDS = {errno.ELOOP: "symlink loop", errno.ENAMETOOLONG: "name too long", errno.EIO: "I/O error"}


def iter_paths(paths: Iterable[str], settings: Settings, skipped: list[int]) -> Iterator[tuple[Path, str]]:
    """Every file to examine, as (path, path as displayed), sorted within each folder. Files named
    directly are examined whatever their name; a folder walk takes the formats that can carry a marking
    and counts the rest in ``skipped``. The displayed path is printable: bytes that are not UTF-8 and
    control characters are shown escaped (``\\xb2``), so no report can fail or be forged by a name."""
    for given in paths:
        shown = printable(given)
        try:
            is_dir = stat.S_ISDIR(os.stat(given).st_mode)  # a link named on the command line is followed
        except OSError:
            is_dir = False  # missing or a link loop: the driver reports why
        if is_dir:
            yield from _walk(Path(given), shown, settings, skipped)
        elif not _excluded(shown, settings):
            yield Path(given), shown


def _walk(root: Path, shown_root: str, settings: Settings, skipped: list[int]) -> Iterator[tuple[Path, str]]:
    visited: set[tuple[int, int]] = set()
    try:
        info = os.stat(root)
        visited.add((info.st_dev, info.st_ino))
    except OSError:
        pass  # vanished since it was seen: listing it below fails and reports it
    stack = [(root, shown_root)]
    while stack:
        folder, shown = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            yield folder, shown  # unreadable or vanished: the driver says which
            continue
        folders: list[tuple[Path, str]] = []
        for entry in entries:
            path, entry_shown = folder / entry.name, os.path.join(shown, printable(entry.name))
            if _excluded(entry_shown, settings):
                continue
            is_folder, identity = _folder_identity(entry)
            if is_folder:
                if identity in visited:
                    skipped[0] += 1  # a link back into folders already walked: its files are listed there
                else:
                    if identity is not None:
                        visited.add(identity)
                    folders.append((path, entry_shown))  # without identity: vanished, listing it says so
            elif parsers.is_candidate(entry.name):
                yield path, entry_shown  # a regular file, or a FIFO, socket, device or dangling link to report
            else:
                skipped[0] += 1
        stack.extend(reversed(folders))  # depth first, in name order


def _folder_identity(entry: os.DirEntry[str]) -> tuple[bool, tuple[int, int] | None]:
    """Whether the entry is a folder or a link to one, and its (st_dev, st_ino) where it can be had."""
    try:
        if not entry.is_dir():  # follows a link
            return False, None
    except OSError:
        return False, None  # a link loop: treated as a file, so it is reported
    try:
        info = entry.stat()
    except OSError:
        return True, None  # gone since it was listed
    return True, (info.st_dev, info.st_ino)


def os_error(exc: OSError) -> str:
    """What an OS error means, in words a user reads: never the exception's class name."""
    from marklint.errors import os_error_words  # here, not at the top: the walk's imports are shared code

    return os_error_words(exc)


def not_a_file(path: Path, mode: int) -> str:
    """What a path that is not a regular file is, for the reason it was not examined. It is never opened:
    opening a FIFO blocks until a writer comes, and a device can be read forever."""
    if stat.S_ISDIR(mode):
        try:
            with os.scandir(path):
                pass
        except OSError as exc:
            return f"a folder that cannot be listed ({os_error(exc)})"
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    return "not a regular file"


def _excluded(display: str, settings: Settings) -> bool:
    return any(fnmatch(display, pattern) or fnmatch(os.path.basename(display), pattern)
               for pattern in settings.exclude)
