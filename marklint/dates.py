"""Dates as Chinese documents write them, and term arithmetic.

成文日期 and 解密时间 are written ``2024年3月5日`` (Arabic) or ``二〇二四年三月五日`` (Chinese numerals);
PDF extraction may leave spaces between glyphs. Terms are added in calendar arithmetic: 1年 from
2024-03-05 ends 2025-03-05, 6个月 from 2024-08-31 ends 2025-02-28 (the month's last day).
"""

from __future__ import annotations

import calendar
import functools
from datetime import date

from marklint import regex_cache
from marklint.model import Duration

CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

#: A number as it may be written in a term or a date: Arabic, full-width or Chinese.
NUMBER = r"(?:[0-9]+|[０-９]+|[〇零○一二两三四五六七八九十百]+)"
_S = r"[ \u3000]*"  # glyph gaps that PDF extraction may leave inside a date
DATE_PATTERN = regex_cache.compile(
    rf"(?P<year>[0-9]{{4}}|[０-９]{{4}}|[〇零○Ｏ一二三四五六七八九]{{4}}){_S}年{_S}"
    rf"(?P<month>{NUMBER}){_S}月{_S}(?P<day>{NUMBER}){_S}日"
)


def cn_number(text: str) -> int | None:
    """The value of a number written in Arabic, full-width or Chinese numerals (up to 999)."""
    text = text.translate(FULLWIDTH_DIGITS)
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_DIGITS and ch not in "十百" for ch in text):
        return None
    if "十" not in text and "百" not in text:
        # Digit by digit, as years are written: 二〇二四.
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = CN_DIGITS[ch]
    return total + current


def is_arabic(text: str) -> bool:
    return text.isascii() and text.isdigit()


@functools.lru_cache(maxsize=1024)
def make_date(year: str, month: str, day: str) -> date | None:
    """The date the three parts name, or None when it does not exist (2025年2月30日). Memoised: a file
    repeats its dates (cover, 成文日期, 印发日期, markings) and a scan's files share a few."""
    values = [cn_number(part) for part in (year, month, day)]
    if None in values:
        return None
    try:
        return date(*values)  # type: ignore[arg-type]
    except ValueError:
        return None


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


@functools.lru_cache(maxsize=1024)
def add_term(start: date, term: Duration) -> date:
    """The day a term counted from ``start`` ends. Memoised: several rules and the report ask for the
    same expiry of a file."""
    if term.unit == "年":
        return add_months(start, 12 * term.amount)
    if term.unit == "月":
        return add_months(start, term.amount)
    return date.fromordinal(start.toordinal() + term.amount)
