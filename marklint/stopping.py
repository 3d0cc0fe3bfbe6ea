"""Stopping the command line cleanly on SIGINT (Ctrl-C) and SIGTERM.

Both become ``Stopped``, an exception raised in the main thread wherever it is: unwinding it stops the
worker pool (workers.py terminates it in a ``finally``) and removes the report's temporary file
(output.py), then the command prints one line and exits 128 + the signal's number (130, 143), as shells
do. Only the command line installs these handlers: a host embedding ``marklint.scan`` keeps its own.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType
from typing import Any

import click

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """A signal that stops the run. A BaseException, so that no ``except Exception`` guard swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, _frame: FrameType | None) -> None:
    for stop_signal in STOP_SIGNALS:  # a second Ctrl-C must not interrupt the cleanup the first one started
        signal.signal(stop_signal, signal.SIG_IGN)
    raise Stopped(signum)


class StoppableGroup(click.Group):
    """The command group, run with the stop handlers in place and ``Stopped`` turned into one line and an
    exit status (click itself would print ``Aborted!`` and exit 1 on Ctrl-C, which reads as findings)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        global _fork_hook_registered
        if not _fork_hook_registered:
            os.register_at_fork(after_in_child=_worker_defaults)
            _fork_hook_registered = True
        previous = {stop_signal: signal.signal(stop_signal, _stop) for stop_signal in STOP_SIGNALS}
        try:
            return super().main(*args, **kwargs)
        except Stopped as stopped:
            name = signal.Signals(stopped.signum).name
            clear = "\r\033[K" if sys.stderr.isatty() else ""  # the progress line, if one was shown
            sys.stderr.write(f"{clear}marklint: stopped by {name}\n")
            sys.exit(128 + stopped.signum)
        finally:  # a caller that runs the command in its own process (a test, a host) gets its handlers back
            for stop_signal, handler in previous.items():
                signal.signal(stop_signal, handler if handler is not None else signal.SIG_DFL)


_fork_hook_registered = False


def _worker_defaults() -> None:
    """In a process forked while the handlers are in place (a worker, also one the pool forks from its own
    thread to replace a dead one): SIGTERM kills it at once, as the pool's terminate() expects, even while
    it waits inside C code where no Python handler runs; Ctrl-C is the parent's to handle."""
    if signal.getsignal(signal.SIGTERM) is _stop:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if signal.getsignal(signal.SIGINT) is _stop:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
