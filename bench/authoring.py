"""Fixture documents re-dressed as the authoring tools write them, for the realistic bench corpus.

The fixtures' DOCX carry a trimmed 4 KB ``styles.xml``. A document saved by Word from its default
template carries Word's whole style sheet (python-docx's default document is one: 430 KB ``styles.xml``
with 370 latent styles, 430 KB ``stylesWithEffects.xml``, theme, numbering, font table, web settings);
one saved by WPS carries WPS's custom properties (``KSOProductBuildVer``, ``ICV``) and WPS's own styles
with Chinese names. The body, headers, footers and properties of the fixture stay as they are, so the
document says the same thing; only what the template brings changes. Every document gets one style of
its own (as a user's named style, 公文正文N), so no two files share ``styles.xml`` byte for byte and a
per-process cache of parsed parts cannot stand in for reading them.

PDFs: the fixture PDFs are LibreOffice's own export (``fixtures/make_fixtures.py``). Word's and WPS's
exports are approximated: the same pages, saved again with the Producer and Creator those programs write
(their fonts and structure trees are not reproduced; no Word or WPS runs here).
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
ZIP_TIME = (2026, 3, 5, 9, 0, 0)

#: Parts of Word's default template that a document saved by Word carries besides its own.
WORD_PARTS = {
    "word/stylesWithEffects.xml": ("http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
                                   "application/vnd.ms-word.stylesWithEffects+xml"),
    "word/numbering.xml": (f"{OFFICE_REL}/numbering",
                           "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"),
    "word/theme/theme1.xml": (f"{OFFICE_REL}/theme", "application/vnd.openxmlformats-officedocument.theme+xml"),
    "word/fontTable.xml": (f"{OFFICE_REL}/fontTable",
                           "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"),
    "word/webSettings.xml": (f"{OFFICE_REL}/webSettings",
                             "application/vnd.openxmlformats-officedocument.wordprocessingml.webSettings+xml"),
}
#: Styles WPS writes into every document (id, type, Chinese name), after Word's latent styles.
WPS_STYLES = (
    ("1", "paragraph", "heading 1", "标题 1"), ("2", "paragraph", "heading 2", "标题 2"),
    ("3", "paragraph", "heading 3", "标题 3"), ("4", "character", "Default Paragraph Font", "默认段落字体"),
    ("5", "table", "Normal Table", "普通表格"), ("6", "paragraph", "footer", "页脚"),
    ("7", "paragraph", "header", "页眉"), ("8", "table", "Table Grid", "网格型"),
    ("9", "character", "page number", "页码"), ("10", "paragraph", "Body Text", "正文文本"),
    ("11", "paragraph", "Plain Text", "纯文本"), ("12", "paragraph", "Balloon Text", "批注框文本"),
    ("13", "paragraph", "Date", "日期"), ("14", "paragraph", "Body Text Indent", "正文文本缩进"),
)
WPS_APPLICATION = b"WPS Office_12.1.0.16729_F1E327BC-269C-435d-A152-05C5408002CA"
WPS_CUSTOM = (("KSOProductBuildVer", "2052-12.1.0.16729"), ("ICV", "6E2B4C1F0A9D4E5B8C7A3F21D0E4B9C5_13"))


def w(local: str) -> str:
    return f"{{{W_NS}}}{local}"


def word_template() -> dict[str, bytes]:
    """The parts of python-docx's default document (Word's default template)."""
    import docx

    path = Path(docx.__file__).parent / "templates" / "default.docx"
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _tostring(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _own_style(root: etree._Element, number: int) -> None:
    """A user's named paragraph style, different in every document, as Word and WPS save one."""
    style = etree.SubElement(root, w("style"), {w("type"): "paragraph", w("customStyle"): "1",
                                                w("styleId"): f"GW{number}"})
    etree.SubElement(style, w("name"), {w("val"): f"公文正文{number}"})
    etree.SubElement(style, w("basedOn"), {w("val"): "Normal"})
    etree.SubElement(style, w("qFormat"))
    ppr = etree.SubElement(style, w("pPr"))
    etree.SubElement(ppr, w("ind"), {w("firstLineChars"): "200", w("firstLine"): "640"})
    rpr = etree.SubElement(style, w("rPr"))
    etree.SubElement(rpr, w("rFonts"), {w("ascii"): "仿宋_GB2312", w("eastAsia"): "仿宋_GB2312"})
    etree.SubElement(rpr, w("sz"), {w("val"): str(32 + number % 2)})


