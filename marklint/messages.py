"""The one catalogue of what marklint says to people, in Chinese (the default) and English.

A rule declares its own messages with the rule (``checks.registry.rule``), as ruff declares a rule's
message with the rule; every other user-visible string (statuses, reasons, progress, summaries, usage
errors) is here. ``say(key, lang, **values)`` picks the language and fills in the values.
"""

from __future__ import annotations

from typing import NamedTuple

LANGS = ("zh", "en")


class Message(NamedTuple):
    """One message in both languages: ``str.format`` templates over the same values. ``fix``: a finding
    with this message ends with the standard form of the marking (应为“…” / should be "…")."""

    zh: str
    en: str
    fix: bool = True

    def say(self, lang: str, **values: object) -> str:
        return (self.en if lang == "en" else self.zh).format(**values)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 file``, ``2 files``: English counts agree with their noun."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"
