"""权限不当, 依据不当, 程序不当: the document held against the unit's authority list and its 定密台账
(ML401-ML402, ML501-ML507). Silent without a ledger or an authority table in the configuration."""

from __future__ import annotations

from collections.abc import Iterator

from marklint import regex_cache
from marklint.checks.context import Context, ScanContext
from marklint.checks.registry import rule, scan_rule
from marklint.dates import add_months
from marklint.marking import recognise
from marklint.model import LEVEL_RANK, Finding, Location

#: A 定密依据 that names only a law, not the 保密事项范围 entry that applies, is no basis.
LAW_ONLY = regex_cache.compile(
    r"^[《〈<]?(?:中华人民共和国)?(?:保守国家秘密法|保密法|保守国家秘密法实施条例|保密法实施条例|国家秘密定密管理(?:暂行)?规定"
    r"|定密管理(?:暂行)?规定|相关法律法规|有关规定|法律法规)[》〉>]?(?:第.{1,6}条)?$"
)


def _row_location(row_number: int) -> Location:
    return Location(page=None, part="metadata", line=row_number)


def _canonical(level: str, term: str) -> str:
    """A level and term in the marking's standard form (``机密★5年``), to compare like with like."""
    written = f"{level}★{term.strip()}"
    found = recognise(written)
    return found[0].canonical if found and found[0].canonical else written


ML401_ZH = (
    "发文机关无权确定所标密级，且不属于派生定密。\n\n"
    "依据：中央和省级机关（及其授权的机关单位）可以确定绝密、机密、秘密；设区的市级机关（及其授权的机关单位）"
    "只能确定机密、秘密；其他机关单位须有书面授权（保密法第十七条）。派生定密不受定密权限限制。\n\n"
    "错误：配置为`\"某某市人民政府\" = \"机密\"`的发文机关在非派生公文上标注`绝密★30年`\n\n"
    "正确：`机密★20年`；属于派生定密的，台账中派生一栏为“是”"
)


@rule("ML401", "level-exceeds-authority", "error", doc_zh=ML401_ZH)
def level_exceeds_authority(ctx: Context) -> Iterator[Finding]:
    """The issuer may not classify at the marked level, and the item is not derived.

    Why: central and provincial organs (and those they authorise) may classify 绝密, 机密 and 秘密; organs
    of cities with districts (and those they authorise) only 机密 and 秘密; others only with a written
    authorisation (保密法 Art 17). Derived classification is not limited by authority. The issuer is read
    from the 发文机关标志 or the signature line and looked up in `[authority.issuers]`.

    Wrong: `绝密★30年` on a 公文 of an issuer configured as `"某某市人民政府" = "机密"`, not derived

    Right: `机密★20年`, or the ledger row marked 派生 = 是 where the level is derived
    """
    # Authority bounds the level the document is classified at: its level, the highest marking in force.
    analysis = ctx.analysis
    level, issuer = analysis.level, analysis.issuer
    if level is None or issuer is None or issuer not in ctx.settings.issuers:
        return
    allowed = ctx.settings.issuers[issuer]
    row = ctx.ledger_match.row
    if LEVEL_RANK[level] > LEVEL_RANK[allowed] and not (row and row.derived):
        highest = next(m for m in analysis.standing if m.marking.level == level)
        yield ctx.finding(
            "ML401", highest,
            f"{issuer}的定密权限为{allowed}，不能定为“{level}”（台账未记为派生定密）",
            f"{issuer} may classify up to {allowed}, not {level} (the ledger does not record it as derived)",
        )


ML402_ZH = (
    "台账中的定密责任人不在本单位指定的定密责任人之列。\n\n"
    "依据：定密由本单位指定的定密责任人审核批准（保密法第十六条）；由他人批准是程序缺陷。名单在配置的`[author"
    "ity] approvers`中。\n\n"
    "错误：本单位定密责任人为张某某、李某某，台账行由王某某批准\n\n"
    "正确：由张某某批准"
)


