"""Scans: image files and image-only PDF pages, read by OCR where the ``ocr`` extra is installed.

OCR reads only what the text path reads (page 1 and the last page): the marking area at the top of page
1 (the whole width, so the 1999 layout's marking at the right is read too), and on the last page the
short lines: an attachment's marking at its top, the 成文日期, 知悉范围 and 印发日期 (版记). What it reads
becomes ordinary text units whose boxes are in points from the page's top-left, with ``source="ocr"``
and the recogniser's confidence, so every rule judges them unchanged.

Without the extra, or with ``--ocr off``, a scan is read as having no text layer (ML902), with the hint.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.model import Document, PageGeometry, Reason, ReasonKind, Status, TextUnit

if TYPE_CHECKING:
    from PIL import Image

#: What the reason says when OCR did not run, and how to make it run (ML902 quotes it).
OCR_OFF = "OCR is off (--ocr off); run with --ocr auto to read scans"
OCR_MISSING = "OCR is not installed; pip install 'marklint[ocr]' to read scans"
OCR_EMPTY = "OCR read no text in the marking area of page 1; look at the page"
#: Image formats read as scans, by their first bytes (parsers.FOREIGN_MAGIC names them).
IMAGE_FORMATS = {"JPEG image": "jpeg", "PNG image": "png", "TIFF image": "tiff", "BMP image": "bmp"}
#: Rendering resolution for PDF pages: a 3号 (16 pt) character is then 33 px high, a little under the
#: recogniser's 48 px line height, so no line is scaled down; higher costs time and reads no better.
RENDER_DPI = 150
#: An image wider than this (a 300 dpi A4 scan is 2480 px) is scaled to it before reading.
WORK_WIDTH = 1240
#: The bands read, as shares of the page height: page 1's top (the marking area), and the whole last page
#: (an attachment's marking at its top; the 成文日期, 知悉范围 and 版记 with its 印发日期 wherever the body
#: ends). Only short units are read in them (MAX_UNIT_EMS), so a page of body text costs little.
MARKING_BAND = (0.0, 0.40)
LAST_PAGE_BAND = (0.0, 1.0)
#: Units wider than this many ems are body paragraphs: not read (markings and dates are short).
MAX_UNIT_EMS = 16.0
#: An image page without a stated resolution is taken to be A4 wide (GB/T 9704: 210 mm).
A4_WIDTH_PT = 595.28
#: A line with one of these may be a marking: its spaces are read too (ML103), by ``_with_spaces``.
SPACED_SIGNS = ("密", "★", "☆")
#: A read counts as upright when some unit has at least this confidence (else 180 degrees is tried).
UPRIGHT_CONFIDENCE = 0.9


def no_text(doc: Document, reason: str) -> Document:
    """``doc`` marked as read without its text: ML902, with the hint in the reason."""
    doc.no_text = True
    doc.status, doc.reason = Status.PARTIAL, Reason(ReasonKind.NO_TEXT_LAYER, reason)
    return doc


def ocr_mode_runs(mode: str) -> str | None:
    """None when OCR may run, else the reason it does not."""
    if mode == "off":
        return OCR_OFF
    from marklint.parsers import ocr

    return None if ocr.installed() else OCR_MISSING


def read_image(path: Path, display_path: str, kind: str, limits: Limits, mode: str) -> Document:
    """An image file (every frame of a TIFF a page) read by OCR, or as having no text layer."""
    doc = Document(path=display_path, format=IMAGE_FORMATS[kind])
    why_not = ocr_mode_runs(mode)
    if why_not:
        return no_text(doc, why_not)
    from PIL import Image as PILImage

    PILImage.MAX_IMAGE_PIXELS = limits.max_file_bytes  # a decompression bomb is refused (DecompressionBombError)
    try:
        with PILImage.open(path) as image:
            count = getattr(image, "n_frames", 1)
            doc.page_count = count
            pages = {}
            for index in _pages_read(count, limits):
                image.seek(index)
                pages[index] = _image_page(image)
    except Exception as exc:  # an image that cannot be decoded is not examined, never a crash
        raise NotExamined("corrupt", "image cannot be decoded") from exc
    return _read_pages(doc, pages)


def read_pdf_scan(path: Path, doc: Document, limits: Limits, mode: str) -> Document:
    """An image-only PDF (page 1 without a usable text layer, ``doc.no_text``) read by OCR: page 1's
    units are replaced by what OCR reads; the last page is read by OCR only if it has no text of its own."""
    why_not = ocr_mode_runs(mode)
    if why_not:
        return no_text(doc, why_not)
    import pypdfium2

    count = doc.page_count or 1
    text_pages = {unit.page for unit in doc.units if unit.part == "body"}
    wanted = [i for i in _pages_read(count, limits) if i == 0 or (i + 1) not in text_pages]
    pages = {}
    pdf = pypdfium2.PdfDocument(os.fspath(path))
    try:
        for index in wanted:
            page = pdf[index]
            width = page.get_width()
            image = page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil()
            pages[index] = _Page(image, width / image.width)
            page.close()
    finally:
        pdf.close()
    kept = [unit for unit in doc.units if unit.page not in {i + 1 for i in wanted}]
    ocr_doc = Document(path=doc.path, format=doc.format, page_count=count, properties=doc.properties,
                       geometry=doc.geometry, signatures=doc.signatures)
    _read_pages(ocr_doc, pages)
    ocr_doc.units = [*(u for u in ocr_doc.units if u.page == 1), *kept, *(u for u in ocr_doc.units if u.page != 1)]
    return ocr_doc


@dataclass
class _Page:
    image: Image.Image  # grey, about RENDER_DPI
    points_per_pixel: float


def _pages_read(count: int, limits: Limits) -> list[int]:
    from marklint.parsers.fixed_layout import pages_to_read

    indices = pages_to_read(count, limits)
    return [0] + ([count - 1] if count > 1 and count - 1 in indices else [])


def _image_page(image: Image.Image) -> _Page:
    from PIL import ImageOps

    from marklint.parsers.ocr_lines import grey

    frame = grey(ImageOps.exif_transpose(image) or image)
    dpi = image.info.get("dpi")
    scale = WORK_WIDTH / frame.width if frame.width > WORK_WIDTH else 1.0
    if scale != 1.0:
        frame = frame.resize((WORK_WIDTH, max(1, round(frame.height * scale))))
    if dpi and dpi[0] and float(dpi[0]) > 1:
        per_pixel = 72.0 / float(dpi[0]) / scale
    else:
        per_pixel = A4_WIDTH_PT / min(frame.width, frame.height)
    return _Page(frame, per_pixel)


def _read_pages(doc: Document, pages: dict[int, _Page]) -> Document:
    last = (doc.page_count or 1) - 1
    for index, page in pages.items():
        bands = [LAST_PAGE_BAND] if index == last else [MARKING_BAND]
        upright, units = _read_upright(page, index + 1, bands)
        if index == 0:
            doc.geometry = PageGeometry(upright.width * page.points_per_pixel, upright.height * page.points_per_pixel)
            doc.no_text = not units
        doc.units.extend(units)
    if doc.no_text:  # nothing legible where the marking should be: still no text to judge (ML902)
        no_text(doc, OCR_EMPTY)
    return doc


def _read_upright(page: _Page, number: int, bands: list[tuple[float, float]]) -> tuple[Image.Image, list[TextUnit]]:
    """The page turned upright and straightened, and the units read in its bands. A landscape page is a
    portrait 公文 turned 90 or 270 degrees; a portrait page whose first read is poor is tried upside down.
    The turn that reads best (most confident characters) is kept."""
    from marklint.parsers import ocr_lines

    turns = (90, 270) if page.image.width > page.image.height * 1.05 else (0, 180)
    best: tuple[float, Image.Image, list[TextUnit]] | None = None
    for turn in turns:
        image = page.image.rotate(turn, expand=True) if turn else page.image
        # Ink is found only down to the last band read: the median filter is most of its cost.
        reach = int(image.height * max(high for _, high in bands))
        mask = ocr_lines.ink(image.crop((0, 0, image.width, reach)))
        angle = ocr_lines.skew(mask[: int(image.height * MARKING_BAND[1])])
        if angle:
            image = ocr_lines.straighten(image, angle)
            mask = ocr_lines.ink(image.crop((0, 0, image.width, reach)))
        units = list(_read_bands(image, mask, page.points_per_pixel, number, bands))
        score = sum(sum(u.char_confidences) for u in units)
        if best is None or score > best[0]:
            best = (score, image, units)
        if turn == 0 and any(u.confidence is not None and u.confidence >= UPRIGHT_CONFIDENCE and len(u.text) > 1
                             for u in units):
            break
    assert best is not None
    return best[1], best[2]


def _with_spaces(image: Image.Image, segment: object, text: str, chars: list[float]) -> tuple[str, list[float]]:
    """A marking line read again piece by piece, so the spaces the page shows between its pieces are kept
    (ML103 judges them; the recogniser drops them). Kept only when the pieces read the same characters as
    the whole line did: otherwise the whole line's reading stands."""
    from marklint.parsers import ocr, ocr_lines

    pieces = ocr.recognise([ocr_lines.crop(image, piece.box) for piece in segment.pieces])  # type: ignore[attr-defined]
    texts = [piece.text.strip() for piece in pieces]
    if not all(texts) or "".join(texts) != text.replace(" ", ""):
        return text, chars
    spaced: list[float] = []
    for position, piece in enumerate(pieces):
        spaced.extend(([1.0] if position else []) + list(piece.confidences[: len(texts[position])]))
    return " ".join(texts), spaced


