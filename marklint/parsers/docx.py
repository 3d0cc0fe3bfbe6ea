"""DOCX parser: a WordprocessingML package into the neutral model, with zipfile and lxml only.

The body is read in one streaming pass (lxml pull parser, elements freed as they are used), so the
cost of a long document is one parse; only the units a marking check can need are kept. A body that
fits in one read chunk, which the pull parser would have built whole anyway, is parsed whole and walked
directly. Headers, footers and document properties are small parts and are parsed whole. What is made
of the template's parts (settings, theme, styles, relationships) is remembered for the next file with
the same bytes (``Package.derived``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.model import Document, Status, TextUnit
from marklint.parsers.embedded import attach, docx_payloads
from marklint.parsers.ooxml_flow import (
    BLOCK_WRAPPERS,
    MC_ALTERNATE,
    W_BODY,
    W_P,
    W_SECTPR,
    W_TBL,
    W_TR,
    FlowReader,
    RawUnit,
    Section,
    build_unit,
    first_render_page,
)
from marklint.parsers.ooxml_package import Package, XmlStream, read_zip, w
from marklint.parsers.ooxml_styles import StyleSheet, ThemeFonts, first_children, on, theme_schemes
from marklint.parsers.text import middle_overflow

W_DOCUMENT = w("document")
STRICT_DOCUMENT = "{http://purl.oclc.org/ooxml/wordprocessingml/main}document"
_SETTINGS_SCAN = {w("evenAndOddHeaders"): 0, w("themeFontLang"): 1}
_CORE_FIELDS = frozenset(
    {
        "title",
        "subject",
        "creator",
        "keywords",
        "description",
        "category",
        "contentStatus",
        "created",
        "modified",
    }
)
#: Units in the middle of a long body are kept only when they could be a marking.
_MIDDLE_MAX_CHARS = 60
_MIDDLE_SIGNS = ("★", "密", "解")


def parse(path: Path, display_path: str, limits: Limits) -> Document:
    """Read a DOCX file, or raise NotExamined with the reason."""
    return read_zip(path, limits, lambda package: _DocxReader(package, display_path, limits).read())


def _in_body_flow(element: etree._Element) -> bool:
    """True for a paragraph or table that stands in the body, possibly inside content controls."""
    parent = element.getparent()
    while parent is not None and parent.tag in BLOCK_WRAPPERS:
        parent = parent.getparent()
    return parent is not None and parent.tag == W_BODY


def _owning_table(row: etree._Element) -> etree._Element | None:
    parent = row.getparent()
    while parent is not None and parent.tag in BLOCK_WRAPPERS:
        parent = parent.getparent()
    return parent if parent is not None and parent.tag == W_TBL else None


def _body_flow(body: etree._Element) -> Iterator[etree._Element]:
    """The elements of the only body that the stream would yield in the body flow, in its order: blocks
    through content controls and custom XML, a table's rows before the table, the body's own sectPr."""
    for child in body:
        tag = child.tag
        if tag in (W_P, W_SECTPR):  # a paragraph (most blocks) needs no generator of its own
            yield child
        else:
            yield from _flow_blocks(child, tag)


def _flow_blocks(element: etree._Element, tag: object) -> Iterator[etree._Element]:
    if tag in (W_P, MC_ALTERNATE):
        yield element
    elif tag == W_TBL:
        yield from _table_rows(element)
        yield element
    elif tag in BLOCK_WRAPPERS:
        for child in element:
            yield from _flow_blocks(child, child.tag)


def _table_rows(container: etree._Element) -> Iterator[etree._Element]:
    for child in container:
        tag = child.tag
        if tag == W_TR:
            yield child
        elif tag in BLOCK_WRAPPERS:
            yield from _table_rows(child)


def _release(element: etree._Element) -> None:
    """Free a processed element and everything before it, so memory does not grow with the body."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


class _BodyKeeper:
    """Keeps the first units (page 1, a cover), the last units (成文日期, 版记), and short possible markings
    in between. Page 1 is not kept whole: files without rendered page breaks would keep their whole body."""

    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self._kept: list[RawUnit] = []
        self._tail: deque[RawUnit] = deque()
        self._count = 0
        self._middle_left = limits.max_middle_units_kept
        self.overflow = False  # more possible markings in the middle than are kept

    def add(self, unit: RawUnit) -> None:
        self._count += 1
        if self._count <= self._limits.max_body_units_kept:
            self._kept.append(unit)
            return
        self._tail.append(unit)
        if len(self._tail) > self._limits.max_tail_units_kept:
            self._keep_if_marking(self._tail.popleft())

    def _keep_if_marking(self, unit: RawUnit) -> None:
        text = unit.text.strip()
        if len(text) <= _MIDDLE_MAX_CHARS and any(sign in text for sign in _MIDDLE_SIGNS):
            if self._middle_left <= 0:
                self.overflow = True  # a bound on what one file keeps: the file becomes partial
                return
            self._middle_left -= 1
            self._kept.append(unit)

    def finish(self) -> list[TextUnit]:
        limit = self._limits.max_unit_chars
        return [build_unit(raw, limit) for raw in (*self._kept, *self._tail)]


