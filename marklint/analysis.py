"""Document-level facts the checks share, computed once per document from the neutral model:
the markings and where they stand, the 知悉范围, whether the file is a 公文, and its issue date."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

import regex

from marklint import regex_cache
from marklint.cached import cached
from marklint.dates import DATE_PATTERN, add_term, make_date
from marklint.marking import (
    CHANGED,
    COMPANION,
    DECLASSIFIED,
    MAX_YEARS,
    TERM_FIELD,
    decision_note,
    find_scope,
    may_hold_marking,
    recognise,
    with_term_field,
)
from marklint.model import LEVEL_RANK, Document, Duration, Marking, TextUnit
from marklint.tables import FIELD_LABEL, joined_fields, level_columns, same_row

#: How many non-empty units at the top of page 1 count as "the first lines" (份号, marking, 紧急程度,
#: a cover title): the places where a marking is expected (GB/T 9704 7.2; 定密管理规定 Art 24).
MARKING_PLACE_UNITS = 6
#: How many non-empty units at the top of a later page may carry the marking of what starts there (an
#: attachment, a part of a compilation). A ★ marking anywhere else in the body is a quotation, not a
#: marking (README "Where marklint looks").
PAGE_TOP_UNITS = 3

DOC_NUMBER = regex_cache.compile(r"[\p{Han}]{1,15}[〔［\[（(]\s*(?:19|20)\d{2}\s*[〕］\]）)]\s*\d{1,4}\s*号")
ISSUER_MARK = regex_cache.compile(r"^[\p{Han}（）()、\s]{2,40}文件$")
PRINTED_LINE = regex_cache.compile(rf"(?P<date>{DATE_PATTERN.pattern})[ \u3000]*印发$")
DATE_LINE = regex_cache.compile(rf"^[ \u3000]*(?P<date>{DATE_PATTERN.pattern})[ \u3000]*$")


@dataclass(frozen=True)
class FoundMarking:
    """A marking and the unit it stands in."""

    marking: Marking
    unit: TextUnit
    index: int  # position of the unit in Document.units
    in_place: bool  # in a marking place (first rows of the first page, under the title, headers, footers, text boxes)
    struck: bool  # visibly cancelled (struck through)

    @property
    def is_state_secret(self) -> bool:
        return self.marking.is_state_secret


@dataclass
class Analysis:
    """What ``analyse`` read from one document: its markings, 知悉范围, 公文 signs and dates."""

    markings: list[FoundMarking] = field(default_factory=list)
    scope: str | None = None
    is_gongwen: bool = False
    written_date: date | None = None  # 成文日期
    printed_date: date | None = None  # 印发日期
    metadata_date: date | None = None  # file creation date from the properties: an assumption
    ledger_date: date | None = None  # the ledger's 定密日期, set by the checks' context when a row matches
    issuer: str | None = None  # from the 发文机关标志 (without 文件), else the signature line
    doc_no: str | None = None  # 发文字号
    signature: str | None = None  # the line before the 成文日期
    place_indices: set[int] = field(default_factory=set)
    first_page: int = 1  # the first page with body text: page 1 unless blank pages come first
    under_title: set[int] = field(default_factory=set)  # a 公文's units just under its title: misplaced markings
    notes: dict[int, str] = field(default_factory=dict)  # units that are only a decision note: 解密 / 延长 / 变更
    seals: dict[int, int | None] = field(default_factory=dict)  # notes in a text box (a seal): index -> page
    top_end: int = 0  # index of the first unit of page 1 below its marking lines: the canonical place is above

    # issue_date, live, secret and primary are read thousands of times by the checks; they are cached
    # because the analysis is complete (analyse() has returned) before anything reads them.

    @cached
    def issue_date(self) -> date | None:
        """The 制发日: the later of 成文日期 and 印发日期, so expiry is never reported early."""
        dates = [d for d in (self.written_date, self.printed_date) if d]
        return max(dates) if dates else None

    @property
    def issue_date_basis(self) -> str | None:
        if self.issue_date is None:
            return None
        return "印发日期" if self.issue_date == self.printed_date and self.printed_date != self.written_date \
            else "成文日期"

    @property
    def dated(self) -> tuple[date, str] | None:
        """The date terms count from and what it was taken from: 成文日期 / 印发日期, else metadata."""
        if self.issue_date is not None:
            return self.issue_date, self.issue_date_basis or "成文日期"
        if self.ledger_date is not None:
            return self.ledger_date, "ledger"
        if self.metadata_date is not None:
            return self.metadata_date, "metadata"
        return None

    def expiry(self, marking: Marking) -> tuple[date | None, str | None]:
        """When a state-secret marking's term ends, and on what basis. 长期 and conditions have no date;
        a missing term counts the statutory default (30/20/10 years) and says it assumed it. Kept for each
        marking: ML301, ML302 and the report ask it of the same one."""
        known = self._expiries.get(id(marking))
        if known is not None and known[0] is marking:
            return known[1]
        expiry = self._expiry(marking)
        self._expiries[id(marking)] = (marking, expiry)
        return expiry

    @cached
    def _expiries(self) -> dict[int, tuple[Marking, tuple[date | None, str | None]]]:
        return {}

    def _expiry(self, marking: Marking) -> tuple[date | None, str | None]:
        term = marking.term
        if not marking.is_state_secret:
            return None, None
        if term.kind == "date":
            return term.until, "解密时间" if term.until else None
        if term.kind not in ("duration", "missing"):
            return None, None
        dated = self.dated
        if dated is None:
            return None, None
        start, basis = dated
        if term.kind == "duration" and term.duration is not None:
            return add_term(start, term.duration), basis
        return add_term(start, Duration(MAX_YEARS[marking.level or ""], "年")), f"assumed default ({basis})"

    @property
    def note_indices(self) -> set[int]:
        """Units that are only a 解密 note (a mark that ML303 reports on a document to be released)."""
        return {index for index, meaning in self.notes.items() if meaning == DECLASSIFIED}

    def decision(self, found: FoundMarking) -> str | None:
        """What a note beside the marking records (marking.DECISION_NOTES: 解密, 延长 or 变更): on its line,
        alone on the line before or after, or a seal (a text box) on its page; None when there is none."""
        if found.marking.decision or not self.notes:  # most documents have no note at all
            return found.marking.decision
        for index in (found.index + 1, found.index - 1):
            if index in self.notes:
                return self.notes[index]
        return next((self.notes[index] for index, page in self.seals.items() if page == found.unit.page), None)

    def declassified(self, found: FoundMarking) -> bool:
        """A 解密 note stands beside the marking, or beside another copy of it (a running header repeats it)."""
        return self.decision(found) == DECLASSIFIED or (found.marking.canonical or found.marking.text) in (
            self._declassified_markings)

    def superseded(self, found: FoundMarking) -> bool:
        """No longer in force though not struck: declassified, or changed (a 变更 note beside it)."""
        return self.declassified(found) or self.decision(found) == CHANGED

    @cached
    def _declassified_markings(self) -> set[str]:
        return {m.marking.canonical or m.marking.text for m in self.live if self.decision(m) == DECLASSIFIED}

    @cached
    def live(self) -> list[FoundMarking]:
        """Markings not cancelled by strike-through."""
        return [m for m in self.markings if not m.struck]

    @cached
    def secret(self) -> list[FoundMarking]:
        return [m for m in self.live if m.is_state_secret]

    @cached
    def standing(self) -> list[FoundMarking]:
        """The state-secret markings in force: live, not declassified, not changed. Markings are only read in marking
        places (the first lines of page 1, the tops of later pages where an attachment or a compilation's
        part starts, headers, footers, text boxes), so these are all in one."""
        return [m for m in self.secret if not self.superseded(m)]

    @cached
    def level(self) -> str | None:
        """The document's level: the highest live marking in force (``standing``) in its marking places
        (README "Where marklint looks"); None for a document with none. Statistics count the document by it: a
        compilation whose cover is lower than a part inside counts at the part's level (the cover is ML113)."""
        levels = [m.marking.level or "" for m in self.standing]
        return max(levels, key=LEVEL_RANK.__getitem__) if levels else None

    def canonical(self, found: FoundMarking) -> bool:
        """The marking stands in the canonical place: the 版头 of a 公文, the top of the cover or first page
        (the marking lines above everything else on page 1), or a text box on page 1."""
        if not found.in_place or found.unit.page != self.first_page:
            return False
        return found.unit.part == "textbox" or (found.unit.part in ("body", "table") and found.index < self.top_end)

    @cached
    def primary(self) -> FoundMarking | None:
        """The marking that form and terms are judged by, expiry counted from and metadata compared with:
        the live state-secret marking in the canonical place, else the highest (the first of the highest
        on the page before one in a header or footer, and one in a marking place before one elsewhere)."""
        canonical = [m for m in self.secret if self.canonical(m)]
        if canonical:  # the one in force, where an old marking with a 解密 note stands beside a new one
            return next((m for m in canonical if not self.superseded(m)), canonical[0])
        if not self.secret:
            return None

        def preference(found: FoundMarking) -> tuple[int, int, int, int, int]:
            # In a marking place before elsewhere (the document's level comes from those), in force before
            # superseded, the highest, on the page before a header or footer, then the first.
            on_page = found.unit.part not in ("header", "footer")
            return (0 if found.in_place else 1, 1 if self.superseded(found) else 0,
                    -LEVEL_RANK[found.marking.level or ""], 0 if on_page else 1, self.secret.index(found))

        return min(self.secret, key=preference)