def _read_bands(image: Image.Image, mask: object, per_pixel: float, number: int,
                bands: list[tuple[float, float]]) -> Iterator[TextUnit]:
    from marklint.parsers import ocr, ocr_lines

    height = image.height
    segments = []
    top_done = 0
    for low, high in bands:
        top, bottom = max(int(height * low), top_done), int(height * high)
        if bottom > top:
            segments.extend(ocr_lines.segments(mask, top, bottom, MAX_UNIT_EMS))  # type: ignore[arg-type]
            top_done = bottom
    whole = ocr.recognise([ocr_lines.crop(image, segment.box) for segment in segments])
    line = 0
    for segment, read in zip(segments, whole, strict=True):
        text, chars = read.text.strip(), list(read.confidences[: len(read.text.strip())])
        if not text:
            continue
        if len(segment.pieces) > 1 and any(sign in text for sign in SPACED_SIGNS):
            text, chars = _with_spaces(image, segment, text, chars)
        line += 1
        x0, y0, x1, y1 = segment.box
        bbox = (round(x0 * per_pixel, 2), round(y0 * per_pixel, 2), round(x1 * per_pixel, 2), round(y1 * per_pixel, 2))
        mean = sum(chars) / len(chars) if chars else 0.0
        yield TextUnit(text, "body", number, line, bbox, source="ocr", confidence=round(mean, 3),
                       char_confidences=tuple(round(c, 3) for c in chars))
