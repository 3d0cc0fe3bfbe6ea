"""The structures of a Word 97-2003 binary document ([MS-DOC]) that marklint reads: the FIB, the piece
table, PLCs, the formatting pages (FKPs) of character and paragraph properties, and sprm lists.

Every offset and count read from the file is checked against the stream it points into before it is used,
so a damaged or hostile file raises ``DocFormatError`` (the reader's ``corrupt``), never reads past a
buffer or loops. Nothing here knows about text units.
"""

from __future__ import annotations

import itertools
import struct
from bisect import bisect_right
from collections.abc import Iterator
from typing import NamedTuple

#: FIB wIdent of a Word binary document ([MS-DOC] 2.5.2).
WORD_IDENT = 0xA5EC
#: wIdent of Word 6 files, and the nFib values of Word 6 and Word 95 ([MS-DOC] 2.5.2 lists 97's on).
WORD6_IDENT, WORD6_NFIB = 0xA5DC, range(0x0065, 0x006A)
_F_WHICH_TABLE, _F_ENCRYPTED, _F_OBFUSCATED = 0x0200, 0x0100, 0x8000
#: FibRgLw97 indices of the story lengths, in the order the stories follow each other in CP space:
#: main text, footnotes, headers, macros (unused), comments, endnotes, text boxes, header text boxes.
STORIES = ("main", "footnote", "header", "macro", "comment", "endnote", "textbox", "header_textbox")
_CCP_AT = 3
#: FibRgFcLcb97 indices (pairs fc/lcb) of the structures read.
FC_STSH, FC_PLCF_SED, FC_PLCF_HDD, FC_BTE_CHPX, FC_BTE_PAPX, FC_STTBF_FFN, FC_DOP, FC_CLX = 1, 6, 11, 12, 13, 15, 31, 33
FC_PLCSPA_MOM, FC_PLCSPA_HDR, FC_PLCF_TXBX_TXT, FC_PLCF_HDR_TXBX_TXT = 40, 41, 56, 58
FKP_SIZE = 512
_COMPRESSED = 0x40000000
#: Pieces, runs and PLC entries read at most: a real document has thousands, a hostile one claims billions.
MAX_ENTRIES = 1_000_000


class DocFormatError(ValueError):
    """The file breaks the format where marklint must rely on it."""


def u16(data: bytes, at: int) -> int:
    if at < 0 or at + 2 > len(data):
        raise DocFormatError("truncated structure")
    return struct.unpack_from("<H", data, at)[0]


def u32(data: bytes, at: int) -> int:
    if at < 0 or at + 4 > len(data):
        raise DocFormatError("truncated structure")
    return struct.unpack_from("<I", data, at)[0]


class Fib(NamedTuple):
    """What the File Information Block says: flags, story lengths and where the table structures are."""

    table_stream: str  # 0Table or 1Table
    encrypted: bool
    obfuscated: bool
    story_lengths: tuple[int, ...]  # ccpText … ccpHdrTxbx, as STORIES
    fc_lcb: tuple[tuple[int, int], ...]

    def where(self, index: int) -> tuple[int, int]:
        """(offset, length) in the table stream of FibRgFcLcb entry ``index``; (0, 0) when absent."""
        return self.fc_lcb[index] if index < len(self.fc_lcb) else (0, 0)

    def story_start(self, story: str) -> int:
        index = STORIES.index(story)
        return sum(self.story_lengths[:index])


class OlderWordError(DocFormatError):
    """A Word 6 or Word 95 file: another FIB and piece layout, not read."""


