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
from typing import TYPE_CHECKING, Any

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.model import Document, PageGeometry, Reason, ReasonKind, Status, TextUnit

if TYPE_CHECKING:
    from PIL import Image

    from marklint.parsers.ocr import Recognised
    from marklint.parsers.ocr_lines import Segment

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
#: A marking line whose every character was read with at least this confidence gets its spaces from where
#: the recogniser saw each character; a less sure one is read again piece by piece (``_with_spaces``).
SURE_CHAR = 0.9


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
    pdf = pypdfium2.PdfDocument(os.fspath(path))
    ocr_doc = Document(path=doc.path, format=doc.format, page_count=count, properties=doc.properties,
                       geometry=doc.geometry, signatures=doc.signatures)
    pages: dict[int, _Page] = {}
    try:  # pages are drawn while they are read: only the part read is rendered
        pages.update((index, _PdfPage(pdf[index])) for index in wanted)
        _read_pages(ocr_doc, pages)
    finally:
        for page in pages.values():
            page.page.close()  # type: ignore[attr-defined]
        pdf.close()
    kept = [unit for unit in doc.units if unit.page not in {i + 1 for i in wanted}]
    ocr_doc.units = [*(u for u in ocr_doc.units if u.page == 1), *kept, *(u for u in ocr_doc.units if u.page != 1)]
    return ocr_doc


class _Page:
    """A page to read, grey at about RENDER_DPI: its size in pixels as it lies, and the part of it that
    ``draw`` gives, turned upright."""

    def __init__(self, width: int, height: int, points_per_pixel: float) -> None:
        self.width, self.height, self.points_per_pixel = width, height, points_per_pixel

    def draw(self, turn: int, rows: int) -> Image.Image:
        """The top ``rows`` rows of the page turned ``turn`` degrees counter-clockwise (0, 90, 180, 270)."""
        raise NotImplementedError


class _ImagePage(_Page):
    def __init__(self, image: Image.Image, points_per_pixel: float) -> None:
        super().__init__(image.width, image.height, points_per_pixel)
        self.image = image

    def draw(self, turn: int, rows: int) -> Image.Image:
        from marklint.parsers.ocr_lines import strip_for, turned

        return turned(self.image.crop(strip_for(turn, self.width, self.height, rows)), turn)


class _PdfPage(_Page):
    """A PDF page rendered by PDFium: only the strip asked for (PDFium draws a strip pixel for pixel as it
    draws it in the whole page, and its cost goes with the pixels drawn)."""

    def __init__(self, page: object) -> None:
        import math

        self.page: Any = page
        self.scale = RENDER_DPI / 72
        width_pt, height_pt = self.page.get_width(), self.page.get_height()
        # pypdfium2 renders ceil(size * scale) pixels each way.
        width, height = math.ceil(width_pt * self.scale), math.ceil(height_pt * self.scale)
        super().__init__(width, height, width_pt / width)

    def draw(self, turn: int, rows: int) -> Image.Image:
        from marklint.parsers.ocr_lines import strip_for, turned

        left, top, right, bottom = strip_for(turn, self.width, self.height, rows)
        cut = (left, self.height - bottom, self.width - right, top)  # pypdfium2: left, bottom, right, top
        # pypdfium2 cuts ceil(points * scale) pixels: half a pixel less in points gives the exact count.
        crop = tuple(max(0.0, pixels - 0.5) / self.scale for pixels in cut)
        strip = self.page.render(scale=self.scale, grayscale=True, crop=crop).to_pil()
        if strip.size != (right - left, bottom - top):  # never expected: fall back to the whole page, cut here
            strip = self.page.render(scale=self.scale, grayscale=True).to_pil().crop((left, top, right, bottom))
        return turned(strip, turn)


def _pages_read(count: int, limits: Limits) -> list[int]:
    from marklint.parsers.fixed_layout import pages_to_read

    indices = pages_to_read(count, limits)
    return [0] + ([count - 1] if count > 1 and count - 1 in indices else [])


