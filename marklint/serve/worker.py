"""The worker process of ``marklint serve``: one document at a time, judged by the same per-file code as
``marklint scan`` (``workers.run`` over ``driver.examine``, with its per-file alarm and safety limits).

The document arrives as bytes over a pipe and is written, for the parsers, to the slot's private folder
(mode 0700, made by the parent), under a fixed name that keeps only the upload's suffix; it is removed as
soon as the result is known. Nothing else is written, kept or logged.
"""

from __future__ import annotations

import os
import signal
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path

from marklint import driver, workers
from marklint.config import Settings
from marklint.results import FileResult

#: A document as the parent sends it: its name as shown, its suffix, its bytes, and per-request settings.
Job = tuple[str, str, bytes, dict]


def judge_bytes(display: str, suffix: str, data: bytes, settings: Settings, folder: Path) -> FileResult:
    """Judge one uploaded document: write it to ``folder``, examine it as ``marklint scan`` would, remove it."""
    path = folder / f"document{suffix}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        # Judged here, in this worker process, under the memory ceiling main() set (not in a pool of its own).
        here = replace(settings, limits=replace(settings.limits, max_worker_memory=0))
        return next(workers.run([(path, display)], here, 1, driver.examine, driver.timed_out, driver.over_limit))
    finally:
        path.unlink(missing_ok=True)


def main(connection: Connection, settings: Settings, folder: str) -> None:
    """The worker's loop: answer "ready", then one result per job until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    workers.set_memory_ceiling(settings.limits.max_worker_memory)  # a process of marklint's own: its ceiling
    import marklint.parsers.docx
    import marklint.parsers.pdf  # noqa: F401  (imported before the first document, not during it)

    connection.send("ready")
    while True:
        try:
            display, suffix, data, overrides = connection.recv()
        except (EOFError, OSError):
            return
        result = judge_bytes(display, suffix, data, replace(settings, **overrides), Path(folder))
        del data
        connection.send(result)
