"""内容不当: what the marking states (ML201-ML206): the term is missing, too long, 长期, vague or
impossible, or no 知悉范围 is given."""

from __future__ import annotations

from collections.abc import Iterator

from marklint.checks.context import Context
from marklint.checks.form import defect_findings
from marklint.checks.registry import rule
from marklint.dates import add_term
from marklint.marking import MAX_YEARS
from marklint.messages import Message
from marklint.model import DefectKind, Duration, Finding

ML201_ZH = (
    "只有密级，没有保密期限、解密时间或解密条件。\n\n"
    "依据：载体上应当标明密级和保密期限（保密法实施条例第二十一条）。没有期限就无从知道何时解密；marklint 计"
    "算时按法定默认期限（绝密30年、机密20年、秘密10年）推定，并说明是推定。\n\n"
    "错误：`机密★`；标志位置上单独的`机密`\n\n"
    "正确：`机密★10年`、`机密★2030年1月1日`、`机密★会议开始前`"
)


@rule("ML201", "missing-term", "error", doc_zh=ML201_ZH, defects={
    DefectKind.NO_TERM: Message("“{text}”缺少保密期限，应为“{level}★保密期限”，如“{level}★{maximum}年”",
                                "\"{text}\" has no term; should be \"{level}★term\", e.g. \"{level}★{maximum}年\""),
})
def missing_term(ctx: Context) -> Iterator[Finding]:
    """A level with no 保密期限, 解密时间 or 解密条件.

    Why: the carrier must show the level and the term (保密法实施条例 Art 21). Without a term nobody
    can tell when the secret ends; for arithmetic marklint assumes the 2014 default (绝密 30年, 机密 20年,
    秘密 10年) and says so.

    Wrong: `机密★`, `机密` alone in the marking place

    Right: `机密★10年`, `机密★2030年1月1日`, `机密★会议开始前`
    """
    yield from defect_findings(ctx, "ML201")


ML202_ZH = (
    "保密期限超过该密级的法定最长期限。\n\n"
    "依据：保密法第二十条：除另有规定外，绝密不超过30年，机密不超过20年，秘密不超过10年。更长的期限须有具体依"
    "据，故作为警告提请确认。解密时间晚于制发日加最长期限的，同样判断。\n\n"
    "错误：`秘密★15年`、`机密★25年`\n\n"
    "正确：`秘密★10年`，或记载了依据的更长期限"
)


@rule("ML202", "term-exceeds-maximum", "warning", doc_zh=ML202_ZH, defects={
    DefectKind.OVER_MAXIMUM: Message("“{text}”超过{level}最长保密期限{maximum}年，请确认另有规定的依据",
                                     "\"{text}\" exceeds the {maximum}-year maximum for \"{level}\"; confirm the basis",
                                     fix=False),
})
def term_exceeds_maximum(ctx: Context) -> Iterator[Finding]:
    """A term beyond the statutory maximum for its level.

    Why: 保密法 Art 20: 绝密 at most 30 years, 机密 20, 秘密 10, "除另有规定外". A longer term needs a
    specific basis, so this is a warning asking for it. A 解密时间 later than the issue date plus the
    maximum is judged the same way.

    Wrong: `秘密★15年`, `机密★25年`

    Right: `秘密★10年`, or the longer term with its recorded basis
    """
    yield from defect_findings(ctx, "ML202")
    for found in ctx.analysis.live:
        marking = found.marking
        issue_date = ctx.analysis.issue_date
        if marking.is_state_secret and marking.term.until and issue_date:
            cap = MAX_YEARS[marking.level or ""]
            latest = add_term(issue_date, Duration(cap, "年"))
            if marking.term.until > latest:
                yield ctx.finding(
                    "ML202", found,
                    f"“{marking.text}”的解密时间晚于制发日（{issue_date.isoformat()}）加{cap}年，请确认另有规定的依据",
                    f"\"{marking.text}\" declassifies later than the issue date ({issue_date.isoformat()}) plus "
                    f"{cap} years; confirm the basis",
                )


ML203_ZH = (
    "保密期限为长期。\n\n"
    "依据：只有适用的保密事项范围规定可以长期的，才能标注长期（国家秘密定密管理规定），此类事项不会自行解密。"
    "请核对保密事项范围中的依据。\n\n"
    "错误：保密事项范围未规定长期的事项标注`机密★长期`\n\n"
    "正确：`机密★20年`，或记载了保密事项范围条目依据的长期"
)


@rule("ML203", "long-term", "warning", doc_zh=ML203_ZH, defects={
    DefectKind.LONG_TERM: Message("“{text}”的保密期限为长期，须有保密事项范围的明确规定",
                                  "\"{text}\" is marked \"长期\" (long-term), which needs an explicit basis in the "
                                  "scope of secret matters (\"保密事项范围\")"),
})
def long_term(ctx: Context) -> Iterator[Finding]:
    """The term is 长期.

    Why: 长期 is allowed only where the applicable 保密事项范围 says so (国家秘密定密管理规定), and such
    items never expire by themselves. Confirm the basis in the 保密事项范围.

    Wrong: `机密★长期` on an item whose 保密事项范围 sets no long term

    Right: `机密★20年`, or 长期 with the 保密事项范围 entry recorded as its basis
    """
    yield from defect_findings(ctx, "ML203")


