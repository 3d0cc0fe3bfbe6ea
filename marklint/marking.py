"""The one recogniser of classification markings.

``recognise(text)`` reads a stand-alone text unit and returns the markings it consists of, each with the
defects of form the recogniser saw, as typed kinds (``model.DefectKind``): the rules (``marklint.checks``) map
each kind to a rule, a message and a fix; the recogniser knows no rule IDs. A unit is a marking unit
only when markings and their companions (份号, 紧急程度, a 解密 note) make up all of it: a body
sentence that mentions ``秘密★1年`` or a company called 北京机密电子有限公司 yields nothing.

Grammar (保密法实施条例 Art 21; 定密管理规定: ``密级★保密期限|解密时间|解密条件``)::

    marking   := level SEP term | level term (NO_SEPARATOR) | term SEP level (REVERSED) | field form (FORM_FIELDS)
    level     := 绝密 | 机密 | 秘密          (others: NOT_A_SECRET words, UNKNOWN_LEVEL)
    term      := duration | date | 长期 | condition | (nothing: NO_TERM)
"""

from __future__ import annotations

import functools
from dataclasses import replace

import regex

from marklint import regex_cache
from marklint.dates import DATE_PATTERN, NUMBER, cn_number, is_arabic, make_date
from marklint.lookalikes import Lookalike, Normalised, normalise
from marklint.model import LEVELS, Defect, DefectKind, Duration, Marking, Term, TermKind

STAR = "★"
#: Symbols seen in place of ★ (OTHER_SEPARATOR). ASCII and full-width asterisks, other stars, dots, reference marks.
OTHER_SEPARATORS = "☆*＊●·•・⭐✱✩※∗⋆✦✧✯✪✫✬✭✮✰⁎○◆◇■□▲△◎⭑⭒✶✷✸✹✺✴✵✡⚝⍟🟉🟊🟋🟌🟍🟎🟏🟐🟑🟒🟓🟔🌟"
SEPARATORS = STAR + OTHER_SEPARATORS
WS = " \u3000\t\u00a0\u2002\u2003\u2009\u200b"
OPEN_BRACKETS = "（(【[〔「《〈『｛{"
CLOSE_BRACKETS = "）)】]〕」》〉』｝}"

#: Maximum terms by level (保密法 Art 20), "除另有规定外".
MAX_YEARS = {"绝密": 30, "机密": 20, "秘密": 10}
#: Words that make a 解密条件 not specific (定密管理规定: 明确、具体).
VAGUE_CONDITIONS = ("视情况", "另行通知", "适时", "待定", "根据需要", "必要时", "酌情", "另定", "再定", "视需要")
NON_SECRET_WORDS = ("内部资料", "内部事项", "内部", "工作秘密", "商业秘密", "敏感信息", "敏感")
UNKNOWN_LEVEL_WORDS = ("绝对机密", "极机密", "絕對機密", "極機密", "绝秘", "机秘", "极密", "密秘")
URGENCY_WORDS = ("特急", "加急", "特提", "平急")

_ws = f"[{WS}]"
_sep = f"[{regex.escape(SEPARATORS)}]"
_open = f"[{regex.escape(OPEN_BRACKETS)}]"
_close = f"[{regex.escape(CLOSE_BRACKETS)}]"
_level_words = "|".join(
    [f"{w[0]}{_ws}*{w[1]}" for w in LEVELS] + list(UNKNOWN_LEVEL_WORDS) + list(NON_SECRET_WORDS)
)
# Longer words first so that 工作秘密 is not read as 秘密 after a stray prefix.
LEVEL = rf"(?P<level>{_level_words})"
DURATION = rf"(?P<num>{NUMBER}){_ws}*(?P<unit>年半|年|个月|個月|月|日|天)|(?P<half>半年)"
DATE_LIKE = (
    rf"(?P<date>{DATE_PATTERN.pattern})(?P<date_suffix>解密|前)?"
    r"|(?P<bad_date>[0-9０-９]{4}[-./年][0-9０-９]{1,2}(?:[-./月][0-9０-９]{1,2}日?)?(?:解密|前)?)"
)
TERM_CORE = rf"(?:(?P<long>长期)|{DATE_LIKE}|{DURATION})"
# A condition: short, no sentence punctuation, no separator; checked further in _condition().
CONDITION = rf"(?P<cond>[^{WS}{regex.escape(SEPARATORS)}，。；：！？,;:!?“”\"']{{1,30}})"

