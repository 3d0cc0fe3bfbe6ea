"""Change and declassification: terms in time (ML301-ML304)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from marklint.analysis import FoundMarking
from marklint.checks.context import Context
from marklint.checks.registry import rule
from marklint.model import Finding


def _basis_words(basis: str) -> tuple[str, str]:
    """How a finding names what the expiry was counted from; metadata and default terms are assumptions."""
    if basis == "解密时间":
        return "解密时间已到", "the declassification date"
    if basis.startswith("assumed default"):
        inner_zh, inner_en = _basis_words(basis[basis.index("(") + 1: -1])
        return (f"未标保密期限，按法定默认期限推定，{inner_zh}",
                f"no term given, so the statutory default was assumed, counted from {inner_en}")
    if basis == "metadata":
        return "自文件元数据中的创建日期起算（推定）", "the file's metadata creation date (an assumption)"
    english = {"成文日期": "the date of the document (\"成文日期\")", "印发日期": "the printing date (\"印发日期\")",
               "ledger": "the ledger's classification date (\"定密日期\")"}
    return f"自{'台账定密日期' if basis == 'ledger' else basis}起算", english.get(basis, basis)


def _judged(ctx: Context) -> tuple[FoundMarking, date, str] | None:
    """The document's classifying marking with its expiry, unless a note beside it records a decision
    (marking.DECISION_NOTES: declassified, extended or changed)."""
    primary = ctx.analysis.primary
    if primary is None or ctx.analysis.decision(primary) is not None or ctx.analysis.declassified(primary):
        return None
    expires, basis = ctx.analysis.expiry(primary.marking)
    if expires is None or basis is None or _ledger_decided(ctx, expires):
        return None
    return primary, expires, basis


def _ledger_decided(ctx: Context, expires: date) -> bool:
    """The ledger records a decision on the item: declassified, changed or extended, or reviewed since the
    term ran out (a review that chose to keep it secret has extended it)."""
    row = ctx.ledger_match.row
    if row is None:
        return False
    decided = row.declassified_on is not None or any(word in row.review_result for word in ("解密", "变更", "延期"))
    return decided or (row.last_review is not None and row.last_review >= expires)


ML301_ZH = (
    "保密期限已届满，且没有解密标注记录审核结论。\n\n"
    "依据：保密期限届满即自行解密（保密法第二十四条第二款），除非在届满前决定延长。仅凭文件无法判断，marklint"
    " 报告为推定已解密：请确认届满前未作出延期决定，再在原标志旁标注“解密”（原标志划去保留）。机关单位每年审"
    "核所定国家秘密（保密法第二十四条第一款）。\n\n"
    "错误：2024年3月6日印发、2026年检查时没有解密标注的`秘密★1年`公文\n\n"
    "正确：`~~秘密★1年~~ 解密`，或`秘密★1年`旁注`已于2025年3月6日解密`"
)


@rule("ML301", "expired-term", "warning", doc_zh=ML301_ZH)
def expired_term(ctx: Context) -> Iterator[Finding]:
    """The term is over and no 解密 mark records a review.

    Why: a term that runs out declassifies the item by itself (保密法 Art 24(2)) unless an extension was
    decided before it ended. A document alone cannot show which happened, so marklint reports the item
    as presumed declassified: confirm that no extension was decided, then put a 解密 mark next to the
    original marking (which stays visible, struck through). Units must review what they classified
    every year (保密法 Art 24(1)).

    A note beside the marking that records a decision counts as that review: 解密, 已解密, 已于…解密,
    于…解密, 解密日期：…, 经审核，…解密, a 解密 seal (declassified); 延长保密期限至…, 保密期限延长至…年
    (extended); 密级变更为… (changed).

    Wrong: `秘密★1年` on a 公文 issued 2024-03-06, scanned in 2026 with no 解密 mark

    Right: `~~秘密★1年~~ 解密` (the old marking struck through, 解密 beside it), or `秘密★1年` with
    `已于2025年3月6日解密` beside it
    """
    judged = _judged(ctx)
    if judged is None:
        return
    found, expires, basis = judged
    if ctx.as_of >= expires:
        zh_basis, en_basis = _basis_words(basis)
        yield ctx.finding(
            "ML301", found,
            f"“{found.marking.text}”的保密期限已于{expires.isoformat()}届满（{zh_basis}）：依法推定已自行解密，"
            "请确认届满前未作出延期决定，并在原标志旁标注“解密”",
            f"\"{found.marking.text}\" expired on {expires.isoformat()} (from {en_basis}): presumed declassified by "
            "expiry unless an extension was decided before it ran out; confirm, then mark \"解密\" next to the "
            "original",
        )


ML302_ZH = (
    "保密期限即将届满（默认90日内）。\n\n"
    "依据：延长保密期限须在届满前决定（保密法第二十四条；定密管理规定），否则自行解密。此时应当审核。标志旁记"
    "载了决定的（`保密期限延长至3年`、`已于…解密`等，见 ML301）视为已决定。\n\n"
    "错误：到期后才审核的`秘密★1年`事项\n\n"
    "正确：届满前审核，决定延长或任其届满"
)


@rule("ML302", "expiring-soon", "info", doc_zh=ML302_ZH)
def expiring_soon(ctx: Context) -> Iterator[Finding]:
    """The term ends within the expiry window (default 90 days).

    Why: an extension must be decided before the term runs out (保密法 Art 24; 定密管理规定), or the item
    declassifies by itself. This is the time to review it. A note beside the marking that records the
    decision (`保密期限延长至3年`, `已于…解密`: the forms ML301 lists) means it was taken.

    Wrong: a `秘密★1年` item reviewed only after it expired

    Right: the item reviewed, and extended or left to expire, before its term ends
    """
    judged = _judged(ctx)
    if judged is None:
        return
    found, expires, basis = judged
    if ctx.as_of < expires <= ctx.as_of + timedelta(days=ctx.expiry_window):
        days = (expires - ctx.as_of).days
        zh_basis, en_basis = _basis_words(basis)
        yield ctx.finding(
            "ML302", found,
            f"“{found.marking.text}”的保密期限将于{expires.isoformat()}届满（{days}天后，{zh_basis}），请在届满前决定是否延期",
            f"\"{found.marking.text}\" expires on {expires.isoformat()} (in {days} days, from {en_basis}); "
            "decide on extension before then",
        )


ML303_ZH = (
    "待发布的文件（`--release`）仍有国家秘密标志或解密标注。\n\n"
    "依据：公开发布的内容不得带有国家秘密标志；解密后公开的，也不得保留原标志（定密管理规定关于解密事项公开的"
    "要求）。只在`--release`（文档系统的发布前检查）时运行。\n\n"
    "错误：发布带有`机密★5年`或`~~秘密★1年~~ 解密`的文件\n\n"
    "正确：不带任何标志的发布稿"
)


@rule("ML303", "marked-for-release", "error", doc_zh=ML303_ZH)
def marked_for_release(ctx: Context) -> Iterator[Finding]:
    """The document is being released (`--release`) and still bears a state-secret or 解密 mark.

    Why: what is published must not carry the 国家秘密标志; declassified material that is published must
    not keep the mark either (定密管理规定 on publishing declassified items). Only runs with `--release`,
    the pre-release hook of a document system.

    Wrong: releasing a document that shows `机密★5年`, or `~~秘密★1年~~ 解密`

    Right: a release copy with no marking at all
    """
    if not ctx.release:
        return
    for found in ctx.analysis.markings:
        if found.is_state_secret:
            yield ctx.finding(
                "ML303", found,
                f"拟公开发布的文件仍带有国家秘密标志“{found.marking.text}”",
                f"the document to be released still bears the state-secret mark \"{found.marking.text}\"",
            )
    for index in sorted(ctx.analysis.note_indices):
        unit = ctx.document.units[index]
        yield ctx.finding("ML303", unit, "拟公开发布的文件仍带有解密标志",
                          "the document to be released still bears a \"解密\" mark")


ML304_ZH = (
    "保密期限以年、月、日计，但找不到起算日期。\n\n"
    "依据：保密期限自标明的制发日起算（保密法实施条例第十九条）。没有成文日期、印发日期、台账日期或文件日期，"
    "marklint 无法知道期限何时届满，也不猜测。\n\n"
    "错误：任何地方都没有日期、标注`秘密★5年`的便函\n\n"
    "正确：注明日期（`2026年3月5日`），或在台账中记载定密日期"
)


@rule("ML304", "unknown-issue-date", "info", doc_zh=ML304_ZH)
def unknown_issue_date(ctx: Context) -> Iterator[Finding]:
    """A term counted in years, months or days, but no issue date to count it from.

    Why: the term starts on the day the document is made (保密法实施条例 Art 19). Without a 成文日期, an
    印发日期, a ledger date or a file date, marklint cannot tell when the term ends and does not guess.

    Wrong: a memo marked `秘密★5年` with no date anywhere

    Right: the memo dated (`2026年3月5日`), or its 定密日期 recorded in the ledger
    """
    primary = ctx.analysis.primary
    if primary is None or primary.marking.term.kind not in ("duration", "missing"):
        return
    if ctx.analysis.dated is None:
        yield ctx.finding(
            "ML304", primary,
            f"“{primary.marking.text}”按期限计算，但未找到制发日期（成文日期、印发日期），无法计算届满日",
            f"\"{primary.marking.text}\" has a term but no issue date was found, so its expiry was not computed",
        )
