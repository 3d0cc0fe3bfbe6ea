"""A ``.doc`` or ``.wps`` that is no OLE file: what Word, WPS and document systems also save under those
names, sniffed by content.

- HTML (Word's "save as web page" kept as ``.doc``, and what many document systems export as ``.doc``) is
  read: one unit per block (paragraph, heading, list item, table cell), pages split where a style says
  ``page-break-before``/``after: always``, Word's ``mso-element:header``/``footer`` blocks as the page
  header and footer, and the document properties Word keeps in an XML island inside a comment
  (``o:DocumentProperties``, ``o:CustomDocumentProperties``: ``密级``, ``SecurityLevel``) under the DOCX
  reader's keys. Fonts and sizes are not read (so ML112 is silent).
- Plain text is read as text.
- RTF is reported not examined, naming it: marklint reads no RTF (``.rtf`` files are not examined either),
  and a reader of its groups, fonts, fields and headers is a format of its own, not a sniff.
- Word 2003 XML, Microsoft Works and any other content are reported not examined, naming what they are.
"""

from __future__ import annotations

import re
from html import unescape as _unescape
from pathlib import Path

from lxml import etree

from marklint.errors import NotExamined, os_error_words
from marklint.limits import Limits
from marklint.model import Document, TextUnit
from marklint.parsers import text as text_parser

#: Elements whose text is a unit of its own; a table cell is one unit, the cells of a row on one line number.
_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "blockquote", "pre",
                     "center", "dt", "dd", "body", "td", "th"})
_CELLS = frozenset({"td", "th"})
_SKIPPED = frozenset({"head", "script", "style", "title", "noscript", "template"})
_PAGE_BREAK = ("page-break-before:always", "break-before:page")
_PAGE_BREAK_AFTER = ("page-break-after:always", "break-after:page")
_DOCUMENT_PROPERTIES = re.compile(r"<o:DocumentProperties>(.*?)</o:DocumentProperties>", re.S)
_CUSTOM_PROPERTIES = re.compile(r"<o:CustomDocumentProperties>(.*?)</o:CustomDocumentProperties>", re.S)
_PROPERTY = re.compile(r"<o:([^\s>/]{1,200})[^>]*>([^<]{0,4096})</o:\1>")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CORE = {"Title": "core:title", "Subject": "core:subject", "Author": "core:creator", "Keywords": "core:keywords",
         "Category": "core:category", "Created": "core:created", "LastSaved": "core:modified"}
#: HTML collapses ASCII white space; an ideographic space (U+3000) is text.
_SPACES = re.compile("[ \t\r\n\f]+")


def parse(path: Path, display_path: str, limits: Limits, head: bytes) -> Document:
    """Read or refuse a ``.doc``/``.wps`` file that is not a Word binary, by its first bytes ``head``."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"{\\rtf"):
        raise NotExamined("unsupported format", "RTF document saved with a Word name (RTF is not read)")
    if b"<w:worddocument" in start or b'progid="word.document"' in start:
        raise NotExamined("unsupported format", "Word 2003 XML document (not read)")
    if b"<html" in start or start.startswith(b"<!doctype html"):
        return _html(path, display_path, limits)
    if head[:2] == b"\x01\xfe" and head[112:114] == b"\x01\x00":
        raise NotExamined("unsupported format", "Microsoft Works 1-3 document (.wps), not Word's format")
    if b"\x00" not in head and head.strip():
        return text_parser.parse(path, display_path, limits)
    raise NotExamined("unsupported format", "not a Word binary document (a .wps of Kingsoft WPS before WPS "
                      "Office 2005, or another format)")


def _html(path: Path, display_path: str, limits: Limits) -> Document:
    parser = etree.HTMLParser(no_network=True, remove_pis=True, huge_tree=False)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.max_member_bytes + 1)
    except OSError as exc:
        raise NotExamined("unreadable", os_error_words(exc)) from exc
    if len(data) > limits.max_member_bytes:
        raise NotExamined("over a safety limit", f"HTML of over {limits.max_member_bytes} bytes")
    root = etree.fromstring(data, parser)
    document = Document(path=display_path, format="html")
    if root is None:
        return document
    reader = _HtmlReader(limits)
    reader.walk(root, "body", 0)
    reader.flush("body")
    document.units = reader.units
    for comment in root.iter(etree.Comment):
        document.properties.update(_office_properties(comment.text or ""))
    return document


def _office_properties(island: str) -> dict[str, str]:
    """Word's document properties in an HTML comment (``<!--[if gte mso 9]><xml>…``), as DOCX keys."""
    found: dict[str, str] = {}
    for block, custom in ((_DOCUMENT_PROPERTIES, False), (_CUSTOM_PROPERTIES, True)):
        match = block.search(island)
        for name, value in _PROPERTY.findall(match.group(1)) if match else ():
            # Word writes a name's characters that XML names cannot hold as _xHHHH_.
            name = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), name)
            key = f"custom:{name}" if custom else _CORE.get(name)
            if key and value.strip():
                found[key] = _unescape(value.strip())
    return found


