"""Characters that look like a marking's but are not: invisible format characters, compatibility
ideographs and radicals, and level words in traditional characters.

``normalise(text)`` gives the text the recogniser reads (invisible characters removed, look-alikes
replaced by the standard character) and, for each of its characters, the position of the character it
came from, so what the recogniser finds still points into the text as written (docs/rules.md, ML110:
the statutory form is 绝密, 机密 or 秘密, ★ and the term; section 6: ML103, ML106, ML110).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from marklint import regex_cache

#: Format characters that print nothing: zero-width space, (non-)joiner, word joiner and invisible
#: operators, soft hyphen, byte order mark, combining grapheme joiner, Arabic letter mark, direction
#: marks, embeddings, overrides and isolates, Mongolian and other variation selectors.
INVISIBLE = (
    "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\u00ad\ufeff\u034f\u061c\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u180b\u180c\u180d\u180e"
    + "".join(chr(cp) for cp in range(0xFE00, 0xFE10))
)
_SUPPLEMENT_SELECTORS = r"\U000E0100-\U000E01EF"
#: Ranges of compatibility ideographs and radicals: the CJK Compatibility Ideographs (U+F900 block and
#: its supplement), the Kangxi radicals (U+2F00 block) and the CJK Radicals Supplement (U+2E80 block).
COMPATIBILITY_RANGES = r"\uF900-\uFAFF\U0002F800-\U0002FA1F\u2F00-\u2FDF\u2E80-\u2EFF"
#: Radicals drawn like a character of the term that Unicode gives no decomposition (⺝ MOON, ⺼ MEAT, ⺜ SUN).
RADICAL_LOOKALIKES = {"\u2e9d": "月", "\u2ebc": "月", "\u2e9c": "日"}
#: Level words in traditional (or Japanese) characters, and the statutory word each stands for.
TRADITIONAL_LEVELS = {"機密": "机密", "祕密": "秘密", "絕密": "绝密", "絶密": "绝密"}

_INVISIBLE_CLASS = "".join(f"\\u{ord(ch):04x}" for ch in INVISIBLE) + _SUPPLEMENT_SELECTORS
#: Taiwan's 極機密 and 絕對機密 are not a PRC level in other characters: the recogniser reports them as
#: unknown levels (ML110), so their 機密 is left as written.
_TRADITIONAL_WORD = f"(?<![極對])(?:{'|'.join(TRADITIONAL_LEVELS)})"
NEEDS_NORMALISING = regex_cache.compile(f"[{_INVISIBLE_CLASS}{COMPATIBILITY_RANGES}]|{_TRADITIONAL_WORD}")
_TRADITIONAL = regex_cache.compile(_TRADITIONAL_WORD)


@dataclass(frozen=True, slots=True)
class Lookalike:
    """A character replaced for recognition: where it stands in the text as written, what it is and what
    it was read as ("" for an invisible character, which was removed)."""

    position: int
    char: str
    standard: str
    kind: str  # invisible / compatibility / traditional

    @property
    def code(self) -> str:
        return f"U+{ord(self.char):04X}"


@dataclass(frozen=True, slots=True)
class Normalised:
    """``text`` as the recogniser reads it; ``origin[i]`` is where its character ``i`` stands in the text
    as written (``origin[len(text)]`` is the length of that text); ``replaced`` lists what was changed."""

    text: str
    origin: tuple[int, ...]
    replaced: tuple[Lookalike, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the text as written that ``[start, end)`` of the normalised text came from."""
        if start >= end:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1

    def around(self, start: int, end: int) -> list[Lookalike]:
        """The replaced characters inside the written span of ``[start, end)`` and the invisible ones that
        touch it on either side (nothing visible between them and the marking)."""
        low, high = self.span(start, end)
        inside = [r for r in self.replaced if low <= r.position < high]
        invisible = {r.position: r for r in self.replaced if not r.standard}
        before, after = low - 1, high
        beside = []
        while before in invisible:
            beside.append(invisible[before])
            before -= 1
        while after in invisible:
            beside.append(invisible[after])
            after += 1
        return sorted([*inside, *beside], key=lambda r: r.position)


def _standard(char: str) -> str | None:
    """What a compatibility ideograph or radical stands for, or None when it is not one."""
    code = ord(char)
    if not (0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F or 0x2E80 <= code <= 0x2FDF):
        return None
    if char in RADICAL_LOOKALIKES:
        return RADICAL_LOOKALIKES[char]
    folded = unicodedata.normalize("NFKC", char)
    return folded if folded != char and len(folded) == 1 else None


def normalise(text: str) -> Normalised | None:
    """``text`` with invisible characters removed and look-alikes replaced, or None when it has none
    (almost every text: then the recogniser reads it as it is)."""
    if not NEEDS_NORMALISING.search(text):
        return None
    traditional = {m.start() + i: TRADITIONAL_LEVELS[m.group()][i]
                   for m in _TRADITIONAL.finditer(text) for i in range(len(m.group()))
                   if m.group()[i] != TRADITIONAL_LEVELS[m.group()][i]}
    chars: list[str] = []
    origin: list[int] = []
    replaced: list[Lookalike] = []
    for position, char in enumerate(text):
        if char in INVISIBLE or 0xE0100 <= ord(char) <= 0xE01EF:
            replaced.append(Lookalike(position, char, "", "invisible"))
            continue
        standard = traditional.get(position)
        kind = "traditional"
        if standard is None:
            standard, kind = _standard(char), "compatibility"
        if standard is not None:
            replaced.append(Lookalike(position, char, standard, kind))
            char = standard
        chars.append(char)
        origin.append(position)
    origin.append(len(text))
    return Normalised("".join(chars), tuple(origin), tuple(replaced))
