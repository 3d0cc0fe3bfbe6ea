"""Text lines found on a scanned page image, for the recogniser (``ocr``): ink, skew, lines, pieces.

marklint finds the lines itself rather than running a detection model: a page's text lines are rows of
ink between white rows, and cutting them by projection costs a few milliseconds where the detector
costs most of a second per band. It also keeps what the text path keeps: a line is cut into units at
very wide gaps (``pdf_lines.SPLIT_GAP_EM``) and a wide gap inside a unit is a space, so ``机密 ★ 5年``
keeps its spaces (ML103) though the recogniser would read it as ``机密★5年``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from PIL import Image, ImageOps

from marklint.parsers.pdf_lines import SPLIT_GAP_EM

#: A gap wider than this share of the line's ink height is a space (a CJK font leaves under a third of the
#: ink height between characters, narrow digits included; a space with its side bearings leaves more).
SPACE_GAP_EM = 0.33
#: A row or column is ink when it holds more dark pixels than this.
MIN_INK = 2
#: Lines lower than this many pixels are rules or specks, not text (3号 at 150 dpi is about 30 px).
MIN_LINE_PX = 9
#: Skew tried, in degrees either way, and the step.
MAX_SKEW, SKEW_STEP = 3.0, 0.25
#: Rows straightened at a time (a strip of white paper is not drawn).
STRAIGHTEN_STRIP = 32


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of ink on one line, in pixels of the page image: left, top, right, bottom."""

    box: tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Segment:
    """One unit of a line: its pieces left to right (a space stands between two pieces)."""

    pieces: tuple[Piece, ...]

    @property
    def box(self) -> tuple[int, int, int, int]:
        boxes = [p.box for p in self.pieces]
        return (boxes[0][0], min(b[1] for b in boxes), boxes[-1][2], max(b[3] for b in boxes))


def grey(image: Image.Image) -> Image.Image:
    """The page as dark ink on light paper: each pixel's darkest channel, so red or blue ink is as dark
    as black (a red 发文机关标志 on grey paper)."""
    if image.mode in ("RGB", "RGBA", "P", "CMYK", "YCbCr"):
        rgb = np.asarray(image.convert("RGB"))
        return Image.fromarray(rgb.min(axis=2))
    return image.convert("L")


def ink(page: Image.Image) -> np.ndarray:
    """A boolean mask of ink: speckle removed by a median filter, then a threshold between paper and ink
    (Otsu's, which holds for grey paper and faint ink alike)."""
    import cv2

    # OpenCV's 3x3 median equals Pillow's MedianFilter(3) pixel for pixel (edges replicated), 40 times faster.
    smooth = cv2.medianBlur(np.asarray(page), 3)
    return smooth < _otsu(smooth)


def _otsu(pixels: np.ndarray) -> int:
    histogram = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = histogram.sum()
    levels = np.arange(256)
    weight = np.cumsum(histogram)
    mean = np.cumsum(histogram * levels)
    between = (mean[-1] * weight - mean * total) ** 2 / np.maximum(weight * (total - weight), 1)
    return int(np.argmax(between))


def skew(mask: np.ndarray) -> float:
    """The angle in degrees that makes the text lines level: the rotation under which the rows' ink is
    most sharply bunched (the variance of the row sums is greatest)."""
    import cv2

    small = Image.fromarray((mask[::2, ::2] * 255).astype(np.uint8))
    best, best_score = 0.0, -1.0
    for step in range(int(-MAX_SKEW / SKEW_STEP), int(MAX_SKEW / SKEW_STEP) + 1):
        angle = step * SKEW_STEP
        turned = np.asarray(small.rotate(angle, resample=Image.Resampling.NEAREST))
        # Whole sums, exact in int32 (at most 255 a pixel), as numpy's float64 sum gave them, four times faster.
        rows = cv2.reduce(turned, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel().astype(np.float64)
        score = float(np.var(rows))
        if score > best_score + 1e-9 * abs(best_score):
            best, best_score = angle, score
    return best


def straighten(page: Image.Image, angle: float, rows: int) -> Image.Image:
    """The top ``rows`` rows of the page turned by ``angle`` degrees about its centre: what Pillow's
    ``rotate(angle, BICUBIC)`` gives there, pixel for pixel, without drawing the rows below (not read)."""
    if angle == 0:
        return page.crop((0, 0, page.width, rows))
    turn = -math.radians(angle)  # Pillow's rotate(): the matrix maps each output pixel back to the page
    cos, sin = round(math.cos(turn), 15), round(math.sin(turn), 15)
    centre_x, centre_y = page.width / 2.0, page.height / 2.0
    a, b, c = cos, sin, cos * -centre_x + sin * -centre_y + centre_x
    d, e, f = -sin, cos, -sin * -centre_x + cos * -centre_y + centre_y
    # Strips whose every source row is white paper come out white (bicubic weights sum to one, and the fill
    # is white): only the others are drawn, each by the same matrix moved down to its first row.
    lightest = np.asarray(page).min(axis=1) == 255
    out = Image.new("L", (page.width, rows), 255)
    drawn: list[tuple[int, int]] = []
    for top in range(0, rows, STRAIGHTEN_STRIP):
        bottom = min(rows, top + STRAIGHTEN_STRIP)
        sources = [d * x + e * y + f for x in (0, page.width) for y in (top, bottom)]
        low, high = max(0, math.floor(min(sources)) - 3), min(page.height, math.ceil(max(sources)) + 3)
        if lightest[low:high].all():
            continue
        if drawn and drawn[-1][1] == top:
            drawn[-1] = (drawn[-1][0], bottom)
        else:
            drawn.append((top, bottom))
    for top, bottom in drawn:
        strip = page.transform((page.width, bottom - top), Image.Transform.AFFINE,
                               (a, b, c + b * top, d, e, f + e * top), Image.Resampling.BICUBIC, fillcolor=255)
        out.paste(strip, (0, top))
    return out


#: How a page is turned counter-clockwise by a multiple of 90 degrees (as Pillow's rotate with expand).
TURNS = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}