_term_no_sep = rf"(?P<tb>{_open})?{_ws}*{TERM_CORE}{_ws}*(?P<tb2>{_close})?"
_level_part = rf"(?P<lb>{_open})?{_ws}*{LEVEL}{_ws}*(?P<lb2>{_close})?"

STANDARD = regex_cache.compile(
    rf"(?P<ob>{_open})?{_level_part}(?P<gap1>{_ws}*)(?P<sep>{_sep})(?P<gap2>{_ws}*)"
    rf"(?:(?P<tb>{_open}){_ws}*(?:{TERM_CORE}|{CONDITION}){_ws}*(?P<tb2>{_close})|{TERM_CORE}|{CONDITION})?"
    rf"{_ws}*(?P<cb>{_close})?"
)
NO_SEPARATOR = regex_cache.compile(rf"{_level_part}(?P<gap1>{_ws}*){_term_no_sep}")
REVERSED = regex_cache.compile(
    rf"(?:{TERM_CORE})(?P<gap1>{_ws}*)(?P<sep>{_sep}){_ws}*{LEVEL}"
    rf"|(?P<sep>{_sep}){_ws}*{LEVEL}(?P<gap1>{_ws}*)(?:{TERM_CORE})?"
)
FIELD = regex_cache.compile(
    rf"(?:密{_ws}*级|秘密等级|保密等级){_ws}*[：:]{_ws}*{LEVEL}"
    rf"(?:(?P<gap1>{_ws}*)(?P<sep>{_sep}){_ws}*(?:{TERM_CORE}|{CONDITION})?)?"
    rf"(?:{_ws}*[，,；;]?{_ws}*(?:保密期限|保密期|期限|解密时间|解密条件){_ws}*[：:]{_ws}*(?:{TERM_CORE}|{CONDITION})?)?"
)
#: A term written as its own form field, ``保密期限：5年``, in the unit after ``密级：机密``.
TERM_FIELD = regex_cache.compile(
    rf"(?:保密期限|保密期|解密时间|解密条件){_ws}*[：:]{_ws}*(?:{TERM_CORE}|{CONDITION})?{_ws}*"
)
BARE_LEVEL = regex_cache.compile(rf"(?P<ob>{_open})?{_ws}*(?P<level>{'|'.join(f'{w[0]}{_ws}*{w[1]}' for w in LEVELS)})"
                                 rf"{_ws}*(?P<cb>{_close})?")

