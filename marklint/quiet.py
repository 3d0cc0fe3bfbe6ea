"""Library log messages marklint does not want, silenced only while marklint reads a file.

pypdf logs a warning for every oddity of a damaged PDF (marklint reports those files itself, as ML901
or ML903). Its logger is set to ERROR while a file is read and put back as it was afterwards, so that a
host embedding ``marklint.scan`` keeps its own logging configuration."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

#: Loggers quieted to ERROR while a file is read.
QUIETED = ("pypdf",)


@contextmanager
def quiet_library_logs() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in QUIETED]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
