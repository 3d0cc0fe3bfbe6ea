"""Running ``examine`` over many files: in-process for ``-j 1``, else in worker processes, with results
delivered in the order the paths were walked and a time limit per file.

The time limit is enforced twice: an alarm inside the process that examines the file (it interrupts
Python code, so the file becomes ML901 "timed out"), and a watchdog in the parent for the rare parse
stuck inside C code, which replaces the whole worker pool.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from marklint.config import Settings
from marklint.errors import FileTimeout
from marklint.results import FileResult

if TYPE_CHECKING:
    from marklint.forked import Handle

Task = tuple[Path, str]
Examine = Callable[[Path, str, Settings], FileResult]
TimedOut = Callable[[Path, str, Settings], FileResult]
#: The result of a file over a safety limit met while judging it (the memory ceiling), with the detail.
OverLimit = Callable[[Path, str, Settings, str], FileResult]
MiB = 1024 * 1024

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
    """Interrupt the block after ``seconds`` with FileTimeout (main thread only; elsewhere no limit).

    A host's pending ITIMER_REAL alarm and SIGALRM handler are saved and put back after the block, with
    the time the alarm had left: an alarm due during the block fires when it ends."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    host_delay, host_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if previous is not None:  # None: a handler set outside Python, which cannot be put back
            signal.signal(signal.SIGALRM, previous)
        if host_delay > 0:
            # The host's own alarm, put back with the time it had left (due already: at once, after the file).
            left = host_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), host_interval)


def _guarded(examine: Examine, timed_out: TimedOut, over_limit: OverLimit, path: Path, display: str,
             settings: Settings) -> FileResult:
    limit = settings.limits.per_file_seconds
    started = time.monotonic()
    try:
        with time_limit(limit):
            result = examine(path, display, settings)
    except FileTimeout:
        return timed_out(path, display, settings)
    except MemoryError:  # the worker's memory ceiling: what the file held is freed as the stack unwinds
        return over_limit(path, display, settings, ceiling_reason(settings))
    if 0 < limit <= time.monotonic() - started and threading.current_thread() is threading.main_thread():
        # The alarm came while Python ran a garbage-collector callback, which drops the exception a signal
        # handler raises there: the clock still says the file ran over its limit.
        return timed_out(path, display, settings)
    return result


def ceiling_reason(settings: Settings, died: str = "") -> str:
    """The detail of a file that hit the memory ceiling (``died``: the signal its worker died of)."""
    ceiling = f"the {settings.limits.max_worker_memory // MiB} MiB memory ceiling of a worker"
    return f"its worker died ({died}) under {ceiling}" if died else f"over {ceiling}"


_worker_settings: Settings | None = None
_worker_functions: tuple[Examine, TimedOut, OverLimit] | None = None


def _init_worker(settings: Settings, examine: Examine, timed_out: TimedOut, over_limit: OverLimit,
                 parent: int) -> None:
    global _worker_settings, _worker_functions
    die_with_parent(parent)
    # Ctrl-C and SIGTERM are the parent's to handle (it stops the workers); a worker must not die of the
    # terminal's Ctrl-C before the parent has seen it, nor run the parent's handlers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    set_memory_ceiling(settings.limits.max_worker_memory)
    _worker_settings = settings
    _worker_functions = (examine, timed_out, over_limit)


def die_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux ``PR_SET_PDEATHSIG``): a parent
    killed with SIGKILL (a Dask worker lost by its cluster, a run killed by an operator) cannot stop a
    worker busy with a file, which would go on to the end of it, or forever if it is stuck in C code.
    ``parent`` is the pid that forked this process: if it died before the signal was set, exit now.
    Linux sends the signal when the *thread* that forked this process ends: the pool's opener, which
    must outlive the pool (the caller of ``run``; a Dask worker's task threads live as long as the
    worker). Elsewhere than Linux, nothing."""
    import sys

    if sys.platform != "linux":
        return
    import ctypes

    pr_set_pdeathsig = 1  # <linux/prctl.h>
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) != 0:
        return  # refused (a seccomp filter, say): the pool's own checks still stop a worker
    if os.getppid() != parent:  # reparented: the parent died between the fork and the prctl
        os._exit(1)


def set_memory_ceiling(allowed: int) -> None:
    """Cap this worker's address space (RLIMIT_AS) at what it has now plus ``allowed`` bytes: a file that
    needs more gets MemoryError (or, in C code, kills only this worker), never the machine. What it has
    now is the parent's address space, inherited by fork."""
    if allowed <= 0:
        return
    import resource

    with open("/proc/self/statm") as statm:
        current = int(statm.read().split()[0]) * resource.getpagesize()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = current + allowed
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    if soft == resource.RLIM_INFINITY or ceiling < soft:
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))


def _work(chunk: list[Task]) -> list[FileResult]:
    assert _worker_settings is not None and _worker_functions is not None
    examine, timed_out, over_limit = _worker_functions
    return [_guarded(examine, timed_out, over_limit, path, display, _worker_settings) for path, display in chunk]


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


def run(tasks: Iterable[Task], settings: Settings, jobs: int, examine: Examine, timed_out: TimedOut,
        over_limit: OverLimit | None = None) -> Iterator[FileResult]:
    """Examine every task and yield the results in task order.

    With a memory ceiling (``Limits.max_worker_memory``, the default) files are judged in worker processes
    only, ``jobs`` of them (one for ``jobs=1``), so that neither the ceiling nor a file that breaks it
    touches the calling process, a host embedding ``marklint.scan`` above all. Without one, ``jobs=1``
    judges in this process."""
    over_limit = over_limit or _over_limit
    if jobs > 1:
        # One file needs one worker: a pool of them would cost it more forks and every parser's import
        # (what a pre-release hook that checks one file pays on each call).
        tasks = iter(tasks)
        first = list(islice(tasks, 2))
        tasks = chain(first, tasks)
        if len(first) < 2:
            jobs = 1
    if jobs <= 1 and settings.limits.max_worker_memory <= 0:
        for path, display in tasks:
            yield _guarded(examine, timed_out, over_limit, path, display, settings)
        return
    yield from _run_pool(chunks(tasks, max(jobs, 1)), settings, max(jobs, 1), examine, timed_out, over_limit)


