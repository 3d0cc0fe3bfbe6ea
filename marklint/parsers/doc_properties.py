"""Document properties of an OLE file ([MS-OLEPS]): ``\\x05SummaryInformation`` (title, author, dates) and
``\\x05DocumentSummaryInformation``, whose second section holds the user-defined properties where Word
and WPS keep ``密级``, ``SecurityLevel`` and Microsoft Purview (MSIP) labels.

The keys are those the DOCX reader gives (``core:title``, ``custom:密级``), so metadata checks (ML114)
and the issue date from ``core:created`` work the same. olefile's own reader skips the user-defined
section and leaves 8-bit strings undecoded, hence this small reader; every count and offset is checked.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta

#: SummaryInformation property ids ([MS-OLEPS] 2.25.1) -> the DOCX core property they correspond to.
_SUMMARY = {2: "core:title", 3: "core:subject", 4: "core:creator", 5: "core:keywords", 6: "core:description",
            12: "core:created", 13: "core:modified"}
_DOCUMENT_SUMMARY = {2: "core:category"}
_PAGE_COUNT = 14
_CODEPAGE, _DICTIONARY = 1, 0
_VT_I2, _VT_I4, _VT_R8, _VT_BOOL, _VT_LPSTR, _VT_LPWSTR, _VT_FILETIME = 2, 3, 5, 11, 30, 31, 64
_MAX_PROPERTIES = 1024
_MAX_STRING = 64 * 1024
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
_CODEPAGES = {65001: "utf-8", 1200: "utf-16-le", 936: "gb18030", 54936: "gb18030", 950: "big5", 1252: "cp1252"}


def summary_properties(data: bytes) -> tuple[dict[str, str], int | None]:
    """DOCX-style core properties from SummaryInformation, and the page count if it says one."""
    sections = _sections(data)
    if not sections:
        return {}, None
    values, _ = _section(data, sections[0])
    out = {key: _text(values[pid]) for pid, key in _SUMMARY.items() if pid in values}
    pages = values.get(_PAGE_COUNT)
    return {k: v for k, v in out.items() if v}, pages if isinstance(pages, int) and pages > 0 else None


def document_summary_properties(data: bytes) -> dict[str, str]:
    """The category, and every user-defined property as ``custom:NAME``."""
    sections = _sections(data)
    out: dict[str, str] = {}
    if sections:
        values, _ = _section(data, sections[0])
        out.update({key: _text(values[pid]) for pid, key in _DOCUMENT_SUMMARY.items() if values.get(pid)})
    if len(sections) > 1:
        values, names = _section(data, sections[1])
        for pid, name in names.items():
            if pid in values and name:
                out[f"custom:{name}"] = _text(values[pid])
    return out


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _sections(data: bytes) -> list[int]:
    if len(data) < 28 or struct.unpack_from("<H", data, 0)[0] != 0xFFFE:
        return []
    (count,) = struct.unpack_from("<I", data, 24)
    offsets = []
    for index in range(min(count, 2)):
        at = 28 + index * 20 + 16
        if at + 4 > len(data):
            break
        offsets.append(struct.unpack_from("<I", data, at)[0])
    return offsets


def _section(data: bytes, start: int) -> tuple[dict[int, object], dict[int, str]]:
    """A section's property values by id, and its dictionary (id -> name) of user-defined names."""
    if start + 8 > len(data):
        return {}, {}
    size, count = struct.unpack_from("<II", data, start)
    section = data[start : start + size]
    entries = []
    for index in range(min(count, _MAX_PROPERTIES)):
        at = 8 + index * 8
        if at + 8 > len(section):
            break
        entries.append(struct.unpack_from("<II", section, at))
    codepage = 1252
    for pid, offset in entries:
        if pid == _CODEPAGE and offset + 6 <= len(section):
            codepage = struct.unpack_from("<H", section, offset + 4)[0]
    encoding = _CODEPAGES.get(codepage, f"cp{codepage}")
    values: dict[int, object] = {}
    names: dict[int, str] = {}
    for pid, offset in entries:
        if pid == _DICTIONARY:
            names = _dictionary(section, offset, encoding)
        elif pid != _CODEPAGE:
            value = _value(section, offset, encoding)
            if value is not None:
                values[pid] = value
    return values, names


def _decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding, "replace").split("\0", 1)[0]
    except LookupError:
        return raw.decode("cp1252", "replace").split("\0", 1)[0]


def _value(section: bytes, offset: int, encoding: str) -> object | None:
    if offset + 8 > len(section):
        return None
    (kind,) = struct.unpack_from("<H", section, offset)
    at = offset + 4
    if kind == _VT_I2:
        return struct.unpack_from("<h", section, at)[0]
    if kind == _VT_I4:
        return struct.unpack_from("<i", section, at)[0]
    if kind == _VT_BOOL:
        return struct.unpack_from("<H", section, at)[0] != 0
    if kind == _VT_R8 and at + 8 <= len(section):
        return struct.unpack_from("<d", section, at)[0]
    if kind == _VT_FILETIME and at + 8 <= len(section):
        ticks = struct.unpack_from("<Q", section, at)[0]
        try:
            return _FILETIME_EPOCH + timedelta(microseconds=ticks // 10) if ticks > 0 else None
        except OverflowError:
            return None  # after the year 9999: no date
    if kind in (_VT_LPSTR, _VT_LPWSTR):
        (length,) = struct.unpack_from("<I", section, at)
        width = 2 if kind == _VT_LPWSTR or encoding == "utf-16-le" else 1
        raw = section[at + 4 : at + 4 + min(length * width, _MAX_STRING)]
        return _decode(raw, "utf-16-le" if width == 2 else encoding)
    return None


def _dictionary(section: bytes, offset: int, encoding: str) -> dict[int, str]:
    names: dict[int, str] = {}
    if offset + 4 > len(section):
        return names
    (count,) = struct.unpack_from("<I", section, offset)
    at = offset + 4
    wide = encoding == "utf-16-le"
    for _ in range(min(count, _MAX_PROPERTIES)):
        if at + 8 > len(section):
            break
        pid, length = struct.unpack_from("<II", section, at)
        at += 8
        size = length * (2 if wide else 1)
        names[pid] = _decode(section[at : at + min(size, _MAX_STRING)], encoding)
        at += size
        if wide:
            at += -size % 4  # Unicode names are padded to four bytes
    return names
