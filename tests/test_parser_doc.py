"""The Word binary reader, unit by unit, on the LibreOffice ``.doc`` fixtures and on copies changed here
byte by byte (a page break character, a fast-saved strike-through)."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import olefile

from marklint.limits import Limits
from marklint.parsers import parse

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "fixtures" / "doc"
sys.path.insert(0, str(ROOT / "fixtures"))

import ole_writer  # noqa: E402 - the fixtures' OLE writer


def read(path: Path):
    return parse(path, path.name, Limits())


def units(path: Path) -> list[tuple[str, int | None, int, str]]:
    return [(u.part, u.page, u.line, u.text) for u in read(path).units]


def streams(name: str) -> dict[str, bytes]:
    with olefile.OleFileIO(DOC / name) as ole:
        return {"/".join(entry): ole.openstream(entry).read() for entry in ole.listdir()}


def test_a_gongwen_reads_as_its_docx_cuts_it() -> None:
    document = read(DOC / "clean_gongwen.doc")
    assert document.format == "doc"
    got = [(u.part, u.page, u.line, u.text, u.align) for u in document.units]
    assert got[:4] == [("body", 1, 1, "000123", "left"), ("body", 1, 2, "机密★5年", "left"),
                       ("body", 1, 3, "特急", "left"), ("body", 1, 4, "江川市人民政府文件", "center")]
    # The footer's page number is a field: its result shows, its instruction (PAGE) does not.
    assert got[-1] == ("footer", 1, 1, "— 2 —", "center")
    marking = document.units[1]
    assert [(s.start, s.end, s.font, s.size, s.struck) for s in marking.spans] == [(0, 5, "黑体", 16.0, False)]
    assert document.units[3].spans[0].color == "FF0000"
    assert (document.geometry.width, document.geometry.height) == (595.3, 841.9)
    assert document.properties["core:created"] == "2026-03-05T09:00:00Z"


def test_header_marking_is_a_header_unit() -> None:
    assert units(DOC / "header_only.doc")[0] == ("header", 1, 1, "机密★5年")
    assert [u for u in units(DOC / "header_conflict.doc") if u[0] == "header"] == [("header", 1, 1, "秘密★1年")]


def test_text_box_follows_its_anchor_on_its_page() -> None:
    assert units(DOC / "clean_textbox.doc")[:3] == [
        ("body", 1, 1, "000123"), ("textbox", 1, 1, "机密★5年"), ("body", 1, 2, "特急")]


def test_a_table_cell_is_one_unit_on_its_rows_line() -> None:
    assert units(DOC / "ml108_field_style.doc")[:5] == [
        ("table", 1, 1, "密级："), ("table", 1, 1, "机密"), ("table", 1, 2, "保密期限："), ("table", 1, 2, "5年"),
        ("body", 1, 1, "知悉范围：局领导班子成员")]


def test_header_and_body_tables_give_the_units_of_their_docx() -> None:
    header = units(DOC / "header_table_marking.doc")
    assert header[:2] == [("header", 1, 1, "机密★10年"), ("header", 1, 1, "江川市财政局")]
    register = [u for u in units(DOC / "level_column_register.doc") if u[0] == "table"]
    assert register[:6] == [("table", 1, 1, "序号"), ("table", 1, 1, "文件名称"), ("table", 1, 1, "密级"),
                            ("table", 1, 1, "保密期限"), ("table", 1, 1, "份数"), ("table", 1, 2, "1")]
    # The same units as the DOCX, but the footers: their page-number field keeps LibreOffice's cached result.
    docx = [(u.part, u.page, u.line, u.text) for name in ("header_table_marking", "level_column_register")
            for u in parse(ROOT / "fixtures" / "docx" / f"{name}.docx", name, Limits()).units if u.part != "footer"]
    assert [u for u in header + units(DOC / "level_column_register.doc") if u[0] != "footer"] == docx


def test_page_break_before_starts_a_page() -> None:
    got = units(DOC / "compilation_cover_lower.doc")
    assert ("body", 2, 1, "机密★10年") in got
    assert [u for u in got if u[3] == "秘密★5年"] == [("body", 1, 1, "秘密★5年")]


def test_struck_and_user_defined_properties() -> None:
    struck = read(DOC / "clean_struck_change.doc").units[1]
    assert struck.text == "秘密★1年\u3000机密★5年"
    assert (struck.is_struck(0, 5), struck.is_struck(6, 11)) == (True, False)
    assert read(DOC / "custom_property_mismatch.doc").properties["custom:密级"] == "秘密"
    wps = read(DOC / "wps_header_marking.wps")
    assert (wps.format, wps.properties["custom:SecurityLevel"]) == ("wps", "机密")


def test_a_page_break_character_starts_a_page(tmp_path: Path) -> None:
    parts = streams("clean_gongwen.doc")
    word = bytearray(parts["WordDocument"])
    at = bytes(word).find("特急\r".encode("utf-16-le"))
    assert at > 0
    struct.pack_into("<H", word, at + 4, 0x0C)  # the paragraph mark after 特急 becomes a page break
    path = tmp_path / "page_break.doc"
    path.write_bytes(ole_writer.write_ole({**parts, "WordDocument": bytes(word)}))
    got = units(path)
    assert got[1:4] == [("body", 1, 2, "机密★5年"), ("body", 1, 3, "特急"), ("body", 2, 1, "江川市人民政府文件")]


def test_a_fast_saved_strike_through_on_the_piece_applies(tmp_path: Path) -> None:
    parts = streams("clean_gongwen.doc")
    word = bytearray(parts["WordDocument"])
    table = parts["1Table"]
    # The FIB's fcClx/lcbClx (FibRgFcLcb97 entry 33); a new Clx with one Prc (sprmCFStrike on) goes at the end
    # of the table stream, and the one piece's Prm names it (fComplex, index 0).
    csw = struct.unpack_from("<H", word, 32)[0]
    lw_at = 32 + 2 + csw * 2
    entry_at = lw_at + 2 + struct.unpack_from("<H", word, lw_at)[0] * 4 + 2 + 33 * 8
    fc, lcb = struct.unpack_from("<II", word, entry_at)
    clx = bytearray(table[fc : fc + lcb])
    struct.pack_into("<H", clx, 1 + 4 + 8 + 6, 1)  # Pcdt, lcb, two CPs, then the PCD's prm
    prc = b"\x01" + struct.pack("<H", 3) + struct.pack("<HB", 0x0837, 1)
    struct.pack_into("<II", word, entry_at, len(table), len(prc) + len(clx))
    path = tmp_path / "fast_saved.doc"
    path.write_bytes(ole_writer.write_ole({**parts, "WordDocument": bytes(word), "1Table": table + prc + bytes(clx)}))
    marking = read(path).units[1]
    assert (marking.text, marking.is_struck()) == ("机密★5年", True)
    assert not read(DOC / "clean_gongwen.doc").units[1].is_struck()


def test_headers_per_section_first_even_odd_and_header_text_box_as_in_docx() -> None:
    """One LibreOffice document saved as .doc and as .docx (fixtures/make_doc.py, SECTIONS): the two readers
    give the same units. The odd header holds a text box with the marking; section 2 starts on page 4."""
    expected = [("header", 1, 1, "首页页眉"), ("header", 2, 1, "偶数页眉"), ("header", 3, 1, "奇数页眉"),
                ("header", 3, 2, "机密★5年"), ("header", 4, 1, "第二节页眉"), ("header", 5, 1, "第二节页眉"),
                ("body", 1, 1, "第一页"), ("body", 2, 1, "第二页"), ("body", 3, 1, "第三页"), ("body", 4, 1, "第二节")]
    samples = ROOT / "tests" / "data" / "doc"
    assert units(samples / "sections.doc") == expected
    assert units(samples / "sections.docx") == expected


def test_an_8_bit_piece_is_cp1252(tmp_path: Path) -> None:
    """A piece stored "compressed" (one byte a character, as Word stores Latin text): cp1252, whose five
    undefined bytes are taken as Latin-1. The one piece of a copy of clean_gongwen.doc is pointed at such
    bytes appended to its WordDocument stream, and the FIB's main text length set to theirs."""
    parts = streams("clean_gongwen.doc")
    word = bytearray(parts["WordDocument"])
    text = b"SECRET \x93quoted\x94 \x81\r"
    at = len(word)
    word += text
    csw = struct.unpack_from("<H", word, 32)[0]
    lw_at = 32 + 2 + csw * 2 + 2
    struct.pack_into("<8i", word, lw_at + 3 * 4, len(text), 0, 0, 0, 0, 0, 0, 0)  # main text only
    entry_at = lw_at + struct.unpack_from("<H", word, lw_at - 2)[0] * 4 + 2 + 33 * 8
    (fc,) = struct.unpack_from("<I", word, entry_at)
    table = bytearray(parts["1Table"])
    pcdt = fc + 1 + 4
    struct.pack_into("<II", table, pcdt, 0, len(text))
    struct.pack_into("<I", table, pcdt + 8 + 2, (at * 2) | 0x40000000)
    path = tmp_path / "latin.doc"
    path.write_bytes(ole_writer.write_ole({**parts, "WordDocument": bytes(word), "1Table": bytes(table)}))
    assert units(path) == [("body", 1, 1, "SECRET “quoted” \x81")]