def first_text_page(doc: Document) -> int:
    """The first page with body text: page 1, unless blank pages (a separator, the back of a scanned cover)
    come first; the marking places of "the first page" are on it (README "Where marklint looks")."""
    for unit in doc.units:
        if unit.part in BODY_PARTS and unit.page and unit.text.strip():
            return unit.page
    return 1


def page_tops(doc: Document, first_page: int = 1) -> set[int]:
    """Indices of the first units of each page after the first: where an attachment's marking stands."""
    tops: set[int] = set()
    seen: dict[int, int] = {}
    for index, unit in enumerate(doc.units):
        # A page whose top is already counted is passed over before the dearer strip().
        if (unit.page and unit.page > first_page and seen.get(unit.page, 0) < PAGE_TOP_UNITS
                and unit.part in BODY_PARTS and unit.text.strip()):
            seen[unit.page] = seen.get(unit.page, 0) + 1
            tops.add(index)
    return tops


#: Parts of the page body, where a title, a 版头 and the first lines stand.
BODY_PARTS = ("body", "table", "textbox")
#: A title is set larger than the body text: GB/T 9704-2012 7.3.1 sets it in 2号 (22 pt), covers larger,
#: the body in 3号 (16 pt). A line of at least this size that is not the red 发文机关标志 is a title line.
TITLE_MIN_SIZE = 18.0
#: How many rows at the top of the first page are searched for the title.
TITLE_SEARCH_ROWS = 12


