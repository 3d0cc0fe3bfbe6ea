"""Issue 13, part B: the document's level and primary marking, the 份号 on the marking line, adjacent
markings, decision notes, look-alike characters and the issuer, on model documents built directly and on
the fixtures made for them (DOCX and its PDF export alike)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from marklint.analysis import analyse
from marklint.checks.context import Context
from marklint.checks.registry import all_rules, catalogue, run_checks
from marklint.config import Settings
from marklint.driver import scan_paths
from marklint.marking import CHANGED, DECISION_NOTES, DECLASSIFIED, EXTENDED, decision_note, recognise
from marklint.model import Defect, DefectKind, Document, Severity, StyleSpan, TextUnit
from marklint.report.stats import Statistics
from tests.helpers import body, rules_for

AS_OF = date(2026, 11, 27)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def findings(doc: Document, **options: object) -> list[tuple[str, str]]:
    settings = Settings(as_of=AS_OF, **options)  # type: ignore[arg-type]
    all_rules()
    return sorted((f.rule, f.message) for f in run_checks(Context(doc, settings), settings.enabled_rules(catalogue())))


def with_header(header: str, *lines: str, properties: dict[str, str] | None = None) -> Document:
    """A document with a page header on both of its pages and ``lines`` as page 1's body."""
    doc = body(*lines)
    units = [TextUnit(header, "header", 1, 1), *doc.units, TextUnit("附：说明", "body", 2, 1),
             TextUnit(header, "header", 2, 1)]
    return Document(path="test.docx", format="docx", units=units, properties=properties or {})


# Class 2: the document's level is the highest marking in force in its marking places; the primary marking
# is the one in the canonical place, else the highest.

REPORT = ("江川市水资源调查研究报告", "密级：秘密", "一、调查背景", "江川市水利局", "2020年3月5日")


def test_a_lower_field_under_the_title_neither_sets_the_level_nor_becomes_primary() -> None:
    doc = with_header("机密★5年", *REPORT, properties={"custom:密级": "机密"})
    analysis = analyse(doc)
    assert analysis.level == "机密"
    assert analysis.primary is not None and analysis.primary.marking.text == "机密★5年"
    # Expiry from the primary's 5年 (2025-03-05, expired), not the field's missing term (10 years assumed).
    assert analysis.expiry(analysis.primary.marking) == (date(2025, 3, 5), "成文日期")
    # ML114 compares the metadata (机密) with the primary: they agree.
    assert rules_for(doc) == ["ML108", "ML113", "ML201", "ML301"]
    ml113 = [message for rule, message in findings(doc) if rule == "ML113"]
    assert ml113 == ["密级标志“密级：秘密”与“机密★5年”不一致，且旧标志未作删除标记"]


def test_metadata_is_compared_with_the_primary_marking() -> None:
    doc = with_header("机密★5年", *REPORT, properties={"custom:密级": "秘密"})
    ml114 = [message for rule, message in findings(doc) if rule == "ML114"]
    assert ml114 == ["元数据“custom:密级”标为秘密（“秘密”），与页面标志“机密★5年”不一致"]


def test_the_canonical_place_gives_the_primary_even_when_a_header_is_higher() -> None:
    doc = with_header("机密★5年", "秘密★1年", "江川市人民政府文件", "江府发〔2026〕5号", "2026年3月5日")
    analysis = analyse(doc)
    assert analysis.primary is not None and analysis.primary.marking.text == "秘密★1年"
    assert analysis.level == "机密"
    assert [(rule, message) for rule, message in findings(doc) if rule == "ML113"] == [
        ("ML113", "密级标志“机密★5年”与“秘密★1年”不一致，且旧标志未作删除标记")]


@pytest.mark.parametrize("first", ["000123", "份号：000123", "１２３４５", "000123　特急"])
def test_the_copy_number_line_is_part_of_the_canonical_place(first: str) -> None:
    doc = with_header("机密★5年", first, "秘密★1年", "江川市人民政府文件", "江府发〔2026〕5号", "2026年3月5日")
    analysis = analyse(doc)
    assert analysis.top_end == 3  # after the header (0), the 份号 (1) and the marking (2): the 发文机关标志
    assert analysis.primary is not None and analysis.primary.marking.text == "秘密★1年"


