"""What the readers of fixed-layout formats (PDF, OFD) share: which pages are read, which lines are header
or footer text (by place, or by repetition), and when a page has no readable text layer."""

from __future__ import annotations

from dataclasses import replace

from marklint.limits import Limits
from marklint.model import Document, Reason, ReasonKind, Status, TextUnit
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


def read_past_blank(doc: Document, index: int, indices: list[int], limits: Limits) -> int | None:
    """After page ``index`` is read: when no page read so far has body text, the next page goes into
    ``indices`` (the pages being read, in order) right after it, and is returned. A blank first page (a
    separator, the back of a scanned cover) holds no marking: the pages after it are read until one has
    body text, at most ``max_blank_lead_pages`` of them (README "Where marklint looks")."""
    following = index + 1
    if (following >= (doc.page_count or 1) or following in indices or following > limits.max_blank_lead_pages
            or any(unit.part == "body" for unit in doc.units)):
        return None
    indices.insert(indices.index(index) + 1, following)
    return following


def add_page(doc: Document, read: PageText, index: int, limits: Limits) -> None:
    """Add the lines of page ``index`` (0-based) to ``doc``: the first lines of the pages before the last
    (the marking and a cover), the last page's last lines (成文日期, 版记)."""
    units = page_units(read, index + 1, limits)
    if doc.geometry is not None:
        units = in_zones(units, doc.geometry.height)
    if index == 0:
        doc.no_text = no_text(read)
        if doc.no_text:
            # Read, but the marking place could not be: not complete (ML902 reports it).
            doc.status, doc.reason = Status.PARTIAL, Reason(ReasonKind.NO_TEXT_LAYER)
    if index == (doc.page_count or 1) - 1 and index != 0:
        units = units[-limits.max_tail_units_kept :] if limits.max_tail_units_kept > 0 else []
    else:
        units = units[: limits.max_body_units_kept]
    doc.units.extend(units)


MM = 72 / 25.4
#: The type area of GB/T 9704-2012 5.2.1 on A4: 37 mm from the top edge, 35 mm from the bottom.
TYPE_AREA_TOP = 37 * MM
TYPE_AREA_BOTTOM = 35 * MM
#: Headers and footers are set within this distance of the page edge (GB/T 9704 templates put the header
#: about 15 mm from the top and the page number about 25 mm from the bottom; Word and WPS 12.7-15 mm); no
#: type area starts this close to the edge (Word's default margin is 25.4 mm).
RUNNING_EDGE = 26 * MM
#: The blank band between a header and the type area reaches down to about the type area's edge; this
#: much short of it still counts (a first line set a little high).
ZONE_SLACK = 2 * MM


def in_zones(units: list[TextUnit], height: float) -> list[TextUnit]:
    """Lines above the type area are header text and lines below it footer text, whether or not they
    repeat on other pages (a first-page-only header): docs/formats.md. A line near the
    edge counts only when blank space separates it from the type area: on a page with narrow margins the
    first and last lines of the body stand that close to the edge too, with no such gap."""
    boxes = [unit.bbox for unit in units if unit.bbox is not None]
    # Only lines that start above the type area can deny a header its gap (and only lines that end below it
    # a footer): the same test as all(top >= TYPE_AREA_TOP - ZONE_SLACK for top in ... if top > box[3]),
    # against these few instead of every line.
    header_edge, footer_edge = TYPE_AREA_TOP - ZONE_SLACK, height - TYPE_AREA_BOTTOM + ZONE_SLACK
    high_tops = [box[1] for box in boxes if not _in_band(box, height, True) and not box[1] >= header_edge]
    low_bottoms = [box[3] for box in boxes if not _in_band(box, height, False) and not box[3] <= footer_edge]
    out = []
    for unit in units:
        box = unit.bbox
        if box is not None and _in_band(box, height, True) and not any(top > box[3] for top in high_tops):
            unit = replace(unit, part="header")
        elif box is not None and _in_band(box, height, False) and not any(
                bottom < box[1] for bottom in low_bottoms):
            unit = replace(unit, part="footer")
        out.append(unit)
    return out


def _in_band(box: tuple[float, float, float, float], height: float, top_edge: bool) -> bool:
    """The box lies outside the type area and near the page's top (or bottom) edge."""
    middle = (box[1] + box[3]) / 2
    if top_edge:
        return box[3] <= TYPE_AREA_TOP and middle <= RUNNING_EDGE
    return box[1] >= height - TYPE_AREA_BOTTOM and middle >= height - RUNNING_EDGE


def mark_running_lines(doc: Document) -> None:
    """Lines that repeat at the same place in the top or bottom band of the first and last pages are a
    running header or footer: a fixed-layout file keeps no parts, so repetition is the evidence."""
    if doc.geometry is None or (doc.page_count or 1) < 2:
        return
    height, last = doc.geometry.height, doc.page_count

    def band(unit: TextUnit) -> str | None:
        top = unit.bbox[1] if unit.bbox else height / 2
        return "header" if top < height * RUNNING_BAND else "footer" if top > height * (1 - RUNNING_BAND) else None

    # The tops of the first and last pages' lines by page and text: a line repeats where a line of the
    # other page with the same text stands within 3 pt of it (only parts change below, never these).
    tops: dict[tuple[int | None, str], list[float]] = {}
    for other in doc.units:
        if other.page in (1, last) and other.bbox:
            tops.setdefault((other.page, other.text.strip()), []).append(other.bbox[1])

    def repeats(unit: TextUnit, page: int | None) -> bool:
        return bool(unit.bbox) and any(abs(top - unit.bbox[1]) < 3 for top in tops.get((page, unit.text.strip()), ()))

    for position, unit in enumerate(doc.units):
        part = band(unit) if unit.page in (1, last) else None
        if part and repeats(unit, last if unit.page == 1 else 1):
            doc.units[position] = replace(unit, part=part)


def no_text(page: PageText) -> bool:
    """True when a page shows nothing readable: only images, or mostly undecodable glyphs."""
    if page.decodable + page.undecodable == 0:
        return page.has_image
    return page.undecodable > UNDECODABLE_SHARE * (page.decodable + page.undecodable)
