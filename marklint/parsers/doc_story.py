"""One story of a Word binary document (the main text, a header, a text box) into text units, with the
looks of its characters and paragraphs.

Units are cut as the DOCX reader cuts them (``ooxml_flow``): a paragraph line (split at line breaks) is a
unit; a table cell is one unit (its paragraphs joined by a space), the cells of a row sharing a line
number (markings.md section 7: each cell is its own unit); a
text box's paragraphs follow the paragraph that anchors it, on its page. Special characters
([MS-DOC] 2.8.25): ``\\r`` ends a paragraph, ``\\x07`` a cell or a row, ``\\x0b`` is a line break,
``\\x0c`` a page or section break, ``\\x13 instruction \\x14 result \\x15`` a field (the result is shown
text, the instruction is not), ``\\x01``-``\\x08`` objects, note and comment references.
"""

from __future__ import annotations

import re
import struct
from bisect import bisect_right
from collections.abc import Callable
from typing import NamedTuple

from marklint.model import PageGeometry
from marklint.parsers import doc_format as fmt
from marklint.parsers.ooxml_flow import RawUnit, _Line, flush_line
from marklint.parsers.ooxml_styles import RunLook

# Character sprms ([MS-DOC] 2.6.1).
_C_STRIKE, _C_DSTRIKE, _C_VANISH, _C_DELETED = 0x0837, 0x2A53, 0x083C, 0x0800
_C_SIZE, _C_FONT_ASCII, _C_FONT_EAST_ASIAN, _C_STYLE = 0x4A43, 0x4A4F, 0x4A50, 0x4A30
_C_COLOR, _C_COLOR_INDEX = 0x6870, 0x2A42
_TOGGLES = {_C_STRIKE: "strike", _C_DSTRIKE: "dstrike", _C_VANISH: "vanish", _C_DELETED: "deleted"}
# Paragraph sprms.
_P_JC, _P_JC80, _P_LEFT, _P_LEFT80 = 0x2461, 0x2403, 0x845E, 0x840F
_P_PAGE_BREAK_BEFORE, _P_IN_TABLE, _P_ROW_END, _P_INNER_ROW_END = 0x2407, 0x2416, 0x2417, 0x244C
_ALIGN = {0: "left", 1: "center", 2: "right", 3: "both"}
#: Ico colour indices ([MS-DOC] 2.9.119) as RGB hex.
_ICO = {1: "000000", 2: "0000FF", 3: "00FFFF", 4: "00FF00", 5: "FF00FF", 6: "FF0000", 7: "FFFF00", 8: "FFFFFF",
        9: "000080", 10: "008080", 11: "008000", 12: "800080", 13: "800000", 14: "808000", 15: "808080",
        16: "C0C0C0"}
_DEFAULT_HALF_POINTS = 20
_NO_STYLE = 0x0FFF
_MARKS = re.compile("[\r\x07\x0c]")
_SPECIAL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")  # within a paragraph: _MARKS end it
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_ANCHOR = "\x08"
_UNKNOWN_LOOK = RunLook(None, None, False, None, False)
#: Cached looks per document: a document uses a handful of combinations.
_MAX_CACHED = 4096


class Section:
    """A section: the CP after its end in the main text, how it starts, its title page and page size.

    A plain class, not a dataclass: this module is imported by every worker that meets a Word binary file,
    and making a dataclass costs about half a millisecond each time."""

    __slots__ = ("end", "geometry", "start_kind", "start_page", "title_page")

    def __init__(self, end: int, start_kind: int, title_page: bool, geometry: PageGeometry | None,
                 start_page: int = 1) -> None:
        self.end = end
        self.start_kind = start_kind  # bkc
        self.title_page = title_page
        self.geometry = geometry
        self.start_page = start_page


class TextBox(NamedTuple):
    start: int
    end: int


class ParagraphLook(NamedTuple):
    align: str | None
    indent: float | None
    page_break_before: bool
    in_table: bool
    row_end: bool


class _Derived:
    """The style sheet and fonts of a template, and the looks resolved over them."""

    __slots__ = ("fonts", "looks", "paragraphs", "styles")

    def __init__(self, styles: fmt.StyleSheet, fonts: list[str]) -> None:
        self.styles = styles
        self.fonts = fonts
        self.looks: dict[tuple[int, bytes], RunLook] = {}
        self.paragraphs: dict[bytes, ParagraphLook] = {}


#: (style sheet bytes, font table bytes) -> what is derived from them, for the last few templates met.
_DERIVED: dict[tuple[bytes, bytes], _Derived] = {}
_MAX_DERIVED = 16