def read_fib(word: bytes) -> Fib:
    ident = u16(word, 0)
    if ident == WORD6_IDENT or (ident == WORD_IDENT and u16(word, 2) in WORD6_NFIB):
        raise OlderWordError("Word 6/95 document (before Word 97), not read")
    if ident != WORD_IDENT:
        raise DocFormatError("no Word binary FIB")
    flags = u16(word, 0x0A)
    at = 32
    csw = u16(word, at)
    at += 2 + csw * 2
    cslw = u16(word, at)
    lw_at = at + 2
    if cslw < _CCP_AT + len(STORIES):
        raise DocFormatError("FIB too short")
    lengths = tuple(struct.unpack_from("<8i", word, lw_at + _CCP_AT * 4)) if lw_at + 44 <= len(word) else ()
    if len(lengths) != len(STORIES):
        raise DocFormatError("truncated FIB")
    at = lw_at + cslw * 4
    count = u16(word, at)
    at += 2
    if at + count * 8 > len(word):
        raise DocFormatError("truncated FIB")
    pairs = struct.unpack_from(f"<{count * 2}I", word, at)
    fc_lcb = tuple(zip(pairs[0::2], pairs[1::2], strict=True))
    return Fib("1Table" if flags & _F_WHICH_TABLE else "0Table", bool(flags & _F_ENCRYPTED),
               bool(flags & _F_OBFUSCATED), lengths, fc_lcb)


def table_slice(table: bytes, fc: int, lcb: int) -> bytes:
    if fc + lcb > len(table):
        raise DocFormatError("a table structure points past the table stream")
    return table[fc : fc + lcb]


def plc(data: bytes, item_size: int) -> tuple[list[int], list[bytes]]:
    """A PLC: n+1 positions (CPs or FCs) and n items of ``item_size`` bytes."""
    if len(data) < 4:
        return [], []
    count = (len(data) - 4) // (4 + item_size)
    if count > MAX_ENTRIES:
        raise DocFormatError("PLC too large")
    positions = list(struct.unpack_from(f"<{count + 1}I", data, 0))
    base = (count + 1) * 4
    items = [data[base + i * item_size : base + (i + 1) * item_size] for i in range(count)]
    if any(b < a for a, b in itertools.pairwise(positions)):
        raise DocFormatError("PLC positions out of order")
    return positions, items


# --- the piece table -------------------------------------------------------------------------------------


class Piece(NamedTuple):
    """CPs ``[start, end)`` stored from byte ``fc`` of the WordDocument stream, 8-bit or UTF-16."""

    start: int
    end: int
    fc: int
    compressed: bool
    modifier: bytes = b""  # properties a fast save stored on the piece (Prm1 -> a grpprl of the Clx's RgPrc)

    def fc_at(self, cp: int) -> int:
        return self.fc + (cp - self.start) * (1 if self.compressed else 2)


def read_pieces(table: bytes, fib: Fib, word_size: int) -> list[Piece]:
    clx = table_slice(table, *fib.where(FC_CLX))
    at = 0
    modifiers: list[bytes] = []
    while at < len(clx) and clx[at] == 0x01:  # Prc: the property lists pieces refer to by index
        size = u16(clx, at + 1)
        modifiers.append(clx[at + 3 : at + 3 + size])
        at += 3 + size
    if at >= len(clx) or clx[at] != 0x02:
        raise DocFormatError("no piece table")
    size = u32(clx, at + 1)
    positions, items = plc(clx[at + 5 : at + 5 + size], 8)
    if not items:
        raise DocFormatError("empty piece table")
    pieces = []
    for start, end, pcd in zip(positions, positions[1:], items, strict=False):
        raw = u32(pcd, 2)
        compressed = bool(raw & _COMPRESSED)
        fc = (raw & ~_COMPRESSED) // 2 if compressed else raw
        if fc + (end - start) * (1 if compressed else 2) > word_size:
            raise DocFormatError("the piece table points past the WordDocument stream")
        prm = u16(pcd, 6)
        # A Prm1 names a property list; a Prm0 (one sprm coded by a table index) is not applied.
        modifier = modifiers[prm >> 1] if prm & 1 and (prm >> 1) < len(modifiers) else b""
        pieces.append(Piece(start, end, fc, compressed, modifier))
    return pieces