def test_without_a_canonical_marking_the_highest_is_primary() -> None:
    doc = with_header("秘密★1年", "关于防汛工作的报告", "机密★5年", "2026年3月5日")
    analysis = analyse(doc)
    assert analysis.top_end == 1  # the title ends the marking lines
    assert analysis.primary is not None and analysis.primary.marking.text == "机密★5年"
    assert analysis.level == "机密"


def test_a_declassified_marking_has_no_level_and_no_expiry_finding() -> None:
    doc = body("000123", "秘密★1年", "已于2021年3月6日解密", "江川市人民政府文件", "江府发〔2020〕5号",
               "2020年3月5日")
    analysis = analyse(doc)
    assert analysis.level is None
    assert analysis.primary is not None and analysis.decision(analysis.primary) == DECLASSIFIED
    assert rules_for(doc) == []


@pytest.mark.parametrize("note", ["已解密", "密级变更为机密"])
def test_an_old_marking_with_a_note_beside_its_replacement_is_a_recorded_change(note: str) -> None:
    doc = body("000123", f"秘密★1年（{note}）", "机密★5年", "江川市人民政府文件", "江府发〔2026〕5号", "2026年3月5日")
    analysis = analyse(doc)
    assert analysis.primary is not None and analysis.primary.marking.text == "机密★5年"
    assert analysis.level == "机密"
    assert rules_for(doc) == []


def test_a_running_copy_of_a_declassified_marking_is_declassified_too() -> None:
    doc = with_header("秘密★1年", "秘密★1年", "解密", "江川市水利局", "2020年3月5日")
    assert analyse(doc).level is None


def test_statistics_count_the_document_by_its_level_and_its_term_by_the_primary() -> None:
    report = scan_paths([str(FIXTURES / "docx" / "level_header_over_field.docx")], Settings(as_of=AS_OF))
    result = report.files[0]
    assert result.level == "机密" and result.to_json()["level"] == "机密"
    stats = Statistics(AS_OF)
    stats.add(result)
    data = stats.to_json()
    assert {k: n for k, n in data["by_level"].items() if n} == {"机密": 1}
    assert {k: n for k, n in data["by_term"].items() if n} == {"duration_1_5y": 1}
    assert data["by_expiry_year"] == {"2025": 1, "none": 0}


def test_the_json_level_is_null_without_a_marking_in_force() -> None:
    report = scan_paths([str(FIXTURES / "pdf" / "declassified_note_below.pdf")], Settings(as_of=AS_OF))
    entry = report.to_json()["files"][0]
    assert entry["level"] is None
    assert [(m["text"], m["primary"]) for m in entry["markings"]] == [("秘密★1年", True)]


def test_a_compilation_has_the_level_of_its_highest_part_and_is_judged_by_its_cover() -> None:
    doc = body("秘密★5年", "江川市防汛抗旱工作资料汇编", "2026年3月5日")
    doc.units += [TextUnit("机密★10年", "body", 2, 1), TextUnit("2026年主汛期水情形势分析（摘编）", "body", 2, 2)]
    analysis = analyse(doc)
    assert analysis.primary is not None and analysis.primary.marking.text == "秘密★5年"
    assert analysis.level == "机密"
    assert rules_for(doc) == ["ML113"]


def test_an_unmarked_notice_with_a_marked_attachment_has_the_attachments_level() -> None:
    doc = body("关于做好防汛工作的通知", "各区人民政府：", "正文。", "2026年3月5日")
    doc.units += [TextUnit("秘密★1年", "body", 2, 1), TextUnit("附件：防汛物资清单", "body", 2, 2)]
    assert analyse(doc).level == "秘密"


# Class 4: the 1999 layout on one line.

GONGWEN_2010 = ("江川市人民政府文件", "江府发〔2010〕5号", "江川市人民政府", "2010年5月10日")


def test_a_copy_number_on_the_marking_line_is_the_copy_number() -> None:
    doc = body("000231\t机密★20年", *GONGWEN_2010)
    found = findings(doc)
    assert [rule for rule, _ in found] == ["ML111"]
    assert found[0][1].startswith("密级标志“机密★20年”位于右上角（1999年版公文格式）")
    all_rules()
    settings = Settings(as_of=AS_OF)
    severities = {f.severity for f in run_checks(Context(doc, settings), ["ML111"])}
    assert severities == {Severity.INFO}


def test_a_short_copy_number_on_the_marking_line_is_a_malformed_copy_number() -> None:
    doc = body("00231\t机密★20年", *GONGWEN_2010)
    assert ("ML115", "份号“00231\t机密★20年”应为6位阿拉伯数字") in findings(doc)


