"""Run and paragraph appearance in WordprocessingML: direct formatting, style chains, theme fonts.

Precedence, nearest first: run rPr -> run style (rStyle, basedOn chain) -> paragraph style (pStyle,
basedOn chain) -> docDefaults. Resolved styles and run looks are cached per document, because a
document uses a handful of combinations over thousands of runs.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from lxml import etree

from marklint.parsers.ooxml_package import A_NS, w

W_VAL = w("val")
_STYLE = w("style")
_RPR = w("rPr")
_PPR = w("pPr")
_RFONTS = w("rFonts")
_SZ, _STRIKE, _DSTRIKE, _COLOR = w("sz"), w("strike"), w("dstrike"), w("color")
_VANISH, _RSTYLE = w("vanish"), w("rStyle")
_JC, _IND, _PAGE_BREAK_BEFORE, _PSTYLE = (w(n) for n in ("jc", "ind", "pageBreakBefore", "pStyle"))
_FONT_SLOTS = (("ea", "eastAsiaTheme", "eastAsia"), ("ascii", "asciiTheme", "ascii"))
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
                theme, name = child.get(w(theme_attr)), child.get(w(name_attr))
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
    props: dict[str, object] = {}
    jc = ppr.find(_JC)
    if jc is not None and jc.get(W_VAL):
        value = jc.get(W_VAL)
        props["align"] = _ALIGN.get(value, value)
    ind = ppr.find(_IND)
    if ind is not None:
        left = points(ind.get(w("left")) or ind.get(w("start")), 20)
        if left is not None:
            props["indent"] = left
    pbb = ppr.find(_PAGE_BREAK_BEFORE)
    if pbb is not None:
        props["page_break_before"] = on(pbb)
    return props


class ThemeFonts:
    """The major and minor font schemes of a DrawingML theme."""

    def __init__(self, theme: etree._Element | None, east_asian_lang: str | None) -> None:
        self._script = "Hant" if (east_asian_lang or "").lower() in _TRADITIONAL else "Hans"
        self._schemes: dict[str, etree._Element] = {}
        if theme is not None:
            for kind in ("major", "minor"):
                scheme = theme.find(f".//{{{A_NS}}}{kind}Font")
                if scheme is not None:
                    self._schemes[kind] = scheme

    def resolve(self, theme_font: str) -> str | None:
        """``minorEastAsia`` / ``majorHAnsi`` / … -> the typeface the theme gives, or None."""
        kind = "major" if theme_font.startswith("major") else "minor"
        scheme = self._schemes.get(kind)
        if scheme is None:
            return None
        if theme_font.endswith("EastAsia"):
            for font in scheme.iterchildren(f"{{{A_NS}}}font"):
                if font.get("script") == self._script and font.get("typeface"):
                    return font.get("typeface")
            slot = "ea"
        else:
            slot = "cs" if theme_font.endswith("Bidi") else "latin"
        element = scheme.find(f"{{{A_NS}}}{slot}")
        return (element.get("typeface") or None) if element is not None else None


class StyleSheet:
    """Resolves run and paragraph appearance for one document."""

    def __init__(self, styles: etree._Element | None, theme: ThemeFonts) -> None:
        self._theme = theme
        self._styles: dict[str, etree._Element] = {}
        self._default_paragraph: str | None = None
        self._default_character: str | None = None
        self._default_rpr: dict[str, object] = {}
        self._default_ppr: dict[str, object] = {}
        self._resolved: dict[str, tuple[dict[str, object], dict[str, object]]] = {}
        self._run_looks: dict[tuple, RunLook] = {}
        self._paragraph_looks: dict[tuple, ParagraphLook] = {}
        if styles is None:
            return
        for style in styles.iterchildren(_STYLE):
            style_id = style.get(w("styleId"))
            if style_id is None:
                continue
            self._styles.setdefault(style_id, style)
            if style.get(w("default")) in ("1", "true", "on"):
                kind = style.get(w("type"))
                if kind == "paragraph" and self._default_paragraph is None:
                    self._default_paragraph = style_id
                elif kind == "character" and self._default_character is None:
                    self._default_character = style_id
        defaults = styles.find(w("docDefaults"))
        if defaults is not None:
            rpr = defaults.find(f"{w('rPrDefault')}/{_RPR}")
            if rpr is not None:
                self._default_rpr = dict(run_properties(rpr)[0])
            ppr = defaults.find(f"{w('pPrDefault')}/{_PPR}")
            if ppr is not None:
                self._default_ppr = paragraph_properties(ppr)

    def _style(self, style_id: str | None) -> tuple[dict[str, object], dict[str, object]]:
        """(run properties, paragraph properties) of a style with its basedOn chain merged in."""
        if style_id is None:
            return {}, {}
        cached = self._resolved.get(style_id)
        if cached is not None:
            return cached
        chain = []
        seen = set()
        current: str | None = style_id
        while current is not None and current not in seen and len(chain) < _MAX_CHAIN:
            style = self._styles.get(current)
            if style is None:
                break
            seen.add(current)
            chain.append(style)
            based_on = style.find(w("basedOn"))
            current = based_on.get(W_VAL) if based_on is not None else None
        rprops: dict[str, object] = {}
        pprops: dict[str, object] = {}
        for style in reversed(chain):  # base first, so the derived style overrides
            rpr = style.find(_RPR)
            if rpr is not None:
                rprops.update(run_properties(rpr)[0])
            ppr = style.find(_PPR)
            if ppr is not None:
                pprops.update(paragraph_properties(ppr))
        self._resolved[style_id] = (rprops, pprops)
        return rprops, pprops

    def paragraph_style_id(self, ppr: etree._Element | None) -> str | None:
        """The paragraph's style id, or the document's default paragraph style."""
        if ppr is not None:
            pstyle = ppr.find(_PSTYLE)
            if pstyle is not None and pstyle.get(W_VAL) in self._styles:
                return pstyle.get(W_VAL)
        return self._default_paragraph

    def run_look(self, pstyle: str | None, rpr: etree._Element | None) -> RunLook:
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
            self._run_looks[key] = look
        return look

    def _font(self, spec: object) -> str | None:
        if not spec:
            return None
        kind, value = spec
        return self._theme.resolve(value) if kind == "theme" else value

    def paragraph_look(self, pstyle: str | None, ppr: etree._Element | None) -> ParagraphLook:
        direct = tuple(sorted(paragraph_properties(ppr).items())) if ppr is not None else ()
        key = (pstyle, direct)
        look = self._paragraph_looks.get(key)
        if look is None:
            merged = dict(self._default_ppr)
            merged.update(self._style(pstyle)[1])
            merged.update(direct)
            page_break_before = bool(merged.get("page_break_before"))
            look = ParagraphLook(merged.get("align"), merged.get("indent"), page_break_before)
            self._paragraph_looks[key] = look
        return look
