"""Word 97-2003 binary documents (``.doc``, and ``.wps`` from WPS Office 2005 on, the same format with an
extra ``WpsCustomData`` stream) into the neutral model, on olefile, imported only when such a file is met.

The text is one sequence of characters (CPs) assembled from the piece table; the FIB's story lengths
split it into the main text, footnotes, headers and footers, comments, endnotes and text boxes
([MS-DOC] 2.4.1). The main text is read as the DOCX body is (``docx._BodyKeeper`` keeps the same units),
the header story is cut per section into its first-page, odd and even headers and footers (PlcfHdd), and
each text box is read where its anchor stands. Footnotes, endnotes and comments are not read: they are no
marking places (markings.md section 4). Character looks (font, size, strike-through) come from the CHPX
runs over the style sheet, paragraph looks (alignment, indent, page break before, tables) from the PAPX
runs: see ``doc_story``.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from marklint.errors import NotExamined, os_error_words
from marklint.limits import Limits
from marklint.model import Document, PageGeometry, Reason, ReasonKind, Status, TextUnit
from marklint.parsers import doc_format as fmt
from marklint.parsers.doc_properties import document_summary_properties, summary_properties
from marklint.parsers.doc_story import Formatting, Section, StoryReader, TextBox
from marklint.parsers.docx import _BodyKeeper
from marklint.parsers.ooxml_flow import RawUnit, build_unit, first_render_page

#: PlcfHdd: six stories of note separators, then six per section, in this order ([MS-DOC] 2.9.118).
_SEPARATOR_STORIES = 6
_SECTION_STORIES = (("header", "even"), ("header", "default"), ("footer", "even"), ("footer", "default"),
                    ("header", "first"), ("footer", "first"))
_SPRM_S_BKC, _SPRM_S_TITLE_PAGE = 0x3009, 0x300A
_SPRM_S_XA_PAGE, _SPRM_S_YA_PAGE = 0xB01F, 0xB020
_FSPA_SIZE, _FTXBXS_SIZE, _FTXBXS_LID = 26, 22, 14
_SED_SIZE = 12
#: An OLE directory entry's type for a stream ([MS-CFB] 2.6.1: olefile's STGTY_STREAM).
_STREAM = 2


def parse(path: Path, display_path: str, limits: Limits) -> Document:
    """Read a Word binary file, or raise NotExamined with the reason."""
    import olefile  # only here: a scan without .doc files never imports it

    try:
        handle = open(path, "rb")  # noqa: SIM115 - read-only, closed below
    except OSError as exc:
        raise NotExamined("unreadable", os_error_words(exc)) from exc
    try:
        with handle:
            size = os.fstat(handle.fileno()).st_size
            ole = olefile.OleFileIO(handle)
            try:
                return _WordReader(_Streams(ole, size, handle), display_path, limits).read()
            finally:
                ole.close()
    except NotExamined:
        raise
    except fmt.OlderWordError as exc:
        raise NotExamined("unsupported format", str(exc)) from exc
    except fmt.DocFormatError as exc:
        raise NotExamined("corrupt", str(exc)) from exc
    except RecursionError as exc:
        raise NotExamined("corrupt", "OLE directory nested too deep") from exc
    except MemoryError:
        raise  # the worker's memory ceiling, not a property of the file
    except Exception as exc:  # malformed input must never crash a scan
        raise NotExamined("corrupt", "damaged OLE or Word structure") from exc


class _Streams:
    """The OLE file's streams, each checked to be no larger than the file before it is read: a directory
    entry may claim any size, and a FAT loop would then repeat sectors until that size is read.

    A stream whose chain is checked is read here from the sectors it names, a run of consecutive sectors at
    a time: the bytes olefile's own stream reader returns (which reads and logs sector by sector, most of
    what olefile costs a document), without its per-sector work."""

    def __init__(self, ole, file_size: int, handle: BinaryIO) -> None:
        self.ole = ole
        self.file_size = file_size
        self.handle = handle
        self._mini_stream: bytes | None = None
        self._mini_stream_checked = False

    def has(self, name: str) -> bool:
        return bool(self.ole.exists(name))

    def read(self, name: str) -> bytes:
        if not self.ole.exists(name):
            raise fmt.DocFormatError(f"no {name} stream")
        size = self.ole.get_size(name)
        if size > self.file_size:
            raise fmt.DocFormatError(f"the {name} stream claims more bytes than the file has")
        entry = self._check_chain(name, size)
        if entry.entry_type == _STREAM:
            data = self._chain_data(entry.isectStart, size)
        else:
            data = self.ole.openstream(name).read()  # olefile says what it is instead
        if len(data) < size:
            raise fmt.DocFormatError(f"the {name} stream is truncated")
        return data

    def _check_chain(self, name: str, size: int):  # returns an olefile directory entry
        """The stream's directory entry, once its sector chain is known to visit no sector twice and to stay
        in its allocation table: olefile follows a looping chain for as many sectors as the size needs,
        reading the same sectors again."""
        ole = self.ole
        entry = next((kid for kid in ole.root.kids if kid.name.lower() == name.lower()), None)
        if entry is None:
            raise fmt.DocFormatError(f"the {name} stream is not under the root storage")
        if size < ole.minisectorcutoff:
            if not self._mini_stream_checked:  # the chain of the mini stream itself, followed once
                _follow(name, ole.fat, ole.root.isectStart, -(-ole.root.size // ole.sectorsize))
                self._mini_stream_checked = True
            if ole.minifat is None:
                ole.loadminifat()
            _follow(name, ole.minifat, entry.isectStart, -(-size // ole.minisectorsize))
        else:
            _follow(name, ole.fat, entry.isectStart, -(-size // ole.sectorsize))
        return entry

    def _chain_data(self, start: int, size: int) -> bytes:
        """The ``size`` bytes of a stream from sector ``start`` (a chain ``_check_chain`` followed), from the
        mini stream below the cutoff, as olefile's ``openstream`` reads them."""
        ole = self.ole
        if size < ole.minisectorcutoff:
            if self._mini_stream is None:
                root = ole.root
                self._mini_stream = _sectors(self.handle.seek, self.handle.read, ole.fat, root.isectStart,
                                             -(-root.size // ole.sectorsize), ole.sectorsize, ole.sectorsize,
                                             )[: root.size]
            mini = io.BytesIO(self._mini_stream)
            return _sectors(mini.seek, mini.read, ole.minifat, start, -(-size // ole.minisectorsize),
                            ole.minisectorsize, 0)[:size]
        return _sectors(self.handle.seek, self.handle.read, ole.fat, start, -(-size // ole.sectorsize),
                        ole.sectorsize, ole.sectorsize)[:size]


def _sectors(seek: Callable[[int], object], read: Callable[[int], bytes], table, start: int, count: int,
             sector_size: int, offset: int) -> bytes:
    """``count`` sectors of a chain from ``start`` (checked: in ``table``, none twice), each as a read at
    ``offset + sector_size * sector`` gives it (short or empty past the end), a run of consecutive sectors
    read at once (the same bytes as its sectors one by one)."""
    pieces = []
    current = start
    left = count
    while left:
        first = current
        run = 1
        left -= 1
        current = table[current]
        while left and current == first + run:
            run += 1
            left -= 1
            current = table[current]
        seek(offset + sector_size * first)
        pieces.append(read(sector_size * run))
    return b"".join(pieces)


def _follow(name: str, table, start: int, count: int) -> None:
    seen: set[int] = set()
    current = start
    for _ in range(count):
        if current >= len(table) or current in seen:
            raise fmt.DocFormatError(f"the {name} stream's sector chain loops or leaves its table")
        seen.add(current)
        current = table[current]


class _WordReader:
    def __init__(self, streams: _Streams, display_path: str, limits: Limits) -> None:
        self.streams = streams
        self.limits = limits
        self.document = Document(path=display_path, format="doc")

    def read(self) -> Document:
        word = self.streams.read("WordDocument")
        fib = fmt.read_fib(word)
        if fib.encrypted or fib.obfuscated:
            raise NotExamined("encrypted", "password-protected legacy Word document")
        table = self.streams.read(fib.table_stream)
        pieces = fmt.read_pieces(table, fib, len(word))
        if pieces[0].start != 0:
            raise fmt.DocFormatError("the piece table does not start at the first character")
        total = pieces[-1].end
        main_length = fib.story_lengths[0]
        if min(fib.story_lengths) < 0 or main_length > total:
            raise fmt.DocFormatError("the main text runs past the piece table")
        text = "".join(fmt.piece_text(word, piece) for piece in pieces)
        # The text is what must be read; a damaged structure around it leaves the file partial, saying what.
        formatting = Formatting(word, table, fib, pieces)
        if formatting.damage:
            self._partial(formatting.damage)
        try:
            sections = self._sections(word, table, fib, main_length)
        except fmt.DocFormatError as exc:
            sections = [Section(main_length, 2, False, None)]
            self._partial(f"sections not read ({exc})")
        try:
            boxes = self._text_boxes(table, fib, total)
        except fmt.DocFormatError as exc:
            boxes = {}
            self._partial(f"text boxes not read ({exc})")

        keeper = _BodyKeeper(self.limits)
        body = StoryReader(text, formatting, keeper.add, ("body", "table", "textbox"), 1, sections, boxes)
        body.read(0, main_length)
        self._read_unanchored_boxes(body, boxes)
        units = keeper.finish()

        headers: list[TextUnit] = []
        footers: list[TextUnit] = []
        header_start, header_length = fib.story_start("header"), fib.story_lengths[2]
        if header_start + header_length > total:
            self._partial("the header story runs past the text; headers and footers not read")
        elif header_length:
            try:
                self._headers_footers(text, formatting, table, fib, sections, header_start, header_length,
                                      headers, footers)
            except fmt.DocFormatError as exc:
                headers, footers = [], []
                self._partial(f"headers and footers not read ({exc})")
        self.document.units = headers + units + footers
        self.document.geometry = sections[0].geometry if sections else None
        try:
            self._properties()
        except (struct.error, ValueError, UnicodeError):  # the text was read: say what was not
            self._partial("the document properties cannot be read")
        return self.document

    def _partial(self, detail: str) -> None:
        """The document read in part, its structure damaged as ``detail`` says."""
        self.document.status, self.document.reason = Status.PARTIAL, Reason(ReasonKind.CORRUPT, detail)

    # -- sections and headers --------------------------------------------------------------------------
    def _sections(self, word: bytes, table: bytes, fib: fmt.Fib, main_length: int) -> list[Section]:
        positions, items = fmt.plc(fmt.table_slice(table, *fib.where(fmt.FC_PLCF_SED)), _SED_SIZE)
        sections = []
        for end, item in zip(positions[1:], items, strict=False):
            (fc_sepx,) = struct.unpack_from("<I", item, 2)
            values: dict[int, bytes] = {}
            if fc_sepx != 0xFFFFFFFF and fc_sepx + 2 <= len(word):
                size = fmt.u16(word, fc_sepx)
                values = dict(fmt.sprms(word[fc_sepx + 2 : fc_sepx + 2 + size]))
            sections.append(Section(min(end, main_length), _section_break(values), _on(values, _SPRM_S_TITLE_PAGE),
                                    _geometry(values)))
        return sections or [Section(main_length, 2, False, None)]

    def _headers_footers(self, text: str, formatting: Formatting, table: bytes, fib: fmt.Fib,
                         sections: list[Section], start: int, length: int,
                         headers: list[TextUnit], footers: list[TextUnit]) -> None:
        positions, _ = fmt.plc(fmt.table_slice(table, *fib.where(fmt.FC_PLCF_HDD)), 0)
        even_and_odd = _facing_pages(table, fib)
        boxes = self._text_boxes(table, fib, len(text), "header_textbox", "header")
        out = {"header": headers, "footer": footers}
        in_force: dict[str, dict[str, int]] = {"header": {}, "footer": {}}
        read: set[int] = set()
        for number, section in enumerate(sections):
            shown: list[tuple[int, str, int]] = []
            for offset, (part, kind) in enumerate(_SECTION_STORIES):
                story = _SEPARATOR_STORIES + number * len(_SECTION_STORIES) + offset
                if story + 1 < len(positions) and positions[story + 1] > positions[story]:
                    in_force[part][kind] = story  # an empty story keeps the previous section's
            for part in ("header", "footer"):
                for kind, story in in_force[part].items():
                    page = first_render_page(kind, section.start_page, section.title_page, even_and_odd)
                    if page is not None:
                        shown.append((page, part, story))
            for page, part, story in sorted(shown):
                if story in read:
                    continue
                read.add(story)
                lo, hi = positions[story], min(positions[story + 1], length)
                raw: list[RawUnit] = []
                StoryReader(text, formatting, raw.append, (part, part, part), page, boxes=boxes).read(
                    start + lo, start + hi)
                out[part].extend(build_unit(unit, self.limits.max_unit_chars) for unit in raw)
        raw = []
        for box in boxes.get(-1, ()):  # a header text box whose anchor was not found: still read, on page 1
            StoryReader(text, formatting, raw.append, ("header",) * 3, 1).read(box.start, box.end)
        headers.extend(build_unit(unit, self.limits.max_unit_chars) for unit in raw)

    # -- text boxes --------------------------------------------------------------------------------------
    def _text_boxes(self, table: bytes, fib: fmt.Fib, total: int, story: str = "textbox",
                    anchored_in: str = "main") -> dict[int, list[TextBox]]:
        """The text boxes of ``story`` by the CP of their anchor in the story ``anchored_in`` (shape id ->
        anchor -> box): the main text's, or (``header_textbox``) the headers'."""
        index = fmt.STORIES.index(story)
        start, length = fib.story_start(story), fib.story_lengths[index]
        if not length:
            return {}
        if start + length > total:
            where = "header text box" if story == "header_textbox" else "text box"
            self._partial(f"the {where} story runs past the text; its text boxes not read")
            return {}
        spa, txbx = (fmt.FC_PLCSPA_MOM, fmt.FC_PLCF_TXBX_TXT) if story == "textbox" else \
            (fmt.FC_PLCSPA_HDR, fmt.FC_PLCF_HDR_TXBX_TXT)
        offset = fib.story_start(anchored_in)
        anchors, shapes = fmt.plc(fmt.table_slice(table, *fib.where(spa)), _FSPA_SIZE)
        anchor_of = {struct.unpack_from("<I", shape, 0)[0]: offset + cp
                     for cp, shape in zip(anchors, shapes, strict=False)}
        positions, items = fmt.plc(fmt.table_slice(table, *fib.where(txbx)), _FTXBXS_SIZE)
        boxes: dict[int, list[TextBox]] = {}
        for number, (lo, hi, item) in enumerate(zip(positions, positions[1:], items, strict=False)):
            if number == len(items) - 1 or hi <= lo:
                continue  # the last entry closes the story
            (shape,) = struct.unpack_from("<I", item, _FTXBXS_LID)
            box = TextBox(start + lo, start + min(hi, length))
            boxes.setdefault(anchor_of.get(shape, -1), []).append(box)
        return boxes

    def _read_unanchored_boxes(self, body: StoryReader, boxes: dict[int, list[TextBox]]) -> None:
        """Boxes whose anchor was not found are still read, on the last page: never a marking place, but
        their markings are seen."""
        for box in boxes.get(-1, ()):
            body.text_box(box, body.page)

    # -- properties --------------------------------------------------------------------------------------
    def _properties(self) -> None:
        props = self.document.properties
        if self.streams.has("\x05SummaryInformation"):
            summary, pages = summary_properties(self.streams.read("\x05SummaryInformation"))
            props.update(summary)
            if pages:
                props["app:Pages"] = str(pages)
                self.document.page_count = pages
        if self.streams.has("\x05DocumentSummaryInformation"):
            props.update(document_summary_properties(self.streams.read("\x05DocumentSummaryInformation")))
        if self.streams.has("WpsCustomData"):
            self.document.format = "wps"


def _on(values: dict[int, bytes], sprm: int) -> bool:
    return bool(values.get(sprm, b"\0")[0])


def _section_break(values: dict[int, bytes]) -> int:
    """The section's break code (bkc): 0 continuous, 1 new column, 2 new page, 3 even, 4 odd page."""
    return values[_SPRM_S_BKC][0] if _SPRM_S_BKC in values else 2


def _geometry(values: dict[int, bytes]) -> PageGeometry | None:
    def twips(sprm: int, default: int) -> float:
        raw = values.get(sprm)
        if raw is None or len(raw) != 2:
            return default / 20
        return struct.unpack("<H", raw)[0] / 20

    # Word's default for a section that states no page size: Letter.
    return PageGeometry(twips(_SPRM_S_XA_PAGE, 12240), twips(_SPRM_S_YA_PAGE, 15840))


def _facing_pages(table: bytes, fib: fmt.Fib) -> bool:
    """Dop fFacingPages: different odd and even headers."""
    fc, lcb = fib.where(fmt.FC_DOP)
    return lcb > 0 and fc < len(table) and bool(table[fc] & 1)
