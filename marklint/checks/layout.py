"""Where the marking stands and whether the file agrees with itself (ML111-ML115): placement in the
版头, typography, conflicting markings, metadata labels and the 份号."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import regex

from marklint import regex_cache
from marklint.analysis import COPY_DIGITS, ISSUER_MARK, FoundMarking
from marklint.checks.context import Context
from marklint.checks.embedded import container_lower
from marklint.checks.form import GB9704_2012_IN_FORCE
from marklint.checks.registry import rule
from marklint.marking import URGENCY_WORDS, copy_number_on_line
from marklint.metadata_labels import DEFAULT_VOCABULARY, metadata_labels
from marklint.model import LEVEL_RANK, Finding, Location, Severity, TextUnit

#: Font names of the 黑体 family (sans-serif CJK), as files name them: SimHei, 黑体, Heiti, NotoSansCJK,
#: WenQuanYi Zen Hei, Source Han Sans, Microsoft YaHei. Matched case-insensitively without spaces.
HEITI = regex_cache.compile(r"hei|黑|sanscjk|sourcehansans|思源黑|droidsansfallback|sans(?!.*serif)", regex.IGNORECASE)
NOT_HEITI = regex_cache.compile(r"song|宋|kai|楷|fang|仿|serif|ming|明|li(?:shu)?$|隶", regex.IGNORECASE)
MARKING_SIZE = 16.0  # 3号 (GB/T 9704-2012 7.2.2)
SIZE_TOLERANCE = 0.5
COPY_NUMBER = regex_cache.compile(r"^(?:份号[：:]?)?\s*(?P<number>[0-9０-９]{1,12})$")
#: Where a metadata finding points (a Location is immutable, so one serves every file).
METADATA = Location(page=None, part="metadata", line=None)
URGENCY_LIKE = regex_cache.compile(r"^[\p{Han}]{0,2}急[\p{Han}]{0,1}$|^特提$|^平急$")


def _masthead(ctx: Context) -> list[tuple[int, TextUnit]]:
    """The 版头 of page 1: the body lines above the 发文机关标志 (at most the first few lines)."""
    lines: list[tuple[int, TextUnit]] = []
    first_page = ctx.analysis.first_page  # page 1, unless blank pages come first
    for index, unit in enumerate(ctx.document.units):
        if unit.page != first_page or unit.part not in ("body", "table", "textbox"):
            continue
        text = unit.text.strip()
        if not text:
            continue
        # ISSUER_MARK ends in 文件: the cheap test first.
        if len(lines) >= 5 or (text.endswith("文件") and ISSUER_MARK.match(text)):
            break
        lines.append((index, unit))
    return lines


@functools.lru_cache(maxsize=256)  # a scan meets a handful of font names, over and over
def _is_font_known_heiti(font: str) -> bool:
    name = font.split("+", 1)[-1].replace(" ", "")
    return bool(HEITI.search(name)) and not NOT_HEITI.search(name)


#: A tab, or a run of spaces, between a 份号 and the marking on one line: the marking is set flush right.
TABBED = regex_cache.compile(r"\S.*(?:\t|[ \u3000]{4,})")


def _top_right(ctx: Context, found: FoundMarking) -> bool:
    unit = found.unit
    before = unit.text[: found.marking.start]  # almost always empty: the marking starts its line
    if unit.align == "right" or (before and TABBED.search(before)):
        return True
    geometry = ctx.document.geometry
    return unit.bbox is not None and geometry is not None and unit.bbox[0] > geometry.width / 2


ML111_ZH = (
    "密级标志不在规定位置。\n\n"
    "依据：公文的密级标志标注在版心左上角、版头第二行份号之后（GB/T 9704-2012 7.2.2）；其他文件标注在封面或首"
    "页左上角，或标题下方（定密管理规定）。标志须醒目、与载体不可分离。\n\n"
    "错误：只在页眉中标注`机密★5年`的公文；2024年公文中右对齐的`机密★5年`\n\n"
    "正确：份号下一行顶格左对齐的`机密★5年`，位于发文机关标志之上"
)


@rule("ML111", "misplaced-marking", "warning", doc_zh=ML111_ZH)
def misplaced_marking(ctx: Context) -> Iterator[Finding]:
    """The marking is not where it must stand.

    Why: on a 公文 the marking stands top-left of the type area, on the second line of the 版头 after the
    份号 (GB/T 9704-2012 7.2.2); other documents carry it top-left of the cover or first page, or just
    below the title (定密管理规定). It must be easy to see and inseparable from the content (保密法 Art 22):
    a 公文 marked only in the page header or footer is misplaced. The 1999 layout put the marking
    top-right (flush right, or after a tab on the 份号's line); that is reported as info on documents dated
    before 2012-07-01 and as a warning after.

    A marking just below the title is in its place on other documents; on a 公文 it is misplaced.

    Wrong: a 公文 whose only `机密★5年` is in the page header; `机密★5年` right-aligned on a 2024 公文;
    `密级：秘密` under a 公文's title

    Right: `机密★5年` flush left on the line after the 份号, above the 发文机关标志
    """
    analysis = ctx.analysis
    for found in analysis.live:
        if found.index in analysis.under_title:  # set only on a 公文
            yield ctx.finding(
                "ML111", found,
                f"公文的密级标志“{found.marking.text}”位于标题下方，应标注在版头第二行左上角",
                f"the official document's marking \"{found.marking.text}\" stands below the title; it belongs "
                "top-left in the header block (\"版头\")",
            )
    primary = analysis.primary
    if primary is None or primary.index in analysis.under_title:
        return
    text = primary.marking.text
    if primary.unit.part in ("header", "footer") and analysis.is_gongwen:
        yield ctx.finding(
            "ML111", primary,
            f"公文的密级标志“{text}”只出现在页眉或页脚中，应标注在版头第二行左上角",
            f"the official document's marking \"{text}\" appears only in the page {primary.unit.part}; it belongs "
            "top-left in the header block (\"版头\")",
        )
        return
    if not primary.in_place:
        yield ctx.finding(
            "ML111", primary,
            f"密级标志“{text}”不在首页左上角或标题下方",
            f"the marking \"{text}\" is not top-left on the first page or below the title",
        )
        return
    if _top_right(ctx, primary):
        issue_date = analysis.issue_date
        old = issue_date is not None and issue_date < GB9704_2012_IN_FORCE
        yield ctx.finding(
            "ML111", primary,
            f"密级标志“{text}”位于右上角（1999年版公文格式）" + ("，该文件早于2012年7月1日，可予保留" if old else
                                                          "，应标注在版心左上角"),
            f"the marking \"{text}\" stands top-right (the 1999 layout)" + (
                "; the document predates 2012-07-01" if old else "; it belongs top-left of the type area"),
            severity=Severity.INFO if old else None,
        )
        return
    if analysis.is_gongwen and primary.unit.align == "center":
        yield ctx.finding("ML111", primary, f"公文的密级标志“{text}”居中，应顶格标注在版心左上角",
                          f"the official document's marking \"{text}\" is centred; it belongs flush left, top-left")


ML112_ZH = (
    "密级标志不是3号黑体（16磅），以文件记载的字体字号为准。\n\n"
    "依据：GB/T 9704-2012 7.2.2 规定密级标志用3号黑体。`ABCDEF+SimHei`、`WenQuanYiZenHei`、`NotoSansCJK`等属"
    "于黑体类；仿宋、宋体、楷体不是。按密级两字的字体字号判断，文件未记载的不判断。\n\n"
    "错误：仿宋_GB2312 12磅的`机密★5年`\n\n"
    "正确：黑体 16磅的`机密★5年`"
)


@rule("ML112", "typography", "info", doc_zh=ML112_ZH)
def typography(ctx: Context) -> Iterator[Finding]:
    """The marking is not in 3号 (16 pt) 黑体, where the file tells the font.

    Why: GB/T 9704-2012 7.2.2 sets the marking in 3号黑体. Embedded names such as `ABCDEF+SimHei`,
    `WenQuanYiZenHei` and `NotoSansCJK` are 黑体-family (sans); 仿宋, 宋体 and 楷体 are not. Judged on the
    level characters, where the file states font and size.

    Wrong: `机密★5年` in 仿宋_GB2312 12 pt

    Right: `机密★5年` in 黑体 16 pt
    """
    primary = ctx.analysis.primary
    if primary is None or primary.unit.part in ("header", "footer"):
        return
    marking, unit = primary.marking, primary.unit
    level_start = unit.text.find(marking.text) if marking.text else -1
    spans = unit.spans_over(level_start, level_start + 2) if level_start >= 0 else []
    fonts = sorted({font_family(s.font) for s in spans if s.font})
    sizes = sorted({s.size for s in spans if s.size})
    wrong_font = any(font != "黑体" for font in fonts)
    wrong_size = any(abs(size - MARKING_SIZE) > SIZE_TOLERANCE for size in sizes)
    if wrong_font or wrong_size:
        # To the half point: 11.99 (a size scaled by the layout) is 12pt to the eye.
        shown_sizes = " " + "/".join(dict.fromkeys(f"{round(size * 2) / 2:g}pt" for size in sizes)) if sizes else ""
        zh = "、".join(font if font in CJK_FAMILIES else f"“{font}”" for font in fonts) + shown_sizes
        en = ", ".join(f"\"{font}\"" for font in fonts) + shown_sizes
        yield ctx.finding(
            "ML112", primary,
            f"密级标志“{marking.text}”的字体字号为{zh.strip()}，应为3号（16pt）黑体",
            f"the marking \"{marking.text}\" is set in {en.strip()}; it should be size 3 (\"3号\", 16pt) in a Hei "
            "font (\"黑体\")",
        )


#: The families of Chinese type GB/T 9704-2012 names, as a file's font names say them (matched without
#: spaces, case-insensitively, after the subset tag), in the order they are tried.
CJK_FAMILIES = {
    "仿宋": regex_cache.compile(r"fang|仿", regex.IGNORECASE),
    "楷体": regex_cache.compile(r"kai|楷", regex.IGNORECASE),
    "隶书": regex_cache.compile(r"lishu|隶", regex.IGNORECASE),
    "宋体": regex_cache.compile(r"song|宋|ming|明|serif", regex.IGNORECASE),
}


def font_family(font: str) -> str:
    """The family a font name stands for: 黑体, 仿宋, 楷体, 隶书 or 宋体 where the name says which (a subset
    name such as ``ABSEKN+FangSong`` is 仿宋), else the name without its subset tag."""
    name = font.split("+", 1)[-1] if len(font.split("+", 1)[0]) == 6 else font
    if _is_font_known_heiti(name):
        return "黑体"
    squeezed = name.replace(" ", "")
    return next((family for family, pattern in CJK_FAMILIES.items() if pattern.search(squeezed)), name)


def _term_key(found: FoundMarking) -> str:
    return found.marking.canonical or found.marking.text


ML113_ZH = (
    "文件中的两个密级标志不一致，或封面密级低于内页。\n\n"
    "依据：一个载体只有一个密级和一个保密期限。变更密级或期限时，原标志划去、旁边标注新标志（定密管理规定），"
    "因此划去的旧标志旁有新标志是有记录的变更，不是冲突。汇编的封面应标注其中最高的密级和最长的期限（保密法实"
    "施条例第二十七条）。\n\n"
    "错误：页眉`秘密★1年`、正文`机密★5年`；封面`秘密★5年`、内页`机密★10年`\n\n"
    "正确：各处标志一致，或`~~秘密★1年~~ 机密★5年`"
)


@rule("ML113", "conflicting-markings", "error", doc_zh=ML113_ZH)
def conflicting_markings(ctx: Context) -> Iterator[Finding]:
    """Two markings in the file disagree, or a cover is lower than a marking inside.

    Why: one carrier has one level and one term. When the level or term changes, the old marking is
    struck through and the new one written beside it (定密管理规定), so a struck-through marking next to a
    new one is a recorded change, not a conflict. A compilation's cover carries the highest level and the
    longest term of what it contains (保密法实施条例 Art 27). An old marking with a 解密 or 变更 note beside
    it (`已解密`, `密级变更为机密`) records the change too.

    Wrong: header `秘密★1年`, body `机密★5年`; a cover `秘密★5年` over an inner `机密★10年`

    Right: the same marking everywhere, or `~~秘密★1年~~ 机密★5年`

    A document embedded in another (an attachment, an altChunk, an embedded package) is held by it as a
    compilation holds its parts: a container marked lower than an embedded document, or not at all, is
    reported too.
    """
    yield from container_lower(ctx)
    primary = ctx.analysis.primary
    if primary is None:
        return
    for found in ctx.analysis.secret:
        if found is primary or _term_key(found) == _term_key(primary):
            continue
        if ctx.analysis.superseded(found):
            continue  # a 解密 or 变更 note beside the old marking records the change, as striking it does
        later_page = (found.unit.page or 1) > (primary.unit.page or 1) and found.unit.part not in ("header", "footer")
        if later_page:
            # Inside a compilation lower or equal markings are normal; a higher one must be on the cover.
            higher = LEVEL_RANK[found.marking.level or ""] > LEVEL_RANK[primary.marking.level or ""]
            if not higher:
                continue
            yield ctx.finding(
                "ML113", found,
                f"首页（封面）标注“{primary.marking.text}”，低于第{found.unit.page}页的“{found.marking.text}”",
                f"the first page (cover) shows \"{primary.marking.text}\", lower than \"{found.marking.text}\" on "
                f"page {found.unit.page}",
            )
            continue
        yield ctx.finding(
            "ML113", found,
            f"密级标志“{found.marking.text}”与“{primary.marking.text}”不一致，且旧标志未作删除标记",
            f"the marking \"{found.marking.text}\" disagrees with \"{primary.marking.text}\" and the older one is "
            "not struck through",
        )


ML114_ZH = (
    "文件元数据中的密级与页面标志不一致，或在无标志的文件上标为涉密。\n\n"
    "依据：文档系统、防泄密工具和阅读者都信任元数据标签（密级、SecurityLevel 等自定义属性，Microsoft Purview "
    "标签，PDF 的 Info 和 XMP）。标签与页面不符会使文件流转出错；法律要求的是页面上可见的标志。\n\n"
    "错误：标注`机密★5年`的文件自定义属性“密级”为秘密；无标志文件的 SecurityLevel 为 SECRET\n\n"
    "正确：标注`机密★5年`的文件元数据为机密，或没有密级元数据"
)


@rule("ML114", "metadata-mismatch", "warning", doc_zh=ML114_ZH)
def metadata_mismatch(ctx: Context) -> Iterator[Finding]:
    """The file's metadata classification disagrees with the visible marking, or says classified where
    no visible marking exists.

    Why: document systems, DLP tools and readers trust metadata labels (custom properties such as 密级 or
    SecurityLevel, Microsoft Purview labels, PDF Info and XMP). A label that says something else than the
    page misroutes the file; the visible marking is what the law requires (保密法 Art 22), so the two must
    agree. English vendor words are mapped TOP SECRET→绝密, SECRET→机密, CONFIDENTIAL→秘密.

    Wrong: custom property 密级 = 秘密 on a document marked `机密★5年`; SecurityLevel = SECRET on an unmarked
    notice

    Right: metadata that says 机密 on a document marked `机密★5年`, or no classification metadata
    """
    primary = ctx.analysis.primary
    visible = primary.marking.level if primary else None
    extra = ctx.settings.metadata_labels
    vocabulary = {**DEFAULT_VOCABULARY, **extra} if extra else DEFAULT_VOCABULARY
    for label in metadata_labels(ctx.document.properties, vocabulary):
        if label.level == visible:
            continue
        if visible is None and label.level is None:
            continue
        said = label.level or "非密"
        said_en = f"\"{label.level}\"" if label.level else "not classified"
        if visible is None:
            yield ctx.finding(
                "ML114", METADATA,
                f"元数据“{label.key}”标为{said}（“{label.value}”），但页面上没有密级标志",
                f"metadata \"{label.key}\" says {said_en} (\"{label.value}\") but the page shows no marking",
            )
        else:
            yield ctx.finding(
                "ML114", METADATA,
                f"元数据“{label.key}”标为{said}（“{label.value}”），与页面标志“{primary.marking.text}”不一致",  # type: ignore[union-attr]
                f"metadata \"{label.key}\" says {said_en} (\"{label.value}\"), the page shows "
                f"\"{primary.marking.text}\"",  # type: ignore[union-attr]
            )


ML115_ZH = (
    "涉密公文没有份号，或版头顺序不对。\n\n"
    "依据：涉密公文应当标注份号（党政机关公文处理工作条例第九条）：6位阿拉伯数字，顶格标注在版心左上角第一行"
    "（1999年版式中可与密级标志同行：份号顶格左对齐，标志右对齐）。版头顺序为份号、密级和保密期限、紧急程度（"
    "GB/T 9704-2012 7.2）；紧急程度只有特急、加急。\n\n"
    "错误：没有份号的`机密★5年`公文；份号`12345`；`特急`在密级标志上方\n\n"
    "正确：`000123` / `机密★5年` / `特急`"
)


@rule("ML115", "copy-number", "error", doc_zh=ML115_ZH)
def copy_number(ctx: Context) -> Iterator[Finding]:
    """A classified 公文 without a 份号, or a 版头 out of order.

    Why: a classified 公文 must carry a 份号 (党政机关公文处理工作条例 Art 9): 6 Arabic digits, flush left
    on the first line (in the 1999 layout it may share the marking's line: `000231` flush left, the marking
    flush right). The 版头 order is 份号, 密级和保密期限, 紧急程度 (GB/T 9704-2012 7.2); urgency is
    特急 or 加急 (telegrams: 特提, 特急, 加急, 平急). A missing 份号 is an error; a malformed number, a wrong
    order or an unknown urgency word is a warning.

    Wrong: a `机密★5年` 公文 with no 份号; 份号 `12345`; `特急` above the marking

    Right: `000123` / `机密★5年` / `特急`
    """
    analysis = ctx.analysis
    primary = analysis.primary
    if not analysis.is_gongwen or primary is None or primary.unit.part in ("header", "footer"):
        return
    masthead = _masthead(ctx)
    copy_at = urgency_at = None
    for index, unit in masthead:
        text = unit.text.strip()
        number = COPY_NUMBER.match(text) if text[-1] in COPY_DIGITS else None  # a 份号 line ends in a digit
        # The 1999 layout may set the 份号 and the marking on one line, the marking flush right.
        on_marking_line = copy_number_on_line(text) if number is None and copy_at is None else None
        if (number or on_marking_line) and copy_at is None:
            copy_at = index
            digits = number.group("number") if number else on_marking_line or ""
            if not (len(digits) == 6 and digits.isascii()):
                yield ctx.finding("ML115", unit, f"份号“{text}”应为6位阿拉伯数字",
                                  f"the copy number \"{text}\" should be 6 Arabic digits", severity=Severity.WARNING)
        elif text in URGENCY_WORDS:
            urgency_at = index
        elif len(text) <= 4 and URGENCY_LIKE.match(text):  # no URGENCY_LIKE match is longer
            urgency_at = index
            yield ctx.finding("ML115", unit, f"紧急程度“{text}”不规范，应为特急或加急",
                              f"the urgency \"{text}\" is not \"特急\" or \"加急\"", severity=Severity.WARNING)
    if copy_at is None:
        yield ctx.finding("ML115", primary, f"涉密公文（“{primary.marking.text}”）缺少份号",
                          f"the classified official document (\"{primary.marking.text}\") has no copy number "
                          "(\"份号\")")
    # A marking under the title is not in the 版头 at all (ML111 says so): there is no order to judge.
    order_wrong = primary.index not in analysis.under_title and (
        (copy_at is not None and copy_at > primary.index) or (urgency_at is not None and urgency_at < primary.index))
    if order_wrong:
        yield ctx.finding("ML115", primary, "版头顺序应为份号、密级和保密期限、紧急程度",
                          "the order of the header block (\"版头\") should be copy number, marking, urgency",
                          severity=Severity.WARNING)