def test_a_classified_gongwen_without_any_copy_number_still_lacks_one() -> None:
    assert rules_for(body("机密★20年", *GONGWEN_2010)) == ["ML115"]


# Class 5: a struck marking directly followed by its replacement.

def test_adjacent_markings_are_split() -> None:
    assert [(m.text, m.start, m.end) for m in recognise("秘密★2年机密★10年")] == [
        ("秘密★2年", 0, 5), ("机密★10年", 5, 11)]
    assert [m.text for m in recognise("机密★10年秘密★2年")] == ["机密★10年", "秘密★2年"]


def test_the_struck_marking_is_a_recorded_change_and_the_new_one_is_primary() -> None:
    doc = body("000123", "秘密★2年机密★10年", "江川市人民政府文件", "江府发〔2026〕5号", "2026年3月5日",
               struck={1: (0, 5)})
    analysis = analyse(doc)
    assert [(m.marking.text, m.struck) for m in analysis.markings] == [("秘密★2年", True), ("机密★10年", False)]
    assert analysis.primary is not None and analysis.primary.marking.text == "机密★10年"
    assert rules_for(doc) == []


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_struck_and_replacement_fixture(fmt: str) -> None:
    entry = scan_paths([str(FIXTURES / fmt / f"struck_replaced_same_line.{fmt}")], Settings(as_of=AS_OF)).to_json()
    markings = entry["files"][0]["markings"]
    assert [(m["text"], m["level"], m["struck"], m["primary"]) for m in markings] == [
        ("秘密★2年", "秘密", True, False), ("机密★10年", "机密", False, True)]
    assert entry["files"][0]["level"] == "机密"


# Class 7: the notes that record a decision, in one table.

@pytest.mark.parametrize(("note", "meaning"), [
    ("已于2024年6月1日解密", DECLASSIFIED), ("于2024年6月1日解密", DECLASSIFIED), ("已解密", DECLASSIFIED),
    ("解密", DECLASSIFIED), ("解密日期：2024年6月1日", DECLASSIFIED), ("经审核，于2024年6月1日解密", DECLASSIFIED),
    ("经审核，本件自2024年6月1日起解密", DECLASSIFIED), ("经审核，予以解密", DECLASSIFIED), ("解　密", DECLASSIFIED),
    ("【解密】", DECLASSIFIED), ("延长保密期限至2030年12月31日", EXTENDED), ("经审核，延长保密期限至10年", EXTENDED),
    ("保密期限延长至15年", EXTENDED), ("密级变更为机密", CHANGED), ("经审核，变更为机密★10年", CHANGED),
])
def test_decision_notes(note: str, meaning: str) -> None:
    assert decision_note(note) == meaning


@pytest.mark.parametrize("text", ["经审核，不予解密", "解密时间：2030年1月1日", "本文件已解密是因为保密期限届满",
                                  "延长", "变更", "2024年6月1日"])
def test_not_decision_notes(text: str) -> None:
    assert decision_note(text) is None


def test_the_table_has_only_the_three_meanings() -> None:
    assert {meaning for meaning, _, _ in DECISION_NOTES} == {DECLASSIFIED, EXTENDED, CHANGED}


EXPIRED = ("000123", "秘密★1年", "江川市人民政府文件", "江府发〔2020〕5号", "2020年3月5日")


def test_an_expired_marking_without_a_note_is_reported() -> None:
    assert rules_for(body(*EXPIRED)) == ["ML301"]


@pytest.mark.parametrize("note", ["已于2021年3月6日解密", "经审核，保密期限延长至10年", "延长保密期限至2030年3月5日",
                                  "密级变更为机密", "解密日期：2021年3月6日"])
def test_a_note_below_the_marking_records_the_review(note: str) -> None:
    lines = list(EXPIRED)
    lines.insert(2, note)
    assert rules_for(body(*lines)) == []


@pytest.mark.parametrize("marking", ["秘密★1年 已于2021年3月6日解密", "秘密★1年（保密期限延长至5年）",
                                     "秘密★1年　经审核，于2021年3月6日解密"])
def test_a_note_on_the_marking_line_records_the_review(marking: str) -> None:
    lines = list(EXPIRED)
    lines[1] = marking
    assert rules_for(body(*lines)) == []