def _row_part(part: str) -> str:
    return "table" if part == "body" else part


class _HtmlReader:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.units: list[TextUnit] = []
        self.pieces: list[str] = []
        self.page = 1
        self.lines: dict[tuple[str, int], int] = {}
        self.in_row = False
        self.row_line: int | None = None  # the line number the cells of the row being read share

    def walk(self, element: etree._Element, part: str, depth: int) -> None:
        if not isinstance(element.tag, str) or depth > self.limits.max_xml_depth:
            if element.tail and depth <= self.limits.max_xml_depth:  # the text after a comment is shown
                self.pieces.append(element.tail)
            return
        tag = element.tag.lower()
        if tag in _SKIPPED:
            return
        style = (element.get("style") or "").replace(" ", "").lower()
        if "mso-element:header" in style or "mso-element:footer" in style:
            self.flush(part)
            inner = "header" if "header" in style else "footer"
            self._children(element, inner, depth)
            self.flush(inner)
        elif tag == "tr" and not self.in_row:  # each cell its own unit on one line number, as the DOCX reader gives
            self.flush(part)
            self.in_row, self.row_line = True, None
            self._children(element, part, depth)
            self.in_row = False
            self.flush(_row_part(part), row=True)
            self.row_line = None
        else:
            block = (tag in _BLOCKS or tag == "br") and not self.in_row
            if block:
                self.flush(part)
            if any(sign in style for sign in _PAGE_BREAK) and part == "body" and self.units:
                self.page += 1
            cell = self.in_row and tag in _CELLS
            if cell:
                self.flush(_row_part(part), row=True)
            elif self.in_row and (tag in _BLOCKS or tag == "br") and "".join(self.pieces).strip():
                self.pieces.append(" ")  # paragraphs of a cell, joined by a space
            if element.text:
                self.pieces.append(element.text)
            self._children(element, part, depth)
            if block:
                self.flush(part)
            elif cell:
                self.flush(_row_part(part), row=True)
            if any(sign in style for sign in _PAGE_BREAK_AFTER) and part == "body":
                self.page += 1
        if element.tail:
            self.pieces.append(element.tail)

    def _children(self, element: etree._Element, part: str, depth: int) -> None:
        for child in element:
            self.walk(child, part, depth + 1)

    def flush(self, part: str, row: bool = False) -> None:
        """The pieces read so far as one unit; a cell (``row``) shares its row's line number."""
        text = _SPACES.sub(" ", "".join(self.pieces)).strip(" ") if self.pieces else ""
        self.pieces = []
        if not text:
            return
        page = self.page if part in ("body", "table") else 1
        key = (part, page)
        if row and self.row_line is not None and self.lines.get(key, 0) >= self.row_line:
            number = self.row_line
        else:
            number = self.lines[key] = self.lines.get(key, 0) + 1
        if row:
            self.row_line = number
        self.units.append(TextUnit(text[: self.limits.max_unit_chars], part, page, number))
