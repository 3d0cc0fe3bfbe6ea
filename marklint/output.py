"""Writing report files atomically: a temporary file in the target's folder, renamed into place when
complete, so a reader never sees half a report and a failed run leaves no partial file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TextIO


@contextmanager
def _atomic(path: Path, binary: bool) -> Iterator[IO]:
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    # mkstemp makes the file private; a report should be as readable as any file the user creates.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    try:
        with os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", encoding="utf-8") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


@contextmanager
def atomic_file(path: Path) -> Iterator[TextIO]:
    with _atomic(path, binary=False) as stream:
        yield stream


def write_atomic(path: Path, text: str) -> None:
    with atomic_file(path) as stream:
        stream.write(text)


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """For binary reports (XLSX)."""
    with _atomic(path, binary=True) as stream:
        stream.write(data)
