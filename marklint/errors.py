"""Exceptions that carry why a file could not be examined."""

from __future__ import annotations

import errno

from marklint.model import Reason, ReasonKind

#: Reasons a file was not (completely) examined, as they appear in reports (``model.ReasonKind``).
REASONS = tuple(kind.value for kind in ReasonKind)


#: What an OS error means, in words a user reads (never an exception class name).
_ERRNO_WORDS = {
    errno.ENOENT: "no such file", errno.EACCES: "permission denied", errno.EPERM: "permission denied",
    errno.ELOOP: "symlink loop", errno.ENAMETOOLONG: "name too long", errno.EIO: "I/O error",
    errno.EISDIR: "a folder", errno.ENOTDIR: "not a folder on the way",
}


def os_error_words(exc: OSError) -> str:
    """An OS error as the reason's detail: what happened, never the exception's class name."""
    return _ERRNO_WORDS.get(exc.errno or 0, "read error")


class NotExamined(Exception):
    """Raised by a parser when the file cannot be examined at all (ML901)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = ReasonKind(reason)
        self.detail = detail

    @property
    def as_reason(self) -> Reason:
        """The document's reason: this kind and detail."""
        return Reason(self.reason, self.detail)


class ConfigError(Exception):
    """A usage or configuration error: exit status 2. ``zh``: the message in Chinese, where it has one."""

    def __init__(self, message: str, zh: str | None = None) -> None:
        super().__init__(message)
        self.zh = zh
        self.lang: str | None = None  # the language the configuration in error asks for, where it says

    def say(self, lang: str) -> str:
        return self.zh if lang != "en" and self.zh else str(self)

    @classmethod
    def said(cls, key: str, /, **values: object) -> ConfigError:
        """The catalogue's error ``key`` (``messages.ERRORS``) in both languages; a ``messages.Both`` value
        is said in each message's own language."""
        from marklint.messages import ERRORS, in_both

        both = in_both(ERRORS[key], **values)
        return cls(both.en, both.zh)


class FileTimeout(BaseException):
    """Raised by the per-file alarm. A BaseException, so that parsers' broad ``except Exception`` guards
    cannot mistake it for a corrupt file."""