def test_an_extension_note_silences_expiring_soon() -> None:
    lines = ["000123", "秘密★1年", "江川市人民政府文件", "江府发〔2025〕5号", "2025年12月22日"]
    assert rules_for(body(*lines)) == ["ML302"]
    lines.insert(2, "保密期限延长至3年")
    assert rules_for(body(*lines)) == []


def test_a_declassification_seal_in_a_text_box_on_the_page_records_the_review() -> None:
    doc = body(*EXPIRED)
    doc.units.append(TextUnit("江川市保密局", "textbox", 1, 1))
    doc.units.append(TextUnit("解密专用章", "textbox", 1, 2))
    assert rules_for(doc) == []


def test_a_declassification_note_is_still_a_mark_on_release() -> None:
    lines = list(EXPIRED)
    lines.insert(2, "已于2021年3月6日解密")
    assert rules_for(body(*lines), release=True) == ["ML303", "ML303"]


# Class 8: invisible characters and compatibility ideographs.

INVISIBLE = ["\u200d", "\u200c", "\u200b", "\ufeff", "\u00ad", "\u2060", "\u200e", "\u200f", "\u202b", "\u202c",
             "\u2066", "\u2069", "\ufe0f", "\ufe0e", "\U000e0100"]


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
@pytest.mark.parametrize("where", [1, 3, 0, 5])  # inside the level, after ★, before it, after it
def test_invisible_characters_are_read_through_and_reported(char: str, where: int) -> None:
    text = "机密★5年"[:where] + char + "机密★5年"[where:]
    (marking,) = recognise(text)
    assert (marking.level, marking.canonical) == ("机密", "机密★5年")
    assert marking.term.duration is not None and marking.term.duration.amount == 5
    assert marking.defects == (Defect(DefectKind.INVISIBLE, f"U+{ord(char):04X}"),)
    # Offsets point into the text as written.
    assert text[marking.start:marking.end].strip().replace(char, "") == "机密★5年"


def test_invisible_characters_keep_offsets_for_strike_through() -> None:
    text = "秘\u200d密★2年机\u200d密★10年"
    first, second = recognise(text)
    assert (text[first.start:first.end], text[second.start:second.end]) == ("秘\u200d密★2年", "机\u200d密★10年")
    doc = body("000123", text, "江川市人民政府文件", "江府发〔2026〕5号", "2026年3月5日", struck={1: (0, 6)})
    analysis = analyse(doc)
    assert [(m.marking.level, m.struck) for m in analysis.markings] == [("秘密", True), ("机密", False)]


def test_invisible_characters_have_their_own_message() -> None:
    doc = body("000123", "机\u200d密★5年", "江川市人民政府文件", "江府发〔2026〕5号", "2026年3月5日")
    assert findings(doc) == [("ML103", "“机\u200d密★5年”中有不可见字符（U+200D），应为“机密★5年”")]
    assert findings(doc, lang="en") == [
        ("ML103", "\"机\u200d密★5年\" contains invisible characters (U+200D); should be \"机密★5年\"")]


def test_spaces_and_invisible_characters_are_two_findings() -> None:
    doc = body("000123", "机密 ★ 5\u2060年", "江川市人民政府文件", "江府发〔2026〕5号", "2026年3月5日")
    assert [rule for rule, _ in findings(doc)] == ["ML103", "ML103"]


@pytest.mark.parametrize(("text", "unit", "code"), [
    ("机密★5\uf98e", "年", "U+F98E"), ("秘密★30\u2f47", "日", "U+2F47"), ("秘密★6个\u2f49", "月", "U+2F49"),
    ("秘密★6个\u2e9d", "月", "U+2E9D"),
])
def test_compatibility_ideographs_in_the_term_are_read_and_reported(text: str, unit: str, code: str) -> None:
    (marking,) = recognise(text)
    assert marking.term.duration is not None and marking.term.duration.unit == unit
    assert list(marking.defects) == [Defect(DefectKind.COMPATIBILITY_UNIT, f"{text[-1]} {code}→{unit}")]
    doc = body("000123", text, "江川市人民政府文件", "江府发〔2026〕5号", "2026年3月5日")
    (finding,) = [found for found in findings(doc) if found[0] == "ML106"]  # short terms have expired too
    assert f"兼容汉字或部首（{text[-1]} {code}→{unit}）" in finding[1]


# Class 9: look-alikes.