def strip_for(turn: int, width: int, height: int, rows: int) -> tuple[int, int, int, int]:
    """The part of a page (left, top, right, bottom, in pixels) that becomes the top ``rows`` rows of the
    page once turned ``turn`` degrees counter-clockwise."""
    return {0: (0, 0, width, rows), 180: (0, height - rows, width, height),
            90: (width - rows, 0, width, height), 270: (0, 0, rows, height)}[turn]


def turned(strip: Image.Image, turn: int) -> Image.Image:
    return strip.transpose(TURNS[turn]) if turn else strip


def _runs(flags: np.ndarray, bridge: int = 0) -> list[tuple[int, int]]:
    """[start, end) of the runs of True, joining runs separated by at most ``bridge`` False entries."""
    padded = np.concatenate(([False], flags, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    runs = list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
    joined: list[tuple[int, int]] = []
    for start, end in runs:
        if joined and start - joined[-1][1] <= bridge:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def segments(mask: np.ndarray, top: int, bottom: int, max_ems: float) -> list[Segment]:
    """The units of the lines in rows ``[top, bottom)`` of the mask, top to bottom and left to right;
    units wider than ``max_ems`` (a body paragraph's lines) are left out: the marking and the dates are
    short."""
    band = mask[top:bottom]
    out: list[Segment] = []
    for start, end in _runs(band.sum(axis=1) > MIN_INK, bridge=1):
        height = end - start
        if height < MIN_LINE_PX:
            continue
        pieces: list[list[tuple[int, int]]] = [[]]
        for left, right in _pieces(band[start:end].sum(axis=0) > 0, height):
            if pieces[-1] and left - pieces[-1][-1][1] > SPLIT_GAP_EM * height:
                pieces.append([])
            pieces[-1].append((left, right))
        for unit in pieces:
            if not unit or (unit[-1][1] - unit[0][0]) > max_ems * height:
                continue
            boxes = []
            for left, right in unit:
                rows = np.flatnonzero(band[start:end, left:right].any(axis=1))
                boxes.append(Piece((left, top + start + int(rows[0]), right, top + start + int(rows[-1]) + 1)))
            out.append(Segment(tuple(boxes)))
    return out


def _pieces(columns: np.ndarray, height: int) -> list[tuple[int, int]]:
    """The ink runs of one line joined into pieces between spaces. A gap is a space when it is wider than
    SPACE_GAP_EM of the line's height and more than twice the line's ordinary spacing (the mean of its
    narrower gaps): a title set in spaced-out large characters has wide but even gaps, and no spaces."""
    runs = _runs(columns)
    gaps = [b[0] - a[1] for a, b in pairwise(runs)]
    narrow = [gap for gap in gaps if gap <= SPACE_GAP_EM * height]
    ordinary = sum(narrow) / len(narrow) if narrow else 0.0
    joined: list[tuple[int, int]] = []
    for run, gap in zip(runs, [None, *gaps], strict=True):
        if joined and gap is not None and (gap <= SPACE_GAP_EM * height or gap <= 2 * ordinary):
            joined[-1] = (joined[-1][0], run[1])
        else:
            joined.append(run)
    return joined


def crop(page: Image.Image, box: tuple[int, int, int, int]) -> np.ndarray:
    """A piece of the page for the recogniser: a margin of paper around it, contrast stretched, RGB."""
    piece = page.crop(crop_box(box))
    return np.asarray(ImageOps.autocontrast(piece, cutoff=1).convert("RGB"))


def crop_box(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The part of the page ``crop`` takes for a box: a fifth of its height around it (at least 2 px)."""
    left, top, right, bottom = box
    margin = max(2, (bottom - top) // 5)
    return (max(0, left - margin), max(0, top - margin), right + margin, bottom + margin)