#: What a note beside a marking records (定密管理规定: a changed or declassified item keeps its old mark,
#: cancelled, with 解密 or the new mark next to it; an extension is decided before the term ends).
DECLASSIFIED, EXTENDED, CHANGED = "解密", "延长", "变更"
_date = DATE_PATTERN.pattern
_reviewed = rf"(?:经(?:审核|审查|复核)[，,]?{_ws}*)?"
_new_term = rf"{_ws}*(?:{_date}|{NUMBER}{_ws}*(?:年|个月|月|日))"
#: The one table of the notes that record a decision on a marking, written on its line, alone on the line
#: before or after it, or as a seal on its page: (meaning, the forms, pattern). ML301 and ML302 (a decision
#: was taken), the document's level (a declassified marking does not count) and the statistics read it.
DECISION_NOTES: tuple[tuple[str, str, str], ...] = (
    # Longer forms first: a marking line's companions are matched from the left, the first form that fits.
    (DECLASSIFIED, "解密日期：…", rf"解密(?:日期)?{_ws}*[：:]?{_ws}*{_date}"),
    (DECLASSIFIED, "已于…解密, 于…解密, 自…起解密, …解密",
     rf"{_reviewed}(?:已经?)?(?:于|自)?{_ws}*{_date}{_ws}*起?{_ws}*(?:已经?|予以)?解密"),
    (DECLASSIFIED, "经审核，…解密", rf"经(?:审核|审查|复核)[，,]?{_ws}*[^，。；;不]{{0,30}}?(?:已经?|予以)?解密"),
    (DECLASSIFIED, "解密, 已解密, 予以解密, a 解密 seal (解　密, 解密专用章)",
     rf"(?:已经?|予以)?解{_ws}*密(?:专用章|章)?"),
    (EXTENDED, "延长保密期限至…", rf"{_reviewed}(?:已|予以)?延长保密期限(?:至|到)?{_new_term}"),
    (EXTENDED, "保密期限延长至…年", rf"{_reviewed}保密期限(?:已|予以)?(?:延长|延期|延)(?:至|到)?{_new_term}"),
    (CHANGED, "密级变更为…, 已变更为…",
     rf"{_reviewed}(?:密级|保密期限|标志)?(?:已|予以)?变更为{_ws}*[^，。；;]{{1,20}}"),
)
_MEANING_GROUPS = {DECLASSIFIED: "declassified", EXTENDED: "extended", CHANGED: "changed"}
_NOTE_BODY = "|".join(
    f"(?P<{group}>{'|'.join(pattern for meaning_of, _, pattern in DECISION_NOTES if meaning_of == meaning)})"
    for meaning, group in _MEANING_GROUPS.items()
)
NOTE = rf"{_open}?{_ws}*(?:{_NOTE_BODY}){_ws}*[。.]?{_ws}*{_close}?"
NOTE_AT = regex_cache.compile(NOTE)
COMPANION = regex_cache.compile(
    rf"[0-9]{{1,8}}(?=[{WS}]|$)"  # 份号 on the same line
    rf"|(?:{'|'.join(URGENCY_WORDS)})"
    rf"|{NOTE}"
)
_not_close = regex.escape(CLOSE_BRACKETS)
SCOPE_PATTERNS = (
    regex_cache.compile(rf"^{_open}?{_ws}*知悉范围{_ws}*[：:]{_ws}*(?P<scope>[^{_not_close}]+?){_ws}*{_close}?$"),
    regex_cache.compile(rf"^{_open}?{_ws}*(?:此件|本件|此文)?(?P<scope>发至[^，。；{_not_close}]+?)[。]?{_ws}*{_close}?$"),
    regex_cache.compile(rf"^{_open}?{_ws}*(?P<scope>限[^，。；{_not_close}]{{1,30}}?阅(?:读)?)[。]?{_ws}*{_close}?$"),
)
QUICK_FILTER = regex_cache.compile(rf"[密{regex.escape(SEPARATORS)}]|内部|敏感")


def recognise(text: str, *, bare_level_ok: bool = False) -> list[Marking]:
    """The markings that make up ``text``, or [] when it is not a marking unit.

    ``bare_level_ok`` admits a level standing alone (``机密``: a marking without a term), which is a
    marking only in the marking places (the first lines of page 1, headers, covers). Invisible characters
    and look-alikes (``marklint.lookalikes``) are read as what they stand for and reported as defects;
    the markings' spans and texts are those of ``text`` as written."""
    if not may_hold_marking(text):
        return []
    normalised = normalise(text)
    read = text if normalised is None else normalised.text
    found = _recognised(read, bare_level_ok)
    if normalised is None:
        return list(found)
    return [_as_written(marking, text, normalised) for marking in found]


def may_hold_marking(text: str) -> bool:
    """Whether ``text`` may hold a marking at all: the cheap test ``recognise`` starts with, for callers
    that would do dearer work before asking it. Look-alikes never bring a 密 or a separator the text
    lacks (機密 and 祕密 keep 密)."""
    return len(text) <= 120 and QUICK_FILTER.search(text) is not None


