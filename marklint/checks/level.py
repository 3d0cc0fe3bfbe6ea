"""标志不当: the level word (ML109, ML110): a word that is no state secret carrying the ★, or a word that is
no level (保密法 Art 14: 绝密, 机密, 秘密)."""

from __future__ import annotations

from collections.abc import Iterator

from marklint.checks.context import Context
from marklint.checks.form import defect_findings
from marklint.checks.registry import rule
from marklint.messages import Message
from marklint.model import DefectKind, Finding

ML109_ZH = (
    "对不属于国家秘密的事项使用了★。\n\n"
    "依据：保密法第二十二条第三项禁止对不属于国家秘密的事项标注国家秘密标志。内部、工作秘密、商业秘密、敏感信"
    "息按其他规定管理，不得借用★。\n\n"
    "错误：`内部★5年`、`工作秘密★`、`商业秘密★3年`\n\n"
    "正确：`内部`（不加★）；确属国家秘密的，标注法定密级"
)


@rule("ML109", "star-on-non-secret", "error", doc_zh=ML109_ZH, defects={
    DefectKind.NOT_A_SECRET: Message("“{text}”：“{level}”不是国家秘密，不得使用国家秘密标志★",
                                     "\"{text}\": \"{level}\" is not a state secret and must not carry the ★ mark",
                                     fix=False),
})
def star_on_non_secret(ctx: Context) -> Iterator[Finding]:
    """The ★ mark used on something that is not a state secret.

    Why: 保密法 Art 22(3) forbids marking what is not a state secret with the 国家秘密标志. 内部, 工作秘密,
    商业秘密 and 敏感 are managed under other rules and must not borrow the ★.

    Wrong: `内部★5年`, `工作秘密★`, `商业秘密★3年`

    Right: `内部` (without ★), or a state-secret level if the content really is a state secret
    """
    yield from defect_findings(ctx, "ML109")


ML110_ZH = (
    "★标志的密级不是绝密、机密或秘密。\n\n"
    "依据：国家秘密只有三个密级（保密法第十四条）。绝秘、机秘是笔误，极机密、绝对机密不是我国的密级。繁体字（"
    "機密、祕密、絕密）或兼容汉字写的密级按其所指读取并报告：法定形式用规范汉字，按“机密”检索找不到“機密”。\n\n"
    "错误：`绝秘★5年`、`极机密★10年`、`機密★5年`\n\n"
    "正确：`绝密★5年`、`机密★10年`、`机密★5年`"
)


@rule("ML110", "unknown-level", "error", doc_zh=ML110_ZH, defects={
    DefectKind.UNKNOWN_LEVEL: Message("“{text}”：“{level}”不是法定密级，密级只能是绝密、机密或秘密",
                                      "\"{text}\": \"{level}\" is not a level; use \"绝密\", \"机密\" or \"秘密\"",
                                      fix=False),
    DefectKind.TRADITIONAL_LEVEL: Message(
        "“{text}”的密级使用繁体字（{detail}），应为规范汉字“{canonical}”",
        "\"{text}\" writes the level in traditional characters ({detail}); should be \"{canonical}\"", fix=False),
    DefectKind.COMPATIBILITY_LEVEL: Message(
        "“{text}”的密级使用兼容汉字（{detail}），应为规范汉字“{canonical}”",
        "\"{text}\" writes the level in compatibility ideographs ({detail}); should be \"{canonical}\"", fix=False),
})
def unknown_level(ctx: Context) -> Iterator[Finding]:
    """A ★ marking whose level is not 绝密, 机密 or 秘密.

    Why: state secrets have exactly three levels (保密法 Art 14). 绝秘 and 机秘 are typos; 极机密 and
    绝对机密 are not levels of the People's Republic. A level in traditional characters (機密, 祕密, 絕密)
    or in compatibility ideographs is read as the level it stands for, and reported: the statutory form
    is written in standard characters, and a search for 机密 does not find 機密.

    Wrong: `绝秘★5年`, `极机密★10年`, `機密★5年`

    Right: `绝密★5年`, `机密★10年`, `机密★5年`
    """
    yield from defect_findings(ctx, "ML110")
