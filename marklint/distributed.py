"""Scanning on a Dask cluster (``--dask ADDRESS``, the ``dask`` extra): the walk stays here, on the client;
the files go to the workers in shards, and the results come back in walk order as the shards finish.

Each shard is judged by the same code as a local run (``driver.examine`` under ``workers``), in a
process of marklint's own pool started inside the Dask worker (once, then reused by its shards): Dask
runs tasks in threads, where the per-file alarm cannot fire, so without that process a slow or hostile
file would hold the worker. A worker that dies loses its shards; Dask runs them again elsewhere (up to
its ``allowed-failures``), and a shard that still fails becomes ML901 for each of its files, never a
lost file. The workers open the paths as the client walked them: they must see the same files (shared
storage, mounted at the same place).

Only this module imports dask (the core install and ``import marklint.cli`` never do).
"""

from __future__ import annotations

import os
import pickle
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from uuid import uuid4

import dask
from dask.distributed import Client, LocalCluster, WorkerPlugin

from marklint import driver, workers
from marklint.config import Settings
from marklint.errors import ConfigError
from marklint.results import FileResult

#: Files per shard. At ~400 files a second per worker process, 512 files are a second or so of work; each
#: shard costs a round trip to the scheduler, a pickle of its results and the tail of its chunks, and at
#: 512 Dask's overhead measured 12% in wall time against 15-17% at 256 (bench/dask.py, BENCHMARKS.md).
SHARD = 512
#: The smallest share of the last files of a walk.
MIN_SHARD = 16
#: Shards in flight per worker thread: one running, the next ones already there when it ends.
WINDOW_PER_THREAD = 3
#: Times Dask retries a shard whose task raised (a lost worker is retried by the scheduler on its own).
RETRIES = 2
#: Examining processes each shard runs in (one per Dask worker thread: ``dask worker --nthreads`` cores).
SHARD_JOBS = 1


#: Dask's own monitors, slowed or off for a cluster that runs a few tasks of seconds each: the profiler
#: samples every worker thread's stack every 10 ms, the system monitor reads the process's CPU, memory
#: and disk every 500 ms, and every event loop checks its own health every 20 ms, in every worker and
#: nanny. Set for ``local:N``; a real cluster's workers take them from their environment or a YAML file
#: (docs/scale.md, "Running a cluster of N machines").
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.system-monitor.disk": False,
    "distributed.admin.tick.interval": "1s",
}


def connect(address: str) -> Client:
    """A client of the scheduler at ``address`` (``tcp://host:8786``), or of a new local cluster of N
    worker processes (``local:N``), one thread each."""
    if address.startswith("local:"):
        try:
            count = int(address.removeprefix("local:"))
        except ValueError:
            count = 0
        if count < 1:
            raise ConfigError.said("dask.workers", address=address)
        # Dask reads its config as each part starts; the worker processes get this process's config.
        # forkserver: the worker processes are forked from one server that imported distributed once,
        # where spawn starts each as a fresh interpreter importing it (bench/dask.py, 20,000 files: 1.4 CPU
        # seconds and 0.7 s less, BENCHMARKS.md).
        with dask.config.set({**QUIET_WORKERS, "distributed.worker.multiprocessing-method": "forkserver"}):
            # memory_limit=0: marklint's processes have their own memory ceiling, which Dask's memory
            # monitor (polled every 100 ms) does not see.
            cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None,
                                   memory_limit=0)
        return Client(cluster)
    try:
        return Client(address, timeout="30s")
    except OSError as exc:
        raise ConfigError.said("dask.no scheduler", address=address) from exc