def _target(relationships: dict[str, tuple[str, str]], type_suffix: str) -> str | None:
    for rel_type, target in relationships.values():
        if rel_type.endswith(type_suffix):
            return target
    return None


class _DocxReader:
    def __init__(self, package: Package, display_path: str, limits: Limits) -> None:
        self.package = package
        self.limits = limits
        self.document = Document(path=display_path, format="docx")

    def read(self) -> Document:
        package_rels = self.package.relationships("")
        main = _target(package_rels, "/officeDocument")
        if main is None or self.package.member(main) is None:
            main = "word/document.xml"
        main_member = self.package.member(main)
        if main_member is None:
            raise NotExamined("unsupported format", _describe(self.package))
        rels = self.package.relationships(main_member)
        # Settings, theme and styles come from the template and are often the same bytes in many files:
        # what is made of them is remembered (see Package.derived), including the appearances resolved.
        package = self.package
        settings = package.part(_target(rels, "/settings") or "word/settings.xml")
        even_and_odd, east_asian_lang = package.derived("settings", settings, _read_settings)
        theme = package.part(_target(rels, "/theme") or "word/theme/theme1.xml")
        schemes = package.derived("theme", theme, theme_schemes)
        styles = package.part(_target(rels, "/styles") or "word/styles.xml")
        self.styles = package.derived(
            "styles",
            styles,
            lambda root: StyleSheet(root, ThemeFonts(schemes, east_asian_lang)),
            theme.key if theme is not None else None,
            east_asian_lang,
        )
        body, sections = self._read_body(main_member)
        headers, footers = self._read_headers_footers(sections, rels, even_and_odd)
        self._read_properties(package_rels)
        self.document.units = headers + body + footers
        self.document.geometry = sections[0].geometry if sections else None
        attach(self.document, docx_payloads(package, rels), self.limits)
        return self.document

    def _read_body(self, main: str) -> tuple[list[TextUnit], list[Section]]:
        keeper = _BodyKeeper(self.limits)
        reader = FlowReader(self.styles, keeper.add, ("body", "table", "textbox"), 1, True)
        stream = self.package.stream(main, (W_P, W_TR, W_TBL, W_SECTPR, MC_ALTERNATE))
        check_limits = self.package.needs_subtree_check(stream.size)
        root = stream.whole()
        bodies = list(root.iter(W_BODY)) if root is not None else []
        if root is not None and len(bodies) <= 1:
            # Parsed whole, with one body: its blocks are walked directly, in the order the stream gives
            # them. Freeing them as they are read then changes nothing but the subtrees the limits count.
            self._check_root(root)
            blocks = _body_flow(bodies[0]) if bodies else iter(())
            release = check_limits
        else:
            blocks = self._streamed_flow(stream)
            release = True
        elements = 0
        for element in blocks:
            tag = element.tag
            if check_limits:
                elements += self.package.check_subtree(element, main, stream.size, elements)
            if tag == W_P:
                reader.paragraph(element)
            elif tag == W_TR:
                reader.row(element)
            elif tag == W_SECTPR:
                reader.end_section(element, final=True)
            elif tag == MC_ALTERNATE:
                reader.block(element)  # paragraphs in its branches were not in the body flow: read now
            if release:
                _release(element)
        if keeper.overflow:
            self.document.status, self.document.reason = Status.PARTIAL, middle_overflow(self.limits, "paragraphs")
        return keeper.finish(), reader.sections

    def _streamed_flow(self, stream: XmlStream) -> Iterator[etree._Element]:
        """The elements of the body flow (tables too, after their rows) as the stream yields them."""
        root_checked = False
        for element in stream:
            if not root_checked:
                self._check_root(stream.root)
                root_checked = True
            tag = element.tag
            if tag == W_SECTPR:
                parent = element.getparent()
                if parent is None or parent.tag != W_BODY:
                    continue  # a section break inside a paragraph: read with the paragraph
            elif tag == W_TR:
                table = _owning_table(element)
                if table is None or not _in_body_flow(table):
                    continue  # a row of a nested table: read with its outer row
            elif not _in_body_flow(element):
                continue  # nested in a table, text box or the like: read with its block
            yield element
        if not root_checked:
            self._check_root(stream.root)

    def _check_root(self, root: etree._Element | None) -> None:
        if root is not None and root.tag == W_DOCUMENT:
            return
        if root is not None and root.tag == STRICT_DOCUMENT:
            raise NotExamined("unsupported format", "Strict Open XML document")
        raise NotExamined("unsupported format", _describe(self.package))

    def _read_headers_footers(
        self, sections: list[Section], rels: dict[str, tuple[str, str]], even_and_odd: bool
    ) -> tuple[list[TextUnit], list[TextUnit]]:
        out: dict[str, list[TextUnit]] = {"header": [], "footer": []}
        read: set[str] = set()
        in_force: dict[str, dict[str, str]] = {"header": {}, "footer": {}}
        for section in sections:
            for part, refs in (("header", section.headers), ("footer", section.footers)):
                # A section that does not name a header keeps the previous section's.
                in_force[part] = {**in_force[part], **refs}
                shown = []
                for kind, rel_id in in_force[part].items():
                    page = first_render_page(kind, section.start_page, section.title_page, even_and_odd)
                    if page is not None and rel_id in rels:
                        shown.append((page, rels[rel_id][1]))
                for page, target in sorted(shown):
                    if target not in read:
                        read.add(target)
                        out[part].extend(self._read_story(target, part, page))
        return out["header"], out["footer"]

    def _read_story(self, part_name: str, part: str, page: int) -> list[TextUnit]:
        root = self.package.xml(part_name)
        raw_units: list[RawUnit] = []
        if root is not None:
            FlowReader(self.styles, raw_units.append, (part, part, part), page, False).blocks(root)
        return [build_unit(raw, self.limits.max_unit_chars) for raw in raw_units]

    def _read_properties(self, package_rels: dict[str, tuple[str, str]]) -> None:
        props = self.document.properties
        custom = self.package.xml(_target(package_rels, "/custom-properties") or "docProps/custom.xml")
        for prop in custom if custom is not None else ():
            name = prop.get("name") if isinstance(prop.tag, str) else None
            if name:
                values = [child for child in prop if isinstance(child.tag, str)]
                props[f"custom:{name}"] = (values[0].text or "") if values else ""
        core = self.package.xml(_target(package_rels, "/core-properties") or "docProps/core.xml")
        for field in core if core is not None else ():
            if isinstance(field.tag, str):
                local = _local_name(field.tag)
                if local in _CORE_FIELDS:
                    value = (field.text or "").strip()
                    if value:  # templates carry empty title/subject elements: they say nothing
                        props[f"core:{local}"] = value
        app = self.package.xml(_target(package_rels, "/extended-properties") or "docProps/app.xml")
        for field in app if app is not None else ():
            if isinstance(field.tag, str) and _local_name(field.tag) == "Pages":
                pages = (field.text or "").strip()
                props["app:Pages"] = pages
                if pages.isdigit() and int(pages) > 0:
                    self.document.page_count = int(pages)
        labels = self.package.xml("docMetadata/LabelInfo.xml")
        index = 0
        for label in labels.iter() if labels is not None else ():
            if isinstance(label.tag, str) and etree.QName(label).localname == "label":
                for attr, value in label.attrib.items():
                    props[f"label:{index}:{etree.QName(attr).localname}"] = value
                index += 1


