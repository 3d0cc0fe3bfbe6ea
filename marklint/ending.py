"""How the ``marklint`` command ends its process: at once, once its output is out.

A normal interpreter exit tears down every module marklint and its libraries imported (lxml, PDFium's
bindings, click, regex...): about 50 million instructions, some 12 ms, paid after the report is written
by every call of a pre-release hook and every scan (BENCHMARKS.md, session 6). The command owns its
process, so it flushes its streams, runs the exit handlers (the compiled-pattern cache is saved by one:
``regex_cache``) and ends with ``os._exit``. Only the console command does this (``cli.run``, which
``python -m marklint`` runs too): ``cli.main`` called in a host's process returns to it or raises
``SystemExit`` as before.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading


def end_process(code: object) -> None:
    """End the process with ``code`` as ``sys.exit(code)`` would, skipping the interpreter's teardown where
    nothing depends on it. Falls back to ``sys.exit`` where something might: another thread still runs
    (an exit waits for it), a code that is not a number (``sys.exit`` prints it), or a stream that cannot
    be flushed (the exit reports it as before)."""
    if code is None:
        code = 0
    if not isinstance(code, int) or isinstance(code, bool) or threading.active_count() > 1:
        sys.exit(code)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except Exception:
        sys.exit(code)
    atexit._run_exitfuncs()  # what an exit runs before its teardown: the pattern cache, logging's flush
    try:
        for stream in (sys.stdout, sys.stderr):  # anything an exit handler wrote
            if stream is not None:
                stream.flush()
    except Exception:
        pass  # as at a normal exit, after the handlers: nothing left to report it to
    os._exit(code & 0xFF)  # the status sys.exit(code) gives
