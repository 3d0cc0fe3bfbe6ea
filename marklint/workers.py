"""Running ``examine`` over many files: in-process for ``-j 1``, else in worker processes, with results
delivered in the order the paths were walked and a time limit per file.

The time limit is enforced twice: an alarm inside the process that examines the file (it interrupts
Python code, so the file becomes ML901 "timed out"), and a watchdog in the parent for the rare parse
stuck inside C code, which replaces the whole worker pool.
"""

from __future__ import annotations

import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from marklint.config import Settings
from marklint.errors import FileTimeout
from marklint.results import FileResult

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

Task = tuple[Path, str]
Examine = Callable[[Path, str, Settings], FileResult]
TimedOut = Callable[[Path, str, Settings], FileResult]

#: Files sent to a worker at a time: fewer round trips through the pool's queues for small files.
CHUNK = 8
#: Paths walked ahead of the chunks, so that the end of the walk is seen coming (see ``chunks``).
LOOKAHEAD = 128
#: Chunks in flight per worker: enough to keep every worker busy, few enough to bound memory.
WINDOW_PER_WORKER = 4
#: The parent's watchdog allows this many times the per-file limit, plus the grace, before it replaces
#: the pool.
WATCHDOG_FACTOR = 2.0
WATCHDOG_GRACE = 5.0


def _raise_timeout(_signum: int, _frame: object) -> None:
    raise FileTimeout()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` with FileTimeout (main thread only; elsewhere no limit)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _guarded(examine: Examine, timed_out: TimedOut, path: Path, display: str, settings: Settings) -> FileResult:
    limit = settings.limits.per_file_seconds
    started = time.monotonic()
    try:
        with time_limit(limit):
            result = examine(path, display, settings)
    except FileTimeout:
        return timed_out(path, display, settings)
    if 0 < limit <= time.monotonic() - started and threading.current_thread() is threading.main_thread():
        # The alarm came while Python ran a garbage-collector callback, which drops the exception a signal
        # handler raises there: the clock still says the file ran over its limit.
        return timed_out(path, display, settings)
    return result


_worker_settings: Settings | None = None
_worker_functions: tuple[Examine, TimedOut] | None = None


def _init_worker(settings: Settings, examine: Examine, timed_out: TimedOut) -> None:
    global _worker_settings, _worker_functions
    # Ctrl-C is the parent's to handle; workers just stop with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_settings = settings
    _worker_functions = (examine, timed_out)


def _work(chunk: list[Task]) -> list[FileResult]:
    assert _worker_settings is not None and _worker_functions is not None
    examine, timed_out = _worker_functions
    return [_guarded(examine, timed_out, path, display, _worker_settings) for path, display in chunk]


def chunks(tasks: Iterable[Task], jobs: int) -> Iterator[list[Task]]:
    """The tasks cut into chunks of CHUNK, shrinking towards the end of the walk: once the walk has ended,
    the files left are shared out so that every worker gets some, down to one file a chunk. With a fixed
    size, one worker took the whole last chunk (long reports, say) while the others stood idle."""
    return cut(tasks, CHUNK, LOOKAHEAD, lambda left: max(1, min(CHUNK, left // (2 * jobs))))


def cut(tasks: Iterable[Task], size: int, ahead: int, share: Callable[[int], int]) -> Iterator[list[Task]]:
    """The tasks in lists of ``size``, walked ``ahead`` tasks in advance; once the walk has ended, in lists
    of ``share(tasks left)``. For ``chunks`` here and the shards of a Dask run (``marklint.distributed``)."""
    walked: deque[Task] = deque()
    source = iter(tasks)
    exhausted = False
    while True:
        if not exhausted:
            walked.extend(islice(source, ahead - len(walked)))
            exhausted = len(walked) < ahead
        if not walked:
            return
        length = size if not exhausted else share(len(walked))
        yield [walked.popleft() for _ in range(min(length, len(walked)))]


def run(tasks: Iterable[Task], settings: Settings, jobs: int, examine: Examine, timed_out: TimedOut
        ) -> Iterator[FileResult]:
    """Examine every task and yield the results in task order."""
    if jobs <= 1:
        for path, display in tasks:
            yield _guarded(examine, timed_out, path, display, settings)
        return
    yield from _run_pool(chunks(tasks, jobs), settings, jobs, examine, timed_out)


def run_isolated(tasks: Iterable[Task], settings: Settings, jobs: int, examine: Examine, timed_out: TimedOut
                 ) -> Iterator[FileResult]:
    """As ``run``, but always in worker processes, even for one job: for a caller that is not the main
    thread of its process (a Dask worker's task thread), where the alarm cannot fire."""
    yield from _run_pool(chunks(tasks, jobs), settings, max(jobs, 1), examine, timed_out)

def _run_pool(task_chunks: Iterator[list[Task]], settings: Settings, jobs: int, examine: Examine, timed_out: TimedOut
              ) -> Iterator[FileResult]:
    """Chunks of files to a pool of workers, a bounded window of chunks in flight, results in order.

    A chunk that outlives the watchdog is taken apart: the pool is replaced and its files run one by one,
    so that only the file that is really stuck is reported as timed out."""
    import multiprocessing  # here, not at the top: a run with -j 1 starts no pool

    context = multiprocessing.get_context("fork")
    # Import the parsers once here, so the forked workers share them instead of each importing its own.
    import marklint.parsers.docx
    import marklint.parsers.pdf  # noqa: F401

    def new_pool() -> Pool:
        return context.Pool(jobs, initializer=_init_worker, initargs=(settings, examine, timed_out))

    pool = new_pool()
    pending: deque[tuple[list[Task], AsyncResult]] = deque()
    per_file = settings.limits.per_file_seconds * WATCHDOG_FACTOR
    try:
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < jobs * WINDOW_PER_WORKER:
                chunk = next(task_chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                pending.append((chunk, pool.apply_async(_work, (chunk,))))
            if not pending:
                break
            chunk, handle = pending.popleft()
            handle.wait(per_file * len(chunk) + WATCHDOG_GRACE)
            if handle.ready():
                yield from handle.get()
                continue
            # Stuck beyond the alarm's reach: replace the pool, keep what finished, resubmit the rest in order.
            pool.terminate()
            pool.join()
            pool = new_pool()
            if len(chunk) == 1:
                yield timed_out(chunk[0][0], chunk[0][1], settings)
                singles = []
            else:
                singles = [([task], pool.apply_async(_work, ([task],))) for task in chunk]
            pending = deque([*singles, *((c, h if h.ready() else pool.apply_async(_work, (c,))) for c, h in pending)])
    finally:
        pool.terminate()
        pool.join()
