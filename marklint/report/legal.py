"""The legal basis of each rule, read from its declaration in the rule registry.

Every rule's documentation says why in a ``Why:`` paragraph that cites the instruments by the short
names the project uses (``保密法 Art 20``, ``保密法实施条例 Art 21``, ``GB/T 9704-2012 7.2.2``,
``定密管理规定``). The inspection report lists those citations per finding and, in its title block, the
articles of every rule that fired; reading them from the registry keeps one source for them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: The instruments the rules cite: short name in the docs -> (key, Chinese title, English title).
#: Order matters for matching: a longer name before the name it contains.
INSTRUMENTS = (
    ("保密法实施条例", "regulations", "《保守国家秘密法实施条例》",
     "Implementing Regulations of the Law on Guarding State Secrets"),
    ("保密法", "law", "《保守国家秘密法》", "Law on Guarding State Secrets"),
    ("国家秘密定密管理规定", "classification", "《国家秘密定密管理规定》",
     "Provisions on the Administration of Classification"),
    ("定密管理规定", "classification", "《国家秘密定密管理规定》",
     "Provisions on the Administration of Classification"),
    ("党政机关公文处理工作条例", "documents", "《党政机关公文处理工作条例》",
     "Regulations on the Handling of Official Documents"),
    ("GB/T 9704-2012", "layout", "GB/T 9704-2012《党政机关公文格式》", "GB/T 9704-2012 Layout of Official Documents"),
)
_TITLES = {key: (zh, en) for _, key, zh, en in INSTRUMENTS}
_KEY_OF = {name: key for name, key, _, _ in INSTRUMENTS}
_ORDER = {key: index for index, key in enumerate(("law", "regulations", "classification", "documents", "layout"))}
_ARTICLE = r"\d+(?:\(\d+\))?"
_CITATION = re.compile(
    "(" + "|".join(re.escape(name) for name, _, _, _ in INSTRUMENTS) + ")"
    + rf"(?:\s+Art\s+({_ARTICLE}(?:\s*,\s*{_ARTICLE})*)|\s+(\d+(?:\.\d+)+))?")


@dataclass(frozen=True, order=True)
class Citation:
    """One article (or clause) of one instrument; ``article`` is empty where the rule names none."""

    instrument: str  # a key of INSTRUMENTS
    article: str = ""  # "20", "24(1)" (article 24, paragraph 1), or a clause "7.2.2" of the standard

    def sort_key(self) -> tuple:
        numbers = [int(n) for n in re.findall(r"\d+", self.article)]
        return (_ORDER[self.instrument], numbers)

    def text(self, lang: str) -> str:
        zh, en = _TITLES[self.instrument]
        if not self.article:
            return en if lang == "en" else zh
        return f"{en} {_article_en(self)}" if lang == "en" else f"{zh}{_article_zh(self)}"


def _article_zh(citation: Citation) -> str:
    if citation.instrument == "layout":
        return f"第{citation.article}条"
    match = re.fullmatch(r"(\d+)(?:\((\d+)\))?", citation.article)
    assert match is not None  # the pattern only produces these forms
    article, paragraph = match.groups()
    return f"第{article}条" + (f"第{paragraph}款" if paragraph else "")


def _article_en(citation: Citation) -> str:
    return f"clause {citation.article}" if citation.instrument == "layout" else f"Art {citation.article}"


def citations_in(text: str) -> tuple[Citation, ...]:
    """The citations in a rule's documentation (its ``Why:`` paragraph), each once, in the law's order."""
    why = text.split("Why:", 1)[1] if "Why:" in text else ""
    why = re.split(r"\n\s*(?:Wrong|Right):", why, maxsplit=1)[0]
    why = re.sub(r"\s+", " ", why)
    found: set[Citation] = set()
    for name, articles, clause in _CITATION.findall(why):
        key = _KEY_OF[name]
        if clause:
            found.add(Citation(key, clause))
        elif articles:
            found.update(Citation(key, a.strip()) for a in articles.split(","))
        else:
            found.add(Citation(key))
    # An instrument cited by article does not need its bare name as well.
    by_article = {c.instrument for c in found if c.article}
    return tuple(sorted((c for c in found if c.article or c.instrument not in by_article), key=Citation.sort_key))


@functools.cache
def rule_basis(rule_id: str) -> tuple[Citation, ...]:
    """The legal basis the registry gives for ``rule_id`` (none for a rule it does not know)."""
    from marklint.checks.registry import RULES, all_rules

    all_rules()
    declared = RULES.get(rule_id)
    return citations_in(declared.doc) if declared else ()


def merged(citations: Iterable[Citation]) -> list[tuple[str, list[str]]]:
    """Citations grouped by instrument, in the law's order: ``[(instrument, [articles…])]`` (articles
    empty where only the instrument is named)."""
    grouped: dict[str, set[Citation]] = {}
    for citation in citations:
        grouped.setdefault(citation.instrument, set()).add(citation)
    out = []
    for key in sorted(grouped, key=_ORDER.__getitem__):
        articles = [c.article for c in sorted(grouped[key], key=Citation.sort_key) if c.article]
        out.append((key, articles))
    return out


def basis_text(citations: Iterable[Citation], lang: str) -> str:
    """The title block's basis: each instrument once with its articles, ``；`` / ``; `` between them."""
    parts = []
    for key, articles in merged(citations):
        zh, en = _TITLES[key]
        if lang == "en":
            parts.append(f"{en} {', '.join(_article_en(Citation(key, a)) for a in articles)}".strip())
        else:
            parts.append(zh + "、".join(_article_zh(Citation(key, a)) for a in articles))
    return ("; " if lang == "en" else "；").join(parts)
