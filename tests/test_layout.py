"""Placement, typography, conflicts, metadata and 份号 (ML111-ML115) on documents built in the model."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from marklint.analysis import analyse
from marklint.model import Document, PageGeometry, StyleSpan, TextUnit
from tests.helpers import body, rules_for

AS_OF = date(2026, 11, 27)
TAIL = ["江川市人民政府文件", "江府发〔2026〕5号", "关于加强汛期安全生产工作的通知", "各区人民政府：", "正文。",
        "江川市人民政府", "2026年3月5日", "（此件发至县级）"]


def gongwen(*head: str, tail: list[str] | None = None) -> Document:
    return body(*head, *(TAIL if tail is None else tail))


def with_unit(doc: Document, index: int, **changes: object) -> Document:
    doc.units[index] = replace(doc.units[index], **changes)
    return doc


def test_standard_gongwen_is_clean() -> None:
    assert rules_for(gongwen("000123", "机密★5年", "特急"), AS_OF) == []


def test_header_only_marking_on_a_gongwen() -> None:
    doc = gongwen("000123", "特急")
    doc.units.insert(0, TextUnit(text="机密★5年", part="header", page=1, line=1))
    assert rules_for(doc, AS_OF) == ["ML111"]


def test_header_disagrees_with_body() -> None:
    doc = gongwen("000123", "机密★5年", "特急")
    doc.units.append(TextUnit(text="秘密★1年", part="header", page=1, line=1))
    assert rules_for(doc, AS_OF) == ["ML113"]


def test_struck_old_marking_beside_new_is_a_recorded_change() -> None:
    doc = body("000123", "秘密★1年 机密★5年", "特急", *TAIL, struck={1: (0, 5)})
    assert rules_for(doc, AS_OF) == []


def test_compilation_cover_lower_than_inside() -> None:
    doc = gongwen("000123", "秘密★5年", "特急")
    doc.units.append(TextUnit(text="机密★10年", part="body", page=2, line=1))
    assert rules_for(doc, AS_OF) == ["ML113"]
    lower_inside = gongwen("000123", "机密★10年", "特急")
    lower_inside.units.append(TextUnit(text="秘密★5年", part="body", page=2, line=1))
    assert rules_for(lower_inside, AS_OF) == []


def test_top_right_is_info_before_2012_and_warning_after() -> None:
    old = with_unit(gongwen("000045", "机密★20年", tail=[*TAIL[:-2], "2010年5月10日"]), 1, align="right")
    new = with_unit(gongwen("000045", "机密★5年"), 1, align="right")
    from marklint.checks.context import Context
    from marklint.checks.layout import misplaced_marking
    from marklint.config import Settings

    assert [f.severity.value for f in misplaced_marking(Context(old, Settings(as_of=AS_OF)))] == ["info"]
    assert [f.severity.value for f in misplaced_marking(Context(new, Settings(as_of=AS_OF)))] == ["warning"]


def test_top_right_in_pdf_by_position() -> None:
    doc = gongwen("000123", "机密★5年", "特急")
    doc.geometry = PageGeometry(595.3, 841.9)
    with_unit(doc, 1, bbox=(430.0, 130.0, 516.0, 146.0))
    assert rules_for(doc, AS_OF) == ["ML111"]


def test_typography() -> None:
    def typed(font: str, size: float) -> Document:
        return with_unit(gongwen("000123", "机密★5年", "特急"), 1, spans=(StyleSpan(0, 5, font=font, size=size),))

    assert rules_for(typed("黑体", 16), AS_OF) == []
    assert rules_for(typed("ABCDEF+SimHei", 16.3), AS_OF) == []
    assert rules_for(typed("NotoSansCJKsc-Regular", 16), AS_OF) == []
    assert rules_for(typed("WenQuanYiZenHei", 16), AS_OF) == []
    assert rules_for(typed("仿宋_GB2312", 16), AS_OF) == ["ML112"]
    assert rules_for(typed("NotoSerifCJKsc-Regular", 16), AS_OF) == ["ML112"]
    assert rules_for(typed("黑体", 12), AS_OF) == ["ML112"]


def test_metadata_labels() -> None:
    doc = gongwen("000123", "机密★5年", "特急")
    doc.properties["custom:密级"] = "秘密"
    assert rules_for(doc, AS_OF) == ["ML114"]
    doc.properties["custom:密级"] = "机密"
    assert rules_for(doc, AS_OF) == []
    doc.properties["custom:SecurityLevel"] = "SECRET"  # 机密 in Chinese vendors' words
    assert rules_for(doc, AS_OF) == []
    unmarked = body("关于召开会议的通知", "正文。")
    unmarked.properties["custom:SecurityLevel"] = "SECRET"
    assert rules_for(unmarked, AS_OF) == ["ML114"]
    unmarked.properties["custom:SecurityLevel"] = "PUBLIC"
    assert rules_for(unmarked, AS_OF) == []


def test_purview_label_only_when_enabled() -> None:
    doc = gongwen("000123", "秘密★2年", "特急")
    doc.properties["custom:MSIP_Label_1b2c3d4e-0000-4000-8000-000000000001_Name"] = "机密"
    doc.properties["custom:MSIP_Label_1b2c3d4e-0000-4000-8000-000000000001_Enabled"] = "true"
    assert rules_for(doc, AS_OF) == ["ML114"]
    doc.properties["custom:MSIP_Label_1b2c3d4e-0000-4000-8000-000000000001_Enabled"] = "false"
    assert rules_for(doc, AS_OF) == []


def test_copy_number() -> None:
    assert rules_for(gongwen("机密★5年", "特急"), AS_OF) == ["ML115"]
    assert rules_for(gongwen("12345", "机密★5年", "特急"), AS_OF) == ["ML115"]
    assert rules_for(gongwen("000123", "特急", "机密★5年"), AS_OF) == ["ML115"]
    assert rules_for(gongwen("000123", "机密★5年", "紧急"), AS_OF) == ["ML115"]
    # Not a 公文 (no 发文字号, no 文件 mark, no 印发 line): no 份号 needed.
    assert rules_for(body("机密★5年", "研究报告", "正文。", "2026年3月5日", "知悉范围：局领导"), AS_OF) == []


def test_a_marking_quoted_on_its_own_line_mid_body_is_not_a_marking() -> None:
    notice = body("江川市保密局文件", "江保发〔2026〕3号", "关于规范国家秘密标志的通知", "各单位：",
                  "国家秘密标志由密级、★和保密期限组成，例如：", "秘密★1年", "请各单位对照检查。",
                  "江川市保密局", "2026年3月5日")
    assert [m.marking.text for m in analyse(notice).markings] == []
    assert rules_for(notice, AS_OF) == []


def test_an_attachment_marking_at_the_top_of_a_later_page_is_a_marking() -> None:
    doc = gongwen("000123", "机密★10年", "特急")
    doc.units += [TextUnit(text="附件", part="body", page=3, line=1),
                  TextUnit(text="机密★5年", part="body", page=3, line=2),
                  TextUnit(text="江川市防汛应急预案", part="body", page=3, line=3),
                  TextUnit(text="一、总则", part="body", page=3, line=4),
                  TextUnit(text="秘密★1年", part="body", page=3, line=9)]  # mid-page: a quotation
    assert [(m.marking.text, m.unit.page) for m in analyse(doc).markings] == [("机密★10年", 1), ("机密★5年", 3)]
