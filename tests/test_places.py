"""Marking places alike in every format (issue 13): rows not units, the line under the title, table cells,
text above and below the type area, blank first pages."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import docx
from docx.shared import Mm

from marklint.analysis import analyse, marking_places
from marklint.limits import DEFAULT_LIMITS
from marklint.model import Document, StyleSpan, TextUnit
from marklint.parsers import docx as docx_parser
from marklint.parsers import fixed_layout, pdf
from marklint.tables import level_columns
from tests.helpers import loaded_pages, rules_for

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def unit(text: str, line: int, size: float = 16, page: int = 1, part: str = "body", color: str | None = None,
         bbox: tuple[float, float, float, float] | None = None) -> TextUnit:
    return TextUnit(text, part, page, line, bbox, (StyleSpan(0, len(text), "SimHei", size, False, color),))


def gongwen_head(*extra: TextUnit) -> list[TextUnit]:
    """A 公文's page 1 without a marking in its 版头: 份号, 特急, 发文机关标志, 发文字号, a two-line title."""
    return [
        unit("000123", 1), unit("特急", 2), unit("江川市人民政府文件", 3, 26, color="FF0000"),
        unit("江府发〔2026〕5号", 4), unit("江川市人民政府关于加强汛期", 5, 22), unit("安全生产工作的通知", 6, 22),
        *extra,
    ]


def test_the_row_under_a_wrapped_title_is_a_place_however_many_rows_come_before() -> None:
    doc = Document("a.pdf", "pdf", gongwen_head(unit("机密★5年", 7), unit("各区人民政府：", 8)))
    places = marking_places(doc)
    assert places.under_title == {6}
    assert 7 not in places.places  # below the row under the title nothing is a marking place


def test_under_the_title_a_gongwen_marking_is_misplaced() -> None:
    doc = Document("a.pdf", "pdf", gongwen_head(unit("机密★5年", 7), unit("2026年3月5日", 8)))
    assert rules_for(doc) == ["ML111"]  # misplaced; the 版头 holds none, so its order is not judged
    assert analyse(doc).markings[0].in_place is False


def test_under_the_title_of_other_documents_a_marking_is_in_place() -> None:
    doc = Document("a.docx", "docx", [unit("江川市水资源调查研究报告", 1, 22), unit("秘密★2年", 2),
                                      unit("2026年3月5日", 3)])
    assert rules_for(doc) == []
    assert analyse(doc).markings[0].in_place is True


def test_without_a_title_the_first_rows_are_the_places_and_a_row_counts_once() -> None:
    # Six rows of two cells each: all twelve cells are places, the seventh row's are not.
    units = [unit(f"第{row}行{cell}", row) for row in range(1, 8) for cell in (1, 2)]
    places = marking_places(Document("a.docx", "docx", units)).places
    assert places == set(range(12))


def test_a_column_of_levels_under_a_heading_is_data() -> None:
    cells = [("序号", "密级", "保密期限"), ("1", "秘密", "10年"), ("2", "机密", "5年")]
    units = [unit(text, row) for row, texts in enumerate(cells, start=1) for text in texts]
    doc = Document("a.docx", "docx", [unit("涉密文件清退登记表", 1, 16, part="body"),
                                      *(replace(u, part="table") for u in units)])
    assert level_columns(doc).data == {5, 8}
    assert analyse(doc).markings == []
    assert rules_for(doc) == []


def test_a_level_over_one_row_is_a_form_and_reads_as_its_fields() -> None:
    cells = [("密级", "保密期限"), ("机密", "5年")]
    units = [unit(text, row, part="table") for row, texts in enumerate(cells, start=1) for text in texts]
    doc = Document("a.docx", "docx", [*units, unit("2026年3月5日", 3)])
    assert level_columns(doc).data == set()
    assert [(m.marking.text, m.marking.canonical) for m in analyse(doc).markings] == [
        ("密级：机密，保密期限：5年", "机密★5年")]
    assert rules_for(doc) == ["ML108"]
    # The same form in a PDF: cells by position, the heading's column by its box.
    boxes = {"密级": (80, 100, 112, 116), "保密期限": (200, 100, 264, 116), "机密": (80, 130, 112, 146),
             "5年": (200, 130, 224, 146)}
    pdf_doc = Document("a.pdf", "pdf", [replace(u, part="body", bbox=boxes[u.text]) for u in units]
                       + [unit("2026年3月5日", 5, bbox=(80, 160, 180, 176))])
    assert rules_for(pdf_doc) == ["ML108"]


