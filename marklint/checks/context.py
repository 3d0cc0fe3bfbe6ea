"""What a check sees: one document, the facts analysed from it, and the settings in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from marklint.analysis import Analysis, FoundMarking, analyse
from marklint.model import Document, Finding, Location, Severity, TextUnit


@dataclass
class Context:
    document: Document
    as_of: date
    lang: str = "zh"
    release: bool = False
    expiry_window: int = 90

    @cached_property
    def analysis(self) -> Analysis:
        return analyse(self.document)

    def say(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    def finding(
        self, rule_id: str, where: TextUnit | FoundMarking | Location, zh: str, en: str,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of ``rule_id`` at a unit, a marking or a location; the message quotes at most the
        marking line. ``severity`` is for rules whose lesser cases the catalogue grades lower."""
        from marklint.checks.registry import RULES

        rule = RULES[rule_id]
        if isinstance(where, Location):
            location = where
        else:
            location = Location.of(where.unit if isinstance(where, FoundMarking) else where)
        quoted = where.marking.text if isinstance(where, FoundMarking) else None
        return Finding(rule.id, rule.name, severity or rule.severity, self.say(zh, en), location, quoted)