def open_pool(settings: Settings, jobs: int, examine: Examine, timed_out: TimedOut,
              over_limit: OverLimit | None = None) -> _Pool:
    """A pool of ``jobs`` worker processes that judges one batch of files after another (``run_on``) until
    closed: for a caller that is not the main thread of its process (a Dask worker's task thread), where
    the alarm cannot fire, and that would otherwise pay a pool's start for every batch."""
    return _Pool(settings, max(jobs, 1), (examine, timed_out, over_limit or _over_limit))


def run_on(pool: _Pool, tasks: Iterable[Task]) -> Iterator[FileResult]:
    """As ``run``, on a pool from ``open_pool``, with the settings it was opened with. Consume it to the
    end: the pool is reusable once every result is in."""
    yield from _judge(pool, chunks(tasks, pool.jobs))


def _over_limit(path: Path, display: str, settings: Settings, detail: str) -> FileResult:
    from marklint.model import Status

    return FileResult(display, "unknown", Status.NOT_EXAMINED, f"over a safety limit: {detail}")


class _Pool:
    """A pool of forked workers (``marklint.forked``) that can be replaced, and that tells when one of its
    workers died (a file that broke the memory ceiling inside C code, where no MemoryError can be raised)."""

    def __init__(self, settings: Settings, jobs: int, functions: tuple[Examine, TimedOut, OverLimit]) -> None:
        self.settings, self.jobs, self.functions = settings, jobs, functions
        self._start()

    def _start(self) -> None:
        from marklint import forked  # here, not at the top: a run in this process starts no pool

        # Forked by the calling thread, which outlives the pool: the workers' parent-death signal is tied to
        # the thread that forked them (``die_with_parent``).
        self.pool = forked.Pool(self.jobs, partial(_init_worker, self.settings, *self.functions, os.getpid()),
                                _work)

    def submit(self, chunk: list[Task]) -> Handle:
        return self.pool.submit(chunk)

    def wait(self, handle: Handle, timeout: float) -> str | None:
        """None when ``handle`` is ready; else what went wrong first: ``"stuck"`` after ``timeout``, or the
        signal (``"SIGKILL"``) or exit status a worker of the pool died of."""
        return self.pool.wait(handle, timeout)

    def replace(self) -> None:
        self.close()
        self._start()

    def close(self) -> None:
        self.pool.close()


def _run_pool(task_chunks: Iterator[list[Task]], settings: Settings, jobs: int, examine: Examine, timed_out: TimedOut,
              over_limit: OverLimit) -> Iterator[FileResult]:
    """Chunks of files to a pool of workers started for them, results in order (``_judge``)."""
    if jobs > 1:
        # Import the parsers once here, so the forked workers share them instead of each importing its own.
        import marklint.parsers.docx
        import marklint.parsers.pdf  # noqa: F401

    workers = _Pool(settings, jobs, (examine, timed_out, over_limit))
    try:
        yield from _judge(workers, task_chunks)
    finally:
        workers.close()


def _judge(workers: _Pool, task_chunks: Iterator[list[Task]]) -> Iterator[FileResult]:
    """Chunks of files to the pool, a bounded window of chunks in flight, results in order.

    A chunk that outlives the watchdog, or a worker that dies, replaces the pool; the files in flight then
    run one at a time, so that only the file that is really stuck is reported as timed out, and only the
    file that killed its worker as over the memory ceiling."""
    settings, jobs = workers.settings, workers.jobs
    _, timed_out, over_limit = workers.functions
    pending: deque[tuple[list[Task], Handle]] = deque()
    per_file = settings.limits.per_file_seconds * WATCHDOG_FACTOR

    def one_at_a_time(task: Task) -> FileResult:
        handle = workers.submit([task])
        trouble = workers.wait(handle, per_file + WATCHDOG_GRACE)
        if trouble is None:
            return handle.get()[0]
        workers.replace()
        if trouble == "stuck":
            return timed_out(task[0], task[1], settings)
        return over_limit(task[0], task[1], settings, ceiling_reason(settings, trouble))

    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < jobs * WINDOW_PER_WORKER:
            chunk = next(task_chunks, None)
            if chunk is None:
                exhausted = True
                break
            pending.append((chunk, workers.submit(chunk)))
        if not pending:
            break
        chunk, handle = pending.popleft()
        trouble = workers.wait(handle, per_file * len(chunk) + WATCHDOG_GRACE)
        if trouble is None:
            yield from handle.get()
            continue
        # Stuck beyond the alarm's reach, or a worker died: replace the pool, keep what finished, and
        # judge the rest of what was in flight one file at a time, in order.
        in_flight = [(chunk, handle), *pending]
        pending.clear()
        finished = [h.ready() and h.successful() for _, h in in_flight]
        workers.replace()
        if trouble == "stuck" and len(chunk) == 1:
            yield timed_out(chunk[0][0], chunk[0][1], settings)
            in_flight, finished = in_flight[1:], finished[1:]
        for (waiting, old), done in zip(in_flight, finished, strict=True):
            if done:
                yield from old.get()
            else:
                for task in waiting:
                    yield one_at_a_time(task)