@dataclass(frozen=True)
class Places:
    """Where markings are looked for on the first page with text (README "Where marklint looks")."""

    first_page: int
    places: set[int]  # the first rows, the line just under the title, headers, footers, first-page text boxes
    under_title: set[int]  # the row just under the title: a marking place, but misplaced on a 公文


#: How many rows of the first page ``marking_places`` reads: the title's search and the row under it.
PLACE_ROWS = TITLE_SEARCH_ROWS + 1


def _rows(doc: Document, page: int, limit: int = PLACE_ROWS) -> list[list[int]]:
    """The indices of the body units on ``page`` grouped into rows (a table row's cells, a PDF line's
    segments), in reading order: positions are counted in rows so that a row read as one unit in one
    format and as several in another takes the same place. The first ``limit`` rows, whole: the walk
    ends where the row after them starts (a long document's later pages are not read)."""
    rows: list[list[int]] = []
    for index, unit in enumerate(doc.units):
        if unit.page != page or unit.part not in BODY_PARTS or not unit.text.strip():
            continue
        if rows and same_row(doc.units[rows[-1][-1]], unit):
            rows[-1].append(index)
        elif len(rows) == limit:
            break
        else:
            rows.append([index])
    return rows


def _size(unit: TextUnit) -> float | None:
    sizes = [span.size for span in unit.spans if span.size and unit.text[span.start:span.end].strip()]
    return max(sizes) if sizes else None


