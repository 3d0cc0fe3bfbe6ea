"""Issue dates, expiry arithmetic and the ML3xx rules, all with a fixed as-of date."""

from __future__ import annotations

from datetime import date

import pytest

from marklint.analysis import analyse
from marklint.dates import add_term, cn_number
from marklint.model import Document, Duration
from tests.helpers import body, rules_for

AS_OF = date(2026, 11, 27)


def gongwen(marking: str, written: str | None, printed: str | None = None, struck: tuple[int, int] | None = None
            ) -> Document:
    lines = ["000123", marking, "特急", "江川市人民政府文件", "江府发〔2024〕5号", "关于加强汛期安全生产工作的通知",
             "各区人民政府，市政府各部门：", "现将有关事项通知如下。", "江川市人民政府"]
    if written:
        lines.append(written)
    lines.append("（此件发至县级）")
    if printed:
        lines.append(f"江川市人民政府办公室  {printed}印发")
    return body(*lines, struck={1: struck} if struck else None)


@pytest.mark.parametrize(("start", "term", "end"), [
    (date(2024, 3, 5), Duration(1, "年"), date(2025, 3, 5)),
    (date(2024, 8, 31), Duration(6, "月"), date(2025, 2, 28)),
    (date(2024, 2, 29), Duration(1, "年"), date(2025, 2, 28)),
    (date(2024, 2, 29), Duration(4, "年"), date(2028, 2, 29)),
    (date(2023, 12, 31), Duration(2, "月"), date(2024, 2, 29)),
    (date(2024, 3, 5), Duration(15, "日"), date(2024, 3, 20)),
])
def test_calendar_arithmetic(start: date, term: Duration, end: date) -> None:
    assert add_term(start, term) == end


@pytest.mark.parametrize(("text", "value"), [("二〇二四", 2024), ("十", 10), ("十二", 12), ("二十一", 21),
                                             ("三十", 30), ("５", 5), ("15", 15), ("一百", 100)])
def test_cn_number(text: str, value: int) -> None:
    assert cn_number(text) == value


def test_issue_date_is_the_later_of_written_and_printed() -> None:
    analysis = analyse(gongwen("秘密★1年", "2024年3月5日", "2024年3月6日"))
    assert (analysis.written_date, analysis.printed_date, analysis.issue_date, analysis.issue_date_basis) == (
        date(2024, 3, 5), date(2024, 3, 6), date(2024, 3, 6), "印发日期")


def test_issue_date_in_chinese_numerals_and_with_pdf_spaces() -> None:
    assert analyse(gongwen("秘密★1年", "二〇二四年三月五日")).issue_date == date(2024, 3, 5)
    assert analyse(gongwen("秘密★1年", "2024 年 3 月 5 日")).issue_date == date(2024, 3, 5)
    assert analyse(gongwen("秘密★1年", None, "2024 年 3 月 6 日")).issue_date == date(2024, 3, 6)


def test_expired_by_duration() -> None:
    assert rules_for(gongwen("秘密★1年", "2024年3月5日", "2024年3月6日"), AS_OF) == ["ML301"]


def test_expired_by_declassification_date() -> None:
    assert rules_for(gongwen("机密★2026年1月1日", "2024年3月5日"), AS_OF) == ["ML301"]


@pytest.mark.parametrize(("as_of", "expected"), [
    (date(2025, 3, 5), ["ML302"]),  # the day before it ends
    (date(2025, 3, 6), ["ML301"]),  # the day it ends
    (date(2024, 12, 6), ["ML302"]),  # exactly 90 days before: inside the window
    (date(2024, 12, 5), []),  # 91 days before: outside
])
def test_window_boundaries(as_of: date, expected: list[str]) -> None:
    doc = gongwen("秘密★1年", "2024年3月5日", "2024年3月6日")
    assert rules_for(doc, as_of) == expected


def test_expiry_window_setting() -> None:
    doc = gongwen("秘密★1年", "2024年3月5日", "2024年3月6日")
    assert rules_for(doc, date(2024, 12, 5), expiry_window=91) == ["ML302"]
    assert rules_for(doc, date(2025, 3, 5), expiry_window=0) == []


def test_leap_day_term() -> None:
    doc = gongwen("秘密★1年", "2024年2月29日")
    assert analyse(doc).expiry(analyse(doc).primary.marking) == (date(2025, 2, 28), "成文日期")  # type: ignore[union-attr]
    assert rules_for(doc, date(2025, 2, 27)) == ["ML302"]
    assert rules_for(doc, date(2025, 2, 28)) == ["ML301"]


def test_long_term_and_condition_never_expire() -> None:
    assert rules_for(gongwen("机密★长期", "1990年1月1日"), AS_OF) == ["ML203"]
    assert rules_for(gongwen("秘密★项目验收后", "1990年1月1日"), AS_OF) == []


def test_missing_term_assumes_the_default() -> None:
    doc = gongwen("机密★", "2004年3月5日", "2004年3月8日")
    analysis = analyse(doc)
    assert analysis.expiry(analysis.primary.marking) == (date(2024, 3, 8), "assumed default (印发日期)")  # type: ignore[union-attr]
    assert rules_for(doc, AS_OF) == ["ML201", "ML301"]


def test_declassified_document_is_not_expired_nor_conflicting() -> None:
    doc = gongwen("秘密★1年 解密", "2020年3月5日", struck=(0, 5))
    assert analyse(doc).markings[0].struck
    assert rules_for(doc, AS_OF) == []
    # The same marking without strike-through or note is expired.
    assert rules_for(gongwen("秘密★1年", "2020年3月5日"), AS_OF) == ["ML301"]


def test_declassification_note_on_the_next_line() -> None:
    lines = ["000123", "秘密★1年", "已解密", "江府发〔2020〕5号", "2020年3月5日"]
    assert rules_for(body(*lines), AS_OF) == []


def test_no_issue_date() -> None:
    doc = body("秘密★5年", "工作备忘录", "有关事项如下。")
    assert rules_for(doc, AS_OF) == ["ML304"]


def test_metadata_date_is_an_assumption() -> None:
    doc = body("秘密★1年", "工作备忘录", "有关事项如下。")
    doc.properties["core:created"] = "2024-03-05T09:00:00Z"
    analysis = analyse(doc)
    assert analysis.expiry(analysis.primary.marking) == (date(2025, 3, 5), "metadata")  # type: ignore[union-attr]
    assert rules_for(doc, AS_OF) == ["ML301"]


def test_release_blocks_any_marking() -> None:
    doc = gongwen("机密★5年", "2026年3月5日", "2026年3月6日")
    assert rules_for(doc, AS_OF) == []
    assert rules_for(doc, AS_OF, release=True) == ["ML303"]
    declassified = body("秘密★1年", "解密", "2020年3月5日")
    assert rules_for(declassified, AS_OF, release=True) == ["ML303", "ML303"]
