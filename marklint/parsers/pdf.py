"""Read a PDF's page 1 and last page into text lines rebuilt from PDFium's glyphs.

The marking stands on page 1 (or the first page with body text, when blank pages come first) and the
issue date (成文日期, 版记) on the last page, so only those pages are loaded: a 500-page PDF costs about
what a 2-page one does. Lines are rebuilt from glyph positions rather than taken from PDFium's text
stream, because the stream carries spaces and line breaks that PDFium invents (``机密★5 年`` where the
page shows ``机密★5年``) and ML103 must judge the page, not the extractor.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.model import Document, PageGeometry, Status, TextUnit
from marklint.parsers.pdf_glyphs import Frame, PageText, read_page
from marklint.parsers.pdf_lines import page_units
from marklint.parsers.pdf_metadata import metadata
from marklint.parsers.pdf_streams import FLATE_MAX_RATIO, inflates_within, oversized_pages
from marklint.parsers.pdfium import pdfium_c

#: Page 1 counts as having no text layer when more than this share of its glyphs is undecodable.
UNDECODABLE_SHARE = 0.5


def parse(path: Path, display_path: str, limits: Limits) -> Document:
    """Read page 1 and the last page of a PDF, or raise NotExamined (encrypted, corrupt)."""
    try:
        return _parse(path, display_path, limits)
    except NotExamined:
        raise
    except Exception as exc:  # malformed input must never crash the scan
        raise NotExamined("corrupt", type(exc).__name__) from exc


def pages_to_read(page_count: int, limits: Limits) -> list[int]:
    """0-based indices of the pages read: the first ``max_pdf_pages_read - 1`` pages and the last."""
    budget = max(1, limits.max_pdf_pages_read)
    if budget == 1 or page_count == 1:
        return [0]
    head = list(range(min(budget - 1, page_count)))
    return head + ([page_count - 1] if page_count - 1 not in head else [])


def _parse(path: Path, display_path: str, limits: Limits) -> Document:
    pdf = pdfium_c.FPDF_LoadDocument(os.fsencode(path) + b"\0", None)
    if not pdf:
        raise _load_error(pdfium_c.FPDF_GetLastError())
    try:
        page_count = pdfium_c.FPDF_GetPageCount(pdf)
        if page_count < 1:
            raise NotExamined("corrupt", "no pages")
        doc = Document(path=display_path, format="pdf", page_count=page_count)
        indices = pages_to_read(page_count, limits)
        # PDFium inflates a page's streams whole when it loads the page: a bomb is measured first, unless
        # the whole file is too small to inflate past the limit (Flate expands at most 1032 to 1).
        oversized = {}
        limit = limits.max_pdf_stream_bytes
        measured = os.path.getsize(path) * FLATE_MAX_RATIO > limit and not inflates_within(path, limit)
        if measured:
            oversized = oversized_pages(path, indices, page_count, limit)
        blank_lead = 0
        position = 0
        while position < len(indices):
            index = indices[position]
            position += 1
            _read_page(pdf, index, page_count, doc, oversized, limits)
            # A blank first page (a separator, the back of a scanned cover) holds no marking: the pages
            # after it are read, up to a limit, until one has body text (markings.md section 2).
            if (not any(u.part == "body" for u in doc.units) and blank_lead < limits.max_blank_lead_pages
                    and index + 1 < page_count and index + 1 not in indices):
                indices.insert(position, index + 1)
                blank_lead += 1
                if measured:
                    oversized.update(oversized_pages(path, [index + 1], page_count, limit))
        _mark_running_lines(doc)
        doc.properties = metadata(pdf, path)
        return doc
    finally:
        pdfium_c.FPDF_CloseDocument(pdf)


def _read_page(pdf: object, index: int, page_count: int, doc: Document, oversized: dict[int, str],
               limits: Limits) -> None:
    """Read page ``index`` into ``doc.units`` (or mark the document partial where it cannot be read)."""
    if index in oversized:
        if index == 0:
            raise NotExamined("over a safety limit", oversized[index])
        doc.status, doc.reason = Status.PARTIAL, f"over a safety limit: {oversized[index]}"
        return
    page = pdfium_c.FPDF_LoadPage(pdf, index)
    if not page:
        if index == 0:
            raise NotExamined("corrupt", "page 1 cannot be loaded")
        doc.status, doc.reason = Status.PARTIAL, f"corrupt: page {index + 1} cannot be loaded"
        return
    try:
        frame = Frame(page)
        size = frame.size()
        if index == 0:
            doc.geometry = PageGeometry(*size)
        read = read_page(page, frame)
    finally:
        pdfium_c.FPDF_ClosePage(page)
    if read is None:
        if index == 0:
            raise NotExamined("corrupt", "page 1 has an unreadable text layer")
        doc.status, doc.reason = Status.PARTIAL, f"corrupt: page {index + 1} has an unreadable text layer"
        return
    units = _in_zones(page_units(read, index + 1, limits), size[1])
    if index == 0:
        doc.no_text = _no_text(read)
        if doc.no_text:
            # Read, but the marking place could not be: not complete (ML902 reports it).
            doc.status, doc.reason = Status.PARTIAL, "no text layer"
    if index != page_count - 1 or index == 0:
        units = units[: limits.max_body_units_kept]
    else:
        units = units[-limits.max_tail_units_kept :] if limits.max_tail_units_kept > 0 else []
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


def _in_zones(units: list[TextUnit], height: float) -> list[TextUnit]:
    """Lines above the type area are header text and lines below it footer text, whether or not they
    repeat on other pages (a first-page-only header): markings.md section 8, "Formats". A line near the
    edge counts only when blank space separates it from the type area: on a page with narrow margins the
    first and last lines of the body stand that close to the edge too, with no such gap."""
    boxes = [unit.bbox for unit in units if unit.bbox is not None]
    below_header = [box[1] for box in boxes if not _in_band(box, height, True)]
    above_footer = [box[3] for box in boxes if not _in_band(box, height, False)]
    out = []
    for unit in units:
        box = unit.bbox
        if box is not None and _in_band(box, height, True) and all(
                top >= TYPE_AREA_TOP - ZONE_SLACK for top in below_header if top > box[3]):
            unit = replace(unit, part="header")
        elif box is not None and _in_band(box, height, False) and all(
                bottom <= height - TYPE_AREA_BOTTOM + ZONE_SLACK for bottom in above_footer if bottom < box[1]):
            unit = replace(unit, part="footer")
        out.append(unit)
    return out


def _in_band(box: tuple[float, float, float, float], height: float, top_edge: bool) -> bool:
    """The box lies outside the type area and near the page's top (or bottom) edge."""
    middle = (box[1] + box[3]) / 2
    if top_edge:
        return box[3] <= TYPE_AREA_TOP and middle <= RUNNING_EDGE
    return box[1] >= height - TYPE_AREA_BOTTOM and middle >= height - RUNNING_EDGE


#: Share of the page height at the top and bottom where running headers and footers stand.
RUNNING_BAND = 0.15


def _mark_running_lines(doc: Document) -> None:
    """Lines that repeat at the same place in the top or bottom band of the first and last pages are a
    running header or footer: a PDF keeps no parts, so repetition is the evidence."""
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


def _load_error(code: int) -> NotExamined:
    if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return NotExamined("encrypted", "a password is needed to open it")
    if code == pdfium_c.FPDF_ERR_FILE:
        return NotExamined("unreadable", "cannot open the file")
    if code == pdfium_c.FPDF_ERR_FORMAT:
        return NotExamined("corrupt", "not a readable PDF structure")
    return NotExamined("corrupt", f"PDFium error {code}")


def _no_text(page: PageText) -> bool:
    if page.decodable + page.undecodable == 0:
        return page.has_image
    return page.undecodable > UNDECODABLE_SHARE * (page.decodable + page.undecodable)


# --- glyphs ------------------------------------------------------------------------------------------------