def _title_rows(doc: Document, rows: list[list[int]]) -> tuple[int, int] | None:
    """The first and last row of the title on the first page: the first run of rows set at title size
    (TITLE_MIN_SIZE) that is not the 发文机关标志 and not a marking, after the 发文字号 where there is one.
    A title wrapped over two lines (a PDF) is one run."""
    search = rows[:TITLE_SEARCH_ROWS]
    start = 0
    for position, row in enumerate(search):
        for index in row:
            text = doc.units[index].text
            if "号" in text and DOC_NUMBER.search(text):  # 号 first: the cheap test
                start = position + 1
                break
    first = first_size = None
    for position in range(start, len(search)):
        unit = doc.units[search[position][0]]
        size = _size(unit)
        text = unit.text.strip()
        title_like = (size is not None and size >= TITLE_MIN_SIZE and len(search[position]) == 1
                      and not any(span.color == "FF0000" for span in unit.spans)
                      and not ISSUER_MARK.match(text) and not recognise(text, bare_level_ok=True))
        if first is None:
            if title_like:
                first, first_size = position, size
        elif not (title_like and size == first_size):
            return first, position - 1
    return (first, len(search) - 1) if first is not None else None


def marking_places(doc: Document) -> Places:
    """The units that stand where a marking belongs: headers and footers, text boxes on the first page,
    the first MARKING_PLACE_UNITS rows of the first page with text (up to the title) and the row just
    under the title, whatever the format (README "Where marklint looks")."""
    first_page = first_text_page(doc)
    rows = _rows(doc, first_page)
    title = _title_rows(doc, rows)
    places: set[int] = set()
    under_title: set[int] = set()
    for index, unit in enumerate(doc.units):
        if unit.part in ("header", "footer") or (unit.page == first_page and unit.part == "textbox"):
            places.add(index)
    # Rows up to the title, at most MARKING_PLACE_UNITS; the title's own rows count as one.
    counted = 0
    for position, row in enumerate(rows):
        if title is not None and position > title[1]:
            break
        if title is not None and title[0] < position <= title[1]:
            continue
        if counted >= MARKING_PLACE_UNITS:
            break
        counted += 1
        places.update(row)
    if title is not None and title[1] + 1 < len(rows):
        under_title.update(rows[title[1] + 1])
        places.update(under_title)
    return Places(first_page, places, under_title)


def analyse(doc: Document) -> Analysis:
    places = marking_places(doc)
    result = Analysis(place_indices=places.places, metadata_date=_metadata_date(doc.properties),
                      first_page=places.first_page)
    previous_field: tuple[int, FoundMarking] | None = None
    joined = joined_fields(doc)
    tops = page_tops(doc, places.first_page)
    tables = level_columns(doc)
    substituted = bool(joined or tables.forms)
    seen_running: set[str] = set()
    units = doc.units
    top_open = True  # still among the marking lines at the top of page 1 (the canonical place)
    recent: deque[str] = deque(maxlen=SIGNATURE_LOOKBACK)  # the last non-empty lines: where a signature stands
    for index, original in enumerate(units):
        if original.part == "metadata" or (joined and index - 1 in joined):
            continue
        # Most documents have no joined field and no form column: no lookups for them.
        unit = (joined.get(index) or tables.forms.get(index) or original) if substituted else original
        text = unit.text
        in_place = index in result.place_indices
        # Mid-body, a ★ marking quotes one (README "Where marklint looks"): only marking places, the tops of
        # later pages (attachments, compilations) and headers, footers and text boxes carry markings, and
        # not even there when the sentence before introduces an example (asked last: it is the dearest test).
        marked = False
        if (in_place or index in tops or unit.part in ("header", "footer", "textbox")) and index not in tables.data \
                and may_hold_marking(text) and not (index > 0 and _introduces_example(units[index - 1].text)):
            for found in _markings_in(unit, index, in_place, seen_running):
                marked = True
                result.markings.append(found)
                if found.marking.field_style and found.marking.term.kind == "missing":
                    previous_field = (len(result.markings) - 1, found)
        # A cover that writes 密级：机密 and 保密期限：5年 on two lines states one marking.
        if previous_field is not None and index > previous_field[1].index:
            position, found = previous_field
            completed = with_term_field(found.marking, text)
            if completed is not None:
                result.markings[position] = replace(found, marking=completed)
                previous_field = None
            elif index - previous_field[1].index > 2:
                previous_field = None
        stripped = text.strip()
        # A 知悉范围, a decision note and every 公文 sign spell out one of these words (find_scope,
        # decision_note, _read_gongwen_signs ask for them): most units hold none, and are passed over here.
        signs = ("号" in text or "日" in text or "发" in text or "文件" in text or "阅" in text or "解" in text
                 or "延" in text or "变更" in text or "知悉范围" in text)
        meaning = None
        if signs:
            if result.scope is None:
                result.scope = find_scope(text)
            meaning = decision_note(text)
            if meaning is not None:
                result.notes[index] = meaning
                if unit.part == "textbox":
                    result.seals[index] = unit.page
        if top_open and unit.part in ("body", "table") and unit.page is not None and (
                unit.page > places.first_page
                or not (marked or meaning or not stripped or _accompanies_marking(stripped))):
            # The body runs in page order: a line that is no marking, or page 2, ends the top of page 1.
            top_open = False
            result.top_end = index
        if signs:
            _read_gongwen_signs(result, unit, stripped, recent, places.first_page)
        if stripped and unit.part in ("body", "table"):
            recent.append(stripped)
    if top_open:
        result.top_end = len(units)
    if result.issuer is None and result.signature:
        result.issuer = result.signature
    if result.is_gongwen and places.under_title:
        # A 公文's marking belongs in the 版头 (GB/T 9704-2012 7.2.2): under the title it is misplaced.
        result.under_title = places.under_title
        result.place_indices -= places.under_title
        result.markings = [replace(found, in_place=False) if found.index in places.under_title else found
                           for found in result.markings]
    return result