def _derived(table: bytes, fib: fmt.Fib) -> _Derived:
    key = (fmt.table_slice(table, *fib.where(fmt.FC_STSH)), fmt.table_slice(table, *fib.where(fmt.FC_STTBF_FFN)))
    derived = _DERIVED.get(key)
    if derived is None:
        derived = _Derived(fmt.read_styles(table, fib), fmt.font_names(table, fib))
        if len(_DERIVED) >= _MAX_DERIVED:
            del _DERIVED[next(iter(_DERIVED))]
        _DERIVED[key] = derived
    return derived


class Formatting:
    """Character and paragraph looks by CP: CHPX and PAPX runs over the style sheet and the font table."""

    def __init__(self, word: bytes, table: bytes, fib: fmt.Fib, pieces: list[fmt.Piece]) -> None:
        self.pieces = pieces
        self._piece_starts = [piece.start for piece in pieces]
        # What is made of the style sheet and font table (the template's) serves every document with the same
        # bytes, as DOCX's Package.derived does: the looks resolved over them too.
        self.damage: str | None = None  # what could not be read, for a partial result
        try:
            derived = _derived(table, fib)
        except fmt.DocFormatError as exc:
            derived, self.damage = _Derived(fmt.StyleSheet({}, (0, 0)), []), f"styles and fonts not read ({exc})"
        self.styles, self.fonts = derived.styles, derived.fonts
        self._looks, self._paragraphs = derived.looks, derived.paragraphs
        try:
            chpx_starts, chpx = fmt.chpx_runs(word, table, fib)
        except fmt.DocFormatError as exc:
            chpx_starts, chpx, self.damage = [], [], f"character formatting not read ({exc})"
        self._looks_unknown = self.damage is not None  # styles or character runs not read
        try:
            self.papx_starts, self.papx = fmt.papx_runs(word, table, fib)
        except fmt.DocFormatError as exc:
            self.papx_starts, self.papx, self.damage = [], [], f"paragraph formatting not read ({exc})"
        # Character runs in CP space: piece boundaries and CHPX boundaries, each with its grpprl.
        self.run_starts: list[int] = []
        self.run_grpprls: list[bytes] = []
        run_starts, run_grpprls = self.run_starts, self.run_grpprls
        runs, starts = len(chpx), len(chpx_starts)
        for piece in pieces:
            # Piece.fc_at inlined: a document has a few dozen runs, each looked at here.
            start, fc, end, modifier = piece.start, piece.fc, piece.end, piece.modifier
            width = 1 if piece.compressed else 2
            fc_end = fc + (end - start) * width
            index = max(bisect_right(chpx_starts, fc) - 1, 0)
            cp = start
            while cp < end:
                grpprl = chpx[index] if index < runs and chpx_starts[index] <= fc + (cp - start) * width else b""
                if modifier:
                    grpprl += modifier
                run_starts.append(cp)
                run_grpprls.append(grpprl)
                next_fc = chpx_starts[index + 1] if index + 1 < starts else fc_end
                if next_fc >= fc_end:
                    break
                step = start + -(-(next_fc - fc) // width)
                cp = step if step > cp else cp + 1
                index += 1

    def paragraph(self, mark: int) -> tuple[int, ParagraphLook]:
        """The style and look of the paragraph whose mark is at CP ``mark``."""
        index = bisect_right(self._piece_starts, mark) - 1
        papx = b""
        if index >= 0:
            piece = self.pieces[index]
            papx = fmt.run_at(self.papx_starts, self.papx, piece.fc_at(mark))
            if piece.modifier:  # after the istd, so that it overrides the PAPX's own properties
                papx = (papx or b"\0\0") + piece.modifier
        look = self._paragraphs.get(papx)
        istd = struct.unpack_from("<H", papx, 0)[0] if len(papx) >= 2 else 0
        if look is None:
            values: dict[int, bytes] = {}
            for style in self.styles.chain(istd):
                values.update(fmt.sprms(style.paragraph))
            values.update(fmt.sprms(papx[2:]))
            look = _paragraph_look(values)
            if len(self._paragraphs) < _MAX_CACHED:
                self._paragraphs[papx] = look
        return istd, look

    def run_index(self, cp: int) -> int:
        return bisect_right(self.run_starts, cp) - 1

    def look(self, run: int, istd: int) -> RunLook:
        if self._looks_unknown:
            return _UNKNOWN_LOOK  # what the file says of fonts and strike-through is not known: say nothing
        grpprl = self.run_grpprls[run] if run >= 0 else b""
        key = (istd, grpprl)
        look = self._looks.get(key)
        if look is None:
            look = self._resolve(istd, grpprl)
            if len(self._looks) < _MAX_CACHED:
                self._looks[key] = look
        return look

    def _resolve(self, istd: int, grpprl: bytes) -> RunLook:
        state: dict[str, object] = {"ascii": self.styles.default_fonts[0], "ea": self.styles.default_fonts[1],
                                    "size": _DEFAULT_HALF_POINTS, "strike": False, "dstrike": False,
                                    "vanish": False, "deleted": False, "color": None}
        for style in self.styles.chain(istd):
            _apply(state, style.character)
        direct = list(fmt.sprms(grpprl))
        for sprm, operand in direct:
            if sprm == _C_STYLE and len(operand) == 2:  # a character style, under the direct formatting
                for style in self.styles.chain(struct.unpack("<H", operand)[0]):
                    _apply(state, style.character)
        _apply(state, b"", direct)
        font_index = state["ea"]
        font = self.fonts[font_index] if isinstance(font_index, int) and font_index < len(self.fonts) else None
        return RunLook(font or None, int(state["size"]) / 2, bool(state["strike"] or state["dstrike"]),
                       state["color"], bool(state["vanish"] or state["deleted"]))  # type: ignore[arg-type]


def _apply(state: dict[str, object], grpprl: bytes, parsed: list[tuple[int, bytes]] | None = None) -> None:
    for sprm, operand in parsed if parsed is not None else fmt.sprms(grpprl):
        toggle = _TOGGLES.get(sprm)
        if toggle is not None and operand:
            value = operand[0]
            # 0 off, 1 on, 0x80 as the style says, 0x81 the opposite of the style ([MS-DOC] 2.9.327).
            state[toggle] = (not state[toggle]) if value == 0x81 else state[toggle] if value == 0x80 else bool(value)
        elif sprm == _C_SIZE and len(operand) == 2:
            state["size"] = struct.unpack("<H", operand)[0] or _DEFAULT_HALF_POINTS
        elif sprm == _C_FONT_EAST_ASIAN and len(operand) == 2:
            state["ea"] = struct.unpack("<H", operand)[0]
        elif sprm == _C_FONT_ASCII and len(operand) == 2:
            state["ascii"] = struct.unpack("<H", operand)[0]
        elif sprm == _C_COLOR and len(operand) == 4:
            state["color"] = None if operand[3] == 0xFF else operand[:3].hex().upper()
        elif sprm == _C_COLOR_INDEX and operand:
            state["color"] = _ICO.get(operand[0])


def _paragraph_look(values: dict[int, bytes]) -> ParagraphLook:
    jc = values.get(_P_JC, values.get(_P_JC80))
    left = values.get(_P_LEFT, values.get(_P_LEFT80))
    indent = struct.unpack("<h", left)[0] / 20 if left is not None and len(left) == 2 else None
    return ParagraphLook(_ALIGN.get(jc[0]) if jc else None, indent, _flag(values, _P_PAGE_BREAK_BEFORE),
                         _flag(values, _P_IN_TABLE), _flag(values, _P_ROW_END) or _flag(values, _P_INNER_ROW_END))


def _flag(values: dict[int, bytes], sprm: int) -> bool:
    return values.get(sprm, b"\0")[:1] not in (b"", b"\0")


class StoryReader:
    """Reads CPs of one story into RawUnits for ``sink``; in the main text it counts pages and section starts
    (``sections``) and reads the text boxes anchored in it (``boxes``)."""

    def __init__(self, text: str, formatting: Formatting, sink: Callable[[RawUnit], None],
                 parts: tuple[str, str, str], page: int, sections: list[Section] | None = None,
                 boxes: dict[int, list[TextBox]] | None = None) -> None:
        self.text = text
        self.formatting = formatting
        self.sink = sink
        self.paragraph_part, self.table_part, self.box_part = parts
        self.page = page
        self.sections = sections
        self.track_pages = sections is not None
        self.boxes = boxes or {}
        self._section_ends = {section.end - 1: number for number, section in enumerate(sections or ())}
        self._line_numbers: dict[tuple[str, int], int] = {}
        self._fields: list[bool] = []  # per open field: True while in its instruction
        self._started = False
        self._cells: list[_Line] = []  # the ended cells of the table row being read
        self._cell: _Line | None = None  # the cell being read
        self._separate = False

    def read(self, start: int, end: int) -> None:
        at = start
        while at < end:
            found = _MARKS.search(self.text, at, end)
            mark = found.start() if found else end
            istd, look = self.formatting.paragraph(mark if found else max(end - 1, start))
            if look.page_break_before and self.track_pages and self._started:
                self._new_page()
            line = self._cell if self._cell is not None else _Line()
            queued: list[tuple[TextBox, int]] = []
            in_table = look.in_table or (found is not None and found.group() == "\x07")
            line = self._content(at, mark, istd, line, in_table, queued)
            self._end_paragraph(line, look, found.group() if found else "\r", mark, in_table)
            self._started = True  # an empty paragraph too takes its line: a page break before the next is a page
            for box, page in queued:
                self.text_box(box, page)
            at = mark + 1
        self._close_row()

    def _content(self, start: int, end: int, istd: int, line: _Line, in_table: bool,
                 queued: list[tuple[TextBox, int]]) -> _Line:
        formatting = self.formatting
        run = formatting.run_index(start)
        at = start
        while at < end:
            run_end = formatting.run_starts[run + 1] if run + 1 < len(formatting.run_starts) else end
            stop = min(run_end, end)
            look = formatting.look(run, istd)
            while at < stop:
                found = _SPECIAL.search(self.text, at, stop)
                chunk_end = found.start() if found else stop
                if chunk_end > at and not look.hidden and not (self._fields and self._fields[-1]):
                    self._add(line, self.text[at:chunk_end], look, in_table)
                if found is None:
                    at = stop
                    break
                line = self._special(found.group(), chunk_end, line, look, in_table, queued)
                at = chunk_end + 1
            run += 1
        return line

    def _add(self, line: _Line, text: str, look: RunLook, in_table: bool) -> None:
        if in_table and self._separate and line.length:
            line.add(" ", None, self.page)
        self._separate = False
        line.add(text, look, self.page)

    def _special(self, char: str, cp: int, line: _Line, look: RunLook, in_table: bool,
                 queued: list[tuple[TextBox, int]]) -> _Line:
        if char == _FIELD_BEGIN:
            self._fields.append(True)
        elif char == _FIELD_SEPARATOR:
            if self._fields:
                self._fields[-1] = False
        elif char == _FIELD_END:
            if self._fields:
                self._fields.pop()
        elif self._fields and self._fields[-1]:
            pass  # inside a field instruction: nothing shows
        elif char == "\x0b":
            if in_table:
                self._separate = True
            else:
                self._flush(self.paragraph_part, line, None)
                return _Line()
        elif char == "\x1e" and not look.hidden:
            self._add(line, "-", look, in_table)  # a non-breaking hyphen
        elif char == _ANCHOR:
            queued.extend((box, self.page) for box in self.boxes.get(cp, ()))
        return line

    def _break(self, cp: int) -> None:
        """A page break, or the mark that ends a section: the next section starts on a new page unless
        it is continuous or starts a new column."""
        if not self.track_pages:
            return
        number = self._section_ends.get(cp)
        following = number + 1 if number is not None else None
        if following is None or (following < len(self.sections) and self.sections[following].start_kind > 1):
            self._new_page()
        if following is not None and following < len(self.sections):
            self.sections[following].start_page = self.page

    def _end_paragraph(self, line: _Line, look: ParagraphLook, mark: str, cp: int, in_table: bool) -> None:
        if mark == "\x0c":  # a page break, or a section's last paragraph ended by the section mark
            if in_table:
                self._cell, self._separate = line, True  # the cell goes on after the break
            else:
                self._flush(self.paragraph_part, line, look)
            self._break(cp)
            return
        if not in_table:
            self._close_row()
            self._flush(self.paragraph_part, line, look)
            return
        self._cell = line
        if mark == "\r":
            self._separate = True
        elif look.row_end:
            self._close_row()
        else:  # the end of a cell
            self._cells.append(line)
            self._cell = None
            self._separate = False

    def _close_row(self) -> None:
        """The cells of a row, each its own unit on one line number, as ``FlowReader.row`` gives them."""
        if self._cell is not None:
            self._cells.append(self._cell)
        number = None
        for line in self._cells:
            number = self._flush(self.table_part, line, None, number)
        self._cells, self._cell = [], None
        self._separate = False

    def text_box(self, box: TextBox, page: int) -> None:
        """A text box's paragraphs, as units of the box part on the anchor's page."""
        reader = StoryReader(self.text, self.formatting, self.sink, (self.box_part,) * 3, page)
        reader._line_numbers = self._line_numbers
        reader.read(box.start, box.end)
        reader._close_row()

    def _new_page(self) -> None:
        self.page += 1

    def _flush(self, part: str, line: _Line, look: ParagraphLook | None, number: int | None = None) -> int | None:
        number = flush_line(self.sink, self._line_numbers, part, line, self.page, look, number)
        if number is not None:
            self._started = True
        return number
