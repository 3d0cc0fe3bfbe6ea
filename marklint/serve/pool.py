"""A bounded pool of worker processes for ``marklint serve``, and the bounded queue in front of it.

Each slot is one process (``marklint.serve.worker``) that judges one document at a time, so a bomb or a
slow file costs one slot, never the server. The per-file alarm inside the worker turns a slow file into
ML901 "timed out", as ``marklint scan`` does; a worker that does not answer within the same watchdog
deadline as ``marklint scan`` allows (``workers.WATCHDOG_FACTOR`` times the limit plus the grace) is stuck
beyond the alarm's reach: it is killed and replaced, its private folder emptied, and the request gets 504.
``multiprocessing.Pool`` cannot kill one worker without the others, hence slots of our own.

Workers come from a fork server (started once, before the first slot): forking the server itself, with its
event loop and threads, would be unsafe, and a fresh interpreter per replacement would be slow.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path

from marklint import workers
from marklint.config import Settings
from marklint.driver import judge
from marklint.model import Document, Reason, ReasonKind, Status
from marklint.results import FileResult
from marklint.serve import worker

LOG = logging.getLogger("marklint.serve")
#: An idle slot looks this often whether its worker is still alive.
WATCH_SECONDS = 1.0
#: Seconds a new worker may take to import marklint and say it is ready.
START_SECONDS = 60.0


class QueueFull(Exception):
    """No room in the queue for the request's documents: 503 with Retry-After."""


class WorkerGone(Exception):
    """The worker had ended before it was sent a document: it is replaced and the document sent again."""


class WorkerStuck(Exception):
    """A worker did not answer within the watchdog deadline: 504."""


@dataclass
class Upload:
    """One document of a request: its name as shown in the report, its suffix, its bytes."""

    display: str
    suffix: str
    data: bytes


@dataclass
class _Job:
    upload: Upload
    overrides: dict
    future: asyncio.Future


@dataclass
class _Slot:
    folder: Path
    process: multiprocessing.process.BaseProcess | None = None
    connection: Connection | None = None
    ready: bool = False
    served: int = 0
    #: A document has been handed to the worker and its answer is awaited.
    busy: bool = False


