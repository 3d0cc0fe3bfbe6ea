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
import threading
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
            os.register_at_fork(before=_block_stops, after_in_parent=_unblock_stops, after_in_child=_worker_defaults)
            _fork_hook_registered = True
        previous = {stop_signal: signal.signal(stop_signal, _stop) for stop_signal in STOP_SIGNALS}
        try:
            return super().main(*args, **kwargs)
        except Stopped as stopped:
            name = signal.Signals(stopped.signum).name
            clear = "\r\033[K" if sys.stderr.isatty() else ""  # the progress line, if one was shown
            sys.stderr.write(f"{clear}marklint: {self.stopped_words(name)}\n")
            sys.exit(128 + stopped.signum)
        finally:  # a caller that runs the command in its own process (a test, a host) gets its handlers back
            for stop_signal, handler in previous.items():
                signal.signal(stop_signal, handler if handler is not None else signal.SIG_DFL)

    def stopped_words(self, signal_name: str) -> str:
        """What the line says after ``marklint: `` (the command line's group says it in the user's language)."""
        return f"stopped by {signal_name}"


_fork_hook_registered = False


#: Per thread, the signal mask its fork in progress replaced (None: the fork blocked nothing).
_fork_masks = threading.local()


def _block_stops() -> None:
    """Before a fork while the handlers are in place: hold SIGINT and SIGTERM back in the forking thread, so
    that a signal sent to the new child before it has dropped the inherited handler stays pending instead of
    reaching ``_stop`` there (which would swallow it and leave the pool's terminate() waiting for ever)."""
    if signal.getsignal(signal.SIGTERM) is _stop or signal.getsignal(signal.SIGINT) is _stop:
        _fork_masks.held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    else:
        _fork_masks.held = None


def _unblock_stops() -> None:
    held, _fork_masks.held = getattr(_fork_masks, "held", None), None
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _worker_defaults() -> None:
    """In a process forked while the handlers are in place (a worker, also one the pool forks from its own
    thread to replace a dead one): SIGTERM kills it at once, as the pool's terminate() expects, even while
    it waits inside C code where no Python handler runs; Ctrl-C is the parent's to handle. A stop signal
    that came while the fork held it back is delivered only now, to these dispositions."""
    if signal.getsignal(signal.SIGTERM) is _stop:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if signal.getsignal(signal.SIGINT) is _stop:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _unblock_stops()