def test_a_blank_first_page_moves_the_first_page_places(tmp_path: Path) -> None:
    units = [unit("— 1 —", 1, page=1, part="footer"), unit("000123", 1, page=2), unit("机密★5年", 2, page=2),
             unit("江川市人民政府文件", 3, 26, page=2, color="FF0000")]
    analysis = analyse(Document("a.docx", "docx", units))
    assert analysis.first_page == 2
    assert [(m.unit.page, m.in_place) for m in analysis.markings] == [(2, True)]


def test_docx_header_table_cells_are_units(tmp_path: Path) -> None:
    document = docx.Document()
    header = document.sections[0].header
    table = header.add_table(1, 2, Mm(150))
    table.cell(0, 0).text = "机密★10年"
    table.cell(0, 1).text = "江川市财政局"
    document.add_paragraph("正文")
    path = tmp_path / "h.docx"
    document.save(path)
    doc = docx_parser.parse(path, "h.docx", DEFAULT_LIMITS)
    assert [(u.part, u.line, u.text) for u in doc.units if u.part == "header"] == [
        ("header", 1, "机密★10年"), ("header", 1, "江川市财政局")]


def test_pdf_table_rules_split_cells_the_gap_alone_would_not() -> None:
    doc = pdf.parse(FIXTURES / "pdf" / "level_column_register.pdf", "r.pdf", DEFAULT_LIMITS)
    heading = [u.text for u in doc.units if u.bbox and 170 < u.bbox[1] < 180]
    assert heading == ["序号", "文件名称", "密级", "保密期限", "份数"]  # 序号 and 文件名称 are 11 pt apart


def test_pdf_text_above_and_below_the_type_area_is_header_and_footer() -> None:
    header = pdf.parse(FIXTURES / "pdf" / "first_page_header_gongwen.pdf", "h.pdf", DEFAULT_LIMITS)
    assert [(u.part, u.text) for u in header.units[:2]] == [("header", "机密★5年"), ("body", "000123")]
    footer = pdf.parse(FIXTURES / "pdf" / "first_page_footer_marking.pdf", "f.pdf", DEFAULT_LIMITS)
    assert footer.page_count == 1  # nothing repeats: the place alone says footer
    assert [(u.page, u.text) for u in footer.units if u.part == "footer"] == [(1, "秘密★2年")]
    numbered = pdf.parse(FIXTURES / "pdf" / "blank_first_page_gongwen.pdf", "b.pdf", DEFAULT_LIMITS)
    footers = [(u.page, u.text) for u in numbered.units if u.part == "footer"]
    assert footers == [(1, "— 1 —"), (2, "— 2 —"), (3, "— 3 —")]


def test_pdf_blank_first_pages_are_read_past_up_to_the_limit(monkeypatch) -> None:
    path = FIXTURES / "pdf" / "blank_first_page_gongwen.pdf"
    loaded = loaded_pages(monkeypatch)
    doc = pdf.parse(path, "b.pdf", DEFAULT_LIMITS)
    assert loaded == [0, 1, 2]
    marking = analyse(doc).primary
    assert marking is not None and (marking.marking.text, marking.unit.page, marking.in_place) == ("机密★5年", 2, True)
    unread = pdf.parse(path, "b.pdf", replace(DEFAULT_LIMITS, max_blank_lead_pages=0))
    assert {u.page for u in unread.units} == {1, 3}
    assert analyse(unread).primary is None


def test_pdf_lines_near_the_edge_are_header_only_with_blank_space_below_them() -> None:
    def lines(*tops: float) -> list[TextUnit]:
        return [unit(f"第{n}行", n, bbox=(80, top, 200, top + 16)) for n, top in enumerate(tops, start=1)]

    height = 841.89
    # GB/T 9704: a header at 15 mm, the type area from 37 mm.
    assert [u.part for u in fixed_layout.in_zones(lines(47, 115, 144), height)] == ["header", "body", "body"]
    # Narrow margins (12.7 mm): the body starts near the edge, with no blank band below its first lines.
    assert [u.part for u in fixed_layout.in_zones(lines(36, 56, 76, 96), height)] == ["body"] * 4
    # A page number at the foot of a page, below the type area; a body that runs to the edge has none.
    assert [u.part for u in fixed_layout.in_zones(lines(700, 769), height)] == ["body", "footer"]
    assert [u.part for u in fixed_layout.in_zones(lines(730, 750, 769), height)] == ["body"] * 3
