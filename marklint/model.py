"""The neutral document model: what parsers produce and what checks read.

Nothing here knows about a file format. Parsers turn a file into a ``Document`` of ``TextUnit``s;
the marking recogniser turns units into ``Marking``s; checks turn those into ``Finding``s.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import TypeVar

_Class = TypeVar("_Class", bound=type)


class Part(StrEnum):
    """Where a text unit lives in the file. Values are the JSON contract's ``part`` words."""

    BODY = "body"
    HEADER = "header"
    FOOTER = "footer"
    TEXTBOX = "textbox"
    TABLE = "table"
    METADATA = "metadata"


PARTS = tuple(part.value for part in Part)
_PART_OF_WORD = {part.value: part for part in Part}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 1, "warning": 2, "error": 3}[self.value]


class Status(StrEnum):
    COMPLETE = "complete"
    PARTIAL = "partial"
    NOT_EXAMINED = "not-examined"


class ReasonKind(StrEnum):
    """Why a file was not (completely) examined. Values are the JSON report's reason words (README, Output)."""

    AMBIGUOUS = "ambiguous"  # readers of two formats see two different documents in the file (parsers/polyglot.py)
    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    UNSUPPORTED = "unsupported format"
    NO_TEXT_LAYER = "no text layer"
    OVER_LIMIT = "over a safety limit"
    TIMED_OUT = "timed out"
    UNREADABLE = "unreadable"
    UNDECODABLE = "undecodable text"  # glyph codes of fonts with no usable Unicode map (parsers/pdf_fonts.py)
    EMBEDDED_PARTIAL = "embedded document not read whole"  # its detail: the embedded document's name


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a document was not (completely) examined: the kind, and the parser's detail in English words.
    ``str()`` is the JSON report's ``reason`` (``corrupt: bad ZIP archive``; ``no text layer; <hint>``)."""

    kind: ReasonKind
    detail: str = ""

    def __str__(self) -> str:
        if not self.detail:
            return self.kind.value
        return f"{self.kind.value}{'; ' if self.kind is ReasonKind.NO_TEXT_LAYER else ': '}{self.detail}"

    @classmethod
    def parse(cls, text: str) -> Reason:
        """The reason of a saved report's ``reason`` text (``str()`` read back); ValueError if unknown."""
        for kind in sorted(ReasonKind, key=len, reverse=True):
            if text == kind.value:
                return cls(kind)
            for separator in (": ", "; "):
                if text.startswith(kind.value + separator):
                    return cls(kind, text[len(kind.value) + len(separator):])
        raise ValueError(f"unknown reason {text!r}")


def reason_words(reason: Reason | None) -> str | None:
    """The JSON report's ``reason``: the reason's words, or None for a complete read."""
    return str(reason) if reason else None


def _made_quickly(cls: _Class) -> _Class:
    """``cls``, a frozen dataclass with slots, with an ``__init__`` that sets each field through its slot's
    descriptor, as ``object.__setattr__`` does in the one dataclasses writes, at half its cost (parsers make
    a StyleSpan and a TextUnit for every run and line of a file), and a ``__reduce__`` that pickles the
    fields as the constructor's arguments, without the ``fields()`` walk of dataclasses' ``__getstate__``
    and ``__setstate__`` (a worker sends every Finding to the parent). BENCHMARKS.md, Session 6: judging."""
    params, lines, namespace, names = [], [], {"_class": cls}, []
    for item in fields(cls):
        assert item.init and not item.kw_only and item.default_factory is MISSING, "plain fields only"
        names.append(item.name)
        namespace[f"_set_{item.name}"] = getattr(cls, item.name).__set__
        if item.default is MISSING:
            params.append(item.name)
        else:
            namespace[f"_default_{item.name}"] = item.default
            params.append(f"{item.name}=_default_{item.name}")
        lines.append(f"    _set_{item.name}(self, {item.name})")
    if hasattr(cls, "__post_init__"):
        lines.append("    self.__post_init__()")
    source = (f"def __init__(self, {', '.join(params)}):\n" + "\n".join(lines) + "\n"
              f"def __reduce__(self):\n    return _class, ({''.join(f'self.{name}, ' for name in names)})\n")
    exec(source, namespace)  # as dataclasses writes its own methods
    namespace["__init__"].__annotations__ = cls.__init__.__annotations__  # the signature dataclasses gave it
    for name in ("__init__", "__reduce__"):
        method = namespace[name]
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)
    return cls


