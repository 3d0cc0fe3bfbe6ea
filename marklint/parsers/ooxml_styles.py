"""Run and paragraph appearance in WordprocessingML: direct formatting, style chains, theme fonts.

Precedence, nearest first: run rPr -> run style (rStyle, basedOn chain) -> paragraph style (pStyle,
basedOn chain) -> docDefaults. Resolved styles and run looks are cached per style sheet, because a
document uses a handful of combinations over thousands of runs; a style sheet serves every document
with the same styles, theme and theme language (see ``Package.derived``), so the caches are bounded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from lxml import etree

from marklint.limits import Limits
from marklint.parsers.ooxml_package import A_NS, w
from marklint.parsers.style_index import StyleIndex

W_VAL = w("val")
_STYLE = w("style")
_RPR = w("rPr")
_PPR = w("pPr")
_RFONTS = w("rFonts")
_SZ, _STRIKE, _DSTRIKE, _COLOR = w("sz"), w("strike"), w("dstrike"), w("color")
_VANISH, _RSTYLE = w("vanish"), w("rStyle")
_JC, _IND, _PAGE_BREAK_BEFORE, _PSTYLE = (w(n) for n in ("jc", "ind", "pageBreakBefore", "pStyle"))
_FONT_SLOTS = tuple(
    (key, w(theme_attr), w(name_attr))
    for key, theme_attr, name_attr in (("ea", "eastAsiaTheme", "eastAsia"), ("ascii", "asciiTheme", "ascii"))
)
_RFONT_ATTRS = tuple(attr for _key, theme_attr, name_attr in _FONT_SLOTS for attr in (theme_attr, name_attr))
# The attribute names read for every paragraph and run, as bytes: lxml gets an attribute by a bytes name
# for less than by the same name as str (it encodes and checks a str name first, every time).
_EA_THEME, _EA_NAME, _ASCII_THEME, _ASCII_NAME = (attr.encode() for attr in _RFONT_ATTRS)
_VAL_KEY = W_VAL.encode()
_IND_LEFT, _IND_START, _BASED_ON = w("left"), w("start"), w("basedOn")
_IND_LEFT_KEY, _IND_START_KEY = _IND_LEFT.encode(), _IND_START.encode()
_STYLE_ID, _DEFAULT, _TYPE = w("styleId"), w("default"), w("type")
_DOC_DEFAULTS = w("docDefaults")
#: rPr children that set appearance, by the small number a run's signature gives them.
_RPR_KINDS = {_RFONTS: 0, _SZ: 1, _STRIKE: 2, _DSTRIKE: 3, _COLOR: 4, _VANISH: 5, _RSTYLE: 6}
#: pPr children read by ``StyleSheet.paragraph``, by their index in its scan.
_PPR_SCAN = {_PSTYLE: 0, _JC: 1, _IND: 2, _PAGE_BREAK_BEFORE: 3, w("sectPr"): 4}
_ABSENT = False  # an attribute value that no element gives (values are str or None)
#: Entries one cache of resolved appearances holds at most: a style sheet serves every document made from
#: the same template (see Package.derived), so its caches must not grow with the files scanned.
MAX_CACHED = 4096
_ALIGN = {"start": "left", "end": "right"}
_OFF = frozenset({"0", "false", "off"})
_MAX_CHAIN = 32  # basedOn chains longer than this are cut (and cycles broken)
#: w:themeFontLang eastAsia languages that take the Traditional Chinese theme font. Any other tag takes
#: the Simplified one: a Japanese or Korean tag in a Chinese document is a template's leftover.
_TRADITIONAL = frozenset({"zh-tw", "zh-hk", "zh-mo"})
_MEASURE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|cm|in|pt|pc|pi)?\s*$")
_POINTS_PER = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0, "pc": 12.0, "pi": 12.0}


class RunLook(NamedTuple):
    font: str | None
    size: float | None
    struck: bool
    color: str | None
    hidden: bool


class ParagraphLook(NamedTuple):
    align: str | None
    indent: float | None
    page_break_before: bool


def first_child(parent: etree._Element, tag: str) -> etree._Element | None:
    """``parent.find(tag)`` for a plain tag, without the path machinery."""
    for child in parent:
        if child.tag == tag:
            return child
    return None


def first_children(parent: etree._Element, index: dict[str, int]) -> list[etree._Element | None]:
    """The first child with each tag of ``index`` (tag -> position in the result), in one pass."""
    found: list[etree._Element | None] = [None] * len(index)
    for child in parent:
        at = index.get(child.tag)
        if at is not None and found[at] is None:
            found[at] = child
    return found


def on(element: etree._Element) -> bool:
    """An ST_OnOff element: present without w:val, or with a true value."""
    value = element.get(W_VAL)
    return value is None or value.strip().lower() not in _OFF


def points(value: str | None, units_per_point: float) -> float | None:
    """A measure in points: a bare number is in 1/``units_per_point`` pt; ``12pt``, ``21cm`` are as said."""
    if not value:
        return None
    match = _MEASURE.match(value)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    return round(number * _POINTS_PER[unit], 2) if unit else number / units_per_point


def run_properties(rpr: etree._Element) -> tuple[tuple[tuple[str, object], ...], str | None]:
    """The appearance properties an rPr sets, as sorted items, and its run style id."""
    props: dict[str, object] = {}
    style_id = None
    for child in rpr:
        tag = child.tag
        if tag == _RFONTS:
            for key, theme_attr, name_attr in _FONT_SLOTS:
                # A theme attribute supersedes the explicit name at the same level.
                theme, name = child.get(theme_attr), child.get(name_attr)
                if theme:
                    props[key] = ("theme", theme)
                elif name:
                    props[key] = ("name", name)
        elif tag == _SZ:
            size = points(child.get(W_VAL), 2)
            if size is not None:
                props["size"] = size
        elif tag == _STRIKE:
            props["strike"] = on(child)
        elif tag == _DSTRIKE:
            props["dstrike"] = on(child)
        elif tag == _COLOR:
            value = (child.get(W_VAL) or "").upper()
            props["color"] = None if value in ("", "AUTO") else value
        elif tag == _VANISH:
            props["vanish"] = on(child)
        elif tag == _RSTYLE:
            style_id = child.get(W_VAL)
    return tuple(sorted(props.items())), style_id


def paragraph_properties(ppr: etree._Element) -> dict[str, object]:
    """The layout properties a pPr sets: jc, left indent, page break before."""
    _pstyle, jc, ind, pbb, _sectpr = first_children(ppr, _PPR_SCAN)
    return _layout(jc, ind, pbb)


def _layout(
    jc: etree._Element | None, ind: etree._Element | None, pbb: etree._Element | None
) -> dict[str, object]:
    """The layout properties of a pPr's first jc, ind and pageBreakBefore (in key order)."""
    props: dict[str, object] = {}
    if jc is not None and jc.get(W_VAL):
        value = jc.get(W_VAL)
        props["align"] = _ALIGN.get(value, value)
    if ind is not None:
        left = points(ind.get(_IND_LEFT) or ind.get(_IND_START), 20)
        if left is not None:
            props["indent"] = left
    if pbb is not None:
        props["page_break_before"] = on(pbb)
    return props


