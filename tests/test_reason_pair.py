"""A document's reason is a typed pair (kind, detail): parsers set it, reports read it, and the JSON report
keeps its words (markings.md section 8)."""

from __future__ import annotations

import pytest

from marklint.model import Reason, ReasonKind, reason_words
from marklint.reasons import say_reason


@pytest.mark.parametrize(("reason", "words"), [
    (Reason(ReasonKind.CORRUPT, "bad ZIP archive"), "corrupt: bad ZIP archive"),
    (Reason(ReasonKind.ENCRYPTED), "encrypted"),
    (Reason(ReasonKind.NO_TEXT_LAYER), "no text layer"),
    (Reason(ReasonKind.NO_TEXT_LAYER, "OCR is off (--ocr off); run with --ocr auto to read scans"),
     "no text layer; OCR is off (--ocr off); run with --ocr auto to read scans"),
    (Reason(ReasonKind.CORRUPT, "page 2: XML syntax error"), "corrupt: page 2: XML syntax error"),
    (Reason(ReasonKind.EMBEDDED_PARTIAL, "附件.docx"), "embedded document not read whole: 附件.docx"),
])
def test_the_json_words_and_back(reason: Reason, words: str) -> None:
    assert reason_words(reason) == words
    assert Reason.parse(words) == reason


def test_no_reason_and_an_unknown_one() -> None:
    assert reason_words(None) is None
    with pytest.raises(ValueError, match="unknown reason 'eaten by a grue'"):
        Reason.parse("eaten by a grue")


@pytest.mark.parametrize(("reason", "zh", "en"), [
    (Reason(ReasonKind.CORRUPT, "bad ZIP archive"), "文件损坏（ZIP 压缩包损坏）", "corrupt: bad ZIP archive"),
    (Reason(ReasonKind.CORRUPT, "page 3: XML depth"), "文件损坏（第3页：XML 嵌套过深）", "corrupt: page 3: XML depth"),
    (Reason(ReasonKind.NO_TEXT_LAYER, "OCR is off (--ocr off); run with --ocr auto to read scans"),
     "没有文字层（OCR 已关闭，使用 --ocr auto 可识别扫描件）",
     "no text layer; OCR is off (--ocr off); run with --ocr auto to read scans"),
    # The embedded document's name is shown as it is; the kind was English in the Chinese text before.
    (Reason(ReasonKind.EMBEDDED_PARTIAL, "附件.docx"), "嵌入文档未能完整读取（附件.docx）",
     "embedded document not read whole: 附件.docx"),
    (Reason(ReasonKind.TIMED_OUT, "a detail no pattern knows"), "处理超时", "timed out: a detail no pattern knows"),
    (None, "无法读取", "unreadable"),
])
def test_said_in_each_language(reason: Reason | None, zh: str, en: str) -> None:
    assert (say_reason(reason, "zh"), say_reason(reason, "en")) == (zh, en)