@_made_quickly
@dataclass(frozen=True, slots=True)
class StyleSpan:
    """Character range ``[start, end)`` of a unit's text that shares one appearance."""

    start: int
    end: int
    font: str | None = None  # East Asian font name as the file says it (``SimHei``, ``ABCDEF+NotoSansCJKsc-Bold``)
    size: float | None = None  # points
    struck: bool = False  # single or double strike-through
    color: str | None = None  # RGB hex such as ``FF0000`` where known


@_made_quickly
@dataclass(frozen=True, slots=True)
class TextUnit:
    """One stand-alone piece of text: a paragraph, a table cell, a text-box paragraph, a header or
    footer line, a PDF text line, or one metadata property (``name=value``)."""

    text: str
    part: Part  # a part's word ("body") is taken too, and made the Part
    page: int | None  # 1-based; DOCX body counts explicit and rendered page breaks
    line: int  # 1-based position in the file's reading order within its part and page
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in points from the page's top-left
    spans: tuple[StyleSpan, ...] = ()
    align: str | None = None  # left / center / right / both where the file says so (DOCX)
    indent: float | None = None  # left indent in points where the file says so (DOCX)
    source: str = "text"  # "ocr" where read from a scan's image (parsers.scan)
    confidence: float | None = None  # the recogniser's mean confidence (0-1), for OCR text
    char_confidences: tuple[float, ...] = ()  # each character's, for OCR text (ML904)

    def __post_init__(self) -> None:
        if type(self.part) is not Part:
            # A part's word looked up in a dict: Part(word) goes through the Enum machinery, dearer than
            # the rest of the unit's making. Anything else is still Part's to accept or refuse.
            known = _PART_OF_WORD.get(self.part) if type(self.part) is str else None
            object.__setattr__(self, "part", known or Part(self.part))

    def spans_over(self, start: int, end: int) -> list[StyleSpan]:
        """The style spans that overlap ``[start, end)`` and cover a non-space character."""
        out = []
        for span in self.spans:
            lo, hi = max(start, span.start), min(end, span.end)
            if lo < hi and self.text[lo:hi].strip():
                out.append(span)
        return out

    def is_struck(self, start: int = 0, end: int | None = None) -> bool:
        """True when every non-space character of ``[start, end)`` is struck through."""
        if not any(span.struck for span in self.spans):  # almost every unit: nothing is struck
            return False
        end = len(self.text) if end is None else end
        chars = [i for i in range(start, end) if not self.text[i].isspace()]
        if not chars:
            return False
        struck = {i for s in self.spans if s.struck for i in range(s.start, s.end)}
        return all(i in struck for i in chars)


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """Page size in points, where the file says it."""

    width: float
    height: float


@dataclass(slots=True)
class Document:
    """What a parser read from one file."""

    path: str
    format: str  # docx / pdf / text
    units: list[TextUnit] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)  # "custom:密级", "core:created", "info:CreationDate", …
    geometry: PageGeometry | None = None
    page_count: int | None = None
    status: Status = Status.COMPLETE
    reason: Reason | None = None  # why not complete
    no_text: bool = False  # nothing decodable was found where text should be
    embedded: list[Document] = field(default_factory=list)  # documents embedded in it, read as documents of their own
    signatures: int | None = None  # signatures and seals the file lists (OFD), counted, never read as text


@dataclass(frozen=True, slots=True)
class Duration:
    """A 保密期限 written as a length of time: ``amount`` ``unit``s (5年, 6个月, 15日)."""

    amount: int  # in ``unit``s
    unit: str  # 年 / 月 / 日

    def canonical(self) -> str:
        return f"{self.amount}{'个月' if self.unit == '月' else self.unit}"


class TermKind(StrEnum):
    """What a marking's 保密期限 is written as. Values are the JSON contract's ``term.kind`` words."""

    DURATION = "duration"  # 5年, 6个月
    DATE = "date"  # a 解密时间
    CONDITION = "condition"  # a 解密条件
    LONG_TERM = "long-term"  # 长期
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Term:
    """The 保密期限 part of a marking."""

    kind: TermKind
    raw: str = ""
    duration: Duration | None = None
    until: date | None = None  # 解密时间
    condition: str | None = None

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "raw": self.raw or None,
            "amount": self.duration.amount if self.duration else None,
            "unit": self.duration.unit if self.duration else None,
            "until": self.until.isoformat() if self.until else None,
            "condition": self.condition,
        }


