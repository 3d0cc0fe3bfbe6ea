"""Walking the paths given: which files a scan examines, in a stable order.

The walk never opens a file: it lists folders and classifies entries. As ripgrep does, symlinks met
while walking are not followed unless ``Settings.follow_symlinks`` (``--follow-symlinks``); a link named
on the command line is followed. Followed or not, the walk never leaves the folders given: a link that
resolves outside them is not followed, folders are walked once each (a set of visited (device, inode)
pairs stops loops, also those made by bind mounts), and pseudo file systems (/proc, /sys, /dev and their
like) are never entered. Every path passed over is counted, and listed with the reason where the caller
asks. A folder that cannot be listed, a FIFO, socket or device with a name that can carry a marking, and
a dangling link that is followed are all handed on, so that the driver reports them as not examined
instead of dropping them.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Iterator
from fnmatch import fnmatch
from pathlib import Path

from marklint import parsers
from marklint.config import Settings
from marklint.errors import os_error_words
from marklint.parsers import printable

#: Reasons a walked path is passed over, as the JSON report's ``skipped`` list gives them.
NOT_A_CARRIER = "not a format that can carry a marking"
LINK_NOT_FOLLOWED = "a symlink, not followed (--follow-symlinks follows it)"
LINK_OUTSIDE = "a symlink to outside the folders given, not followed"
WALKED_ALREADY = "a folder walked already by another path"
#: File system types that are no files: the kernel's views (/proc, /sys, /dev) and the like.
PSEUDO_FILE_SYSTEMS = frozenset({
    "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "debugfs", "tracefs", "securityfs", "pstore",
    "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs", "binfmt_misc", "efivarfs", "autofs", "rpc_pipefs",
    "nsfs", "selinuxfs",
})


def iter_paths(paths: Iterable[str], settings: Settings, skipped: list[int],
               listed: list[tuple[str, str]] | None = None) -> Iterator[tuple[Path, str]]:
    """Every file to examine, as (path, path as displayed), sorted within each folder. Files named
    directly are examined whatever their name; a folder walk takes the formats that can carry a marking
    and counts the rest in ``skipped`` (and, given ``listed``, appends (path as displayed, reason) to it).
    The displayed path is printable: bytes that are not UTF-8 and control characters are shown escaped
    (``\\xb2``), so no report can fail or be forged by a name."""
    given_paths = list(paths)
    roots = []
    for given in given_paths:
        with contextlib.suppress(OSError):
            if stat.S_ISDIR(os.stat(given).st_mode):
                roots.append(os.path.realpath(given))
    walk = _Walk(settings, skipped, listed, roots)
    for given in given_paths:
        shown = printable(given)
        try:
            is_dir = stat.S_ISDIR(os.stat(given).st_mode)  # a link named on the command line is followed
        except OSError:
            is_dir = False  # missing or a link loop: the driver reports why
        if is_dir:
            yield from walk.folder(Path(given), shown)
        elif not _excluded(shown, settings):
            yield Path(given), shown


class _Walk:
    """One walk over the folders given: what it skipped, the roots it may not leave, the folders seen."""

    def __init__(self, settings: Settings, skipped: list[int], listed: list[tuple[str, str]] | None,
                 roots: list[str]) -> None:
        self.settings, self.skipped, self.listed, self.roots = settings, skipped, listed, roots
        self.pseudo = _pseudo_devices()

    def skip(self, shown: str, reason: str) -> None:
        self.skipped[0] += 1
        if self.listed is not None:
            self.listed.append((shown, reason))

    def inside_roots(self, path: Path) -> bool:
        target = os.path.realpath(path)
        return any(target == root or target.startswith(root.rstrip("/") + "/") for root in self.roots)

    def folder(self, root: Path, shown_root: str) -> Iterator[tuple[Path, str]]:
        visited: set[tuple[int, int]] = set()
        try:
            info = os.stat(root)
            if info.st_dev in self.pseudo:
                self.skip(shown_root, f"a pseudo file system ({self.pseudo[info.st_dev]}), not walked")
                return
            visited.add((info.st_dev, info.st_ino))
        except OSError:
            pass  # vanished since it was seen: listing it below fails and reports it
        yield from _walk(self, root, shown_root, visited)


def _walk(walk: _Walk, root: Path, shown_root: str, visited: set[tuple[int, int]]) -> Iterator[tuple[Path, str]]:
    settings = walk.settings
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
            if entry.is_symlink():
                if not settings.follow_symlinks:
                    walk.skip(entry_shown, LINK_NOT_FOLLOWED)
                    continue
                if not walk.inside_roots(path):
                    walk.skip(entry_shown, LINK_OUTSIDE)
                    continue
            is_folder, identity = _folder_identity(entry)
            if is_folder:
                if identity in visited:
                    walk.skip(entry_shown, WALKED_ALREADY)  # a loop, or a second path: its files are listed once
                elif identity is not None and identity[0] in walk.pseudo:
                    walk.skip(entry_shown, f"a pseudo file system ({walk.pseudo[identity[0]]}), not walked")
                else:
                    if identity is not None:
                        visited.add(identity)
                    folders.append((path, entry_shown))  # without identity: vanished, listing it says so
            elif parsers.is_candidate(entry.name):
                yield path, entry_shown  # a regular file, or a FIFO, socket, device or dangling link to report
            else:
                walk.skip(entry_shown, NOT_A_CARRIER)
        stack.extend(reversed(folders))  # depth first, in name order


def _pseudo_devices() -> dict[int, str]:
    """The device numbers of the pseudo file systems mounted here, with their types (from mountinfo)."""
    found: dict[int, str] = {}
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as mounts:
            for line in mounts:
                fields, _, rest = line.partition(" - ")
                parts = fields.split()
                kind = rest.split(" ", 1)[0]
                if len(parts) > 2 and kind in PSEUDO_FILE_SYSTEMS:
                    major, _, minor = parts[2].partition(":")
                    found[os.makedev(int(major), int(minor))] = kind
    except (OSError, ValueError):
        pass  # no /proc (not Linux, or not mounted): /proc is then no pseudo file system to avoid
    return found


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