SIGNATURE = regex_cache.compile(r"^[\p{Han}（）()]{2,30}$")
WHITESPACE = regex_cache.compile(r"\s+")
COMPILED_BY = regex_cache.compile(r"(?:编印|编制|编)$")


EXAMPLE_INTRO = regex_cache.compile(r"(?:例如|比如|如下|示例|样式|格式为|标注为|写作|写为)[：:]?$|[，,]\s*如[：:]$")
#: The last character of every EXAMPLE_INTRO match (stripped text has no newline for ``$`` to stand before).
EXAMPLE_INTRO_ENDS = frozenset("如下例式为作：:")


def _introduces_example(text: str) -> bool:
    """A sentence that ends by announcing an example (``…例如：``): the line after it is a quotation."""
    stripped = text.strip()
    return len(stripped) > 8 and stripped[-1] in EXAMPLE_INTRO_ENDS and bool(EXAMPLE_INTRO.search(stripped))


def _markings_in(unit: TextUnit, index: int, in_place: bool, seen_running: set[str]) -> list[FoundMarking]:
    found = []
    for marking in recognise(unit.text, bare_level_ok=in_place):
        if unit.part in ("header", "footer"):
            # A running header repeats on every page: one marking, not one per page.
            if marking.text in seen_running:
                continue
            seen_running.add(marking.text)
        found.append(FoundMarking(marking, unit, index, in_place, unit.is_struck(marking.start, marking.end)))
    return found


def _read_gongwen_signs(result: Analysis, unit: TextUnit, text: str, recent: deque[str], first_page: int = 1) -> None:
    """The 公文 signs ``unit`` shows (``text``: its text stripped): 发文字号, 发文机关标志, 印发日期, 成文日期."""
    if not text or len(text) > 80:
        return
    # Every sign is looked for only where the words it must contain are there (号, 文件 at the end, 印发
    # at the end, 日): most units are none of these, and a regex call costs far more than ``in``.
    number = DOC_NUMBER.search(text) if len(text) <= 30 and "号" in text else None
    if number:
        result.is_gongwen = True
        result.doc_no = result.doc_no or number.group(0)
        # A 函's 发文机关标志 is the issuer's name without 文件 (GB/T 9704-2012 10.1), right above its 发文字号.
        if result.issuer is None and unit.page == first_page and recent and _is_issuer_name(recent[-1]):
            result.issuer = WHITESPACE.sub("", recent[-1])
    elif unit.page == first_page and text.endswith("文件") and ISSUER_MARK.match(text):
        result.is_gongwen = True
        result.issuer = result.issuer or WHITESPACE.sub("", text)[: -len("文件")]
    printed = PRINTED_LINE.search(text) if text.endswith("印发") else None
    if printed:
        result.is_gongwen = True
        parsed = _date_of(printed)
        if parsed:
            result.printed_date = parsed
        return
    written = DATE_LINE.match(text) if unit.part in ("body", "table") and "日" in text else None
    if written:
        parsed = _date_of(written)
        if parsed:
            # The last stand-alone date line is the 成文日期 (a cover date comes earlier).
            result.written_date = parsed
            signature = _signature(recent)
            if signature is not None:
                # 某某办公室编 / 编印 names who compiled a volume: the issuer is the name before it.
                result.signature = COMPILED_BY.sub("", signature)