@functools.lru_cache(maxsize=4096)
def _recognised(text: str, bare_level_ok: bool) -> tuple[Marking, ...]:
    """``recognise`` proper. Memoised because the same lines recur (a running header on every page, the
    same 机密★5年 across a scan); the result depends on the arguments alone and Markings are immutable."""
    found: list[Marking] = []
    pos, end = 0, len(text)
    pending_note: str | None = None
    while pos < end:
        if text[pos] in WS:
            pos += 1
            continue
        marking = _marking_at(text, pos, bare_level_ok)
        if marking is not None:
            found.append(marking)
            pos = marking.end
            continue
        companion = COMPANION.match(text, pos)
        if companion is None or companion.end() == pos:
            return ()
        meaning = _meaning(companion)
        if meaning and found:
            found[-1] = _with_decision(found[-1], meaning)
        elif meaning:
            pending_note = meaning
        pos = companion.end()
    if pending_note and found:
        found[0] = _with_decision(found[0], pending_note)
    return tuple(found)


def _meaning(match: regex.Match) -> str | None:
    """What a matched note records (DECLASSIFIED, EXTENDED, CHANGED), or None for another companion."""
    return next((meaning for meaning, group in _MEANING_GROUPS.items() if match.group(group)), None)


def _with_decision(marking: Marking, meaning: str) -> Marking:
    return replace(marking, decision=meaning, declassified_note=meaning == DECLASSIFIED)


def decision_note(text: str) -> str | None:
    """What a unit that is only a decision note records (``已于2024年6月1日解密``: DECLASSIFIED,
    ``保密期限延长至15年``: EXTENDED, ``密级变更为机密``: CHANGED), or None for any other unit."""
    # Every form of DECISION_NOTES spells out 解…密, 延 or 变更: without them (almost every unit) none matches.
    if ("解" not in text or "密" not in text) and "延" not in text and "变更" not in text:
        return None
    stripped = text.strip(WS)
    if len(stripped) > 60:
        return None
    match = NOTE_AT.fullmatch(stripped)
    return _meaning(match) if match else None


def _as_written(marking: Marking, text: str, normalised: Normalised) -> Marking:
    """A marking recognised in the normalised text, pointed back at ``text`` as written, with the
    look-alikes in and beside it reported."""
    start, end = normalised.span(marking.start, marking.end)
    defects = [*marking.defects, *_lookalike_defects(normalised.around(marking.start, marking.end))]
    return replace(marking, text=text[start:end].strip(WS), start=start, end=end, defects=tuple(defects))


def _lookalike_defects(replaced: list[Lookalike]) -> list[Defect]:
    """Invisible characters; a level word in traditional characters or compatibility ideographs; a
    compatibility ideograph or radical in the term (年, 月, 日)."""
    defects = []
    invisible = [r.code for r in replaced if r.kind == "invisible"]
    if invisible:
        defects.append(Defect(DefectKind.INVISIBLE, " ".join(dict.fromkeys(invisible))))
    in_level = [r for r in replaced if r.kind != "invisible" and r.standard in "绝机秘密"]
    if in_level:
        traditional = all(r.kind == "traditional" for r in in_level)
        kind = DefectKind.TRADITIONAL_LEVEL if traditional else DefectKind.COMPATIBILITY_LEVEL
        defects.append(Defect(kind, " ".join(f"{r.char} {r.code}" for r in in_level)))
    in_term = [r for r in replaced if r.kind == "compatibility" and r.standard not in "绝机秘密"]
    if in_term:
        chars = " ".join(f"{r.char} {r.code}→{r.standard}" for r in in_term)
        defects.append(Defect(DefectKind.COMPATIBILITY_UNIT, chars))
    return defects


LINE_NUMBER = regex_cache.compile(rf"(?:^|(?<=[{WS}]))(?P<number>[0-9]{{1,8}})(?=[{WS}]|$)")


def copy_number_on_line(text: str) -> str | None:
    """The 份号 written on a marking's own line (the 1999 layout: ``000231<tab>机密★20年``, the number flush
    left and the marking flush right): a number standing as a word of its own beside the marking."""
    if not recognise(text, bare_level_ok=True):
        return None
    match = LINE_NUMBER.search(text)
    return match.group("number") if match else None


