"""Glyph codes that pass for characters: text drawn in a font with no usable Unicode map.

A font without a /ToUnicode map and with an encoding that names no characters (Identity-H over a
subset, a symbolic font's built-in codes, /Differences of made-up glyph names) leaves PDFium nothing but
the raw codes, which it returns as if they were characters: ``!"#$%`` where the page shows ``机密★5年``.
Codes below 0x20 and private-use codes are caught as they are read (``pdf_glyphs``); codes that look like
ordinary characters are caught here in two steps. A cheap look at the decoded text first: a font whose
glyphs on the page are mostly ASCII punctuation, Latin-1 letters or code points no Chinese document uses
(U+0100-U+1FFF). Only then are that page's fonts read through pypdf, and the glyphs of a font with no
usable map are counted as undecodable: the page is ML902 when they are most of it, ML903 otherwise.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from marklint.parsers.glyphs import PageText
from marklint.parsers.pdf_glyphs import MAX_FORM_DEPTH
from marklint.parsers.pdf_lines import expand_table

#: A font is suspect when more than this share of its glyphs on the page is implausible text.
IMPLAUSIBLE_SHARE = 0.3
#: ... and it draws at least this many glyphs (a lone bracket in a Latin font is no evidence).
MIN_SUSPECT_GLYPHS = 3
_ASCII_PUNCTUATION = frozenset(map(ord, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"))
#: Predefined CMaps that name characters (through their character collection): PDFium maps these.
_NAMED_ORDERINGS = ("GB1", "CNS1", "Japan1", "Korea1")
#: Simple-font encodings whose codes are characters.
_STANDARD_ENCODINGS = ("/WinAnsiEncoding", "/MacRomanEncoding", "/StandardEncoding", "/PDFDocEncoding",
                       "/MacExpertEncoding")


#: The same characters, to find on a page's text at once: most pages have none, or too few to count.
_IMPLAUSIBLE_TEXT = re.compile("[!-/:-@\\[-`{-~\u00c0-\u00ff\u0100-\u1fff]")


def _implausible(code: int) -> bool:
    return code in _ASCII_PUNCTUATION or 0xC0 <= code <= 0xFF or 0x100 <= code < 0x2000


def font_key(name: str | None) -> str:
    """A font's name without the subset tag (``ABCDEF+``), which PDFium leaves out and /BaseFont keeps."""
    name = name or ""
    tag, plus, rest = name.partition("+")
    return rest if plus and len(tag) == 6 and tag.isupper() else name


def suspect_fonts(page: PageText) -> set[str]:
    """Names (``font_key``) of the fonts whose glyphs on the page read as implausible text."""
    text = page.table.chars if page.table is not None else "".join([glyph.char for glyph in page.glyphs])
    if len(_IMPLAUSIBLE_TEXT.findall(text)) < MIN_SUSPECT_GLYPHS:
        return set()
    expand_table(page)
    drawn: Counter[str] = Counter()
    odd: Counter[str] = Counter()
    for glyph in page.glyphs:
        if glyph.is_space or glyph.look[0] is None or glyph.char == "\ufffd":
            continue
        font = font_key(glyph.look[0])
        drawn[font] += 1
        odd[font] += _implausible(ord(glyph.char))
    return {font for font, count in drawn.items()
            if count >= MIN_SUSPECT_GLYPHS and odd[font] > IMPLAUSIBLE_SHARE * count}


def unmapped_fonts(path: Path, index: int, page_count: int) -> set[str]:
    """The names (``font_key``) of the fonts on page ``index`` (its resources and its
    forms') that have no usable Unicode map; empty where pypdf cannot read the page."""
    from marklint.parsers.pdf_streams import _page_at, _resolve, open_reader

    found: set[str] = set()
    try:
        with open(path, "rb") as handle:
            reader = open_reader(handle)
            page, inherited = _page_at(reader.trailer["/Root"]["/Pages"], index, page_count)
            if page is not None:
                _collect(_resolve(page.get("/Resources", inherited)), MAX_FORM_DEPTH, found, _resolve)
    except Exception:
        return set()
    return found


def _collect(resources: Any, depth: int, found: set[str], resolve: Any) -> None:
    if not isinstance(resources, dict):
        return
    fonts = resolve(resources.get("/Font"))
    for font in fonts.values() if isinstance(fonts, dict) else ():
        font = resolve(font)
        if isinstance(font, dict) and not _mapped(font, resolve):
            found.add(font_key(str(font.get("/BaseFont", "")).lstrip("/")))
    objects = resolve(resources.get("/XObject"))
    for xobject in objects.values() if isinstance(objects, dict) and depth > 0 else ():
        xobject = resolve(xobject)
        if isinstance(xobject, dict) and xobject.get("/Subtype") == "/Form":
            _collect(resolve(xobject.get("/Resources")), depth - 1, found, resolve)


def _mapped(font: dict, resolve: Any) -> bool:
    """Whether PDFium can tell the characters of a font's codes: a /ToUnicode map, a predefined CMap of a
    named character collection, a standard encoding, or a font that is not embedded (read by its name)."""
    if font.get("/ToUnicode") is not None:
        return _usable_cmap(resolve(font.get("/ToUnicode")))
    encoding = resolve(font.get("/Encoding"))
    if font.get("/Subtype") == "/Type0":
        descendants = resolve(font.get("/DescendantFonts"))
        descendant = resolve(descendants[0]) if isinstance(descendants, list) and descendants else {}
        info = resolve(descendant.get("/CIDSystemInfo")) if isinstance(descendant, dict) else None
        ordering = str(resolve(info.get("/Ordering"))) if isinstance(info, dict) else ""
        return not str(encoding).startswith("/Identity") and ordering in _NAMED_ORDERINGS
    descriptor = resolve(font.get("/FontDescriptor"))
    embedded = isinstance(descriptor, dict) and any(key in descriptor for key in ("/FontFile", "/FontFile2",
                                                                                  "/FontFile3"))
    if not embedded:
        return True
    if isinstance(encoding, dict):
        base = encoding.get("/BaseEncoding")
        differences = resolve(encoding.get("/Differences"))
        names = [str(item) for item in differences] if isinstance(differences, list) else []
        return all(not _made_up(name) for name in names if name.startswith("/")) and (
            base in _STANDARD_ENCODINGS or bool(names))
    return encoding in _STANDARD_ENCODINGS


#: A ToUnicode CMap is read no further than this (a real one for a page's glyphs is a few KiB).
_MAX_CMAP_BYTES = 4 * 1024 * 1024


def _usable_cmap(stream: Any) -> bool:
    """Whether a /ToUnicode stream holds mappings (bfchar or bfrange); PDFium ignores one that does not."""
    try:
        data = stream.get_data()
    except Exception:
        return False
    return isinstance(data, bytes) and (b"beginbfchar" in data[:_MAX_CMAP_BYTES]
                                        or b"beginbfrange" in data[:_MAX_CMAP_BYTES])


def _made_up(glyph_name: str) -> bool:
    """A glyph name that names no character: /g12, /glyph3, /cid123, /G2A, /index5 (producers' own)."""
    name = glyph_name.lstrip("/").lower()
    for prefix in ("glyph", "index", "cid", "gid", "g"):
        if name.startswith(prefix) and name[len(prefix):].isalnum() and any(c.isdigit() for c in name):
            return True
    return False
