"""The marking recogniser on a table of strings, each with its exact expected result.

Each row: the unit's text, whether a bare level is admitted (a marking place), and the markings
expected as (text, level, term kind, canonical form, the rules that report its defects, in order)."""

from __future__ import annotations

from datetime import date

import pytest

from marklint.checks.registry import rule_of_defect
from marklint.marking import find_scope, recognise, with_term_field
from marklint.model import Duration

IN_PLACE = True
ANYWHERE = False

CASES = [
    # Standard forms: no defects.
    ("机密★5年", ANYWHERE, [("机密★5年", "机密", "duration", "机密★5年", [])]),
    ("秘密★1年", ANYWHERE, [("秘密★1年", "秘密", "duration", "秘密★1年", [])]),
    ("绝密★30年", ANYWHERE, [("绝密★30年", "绝密", "duration", "绝密★30年", [])]),
    ("秘密★6个月", ANYWHERE, [("秘密★6个月", "秘密", "duration", "秘密★6个月", [])]),
    ("机密★15日", ANYWHERE, [("机密★15日", "机密", "duration", "机密★15日", [])]),
    ("秘密★2030年1月1日", ANYWHERE, [("秘密★2030年1月1日", "秘密", "date", "秘密★2030年1月1日", [])]),
    ("秘密★2030年1月1日解密", ANYWHERE,
     [("秘密★2030年1月1日解密", "秘密", "date", "秘密★2030年1月1日解密", [])]),
    ("机密★2031年12月31日前", ANYWHERE,
     [("机密★2031年12月31日前", "机密", "date", "机密★2031年12月31日前", [])]),
    ("机密★会议开始前", ANYWHERE, [("机密★会议开始前", "机密", "condition", "机密★会议开始前", [])]),
    ("秘密★项目验收后", ANYWHERE, [("秘密★项目验收后", "秘密", "condition", "秘密★项目验收后", [])]),
    ("绝密★启用前", ANYWHERE, [("绝密★启用前", "绝密", "condition", "绝密★启用前", [])]),
    ("  机密★5年  ", ANYWHERE, [("机密★5年", "机密", "duration", "机密★5年", [])]),
    ("秘密★10年", ANYWHERE, [("秘密★10年", "秘密", "duration", "秘密★10年", [])]),
    ("机密★20年", ANYWHERE, [("机密★20年", "机密", "duration", "机密★20年", [])]),
    # Companions on the same line: 份号, 紧急程度, a 解密 note.
    ("000123 机密★5年", ANYWHERE, [("机密★5年", "机密", "duration", "机密★5年", [])]),
    ("机密★5年\u3000特急", ANYWHERE, [("机密★5年", "机密", "duration", "机密★5年", [])]),
    ("秘密★1年 解密", ANYWHERE, [("秘密★1年", "秘密", "duration", "秘密★1年", [])]),
    ("秘密★1年（已解密）", ANYWHERE, [("秘密★1年", "秘密", "duration", "秘密★1年", [])]),
    ("秘密★1年 机密★5年", ANYWHERE, [("秘密★1年", "秘密", "duration", "秘密★1年", []),
                                     ("机密★5年", "机密", "duration", "机密★5年", [])]),
    # ML101 other separators.
    ("秘密☆1年", ANYWHERE, [("秘密☆1年", "秘密", "duration", "秘密★1年", ["ML101"])]),
    ("秘密*2年", ANYWHERE, [("秘密*2年", "秘密", "duration", "秘密★2年", ["ML101"])]),
    ("机密＊5年", ANYWHERE, [("机密＊5年", "机密", "duration", "机密★5年", ["ML101"])]),
    ("机密●5年", ANYWHERE, [("机密●5年", "机密", "duration", "机密★5年", ["ML101"])]),
    ("机密·5年", ANYWHERE, [("机密·5年", "机密", "duration", "机密★5年", ["ML101"])]),
    ("绝密⭐30年", ANYWHERE, [("绝密⭐30年", "绝密", "duration", "绝密★30年", ["ML101"])]),
    ("绝密※30年", ANYWHERE, [("绝密※30年", "绝密", "duration", "绝密★30年", ["ML101"])]),
    ("秘密✱1年", ANYWHERE, [("秘密✱1年", "秘密", "duration", "秘密★1年", ["ML101"])]),
    ("秘密✩1年", ANYWHERE, [("秘密✩1年", "秘密", "duration", "秘密★1年", ["ML101"])]),
    # ML102 no separator.
    ("秘密5年", ANYWHERE, [("秘密5年", "秘密", "duration", "秘密★5年", ["ML102"])]),
    ("秘密 10 年", ANYWHERE, [("秘密 10 年", "秘密", "duration", "秘密★10年", ["ML102"])]),
    ("机密长期", ANYWHERE, [("机密长期", "机密", "long-term", "机密★长期", ["ML102", "ML203"])]),
    # ML103 whitespace.
    ("机密 ★ 5年", ANYWHERE, [("机密 ★ 5年", "机密", "duration", "机密★5年", ["ML103"])]),
    ("机 密★5年", ANYWHERE, [("机 密★5年", "机密", "duration", "机密★5年", ["ML103"])]),
    ("秘密★5 年", ANYWHERE, [("秘密★5 年", "秘密", "duration", "秘密★5年", ["ML103"])]),
    ("秘密★ 1年", ANYWHERE, [("秘密★ 1年", "秘密", "duration", "秘密★1年", ["ML103"])]),
    # ML104 brackets.
    ("绝密★（30年）", ANYWHERE, [("绝密★（30年）", "绝密", "duration", "绝密★30年", ["ML104"])]),
    ("【机密】★5年", ANYWHERE, [("【机密】★5年", "机密", "duration", "机密★5年", ["ML104"])]),
    ("机密★(5年)", ANYWHERE, [("机密★(5年)", "机密", "duration", "机密★5年", ["ML104"])]),
    # ML105 numerals.
    ("秘密★五年", ANYWHERE, [("秘密★五年", "秘密", "duration", "秘密★5年", ["ML105"])]),
    ("秘密★５年", ANYWHERE, [("秘密★５年", "秘密", "duration", "秘密★5年", ["ML105"])]),
    ("机密★十年", ANYWHERE, [("机密★十年", "机密", "duration", "机密★10年", ["ML105"])]),
    ("绝密★二十年", ANYWHERE, [("绝密★二十年", "绝密", "duration", "绝密★20年", ["ML105"])]),
    ("秘密★二〇三〇年一月一日", ANYWHERE,
     [("秘密★二〇三〇年一月一日", "秘密", "date", "秘密★2030年1月1日", ["ML105"])]),
    # ML106 units.
    ("秘密★18月", ANYWHERE, [("秘密★18月", "秘密", "duration", "秘密★18个月", ["ML106"])]),
    ("秘密★12个月", ANYWHERE, [("秘密★12个月", "秘密", "duration", "秘密★1年", ["ML106"])]),
    ("秘密★24个月", ANYWHERE, [("秘密★24个月", "秘密", "duration", "秘密★2年", ["ML106"])]),
    ("秘密★30天", ANYWHERE, [("秘密★30天", "秘密", "duration", "秘密★30日", ["ML106"])]),
    ("秘密★一年半", ANYWHERE, [("秘密★一年半", "秘密", "duration", "秘密★18个月", ["ML105", "ML106"])]),
    ("秘密★半年", ANYWHERE, [("秘密★半年", "秘密", "duration", "秘密★6个月", ["ML105", "ML106"])]),
    # ML107 order.
    ("5年★秘密", ANYWHERE, [("5年★秘密", "秘密", "duration", "秘密★5年", ["ML107"])]),
    ("★机密5年", ANYWHERE, [("★机密5年", "机密", "duration", "机密★5年", ["ML107"])]),
    # ML108 form fields.
    ("密级：机密", ANYWHERE, [("密级：机密", "机密", "missing", "", ["ML108", "ML201"])]),
    ("密级：机密保密期限：5年", ANYWHERE,
     [("密级：机密保密期限：5年", "机密", "duration", "机密★5年", ["ML108"])]),
    ("密级: 秘密，保密期限: 10年", ANYWHERE,
     [("密级: 秘密，保密期限: 10年", "秘密", "duration", "秘密★10年", ["ML108"])]),
    ("密级：机密★5年", ANYWHERE, [("密级：机密★5年", "机密", "duration", "机密★5年", ["ML108"])]),
    ("密级：内部", ANYWHERE, []),
    # ML109 non-secret words with a star.
    ("内部★5年", ANYWHERE, [("内部★5年", "内部", "duration", "", ["ML109"])]),
    ("工作秘密★", ANYWHERE, [("工作秘密★", "工作秘密", "missing", "", ["ML109"])]),
    ("商业秘密★3年", ANYWHERE, [("商业秘密★3年", "商业秘密", "duration", "", ["ML109"])]),
    ("内部资料★", ANYWHERE, [("内部资料★", "内部资料", "missing", "", ["ML109"])]),
    ("敏感★1年", ANYWHERE, [("敏感★1年", "敏感", "duration", "", ["ML109"])]),
    # ML110 unknown levels.
    ("绝秘★5年", ANYWHERE, [("绝秘★5年", "绝秘", "duration", "", ["ML110"])]),
    ("机秘★5年", ANYWHERE, [("机秘★5年", "机秘", "duration", "", ["ML110"])]),
    ("极机密★5年", ANYWHERE, [("极机密★5年", "极机密", "duration", "", ["ML110"])]),
    ("绝对机密★10年", ANYWHERE, [("绝对机密★10年", "绝对机密", "duration", "", ["ML110"])]),
    # ML201 missing term.
    ("机密★", ANYWHERE, [("机密★", "机密", "missing", "", ["ML201"])]),
    ("机密", IN_PLACE, [("机密", "机密", "missing", "", ["ML201"])]),
    ("秘\u3000密", IN_PLACE, [("秘\u3000密", "秘密", "missing", "", ["ML103", "ML201"])]),
    ("机密", ANYWHERE, []),
    # ML202 over the maximum.
    ("秘密★15年", ANYWHERE, [("秘密★15年", "秘密", "duration", "秘密★15年", ["ML202"])]),
    ("机密★25年", ANYWHERE, [("机密★25年", "机密", "duration", "机密★25年", ["ML202"])]),
    ("绝密★31年", ANYWHERE, [("绝密★31年", "绝密", "duration", "绝密★31年", ["ML202"])]),
    ("秘密★121个月", ANYWHERE, [("秘密★121个月", "秘密", "duration", "秘密★121个月", ["ML202"])]),
    # ML203 长期.
    ("机密★长期", ANYWHERE, [("机密★长期", "机密", "long-term", "机密★长期", ["ML203"])]),
    # ML204 vague conditions.
    ("秘密★视情况", ANYWHERE, [("秘密★视情况", "秘密", "condition", "秘密★视情况", ["ML204"])]),
    ("秘密★另行通知", ANYWHERE, [("秘密★另行通知", "秘密", "condition", "秘密★另行通知", ["ML204"])]),
    ("机密★适时解密", ANYWHERE, [("机密★适时解密", "机密", "condition", "机密★适时解密", ["ML204"])]),
    ("机密★待定", ANYWHERE, [("机密★待定", "机密", "condition", "机密★待定", ["ML204"])]),
    # ML205 impossible or unreadable dates.
    ("秘密★2029年2月30日", ANYWHERE, [("秘密★2029年2月30日", "秘密", "date", "", ["ML205"])]),
    ("秘密★2030-01-01", ANYWHERE, [("秘密★2030-01-01", "秘密", "date", "", ["ML205"])]),
    ("秘密★2030.1.1", ANYWHERE, [("秘密★2030.1.1", "秘密", "date", "", ["ML205"])]),
    ("秘密★2030年13月1日", ANYWHERE, [("秘密★2030年13月1日", "秘密", "date", "", ["ML205"])]),
    # Not markings (section 7 of the reference).
    ("北京机密电子有限公司", IN_PLACE, []),
    ("BJTU机密文件", IN_PLACE, []),
    ("机密文件", IN_PLACE, []),
    ("本通知所附材料标注“秘密★1年”。", ANYWHERE, []),
    ("“秘密★1年”", ANYWHERE, []),
    ("对标注“秘密★1年”的文件，应当在保密期限届满前进行审核。", ANYWHERE, []),
    ("保守国家秘密是每个公民的义务", IN_PLACE, []),
    ("商业秘密保护办法", IN_PLACE, []),
    ("机密★5年内完成", ANYWHERE, []),
    ("秘密★项目验收后，由办公室负责解密", ANYWHERE, []),
    ("内部5年", ANYWHERE, []),
    ("000123", IN_PLACE, []),
    ("特急", IN_PLACE, []),
    ("2024年3月5日", IN_PLACE, []),
    ("", IN_PLACE, []),
]