class WorkerPool:
    """``size`` worker processes and a queue of at most ``queue_size`` documents waiting for them."""

    #: A worker is replaced after this many documents, so that what a parser library leaks stays bounded.
    RECYCLE_AFTER = 500

    def __init__(self, settings: Settings, size: int, queue_size: int) -> None:
        self.settings = settings
        self.size = size
        self.queue_size = queue_size
        self.deadline = settings.limits.per_file_seconds * workers.WATCHDOG_FACTOR + workers.WATCHDOG_GRACE
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["marklint.serve.worker"])
        self._queue: asyncio.Queue[_Job] | None = None
        self._slots: list[_Slot] = []
        self._runners: list[asyncio.Task] = []
        self._threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="marklint-slot")

    # --- life -----------------------------------------------------------------------------------------------

    async def start(self) -> None:
        self._queue = asyncio.Queue(maxsize=self.queue_size)
        loop = asyncio.get_running_loop()
        for _ in range(self.size):
            self._slots.append(_Slot(folder=Path(tempfile.mkdtemp(prefix="marklint-serve-"))))
        await asyncio.gather(*(loop.run_in_executor(self._threads, self._spawn, slot) for slot in self._slots))
        self._runners = [asyncio.create_task(self._run(slot)) for slot in self._slots]

    async def stop(self) -> None:
        for runner in self._runners:
            runner.cancel()
        await asyncio.gather(*self._runners, return_exceptions=True)
        for slot in self._slots:
            self._kill(slot)
            shutil.rmtree(slot.folder, ignore_errors=True)
        self._threads.shutdown(wait=False, cancel_futures=True)

    def _spawn(self, slot: _Slot) -> None:
        """Start the slot's process and wait until it has imported marklint (in a thread)."""
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=worker.main, args=(theirs, self.settings, str(slot.folder)),
                                        name="marklint-serve-worker", daemon=True)
        process.start()
        theirs.close()
        if not ours.poll(START_SECONDS) or ours.recv() != "ready":
            process.kill()
            raise RuntimeError("a marklint worker did not start")
        slot.process, slot.connection, slot.ready, slot.served = process, ours, True, 0

    def _kill(self, slot: _Slot) -> None:
        slot.ready = slot.busy = False
        if slot.connection is not None:
            slot.connection.close()
        if slot.process is not None:
            slot.process.kill()
            slot.process.join()
        slot.process = slot.connection = None
        # Whatever the dead worker was writing goes with it.
        for leftover in slot.folder.iterdir():
            leftover.unlink(missing_ok=True)

    # --- state ----------------------------------------------------------------------------------------------

    @property
    def ready_workers(self) -> int:
        return sum(slot.ready and slot.process is not None and slot.process.is_alive() for slot in self._slots)

    @property
    def busy_workers(self) -> int:
        """Workers holding a document now (handed over, answer awaited)."""
        return sum(slot.busy for slot in self._slots)

    @property
    def queued(self) -> int:
        return self._queue.qsize() if self._queue is not None else 0

    def pids(self) -> list[int]:
        return [slot.process.pid for slot in self._slots if slot.process is not None and slot.process.pid]

    # --- work -----------------------------------------------------------------------------------------------

    async def judge(self, uploads: list[Upload], overrides: dict) -> list[FileResult]:
        """The results of the documents, in order. Raises QueueFull when they do not all fit in the queue
        (none is queued then), WorkerStuck when a worker had to be replaced."""
        assert self._queue is not None
        if self.queue_size - self._queue.qsize() < len(uploads):
            raise QueueFull()
        loop = asyncio.get_running_loop()
        jobs = [_Job(upload, overrides, loop.create_future()) for upload in uploads]
        for job in jobs:
            self._queue.put_nowait(job)  # no await between the check and here: room is still there
        try:
            return list(await asyncio.gather(*(job.future for job in jobs)))
        finally:
            for job in jobs:
                job.future.cancel()  # a client that went away: its documents still queued are dropped

    async def _run(self, slot: _Slot) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            if not slot.ready:
                try:
                    await loop.run_in_executor(self._threads, self._replace, slot)
                except (OSError, RuntimeError) as exc:  # the slot stays down; /readyz says so meanwhile
                    LOG.error("a worker could not be started (%s); trying again", type(exc).__name__)
                    await asyncio.sleep(1)
                    continue
            try:
                job = await asyncio.wait_for(self._queue.get(), timeout=WATCH_SECONDS)
            except TimeoutError:
                slot.ready = slot.process is not None and slot.process.is_alive()  # died while idle: replace it
                continue
            if job.future.done():
                continue
            try:
                try:
                    result = await loop.run_in_executor(self._threads, self._exchange, slot, job)
                except WorkerGone:  # it had died before it got the document: not the document's doing
                    await loop.run_in_executor(self._threads, self._replace, slot)
                    result = await loop.run_in_executor(self._threads, self._exchange, slot, job)
            except WorkerStuck as exc:
                slot.busy = False
                self._set(job, exception=exc)
                slot.ready = False
            except (EOFError, OSError):
                slot.busy = False
                # The worker died under this document (a crash in a parser library): never a pass.
                self._set(job, result=self._not_examined(job, "corrupt", "the worker examining it stopped"))
                slot.ready = False
            else:
                slot.busy = False
                self._set(job, result=result)
                slot.served += 1
                slot.ready = slot.served < self.RECYCLE_AFTER

    def _exchange(self, slot: _Slot, job: _Job) -> FileResult:
        assert slot.connection is not None
        upload = job.upload
        if slot.process is None or not slot.process.is_alive():
            raise WorkerGone()
        try:
            slot.connection.send((upload.display, upload.suffix, upload.data, job.overrides))
        except OSError as exc:
            raise WorkerGone() from exc
        slot.busy = True  # once the worker has the document, not before
        if not slot.connection.poll(self.deadline):
            raise WorkerStuck()
        return slot.connection.recv()

    def _replace(self, slot: _Slot) -> None:
        self._kill(slot)
        self._spawn(slot)

    @staticmethod
    def _set(job: _Job, *, result: FileResult | None = None, exception: BaseException | None = None) -> None:
        if job.future.done():
            return
        if exception is not None:
            job.future.set_exception(exception)
        else:
            job.future.set_result(result)

    def _not_examined(self, job: _Job, reason: str, detail: str) -> FileResult:
        document = Document(path=job.upload.display, format=job.upload.suffix.lstrip(".").lower() or "unknown",
                            status=Status.NOT_EXAMINED, reason=Reason(ReasonKind(reason), detail))
        return judge(document, replace(self.settings, **job.overrides))