@pytest.mark.parametrize(("text", "level", "chars"), [
    ("機密★5年", "机密", "機 U+6A5F"), ("祕密★1年", "秘密", "祕 U+7955"), ("絕密★30年", "绝密", "絕 U+7D55"),
    ("絶密★30年", "绝密", "絶 U+7D76"),
])
def test_traditional_levels_are_recognised_and_reported(text: str, level: str, chars: str) -> None:
    (marking,) = recognise(text)
    assert (marking.level, marking.text) == (level, text)
    assert list(marking.defects) == [Defect(DefectKind.TRADITIONAL_LEVEL, chars)]
    doc = body("000123", text, "江川市人民政府文件", "江府发〔2026〕5号", "2026年3月5日")
    canonical = marking.canonical
    assert findings(doc) == [("ML110", f"“{text}”的密级使用繁体字（{chars}），应为规范汉字“{canonical}”")]
    assert analyse(doc).level == level


@pytest.mark.parametrize("text", ["極機密★10年", "絕對機密★10年"])
def test_taiwans_levels_are_unknown_levels_not_traditional_ones(text: str) -> None:
    (marking,) = recognise(text)
    assert list(marking.defects) == [Defect(DefectKind.UNKNOWN_LEVEL, text.split("★")[0])]


def test_a_traditional_level_in_a_company_name_is_no_marking() -> None:
    assert recognise("北京機密電子有限公司") == []


@pytest.mark.parametrize("star", ["⭑", "✭", "🟊", "✯", "✪", "✶", "✴", "⭒", "🟉"])
def test_other_star_glyphs_are_nonstandard_separators(star: str) -> None:
    (marking,) = recognise(f"机密{star}5年")
    assert list(marking.defects) == [Defect(DefectKind.OTHER_SEPARATOR, star)]
    assert marking.canonical == "机密★5年"


# Class 11: the issuer.

LETTER_HEAD = ("000123", "秘密★2年", "江川市人民政府办公室", "江政办函〔2026〕12号",
               "江川市人民政府办公室关于报送防汛物资储备情况的函", "市应急管理局：", "特此函告。")


def test_a_letters_issuer_is_its_head() -> None:
    doc = body(*LETTER_HEAD, "（此处添加印章图片或文字说明）", "2026年3月5日")
    assert analyse(doc).issuer == "江川市人民政府办公室"


def test_a_seal_placeholder_is_not_the_signature() -> None:
    doc = body("秘密★2年", "关于防汛物资的报告", "正文。", "江川市应急管理局", "（此处添加印章图片或文字说明）",
               "2026年3月5日")
    assert analyse(doc).issuer == "江川市应急管理局"
    doc = body("秘密★2年", "关于防汛物资的报告", "正文。", "江川市应急管理局", "（盖章）", "2026年3月5日")
    assert analyse(doc).issuer == "江川市应急管理局"


def test_a_placeholder_alone_names_no_issuer() -> None:
    doc = body("秘密★2年", "关于防汛物资的报告", "正文内容如下。", "（此处添加印章图片或文字说明）", "2026年3月5日")
    assert analyse(doc).issuer is None


def test_the_issuer_table_authority_applies_to_a_letter() -> None:
    doc = body(*LETTER_HEAD[:1], "机密★5年", *LETTER_HEAD[2:], "2026年3月5日")
    settings = {"issuers": {"江川市人民政府办公室": "秘密"}}
    assert rules_for(doc, **settings) == ["ML401"]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_letter_fixture_issuer(fmt: str) -> None:
    (result,) = scan_paths([str(FIXTURES / fmt / f"letter_issuer.{fmt}")], Settings(as_of=AS_OF)).files
    assert (result.issuer, result.level) == ("江川市人民政府办公室", "秘密")


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_level_fixture_in_both_formats(fmt: str) -> None:
    entry = scan_paths([str(FIXTURES / fmt / f"level_header_over_field.{fmt}")], Settings(as_of=AS_OF)).to_json()
    file = entry["files"][0]
    assert file["level"] == "机密"
    assert [(m["text"], m["level"], m["primary"], m["expires"]) for m in file["markings"]] == [
        ("机密★5年", "机密", True, "2025-03-05"), ("密级：秘密", "秘密", False, "2030-03-05")]


def test_struck_spans_on_normalised_text_use_the_written_offsets() -> None:
    unit = TextUnit("秘密★2年机密★10年", "body", 1, 1, spans=(StyleSpan(0, 5, struck=True),))
    assert unit.is_struck(0, 5) and not unit.is_struck(5, 11)
