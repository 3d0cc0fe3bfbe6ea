"""Exceptions that carry why a file could not be examined."""

from __future__ import annotations

#: Reasons a file was not (completely) examined, as they appear in reports.
REASONS = (
    "ambiguous",  # readers of two formats see two different documents in the file (parsers/polyglot.py)
    "corrupt",
    "encrypted",
    "unsupported format",
    "no text layer",
    "over a safety limit",
    "timed out",
    "unreadable",
    "undecodable text",  # glyph codes of fonts with no usable Unicode map (parsers/pdf_fonts.py)
)


class NotExamined(Exception):
    """Raised by a parser when the file cannot be examined at all (ML901)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class ConfigError(Exception):
    """A usage or configuration error: exit status 2."""


class FileTimeout(BaseException):
    """Raised by the per-file alarm. A BaseException, so that parsers' broad ``except Exception`` guards
    cannot mistake it for a corrupt file."""