#: How many lines above the 成文日期 the signature may stand: a seal's placeholder or caption may come between.
SIGNATURE_LOOKBACK = 3
#: A template's placeholder or a seal's caption standing where the seal goes (``（此处添加印章图片或文字说明）``,
#: ``（盖章）``): a bracketed line, or one that speaks of the seal or the signature. Never the issuer's name.
PLACEHOLDER = regex_cache.compile(
    r"^[（(【\[].*[）)】\]]$|此处|印章|盖章|签章|公章|签字|签名|图片|文字说明|^[（(]?章[）)]?$"
)
#: The name of an organ: what a 函's 发文机关标志 is (人民政府, 办公室, 局, 委员会 …), not a title or a sentence.
ISSUER_NAME = regex_cache.compile(
    r"^[\p{Han}（）()、\s]{2,40}(?:政府|办公室|办公厅|委员会|局|厅|部|委|院|署|会|处|室|中心|办|所|站|队)$"
)


def _is_issuer_name(text: str) -> bool:
    return "关于" not in text and not PLACEHOLDER.search(text) and bool(ISSUER_NAME.match(text))


def _signature(recent: deque[str]) -> str | None:
    """The signature above a 成文日期: the nearest of the lines before it that names someone, passing over
    a seal's placeholder or caption; None when the line before is a sentence (no signature)."""
    for line in reversed(recent):
        if PLACEHOLDER.search(line):
            continue
        return line if SIGNATURE.match(line) else None
    return None


def _accompanies_marking(text: str) -> bool:
    """A line that stands with the markings at the top of page 1: a 份号, 紧急程度, a form label or term
    field, a 知悉范围. The marking lines above the first other line are the canonical place (GB/T 9704-2012
    7.2: the 版头; 定密管理规定: the top of the cover or first page)."""
    # A 份号 ends in a digit, and every form label and term field spells 密: the cheap tests first.
    return bool((text[-1] in COPY_DIGITS and COPY_LINE.match(text)) or _companion_only(text)
                or ("密" in text and (FIELD_LABEL.match(text) or TERM_FIELD.fullmatch(text))) or find_scope(text))


#: A 份号 line as the 版头 writes it, 6 digits or not (``000123``, ``份号：000123``).
COPY_LINE = regex_cache.compile(r"^(?:份号[：:]?)?[ \u3000]*[0-9０-９]{1,12}$")
COPY_DIGITS = frozenset("0123456789０１２３４５６７８９")


def _companion_only(text: str) -> bool:
    """A line of 份号 and 紧急程度 only (``000123``, ``特急``, ``000123　特急``)."""
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        match = COMPANION.match(text, pos)
        if match is None or match.end() == pos:
            return False
        pos = match.end()
    return True


def _date_of(match: regex.Match) -> date | None:
    return _date_in(match.group("date"))


@lru_cache(maxsize=1024)
def _date_in(text: str) -> date | None:
    """The date ``text`` writes. Memoised: a file repeats its dates, and reading the groups of a match
    costs more than the lookup."""
    inner = DATE_PATTERN.search(text)
    return make_date(inner.group("year"), inner.group("month"), inner.group("day")) if inner else None


METADATA_DATE = regex_cache.compile(r"^(?:D:)?(?P<year>\d{4})-?(?P<month>\d{2})-?(?P<day>\d{2})")


def _metadata_date(properties: dict[str, str]) -> date | None:
    """The file's creation date from DOCX core properties or the PDF Info dictionary."""
    for key in ("core:created", "info:CreationDate"):
        match = METADATA_DATE.match(properties.get(key, "").strip())
        if match:
            found = make_date(match.group("year"), match.group("month"), match.group("day"))
            if found:
                return found
    return None
