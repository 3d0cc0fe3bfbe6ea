"""Reading WordprocessingML stories (body, header, footer, text box) into text units.

A story is a sequence of paragraphs and tables. Each paragraph line (split at w:br), table cell and
text-box paragraph becomes one TextUnit with style spans (the cells of a row share a line number); pages
are counted from explicit and rendered page breaks when the reader tracks pages (the body).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from marklint.model import PageGeometry, Part, StyleSpan, TextUnit
from marklint.parsers.ooxml_package import MC_NS, R_NS, w
from marklint.parsers.ooxml_styles import ParagraphLook, RunLook, StyleSheet, first_child, on, points

W_BODY, W_P, W_R, W_T, W_PPR, W_RPR = (w(n) for n in ("body", "p", "r", "t", "pPr", "rPr"))
W_TBL, W_TR, W_TC, W_SECTPR, W_TXBX = (w(n) for n in ("tbl", "tr", "tc", "sectPr", "txbxContent"))
W_SDT, W_SDT_CONTENT, W_CUSTOM_XML = w("sdt"), w("sdtContent"), w("customXml")
W_BR, W_CR, W_TAB, W_PTAB, W_SYM = (w(n) for n in ("br", "cr", "tab", "ptab", "sym"))
W_NO_BREAK_HYPHEN, W_RENDERED_BREAK = w("noBreakHyphen"), w("lastRenderedPageBreak")
W_TYPE, W_VAL = w("type"), w("val")
_HEADER_REF, _FOOTER_REF, _TITLE_PG = w("headerReference"), w("footerReference"), w("titlePg")
_PG_SZ = w("pgSz")
MC_ALTERNATE, MC_CHOICE, MC_FALLBACK = (f"{{{MC_NS}}}{n}" for n in ("AlternateContent", "Choice", "Fallback"))

#: Containers whose runs are read as if they were not there (links, tracked insertions, fields, controls).
_INLINE_WRAPPERS = frozenset(
    w(n) for n in ("hyperlink", "ins", "moveTo", "smartTag", "customXml", "fldSimple", "dir", "bdo")
)
#: Containers of paragraphs, rows or cells that are read through (content controls, custom XML).
BLOCK_WRAPPERS = frozenset((W_SDT, W_SDT_CONTENT, W_CUSTOM_XML))
#: Run children that may hold a text box (DrawingML, VML, OLE object, or both behind AlternateContent).
_SHAPE_HOLDERS = frozenset((w("drawing"), w("pict"), w("object"), MC_ALTERNATE))
_TABS = frozenset((W_TAB, W_PTAB))
_W_CHAR = w("char")

_PARTS = {part.value: part for part in Part}

# Paragraph content, flattened: (kind, value, look).
TEXT, LINE_BREAK, PAGE_BREAK, RENDERED_BREAK, TEXT_BOX = range(5)
_Item = tuple[int, object, RunLook | None]


class RawUnit(NamedTuple):
    """A unit before it becomes a TextUnit: most body units are dropped, so they are built only if kept."""

    text: str
    part: str
    page: int
    line: int
    spans: list  # [start, end, RunLook]
    align: str | None
    indent: float | None


def build_unit(raw: RawUnit, max_chars: int) -> TextUnit:
    """The TextUnit of ``raw``, cut to ``max_chars`` characters with its spans."""
    text, part, page, line, raw_spans, align, indent = raw
    if len(text) <= max_chars:  # the common case: nothing to cut (no span ends after the text)
        spans = tuple([StyleSpan(start, end, look.font, look.size, look.struck, look.color)
                       for start, end, look in raw_spans])
    else:
        text = text[:max_chars]
        spans = tuple([StyleSpan(start, min(end, max_chars), look.font, look.size, look.struck, look.color)
                       for start, end, look in raw_spans if start < max_chars])
    # Positional (bbox None): a frozen dataclass takes keywords at a cost, and this runs for every unit kept.
    # The part as its enum member, looked up: TextUnit would otherwise call the enum for every unit.
    return TextUnit(text, _PARTS.get(part, part), page, line, None, spans, align, indent)


@dataclass(frozen=True, slots=True)
class Section:
    """A DOCX section (``w:sectPr``): where it starts, its header and footer parts, its page geometry."""

    start_page: int
    headers: dict[str, str]  # reference type (default / first / even) -> relationship id
    footers: dict[str, str]
    title_page: bool
    geometry: PageGeometry | None


def read_section(sectpr: etree._Element, start_page: int) -> Section:
    headers: dict[str, str] = {}
    footers: dict[str, str] = {}
    title_page = False
    width = height = None
    for child in sectpr:
        tag = child.tag
        if tag in (_HEADER_REF, _FOOTER_REF):
            refs = headers if tag == _HEADER_REF else footers
            refs[child.get(W_TYPE) or "default"] = child.get(f"{{{R_NS}}}id") or ""
        elif tag == _TITLE_PG:
            title_page = on(child)
        elif tag == _PG_SZ:
            width, height = points(child.get(w("w")), 20), points(child.get(w("h")), 20)
    geometry = None
    if width and height:
        geometry = PageGeometry(width, height)
    return Section(start_page, headers, footers, title_page, geometry)


def first_render_page(kind: str, start: int, title_page: bool, even_and_odd: bool) -> int | None:
    """The first page of a section starting at ``start`` that shows header/footer ``kind``, or None."""
    if kind == "first":
        return start if title_page else None
    first_plain = start + 1 if title_page else start  # the first page not taken by a title-page header
    if kind == "even":
        if not even_and_odd:
            return None
        return first_plain if first_plain % 2 == 0 else first_plain + 1
    if kind == "default":
        if even_and_odd and first_plain % 2 == 0:
            return first_plain + 1  # the default header is the odd-page header then
        return first_plain
    return None


class _Line:
    """Text of one unit being assembled, with style spans over it."""

    __slots__ = ("length", "page", "pieces", "spans")

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.spans: list[list] = []  # [start, end, RunLook]
        self.length = 0
        self.page: int | None = None

    def add(self, text: str, look: RunLook | None, page: int) -> None:
        if not text:
            return
        if self.page is None:
            self.page = page
        start, end = self.length, self.length + len(text)
        self.pieces.append(text)
        self.length = end
        if look is None:
            return
        if self.spans and self.spans[-1][1] == start and self.spans[-1][2] == look:
            self.spans[-1][1] = end
        else:
            self.spans.append([start, end, look])


class FlowReader:
    """Turns paragraphs, tables and text boxes of one story (body, a header, a footer) into units."""

    def __init__(
        self,
        styles: StyleSheet,
        sink: Callable[[RawUnit], None],
        parts: tuple[str, str, str],
        page: int,
        track_pages: bool,
    ) -> None:
        self.styles = styles
        self._sink = sink
        self.paragraph_part, self.table_part, self.box_part = parts
        self.page = page
        self.track_pages = track_pages
        self.sections: list[Section] = []
        self._section_start = page
        self._line_numbers: dict[tuple[str, int], int] = {}
        self._text_since_break = False  # a rendered break right after a hard one is the same break
        self._started = False  # pageBreakBefore on the first paragraph makes no blank page

    # -- blocks ------------------------------------------------------------------------------
    def blocks(self, container: etree._Element) -> None:
        for child in container:
            self.block(child)

    def block(self, element: etree._Element) -> None:
        """One block-level element: a paragraph, a table, or a wrapper of them."""
        tag = element.tag
        if tag == W_P:
            self.paragraph(element)
        elif tag == W_TBL:
            self.table(element)
        elif tag in BLOCK_WRAPPERS:
            self.blocks(element)
        elif tag == MC_ALTERNATE:
            branch = _choose(element)
            if branch is not None:
                self.blocks(branch)

    def paragraph(self, p: etree._Element) -> None:
        # Held while the paragraph is read: lxml then keeps its proxy, and the tag it has worked out once.
        ppr = None
        for child in p:  # first_child(p, W_PPR), without a call: this runs for every paragraph
            if child.tag == W_PPR:
                ppr = child
                break
        pstyle, look, sectpr = self.styles.paragraph(ppr)
        if look.page_break_before and self.track_pages and self._started:
            self._new_page()
        items: list[_Item] = []
        self._inline(p, pstyle, items)
        if items:  # an empty paragraph (spacing) makes no unit
            self._lines(items, look)
        self._started = True  # but it takes its line on the page: a page break before the next one is a page
        if self.track_pages and sectpr is not None:
            self.end_section(sectpr, final=False)

    def _lines(self, items: list[_Item], look: ParagraphLook) -> None:
        """The units of a paragraph's content: its lines, then its text boxes."""
        line = _Line()
        boxes = []
        for kind, value, run_look in items:
            if kind == TEXT:
                line.add(value, run_look, self.page)
            elif kind == TEXT_BOX:
                boxes.append((value, self.page))
            elif kind == LINE_BREAK:
                self._flush(self.paragraph_part, line, look)
                line = _Line()
            elif self.track_pages:
                self._flush(self.paragraph_part, line, look)
                line = _Line()
                if kind == PAGE_BREAK or self._text_since_break:
                    self._new_page()
        self._flush(self.paragraph_part, line, look)
        for box, page in boxes:
            self._text_box(box, page)

    def table(self, tbl: etree._Element) -> None:
        for row in _children(tbl, W_TR):
            self.row(row)

    def row(self, tr: etree._Element) -> None:
        """One row: each cell its own unit (a cell's paragraphs joined by a space), all on one line number,
        so that a row of a header table (``机密★10年 | 某某县财政局``) or of a table that lists levels
        (``秘密 | 10年``) is never read as one string (README "Where marklint looks": each cell is its own unit)."""
        cells: list[_Line] = []
        boxes = []
        nested = []
        for cell in _children(tr, W_TC):
            line = _Line()
            separate = False
            for block in _cell_blocks(cell):
                if block.tag == W_TBL:
                    nested.append(block)
                    continue
                items: list[_Item] = []
                self._inline(block, self.styles.paragraph_style_id(first_child(block, W_PPR)), items)
                for kind, value, run_look in items:
                    if kind == TEXT:
                        if separate and line.length and value:
                            line.add(" ", None, self.page)
                        separate = False
                        line.add(value, run_look, self.page)
                    elif kind == LINE_BREAK:
                        separate = True
                    elif kind == TEXT_BOX:
                        boxes.append((value, self.page))
                    elif self.track_pages and (kind == PAGE_BREAK or self._text_since_break or line.length):
                        self._new_page()
                separate = True
            cells.append(line)
        number = None
        for line in cells:
            number = self._flush(self.table_part, line, None, number)
        for box, page in boxes:
            self._text_box(box, page)
        for table in nested:
            self.table(table)

    def _text_box(self, box: etree._Element, page: int) -> None:
        """Read a text box's content as units of the box part, all on the anchor's page."""
        saved = (self.paragraph_part, self.table_part, self.page, self.track_pages)
        self.paragraph_part = self.table_part = self.box_part
        self.page, self.track_pages = page, False
        try:
            self.blocks(box)
        finally:
            self.paragraph_part, self.table_part, self.page, self.track_pages = saved

    def end_section(self, sectpr: etree._Element, final: bool) -> None:
        self.sections.append(read_section(sectpr, self._section_start))
        if final:
            return
        kind = first_child(sectpr, W_TYPE)
        if kind is None or kind.get(W_VAL) != "continuous":
            self._new_page()
        self._section_start = self.page

    # -- runs --------------------------------------------------------------------------------
    def _inline(self, parent: etree._Element, pstyle: str | None, items: list[_Item]) -> None:
        for child in parent:
            tag = child.tag
            if tag == W_R:
                self._run(child, pstyle, items)
            elif tag in _INLINE_WRAPPERS:
                self._inline(child, pstyle, items)
            elif tag == W_SDT:
                content = first_child(child, W_SDT_CONTENT)
                if content is not None:
                    self._inline(content, pstyle, items)
            elif tag == MC_ALTERNATE:
                branch = _choose(child)
                if branch is not None:
                    self._inline(branch, pstyle, items)
            # w:del and w:moveFrom (tracked deletions), bookmarks, math and the like show no text we read.

    def _run(self, run: etree._Element, pstyle: str | None, items: list[_Item]) -> None:
        rpr = None  # held while the run is read (see ``paragraph``)
        for child in run:  # first_child(run, W_RPR), without a call
            if child.tag == W_RPR:
                rpr = child
                break
        look = self.styles.run_look(pstyle, rpr)
        if look.hidden:
            return
        append = items.append
        for child in run:
            tag = child.tag
            if tag == W_T:
                text = child.text
                if text:
                    append((TEXT, text, look))
            elif tag == W_RPR:
                continue
            elif tag in _TABS:
                append((TEXT, "\t", look))
            elif tag == W_BR:
                append((PAGE_BREAK if child.get(W_TYPE) == "page" else LINE_BREAK, None, None))
            elif tag == W_CR:
                append((LINE_BREAK, None, None))
            elif tag == W_RENDERED_BREAK:
                append((RENDERED_BREAK, None, None))
            elif tag == W_NO_BREAK_HYPHEN:
                append((TEXT, "-", look))
            elif tag == W_SYM:
                char = _symbol(child.get(_W_CHAR))
                if char:
                    append((TEXT, char, look))
            elif tag in _SHAPE_HOLDERS:
                items.extend((TEXT_BOX, box, None) for box in _text_boxes(child))
            # w:delText, w:instrText, w:fldChar, w:softHyphen and notes references are not shown text.

    # -- output ------------------------------------------------------------------------------
    def _new_page(self) -> None:
        self.page += 1
        self._text_since_break = False

    def _flush(self, part: str, line: _Line, look: ParagraphLook | None, number: int | None = None) -> int | None:
        """Emit ``line`` as a unit; ``number`` is the line number to share (the cells of one table row).
        Returns the line number used, or ``number`` when the line was empty."""
        number = flush_line(self._sink, self._line_numbers, part, line, self.page, look, number)
        if number is not None and self.track_pages:
            self._text_since_break = True
            self._started = True
        return number


