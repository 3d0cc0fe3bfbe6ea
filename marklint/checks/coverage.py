"""Coverage: what marklint could not read (ML901-ML903). A file that was not examined is a finding,
never a silent pass."""

from __future__ import annotations

from collections.abc import Iterator

from marklint.checks.context import Context
from marklint.checks.registry import rule
from marklint.model import Finding, Location, Status
from marklint.reasons import say_reason

#: The partial reason ML902 reports by itself: ML903 would say the same again.
NO_TEXT_LAYER = "no text layer"


def _reason(ctx: Context) -> tuple[str, str]:
    reason = ctx.document.reason
    return say_reason(reason, "zh"), say_reason(reason, "en")


#: File-level findings point at the file, not at a line.
WHOLE_FILE = Location(page=None, part="body", line=None)


ML901_ZH = (
    "文件完全无法读取。\n\n"
    "依据：检查人员必须知道哪些文件没有检查。损坏、加密、格式不支持或超过安全限制的文件仍可能载有国家秘密；一"
    "律报告，绝不当作合格。本规则不能关闭（`--ignore ML901`会被拒绝）。\n\n"
    "错误：设有密码的 PDF 被悄悄跳过\n\n"
    "正确：列为未能检查并说明原因（已加密），留待人工核查"
)


@rule("ML901", "not-examined", "error", doc_zh=ML901_ZH, coverage=True, always_on=True)
def not_examined(ctx: Context) -> Iterator[Finding]:
    """The file could not be read at all.

    Why: an inspector must know which files were not checked. A corrupt, encrypted or unsupported
    file, or one over a safety limit, may still carry a secret; it is reported, never passed as clean.

    This rule cannot be ignored (``--ignore ML901`` is refused): a file that was not read is always
    reported, never passed as clean.

    Wrong: a password-protected PDF silently skipped

    Right: the file listed as not examined, with the reason (encrypted), for checking by hand
    """
    if ctx.document.status == Status.NOT_EXAMINED:
        zh, en = _reason(ctx)
        yield ctx.finding("ML901", WHOLE_FILE, f"未能检查：{zh}，请人工核查", f"not examined: {en}; check it by hand")


ML902_ZH = (
    "应有密级标志处没有可读取的文字。\n\n"
    "依据：扫描图像或没有 Unicode 映射的字形，人眼能看到标志，marklint 读不到，无法核验；请人工查看，或先做文"
    "字识别。\n\n"
    "错误：扫描的公文被当作无标志文件通过\n\n"
    "正确：报告该文件没有文字层"
)


@rule("ML902", "no-text-layer", "warning", doc_zh=ML902_ZH, coverage=True)
def no_text_layer(ctx: Context) -> Iterator[Finding]:
    """Nothing decodable to read where the marking should be.

    Why: a scanned image, or glyphs without a Unicode map, show a marking to the eye but not to
    marklint. The marking cannot be verified; check the page by eye or run OCR first.

    Wrong: a scanned 公文 passed as unmarked

    Right: the file reported as having no text layer
    """
    if ctx.document.no_text and ctx.document.status != Status.NOT_EXAMINED:
        yield ctx.finding("ML902", WHOLE_FILE, "没有可读取的文字层（扫描件或字形无编码），无法核验密级标志",
                            "no text layer to read (a scan, or glyphs without Unicode): the marking cannot be verified")


ML903_ZH = (
    "文件只检查了一部分。\n\n"
    "依据：大小上限、时间限制或无法解码的页面使文件部分内容未读；检查结果只涵盖已读部分。\n\n"
    "错误：最后一页解码失败的 PDF 被报告为已完整检查\n\n"
    "正确：报告为部分检查并说明原因"
)


@rule("ML903", "partially-examined", "warning", doc_zh=ML903_ZH, coverage=True)
def partially_examined(ctx: Context) -> Iterator[Finding]:
    """Part of the file was skipped.

    Why: a size cap, a time limit or an undecodable page left part of the file unread; findings
    cover only what was read.

    Wrong: a PDF whose last page failed to decode reported as completely checked

    Right: the file reported as partially examined, with the reason
    """
    if ctx.document.status == Status.PARTIAL and not (ctx.document.reason or "").startswith(NO_TEXT_LAYER):
        zh, en = _reason(ctx)
        yield ctx.finding("ML903", WHOLE_FILE, f"仅部分检查：{zh}", f"partially examined: {en}")