def with_term_field(marking: Marking, text: str) -> Marking | None:
    """``marking`` (a ``密级：机密`` field without a term) completed by a stand-alone ``保密期限：5年``
    field unit, or None when ``text`` is not such a field."""
    match = TERM_FIELD.fullmatch(text.strip(WS))
    if match is None:
        return None
    term, term_defects = _term(match)
    kept = [d for d in marking.defects if d.kind in _LEVEL_PART_DEFECTS]
    return _level_defects(replace(marking, term=term, defects=tuple(kept + term_defects)))


def find_scope(text: str) -> str | None:
    """The 知悉范围 a stand-alone unit states (``知悉范围：…``, ``此件发至县团级``, ``限…阅``), or None."""
    # Each of SCOPE_PATTERNS spells out 知悉范围, 发至 or 阅: without them (almost every unit) none can match.
    if "知悉范围" not in text and "发至" not in text and "阅" not in text:
        return None
    stripped = text.strip(WS)
    if len(stripped) > 60:
        return None
    for pattern in SCOPE_PATTERNS:
        match = pattern.match(stripped)
        if match:
            return match.group("scope").strip(WS)
    return None


def _ends_cleanly(text: str, end: int) -> bool:
    """A marking must be followed by the end, white space, a bracket or a companion (an urgency word, a
    decision note), or by another marking (a struck one and its replacement, as tracked changes print
    them: ``秘密★2年机密★10年``), not by more words."""
    if end >= len(text) or text[end - 1] in WS:
        return True
    nxt = text[end]
    return nxt in WS or nxt in OPEN_BRACKETS or nxt in CLOSE_BRACKETS or text.startswith(URGENCY_WORDS, end) or (
        NOTE_AT.match(text, end) is not None or _marking_at(text, end, False) is not None
    )


def _marking_at(text: str, pos: int, bare_level_ok: bool) -> Marking | None:
    for build in (_field, _standard, _reversed, _no_separator):
        marking = build(text, pos)
        if marking is not None and _ends_cleanly(text, marking.end):
            return marking
    if bare_level_ok:
        match = BARE_LEVEL.match(text, pos)
        if match and _ends_cleanly(text, match.end()):
            defects = []
            if _has_ws(match.group("level")):
                defects.append(Defect(DefectKind.SPACED_LEVEL))
            if match.group("ob") or match.group("cb"):
                defects.append(Defect(DefectKind.BRACKETS))
            return _level_defects(_make(text, match, _squash(match.group("level")), Term(TermKind.MISSING), defects))
    return None


def _standard(text: str, pos: int) -> Marking | None:
    match = STANDARD.match(text, pos)
    if match is None:
        return None
    term, defects = _term(match)
    if term.kind == TermKind.CONDITION and not _plausible_condition(term.condition or ""):
        return None
    sep = match.group("sep")
    level_raw = match.group("level")
    if sep != STAR:
        defects.insert(0, Defect(DefectKind.OTHER_SEPARATOR, sep))
    term_text = text[match.end("sep"): match.end()].strip(WS + CLOSE_BRACKETS)
    if match.group("gap1") or match.group("gap2") or _has_ws(term_text):
        defects.append(Defect(DefectKind.SPACED))
    if _has_ws(level_raw):
        defects.append(Defect(DefectKind.SPACED_LEVEL))
    if any(match.group(g) for g in ("ob", "cb", "lb", "lb2", "tb", "tb2")):
        defects.append(Defect(DefectKind.BRACKETS))
    return _level_defects(_make(text, match, _squash(level_raw), term, defects))