#: The 8-bit pieces hold cp1252 ([MS-DOC] 2.4.1); its five undefined bytes are taken as Latin-1.
_CP1252 = {b: bytes([b]).decode("cp1252", "replace") for b in range(0x80, 0xA0)}
_CP1252_TABLE = str.maketrans({chr(b): (c if c != "\ufffd" else chr(b)) for b, c in _CP1252.items()})


def piece_text(word: bytes, piece: Piece) -> str:
    length = piece.end - piece.start
    if piece.compressed:
        return word[piece.fc : piece.fc + length].decode("latin-1").translate(_CP1252_TABLE)
    return word[piece.fc : piece.fc + 2 * length].decode("utf-16-le", "replace")


# --- sprms and formatted disk pages -----------------------------------------------------------------------

_OPERAND_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}
_SPRM_T_DEF_TABLE, _SPRM_P_CHG_TABS = 0xD608, 0xC615


def sprms(grpprl: bytes) -> Iterator[tuple[int, bytes]]:
    """(sprm, operand) of a property list, stopping at the first one that runs past its end."""
    at, end = 0, len(grpprl)
    while at + 2 <= end:
        (sprm,) = struct.unpack_from("<H", grpprl, at)
        at += 2
        spra = sprm >> 13
        if spra == 6:
            if sprm == _SPRM_T_DEF_TABLE and at + 2 <= end:
                # Its size is two bytes and counts one byte more than follows ([MS-DOC] 2.6.5).
                start, size = at + 2, max(struct.unpack_from("<H", grpprl, at)[0] - 1, 0)
            elif sprm == _SPRM_P_CHG_TABS and at < end and grpprl[at] == 255:
                return  # a variable layout of its own; nothing after it that marklint needs
            elif at < end:
                start, size = at + 1, grpprl[at]
            else:
                return
        else:
            start, size = at, _OPERAND_SIZE[spra]
        if start + size > end:
            return
        yield sprm, grpprl[start : start + size]
        at = start + size


def chpx_runs(word: bytes, table: bytes, fib: Fib) -> tuple[list[int], list[bytes]]:
    """Character property runs: sorted start FCs (with the end of the last) and each run's grpprl."""
    return _fkp_runs(word, table, fib, FC_BTE_CHPX, _chpx_at)


def papx_runs(word: bytes, table: bytes, fib: Fib) -> tuple[list[int], list[bytes]]:
    """Paragraph property runs: start FCs and each run's istd (2 bytes) + grpprl."""
    return _fkp_runs(word, table, fib, FC_BTE_PAPX, _papx_at)


def _fkp_runs(word: bytes, table: bytes, fib: Fib, index: int, reader) -> tuple[list[int], list[bytes]]:
    _, items = plc(table_slice(table, *fib.where(index)), 4)
    starts: list[int] = []
    grpprls: list[bytes] = []
    for item in items:
        page = (u32(item, 0) & 0x3FFFFF) * FKP_SIZE
        if page + FKP_SIZE > len(word):
            raise DocFormatError("a formatting page lies past the WordDocument stream")
        fkp = word[page : page + FKP_SIZE]
        count = fkp[FKP_SIZE - 1]
        if (count + 1) * 4 + count > FKP_SIZE - 1:
            raise DocFormatError("a formatting page counts more runs than it can hold")
        fcs = struct.unpack_from(f"<{count + 1}I", fkp, 0)
        for i in range(count):
            if starts and fcs[i] < starts[-1]:
                continue  # overlapping pages: keep the runs in order
            starts.append(fcs[i])
            grpprls.append(reader(fkp, count, i))
        if count:
            starts.append(fcs[count])
            grpprls.append(b"")  # the gap to the next page's first run has no properties of its own
        if len(starts) > MAX_ENTRIES:
            raise DocFormatError("too many formatting runs")
    return starts, grpprls


