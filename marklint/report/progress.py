"""Progress on stderr while a scan runs: only on a terminal, never in pipes, logs or under --quiet."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.count = 0
        self.started = time.monotonic()
        self.shown = 0.0

    @classmethod
    def for_stderr(cls, enabled: bool = True) -> Progress:
        return cls(sys.stderr if enabled and sys.stderr.isatty() else None)

    def tick(self) -> None:
        self.count += 1
        if self.stream is None:
            return
        now = time.monotonic()
        if now - self.shown >= 0.2:
            self.shown = now
            rate = self.count / max(now - self.started, 1e-6)
            self.stream.write(f"\r{self.count} files, {rate:.0f} files/s")
            self.stream.flush()

    def done(self) -> None:
        if self.stream is not None and self.count:
            self.stream.write("\r\033[K")
            self.stream.flush()
