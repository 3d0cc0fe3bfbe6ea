"""An index of a WordprocessingML style sheet's raw bytes: style ids to where each style starts, so a
style is parsed only when a run or paragraph uses it.

Word's default template writes a 430 KB ``styles.xml`` (some 160 styles and 370 latent-style entries);
a document uses a handful of them, and parsing all of it cost more than the rest of a short document
(BENCHMARKS.md). The index is trusted only for bytes whose markup a plain search reads exactly as the
XML parser would: UTF-8, the WordprocessingML namespace under one prefix declared on the root, style
start tags of double-quoted attributes with a ``w:styleId`` and no namespace declaration, entity, tab or
line break in a value (``_style_tags``), and no comment, CDATA section, processing instruction or
declaration after the root's start tag (the only places where ``<w:style`` could be other than a start
tag). A ``<w:style`` nested deeper than the root's children is not told apart (no producer writes one).
Anything else is parsed whole, as before (``StyleIndex.of`` returns None). A style whose bytes do not
parse alone has the part parsed whole after all, with the errors and limits of a whole parse.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from lxml import etree

from marklint.errors import NotExamined
from marklint.limits import Limits, MiB
from marklint.parsers.ooxml_package import (
    _PARSER_OPTIONS,
    LIBXML_MAX_DEPTH,
    MAX_PROLOG_BYTES,
    MIN_ELEMENT_BYTES,
    OVER_LIMIT,
    W_NS,
    _depth,
    refuse_dtd_prolog,
    syntax_error,
)

_W_NS = W_NS.encode()
_STYLE, _STYLE_ID, _DOC_DEFAULTS = (f"{{{W_NS}}}{local}" for local in ("style", "styleId", "docDefaults"))
_XML_DECLARATION = re.compile(rb"<\?xml[^>]*\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*):styles[\s/>]")
_ATTRIBUTE = re.compile(rb'([^\s=]+)\s*=\s*"([^"]*)"')
_UTF8_BOM = b"\xef\xbb\xbf"
#: An attribute of a style's start tag as the plain reading takes it: double-quoted, no namespace declaration,
#: and a value the parser would read as written (no entity reference, no tab or line break, which it
#: normalises to spaces) holding no ">" (``_element`` takes the first ">" after a style's start as its end).
_TAG_ATTRIBUTE = rb'[ \t\r\n]++(?!xmlns[:=])[A-Za-z_][\w.-]*+(?::[A-Za-z_][\w.-]*+)?+="[^"&<>\t\r\n]*+"'
_STYLE_TAGS: dict[bytes, re.Pattern[bytes]] = {}
T = TypeVar("T")
_NOT_ALONE = object()
_MISSING = object()


class _Derived:
    """What was made of one style's (or the document defaults') bytes, kept for the next style sheet with
    the same bytes: documents made from one template carry its styles byte for byte, each in a styles.xml
    of its own (a user's style added), so the part as a whole is seldom seen twice (``PART_MEMO``) but its
    styles are. What is kept depends on nothing but the key: the function that made it, the root's start
    tag (the namespaces the bytes are parsed in), the bytes, and the depth limit checked when parsing them.
    Bounded in entries and in the bytes behind them: when either is full, it starts again empty."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._entries: dict[tuple, object] = {}
        self._bytes = 0

    def get(self, key: tuple, default: object) -> object:
        return self._entries.get(key, default)

    def put(self, key: tuple, value: object, size: int) -> None:
        if size > self._max_bytes // 64:
            return  # a style this large is no template's: not worth keeping
        if len(self._entries) >= self._max_entries or self._bytes + size > self._max_bytes:
            self._entries = {}
            self._bytes = 0
        self._entries[key] = value
        self._bytes += size

    def clear(self) -> None:
        self._entries = {}
        self._bytes = 0


#: Some 4 templates' worth of styles (Word's: 165 styles, 100 KB of style bytes) per process.
_DERIVED = _Derived(max_entries=1024, max_bytes=MiB)


def _style_tags(prefix: bytes) -> re.Pattern[bytes]:
    """Style start tags under ``prefix``: group 1 is the style's id for a tag the plain reading takes; a tag
    it does not take matches with group 1 None (``<w:styles``, ``<w:styleLink``... do not match at all).
    Possessive throughout, so a hostile tag costs one pass."""
    pattern = _STYLE_TAGS.get(prefix)
    if pattern is None:
        name = re.escape(prefix)
        id_name = rb"[ \t\r\n]++" + name + rb':styleId="'
        pattern = _STYLE_TAGS[prefix] = re.compile(
            rb"<" + name + rb":style(?:(?:(?!" + id_name + rb")" + _TAG_ATTRIBUTE + rb")*+" + id_name
            + rb'([^"&<>\t\r\n]*+)"'
            + rb"(?:" + _TAG_ATTRIBUTE + rb")*+[ \t\r\n]*+/?>|[ \t\r\n/>])"
        )
    return pattern


class StyleIndex:
    """Where each style of one style sheet starts (``offsets``, the first style of each id, as the parsed
    sheet keeps it), its default paragraph and character styles, and the bytes to parse a style from."""

    __slots__ = ("_close", "_data", "_limits", "_name", "_parser", "_prefix", "_root_tag",
                 "default_character", "default_paragraph", "offsets")

    def __init__(self, name: str, data: bytes, limits: Limits, prefix: bytes, root_tag: bytes) -> None:
        self._name = name
        self._data = data
        self._limits = limits
        self._prefix = prefix
        self._root_tag = root_tag
        self._close = re.compile(rb"</" + re.escape(prefix) + rb":style\s*>")
        self._parser = etree.XMLParser(**_PARSER_OPTIONS)
        self.offsets: dict[str, int] = {}
        self.default_paragraph: str | None = None
        self.default_character: str | None = None

    @classmethod
    def of(cls, name: str, data: bytes, limits: Limits) -> StyleIndex | None:
        """The index of style sheet ``name`` (content ``data``), or None when its bytes must be parsed whole.
        A DTD is refused here as a whole parse would refuse it."""
        refuse_dtd_prolog(data if len(data) <= MAX_PROLOG_BYTES else data[:MAX_PROLOG_BYTES], name,
                          len(data) <= MAX_PROLOG_BYTES)
        at = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
        declaration = _XML_DECLARATION.match(data, at)
        if declaration is not None:
            encoding = _ENCODING.search(declaration.group(0))
            if encoding is not None and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
                return None
            at = declaration.end()
        elif data.startswith(b"\xfe\xff") or data.startswith(b"\xff\xfe") or b"\x00" in data[:4]:
            return None  # UTF-16 or UCS-4
        start = data.find(b"<", at)
        root = _ROOT.match(data, start) if start >= 0 else None
        if root is None:
            return None  # a comment or instruction before the root, or another root: parsed whole
        end = data.find(b">", start)
        root_tag = data[start : end + 1]
        prefix = root.group(1)
        declared = b"xmlns:" + prefix + b'="' + _W_NS + b'"'
        if (
            end < 0
            or root_tag.endswith(b"/>")
            or root_tag.count(_W_NS) != 1
            or declared not in root_tag
            # Every comment, CDATA section, instruction or declaration holds a "!" or "?": a one-byte search
            # for each costs a small part of a search for "<!" (which meets every "<").
            or data.find(b"!", end) >= 0
            or data.find(b"?", end) >= 0
        ):
            return None
        index = cls(name, data, limits, prefix, root_tag)
        return index if scan(index, end + 1) else None

    def _scan(self, start: int) -> bool:
        """Index every style start tag after ``start``; False when one cannot be read without the parser."""
        data, prefix = self._data, self._prefix
        default_name, type_name = prefix + b":default", prefix + b":type"
        offsets = self.offsets
        # bytes.find walks to each "<w:style" far cheaper than a pattern's search does; the pattern reads the
        # tag found there.
        opening = b"<" + prefix + b":style"
        match_tag, find = _style_tags(prefix).match, data.find
        while (start := find(opening, start)) >= 0:
            match = match_tag(data, start)
            if match is None:  # <w:styles, <w:styleLink...
                start += len(opening)
                continue
            raw_id = match.group(1)
            if raw_id is None:
                # A style start tag the pattern does not take (no w:styleId, an entity, a quote or ">" in a
                # value, a namespace declared on it, a value the parser would normalise): the parser's
                # reading is needed.
                return False
            style_id = raw_id.decode("utf-8", "replace")
            if style_id not in offsets:
                offsets[style_id] = start
            end = match.end()
            if find(default_name, start, end) >= 0:  # one of the few default styles: all its attributes read
                attributes: dict[bytes, bytes] = {}
                for attribute in _ATTRIBUTE.finditer(data, start + len(opening), end):
                    attributes.setdefault(attribute.group(1), attribute.group(2))
                if attributes.get(default_name) in (b"1", b"true", b"on"):
                    kind = attributes.get(type_name)
                    if kind == b"paragraph" and self.default_paragraph is None:
                        self.default_paragraph = style_id
                    elif kind == b"character" and self.default_character is None:
                        self.default_character = style_id
            start = end
        return True

    def _compiled_scan(self, start: int) -> bool:
        """``_scan`` by the compiled scan (``_marklint_styles.scan``): the same offsets, defaults and answer."""
        found = _marklint_styles.scan(self._data, start, self._prefix)
        if found is None:
            return False
        self.offsets, self.default_paragraph, self.default_character = found
        return True

    def style(self, style_id: str, offset: int, derive: Callable[[etree._Element], T]) -> T | None:
        """``derive`` of style ``style_id``, which starts at ``offset``, parsed now (None if the part, parsed
        whole after all, has no such style child)."""
        found = self._derived(offset, self._close, _STYLE, derive)
        if found is _NOT_ALONE:
            whole = self._whole()
            element = next((s for s in whole.iterchildren(_STYLE) if s.get(_STYLE_ID) == style_id), None)
            return derive(element) if element is not None else None
        return found  # type: ignore[return-value]

    def doc_defaults(self, derive: Callable[[etree._Element | None], T]) -> T:
        """``derive`` of the first ``docDefaults`` child, parsed, or of None."""
        start = self._data.find(b"<" + self._prefix + b":docDefaults", len(self._root_tag))
        if start < 0:
            return derive(None)
        close = re.compile(rb"</" + re.escape(self._prefix) + rb":docDefaults\s*>")
        found = self._derived(start, close, None, derive)
        return derive(self._whole().find(_DOC_DEFAULTS)) if found is _NOT_ALONE else found  # type: ignore[return-value]

    def _derived(self, start: int, close: re.Pattern[bytes], tag: str | None,
                 derive: Callable[[etree._Element], T]) -> T | object:
        """``derive`` of the element that starts at ``start`` and ends at the first ``close`` after it,
        parsed inside the root's start tag (its namespace declarations); ``_NOT_ALONE`` when those bytes
        are no single element (with ``tag``, when given: a nested element of the same name, or damage),
        and the part must be parsed whole. Remembered for the same bytes (``_DERIVED``)."""
        data = self._data
        end = data.find(b">", start)
        if data[end - 1 : end] != b"/":
            found = close.search(data, end)
            if found is None:
                return _NOT_ALONE
            end = found.end() - 1
        own = data[start : end + 1]
        key = (derive, self._root_tag, own, self._limits.max_xml_depth)
        value = _DERIVED.get(key, _MISSING)
        if value is _MISSING:
            element = self._element(own)
            value = _NOT_ALONE if element is None or (tag is not None and element.tag != tag) else derive(element)
            _DERIVED.put(key, value, len(own))
        return value

    def _element(self, own: bytes) -> etree._Element | None:
        """The element of bytes ``own``, parsed inside the root's start tag; None when they are no single
        element."""
        wrapped = self._root_tag + own + b"</" + self._prefix + b":styles>"
        try:
            root = etree.fromstring(wrapped, self._parser)
        except etree.XMLSyntaxError:
            return None
        if len(root) != 1:
            return None
        element = root[0]
        if self._limits.max_xml_depth < LIBXML_MAX_DEPTH and 1 + _depth(element) > self._limits.max_xml_depth:
            raise NotExamined(OVER_LIMIT, "XML depth")
        return element

    def _whole(self) -> etree._Element:
        """The whole part, parsed as ``Package.parse`` parses a part (its errors and limits)."""
        try:
            root = etree.fromstring(self._data, self._parser)
        except etree.XMLSyntaxError as exc:
            raise syntax_error(self._name, exc) from None
        limits = self._limits
        if limits.max_xml_depth < LIBXML_MAX_DEPTH and _depth(root) > limits.max_xml_depth:
            raise NotExamined(OVER_LIMIT, "XML depth")
        if len(self._data) > MIN_ELEMENT_BYTES * limits.max_xml_elements and (
            sum(1 for _ in root.iter()) > limits.max_xml_elements
        ):
            raise NotExamined(OVER_LIMIT, f"XML elements in {self._name}")
        return root


try:
    from marklint.parsers import compiled

    _marklint_styles = compiled.load("_marklint_styles")  # ImportError when not built, or built from other source
    scan: Callable[[StyleIndex, int], bool] = StyleIndex._compiled_scan
except ImportError:  # installed without a C compiler: the same index, found in Python
    scan = StyleIndex._scan
