"""What the readers of fixed-layout formats (PDF, OFD) share: which pages are read, which lines are a
running header or footer, and when a page has no readable text layer."""

from __future__ import annotations

from dataclasses import replace

from marklint.limits import Limits
from marklint.model import Document, Status, TextUnit
from marklint.parsers.glyphs import PageText
from marklint.parsers.pdf_lines import page_units

#: Page 1 counts as having no text layer when more than this share of its glyphs is undecodable.
UNDECODABLE_SHARE = 0.5
#: Share of the page height at the top and bottom where running headers and footers stand.
RUNNING_BAND = 0.15


def pages_to_read(page_count: int, limits: Limits) -> list[int]:
    """0-based indices of the pages read: the first ``max_pdf_pages_read - 1`` pages and the last."""
    budget = max(1, limits.max_pdf_pages_read)
    if budget == 1 or page_count == 1:
        return [0]
    head = list(range(min(budget - 1, page_count)))
    return head + ([page_count - 1] if page_count - 1 not in head else [])


def add_page(doc: Document, read: PageText, index: int, limits: Limits) -> None:
    """Add the lines of page ``index`` (0-based) to ``doc``: page 1's first lines (the marking and a
    cover), the last page's last lines (成文日期, 版记)."""
    units = page_units(read, index + 1, limits)
    if index == 0:
        doc.no_text = no_text(read)
        if doc.no_text:
            # Read, but the marking place could not be: not complete (ML902 reports it).
            doc.status, doc.reason = Status.PARTIAL, "no text layer"
        units = units[: limits.max_body_units_kept]
    elif index == (doc.page_count or 1) - 1:
        units = units[-limits.max_tail_units_kept :] if limits.max_tail_units_kept > 0 else []
    doc.units.extend(units)


def mark_running_lines(doc: Document) -> None:
    """Lines that repeat at the same place in the top or bottom band of the first and last pages are a
    running header or footer: a fixed-layout file keeps no parts, so repetition is the evidence."""
    if doc.geometry is None or (doc.page_count or 1) < 2:
        return
    height, last = doc.geometry.height, doc.page_count

    def band(unit: TextUnit) -> str | None:
        top = unit.bbox[1] if unit.bbox else height / 2
        return "header" if top < height * RUNNING_BAND else "footer" if top > height * (1 - RUNNING_BAND) else None

    def repeats(unit: TextUnit, page: int | None) -> bool:
        return any(other.page == page and other.text.strip() == unit.text.strip() and other.bbox and unit.bbox
                   and abs(other.bbox[1] - unit.bbox[1]) < 3 for other in doc.units)

    for position, unit in enumerate(doc.units):
        part = band(unit) if unit.page in (1, last) else None
        if part and repeats(unit, last if unit.page == 1 else 1):
            doc.units[position] = replace(unit, part=part)


def no_text(page: PageText) -> bool:
    """True when a page shows nothing readable: only images, or mostly undecodable glyphs."""
    if page.decodable + page.undecodable == 0:
        return page.has_image
    return page.undecodable > UNDECODABLE_SHARE * (page.decodable + page.undecodable)
