"""The DOCX parser on small documents built here (python-docx, then XML edits where it cannot reach).

Every test states the exact units, spans, properties or refusal it expects."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips
from lxml import etree

from marklint.errors import REASONS, NotExamined
from marklint.limits import Limits
from marklint.model import Document, PageGeometry, StyleSpan
from marklint.parsers import docx as docx_parser

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    f'xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
SONGTI = "宋体"  # python-docx's template: docDefaults say minorEastAsia, its theme's Hans font is 宋体


# -- building documents --------------------------------------------------------------------------
def save(document: docx.document.Document, tmp_path: Path, name: str = "doc.docx") -> Path:
    path = tmp_path / name
    document.save(str(path))
    return path


def rewrite(path: Path, changes: dict, name: str | None = None) -> Path:
    """Copy the ZIP with members replaced (bytes), transformed (callable on bytes) or removed (None)."""
    out = path.with_name(name or f"edited-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            change = changes.get(item.filename, ...)
            if change is None:
                continue
            data = source.read(item.filename)
            if callable(change):
                data = change(data)
            elif change is not ...:
                data = change
            target.writestr(item.filename, data)
        for member, data in changes.items():
            if member not in source.namelist() and isinstance(data, bytes):
                target.writestr(member, data)
    return out


def with_body(path: Path, *fragments: str, keep: bool = True) -> Path:
    """Add XML fragments (written without namespace declarations) at the end of the body, or
    replace the body's content with them when ``keep`` is False. The final sectPr stays."""

    def edit(data: bytes) -> bytes:
        root = etree.fromstring(data)
        body = root.find(f"{{{W_NS}}}body")
        sectpr = body.find(f"{{{W_NS}}}sectPr")
        if not keep:
            for child in list(body):
                if child is not sectpr:
                    body.remove(child)
        for fragment in fragments:
            for element in etree.fromstring(f"<w:wrapper {NS}>{fragment}</w:wrapper>"):
                sectpr.addprevious(element)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return rewrite(path, {"word/document.xml": edit})


def read(path: Path, limits: Limits | None = None) -> Document:
    return docx_parser.parse(path, "doc.docx", limits or Limits())


def rows(document: Document, parts: tuple[str, ...] = ("body", "table", "textbox", "header", "footer")):
    return [(u.part, u.page, u.line, u.text) for u in document.units if u.part in parts]


def refusal(path: Path, limits: Limits | None = None) -> tuple[str, str]:
    with pytest.raises(NotExamined) as caught:
        read(path, limits)
    return caught.value.reason, caught.value.detail


def east_asian_font(element, name: str) -> None:
    """Set w:eastAsia on the rFonts of a run or style element (python-docx has no API for it)."""
    element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def text_box_run(text: str) -> str:
    """A run holding one text box the way Word stores it: DrawingML Choice plus a VML Fallback copy."""
    content = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:txbx>{content}</wps:txbx></wps:wsp></a:graphicData></a:graphic>"
        "</wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def p(*runs: str, ppr: str = "") -> str:
    """A paragraph fragment; plain strings become runs of text."""
    inner = "".join(run if run.startswith("<") else f"<w:r><w:t>{run}</w:t></w:r>" for run in runs)
    return f"<w:p>{ppr and f'<w:pPr>{ppr}</w:pPr>'}{inner}</w:p>"