def flush_line(sink: Callable[[RawUnit], None], line_numbers: dict[tuple[str, int], int], part: str, line: _Line,
               page: int, look: ParagraphLook | None, number: int | None = None) -> int | None:
    """Give ``line`` to ``sink`` as a unit of ``part``, numbered within its part and page (``page`` unless the
    line has its own); ``number`` is the line number to share (the cells of one table row). Returns the line
    number used, or ``number`` when the line has no text and makes no unit. Shared with the Word binary
    reader (``doc_story``), whose paragraph looks have the same ``align`` and ``indent``."""
    text = "".join(line.pieces)
    if not text.strip():
        return number
    page = line.page if line.page is not None else page
    key = (part, page)
    if number is None or line_numbers.get(key, 0) < number:
        number = line_numbers.get(key, 0) + 1
        line_numbers[key] = number
    align, indent = (look.align, look.indent) if look is not None else (None, None)
    sink(RawUnit(text, part, page, number, line.spans, align, indent))
    return number


def _choose(alternate: etree._Element) -> etree._Element | None:
    """The one branch of mc:AlternateContent to read: the Choice (Word's DrawingML), else the Fallback."""
    branch = first_child(alternate, MC_CHOICE)
    return branch if branch is not None else first_child(alternate, MC_FALLBACK)


