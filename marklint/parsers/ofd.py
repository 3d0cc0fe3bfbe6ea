"""OFD (GB/T 33190-2016) reader: the fixed-layout national format, read as a PDF is read.

The package is followed from its root: ``OFD.xml`` -> ``DocBody/DocRoot`` -> ``Document.xml`` -> the pages,
each ``BaseLoc`` resolved from the part that names it (``ofd_package``). Only page 1 and the last page are
read (``fixed_layout.pages_to_read``, the PDF policy): their content layers and the template pages they
draw, whose text (a 版头 kept in a template) is that page's text. Text objects become glyph records
(``ofd_text``) and lines are rebuilt from positions by the PDF line builder, so objects out of reading
order and a marking split into several objects read as the page shows them. A watermark annotation is
read apart from the page and never counts as its text; signatures and seals are counted, never read.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from lxml import etree

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.model import Document, PageGeometry, Reason, ReasonKind, Status
from marklint.parsers.fixed_layout import add_page, mark_running_lines, pages_to_read, read_past_blank
from marklint.parsers.ofd_package import ROOT_PART, OfdPackage, child, child_text, children, local_name
from marklint.parsers.ofd_text import MM, PageReader, Resources, numbers, watermark_text
from marklint.parsers.ooxml_package import read_zip

#: A4 portrait in mm, where neither the page nor the document gives a physical box.
A4 = [0.0, 0.0, 210.0, 297.0]
#: DocInfo fields kept as ``info:`` properties, named as the PDF Info dictionary names them.
_DOC_INFO = ("Title", "Author", "Subject", "Abstract", "CreationDate", "ModDate", "Creator", "CreatorVersion")


def parse(path: Path, display_path: str, limits: Limits) -> Document:
    """Read page 1 and the last page of an OFD, or raise NotExamined with the reason."""
    return read_zip(path, limits, lambda package: _OfdReader(OfdPackage(package), display_path, limits).read())


class _OfdReader:
    def __init__(self, package: OfdPackage, display_path: str, limits: Limits) -> None:
        self.package = package
        self.display_path = display_path
        self.limits = limits
        self.unread_resources: list[Reason] = []  # why a resource part could not be read

    def read(self) -> Document:
        package = self.package
        root_part = package.package.member(ROOT_PART)
        if root_part is None:
            raise NotExamined("corrupt", f"missing part {ROOT_PART}")
        root = package.xml(root_part)
        body = child(root, "DocBody")
        if local_name(root.tag) != "OFD" or body is None:
            raise NotExamined("corrupt", "OFD.xml names no document")
        document_part = package.resolve(root_part, child_text(body, "DocRoot"))
        document = package.xml(document_part)
        common = child(document, "CommonData")
        pages = children(child(document, "Pages"), "Page")
        if not pages:
            raise NotExamined("corrupt", "no pages")
        doc = Document(path=self.display_path, format="ofd", page_count=len(pages))
        resources = self._resources(document_part, [*children(common, "PublicRes"), *children(common, "DocumentRes")])
        templates = {(t.get("ID") or "").strip(): t for t in children(common, "TemplatePage")}
        default_box = numbers(child_text(child(common, "PageArea"), "PhysicalBox"), 4) or A4
        watermarks: list[str] = []
        indices = pages_to_read(len(pages), self.limits)
        for index in indices:  # read_past_blank may add the next page: the loop reaches it
            try:
                page_part = package.resolve(document_part, pages[index].get("BaseLoc") or "")
                reader, box = self._page(document_part, page_part, templates, resources, default_box)
            except NotExamined as exc:
                if index == 0:
                    raise
                doc.status, doc.reason = Status.PARTIAL, Reason(exc.reason, f"page {index + 1}: {exc.detail}")
                continue
            if index == 0:
                doc.geometry = PageGeometry(round(box[2] * MM, 2), round(box[3] * MM, 2))
            add_page(doc, reader.drawing.page_text(), index, self.limits)
            read_past_blank(doc, index, indices, self.limits)
            # An annotation is no marking place: one that cannot be read hides nothing of the page.
            with contextlib.suppress(NotExamined):
                watermarks.extend(self._watermarks(document_part, document, pages[index]))
        if self.unread_resources and doc.status == Status.COMPLETE:
            # The text was read; fonts (ML112) and composite units of that part were not.
            doc.status, doc.reason = Status.PARTIAL, self.unread_resources[0]
        mark_running_lines(doc)
        doc.properties = self._metadata(child(body, "DocInfo"))
        if watermarks:
            # Read apart from the page: a watermark is not a 标志 and never stands in for one.
            doc.properties["annot:Watermark"] = " / ".join(watermarks)[: self.limits.max_unit_chars]
        doc.signatures = self._signatures(root_part, body)
        return doc

    def _page(self, document_part: str, page_part: str, templates: dict[str, etree._Element],
              resources: Resources, default_box: list[float]) -> tuple[PageReader, list[float]]:
        """The drawing of one page: its template pages behind (Background) and in front (Foreground) of
        its own layers, each content part drawn once however the parts name each other."""
        package = self.package
        page = package.xml(page_part)
        page_resources = self._resources(page_part, children(page, "PageRes"), resources)
        reader = PageReader(page_resources, self.limits)
        drawn = {page_part}
        behind, in_front = [], []
        for use in children(page, "Template"):
            template = templates.get((use.get("TemplateID") or "").strip())
            if template is None:
                raise NotExamined("corrupt", f"template {use.get('TemplateID')} is not declared")
            part = package.resolve(document_part, template.get("BaseLoc") or "")
            if part in drawn:
                continue
            drawn.add(part)
            order = use.get("ZOrder") or template.get("ZOrder") or "Background"
            (in_front if order == "Foreground" else behind).append(package.xml(part))
        for layers in (*behind, page, *in_front):
            reader.layers(layers)
        box = numbers(child_text(child(page, "Area"), "PhysicalBox"), 4) or default_box
        return reader, box

    def _resources(self, naming_part: str, listed: list[etree._Element], inherited: Resources | None = None
                   ) -> Resources:
        """The fonts and composite units of the resource parts (``PublicRes``, ``DocumentRes``, ``PageRes``)
        named in ``naming_part``, added to ``inherited`` (a page's resources add to the document's)."""
        found = Resources(dict(inherited.fonts), dict(inherited.units)) if inherited else Resources({}, {})
        for resource in listed:
            try:
                root = self.package.xml(self.package.resolve(naming_part, resource.text or ""))
            except NotExamined as exc:
                if exc.reason != "corrupt":
                    raise  # a limit reached is never passed over
                self.unread_resources.append(Reason(ReasonKind.CORRUPT, f"resources: {exc.detail}"))
                continue
            for font in children(child(root, "Fonts"), "Font"):
                name = (font.get("FontName") or font.get("FamilyName") or "").strip()
                if name:
                    found.fonts[(font.get("ID") or "").strip()] = name
            for unit in children(child(root, "CompositeGraphicUnits"), "CompositeGraphicUnit"):
                found.units.setdefault((unit.get("ID") or "").strip(), unit)
        return found

    def _watermarks(self, document_part: str, document: etree._Element, page: etree._Element) -> list[str]:
        """The text of the page's watermark annotations, read as lines of their own."""
        listed = child_text(document, "Annotations")
        if not listed:
            return []
        package = self.package
        list_part = package.resolve(document_part, listed)
        page_id = (page.get("ID") or "").strip()
        texts = []
        for entry in children(package.xml(list_part), "Page"):
            if (entry.get("PageID") or "").strip() != page_id:
                continue
            annotations = package.xml(package.resolve(list_part, child_text(entry, "FileLoc")))
            for annotation in children(annotations, "Annot"):
                if annotation.get("Type") == "Watermark":
                    # Its own text, object by object: a watermark runs at an angle, not in page lines.
                    texts.extend(watermark_text(appearance) for appearance in children(annotation, "Appearance"))
        return texts

    def _metadata(self, info: etree._Element | None) -> dict[str, str]:
        """``DocInfo`` as properties: its fields as ``info:`` (as in a PDF), keywords joined, and each
        ``CustomData`` (WPS writes ``SecurityLevel``) as ``custom:``."""
        cap = self.limits.max_unit_chars
        properties = {}
        for name in _DOC_INFO:
            value = child_text(info, name)
            if value:
                properties[f"info:{name}"] = value[:cap]
        keywords = [(k.text or "").strip() for k in children(child(info, "Keywords"), "Keyword")]
        if any(keywords):
            properties["info:Keywords"] = "; ".join(k for k in keywords if k)[:cap]
        for item in children(child(info, "CustomDatas"), "CustomData"):
            name = (item.get("Name") or "").strip()
            if name:
                properties[f"custom:{name[:cap]}"] = (item.text or "").strip()[:cap]
        return properties

    def _signatures(self, root_part: str, body: etree._Element) -> int | None:
        """How many signatures and seals ``Signatures.xml`` lists (None: the file names none)."""
        listed = child_text(body, "Signatures")
        if not listed:
            return None
        try:
            return len(children(self.package.xml(self.package.resolve(root_part, listed)), "Signature"))
        except NotExamined:
            return 0  # named but unreadable: no signature marklint could count
