"""Coverage: what marklint could not read (ML901-ML903). A file that was not examined is a finding,
never a silent pass."""

from __future__ import annotations

from collections.abc import Iterator

from marklint.checks.context import Context
from marklint.checks.registry import rule
from marklint.model import Finding, Location, Status

REASON_ZH = {
    "ambiguous": "文件可被解读为两种格式",
    "corrupt": "文件损坏",
    "encrypted": "文件已加密",
    "unsupported format": "不支持的格式",
    "no text layer": "没有文字层",
    "over a safety limit": "超过安全限制",
    "timed out": "处理超时",
    "unreadable": "无法读取",
    "undecodable text": "文字无法解码",
}
#: The partial reason ML902 reports by itself: ML903 would say the same again.
NO_TEXT_LAYER = "no text layer"


def _reason(ctx: Context) -> tuple[str, str]:
    doc = ctx.document
    reason = doc.reason or "unreadable"
    head, _, detail = reason.partition(": ")
    zh = REASON_ZH.get(head, head) + (f"（{detail}）" if detail else "")
    return zh, reason


#: File-level findings point at the file, not at a line.
WHOLE_FILE = Location(page=None, part="body", line=None)


@rule("ML901", "not-examined", "error")
def not_examined(ctx: Context) -> Iterator[Finding]:
    """The file could not be read at all.

    Why: an inspector must know which files were not checked. A corrupt, encrypted or unsupported
    file, or one over a safety limit, may still carry a secret; it is reported, never passed as clean.

    Wrong: a password-protected PDF silently skipped

    Right: the file listed as not examined, with the reason (encrypted), for checking by hand
    """
    if ctx.document.status == Status.NOT_EXAMINED:
        zh, en = _reason(ctx)
        yield ctx.finding("ML901", WHOLE_FILE, f"未能检查：{zh}，请人工核查", f"not examined: {en}; check it by hand")


@rule("ML902", "no-text-layer", "warning")
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


@rule("ML903", "partially-examined", "warning")
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