def _text_boxes(element: etree._Element) -> Iterator[etree._Element]:
    """The outermost w:txbxContent elements in a shape, reading one branch of each AlternateContent."""
    if element.tag == W_TXBX:
        yield element
        return
    if next(element.iter(W_TXBX), None) is None:
        return  # a picture: nothing to walk
    if element.tag == MC_ALTERNATE:
        element = _choose(element)
        if element is None:
            return
    for child in element:
        if isinstance(child.tag, str):
            yield from _text_boxes(child)


def _children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with ``tag``, looking through content controls and custom XML wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in BLOCK_WRAPPERS:
            yield from _children(child, tag)


def _cell_blocks(cell: etree._Element) -> Iterator[etree._Element]:
    for child in cell:
        tag = child.tag
        if tag in (W_P, W_TBL):
            yield child
        elif tag in BLOCK_WRAPPERS:
            yield from _cell_blocks(child)
        elif tag == MC_ALTERNATE:
            branch = _choose(child)
            if branch is not None:
                yield from _cell_blocks(branch)


def _symbol(code: str | None) -> str:
    """The character of a w:sym (hex code); a symbol font's private-use code stays as it is."""
    try:
        value = int(code or "", 16)
    except ValueError:
        return ""
    # A lone surrogate or an out-of-range code would break every later encode.
    return chr(value) if 0 <= value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else ""
