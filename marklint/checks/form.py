"""标志不当: the marking's form (ML101-ML110).

The recogniser (``marklint.marking``) sees the defects of form; each rule here reports one kind of
them, on every marking that is not cancelled by strike-through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date

from marklint.analysis import FoundMarking
from marklint.checks.context import Context
from marklint.checks.registry import rule
from marklint.model import Finding

#: GB/T 9704-2012 took effect on this day; documents before it may follow the 1999 layout.
GB9704_2012_IN_FORCE = date(2012, 7, 1)


def with_defect(ctx: Context, rule_id: str) -> Iterator[FoundMarking]:
    """The live markings whose recogniser defects include ``rule_id``."""
    for found in ctx.analysis.live:
        if any(d.rule == rule_id for d in found.marking.defects):
            yield found


def defect_findings(
    ctx: Context, rule_id: str, zh: str, en: str, keep: Callable[[FoundMarking], bool] | None = None,
    kinds: Mapping[str, tuple[str, str]] | None = None,
) -> Iterator[Finding]:
    """A finding for every live marking whose recogniser defects include ``rule_id`` (and that ``keep``
    accepts). ``zh`` and ``en`` are format strings over ``text`` (the marking as written) and ``detail``;
    the standard form is appended as 应为“…” / should be "…". ``kinds`` gives other messages for defects
    whose detail is ``kind:detail`` (look-alike characters, ``marklint.lookalikes``)."""
    for found in ctx.analysis.live:
        for defect in found.marking.defects:
            if defect.rule == rule_id and (keep is None or keep(found)):
                kind, _, detail = defect.detail.partition(":")
                if kinds and kind in kinds:
                    yield ctx.finding(rule_id, found, *_phrase(found, detail, *kinds[kind]))
                else:
                    yield ctx.finding(rule_id, found, *_phrase(found, defect.detail, zh, en))


def _phrase(found: FoundMarking, detail: str, zh: str, en: str) -> tuple[str, str]:
    canonical = found.marking.canonical
    values = {"text": found.marking.text, "detail": detail}
    zh_expected = f"，应为“{canonical}”" if canonical and canonical != found.marking.text else ""
    en_expected = f"; should be \"{canonical}\"" if canonical and canonical != found.marking.text else ""
    return zh.format(**values) + zh_expected, en.format(**values) + en_expected


@rule("ML101", "nonstandard-separator", "error")
def nonstandard_separator(ctx: Context) -> Iterator[Finding]:
    """Level and term joined by a symbol other than ★ (U+2605 BLACK STAR).

    Why: the 国家秘密标志 is written 密级★保密期限, 密级★解密时间 or 密级★解密条件 (国家秘密定密管理规定;
    保密法实施条例 Art 21 requires level and term on the carrier). ☆, *, ＊, ●, ·, ※ and the like are
    not the statutory mark, nor are other star glyphs (⭑, ✭, ✯, ✪, 🟊); a reader or a system that looks
    for ★ misses them.

    Wrong: `秘密☆1年`, `机密*5年`, `绝密※30年`, `机密⭑5年`

    Right: `秘密★1年`
    """
    yield from defect_findings(ctx, "ML101", "“{text}”的分隔符不是★", "\"{text}\" uses a separator other than ★")


@rule("ML102", "missing-separator", "error")
def missing_separator(ctx: Context) -> Iterator[Finding]:
    """Level and term written with no ★ between them.

    Why: the statutory form puts ★ between the level and the term (国家秘密定密管理规定); without it the
    term reads as part of the level and the marking is not the 国家秘密标志.

    Wrong: `秘密5年`, `秘密 10 年`

    Right: `秘密★5年`, `秘密★10年`
    """
    yield from defect_findings(ctx, "ML102", "“{text}”缺少分隔符★", "\"{text}\" has no ★ between level and term")


@rule("ML103", "stray-whitespace", "warning")
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
        spaced_level_only = all(d.detail == "spaced level" for d in found.marking.defects if d.rule == "ML103")
        return not (old_layout and spaced_level_only)

    invisible = ("“{text}”中有不可见字符（{detail}）", "\"{text}\" contains invisible characters ({detail})")
    yield from defect_findings(ctx, "ML103", "“{text}”中有多余空格", "\"{text}\" contains spaces", keep,
                               kinds={"invisible": invisible})


@rule("ML104", "bracketed-marking", "warning")
def bracketed_marking(ctx: Context) -> Iterator[Finding]:
    """Brackets around the level, the term or the whole marking.

    Why: the statutory form has no brackets (国家秘密定密管理规定: 密级★保密期限); brackets make a second,
    unofficial style that readers and systems must guess at.

    Wrong: `绝密★（30年）`, `【机密】★5年`

    Right: `绝密★30年`, `机密★5年`
    """
    yield from defect_findings(ctx, "ML104", "“{text}”中有括号", "\"{text}\" contains brackets")


@rule("ML105", "non-arabic-numerals", "error")
def non_arabic_numerals(ctx: Context) -> Iterator[Finding]:
    """The term written in Chinese numerals or full-width digits.

    Why: GB/T 9704-2012 7.2.2 writes the 保密期限 in Arabic numerals; Chinese numerals and full-width
    digits are not the standard form and defeat automatic expiry checks.

    Wrong: `秘密★五年`, `秘密★５年`, `秘密★二〇三〇年一月一日`

    Right: `秘密★5年`, `秘密★2030年1月1日`
    """
    yield from defect_findings(ctx, "ML105", "“{text}”的期限未使用阿拉伯数字",
                               "\"{text}\" writes the term without Arabic numerals")


@rule("ML106", "term-unit", "info")
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
    compatibility = ("“{text}”的期限中有兼容汉字或部首（{detail}）",
                     "\"{text}\" writes its term with compatibility ideographs or radicals ({detail})")
    yield from defect_findings(ctx, "ML106", "“{text}”的期限单位不规范", "\"{text}\" uses a non-canonical term unit",
                               kinds={"compatibility": compatibility})


@rule("ML107", "wrong-order", "error")
def wrong_order(ctx: Context) -> Iterator[Finding]:
    """The term or the ★ stands before the level.

    Why: the order is fixed: level, ★, term (国家秘密定密管理规定). A reversed marking is not the
    statutory sign.

    Wrong: `5年★秘密`, `★机密5年`

    Right: `秘密★5年`, `机密★5年`
    """
    yield from defect_findings(ctx, "ML107", "“{text}”的顺序错误", "\"{text}\" is in the wrong order")


@rule("ML108", "field-style-marking", "warning")
def field_style_marking(ctx: Context) -> Iterator[Finding]:
    """The level and term written as form fields instead of the statutory mark.

    Why: the 国家秘密标志 is 密级★保密期限 (国家秘密定密管理规定; 保密法实施条例 Art 21). A form
    (`密级：机密`, `保密期限：5年`) states the same facts but is not the mark, and is easily taken for an
    internal label.

    Wrong: `密级：机密` / `保密期限：5年`

    Right: `机密★5年`
    """
    yield from defect_findings(ctx, "ML108", "“{text}”以表单字段标注密级",
                               "\"{text}\" states the level as a form field")


@rule("ML109", "star-on-non-secret", "error")
def star_on_non_secret(ctx: Context) -> Iterator[Finding]:
    """The ★ mark used on something that is not a state secret.

    Why: 保密法 Art 22(3) forbids marking what is not a state secret with the 国家秘密标志. 内部, 工作秘密,
    商业秘密 and 敏感 are managed under other rules and must not borrow the ★.

    Wrong: `内部★5年`, `工作秘密★`, `商业秘密★3年`

    Right: `内部` (without ★), or a state-secret level if the content really is a state secret
    """
    for found in with_defect(ctx, "ML109"):
        level = found.marking.level
        yield ctx.finding(
            "ML109", found,
            f"“{found.marking.text}”：“{level}”不是国家秘密，不得使用国家秘密标志★",
            f"\"{found.marking.text}\": \"{level}\" is not a state secret and must not carry the ★ mark",
        )


@rule("ML110", "unknown-level", "error")
def unknown_level(ctx: Context) -> Iterator[Finding]:
    """A ★ marking whose level is not 绝密, 机密 or 秘密.

    Why: state secrets have exactly three levels (保密法 Art 14). 绝秘 and 机秘 are typos; 极机密 and
    绝对机密 are not levels of the People's Republic. A level in traditional characters (機密, 祕密, 絕密)
    or in compatibility ideographs is read as the level it stands for, and reported: the statutory form
    is written in standard characters, and a search for 机密 does not find 機密.

    Wrong: `绝秘★5年`, `极机密★10年`, `機密★5年`

    Right: `绝密★5年`, `机密★10年`, `机密★5年`
    """
    for found in with_defect(ctx, "ML110"):
        marking = found.marking
        for defect in marking.defects:
            if defect.rule != "ML110":
                continue
            kind, _, chars = defect.detail.partition(":")
            if kind == "traditional":
                yield ctx.finding(
                    "ML110", found, f"“{marking.text}”的密级使用繁体字（{chars}），应为规范汉字“{marking.canonical}”",
                    f"\"{marking.text}\" writes the level in traditional characters ({chars}); should be "
                    f"\"{marking.canonical}\"")
            elif kind == "compatibility":
                yield ctx.finding(
                    "ML110", found, f"“{marking.text}”的密级使用兼容汉字（{chars}），应为规范汉字“{marking.canonical}”",
                    f"\"{marking.text}\" writes the level in compatibility ideographs ({chars}); should be "
                    f"\"{marking.canonical}\"")
            else:
                yield ctx.finding(
                    "ML110", found,
                    f"“{marking.text}”：“{marking.level}”不是法定密级，密级只能是绝密、机密或秘密",
                    f"\"{marking.text}\": \"{marking.level}\" is not a level; use 绝密, 机密 or 秘密",
                )