# -- body text, reading order, pages ---------------------------------------------------------------
def test_units_in_reading_order_with_lines_tables_and_pages(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("000001")
    marking = document.add_paragraph()
    marking.add_run("机密")
    marking.add_run("★5年")
    document.add_paragraph("")  # an empty paragraph is no unit and takes no line number
    lines = document.add_paragraph()
    lines.add_run("第一行").add_break()
    lines.add_run("第二行")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "密级："
    table.cell(0, 1).text = "机密"
    document.add_page_break()
    document.add_paragraph("正文")
    result = read(save(document, tmp_path))
    assert rows(result) == [
        ("body", 1, 1, "000001"),
        ("body", 1, 2, "机密★5年"),
        ("body", 1, 3, "第一行"),
        ("body", 1, 4, "第二行"),
        ("table", 1, 1, "密级："),  # each cell its own unit, the cells of a row on one line
        ("table", 1, 1, "机密"),
        ("body", 2, 1, "正文"),
    ]
    assert result.format == "docx" and result.path == "doc.docx" and result.no_text is False


def test_page_breaks_hard_rendered_before_and_section(tmp_path: Path) -> None:
    path = with_body(
        save(docx.Document(), tmp_path),
        p("第一页", ppr="<w:pageBreakBefore/>"),  # nothing before it: no blank page
        p('<w:r><w:br w:type="page"/></w:r>'),
        p("<w:r><w:lastRenderedPageBreak/><w:t>第二页</w:t></w:r>"),  # the same break Word rendered
        p("<w:r><w:t>跨页前</w:t><w:lastRenderedPageBreak/><w:t>跨页后</w:t></w:r>"),
        p("第四页", ppr="<w:pageBreakBefore/>"),
        p("连续节", ppr='<w:sectPr><w:type w:val="continuous"/></w:sectPr>'),
        p("节末", ppr="<w:sectPr/>"),
        p("第五页"),
        p("不分页", ppr='<w:pageBreakBefore w:val="0"/>'),
        keep=False,
    )
    assert rows(read(path)) == [
        ("body", 1, 1, "第一页"),
        ("body", 2, 1, "第二页"),
        ("body", 2, 2, "跨页前"),
        ("body", 3, 1, "跨页后"),
        ("body", 4, 1, "第四页"),
        ("body", 4, 2, "连续节"),
        ("body", 4, 3, "节末"),
        ("body", 5, 1, "第五页"),
        ("body", 5, 2, "不分页"),
    ]


def test_deleted_hidden_and_inserted_text(tmp_path: Path) -> None:
    path = with_body(
        save(docx.Document(), tmp_path),
        p(
            '<w:del w:id="1" w:author="a"><w:r><w:delText>绝密</w:delText></w:r></w:del>',
            '<w:ins w:id="2" w:author="a"><w:r><w:t>机密</w:t></w:r></w:ins>',
            "<w:r><w:rPr><w:vanish/></w:rPr><w:t>秘密</w:t></w:r>",
            '<w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t>★</w:t></w:r>',
            "<w:r><w:t>5</w:t><w:tab/><w:t>年</w:t><w:noBreakHyphen/></w:r>",
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>',
        ),
        keep=False,
    )
    assert rows(read(path)) == [("body", 1, 1, "机密★5\t年-")]


def test_content_controls_alternate_content_and_symbols(tmp_path: Path) -> None:
    path = with_body(
        save(docx.Document(), tmp_path),
        '<w:sdt><w:sdtPr><w:alias w:val="密级"/></w:sdtPr><w:sdtContent>'
        + p("机密★1年")
        + "<w:sdt><w:sdtContent>"
        + p("嵌套控件")
        + "</w:sdtContent></w:sdt>"
        + "</w:sdtContent></w:sdt>",
        p("密级：", "<w:sdt><w:sdtContent><w:r><w:t>秘密</w:t></w:r></w:sdtContent></w:sdt>"),
        # Block-level AlternateContent: only its Choice is read.
        '<mc:AlternateContent><mc:Choice Requires="w14">'
        + p("选择分支")
        + "</mc:Choice><mc:Fallback>"
        + p("后备分支")
        + "</mc:Fallback></mc:AlternateContent>",
        p('<w:r><w:sym w:font="Wingdings" w:char="F0AB"/><w:sym w:char="D800"/><w:sym w:char="2605"/></w:r>'),
        keep=False,
    )
    assert rows(read(path)) == [
        ("body", 1, 1, "机密★1年"),
        ("body", 1, 2, "嵌套控件"),
        ("body", 1, 3, "密级：秘密"),
        ("body", 1, 4, "选择分支"),
        ("body", 1, 5, "\uf0ab★"),
    ]


def test_alignment_and_indent_direct_and_from_style(tmp_path: Path) -> None:
    document = docx.Document()
    style = document.styles.add_style("版头", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.paragraph_format.left_indent = Twips(640)
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph("居中").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("样式缩进", style="版头")
    document.add_paragraph("直接缩进", style="版头").paragraph_format.left_indent = Twips(320)
    path = with_body(save(document, tmp_path), p("起始", ppr='<w:jc w:val="start"/><w:ind w:start="200"/>'))
    assert [(u.text, u.align, u.indent) for u in read(path).units] == [
        ("居中", "center", None),
        ("样式缩进", "right", 32.0),
        ("直接缩进", "right", 16.0),
        ("起始", "left", 10.0),
    ]


# -- style spans ---------------------------------------------------------------------------------
def test_split_run_marking_with_direct_formatting(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    for text in ("机密", "★5年"):
        run = paragraph.add_run(text)
        run.font.size = Pt(16)
        east_asian_font(run._element, "黑体")
    mixed = document.add_paragraph()
    heiti = mixed.add_run("机密")
    east_asian_font(heiti._element, "黑体")
    heiti.font.size = Pt(16)
    mixed.add_run("★5年")
    units = read(save(document, tmp_path)).units
    assert units[0].text == "机密★5年"
    assert units[0].spans == (StyleSpan(0, 5, "黑体", 16.0, False, None),)
    assert units[1].spans == (
        StyleSpan(0, 2, "黑体", 16.0, False, None),
        StyleSpan(2, 5, SONGTI, 11.0, False, None),
    )


def test_split_run_marking_formatted_by_styles(tmp_path: Path) -> None:
    document = docx.Document()
    marking = document.styles.add_style("密级标志", WD_STYLE_TYPE.PARAGRAPH)
    marking.base_style = document.styles["Normal"]
    marking.font.size = Pt(16)
    east_asian_font(marking.element, "黑体")
    red = document.styles.add_style("红色密级", WD_STYLE_TYPE.PARAGRAPH)
    red.base_style = marking  # inherits 黑体 16pt through basedOn
    red.font.color.rgb = RGBColor(0xFF, 0x00, 0x00)
    bigger = document.styles.add_style("加大", WD_STYLE_TYPE.CHARACTER)
    bigger.font.size = Pt(22)
    first = document.add_paragraph(style="密级标志")
    first.add_run("机密")
    first.add_run("★5年")
    second = document.add_paragraph(style="红色密级")
    second.add_run("秘密")
    second.add_run("★1年", style="加大")
    units = read(save(document, tmp_path)).units
    assert units[0].spans == (StyleSpan(0, 5, "黑体", 16.0, False, None),)
    assert units[1].spans == (
        StyleSpan(0, 2, "黑体", 16.0, False, "FF0000"),
        StyleSpan(2, 5, "黑体", 22.0, False, "FF0000"),
    )


def test_east_asian_font_precedence_theme_and_ascii_fallback(tmp_path: Path) -> None:
    path = with_body(
        save(docx.Document(), tmp_path),
        # A run's w:ascii does not override the East Asian font inherited from docDefaults.
        p('<w:r><w:rPr><w:rFonts w:ascii="Arial"/></w:rPr><w:t>甲</w:t></w:r>'),
        # A theme attribute wins over the name beside it.
        p(
            '<w:r><w:rPr><w:rFonts w:eastAsia="仿宋" w:eastAsiaTheme="majorEastAsia"/></w:rPr>',
            "<w:t>乙</w:t></w:r>",
        ),
        keep=False,
    )

    def set_fonts(data: bytes) -> bytes:
        return data.replace('<a:font script="Hant" typeface="新細明體"/>'.encode(), b"", 1).replace(
            '<a:font script="Hans" typeface="宋体"/>'.encode(),
            '<a:font script="Hans" typeface="黑体"/>'.encode(),
            1,
        )  # the first occurrences are in the major font scheme

    themed = rewrite(path, {"word/theme/theme1.xml": set_fonts}, "themed.docx")
    assert [u.spans[0].font for u in read(themed).units] == [SONGTI, "黑体"]
    no_defaults = rewrite(
        path,
        {"word/styles.xml": lambda data: data.replace(b'w:eastAsiaTheme="minorEastAsia"', b"", 1)},
        "no-defaults.docx",
    )
    assert [u.spans[0].font for u in read(no_defaults).units] == ["Arial", SONGTI]
    traditional = rewrite(
        path,
        {"word/settings.xml": lambda data: data.replace(b'w:eastAsia="ja-JP"', b'w:eastAsia="zh-TW"')},
        "zh-tw.docx",
    )
    assert [u.spans[0].font for u in read(traditional).units] == ["新細明體", "新細明體"]


def test_struck_through_runs(tmp_path: Path) -> None:
    document = docx.Document()
    struck_style = document.styles.add_style("删除线", WD_STYLE_TYPE.CHARACTER)
    struck_style.font.strike = True
    document.add_paragraph().add_run("机密★5年").font.strike = True
    partly = document.add_paragraph()
    partly.add_run("机密").font.strike = True
    partly.add_run("★5年")
    double = document.add_paragraph().add_run("秘密★1年")
    double.font.double_strike = True
    unstruck = document.add_paragraph().add_run("绝密★30年", style="删除线")
    unstruck.font.strike = False  # writes w:strike w:val="0" over the style's strike
    document.add_paragraph().add_run("机密★10年", style="删除线")
    units = read(save(document, tmp_path)).units
    assert [(u.is_struck(), u.is_struck(0, 2)) for u in units] == [
        (True, True),
        (False, True),
        (True, True),
        (False, False),
        (True, True),
    ]


# -- tables and text boxes -----------------------------------------------------------------------
def test_table_cells_are_units_of_their_row_with_their_spans(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "密级："
    level = table.cell(0, 1).paragraphs[0].add_run("机密")
    level.font.color.rgb = RGBColor(0xFF, 0, 0)
    table.cell(0, 1).add_paragraph("★5年")
    inner = table.cell(1, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "保密期限："
    inner.cell(0, 1).text = "5年"
    table.cell(1, 1).text = "外层"
    result = read(save(document, tmp_path))
    assert rows(result) == [
        ("table", 1, 1, "密级："),
        ("table", 1, 1, "机密 ★5年"),  # a cell's paragraphs joined by a space
        ("table", 1, 2, "外层"),
        ("table", 1, 3, "保密期限："),
        ("table", 1, 3, "5年"),
    ]
    assert result.units[1].spans == (
        StyleSpan(0, 2, SONGTI, 11.0, False, "FF0000"),
        StyleSpan(3, 6, SONGTI, 11.0, False, None),
    )


def test_text_box_is_read_once_after_its_anchor(tmp_path: Path) -> None:
    path = with_body(
        save(docx.Document(), tmp_path),
        p("标题"),
        p("锚定段落", text_box_run("机密★10年"), "之后"),
        # A VML-only box (no AlternateContent) counts once too.
        p(
            "<w:r><w:pict><v:shape><v:textbox><w:txbxContent>"
            + p("秘密★1年")
            + p("第二段")
            + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        ),
        p('<w:r><w:br w:type="page"/></w:r>', "第二页", text_box_run("绝密★30年")),
        keep=False,
    )
    assert rows(read(path)) == [
        ("body", 1, 1, "标题"),
        ("body", 1, 2, "锚定段落之后"),
        ("textbox", 1, 1, "机密★10年"),
        ("textbox", 1, 2, "秘密★1年"),
        ("textbox", 1, 3, "第二段"),
        ("body", 2, 1, "第二页"),
        ("textbox", 2, 1, "绝密★30年"),
    ]


# -- headers and footers -------------------------------------------------------------------------
def header_document(title_page: bool, even_and_odd: bool) -> docx.document.Document:
    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True  # creates the first-page parts
    section.first_page_header.paragraphs[0].text = "机密★5年"
    section.first_page_header.add_paragraph("首页第二行")
    section.header.paragraphs[0].text = "默认页眉"
    section.footer.paragraphs[0].text = "默认页脚"
    section.even_page_header.paragraphs[0].text = "偶数页眉"
    section.different_first_page_header_footer = title_page
    document.settings.odd_and_even_pages_header_footer = even_and_odd
    document.add_paragraph("正文")
    return document


@pytest.mark.parametrize(
    ("title_page", "even_and_odd", "expected"),
    [
        (False, False, [("header", 1, 1, "默认页眉"), ("footer", 1, 1, "默认页脚")]),
        (
            True,
            False,
            [
                ("header", 1, 1, "机密★5年"),
                ("header", 1, 2, "首页第二行"),
                ("header", 2, 1, "默认页眉"),
                ("footer", 2, 1, "默认页脚"),
            ],
        ),
        (
            False,
            True,
            [("header", 1, 1, "默认页眉"), ("header", 2, 1, "偶数页眉"), ("footer", 1, 1, "默认页脚")],
        ),
    ],
)
def test_headers_render_only_where_the_settings_say(
    tmp_path: Path, title_page: bool, even_and_odd: bool, expected: list
) -> None:
    result = read(save(header_document(title_page, even_and_odd), tmp_path))
    assert rows(result, ("header", "footer")) == expected
    assert rows(result, ("body",)) == [("body", 1, 1, "正文")]


def test_header_text_box_is_header_and_later_sections_add_new_parts_only(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("第一节")
    first = document.sections[0]
    first.header.paragraphs[0].text = "页眉"
    header_part = first.header.part.partname.lstrip("/")
    second = document.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "第二节页眉"
    document.add_paragraph("第二节")
    path = save(document, tmp_path)

    def add_box(data: bytes) -> bytes:
        return data.replace(b"</w:hdr>", f"<w:p {NS}>{text_box_run('机密★5年')}</w:p></w:hdr>".encode())

    result = read(rewrite(path, {header_part: add_box}))
    assert rows(result) == [
        ("header", 1, 1, "页眉"),
        ("header", 1, 2, "机密★5年"),
        ("header", 2, 1, "第二节页眉"),
        ("body", 1, 1, "第一节"),
        ("body", 2, 1, "第二节"),
    ]


# -- which body units are kept ---------------------------------------------------------------------
def test_long_body_keeps_first_page_head_tail_and_short_markings(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("标题")
    document.add_paragraph("机密★5年")
    document.add_paragraph("第一页第三段")
    for page in range(2, 9):
        document.add_page_break()
        document.add_paragraph(f"第{page}页正文")
        if page == 5:
            document.add_paragraph("秘密★1年")
            document.add_paragraph("密" * 61)  # too long to be a marking
            document.add_paragraph("解密")
    document.add_paragraph("2024年5月1日")
    document.add_paragraph("印发")
    limits = Limits(max_body_units_kept=4, max_tail_units_kept=2)
    assert rows(read(save(document, tmp_path), limits)) == [
        ("body", 1, 1, "标题"),
        ("body", 1, 2, "机密★5年"),
        ("body", 1, 3, "第一页第三段"),
        ("body", 2, 1, "第2页正文"),
        ("body", 5, 2, "秘密★1年"),
        ("body", 5, 4, "解密"),
        ("body", 8, 2, "2024年5月1日"),
        ("body", 8, 3, "印发"),
    ]


def test_long_unit_is_cut_with_its_spans(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("机密★5年")
    paragraph.add_run("正" * 20).font.size = Pt(16)
    unit = read(save(document, tmp_path), Limits(max_unit_chars=8)).units[0]
    assert unit.text == "机密★5年正正正"
    assert unit.spans == (
        StyleSpan(0, 5, SONGTI, 11.0, False, None),
        StyleSpan(5, 8, SONGTI, 16.0, False, None),
    )


# -- properties and geometry -----------------------------------------------------------------------
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
CUSTOM_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    f'<property fmtid="{FMTID}" pid="2" name="密级"><vt:lpwstr>机密</vt:lpwstr></property>'
    f'<property fmtid="{FMTID}" pid="3" name="SecurityLevel"><vt:lpwstr>SECRET</vt:lpwstr></property>'
    f'<property fmtid="{FMTID}" pid="4" name="已审核"><vt:bool>true</vt:bool></property>'
    "</Properties>"
).encode()
LABEL_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<clbl:labelList xmlns:clbl="http://schemas.microsoft.com/office/2020/mipLabelMetadata">'
    b'<clbl:label id="{11111111-2222-3333-4444-555555555555}" enabled="1" method="Privileged" '
    b'siteId="{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}" removed="0"/></clbl:labelList>'
)


def test_document_properties(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "关于印发某办法的通知"
    document.core_properties.category = "机密"
    path = rewrite(
        save(document, tmp_path),
        {
            "docProps/custom.xml": CUSTOM_XML,
            "docMetadata/LabelInfo.xml": LABEL_XML,
            "docProps/app.xml": lambda data: data.replace(b"<Pages>1</Pages>", b"<Pages>7</Pages>"),
        },
    )
    result = read(path)
    props = result.properties
    assert {k: v for k, v in props.items() if k.startswith(("custom:", "label:", "app:"))} == {
        "custom:密级": "机密",
        "custom:SecurityLevel": "SECRET",
        "custom:已审核": "true",
        "app:Pages": "7",
        "label:0:id": "{11111111-2222-3333-4444-555555555555}",
        "label:0:enabled": "1",
        "label:0:method": "Privileged",
        "label:0:siteId": "{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}",
        "label:0:removed": "0",
    }
    assert (props["core:title"], props["core:category"], "core:subject" in props) == (
        "关于印发某办法的通知",
        "机密",
        False,  # empty in the template: not reported
    )
    assert result.page_count == 7


def test_geometry_from_first_section(tmp_path: Path) -> None:
    document = docx.Document()
    first = document.sections[0]
    first.page_width, first.page_height = Twips(11906), Twips(16838)
    first.top_margin, first.left_margin = Twips(2098), Twips(1587)
    document.add_paragraph("第一节")
    landscape = document.add_section()
    landscape.page_width, landscape.page_height = Twips(16838), Twips(11906)
    document.add_paragraph("第二节")
    assert read(save(document, tmp_path)).geometry == PageGeometry(595.3, 841.9)


# -- refusals and robustness -----------------------------------------------------------------------
def test_dtd_in_any_part_is_refused(tmp_path: Path) -> None:
    path = save(docx.Document(), tmp_path)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    )

    def add_dtd(data: bytes) -> bytes:
        return laughs + data.split(b"?>", 1)[1]

    assert refusal(rewrite(path, {"word/document.xml": add_dtd}, "a.docx")) == (
        "corrupt",
        "DTD in word/document.xml",
    )
    assert refusal(rewrite(path, {"word/styles.xml": add_dtd}, "b.docx")) == (
        "corrupt",
        "DTD in word/styles.xml",
    )
    external = b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd">'
    assert refusal(
        rewrite(path, {"docProps/core.xml": lambda d: external + d.split(b"?>", 1)[1]}, "c.docx")
    ) == (
        "corrupt",
        "DTD in docProps/core.xml",
    )


def test_size_limits_are_enforced(tmp_path: Path) -> None:
    # A body larger than the template's 349 kB styles.xml, so it is the first part over the limit.
    small = save(docx.Document(), tmp_path)
    path = with_body(small, "".join(p(f"第{n}段正文") for n in range(12000)))
    with zipfile.ZipFile(path) as archive:
        size = archive.getinfo("word/document.xml").file_size
        styles_size = archive.getinfo("word/styles.xml").file_size
        members = len(archive.infolist())
    assert size > styles_size
    assert refusal(path, Limits(max_member_bytes=size - 1)) == (
        "over a safety limit",
        f"word/document.xml is {size} bytes uncompressed",
    )
    assert refusal(path, Limits(max_zip_members=members - 1)) == (
        "over a safety limit",
        f"{members} ZIP members",
    )
    assert refusal(path, Limits(max_total_bytes=size)) == (
        "over a safety limit",
        "total uncompressed size of the parts read",
    )
    spaces = b" " * (2 * 1024 * 1024)  # 2 MiB that deflate squeezes far beyond 200:1
    padded = rewrite(
        small, {"word/document.xml": lambda data: data.replace(b"<w:body>", b"<w:body>" + spaces)}
    )
    assert refusal(padded) == ("over a safety limit", "word/document.xml compression ratio")


def test_xml_depth_limit(tmp_path: Path) -> None:
    path = save(docx.Document(), tmp_path)
    nested = "<w:p>" + "<w:customXml>" * 300 + "<w:r><w:t>深</w:t></w:r>" + "</w:customXml>" * 300 + "</w:p>"
    deep = rewrite(
        path, {"word/document.xml": lambda data: data.replace(b"<w:body>", b"<w:body>" + nested.encode())}
    )
    assert refusal(deep) == ("over a safety limit", "XML depth")
    shallow = with_body(path, p("<w:customXml>" * 20 + "<w:r><w:t>浅</w:t></w:r>" + "</w:customXml>" * 20))
    assert [u.text for u in read(shallow).units] == ["浅"]
    assert refusal(shallow, Limits(max_xml_depth=20)) == ("over a safety limit", "XML depth")


def test_corrupt_and_foreign_zips(tmp_path: Path) -> None:
    path = save(docx.Document(), tmp_path)
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(path.read_bytes()[:5000])
    assert refusal(truncated) == ("corrupt", "bad ZIP archive")
    broken_xml = rewrite(path, {"word/document.xml": lambda d: d.replace(b"</w:body>", b"")}, "broken.docx")
    assert refusal(broken_xml) == ("corrupt", "XML syntax error in word/document.xml")
    workbook = tmp_path / "book.xlsx"
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert refusal(workbook) == ("unsupported format", "Excel workbook")
    odt = tmp_path / "text.odt"
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    assert refusal(odt) == ("unsupported format", "OpenDocument text")
    misdirected = rewrite(
        path, {"word/document.xml": b"<?xml version='1.0'?><workbook/>"}, "misdirected.docx"
    )
    assert refusal(misdirected) == ("unsupported format", "Office Open XML package without a Word document")


def test_damaged_files_only_ever_raise_not_examined(tmp_path: Path) -> None:
    """Random byte damage and random XML restructuring: a Document or a NotExamined, nothing else."""
    document = header_document(True, True)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "密级："
    table.cell(0, 1).text = "机密"
    path = with_body(save(document, tmp_path), p("锚", text_box_run("机密★1年")))
    original = path.read_bytes()
    rng = random.Random(20240501)
    outcomes = {"document": 0, "refused": 0}
    for attempt in range(120):
        damaged = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        target = tmp_path / f"bytes-{attempt}.docx"
        target.write_bytes(bytes(damaged))
        outcomes[_outcome(target)] += 1
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml")
    for attempt in range(80):
        root = etree.fromstring(xml)
        elements = list(root.iter())[1:]
        for _ in range(rng.randint(1, 6)):
            moved, host = rng.choice(elements), rng.choice(elements)
            if moved is not host and host not in moved.iterdescendants():
                host.insert(rng.randint(0, len(host)), moved)
        shuffled = rewrite(path, {"word/document.xml": etree.tostring(root)}, f"xml-{attempt}.docx")
        outcomes[_outcome(shuffled)] += 1
    assert outcomes["document"] > 0 and outcomes["refused"] > 0
    assert sum(outcomes.values()) == 200


def _outcome(path: Path) -> str:
    try:
        result = read(path)
    except NotExamined as exc:
        assert exc.reason in REASONS
        return "refused"
    assert isinstance(result, Document)
    return "document"


def test_dispatcher_sends_zip_files_here(tmp_path: Path) -> None:
    from marklint.parsers import parse

    document = docx.Document()
    document.add_paragraph("机密★5年")
    result = parse(save(document, tmp_path), "x.docx", Limits())
    assert (result.format, result.path, rows(result)) == ("docx", "x.docx", [("body", 1, 1, "机密★5年")])