_A_FONT = f"{{{A_NS}}}font"
_SCHEME_KINDS = {f"{{{A_NS}}}{kind}Font": kind for kind in ("major", "minor")}


def theme_schemes(theme: etree._Element | None) -> dict[str, etree._Element]:
    """The major and minor font scheme elements of a DrawingML theme (the first of each in document order).
    They are only read, never changed: a scheme may serve many documents with the same theme."""
    schemes: dict[str, etree._Element] = {}
    if theme is not None:
        for kind_tag, kind in _SCHEME_KINDS.items():
            scheme = next(theme.iterdescendants(kind_tag), None)
            if scheme is not None:
                schemes[kind] = scheme
    return schemes


class OwnProperties(NamedTuple):
    """What one style says itself, its basedOn chain aside; shared by every sheet with the same style bytes
    (``StyleIndex.style``), so never changed."""

    run: dict[str, object]
    paragraph: dict[str, object]
    based_on: str | None


def own_properties(style: etree._Element) -> OwnProperties:
    """The run and paragraph properties a style element sets itself, and the style it is based on."""
    based_on = first_child(style, _BASED_ON)
    rpr = first_child(style, _RPR)
    ppr = first_child(style, _PPR)
    return OwnProperties(dict(run_properties(rpr)[0]) if rpr is not None else {},
                         paragraph_properties(ppr) if ppr is not None else {},
                         based_on.get(W_VAL) if based_on is not None else None)


def document_defaults(defaults: etree._Element | None) -> tuple[dict[str, object], dict[str, object]]:
    """The run and paragraph properties of a ``docDefaults`` element (none when there is none); shared like
    ``OwnProperties``."""
    rprops: dict[str, object] = {}
    pprops: dict[str, object] = {}
    if defaults is not None:
        rpr = defaults.find(f"{w('rPrDefault')}/{_RPR}")
        if rpr is not None:
            rprops = dict(run_properties(rpr)[0])
        ppr = defaults.find(f"{w('pPrDefault')}/{_PPR}")
        if ppr is not None:
            pprops = paragraph_properties(ppr)
    return rprops, pprops


