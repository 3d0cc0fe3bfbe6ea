"""Read a PDF's page 1 and last page into text lines rebuilt from PDFium's glyphs.

The marking stands on page 1 (or the first page with body text, when blank pages come first) and the
issue date (成文日期, 版记) on the last page, so only those pages are loaded: a 500-page PDF costs about
what a 2-page one does. Lines are rebuilt from glyph positions rather than taken from PDFium's text
stream, because the stream carries spaces and line breaks that PDFium invents (``机密★5 年`` where the
page shows ``机密★5年``) and ML103 must judge the page, not the extractor.
"""

from __future__ import annotations

import ctypes
import mmap
import os
from pathlib import Path

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.model import Document, PageGeometry, Reason, ReasonKind, Status
from marklint.parsers.embedded import attach_pdf
from marklint.parsers.fixed_layout import add_page, mark_running_lines, no_text, pages_to_read, read_past_blank
from marklint.parsers.glyphs import PageText
from marklint.parsers.pdf_fonts import font_key, suspect_fonts, unmapped_fonts
from marklint.parsers.pdf_glyphs import Frame, read_page
from marklint.parsers.pdf_lines import expand_table
from marklint.parsers.pdf_metadata import metadata
from marklint.parsers.pdf_streams import PdfBytes, oversized_pages, streams_within
from marklint.parsers.pdfium import pdfium_c


def parse(path: Path, display_path: str, limits: Limits) -> Document:
    """Read page 1 and the last page of a PDF, or raise NotExamined (encrypted, corrupt)."""
    try:
        return _parse(path, display_path, limits)
    except NotExamined:
        raise
    except Exception as exc:  # malformed input must never crash the scan
        raise NotExamined("corrupt", "malformed content") from exc


def _parse(path: Path, display_path: str, limits: Limits) -> Document:
    pdf = pdfium_c.FPDF_LoadDocument(os.fsencode(path) + b"\0", None)
    if not pdf:
        raise _load_error(pdfium_c.FPDF_GetLastError())
    try:
        # One mapping of the file serves every search of its bytes (pdf_streams.PdfBytes), which finds the
        # names they look for in one pass.
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _read(pdf, path, display_path, limits, PdfBytes(data, limits.max_pdf_stream_bytes))
    finally:
        pdfium_c.FPDF_CloseDocument(pdf)


def _read(pdf: ctypes.c_void_p, path: Path, display_path: str, limits: Limits, file: PdfBytes) -> Document:
    page_count = pdfium_c.FPDF_GetPageCount(pdf)
    if page_count < 1:
        raise NotExamined("corrupt", "no pages")
    doc = Document(path=display_path, format="pdf", page_count=page_count)
    indices = pages_to_read(page_count, limits)
    # PDFium inflates a page's streams whole when it loads the page: a bomb is measured first, unless
    # the whole file cannot inflate past the limit (pdf_streams.streams_within).
    oversized = {}
    limit = limits.max_pdf_stream_bytes
    measured = not streams_within(file, limit)
    if measured:
        oversized = oversized_pages(path, indices, page_count, limit)
    for index in indices:  # read_past_blank may add the next page: the loop reaches it
        if index in oversized:
            if index == 0:
                raise NotExamined("over a safety limit", oversized[index])
            doc.status, doc.reason = Status.PARTIAL, Reason(ReasonKind.OVER_LIMIT, oversized[index])
            continue
        page = pdfium_c.FPDF_LoadPage(pdf, index)
        if not page:
            if index == 0:
                raise NotExamined("corrupt", "page 1 cannot be loaded")
            doc.status, doc.reason = Status.PARTIAL, Reason(ReasonKind.CORRUPT,
                                                             f"page {index + 1} cannot be loaded")
            continue
        try:
            frame = Frame(page)
            if index == 0:
                doc.geometry = PageGeometry(*frame.size())
            read = read_page(page, frame)
        finally:
            pdfium_c.FPDF_ClosePage(page)
        if read is None:
            if index == 0:
                raise NotExamined("corrupt", "page 1 has an unreadable text layer")
            doc.status, doc.reason = Status.PARTIAL, Reason(ReasonKind.CORRUPT,
                                                             f"page {index + 1} has an unreadable text layer")
            continue
        garbled = _glyph_codes(read, path, index, page_count)
        if garbled and not (index == 0 and no_text(read)) and doc.status == Status.COMPLETE:
            doc.status = Status.PARTIAL
            doc.reason = Reason(ReasonKind.UNDECODABLE,
                                f"page {index + 1} has {garbled} glyphs in fonts without a Unicode map")
        add_page(doc, read, index, limits)
        following = read_past_blank(doc, index, indices, limits)
        if following is not None and measured:
            oversized.update(oversized_pages(path, [following], page_count, limit))
    mark_running_lines(doc)
    doc.properties = metadata(pdf, file, path)
    attach_pdf(doc, path, pdfium_c.FPDFDoc_GetAttachmentCount(pdf), limits, file)
    return doc


def _load_error(code: int) -> NotExamined:
    if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return NotExamined("encrypted", "a password is needed to open it")
    if code == pdfium_c.FPDF_ERR_FILE:
        return NotExamined("unreadable", "cannot open the file")
    if code == pdfium_c.FPDF_ERR_FORMAT:
        return NotExamined("corrupt", "not a readable PDF structure")
    return NotExamined("corrupt", f"PDFium error {code}")


def _glyph_codes(page: PageText, path: Path, index: int, page_count: int) -> int:
    """How many glyphs of the page are raw codes of fonts with no usable Unicode map (pdf_fonts); they are
    made undecodable (U+FFFD), so no code passes for a character."""
    suspects = suspect_fonts(page)
    unmapped = suspects & unmapped_fonts(path, index, page_count) if suspects else set()
    if not unmapped:
        return 0
    garbled = 0
    expand_table(page)
    for glyph in page.glyphs:
        if not glyph.is_space and glyph.char != "\ufffd" and font_key(glyph.look[0]) in unmapped:
            glyph.char = "\ufffd"
            garbled += 1
    page.decodable -= garbled
    page.undecodable += garbled
    return garbled


# --- glyphs ------------------------------------------------------------------------------------------------
