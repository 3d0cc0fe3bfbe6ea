"""标志不当: the marking's form (ML101-ML108; the level word, ML109 and ML110, is ``checks.level``).

The recogniser (``marklint.marking``) sees the defects of form; each rule here reports one kind of
them, on every marking that is not cancelled by strike-through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date

from marklint.analysis import FoundMarking
from marklint.checks.context import Context
from marklint.checks.registry import RULES, rule
from marklint.marking import MAX_YEARS
from marklint.messages import Message
from marklint.model import Defect, DefectKind, Finding

#: GB/T 9704-2012 took effect on this day; documents before it may follow the 1999 layout.
GB9704_2012_IN_FORCE = date(2012, 7, 1)


def with_defect(ctx: Context, rule_id: str) -> Sequence[tuple[FoundMarking, Defect]]:
    """The live markings with each of their defects that rule ``rule_id`` reports, in the order of the
    markings and of their defects (sorted out for every rule at once: ``Context.defects``)."""
    return ctx.defects.get(rule_id, ())


def defect_findings(ctx: Context, rule_id: str, keep: Callable[[FoundMarking], bool] | None = None
                    ) -> Iterator[Finding]:
    """A finding for every defect of a live marking that rule ``rule_id`` reports (on the markings ``keep``
    accepts), with the message the rule declares for its kind. The values a message may name: ``text``
    (the marking as written), ``detail`` (the defect's), ``level``, ``canonical`` (its standard form),
    ``maximum`` (the level's longest term in years); a message with ``fix`` ends with the standard form,
    应为“…” / should be "…"."""
    declared = RULES[rule_id]
    for found, defect in with_defect(ctx, rule_id):
        if keep is None or keep(found):
            message = declared.defects[defect.kind]
            marking = found.marking
            values = {"text": marking.text, "detail": defect.detail, "level": marking.level,
                      "canonical": marking.canonical, "maximum": MAX_YEARS.get(marking.level or "")}
            zh, en = message.say("zh", **values), message.say("en", **values)
            if message.fix and marking.canonical and marking.canonical != marking.text:
                zh, en = f"{zh}，应为“{marking.canonical}”", f"{en}; should be \"{marking.canonical}\""
            yield ctx.finding(rule_id, found, zh, en)


ML101_ZH = (
    "密级与保密期限之间使用了★（U+2605）以外的符号。\n\n"
    "依据：国家秘密标志写作“密级★保密期限”“密级★解密时间”或“密级★解密条件”（国家秘密定密管理规定；保密法实施"
    "条例第二十一条）。☆、*、＊、●、·、※ 以及其他星形字符都不是法定标志，按★查找的人和系统会漏掉它们。\n\n"
    "错误：`秘密☆1年`、`机密*5年`、`绝密※30年`、`机密⭑5年`\n\n"
    "正确：`秘密★1年`"
)


@rule("ML101", "nonstandard-separator", "error", doc_zh=ML101_ZH, defects={
    DefectKind.OTHER_SEPARATOR: Message("“{text}”的分隔符不是★", "\"{text}\" uses a separator other than ★"),
})
def nonstandard_separator(ctx: Context) -> Iterator[Finding]:
    """Level and term joined by a symbol other than ★ (U+2605 BLACK STAR).

    Why: the 国家秘密标志 is written 密级★保密期限, 密级★解密时间 or 密级★解密条件 (国家秘密定密管理规定;
    保密法实施条例 Art 21 requires level and term on the carrier). ☆, *, ＊, ●, ·, ※ and the like are
    not the statutory mark, nor are other star glyphs (⭑, ✭, ✯, ✪, 🟊); a reader or a system that looks
    for ★ misses them.

    Wrong: `秘密☆1年`, `机密*5年`, `绝密※30年`, `机密⭑5年`

    Right: `秘密★1年`
    """
    yield from defect_findings(ctx, "ML101")


ML102_ZH = (
    "密级与保密期限之间缺少★。\n\n"
    "依据：法定形式在密级与保密期限之间标★（国家秘密定密管理规定）；缺少★，期限会被读作密级的一部分，不构成国"
    "家秘密标志。\n\n"
    "错误：`秘密5年`、`秘密 10 年`\n\n"
    "正确：`秘密★5年`、`秘密★10年`"
)


@rule("ML102", "missing-separator", "error", doc_zh=ML102_ZH, defects={
    DefectKind.NO_SEPARATOR: Message("“{text}”缺少分隔符★", "\"{text}\" has no ★ between level and term"),
})
def missing_separator(ctx: Context) -> Iterator[Finding]:
    """Level and term written with no ★ between them.

    Why: the statutory form puts ★ between the level and the term (国家秘密定密管理规定); without it the
    term reads as part of the level and the marking is not the 国家秘密标志.

    Wrong: `秘密5年`, `秘密 10 年`

    Right: `秘密★5年`, `秘密★10年`
    """
    yield from defect_findings(ctx, "ML102")


SPACES = Message("“{text}”中有多余空格", "\"{text}\" contains spaces")


ML103_ZH = (
    "密级标志中有空格或不可见字符。\n\n"
    "依据：密级标志是一个不可分割的整体“密级★保密期限”（国家秘密定密管理规定；GB/T 9704-2012 7.2.2），空格会"
    "拆开它，妨碍阅读和检索。PDF 按页面上字形间距判断，不按文字提取补出的空格。2012年7月1日前的文件按1999年版"
    "式可写作“秘　密”。零宽字符、字节顺序标记、软连字符等不可见字符也报告，并给出码位。\n\n"
    "错误：`秘密 ★ 5年`、`机 密★5年`、“机”后有零宽连接符（U+200D）的`机密★5年`\n\n"
    "正确：`秘密★5年`"
)


@rule("ML103", "stray-whitespace", "warning", doc_zh=ML103_ZH, defects={
    DefectKind.SPACED: SPACES,
    DefectKind.SPACED_LEVEL: SPACES,
    DefectKind.INVISIBLE: Message("“{text}”中有不可见字符（{detail}）",
                                  "\"{text}\" contains invisible characters ({detail})"),
})
def stray_whitespace(ctx: Context) -> Iterator[Finding]:
    """Spaces inside the marking.

    Why: the marking is one unbroken sign, 密级★保密期限 (国家秘密定密管理规定; GB/T 9704-2012 7.2.2).
    Spaces split it for readers and for search. In PDFs this is judged from the gaps between glyphs on
    the page, never from spaces that text extraction invents. A level spaced out as `秘　密` follows the
    1999 layout and is accepted on documents dated before 2012-07-01. Invisible characters inside or
    beside the marking (a zero-width joiner or space, a byte order mark, a soft hyphen, a word joiner,
    direction marks, variation selectors) are reported too, with their code points: the marking is read
    without them, but a search for `机密★5年` does not find it.

    Wrong: `秘密 ★ 5年`, `机 密★5年`, `机密★5年` with a zero-width joiner (U+200D) after 机

    Right: `秘密★5年`
    """
    issue_date = ctx.analysis.issue_date
    old_layout = issue_date is not None and issue_date < GB9704_2012_IN_FORCE

    def keep(found: FoundMarking) -> bool:
        spacing = [d.kind for d in found.marking.defects if d.kind in RULES["ML103"].defects]
        return not (old_layout and all(kind == DefectKind.SPACED_LEVEL for kind in spacing))

    yield from defect_findings(ctx, "ML103", keep)


ML104_ZH = (
    "密级、保密期限或整个标志加了括号。\n\n"
    "依据：法定形式没有括号（国家秘密定密管理规定：密级★保密期限）；括号形成另一种非正式写法，读者和系统只能"
    "猜测。\n\n"
    "错误：`绝密★（30年）`、`【机密】★5年`\n\n"
    "正确：`绝密★30年`、`机密★5年`"
)


@rule("ML104", "bracketed-marking", "warning", doc_zh=ML104_ZH, defects={
    DefectKind.BRACKETS: Message("“{text}”中有括号", "\"{text}\" contains brackets"),
})
def bracketed_marking(ctx: Context) -> Iterator[Finding]:
    """Brackets around the level, the term or the whole marking.

    Why: the statutory form has no brackets (国家秘密定密管理规定: 密级★保密期限); brackets make a second,
    unofficial style that readers and systems must guess at.

    Wrong: `绝密★（30年）`, `【机密】★5年`

    Right: `绝密★30年`, `机密★5年`
    """
    yield from defect_findings(ctx, "ML104")


ML105_ZH = (
    "保密期限使用了汉字数字或全角数字。\n\n"
    "依据：GB/T 9704-2012 7.2.2 规定保密期限用阿拉伯数字标注；汉字数字和全角数字不是规范形式，也妨碍自动计算"
    "期限。\n\n"
    "错误：`秘密★五年`、`秘密★５年`、`秘密★二〇三〇年一月一日`\n\n"
    "正确：`秘密★5年`、`秘密★2030年1月1日`"
)


@rule("ML105", "non-arabic-numerals", "error", doc_zh=ML105_ZH, defects={
    DefectKind.NUMERALS: Message("“{text}”的期限未使用阿拉伯数字",
                                 "\"{text}\" writes the term without Arabic numerals"),
})
def non_arabic_numerals(ctx: Context) -> Iterator[Finding]:
    """The term written in Chinese numerals or full-width digits.

    Why: GB/T 9704-2012 7.2.2 writes the 保密期限 in Arabic numerals; Chinese numerals and full-width
    digits are not the standard form and defeat automatic expiry checks.

    Wrong: `秘密★五年`, `秘密★５年`, `秘密★二〇三〇年一月一日`

    Right: `秘密★5年`, `秘密★2030年1月1日`
    """
    yield from defect_findings(ctx, "ML105")


UNIT = Message("“{text}”的期限单位不规范", "\"{text}\" uses a non-canonical term unit")


ML106_ZH = (
    "保密期限的单位不规范。\n\n"
    "依据：保密期限以年、个月或日计（国家秘密定密管理规定）。`18月`缺“个”，“天”不是法定单位，用月数写整年（`1"
    "2个月`）或`一年半`不便阅读和计算。用兼容汉字或部首写的年、月、日按原字读取并报告码位。\n\n"
    "错误：`秘密★18月`、`秘密★12个月`、`秘密★30天`\n\n"
    "正确：`秘密★18个月`、`秘密★1年`、`秘密★30日`"
)


@rule("ML106", "term-unit", "info", doc_zh=ML106_ZH, defects={
    DefectKind.UNIT: UNIT,
    DefectKind.WHOLE_YEARS_IN_MONTHS: UNIT,
    DefectKind.COMPATIBILITY_UNIT: Message(
        "“{text}”的期限中有兼容汉字或部首（{detail}）",
        "\"{text}\" writes its term with compatibility ideographs or radicals ({detail})"),
})
def term_unit(ctx: Context) -> Iterator[Finding]:
    """The term uses a non-canonical unit.

    Why: terms are counted in 年, 个月 or 日 (国家秘密定密管理规定). `18月` lacks 个, `天` is not the
    statutory unit, and a whole number of years written in months (`12个月`) or `一年半` is harder to
    read and to compute than the canonical form.

    A unit written with a compatibility ideograph or radical that looks like 年, 月 or 日 (U+F98E, the Kangxi
    radicals ⽇ and ⽉) is read as the unit and reported with its code point.

    Wrong: `秘密★18月`, `秘密★12个月`, `秘密★30天`

    Right: `秘密★18个月`, `秘密★1年`, `秘密★30日`
    """
    yield from defect_findings(ctx, "ML106")


ML107_ZH = (
    "保密期限或★位于密级之前。\n\n"
    "依据：顺序固定为密级、★、保密期限（国家秘密定密管理规定），顺序颠倒的不是法定标志。\n\n"
    "错误：`5年★秘密`、`★机密5年`\n\n"
    "正确：`秘密★5年`、`机密★5年`"
)


@rule("ML107", "wrong-order", "error", doc_zh=ML107_ZH, defects={
    DefectKind.REVERSED: Message("“{text}”的顺序错误", "\"{text}\" is in the wrong order"),
})
def wrong_order(ctx: Context) -> Iterator[Finding]:
    """The term or the ★ stands before the level.

    Why: the order is fixed: level, ★, term (国家秘密定密管理规定). A reversed marking is not the
    statutory sign.

    Wrong: `5年★秘密`, `★机密5年`

    Right: `秘密★5年`, `机密★5年`
    """
    yield from defect_findings(ctx, "ML107")


ML108_ZH = (
    "以表单字段代替法定标志标注密级和期限。\n\n"
    "依据：国家秘密标志为“密级★保密期限”（国家秘密定密管理规定；保密法实施条例第二十一条）。表单字段（`密级："
    "机密`、`保密期限：5年`）虽然说明了同样的内容，但不是法定标志，容易被当作内部标注。\n\n"
    "错误：`密级：机密` / `保密期限：5年`\n\n"
    "正确：`机密★5年`"
)


@rule("ML108", "field-style-marking", "warning", doc_zh=ML108_ZH, defects={
    DefectKind.FORM_FIELDS: Message("“{text}”以表单字段标注密级", "\"{text}\" states the level as a form field"),
})
def field_style_marking(ctx: Context) -> Iterator[Finding]:
    """The level and term written as form fields instead of the statutory mark.

    Why: the 国家秘密标志 is 密级★保密期限 (国家秘密定密管理规定; 保密法实施条例 Art 21). A form
    (`密级：机密`, `保密期限：5年`) states the same facts but is not the mark, and is easily taken for an
    internal label.

    Wrong: `密级：机密` / `保密期限：5年`

    Right: `机密★5年`
    """
    yield from defect_findings(ctx, "ML108")
