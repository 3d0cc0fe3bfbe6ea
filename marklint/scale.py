"""The scan options for archives past one machine: ``--dask ADDRESS`` (examine on a Dask cluster) and
``--resume STATE.jsonl`` (skip what an interrupted run already judged). Neither imports anything until a
run asks for it: dask only with ``--dask`` (``marklint.distributed``)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click

from marklint.config import Settings
from marklint.errors import ConfigError

if TYPE_CHECKING:
    from marklint.driver import Runner


def scale_options(command: Callable) -> Callable:
    command = click.option("--resume", type=click.Path(dir_okay=False, path_type=Path), default=None,
                           help="State file (JSON lines): record each file judged; a rerun with it examines only "
                                "the files not judged yet or changed since, and reports them all.")(command)
    return click.option("--dask", metavar="ADDRESS", default=None,
                        help="Examine the files on a Dask cluster: a scheduler (tcp://host:8786) or local:N "
                             "(N local worker processes). Needs the dask extra; workers see the same paths.")(command)


def _say(key: str, lang: str, **values: object) -> None:
    from marklint.messages import say

    click.echo(f"marklint: {say(key, lang, **values)}", err=True)


def enter_runner(stack: ExitStack, settings: Settings, jobs: int, dask: str | None = None,
                 resume: Path | None = None, **_flags: object) -> Runner | None:
    """The runner ``--dask`` and ``--resume`` ask for (None: the default local workers), closed with
    ``stack``. Raises ConfigError for a missing extra, a scheduler that does not answer, or a state file
    made with other settings."""
    if dask is None and resume is None:
        return None
    from marklint import driver, workers

    runner: Runner
    if dask is not None:
        try:
            from marklint.distributed import DaskRunner
        except ImportError as exc:
            raise ConfigError.said("dask.extra") from exc
        cluster = DaskRunner(dask)
        stack.callback(cluster.close)
        stack.callback(lambda: cluster.lost and _say("dask.lost", settings.lang, lost=cluster.lost))
        runner = cluster
    else:
        def runner(tasks, run_settings):  # type: ignore[no-untyped-def]
            return workers.run(tasks, run_settings, jobs, driver.examine, driver.timed_out, driver.over_limit)
    if resume is not None:
        from marklint.resume import State

        state = State(resume, settings)
        stack.callback(state.close)
        stack.callback(lambda: _say("resume.kept", settings.lang, kept=state.kept, state=resume))
        runner = state.runner(runner)
    return runner
