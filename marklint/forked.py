"""A pool of forked worker processes without ``multiprocessing``: each worker has a pipe for chunks of work
and one for their results, and the parent reads the results itself, in the thread that waits for them.

``multiprocessing.Pool`` hands every chunk and every result through three threads of the parent (task,
result and worker handlers): on a scan of 600 files those hand-offs cost the parent about as much CPU as
writing the report, taken from the cores the workers judge on, and importing it and starting its threads
cost more than a small file. Here a chunk goes to the worker with the fewest chunks in flight (at most
``IN_FLIGHT``, so that a worker never waits for the parent and the rest stay in the parent's backlog for
whichever worker is free first), framed as a length and a pickle.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import time
from collections import deque
from collections.abc import Callable
from typing import Any

#: Chunks sent to one worker ahead of its results: one to judge, one waiting, so it never waits for the parent.
IN_FLIGHT = 2
_LENGTH = struct.Struct("<Q")


def _write(fd: int, value: object) -> None:
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read(fd: int, size: int) -> bytes | None:
    """``size`` bytes from the pipe, or None at its end (the other side is gone)."""
    parts, left = [], size
    while left:
        block = os.read(fd, min(left, 1 << 20))
        if not block:
            return None
        parts.append(block)
        left -= len(block)
    return b"".join(parts)


def _receive(fd: int) -> Any:
    head = _read(fd, _LENGTH.size)
    if head is None:
        return None
    body = _read(fd, _LENGTH.unpack(head)[0])
    return None if body is None else pickle.loads(body)


def _serve(chunks: int, results: int, work: Callable[[Any], Any]) -> None:
    """A worker's life: chunks in, results out, until the parent closes the pipe."""
    while True:
        chunk = _receive(chunks)
        if chunk is None:
            return
        _write(results, (True, work(chunk)))


class Handle:
    """A chunk given to the pool; ready once a worker sent its results back."""

    __slots__ = ("chunk", "results")

    def __init__(self, chunk: Any) -> None:
        self.chunk = chunk
        self.results: Any = None

    def ready(self) -> bool:
        return self.results is not None

    def successful(self) -> bool:
        return self.results is not None

    def get(self) -> Any:
        return self.results


class _Worker:
    __slots__ = ("chunks", "in_flight", "pid", "results")

    def __init__(self, pid: int, chunks: int, results: int) -> None:
        self.pid, self.chunks, self.results = pid, chunks, results
        self.in_flight: deque[Handle] = deque()


class Pool:
    """``jobs`` forked workers, each running ``start()`` once, then ``work(chunk)`` for every chunk."""

    def __init__(self, jobs: int, start: Callable[[], None], work: Callable[[Any], Any]) -> None:
        self.workers: list[_Worker] = []
        self.backlog: deque[Handle] = deque()
        try:
            for _ in range(jobs):
                self.workers.append(self._fork(start, work))
        except BaseException:
            self.close()
            raise

    def _fork(self, start: Callable[[], None], work: Callable[[Any], Any]) -> _Worker:
        chunks_read, chunks_write = os.pipe()
        results_read, results_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: it never returns into the caller's code
            code = 1
            try:
                # Only its own pipe ends stay open: a sibling's dying must close that sibling's pipes.
                for worker in self.workers:
                    os.close(worker.chunks)
                    os.close(worker.results)
                os.close(chunks_write)
                os.close(results_read)
                start()
                _serve(chunks_read, results_write, work)
                code = 0
            finally:
                os._exit(code)
        os.close(chunks_read)
        os.close(results_write)
        return _Worker(pid, chunks_write, results_read)

    def submit(self, chunk: Any) -> Handle:
        handle = Handle(chunk)
        self.backlog.append(handle)
        self._dispatch()
        return handle

    def _dispatch(self) -> None:
        while self.backlog:
            worker = min(self.workers, key=lambda w: len(w.in_flight))
            if len(worker.in_flight) >= IN_FLIGHT:
                return
            handle = self.backlog.popleft()
            worker.in_flight.append(handle)
            try:
                _write(worker.chunks, handle.chunk)
            except BrokenPipeError:  # the worker died: ``wait`` reads the end of its results and says how
                return

    def wait(self, handle: Handle, timeout: float) -> str | None:
        """None when ``handle`` is ready; else what went wrong first: ``"stuck"`` after ``timeout``, or the
        signal (``"SIGKILL"``) or exit status a worker died of."""
        deadline = time.monotonic() + timeout
        while not handle.ready():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "stuck"
            readable = select.select([w.results for w in self.workers], [], [], remaining)[0]
            for worker in self.workers:
                if worker.results not in readable:
                    continue
                received = _receive(worker.results)
                if received is None:
                    return self._death(worker)
                worker.in_flight.popleft().results = received[1]
            self._dispatch()
        return None

    def _death(self, worker: _Worker) -> str:
        _, status = os.waitpid(worker.pid, 0)
        worker.pid = 0
        code = os.waitstatus_to_exitcode(status)
        return signal.Signals(-code).name if code < 0 else f"exit status {code}"

    def close(self) -> None:
        """Stop every worker and reap it: an idle one ends at the end of its pipe (and, under a profiler,
        writes its profile), one with work in flight (stuck, or the scan is being stopped) is killed."""
        for worker in self.workers:
            os.close(worker.chunks)
            if worker.pid and worker.in_flight:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGKILL)
        for worker in self.workers:
            os.close(worker.results)
            if worker.pid:
                os.waitpid(worker.pid, 0)
        self.workers = []
        self.backlog.clear()