@rule("ML402", "unlisted-approver", "warning", doc_zh=ML402_ZH)
def unlisted_approver(ctx: Context) -> Iterator[Finding]:
    """The ledger's 定密责任人 is not one of the unit's approvers.

    Why: classification is approved by the 定密责任人 the unit has designated (保密法 Art 16); an approval
    by someone else is a procedural defect. The list is `[authority] approvers` in the configuration.

    Wrong: a ledger row approved by 王某某 when the unit's approvers are 张某某 and 李某某

    Right: the row approved by 张某某
    """
    row = ctx.ledger_match.row
    if row is None or not ctx.settings.approvers or not row.approver:
        return
    if row.approver not in ctx.settings.approvers:
        yield ctx.finding("ML402", _row_location(row.row),
                          f"台账第{row.row}行的定密责任人“{row.approver}”不在本单位定密责任人名单中",
                          f"ledger row {row.row}: the approver {row.approver} is not on the unit's list")


ML501_ZH = (
    "有标志的文件在台账中没有对应行（或有多行都可能对应）。\n\n"
    "依据：定密时应当记载承办人、定密责任人和定密依据（保密法第十六条），台账就是这一记录。按路径、文件名、文"
    "号依次匹配；多行匹配时报告，不作猜测。\n\n"
    "错误：台账未列的`机密★5年`文件\n\n"
    "正确：台账中有该文件的一行"
)


@rule("ML501", "not-in-ledger", "warning", doc_zh=ML501_ZH)
def not_in_ledger(ctx: Context) -> Iterator[Finding]:
    """A marked document with no row in the ledger (or with several that match it).

    Why: what a unit classifies is recorded at the time it is classified, naming 承办人, 定密责任人 and
    定密依据 (保密法 Art 16); the ledger is that record. Rows match by path, then file name, then 文号;
    several matching rows are reported rather than guessed between.

    Wrong: `机密★5年` on a document the ledger does not list

    Right: a ledger row for the document
    """
    primary = ctx.analysis.primary
    if ctx.settings.ledger is None or primary is None:
        return
    match = ctx.ledger_match
    if match.ambiguous:
        rows = "、".join(str(n) for n in match.ambiguous)
        yield ctx.finding("ML501", primary, f"台账中有多行（第{rows}行）都可能对应本文件，无法确定",
                          f"several ledger rows ({', '.join(map(str, match.ambiguous))}) could be this document")
    elif match.row is None:
        yield ctx.finding("ML501", primary, f"标注“{primary.marking.text}”的文件在定密台账中没有记录",
                          f"the document marked \"{primary.marking.text}\" has no row in the ledger")


ML502_ZH = (
    "台账记载的密级、保密期限或知悉范围与文件标志不一致。\n\n"
    "依据：记录与载体应当一致（保密法第十六条、第十九条；定密管理规定）。不一致说明其中之一变更时另一方未随之"
    "变更。\n\n"
    "错误：标注`机密★5年`的文件台账记为秘密、5年\n\n"
    "正确：台账记为机密、5年"
)


@rule("ML502", "ledger-mismatch", "error", doc_zh=ML502_ZH)
def ledger_mismatch(ctx: Context) -> Iterator[Finding]:
    """The ledger's level, term or scope differ from the document's marking.

    Why: the record and the carrier must say the same (保密法 Art 16, 19; 定密管理规定). A difference means
    one of them was changed without the other.

    Wrong: ledger 秘密 / 5年 for a document marked `机密★5年`

    Right: ledger 机密 / 5年
    """
    row, primary = ctx.ledger_match.row, ctx.analysis.primary
    if row is None or primary is None:
        return
    marking = primary.marking
    differences = []
    if row.level != marking.level:
        differences.append(("密级", row.level, marking.level or "", "level"))
    elif _canonical(row.level, row.term) != (marking.canonical or _canonical(row.level, marking.term.raw)):
        differences.append(("保密期限", row.term, marking.term.raw or "（无）", "term"))
    scope = ctx.analysis.scope
    if scope and row.scope and "".join(row.scope.split()) != "".join(scope.split()):
        differences.append(("知悉范围", row.scope, scope, "scope"))
    for zh_name, recorded, shown, en_name in differences:
        yield ctx.finding("ML502", primary,
                          f"台账第{row.row}行的{zh_name}为“{recorded}”，文件标注为“{shown}”",
                          f"ledger row {row.row} records {en_name} \"{recorded}\", the document shows \"{shown}\"")