class DefectKind(StrEnum):
    """What the recogniser saw wrong in a marking's form. The recogniser knows no rule IDs: each rule
    declares the kinds it reports, with their messages (``checks.registry.rule``)."""

    OTHER_SEPARATOR = "other-separator"  # detail: the separator written
    NO_SEPARATOR = "no-separator"
    SPACED = "spaced"  # white space around the separator or in the term
    SPACED_LEVEL = "spaced-level"  # 秘　密
    INVISIBLE = "invisible"  # detail: the code points
    BRACKETS = "brackets"
    NUMERALS = "numerals"  # the term not in Arabic numerals
    UNIT = "unit"  # 18月, 30天, 一年半
    WHOLE_YEARS_IN_MONTHS = "whole-years-in-months"
    COMPATIBILITY_UNIT = "compatibility-unit"  # detail: the characters and code points
    REVERSED = "reversed"  # the term or the separator before the level
    FORM_FIELDS = "form-fields"  # 密级：机密
    NOT_A_SECRET = "not-a-secret"  # detail: the word written as the level (内部, 工作秘密)
    UNKNOWN_LEVEL = "unknown-level"  # detail: the word written as the level (绝秘)
    TRADITIONAL_LEVEL = "traditional-level"  # detail: the characters and code points
    COMPATIBILITY_LEVEL = "compatibility-level"  # detail: the characters and code points
    NO_TERM = "no-term"
    OVER_MAXIMUM = "over-maximum"  # detail: the maximum
    LONG_TERM = "long-term"
    VAGUE_CONDITION = "vague-condition"
    IMPOSSIBLE_DATE = "impossible-date"
    UNPARSABLE_DATE = "unparsable-date"

    @property
    def aspect(self) -> str:
        """The part of the form a defect concerns: the recogniser keeps the first defect of each aspect."""
        return _DEFECT_ASPECTS.get(self, self.value)


_DEFECT_ASPECTS = {
    DefectKind.SPACED_LEVEL: "spacing", DefectKind.SPACED: "spacing", DefectKind.INVISIBLE: "spacing",
    DefectKind.UNIT: "unit", DefectKind.WHOLE_YEARS_IN_MONTHS: "unit", DefectKind.COMPATIBILITY_UNIT: "unit",
    DefectKind.IMPOSSIBLE_DATE: "date", DefectKind.UNPARSABLE_DATE: "date",
    DefectKind.UNKNOWN_LEVEL: "level", DefectKind.TRADITIONAL_LEVEL: "level", DefectKind.COMPATIBILITY_LEVEL: "level",
}


@dataclass(frozen=True, slots=True)
class Defect:
    """Something the recogniser saw wrong in a marking's form: its kind and the detail."""

    kind: DefectKind
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Marking:
    """A recognised classification marking (or a near miss of one)."""

    text: str  # the marking as it stands, stripped
    level: str | None  # 绝密 / 机密 / 秘密, or the non-level word written in its place
    term: Term
    canonical: str  # the standard form of what was meant, e.g. 秘密★5年
    defects: tuple[Defect, ...] = ()
    start: int = 0  # span in the unit's text
    end: int = 0
    field_style: bool = False  # written as form fields 密级：… / 保密期限：…
    declassified_note: bool = False  # 解密 / 已解密 written right beside it
    decision: str | None = None  # what a note on its line records: 解密 / 延长 / 变更 (marking.DECISION_NOTES)

    @property
    def is_state_secret(self) -> bool:
        return self.level in LEVELS


#: State-secret levels, highest first (保密法 Art 14).
LEVELS = ("绝密", "机密", "秘密")
LEVEL_RANK = {"绝密": 3, "机密": 2, "秘密": 1}


@_made_quickly
@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding points in a file: the page, part and line, and the box where known."""

    page: int | None = None
    part: str = "body"
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None  # where the unit was read by OCR: the recogniser's confidence

    @classmethod
    def of(cls, unit: TextUnit) -> Location:
        confidence = unit.confidence if unit.source == "ocr" else None
        return cls(page=unit.page, part=unit.part, line=unit.line, bbox=unit.bbox, confidence=confidence)

    @property
    def ocr(self) -> bool:
        return self.confidence is not None

    def to_json(self) -> dict:
        return {
            "page": self.page,
            "part": self.part,
            "line": self.line,
            "bbox": [round(v, 1) for v in self.bbox] if self.bbox else None,
        } | ({"source": "ocr", "confidence": self.confidence} if self.confidence is not None else {})


@_made_quickly
@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a rule reports: the rule, its severity, the message and where."""

    rule: str
    name: str
    severity: Severity
    message: str
    location: Location
    marking: str | None = None  # the marking line quoted, never body text

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location.to_json(),
        }
