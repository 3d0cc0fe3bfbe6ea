"""Coverage: what marklint could not read, or read only by OCR with doubt (ML901-ML904). A file that was
not examined is a finding, never a silent pass."""

from __future__ import annotations

from collections.abc import Iterator

from marklint.checks.context import Context
from marklint.checks.registry import rule
from marklint.model import Finding, Location, ReasonKind, Status, TextUnit
from marklint.reasons import say_reason


def _reason(ctx: Context) -> tuple[str, str]:
    reason = ctx.document.reason
    return say_reason(reason, "zh"), say_reason(reason, "en")


#: What ML902 adds when OCR could have read the scan (the reason's hint, parsers.scan): how to enable it.
OCR_HINT_ZH = {
    "OCR is off (--ocr off)": "；OCR 已关闭，使用 --ocr auto 可识别扫描件",
    "OCR is not installed": "；未安装 OCR，执行 pip install 'marklint[ocr]' 后可识别扫描件",
    "OCR read no text in the marking area of page 1": "；OCR 未在第1页密级标志位置识别出文字，请人工查看该页",
}

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
    marklint. The marking cannot be verified; check the page by eye, or install the ocr extra
    (`pip install 'marklint[ocr]'`) so that scans are read by OCR (`--ocr auto`, the default).

    Wrong: a scanned 公文 passed as unmarked

    Right: the file reported as having no text layer
    """
    if ctx.document.no_text and ctx.document.status != Status.NOT_EXAMINED:
        reason = ctx.document.reason
        hint = reason.detail if reason and reason.kind is ReasonKind.NO_TEXT_LAYER else ""
        zh_hint = OCR_HINT_ZH.get(hint.split(";")[0], "")
        yield ctx.finding("ML902", WHOLE_FILE, "没有可读取的文字层（扫描件或字形无编码），无法核验密级标志" + zh_hint,
                          "no text layer to read (a scan, or glyphs without Unicode): the marking cannot be verified"
                          + (f"; {hint}" if hint else ""))


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
    # A partial read for want of a text layer is ML902's to report: ML903 would say the same again.
    reason = ctx.document.reason
    if ctx.document.status == Status.PARTIAL and not (reason and reason.kind is ReasonKind.NO_TEXT_LAYER):
        zh, en = _reason(ctx)
        yield ctx.finding("ML903", WHOLE_FILE, f"仅部分检查：{zh}", f"partially examined: {en}")


#: Below this mean confidence, an OCR line in the marking area is not to be trusted.
OCR_LINE_DOUBT = 0.8
#: Below this confidence, one OCR character is unreadable.
OCR_CHAR_DOUBT = 0.6
#: Level words OCR must read with what stands beside them.
LEVEL_WORDS = ("绝密", "机密", "秘密")


def _doubtful_neighbour(unit: TextUnit) -> bool:
    """A level word whose next character (the ★ or the term's first) was read with low confidence."""
    for word in LEVEL_WORDS:
        start = unit.text.find(word)
        while start >= 0:
            after = start + len(word)
            while after < len(unit.text) and unit.text[after].isspace():
                after += 1
            if after < len(unit.char_confidences) and unit.char_confidences[after] < OCR_CHAR_DOUBT:
                return True
            start = unit.text.find(word, start + 1)
    return False


ML904_ZH = (
    "扫描件密级标志位置的 OCR 识别置信度低，请人工查看该页。\n\n"
    "依据：OCR 识别的标志只与扫描质量一样可靠。识别器对标志位置的某行没有把握，或识别出密级（绝密、机密、秘密）却认不出"
    "其后的★或保密期限时，marklint 判断的标志未必是页面上的标志，须由检查人员查看原页面。"
    "（OCR 完全没有识别出文字的扫描件仍报 ML902。）\n\n"
    "错误：模糊扫描件上的`机密★5年`被 OCR 识别为`机密*5年`且`*`不确定，却当作已检查\n\n"
    "正确：报告该扫描件 OCR 置信度低，留待人工查看"
)


@rule("ML904", "ocr-uncertain", "warning", doc_zh=ML904_ZH)
def ocr_uncertain(ctx: Context) -> Iterator[Finding]:
    """The marking area of a scan was read by OCR with low confidence; look at the page.

    Why: a marking read by OCR is only as good as the scan. Where the recogniser was unsure of a line
    at the marking place, or read a level word (绝密, 机密, 秘密) but could not read what stands beside it
    (the ★ or the term), the marking marklint judged may not be the one on the page: the inspector
    must look at the page itself. (A scan where OCR found no text at all stays ML902.)

    Wrong: a blurred scan whose `机密★5年` OCR read as `机密*5年` with the `*` unsure, passed as
    checked

    Right: the scan reported as read by OCR with low confidence, for checking by eye
    """
    doc = ctx.document
    if doc.status == Status.NOT_EXAMINED or doc.no_text:
        return
    scanned = [(index, unit) for index, unit in enumerate(doc.units) if unit.source == "ocr"]
    if not scanned:
        return
    places = ctx.analysis.place_indices
    for index, unit in scanned:
        if index in places and (unit.confidence or 0.0) < OCR_LINE_DOUBT:
            shown = f"{unit.confidence or 0.0:.2f}"
            yield ctx.finding("ML904", unit, f"密级标志位置的文字 OCR 识别置信度低（{shown}），请人工查看该页",
                              f"the marking area was read by OCR with low confidence ({shown}): look at the page")
        elif _doubtful_neighbour(unit):
            yield ctx.finding("ML904", unit, "OCR 识别出密级，但其后的“★”或保密期限无法辨认，请人工查看该页",
                              "OCR read a level word but not the ★ or the term beside it: look at the page")