ML503_ZH = (
    "台账没有定密依据，或只写了法律名称。\n\n"
    "依据：定密依据适用的保密事项范围条目（保密法第十五条、第十六条）；只写法律名称（保密法）说明不了该事项为"
    "何以此密级保密。\n\n"
    "错误：定密依据为空，或`《保密法》`\n\n"
    "正确：`《某某工作国家秘密范围的规定》第三条第（二）项`"
)


@rule("ML503", "missing-basis", "warning", doc_zh=ML503_ZH)
def missing_basis(ctx: Context) -> Iterator[Finding]:
    """The ledger row gives no 定密依据, or only a law's name.

    Why: classification follows the 保密事项范围 entry that applies (保密法 Art 15, 16); naming the law
    alone (保密法) says nothing about why this item is secret at this level.

    Wrong: 定密依据 empty, or `《保密法》`

    Right: `《某某工作国家秘密范围的规定》第三条第（二）项`
    """
    row = ctx.ledger_match.row
    if row is None:
        return
    basis = "".join(row.basis.split())
    if not basis or LAW_ONLY.match(basis):
        said = f"只写了“{row.basis}”" if basis else "为空"
        yield ctx.finding("ML503", _row_location(row.row),
                          f"台账第{row.row}行的定密依据{said}，应写明具体的保密事项范围条目",
                          f"ledger row {row.row}: the basis is " + (f"only \"{row.basis}\"" if basis else "empty")
                          + "; name the entry of the scope of secret matters (\"保密事项范围\")")


ML504_ZH = (
    "台账缺少承办人、定密责任人或定密日期。\n\n"
    "依据：承办人拟定、定密责任人审核批准，并在产生国家秘密时作出记录（保密法第十六条；定密管理规定）。缺少这"
    "些的记录不能证明履行了定密程序。\n\n"
    "错误：定密责任人一栏为空的行\n\n"
    "正确：承办人李某，定密责任人张某某，定密日期2026-03-05"
)


@rule("ML504", "missing-approval", "warning", doc_zh=ML504_ZH)
def missing_approval(ctx: Context) -> Iterator[Finding]:
    """The ledger row lacks the 承办人, the 定密责任人 or the 定密日期.

    Why: the 承办人 proposes, the 定密责任人 approves, and the record is made when the secret is created
    (保密法 Art 16; 定密管理规定). A row without them does not show that the procedure was followed.

    Wrong: a row with 定密责任人 empty

    Right: 承办人 李某, 定密责任人 张某某, 定密日期 2026-03-05
    """
    row = ctx.ledger_match.row
    if row is None:
        return
    fields = (("承办人", "drafter", row.drafter), ("定密责任人", "approver", row.approver),
              ("定密日期", "classification date", row.classified_on))
    missing = [(zh, en) for zh, en, value in fields if not value]
    if missing:
        yield ctx.finding("ML504", _row_location(row.row),
                          f"台账第{row.row}行缺少{'、'.join(zh for zh, _ in missing)}",
                          f"ledger row {row.row} lacks the {', '.join(en for _, en in missing)}")


ML505_ZH = (
    "定密晚于文件制发。\n\n"
    "依据：密级、保密期限和知悉范围在国家秘密产生时确定（保密法第十六条；定密管理规定），定密日期不应晚于制发"
    "日。\n\n"
    "错误：2026年3月6日印发的公文，定密日期2026-04-01\n\n"
    "正确：定密日期在2026-03-06当日或之前"
)


