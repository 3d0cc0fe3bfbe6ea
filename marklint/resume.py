"""Resumable runs (``--resume STATE.jsonl``): every file judged is appended to a state file with its size
and modification time, flushed at once; a rerun with the same state examines only the files not judged
yet or changed since, and reports all of them in walk order, as one uninterrupted run would.

The state file is JSON lines: a header naming the settings the results were judged with (a rerun with
other settings is refused: its results would differ), then one line per file judged (the report's file
entry plus what rebuilds it exactly, ``marklint.saved.to_state``), and, when a run is over, one line of the
paths its walk passed over (``{"skipped": [...]}``, as the JSON report lists them). A run killed while
writing leaves at most one line cut short: it is dropped, and that file is examined again.
"""

from __future__ import annotations

import json
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from marklint.checks.registry import catalogue
from marklint.config import Settings
from marklint.driver import Runner
from marklint.errors import ConfigError
from marklint.messages import listed
from marklint.results import FileResult
from marklint.saved import STATE_KIND, from_entry, to_state
from marklint.workers import Task

#: What makes a file the same one the state judged: (size, modification time in ns); None: not a file.
Identity = tuple[int, int] | None


def identity(path: Path) -> Identity:
    """Taken before the file is examined, so a file changed while it is read is examined again."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


def settings_key(settings: Settings) -> dict:
    """The settings as the state records them (JSON round-tripped, so they compare with a loaded header)."""
    return json.loads(json.dumps(settings.describe(catalogue()), sort_keys=True, default=str))


class State:
    """An open state file: the files it has judged (by displayed path: identity and line offset) and the
    stream new results are appended to."""

    def __init__(self, path: Path, settings: Settings) -> None:
        self.path = path
        self.judged: dict[str, tuple[Identity, int]] = {}
        self.skipped: list[dict[str, str]] = []  # the last recorded paths passed over
        self.kept = 0  # files this run took from the state instead of examining them
        key = settings_key(settings)
        end = self._load(key) if path.exists() else None
        self._stream: BinaryIO = open(path, "r+b" if end is not None else "wb")  # noqa: SIM115 (closed by close())
        if end is None:
            self._append({"kind": STATE_KIND, "version": 1, "settings": key})
        else:
            self._stream.truncate(end)  # a line cut short by a kill
            self._stream.seek(end)
        self._reader: BinaryIO = open(path, "rb")  # noqa: SIM115

    def _load(self, key: dict) -> int:
        """Index the state's lines; the offset where the complete lines end."""
        offset = 0
        with open(self.path, "rb") as stream:
            for number, line in enumerate(stream):
                if not line.endswith(b"\n"):
                    break
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ConfigError.said("state.line", source=self.path, line=number + 1) from exc
                if number == 0:
                    if entry.get("kind") != STATE_KIND:
                        raise ConfigError.said("state.not one", source=self.path)
                    if entry["settings"] != key:
                        changed = sorted(k for k in key if key[k] != entry["settings"].get(k))
                        raise ConfigError.said("state.settings", source=self.path, changed=listed(changed))
                elif "result" not in entry:  # the paths a finished run's walk passed over
                    self.skipped = entry["skipped"]
                else:
                    size, mtime = entry["size"], entry["mtime_ns"]
                    self.judged[entry["result"]["path"]] = (None if size is None else (size, mtime), offset)
                offset += len(line)
        return offset

    def _append(self, entry: dict) -> None:
        # ASCII escapes: a file name that is not UTF-8 survives the round trip.
        self._stream.write(json.dumps(entry).encode("ascii") + b"\n")
        self._stream.flush()

    def record(self, result: FileResult, seen: Identity) -> None:
        size, mtime = seen if seen is not None else (None, None)
        self._append({"size": size, "mtime_ns": mtime, "result": to_state(result)})

    def unchanged(self, path: Path, display: str) -> int | None:
        """The offset of the file's judged line when it is judged and unchanged since."""
        judged = self.judged.get(display)
        if judged is None or judged[0] is None or identity(path) != judged[0]:
            return None
        return judged[1]

    def record_skipped(self, skipped: list[tuple[str, str]]) -> None:
        """The paths the walk passed over, with their reasons, once the walk is over: a report merged from
        the state names them as the scan's own report does (a later line replaces an earlier one)."""
        listed = [{"path": path, "reason": why} for path, why in skipped]
        if listed != self.skipped:  # a rerun that passes over the same paths adds no line
            self._append({"skipped": listed})
            self.skipped = listed

    def result_at(self, offset: int) -> FileResult:
        self._reader.seek(offset)
        return from_entry(json.loads(self._reader.readline())["result"])

    def close(self) -> None:
        self._stream.close()
        self._reader.close()

    def runner(self, run: Runner) -> Resumed:
        """``run`` over the files still to judge, the judged ones taken from the state, all in walk order."""

        def resumed(tasks: Iterable[Task], settings: Settings) -> Iterator[FileResult]:
            # Walk order, one entry per task: ("kept", offset) or ("fresh", identity before examining).
            order: deque[tuple[str, int | Identity]] = deque()

            def fresh_tasks() -> Iterator[Task]:
                for path, display in tasks:
                    offset = self.unchanged(path, display)
                    if offset is not None:
                        order.append(("kept", offset))
                    else:
                        order.append(("fresh", identity(path)))
                        yield path, display

            def kept_before_fresh() -> Iterator[FileResult]:
                while order and order[0][0] == "kept":
                    self.kept += 1
                    yield self.result_at(order.popleft()[1])  # type: ignore[arg-type]

            fresh = run(fresh_tasks(), settings)
            while True:
                yield from kept_before_fresh()
                result = next(fresh, None)
                if result is None:
                    yield from kept_before_fresh()
                    return
                yield from kept_before_fresh()  # walked while the runner looked ahead
                _, seen = order.popleft()
                self.record(result, seen)  # type: ignore[arg-type]
                yield result

        return Resumed(resumed, self.record_skipped)


class Resumed:
    """A resumed run's runner (``driver.Runner``) that also records what the walk passed over."""

    def __init__(self, run: Runner, record_skipped: Callable[[list[tuple[str, str]]], None]) -> None:
        self.run = run
        self.record_skipped = record_skipped

    def __call__(self, tasks: Iterable[Task], settings: Settings) -> Iterator[FileResult]:
        return self.run(tasks, settings)