def _local_name(tag: str) -> str:
    """``etree.QName(tag).localname`` of an element's tag, without making the QName."""
    if tag[0] != "{":
        return tag
    local = tag[tag.find("}") + 1 :]
    # lxml splits at the first "}" and refuses what follows when it holds another (a "}" in the namespace).
    return local if "}" not in local else etree.QName(tag).localname


def _read_settings(settings: etree._Element | None) -> tuple[bool, str | None]:
    """(evenAndOddHeaders, the East Asian theme font language) from word/settings.xml."""
    if settings is None:
        return False, None
    even, lang = first_children(settings, _SETTINGS_SCAN)
    return (even is not None and on(even)), (lang.get(w("eastAsia")) if lang is not None else None)


def _describe(package: Package) -> str:
    """What a ZIP that holds no Word document is, for the not-examined reason."""
    mimetype = package.member("mimetype")
    if mimetype is not None:
        kind = package.read(mimetype)[:100].decode("ascii", "replace").strip()
        if kind == "application/vnd.oasis.opendocument.text":
            return "OpenDocument text"
        return f"ZIP of type {kind}"
    for part, what in (
        ("xl/workbook.xml", "Excel workbook"),
        ("ppt/presentation.xml", "PowerPoint presentation"),
        ("OFD.xml", "OFD document"),
        ("[Content_Types].xml", "Office Open XML package without a Word document"),
    ):
        if package.member(part) is not None:
            return what
    return "ZIP archive without a Word document"