@rule("ML505", "late-approval", "info", doc_zh=ML505_ZH)
def late_approval(ctx: Context) -> Iterator[Finding]:
    """The classification was approved after the document was issued.

    Why: the level, term and scope are decided when the secret is created (保密法 Art 16; 定密管理规定), so
    the 定密日期 should not fall after the 制发日.

    Wrong: 定密日期 2026-04-01 for a 公文 issued 2026-03-06

    Right: 定密日期 on or before 2026-03-06
    """
    row, issue_date = ctx.ledger_match.row, ctx.analysis.issue_date
    if row is None or row.classified_on is None or issue_date is None:
        return
    if row.classified_on > issue_date:
        yield ctx.finding("ML505", _row_location(row.row),
                          f"台账第{row.row}行的定密日期{row.classified_on.isoformat()}晚于制发日{issue_date.isoformat()}",
                          f"ledger row {row.row}: approved on {row.classified_on.isoformat()}, after the issue date "
                          f"{issue_date.isoformat()}")


ML506_ZH = (
    "检查截止日前12个月内没有审核记录。\n\n"
    "依据：机关单位每年审核所定国家秘密（保密法第二十四条第一款）。已解密的事项不再审核。\n\n"
    "错误：检查截止日为2026-11-27，最近审核日期为2024-06-30\n\n"
    "正确：最近审核日期在12个月以内"
)


@rule("ML506", "review-overdue", "warning", doc_zh=ML506_ZH)
def review_overdue(ctx: Context) -> Iterator[Finding]:
    """No review recorded in the 12 months before the as-of date.

    Why: units review what they classified every year (保密法 Art 24(1)). Items already declassified need
    no further review.

    Wrong: 最近审核日期 2024-06-30 on an audit as of 2026-11-27

    Right: 最近审核日期 within the last 12 months
    """
    row = ctx.ledger_match.row
    if row is None or row.declassified_on is not None or "解密" in row.review_result:
        return
    since = add_months(ctx.as_of, -12)
    if row.last_review is None or row.last_review < since:
        when = row.last_review.isoformat() if row.last_review else None
        yield ctx.finding("ML506", _row_location(row.row),
                          f"台账第{row.row}行" + (f"最近审核日期为{when}，" if when else "没有审核记录，")
                          + "已超过一年未审核",
                          f"ledger row {row.row}: " + (f"last reviewed {when}" if when else "never reviewed")
                          + ", more than 12 months ago")


ML507_ZH = (
    "台账中某行记录的文件不在本次扫描范围内。\n\n"
    "依据：台账与文件应当相互对应：没有文件的台账行，意味着文件被移走、未经记录销毁，或漏检。针对台账文件报告"
    "。\n\n"
    "错误：台账中有`2024/报告.docx`一行，但没有扫描到该文件\n\n"
    "正确：扫描该文件，或在台账中记载其销毁或移交"
)


@scan_rule("ML507", "ledger-orphan", "info", doc_zh=ML507_ZH)
def ledger_orphan(scan: ScanContext) -> Iterator[Finding]:
    """A ledger row whose file is not among the files scanned.

    Why: the ledger and the files must account for each other: a row without its file is a file that was
    moved, destroyed without record, or left out of the audit. Reported against the ledger file.

    Wrong: a row for `2024/报告.docx` when no such file was scanned

    Right: the file scanned, or the row closed with its destruction or transfer recorded
    """
    ledger = scan.settings.ledger
    if ledger is None:
        return
    for row in ledger.rows:
        if row.row not in scan.seen_rows:
            yield scan.finding("ML507", _row_location(row.row),
                               f"台账第{row.row}行记录的文件“{row.file}”不在本次扫描范围内",
                               f"ledger row {row.row}: the file \"{row.file}\" is not among the files scanned")