def _no_separator(text: str, pos: int) -> Marking | None:
    match = NO_SEPARATOR.match(text, pos)
    if match is None:
        return None
    term, defects = _term(match)
    level = _squash(match.group("level"))
    if level in NON_SECRET_WORDS or level in UNKNOWN_LEVEL_WORDS:
        return None  # 内部5年 without a star is not a marking attempt
    defects.insert(0, Defect(DefectKind.NO_SEPARATOR))
    if _has_ws(match.group("level")):
        defects.append(Defect(DefectKind.SPACED_LEVEL))
    if any(match.group(g) for g in ("lb", "lb2", "tb", "tb2")):
        defects.append(Defect(DefectKind.BRACKETS))
    return _level_defects(_make(text, match, level, term, defects))


def _reversed(text: str, pos: int) -> Marking | None:
    match = REVERSED.match(text, pos)
    if match is None:
        return None
    term, defects = _term(match)
    level = _squash(match.group("level"))
    defects.insert(0, Defect(DefectKind.REVERSED))
    sep = match.group("sep")
    if sep != STAR:
        defects.insert(0, Defect(DefectKind.OTHER_SEPARATOR, sep))
    return _level_defects(_make(text, match, level, term, defects))


def _field(text: str, pos: int) -> Marking | None:
    match = FIELD.match(text, pos)
    if match is None:
        return None
    level = _squash(match.group("level"))
    if level in NON_SECRET_WORDS:
        return None  # 密级：内部 is a lawful internal label, not a ★ marking
    term, defects = _term(match)
    defects.insert(0, Defect(DefectKind.FORM_FIELDS))
    sep = match.group("sep")
    if sep and sep != STAR:
        defects.insert(1, Defect(DefectKind.OTHER_SEPARATOR, sep))
    marking = _make(text, match, level, term, defects)
    return _level_defects(replace(marking, field_style=True))


def _level_defects(marking: Marking) -> Marking:
    """Defects that depend on the level: non-secret words, unknown levels, the missing term, the cap."""
    defects = list(marking.defects)
    level = marking.level or ""
    if level in NON_SECRET_WORDS:
        # The whole marking is void (保密法 Art 22(3)); its term is not judged.
        defects = [Defect(DefectKind.NOT_A_SECRET, level)]
    elif level in UNKNOWN_LEVEL_WORDS:
        defects = [d for d in defects if d.kind not in (DefectKind.NO_TERM, DefectKind.OVER_MAXIMUM)]
        defects.insert(0, Defect(DefectKind.UNKNOWN_LEVEL, level))
    else:
        if marking.term.kind == TermKind.MISSING:
            defects.append(Defect(DefectKind.NO_TERM))
        elif (marking.term.kind == TermKind.DURATION and marking.term.duration is not None
              and _years(marking.term.duration) > MAX_YEARS[level]):
            defects.append(Defect(DefectKind.OVER_MAXIMUM, f"{MAX_YEARS[level]}年"))
    defects = _dedupe(defects)
    return replace(marking, defects=tuple(defects), canonical=_canonical(level, marking.term))