def shards(tasks: Iterable[workers.Task], size: int, threads: int) -> Iterator[list[workers.Task]]:
    """The tasks cut into shards of ``size``; once the walk has ended, what is left is shared out evenly
    over the worker threads (down to MIN_SHARD a shard), so the last round keeps every worker busy."""
    # The end of the walk is seen a round of shards before it comes.
    return workers.cut(tasks, size, size * threads, lambda left: max(MIN_SHARD, -(-left // threads)))


def _import_parsers() -> None:
    """Every parser imported in the Dask worker, once: its marklint processes are forked from it and
    share them."""
    from marklint.parsers import docx, ofd, pdf, text  # noqa: F401


class WorkerPools:
    """The marklint pools of one Dask worker process, started lazily by its first shard and reused by
    every shard after it: forking a pool from a process that has dask loaded costs a process start and
    the copy-on-write faults of a large parent, which a local run pays once and a pool per shard paid for
    every 256 files. A pool serves one shard at a time (its watchdog replaces the whole pool, which must
    not take another shard's files with it), so a worker of N threads keeps up to N pools of SHARD_JOBS
    processes; a shard with other settings (another scan on the same cluster) gets a pool of its own.
    ``close`` ends them all, when the worker closes (``PoolTeardown``)."""

    def __init__(self) -> None:
        self._idle: list[workers._Pool] = []
        self._lock = threading.Lock()

    def take(self, settings: Settings) -> workers._Pool:
        with self._lock:
            for pool in self._idle:
                if pool.settings == settings:
                    self._idle.remove(pool)
                    return pool
            stale, self._idle = self._idle, []
        for pool in stale:  # an earlier scan's settings: that scan is over, or it starts pools of its own
            pool.close()
        _import_parsers()
        return workers.open_pool(settings, SHARD_JOBS, driver.examine, driver.timed_out, driver.over_limit)

    def give_back(self, pool: workers._Pool) -> None:
        with self._lock:
            self._idle.append(pool)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for pool in idle:
            pool.close()


#: This process's pools, when it is a Dask worker (empty elsewhere).
POOLS = WorkerPools()


class PoolTeardown(WorkerPlugin):
    """Closes a worker's marklint pools when the worker closes (registered once per cluster)."""

    idempotent = True  # a second scan on the same cluster keeps the pools the first one started
    name = "marklint-pools"

    def teardown(self, worker: object) -> None:
        POOLS.close()


def judge_shard(shard: list[workers.Task], settings: Settings) -> bytes:
    """Runs on a Dask worker: every file of the shard in the worker's marklint pool (alarm, watchdog and
    memory ceiling, as a local run); the results pickled as one list (``unpack``). Dask would serialise a
    list item by item, with framing for each: 4% of a run's CPU time at 20,000 files (bench/dask.py)."""
    pool = POOLS.take(settings)
    try:
        results = list(workers.run_on(pool, shard))
    except BaseException:
        pool.close()  # left in an unknown state: Dask retries the shard, with a new pool
        raise
    POOLS.give_back(pool)
    return pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(judged: bytes) -> list[FileResult]:
    """The results of ``judge_shard``, on the client."""
    return pickle.loads(judged)  # the client's own cluster, which runs this module's code: trusted


def lost_shard(shard: list[workers.Task], settings: Settings, error: BaseException) -> list[FileResult]:
    """ML901 for every file of a shard the cluster could not judge."""
    from distributed import KilledWorker

    lost = isinstance(error, KilledWorker)  # Dask gave up on the shard after its workers died
    detail = "the cluster lost the worker judging its shard" if lost else "the cluster could not judge its shard"
    return [driver.not_judged(path, display, settings, "unreadable", detail) for path, display in shard]


class DaskRunner:
    """A ``driver.Runner`` on a Dask cluster; ``close`` ends the client (and a local cluster it started)."""

    def __init__(self, address: str, shard_size: int = SHARD) -> None:
        self.client = connect(address)
        self.client.register_plugin(PoolTeardown(), name=PoolTeardown.name)
        self.shard_size = shard_size
        self.lost = 0  # shards that ended as ML901

    def __call__(self, tasks: Iterable[workers.Task], settings: Settings) -> Iterator[FileResult]:
        client = self.client
        threads = sum(client.nthreads().values()) or 1
        window = max(2, threads * WINDOW_PER_THREAD)
        run = uuid4().hex[:8]
        cut = shards(tasks, self.shard_size, threads)
        pending: deque[tuple[list[workers.Task], object]] = deque()
        number = 0
        while True:
            while len(pending) < window:
                shard = next(cut, None)
                if shard is None:
                    break
                # Absolute paths: a worker's folder is not the client's (the shared storage is mounted at the
                # same place on every machine, docs/scale.md).
                absolute = [(Path(os.path.abspath(path)), display) for path, display in shard]
                # The settings go with every shard (a few KB): data scattered to a worker dies with it, and
                # a shard retried after a lost worker would find none.
                future = client.submit(judge_shard, absolute, settings, key=f"marklint-{run}-{number}",
                                       retries=RETRIES)
                pending.append((shard, future))
                number += 1
            if not pending:
                return
            shard, future = pending.popleft()
            try:
                results = unpack(future.result())  # type: ignore[attr-defined]
            except Exception as error:  # KilledWorker, or the shard's own failure after its retries
                self.lost += 1
                results = lost_shard(shard, settings, error)
            future.release()  # type: ignore[attr-defined]
            for (path, _), result in zip(shard, results, strict=True):
                # As a local run has it: the path as walked, where it is not the path shown.
                result.source = str(path) if str(path) != result.path else None
                yield result

    def close(self) -> None:
        cluster = self.client.cluster
        self.client.close()
        if cluster is not None:
            cluster.close()