def merged_styles(template_styles: bytes, fixture_styles: bytes, number: int, wps: bool) -> bytes:
    """The template's whole style sheet with the fixture's docDefaults and styles in place of the template's
    (so every run looks as in the fixture), plus the document's own style."""
    root = etree.fromstring(template_styles)
    own = etree.fromstring(fixture_styles)
    defaults, own_defaults = root.find(w("docDefaults")), own.find(w("docDefaults"))
    if defaults is not None and own_defaults is not None:
        defaults.getparent().replace(defaults, own_defaults)
    by_id = {style.get(w("styleId")): style for style in root.iterchildren(w("style"))}
    for style in own.iterchildren(w("style")):
        found = by_id.get(style.get(w("styleId")))
        if found is not None:
            root.replace(found, style)
        else:
            root.append(style)
    if wps:
        for style_id, kind, name, chinese in WPS_STYLES:
            style = etree.SubElement(root, w("style"), {w("type"): kind, w("styleId"): f"WPS{style_id}"})
            etree.SubElement(style, w("name"), {w("val"): name})
            etree.SubElement(style, w("uiPriority"), {w("val"): "99"})
            etree.SubElement(style, w("unhideWhenUsed"))
            rpr = etree.SubElement(style, w("rPr"))
            etree.SubElement(rpr, w("rFonts"), {w("hint"): "eastAsia"})
            etree.SubElement(style, w("aliases"), {w("val"): chinese})
    _own_style(root, number)
    return _tostring(root)


def _add_part(members: dict[str, bytes], name: str, rel_type: str, content_type: str) -> None:
    rels = etree.fromstring(members["word/_rels/document.xml.rels"])
    target = os.path.relpath(name, "word")
    if not any(rel.get("Target") == target for rel in rels):
        ids = {rel.get("Id") for rel in rels}
        rel_id = next(f"rId{n}" for n in range(100, 200) if f"rId{n}" not in ids)
        etree.SubElement(rels, f"{{{REL_NS}}}Relationship", Id=rel_id, Type=rel_type, Target=target)
        members["word/_rels/document.xml.rels"] = _tostring(rels)
    types = etree.fromstring(members["[Content_Types].xml"])
    if not any(o.get("PartName") == f"/{name}" for o in types.iterchildren(f"{{{CT_NS}}}Override")):
        etree.SubElement(types, f"{{{CT_NS}}}Override", PartName=f"/{name}", ContentType=content_type)
        members["[Content_Types].xml"] = _tostring(types)


def _wps_custom(members: dict[str, bytes]) -> None:
    """WPS's custom properties, after any the document has."""
    existing = members.get("docProps/custom.xml")
    if existing is not None:
        root = etree.fromstring(existing)
    else:
        root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
        package_rels = etree.fromstring(members["_rels/.rels"])
        etree.SubElement(package_rels, f"{{{REL_NS}}}Relationship", Id="rId91",
                         Type=f"{OFFICE_REL}/custom-properties", Target="docProps/custom.xml")
        members["_rels/.rels"] = _tostring(package_rels)
        types = etree.fromstring(members["[Content_Types].xml"])
        etree.SubElement(types, f"{{{CT_NS}}}Override", PartName="/docProps/custom.xml",
                         ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml")
        members["[Content_Types].xml"] = _tostring(types)
    pid = 2 + len(root)
    for name, value in WPS_CUSTOM:
        prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property", fmtid=CUSTOM_FMTID, pid=str(pid), name=name)
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
        pid += 1
    members["docProps/custom.xml"] = _tostring(root)


def dressed_docx(source: Path, number: int, tool: str, template: dict[str, bytes]) -> bytes:
    """The fixture DOCX ``source`` as ``tool`` ("word" or "wps") would have saved it; ``number`` makes its
    own style (and so its styles.xml) unique."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    wps = tool == "wps"
    members["word/styles.xml"] = merged_styles(template["word/styles.xml"], members["word/styles.xml"], number, wps)
    for name, (rel_type, content_type) in WORD_PARTS.items():
        if wps and name == "word/stylesWithEffects.xml":
            continue  # WPS does not write it
        if name not in members:
            members[name] = template[name]
        _add_part(members, name, rel_type, content_type)
    if wps:
        _wps_custom(members)
        app = members.get("docProps/app.xml", b"")
        members["docProps/app.xml"] = app.replace(b"Microsoft Office Word", WPS_APPLICATION)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in ["[Content_Types].xml", *sorted(n for n in members if n != "[Content_Types].xml")]:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, members[name])
    return out.getvalue()


#: What Word's and WPS's PDF export write as Producer and Creator.
PDF_PRODUCERS = {
    "word": ("Microsoft® Word 2016", "Microsoft® Word 2016"),
    "wps": ("WPS 文字", "WPS 文字"),
}


def relabelled_pdf(source: Path, tool: str, target: Path) -> None:
    """The fixture PDF saved again with ``tool``'s Producer and Creator (its other Info entries kept)."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(source)
    writer = PdfWriter(clone_from=reader)
    producer, creator = PDF_PRODUCERS[tool]
    info = {key: value for key, value in (reader.metadata or {}).items() if isinstance(value, str)}
    info.update({"/Producer": producer, "/Creator": creator})
    writer.add_metadata(info)
    with open(target, "wb") as handle:
        writer.write(handle)