def _chpx_at(fkp: bytes, count: int, i: int) -> bytes:
    offset = fkp[(count + 1) * 4 + i] * 2
    if offset == 0:
        return b""
    size = fkp[offset]
    return fkp[offset + 1 : offset + 1 + size]


def _papx_at(fkp: bytes, count: int, i: int) -> bytes:
    offset = fkp[(count + 1) * 4 + i * 13] * 2
    if offset == 0 or offset >= FKP_SIZE - 1:
        return b""
    size = fkp[offset]
    if size == 0:
        return fkp[offset + 2 : offset + 2 + fkp[offset + 1] * 2]
    return fkp[offset + 1 : offset + 1 + size * 2 - 1]


def run_at(starts: list[int], grpprls: list[bytes], fc: int) -> bytes:
    index = bisect_right(starts, fc) - 1
    return grpprls[index] if 0 <= index < len(grpprls) else b""


# --- fonts and styles -------------------------------------------------------------------------------------


def font_names(table: bytes, fib: Fib) -> list[str]:
    """The font table (SttbfFfn): font names by their index (ftc)."""
    data = table_slice(table, *fib.where(FC_STTBF_FFN))
    if len(data) < 4:
        return []
    count, at, names = u16(data, 0), 4, []
    for _ in range(min(count, 4096)):
        if at >= len(data):
            break
        size = data[at] + 1
        name = data[at + 40 : at + size]
        end = next((i for i in range(0, len(name) - 1, 2) if name[i : i + 2] == b"\0\0"), len(name) // 2 * 2)
        names.append(name[:end].decode("utf-16-le", "replace"))
        at += size
    return names


class Style(NamedTuple):
    base: int  # istdBase, 0x0FFF for none
    kind: int  # 1 paragraph, 2 character
    paragraph: bytes  # grpprl of paragraph properties (paragraph styles)
    character: bytes  # grpprl of character properties


class StyleSheet(NamedTuple):
    styles: dict[int, Style]
    default_fonts: tuple[int, int]  # ftc of the ASCII and East Asian default font

    def chain(self, istd: int) -> list[Style]:
        """The style and its bases, the most basic first (at most 32: longer chains and cycles are cut)."""
        out: list[Style] = []
        seen: set[int] = set()
        while istd in self.styles and istd not in seen and len(out) < 32:
            seen.add(istd)
            out.append(self.styles[istd])
            istd = self.styles[istd].base
        return out[::-1]


def read_styles(table: bytes, fib: Fib) -> StyleSheet:
    data = table_slice(table, *fib.where(FC_STSH))
    if len(data) < 20:
        return StyleSheet({}, (0, 0))
    header = u16(data, 0)
    count, std_base = u16(data, 2), u16(data, 4)
    fonts = (u16(data, 2 + 12), u16(data, 2 + 14))
    at = 2 + header
    styles: dict[int, Style] = {}
    for istd in range(min(count, 4096)):
        if at + 2 > len(data):
            break
        size = u16(data, at)
        std = data[at + 2 : at + 2 + size]
        at += 2 + size
        if size < max(std_base, 10):
            continue
        kind = u16(std, 2) & 0x0F
        base = u16(std, 2) >> 4
        upx_count = u16(std, 4) & 0x0F
        name_at = std_base
        name_length = u16(std, name_at) if name_at + 2 <= len(std) else 0
        pos = name_at + 2 + (name_length + 1) * 2
        upx: list[bytes] = []
        for _ in range(min(upx_count, 3)):
            if pos % 2:
                pos += 1
            if pos + 2 > len(std):
                break
            length = u16(std, pos)
            upx.append(std[pos + 2 : pos + 2 + length])
            pos += 2 + length
        if kind == 1 and upx:
            styles[istd] = Style(base, kind, upx[0][2:], upx[1] if len(upx) > 1 else b"")
        elif kind == 2 and upx:
            styles[istd] = Style(base, kind, b"", upx[0])
        else:
            styles[istd] = Style(base, kind, b"", b"")
    return StyleSheet(styles, fonts)