@pytest.mark.parametrize(("text", "in_place", "expected"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_recognise(text: str, in_place: bool, expected: list) -> None:
    found = recognise(text, bare_level_ok=in_place)
    got = [(m.text, m.level, m.term.kind, m.canonical, [rule_of_defect(d.kind) for d in m.defects]) for m in found]
    assert got == expected


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 80


def test_term_values() -> None:
    (duration,) = recognise("秘密★18月")
    assert duration.term.duration == Duration(18, "月")
    (until,) = recognise("秘密★2030年1月1日解密")
    assert until.term.until == date(2030, 1, 1)
    (condition,) = recognise("机密★会议开始前")
    assert condition.term.condition == "会议开始前"
    (chinese,) = recognise("绝密★二十年")
    assert chinese.term.duration == Duration(20, "年")


def test_declassified_note() -> None:
    assert [m.declassified_note for m in recognise("秘密★1年 解密")] == [True]
    assert [m.declassified_note for m in recognise("秘密★1年（已解密）")] == [True]
    assert [m.declassified_note for m in recognise("秘密★1年")] == [False]
    assert [m.declassified_note for m in recognise("秘密★1年 于2025年3月6日解密")] == [True]


def test_term_field_completes_a_field_marking() -> None:
    (field,) = recognise("密级：机密")
    completed = with_term_field(field, "保密期限：5年")
    assert completed is not None
    rules = [rule_of_defect(d.kind) for d in completed.defects]
    assert (completed.level, completed.term.duration, completed.canonical, rules) == (
        "机密", Duration(5, "年"), "机密★5年", ["ML108"])
    chinese = with_term_field(field, "保密期限：五年")
    assert chinese is not None and [rule_of_defect(d.kind) for d in chinese.defects] == ["ML108", "ML105"]
    assert with_term_field(field, "主送：各部门") is None


@pytest.mark.parametrize(("text", "scope"), [
    ("（此件发至县级）", "发至县级"),
    ("此件发至县团级", "发至县团级"),
    ("发至省军级", "发至省军级"),
    ("知悉范围：局领导班子成员", "局领导班子成员"),
    ("知悉范围: 办公室全体人员", "办公室全体人员"),
    ("限领导班子成员阅", "限领导班子成员阅"),
    ("（限局领导阅）", "限局领导阅"),
    ("各区人民政府，市政府各部门：", None),
    ("请各单位于3月底前将材料发至市政府办公室，逾期不候，特此通知并请遵照执行。", None),
])
def test_find_scope(text: str, scope: str | None) -> None:
    assert find_scope(text) == scope