def _image_page(image: Image.Image) -> _ImagePage:
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
    return _ImagePage(frame, per_pixel)


def _read_pages(doc: Document, pages: dict[int, _Page]) -> Document:
    last = (doc.page_count or 1) - 1
    for index, page in pages.items():
        bands = [LAST_PAGE_BAND] if index == last else [MARKING_BAND]
        (width, height), units = _read_upright(page, index + 1, bands)
        if index == 0:
            doc.geometry = PageGeometry(width * page.points_per_pixel, height * page.points_per_pixel)
            doc.no_text = not units
        doc.units.extend(units)
    if doc.no_text:  # nothing legible where the marking should be: still no text to judge (ML902)
        no_text(doc, OCR_EMPTY)
    return doc


@dataclass
class _Upright:
    """A page turned upright and straightened, as far down as it is read: its top rows, its whole size, and
    the units found in its bands (not yet read)."""

    image: Image.Image
    size: tuple[int, int]
    segments: list[Segment]


def _upright(page: _Page, turn: int, bands: list[tuple[float, float]]) -> _Upright:
    from marklint.parsers import ocr_lines

    width, height = (page.height, page.width) if turn in (90, 270) else (page.width, page.height)
    # Ink is found only down to the last band read; a little more is drawn, for the margin around a unit
    # near that edge (ocr_lines.crop: a fifth of its height).
    reach = int(height * max(high for _, high in bands))
    rows = min(height, reach + reach // 5 + 2)
    image = page.draw(turn, rows)
    mask = ocr_lines.ink(image.crop((0, 0, width, reach)))
    angle = ocr_lines.skew(mask[: int(height * MARKING_BAND[1])])
    if angle:
        image = ocr_lines.straighten(page.draw(turn, height), angle, rows)
        mask = ocr_lines.ink(image.crop((0, 0, width, reach)))
    segments = []
    top_done = 0
    for low, high in bands:
        top, bottom = max(int(height * low), top_done), int(height * high)
        if bottom > top:
            segments.extend(ocr_lines.segments(mask, top, bottom, MAX_UNIT_EMS))
            top_done = bottom
    return _Upright(image, (width, height), segments)


def _read_upright(page: _Page, number: int, bands: list[tuple[float, float]]) -> tuple[tuple[int, int], list[TextUnit]]:
    """The size of the page turned upright, and the units read in its bands. A landscape page is a
    portrait 公文 turned 90 or 270 degrees: the line classifier tells which from the lines of one turn
    (upright, or upside down), and where it cannot tell, both turns are read; a portrait page whose first
    read is poor is tried upside down. Of the turns read, the one read best (most confident characters)
    is kept."""
    landscape = page.width > page.height * 1.05
    turns = [90, 270] if landscape else [0, 180]
    best: tuple[float, tuple[int, int], list[TextUnit]] | None = None
    while turns:
        turn = turns.pop(0)
        upright = _upright(page, turn, bands)
        if landscape and turns:
            upside_down = _upside_down(upright)
            if upside_down:
                continue  # turned the other way: only that turn is read
            if upside_down is not None:
                turns = []
        units = list(_read_units(upright, page.points_per_pixel, number))
        score = sum(sum(u.char_confidences) for u in units)
        if best is None or score > best[0]:
            best = (score, upright.size, units)
        if turn == 0 and any(u.confidence is not None and u.confidence >= UPRIGHT_CONFIDENCE and len(u.text) > 1
                             for u in units):
            break
    assert best is not None
    return best[1], best[2]


def _upside_down(upright: _Upright) -> bool | None:
    """Whether the page's lines read upside down, by the line classifier on its widest units (up to one
    batch); None where it cannot tell: fewer than two lines it is sure of, or lines that disagree."""
    from marklint.parsers import ocr, ocr_lines

    widest = sorted(upright.segments, key=lambda s: s.box[2] - s.box[0], reverse=True)[:ocr.CLS_BATCH]
    sure = [p >= ocr.CLS_SURE for p in ocr.upside_down([ocr_lines.crop(upright.image, s.box) for s in widest])
            if p >= ocr.CLS_SURE or p <= 1 - ocr.CLS_SURE]
    return sure[0] if len(sure) >= 2 and len(set(sure)) == 1 else None


def _with_spaces(image: Image.Image, segment: Segment, read: Recognised) -> tuple[str, list[float]]:
    """A marking line with the spaces the page shows between its pieces (ML103 judges them; the recogniser
    drops them). Where the line was read surely (every character at SURE_CHAR), where the recogniser saw
    each character tells which piece it belongs to. Otherwise, or where that is not plain (a character
    seen in a gap, a piece without one), the line is read again piece by piece, and the pieces are kept
    only when they read the same characters as the whole line did: otherwise the whole line's reading
    stands."""
    from marklint.parsers import ocr, ocr_lines

    text, chars = read.text, list(read.confidences)
    groups = _split_at_gaps(segment, read) if chars and min(chars) >= SURE_CHAR else None
    if groups is None:
        pieces = ocr.recognise([ocr_lines.crop(image, piece.box) for piece in segment.pieces])
        groups = [(piece.text.strip(), list(piece.confidences[: len(piece.text.strip())])) for piece in pieces]
        if not all(t for t, _ in groups) or "".join(t for t, _ in groups) != text.replace(" ", ""):
            return text.strip(), chars[: len(text.strip())]
    spaced: list[float] = []
    for position, (_, confidences) in enumerate(groups):
        spaced.extend(([1.0] if position else []) + confidences)
    return " ".join(t for t, _ in groups), spaced


def _split_at_gaps(segment: Segment, read: Recognised) -> list[tuple[str, list[float]]] | None:
    """The line's characters grouped by the piece each was seen in (with their confidences), or None
    where that is not plain."""
    from marklint.parsers.ocr_lines import crop_box

    if (not read.text or read.text != read.text.strip() or " " in read.text
            or not len(read.positions) == len(read.confidences) == len(read.text)):
        return None
    left, _, right, _ = crop_box(segment.box)
    groups: list[tuple[str, list[float]]] = [("", []) for _ in segment.pieces]
    last = 0
    for char, confidence, share in zip(read.text, read.confidences, read.positions, strict=True):
        x = left + share * (right - left)
        inside = [i for i, piece in enumerate(segment.pieces) if piece.box[0] <= x < piece.box[2]]
        if not inside or inside[0] < last:
            return None
        last = inside[0]
        groups[last] = (groups[last][0] + char, [*groups[last][1], confidence])
    return groups if all(t for t, _ in groups) else None


def _read_units(upright: _Upright, per_pixel: float, number: int) -> Iterator[TextUnit]:
    from marklint.parsers import ocr, ocr_lines

    segments, image = upright.segments, upright.image
    whole = ocr.recognise([ocr_lines.crop(image, segment.box) for segment in segments])
    line = 0
    for segment, read in zip(segments, whole, strict=True):
        text, chars = read.text.strip(), list(read.confidences[: len(read.text.strip())])
        if not text:
            continue
        if len(segment.pieces) > 1 and any(sign in text for sign in SPACED_SIGNS):
            text, chars = _with_spaces(image, segment, read)
        line += 1
        x0, y0, x1, y1 = segment.box
        bbox = (round(x0 * per_pixel, 2), round(y0 * per_pixel, 2), round(x1 * per_pixel, 2), round(y1 * per_pixel, 2))
        mean = sum(chars) / len(chars) if chars else 0.0
        yield TextUnit(text, "body", number, line, bbox, source="ocr", confidence=round(mean, 3),
                       char_confidences=tuple(round(c, 3) for c in chars))