ML204_ZH = (
    "解密条件不明确、不具体。\n\n"
    "依据：解密条件应当明确、具体、合法（国家秘密定密管理规定）。视情况、另行通知、适时、待定、根据需要、必要"
    "时都不是可以核实的事件。\n\n"
    "错误：`秘密★视情况`、`秘密★另行通知`\n\n"
    "正确：`秘密★项目验收后`、`机密★会议开始前`"
)


@rule("ML204", "vague-condition", "warning", doc_zh=ML204_ZH, defects={
    DefectKind.VAGUE_CONDITION: Message("“{text}”的解密条件不明确、不具体",
                                        "\"{text}\" has a declassification condition that is not specific"),
})
def vague_condition(ctx: Context) -> Iterator[Finding]:
    """A 解密条件 that is not specific.

    Why: a declassification condition must be 明确、具体、合法 (国家秘密定密管理规定). 视情况, 另行通知,
    适时, 待定, 根据需要 and 必要时 name no event anybody could verify.

    Wrong: `秘密★视情况`, `秘密★另行通知`

    Right: `秘密★项目验收后`, `机密★会议开始前`
    """
    yield from defect_findings(ctx, "ML204")


INVALID_DATE = Message("“{text}”的解密时间不是有效日期", "\"{text}\" does not give a valid declassification date")


ML205_ZH = (
    "解密时间不存在、无法读取，或不晚于制发日。\n\n"
    "依据：解密时间写作“YYYY年M月D日”（其后可加“解密”或“前”）。不存在的日期、其他写法，或不晚于制发日的日期，"
    "都不能作为保密期限的终点（保密法实施条例第十九条）。\n\n"
    "错误：`秘密★2029年2月30日`、`秘密★2030-01-01`、2024年文件上的`秘密★2020年1月1日`\n\n"
    "正确：`秘密★2030年1月1日`"
)


@rule("ML205", "invalid-declassification-date", "error", doc_zh=ML205_ZH,
      defects={DefectKind.IMPOSSIBLE_DATE: INVALID_DATE, DefectKind.UNPARSABLE_DATE: INVALID_DATE})
def invalid_declassification_date(ctx: Context) -> Iterator[Finding]:
    """A 解密时间 that does not exist, cannot be read, or is not after the issue date.

    Why: a 解密时间 is a date written `YYYY年M月D日` (optionally followed by 解密 or 前). A date that does
    not exist, another notation, or a date on or before the 制发日 cannot serve as the end of a term
    (保密法实施条例 Art 19).

    Wrong: `秘密★2029年2月30日`, `秘密★2030-01-01`, `秘密★2020年1月1日` on a 2024 document

    Right: `秘密★2030年1月1日`
    """
    yield from defect_findings(ctx, "ML205")
    issue_date = ctx.analysis.issue_date
    for found in ctx.analysis.live:
        until = found.marking.term.until
        if found.marking.is_state_secret and until and issue_date and until <= issue_date:
            yield ctx.finding(
                "ML205", found,
                f"“{found.marking.text}”的解密时间不晚于制发日（{issue_date.isoformat()}）",
                f"\"{found.marking.text}\" declassifies on or before the issue date ({issue_date.isoformat()})",
            )


ML206_ZH = (
    "涉密文件没有载明知悉范围。\n\n"
    "依据：知悉范围与密级同时确定（保密法第十九条），在载体上标明或书面通知。公文通常以发送范围注明。台账中记"
    "载了知悉范围的视为已通知。因知悉范围可能已另行通知，本规则默认关闭；要求载体标明时选用。\n\n"
    "错误：任何地方都没有知悉范围的`机密★5年`文件\n\n"
    "正确：`（此件发至县团级）`、`知悉范围：局领导班子成员`、`限领导班子成员阅`"
)


@rule("ML206", "missing-scope", "warning", doc_zh=ML206_ZH, opt_in=True)
def missing_scope(ctx: Context) -> Iterator[Finding]:
    """A classified document that states no 知悉范围.

    Why: the 知悉范围 is decided with the level (保密法 Art 19) and shown on the carrier or notified in
    writing. On 公文 it usually appears as a distribution note. A scope recorded in the ledger counts as
    notified. This rule is off by default because the scope may have been notified separately; select it
    where the carrier must show it.

    Wrong: a `机密★5年` document with no scope notation anywhere

    Right: `（此件发至县团级）`, `知悉范围：局领导班子成员`, `限领导班子成员阅`
    """
    primary = ctx.analysis.primary
    row = ctx.ledger_match.row
    if primary is not None and ctx.analysis.scope is None and not (row and row.scope.strip()):
        yield ctx.finding(
            "ML206", primary,
            f"标注“{primary.marking.text}”的文件未载明知悉范围",
            f"the document marked \"{primary.marking.text}\" states no scope of knowledge (\"知悉范围\")",
        )
