"""The text of a Word 97-2003 binary file (``.doc``, and WPS's ``.wps``, the same format), as a person writes
it with olefile and the format's documentation: the FIB says which table stream holds the piece table
(CLX), and each piece is cp1252 bytes or UTF-16 text in the WordDocument stream ([MS-DOC] 2.4.1). No
formatting, no stories told apart. Used by ``baseline.py`` (every character) and ``floor.py``.
"""

from __future__ import annotations

import struct

import olefile

_WHICH_TABLE = 0x0200  # FIB flag: the piece table is in 1Table, else in 0Table
_COMPRESSED = 0x40000000  # a piece of 8-bit cp1252 characters
_FC_CLX = 33  # index of fcClx/lcbClx in FibRgFcLcb97


def streams(ole: olefile.OleFileIO, names: tuple[str, ...]) -> dict[str, bytes]:
    """The named streams the file has, read whole."""
    return {name: ole.openstream(name).read() for name in names if ole.exists(name)}


def table_name(word: bytes) -> str:
    return "1Table" if struct.unpack_from("<H", word, 0x0A)[0] & _WHICH_TABLE else "0Table"


def text(word: bytes, table: bytes) -> str:
    """Every character of the document's text, in piece-table order."""
    at = 32
    at += 2 + struct.unpack_from("<H", word, at)[0] * 2  # csw, the 16-bit words
    at += 2 + struct.unpack_from("<H", word, at)[0] * 4  # cslw, the 32-bit words
    fc, lcb = struct.unpack_from("<II", word, at + 2 + _FC_CLX * 8)
    clx = table[fc : fc + lcb]
    at = 0
    while clx[at] == 0x01:  # Prc: property lists, skipped
        at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
    size = struct.unpack_from("<I", clx, at + 1)[0]
    plc = clx[at + 5 : at + 5 + size]
    count = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{count + 1}I", plc)
    parts = []
    for index in range(count):
        raw = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * index + 2)[0]
        length = cps[index + 1] - cps[index]
        if raw & _COMPRESSED:
            start = (raw & ~_COMPRESSED) // 2
            parts.append(word[start : start + length].decode("cp1252", "replace"))
        else:
            parts.append(word[raw : raw + 2 * length].decode("utf-16-le", "replace"))
    return "".join(parts)