def _term(match: regex.Match) -> tuple[Term, list[Defect]]:
    """The term a match captured, and its defects of form (numerals, unit, impossible date, 长期, vague)."""
    groups = match.groupdict()
    defects: list[Defect] = []
    if groups.get("long"):
        return Term(TermKind.LONG_TERM, raw="长期"), [Defect(DefectKind.LONG_TERM)]
    if groups.get("date"):
        raw = groups["date"] + (groups.get("date_suffix") or "")
        parts = DATE_PATTERN.match(groups["date"])
        assert parts is not None  # the same pattern matched inside the marking
        if not all(is_arabic(parts.group(g)) for g in ("year", "month", "day")):
            defects.append(Defect(DefectKind.NUMERALS))
        until = make_date(parts.group("year"), parts.group("month"), parts.group("day"))
        if until is None:
            defects.append(Defect(DefectKind.IMPOSSIBLE_DATE))
        return Term(TermKind.DATE, raw=raw, until=until), defects
    if groups.get("bad_date"):
        return Term(TermKind.DATE, raw=groups["bad_date"]), [Defect(DefectKind.UNPARSABLE_DATE)]
    if groups.get("half"):
        return Term(TermKind.DURATION, raw="半年", duration=Duration(6, "月")), [
            Defect(DefectKind.NUMERALS), Defect(DefectKind.UNIT)]
    if groups.get("num"):
        num, unit = groups["num"], groups["unit"]
        raw = match.group(0)[match.start("num") - match.start(): match.end("unit") - match.start()]
        amount = cn_number(num)
        if amount is None:
            return Term(TermKind.CONDITION, raw=raw, condition=raw), []
        if not is_arabic(num):
            defects.append(Defect(DefectKind.NUMERALS))
        if unit == "年半":
            duration = Duration(amount * 12 + 6, "月")
            defects.append(Defect(DefectKind.UNIT))
        elif unit in ("月", "個月", "天"):
            duration = Duration(amount, "月" if unit != "天" else "日")
            defects.append(Defect(DefectKind.UNIT))
        elif unit == "个月":
            duration = Duration(amount, "月")
        else:
            duration = Duration(amount, unit)
        if duration.unit == "月" and duration.amount and duration.amount % 12 == 0:
            duration = Duration(duration.amount // 12, "年")
            defects.append(Defect(DefectKind.WHOLE_YEARS_IN_MONTHS))
        if amount >= 1000 and unit == "年":
            return Term(TermKind.DATE, raw=raw), [Defect(DefectKind.UNPARSABLE_DATE)]
        return Term(TermKind.DURATION, raw=raw, duration=duration), _dedupe(defects)
    condition = groups.get("cond")
    if condition:
        condition = condition.strip(WS)
        defects = [Defect(DefectKind.VAGUE_CONDITION)] if any(w in condition for w in VAGUE_CONDITIONS) else []
        return Term(TermKind.CONDITION, raw=condition, condition=condition), defects
    return Term(TermKind.MISSING), []


def _plausible_condition(condition: str) -> bool:
    """A 解密条件 is an event (会议开始前, 项目验收后, 启用前), not the rest of a sentence or a name."""
    return 1 <= len(condition) <= 20 and not any(ch.isascii() and ch.isalpha() for ch in condition)


def _make(text: str, match: regex.Match, level: str, term: Term, defects: list[Defect]) -> Marking:
    return Marking(
        text=text[match.start(): match.end()].strip(WS),
        level=level,
        term=term,
        canonical="",
        defects=tuple(defects),
        start=match.start(),
        end=match.end(),
    )


def _canonical(level: str, term: Term) -> str:
    if level not in LEVELS:
        return ""
    if term.kind == TermKind.DURATION and term.duration:
        return f"{level}★{term.duration.canonical()}"
    if term.kind == TermKind.DATE and term.until:
        suffix = "解密" if term.raw.endswith("解密") else "前" if term.raw.endswith("前") else ""
        return f"{level}★{term.until.year}年{term.until.month}月{term.until.day}日{suffix}"
    if term.kind == TermKind.LONG_TERM:
        return f"{level}★长期"
    if term.kind == TermKind.CONDITION:
        return f"{level}★{term.condition}"
    return ""  # no term, or a date that cannot be read: there is no standard form to propose


def _years(duration: Duration) -> float:
    return {"年": 1.0, "月": 1 / 12, "日": 1 / 365}[duration.unit] * duration.amount


def _squash(word: str) -> str:
    return "".join(ch for ch in word if ch not in WS)


def _has_ws(text: str) -> bool:
    return any(ch in WS for ch in text)


#: The defects of the level's part of a marking, kept when a stand-alone term field completes it.
_LEVEL_PART_DEFECTS = frozenset({DefectKind.OTHER_SEPARATOR, DefectKind.SPACED, DefectKind.SPACED_LEVEL,
                                 DefectKind.INVISIBLE, DefectKind.BRACKETS, DefectKind.FORM_FIELDS})


def _dedupe(defects: list[Defect]) -> list[Defect]:
    seen: set[str] = set()
    out = []
    for defect in defects:
        if defect.kind.aspect not in seen:
            seen.add(defect.kind.aspect)
            out.append(defect)
    return out
