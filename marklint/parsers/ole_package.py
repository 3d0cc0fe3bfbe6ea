"""The file inside an OLE object that packages one (``word/embeddings/oleObject1.bin``).

Word embeds a file inserted as an object (a PDF, a text, another document shown as an icon) in an OLE
compound file: as an ``\\x01Ole10Native`` stream (a packager header, then the file's bytes), as a
``Package`` stream (an Office Open XML document) or as ``CONTENTS`` (Acrobat's PDF object). The stream
is read here with bounded effort ([MS-CFB]: the FAT from the header's 109 entries, the mini stream for
streams under 4 KiB), so the embedded file is read as the document it is.
"""

from __future__ import annotations

import struct

_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
_ENTRY = 128
#: Streams that hold a whole file, by what Word and Acrobat name them.
_NATIVE, _PACKAGES = "\x01Ole10Native", ("Package", "CONTENTS")


def packaged_file(data: bytes, budget: int) -> tuple[str, bytes] | None:
    """The name and bytes of the file an OLE object packages, or None when it packages none (a chart, a
    legacy document: read or refused as the OLE file it is). ``budget`` bounds the bytes read."""
    if not data.startswith(_MAGIC) or len(data) < 512:
        return None
    try:
        reader = _Compound(data, budget)
        streams = reader.streams()
        if _NATIVE in streams:
            return _native(reader.read(*streams[_NATIVE]))
        for name in _PACKAGES:
            if name in streams:
                return name, reader.read(*streams[name])
    except (struct.error, ValueError, IndexError):
        return None
    return None


def _native(stream: bytes) -> tuple[str, bytes] | None:
    """The packager's header: size, flags, label, source path, reserved, temporary path, then the file."""
    at = 4 + 2
    label_end = stream.index(b"\0", at)
    label = stream[at:label_end].decode("gb18030", "replace")  # the system's ANSI code page: GBK in China
    at = stream.index(b"\0", label_end + 1) + 1 + 4  # the source path, then two reserved words
    at = stream.index(b"\0", at + 4) + 1  # the temporary path after its length
    (size,) = struct.unpack_from("<I", stream, at)
    content = stream[at + 4 : at + 4 + size]
    if len(content) != size:
        raise ValueError("truncated")
    return label or "package", content


class _Compound:
    def __init__(self, data: bytes, budget: int) -> None:
        self.data = data
        self.budget = budget
        (shift,) = struct.unpack_from("<H", data, 30)
        if shift not in (9, 12):
            raise ValueError("sector size")
        self.sector = 1 << shift
        (mini_shift,) = struct.unpack_from("<H", data, 32)
        self.mini = 1 << mini_shift
        self.directory_start, = struct.unpack_from("<I", data, 48)
        self.cutoff, self.minifat_start = struct.unpack_from("<II", data, 56)
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s not in (_FREE, _END)]
        self.fat: list[int] = []
        for number in fat_sectors:
            block = self._sector(number)
            self.fat.extend(struct.unpack(f"<{len(block) // 4}I", block[: len(block) // 4 * 4]))
        self.root: tuple[int, int] = (_END, 0)

    def _sector(self, number: int) -> bytes:
        start = (number + 1) * self.sector
        if start >= len(self.data):
            raise ValueError("sector past the end")
        return self.data[start : start + self.sector]

    def _chain(self, start: int, size: int, fat: list[int], read: object) -> bytes:
        """The bytes of a chain of sectors from ``start``, at most ``size`` (and the budget), loops refused."""
        if size > self.budget:
            raise ValueError("over the budget")
        out, seen, current = bytearray(), set(), start
        while current not in (_FREE, _END) and len(out) < size:
            if current in seen or current >= len(fat):
                raise ValueError("broken chain")
            seen.add(current)
            out += read(current)  # type: ignore[operator]
            current = fat[current]
        return bytes(out[:size])

    def streams(self) -> dict[str, tuple[int, int]]:
        """Stream name -> (first sector, size), and the root's mini stream noted."""
        directory = self._chain(self.directory_start, min(len(self.data), self.budget), self.fat, self._sector)
        found: dict[str, tuple[int, int]] = {}
        for at in range(0, len(directory) - _ENTRY + 1, _ENTRY):
            entry = directory[at : at + _ENTRY]
            length, kind = struct.unpack_from("<HB", entry, 64)
            if not 2 <= length <= 64:
                continue
            name = entry[: length - 2].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<II", entry, 116)
            if kind == 5:
                self.root = (start, size)
            elif kind == 2:
                found.setdefault(name, (start, size))
        return found

    def read(self, start: int, size: int) -> bytes:
        if size >= self.cutoff:
            return self._chain(start, size, self.fat, self._sector)
        minifat_bytes = self._chain(self.minifat_start, self.budget, self.fat, self._sector)
        minifat = list(struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes[: len(minifat_bytes) // 4 * 4]))
        ministream = self._chain(self.root[0], self.root[1], self.fat, self._sector)

        def mini_sector(number: int) -> bytes:
            return ministream[number * self.mini : (number + 1) * self.mini]

        return self._chain(start, size, minifat, mini_sector)
