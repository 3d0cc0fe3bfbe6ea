"""Progress on stderr while a scan runs: only on a terminal, never in pipes, logs or under --quiet.

The line is redrawn in place and cleared before anything else is printed (``clear``), so a finding never
starts on the progress line. Once the walk has listed every file (``walked``), it shows done/total and
the time left at the rate so far.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from marklint.messages import say

#: Erase the line the cursor is on and go back to its start (ANSI "erase in line").
CLEAR_LINE = "\r\033[K"


class Progress:
    def __init__(self, stream: TextIO | None, lang: str = "zh") -> None:
        self.stream = stream
        self.lang = lang
        self.count = 0
        self.total: int | None = None
        self.started = time.monotonic()
        self.shown = 0.0
        self.drawn = False

    @classmethod
    def for_stderr(cls, enabled: bool = True, lang: str = "zh") -> Progress:
        return cls(sys.stderr if enabled and sys.stderr.isatty() else None, lang)

    def walked(self, total: int) -> None:
        """The walk is over: ``total`` files in all."""
        self.total = total

    def clear(self) -> None:
        """Erase the progress line, so that what is printed next starts a clean line."""
        if self.stream is not None and self.drawn:
            self.stream.write(CLEAR_LINE)
            self.stream.flush()
            self.drawn = False

    def tick(self) -> None:
        self.count += 1
        if self.stream is None:
            return
        now = time.monotonic()
        if now - self.shown >= 0.2:
            self.shown = now
            self.stream.write(CLEAR_LINE + self.line(now - self.started))
            self.stream.flush()
            self.drawn = True

    def line(self, elapsed: float) -> str:
        """What the progress line says after ``elapsed`` seconds."""
        rate = self.count / max(elapsed, 1e-6)
        if self.total is None:
            return say("progress", self.lang, done=self.count, rate=f"{rate:.0f}")
        left = max(self.total - self.count, 0) / rate if rate else 0.0
        return say("progress.total", self.lang, done=self.count, total=self.total, rate=f"{rate:.0f}",
                   left=duration(left, self.lang))

    def done(self) -> None:
        self.clear()


def duration(seconds: float, lang: str) -> str:
    """``1 min 05 s`` / ``1分05秒``, ``12 s`` / ``12秒``."""
    minutes, secs = divmod(round(seconds), 60)
    if lang == "en":
        return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
    return f"{minutes}分{secs:02d}秒" if minutes else f"{secs}秒"