class ThemeFonts:
    """The major and minor font schemes of a DrawingML theme (from ``theme_schemes``)."""

    def __init__(self, schemes: dict[str, etree._Element], east_asian_lang: str | None) -> None:
        self._script = "Hant" if (east_asian_lang or "").lower() in _TRADITIONAL else "Hans"
        self._schemes = schemes
        self._resolved: dict[str, str | None] = {}

    def resolve(self, theme_font: str) -> str | None:
        """``minorEastAsia`` / ``majorHAnsi`` / … -> the typeface the theme gives, or None."""
        if theme_font in self._resolved:
            return self._resolved[theme_font]
        typeface = self._resolve(theme_font)
        if len(self._resolved) < MAX_CACHED:
            self._resolved[theme_font] = typeface
        return typeface

    def _resolve(self, theme_font: str) -> str | None:
        kind = "major" if theme_font.startswith("major") else "minor"
        scheme = self._schemes.get(kind)
        if scheme is None:
            return None
        if theme_font.endswith("EastAsia"):
            for font in scheme.iterchildren(_A_FONT):
                if font.get("script") == self._script and font.get("typeface"):
                    return font.get("typeface")
            slot = "ea"
        else:
            slot = "cs" if theme_font.endswith("Bidi") else "latin"
        element = first_child(scheme, f"{{{A_NS}}}{slot}")
        return (element.get("typeface") or None) if element is not None else None


