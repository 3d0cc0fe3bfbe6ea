"""Writing report files: atomically where that is safe, straight through where it is not.

A regular file, or a path that does not exist yet, is written to a temporary file in its folder and
renamed into place when complete, so a reader never sees half a report and a failed run leaves no partial
file; the existing file's mode (and, where allowed, owner) is kept. A symlink is written through: what it
points to is replaced, the link stays a link. A character device, FIFO or socket (``/dev/null``,
``/dev/stdout``, a pipe) is opened and written as it is, never replaced by a file. ``-`` is standard
output. A report that cannot be written (a missing or read-only folder, a full disk) is an OutputError:
one line, exit status 2, and no temporary file left.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TextIO

import click

from marklint.messages import ERRORS, TEXT, WRITE_ERRORS, Both, in_both

STDOUT = "-"


class OutputError(click.ClickException):
    """A report that cannot be written: one line on stderr and exit status 2 (README, exit status), in the
    run's language (``lang``: set by the command group, ``usage.CatalogueGroup``; else Chinese)."""

    exit_code = 2

    def __init__(self, path: Path | str | Both, exc: OSError) -> None:
        known = WRITE_ERRORS.get(exc.errno or 0)
        why = Both(known.zh, known.en) if known else Both(exc.strerror or "写入错误", exc.strerror or "write error")
        self.said = in_both(ERRORS["output.cannot write"], path=path, why=why)
        self.lang: str | None = None
        super().__init__(self.said.en)

    def show(self, file: IO | None = None) -> None:
        click.echo(f"marklint: {self.said.say(self.lang or 'zh')}", err=True)


class _Checked:
    """A report stream whose write and flush errors (ENOSPC above all) become an OutputError naming it."""

    def __init__(self, stream: IO, path: Path | str | Both) -> None:
        self._stream, self._path = stream, path

    def write(self, data: str | bytes) -> int:
        try:
            return self._stream.write(data)
        except OSError as exc:
            raise OutputError(self._path, exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise OutputError(self._path, exc) from None


def _open_mode(binary: bool) -> dict:
    return {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8"}


@contextmanager
def _report_stream(path: Path, binary: bool) -> Iterator[_Checked]:
    if str(path) == STDOUT:
        stream = sys.stdout.buffer if binary else sys.stdout
        shown = in_both(TEXT["standard output"])
        yield _Checked(stream, shown)
        _Checked(stream, shown).flush()
        return
    try:
        existing: os.stat_result | None = os.stat(path)  # through a symlink: what it points to
    except FileNotFoundError:
        existing = None  # a new file (or a dangling link's target): written atomically
    except OSError as exc:
        raise OutputError(path, exc) from None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise OutputError(path, IsADirectoryError(errno.EISDIR, "it is a folder"))
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with _straight_through(path, binary) as stream:
            yield stream
        return
    with _atomic(Path(os.path.realpath(path)), binary, existing, shown=path) as stream:
        yield stream


@contextmanager
def _straight_through(path: Path, binary: bool) -> Iterator[_Checked]:
    """A device, FIFO or socket: written as it is (renaming a file over ``/dev/null`` would replace it)."""
    try:
        handle = open(path, **_open_mode(binary))  # noqa: SIM115 - closed below, its errors reported
    except OSError as exc:
        raise OutputError(path, exc) from None
    with _closing(handle, path) as stream:
        yield stream


@contextmanager
def _closing(stream: IO, shown: Path | str | Both) -> Iterator[_Checked]:
    """``stream`` checked, and closed after the block; an error closing it (a full disk) is an OutputError,
    unless the block already failed."""
    try:
        yield _Checked(stream, shown)
    except BaseException:
        with contextlib.suppress(OSError):
            stream.close()
        raise
    try:
        stream.close()
    except OSError as exc:
        raise OutputError(shown, exc) from None


@contextmanager
def _atomic(path: Path, binary: bool, existing: os.stat_result | None, shown: Path) -> Iterator[_Checked]:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(shown, exc) from None
    try:
        if existing is not None:  # keep the mode (and owner, where allowed) of the report it replaces
            os.chmod(temporary, stat.S_IMODE(existing.st_mode))
            if (existing.st_uid, existing.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(OSError):  # not permitted: the report is the writer's, as a new one
                    os.chown(temporary, existing.st_uid, existing.st_gid)
        else:
            # mkstemp makes the file private; a report should be as readable as any file the user creates.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        with _closing(os.fdopen(handle, **_open_mode(binary)), shown) as stream:
            yield stream
        try:
            os.replace(temporary, path)
        except OSError as exc:
            raise OutputError(shown, exc) from None
    except BaseException:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise


@contextmanager
def atomic_file(path: Path) -> Iterator[TextIO]:
    with _report_stream(path, binary=False) as stream:
        yield stream  # type: ignore[misc]


def write_atomic(path: Path, text: str) -> None:
    with atomic_file(path) as stream:
        stream.write(text)


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """For binary reports (XLSX)."""
    with _report_stream(path, binary=True) as stream:
        stream.write(data)
