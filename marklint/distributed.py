"""Scanning on a Dask cluster (``--dask ADDRESS``, the ``dask`` extra): the walk stays here, on the client;
the files go to the workers in shards, and the results come back in walk order as the shards finish.

Each shard is judged by the same code as a local run (``driver.examine`` under ``workers``), in a
process of marklint's own pool started inside the Dask worker: Dask runs tasks in threads, where the
per-file alarm cannot fire, so without that process a slow or hostile file would hold the worker. A
worker that dies loses its shards; Dask runs them again elsewhere (up to its ``allowed-failures``), and a
shard that still fails becomes ML901 for each of its files, never a lost file. The workers open the paths
as the client walked them: they must see the same files (shared storage, mounted at the same place).

Only this module imports dask (the core install and ``import marklint.cli`` never do).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from uuid import uuid4

from dask.distributed import Client, LocalCluster

from marklint import driver, workers
from marklint.config import Settings
from marklint.errors import ConfigError
from marklint.results import FileResult

#: Files per shard. At ~250 files a second per worker process, 256 files are a second of work: the
#: scheduler's round trip and the shard's process start are a few milliseconds of it (bench/dask.py).
SHARD = 256
#: The smallest share of the last files of a walk.
MIN_SHARD = 16
#: Shards in flight per worker thread: one running, the next ones already there when it ends.
WINDOW_PER_THREAD = 3
#: Times Dask retries a shard whose task raised (a lost worker is retried by the scheduler on its own).
RETRIES = 2
#: Examining processes each shard runs in (one per Dask worker thread: ``dask worker --nthreads`` cores).
SHARD_JOBS = 1


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
        cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None)
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
    """Every parser imported in the Dask worker, once: each shard's marklint process is forked from it and
    shares them, instead of importing its own for every shard."""
    from marklint.parsers import docx, ofd, pdf, text  # noqa: F401


def judge_shard(shard: list[workers.Task], settings: Settings) -> list[FileResult]:
    """Runs on a Dask worker: every file of the shard, in a marklint worker process (alarm and watchdog)."""
    # A Dask worker process is started as a daemon, and multiprocessing refuses children to daemons (so
    # that none outlives its parent). marklint's pool ends with the shard, and its processes are daemons
    # of their own: lift the flag, as Dask's ``distributed.worker.daemon: false`` would for every worker.
    multiprocessing.current_process().daemon = False
    _import_parsers()
    return list(workers.run_isolated(shard, settings, SHARD_JOBS, driver.examine, driver.timed_out,
                                     driver.over_limit))


def lost_shard(shard: list[workers.Task], settings: Settings, error: BaseException) -> list[FileResult]:
    """ML901 for every file of a shard the cluster could not judge."""
    detail = f"the cluster could not judge its shard ({type(error).__name__})"
    return [driver.not_judged(path, display, settings, "unreadable", detail) for path, display in shard]


class DaskRunner:
    """A ``driver.Runner`` on a Dask cluster; ``close`` ends the client (and a local cluster it started)."""

    def __init__(self, address: str, shard_size: int = SHARD) -> None:
        self.client = connect(address)
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
                results = future.result()  # type: ignore[attr-defined]
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