class StyleSheet:
    """Resolves run and paragraph appearance for one document.

    Built from a parsed style sheet, or (``from_bytes``) from an index of its raw bytes whose styles are
    parsed one by one when first used: a document uses a handful of the hundreds of styles a template
    defines (Word's default template: 430 KB), so parsing the whole part cost more than the rest of the
    document."""

    def __init__(self, styles: etree._Element | None, theme: ThemeFonts,
                 index: StyleIndex | None = None) -> None:
        self._theme = theme
        #: Style id -> its element, or its start offset in ``index`` while it has not been parsed yet.
        self._styles: dict[str, etree._Element | int] = {}
        self._index = index
        self._default_paragraph: str | None = None
        self._default_character: str | None = None
        self._default_rpr: dict[str, object] = {}
        self._default_ppr: dict[str, object] = {}
        self._resolved: dict[str, tuple[dict[str, object], dict[str, object]]] = {}
        self._run_looks: dict[tuple, RunLook] = {}
        self._paragraph_looks: dict[tuple, ParagraphLook] = {}
        # The same looks by what the file says (style, attribute values), so a repeated rPr or pPr is not
        # interpreted again: the interpretation is a function of exactly these values.
        self._run_signatures: dict[tuple, RunLook] = {}
        self._paragraph_signatures: dict[tuple, ParagraphLook] = {}
        if index is not None:
            self._styles.update(index.offsets)
            self._default_paragraph, self._default_character = index.default_paragraph, index.default_character
            self._default_rpr, self._default_ppr = index.doc_defaults(document_defaults)
            return
        if styles is None:
            return
        for style in styles.iterchildren(_STYLE):
            style_id = style.get(_STYLE_ID)
            if style_id is None:
                continue
            self._styles.setdefault(style_id, style)
            if style.get(_DEFAULT) in ("1", "true", "on"):
                kind = style.get(_TYPE)
                if kind == "paragraph" and self._default_paragraph is None:
                    self._default_paragraph = style_id
                elif kind == "character" and self._default_character is None:
                    self._default_character = style_id
        self._default_rpr, self._default_ppr = document_defaults(styles.find(_DOC_DEFAULTS))

    @classmethod
    def from_bytes(cls, name: str, data: bytes, theme: ThemeFonts, limits: Limits,
                   parse: Callable[[str, bytes], etree._Element]) -> StyleSheet:
        """The style sheet of part ``name`` with content ``data``, its styles parsed when first used; the
        whole part is parsed (``parse``) only when its bytes cannot be indexed safely (``StyleIndex``)."""
        index = StyleIndex.of(name, data, limits)
        if index is None:
            return cls(parse(name, data), theme)
        return cls(None, theme, index)

    def _style(self, style_id: str | None) -> tuple[dict[str, object], dict[str, object]]:
        """(run properties, paragraph properties) of a style with its basedOn chain merged in."""
        if style_id is None:
            return {}, {}
        cached = self._resolved.get(style_id)
        if cached is not None:
            return cached
        chain: list[OwnProperties] = []
        seen = set()
        current: str | None = style_id
        while current is not None and current not in seen and len(chain) < _MAX_CHAIN:
            style = self._styles.get(current)
            if style is None:
                break
            if not isinstance(style, OwnProperties):
                if isinstance(style, int):  # indexed, not parsed yet
                    found = self._index.style(current, style, own_properties)  # type: ignore[union-attr]
                    if found is None:
                        break
                else:  # an element of a sheet parsed whole
                    found = own_properties(style)
                style = self._styles[current] = found
            seen.add(current)
            chain.append(style)
            current = style.based_on
        rprops: dict[str, object] = {}
        pprops: dict[str, object] = {}
        for own in reversed(chain):  # base first, so the derived style overrides
            rprops.update(own.run)
            pprops.update(own.paragraph)
        self._resolved[style_id] = (rprops, pprops)
        return rprops, pprops

    def paragraph_style_id(self, ppr: etree._Element | None) -> str | None:
        """The paragraph's style id, or the document's default paragraph style."""
        if ppr is not None:
            pstyle = first_child(ppr, _PSTYLE)
            if pstyle is not None and pstyle.get(W_VAL) in self._styles:
                return pstyle.get(W_VAL)
        return self._default_paragraph

    def paragraph(
        self, ppr: etree._Element | None
    ) -> tuple[str | None, ParagraphLook, etree._Element | None]:
        """A paragraph's style id (``paragraph_style_id``), its look, and the section break its pPr holds."""
        pstyle = self._default_paragraph
        if ppr is None:
            key: tuple = (pstyle,)
            look = self._paragraph_signatures.get(key)
            if look is None:
                look = self._paragraph_signatures[key] = self._paragraph_look(pstyle, {})  # one per style
            return pstyle, look, None
        style, jc, ind, pbb, sectpr = first_children(ppr, _PPR_SCAN)
        if style is not None:
            value = style.get(_VAL_KEY)
            if value in self._styles:
                pstyle = value
        key = (
            pstyle,
            jc.get(_VAL_KEY) if jc is not None else None,
            ind.get(_IND_LEFT_KEY) if ind is not None else None,
            ind.get(_IND_START_KEY) if ind is not None else None,
            pbb.get(_VAL_KEY) if pbb is not None else _ABSENT,
        )
        look = self._paragraph_signatures.get(key)
        if look is None:
            look = self._paragraph_look(pstyle, _layout(jc, ind, pbb))
            if len(self._paragraph_signatures) < MAX_CACHED:
                self._paragraph_signatures[key] = look
        return pstyle, look, sectpr

    def run_look(self, pstyle: str | None, rpr: etree._Element | None) -> RunLook:
        if rpr is None:
            key: tuple = (pstyle,)
        else:
            # Every value run_properties reads, in document order, each after the number of its element.
            signature: list = [pstyle]
            for child in rpr:
                kind = _RPR_KINDS.get(child.tag)
                if kind is None:
                    continue
                if kind:
                    signature += (kind, child.get(_VAL_KEY))
                else:  # rFonts; one get per attribute costs less than a comprehension over them
                    get = child.get
                    signature += (kind, get(_EA_THEME), get(_EA_NAME), get(_ASCII_THEME), get(_ASCII_NAME))
            key = tuple(signature)
        look = self._run_signatures.get(key)
        if look is None:
            look = self._run_look(pstyle, rpr)
            if len(self._run_signatures) < MAX_CACHED:
                self._run_signatures[key] = look
        return look

    def _run_look(self, pstyle: str | None, rpr: etree._Element | None) -> RunLook:
        direct, rstyle = run_properties(rpr) if rpr is not None else ((), None)
        if rstyle not in self._styles:
            rstyle = self._default_character
        key = (pstyle, rstyle, direct)
        look = self._run_looks.get(key)
        if look is None:
            merged = dict(self._default_rpr)
            merged.update(self._style(pstyle)[0])
            merged.update(self._style(rstyle)[0])
            merged.update(direct)
            font = self._font(merged.get("ea")) or self._font(merged.get("ascii"))
            struck = bool(merged.get("strike")) or bool(merged.get("dstrike"))
            look = RunLook(font, merged.get("size"), struck, merged.get("color"), bool(merged.get("vanish")))
            if len(self._run_looks) < MAX_CACHED:
                self._run_looks[key] = look
        return look

    def _font(self, spec: object) -> str | None:
        if not spec:
            return None
        kind, value = spec
        return self._theme.resolve(value) if kind == "theme" else value

    def _paragraph_look(self, pstyle: str | None, props: dict[str, object]) -> ParagraphLook:
        direct = tuple(sorted(props.items()))
        key = (pstyle, direct)
        look = self._paragraph_looks.get(key)
        if look is None:
            merged = dict(self._default_ppr)
            merged.update(self._style(pstyle)[1])
            merged.update(direct)
            page_break_before = bool(merged.get("page_break_before"))
            look = ParagraphLook(merged.get("align"), merged.get("indent"), page_break_before)
            if len(self._paragraph_looks) < MAX_CACHED:
                self._paragraph_looks[key] = look
        return look
