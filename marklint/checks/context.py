"""What a check sees: one document, the facts analysed from it, and the settings in force."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from marklint.analysis import Analysis, FoundMarking, analyse
from marklint.cached import cached
from marklint.checks.registry import RULE_OF_DEFECT, RULES
from marklint.config import Settings
from marklint.ledger import LedgerMatch
from marklint.model import Defect, Document, Finding, Location, Severity, TextUnit


@dataclass
class Context:
    """One document before the checks, with the settings in force; its analysis and ledger row are worked
    out on first use."""

    document: Document
    settings: Settings = field(default_factory=Settings)

    @property
    def as_of(self) -> date:
        return self.settings.as_of

    @property
    def lang(self) -> str:
        return self.settings.lang

    @property
    def release(self) -> bool:
        return self.settings.release

    @property
    def expiry_window(self) -> int:
        return self.settings.expiry_window

    @cached
    def analysis(self) -> Analysis:
        """The document's analysis, with the ledger's 定密日期 where a row matches (terms count from it
        when the document shows no date of its own)."""
        analysis = self._document_facts
        row = self.ledger_match.row
        if row is not None:
            analysis.ledger_date = row.classified_on
        return analysis

    @cached
    def _document_facts(self) -> Analysis:
        return analyse(self.document)

    @cached
    def ledger_match(self) -> LedgerMatch:
        """The ledger row for this document (none without a ledger; ambiguous rows are not guessed)."""
        ledger = self.settings.ledger
        if ledger is None:
            return LedgerMatch()
        return ledger.match(self.document.path, self._document_facts.doc_no)

    @cached
    def defects(self) -> dict[str, list[tuple[FoundMarking, Defect]]]:
        """The live markings' defects by the rule that reports their kind, in the order of the markings and
        of their defects: one pass for the form and content rules, which most documents give nothing to
        report (``form.with_defect``)."""
        by_rule: dict[str, list[tuple[FoundMarking, Defect]]] = {}
        for found in self.analysis.live:
            for defect in found.marking.defects:
                rule_id = RULE_OF_DEFECT.get(defect.kind)
                if rule_id is not None:
                    by_rule.setdefault(rule_id, []).append((found, defect))
        return by_rule

    def say(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    def finding(
        self, rule_id: str, where: TextUnit | FoundMarking | Location, zh: str, en: str,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of ``rule_id`` at a unit, a marking or a location; the message quotes at most the
        marking line. ``severity`` is for rules whose lesser cases the catalogue grades lower."""
        rule = RULES[rule_id]
        if isinstance(where, Location):
            location = where
        else:
            location = Location.of(where.unit if isinstance(where, FoundMarking) else where)
        quoted = where.marking.text if isinstance(where, FoundMarking) else None
        return Finding(rule.id, rule.name, severity or rule.severity, self.say(zh, en), location, quoted)


@dataclass
class ScanContext:
    """What a scan-level rule sees once every file has been judged: the settings in force and the ledger
    rows the scanned files matched."""

    settings: Settings
    seen_rows: set[int] = field(default_factory=set)

    def finding(self, rule_id: str, location: Location, zh: str, en: str) -> Finding:
        rule = RULES[rule_id]
        message = en if self.settings.lang == "en" else zh
        return Finding(rule.id, rule.name, self.settings.severity_of(rule_id, rule.severity), message, location)
