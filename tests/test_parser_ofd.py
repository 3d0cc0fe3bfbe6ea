"""The OFD reader: the fixtures checked against an independent reader (ofdkit), the reading of text
objects, sniffing, and hostile packages (each a clean ML901/ML903, never a crash or a hang)."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import ofdkit
import pytest

from marklint.config import Settings
from marklint.driver import scan_paths
from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.model import Status, reason_words
from marklint.parsers import UNSUPPORTED_CARRIERS, is_candidate, parse
from marklint.parsers.ofd_text import MM, deltas
from marklint.results import FileResult

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ofd"
OFD_FIXTURES = sorted(FIXTURES.glob("*.ofd"))
NS = "http://www.ofdspec.org/2016"
AS_OF = date(2026, 11, 27)


def read(path: Path, limits: Limits | None = None):
    return parse(path, path.name, limits or Limits())


def result(path: Path) -> FileResult:
    return scan_paths([str(path)], Settings(as_of=AS_OF)).files[0]


# --- the fixtures, read by an independent reader ----------------------------------------------------------------

@pytest.mark.parametrize("path", [p for p in OFD_FIXTURES if p.stem != "glyph_index_only"], ids=lambda p: p.stem)
def test_every_line_marklint_reads_is_what_ofdkit_places_there(path: Path) -> None:
    """ofdkit (its own ZIP and XML reading, CTM, DeltaX and g N v) puts the same characters at the same
    places on each read page as marklint's lines: the writer and the reader share no mistake."""
    doc = read(path)
    with ofdkit.open(path) as other:
        runs = {page.index + 1: page.runs for page in other.pages}
    for unit in doc.units:
        x0, top, x1, bottom = (v / MM for v in unit.bbox)
        chars = []
        for run in runs[unit.page]:
            # A run's y is its baseline; its characters advance by the same steps marklint uses.
            if top <= run.y <= bottom:
                step = run.width / max(len(run.text), 1)
                placed = ((run.x + i * step, c) for i, c in enumerate(run.text))
                chars.extend((x, c) for x, c in placed if x0 - 0.5 <= x < x1)
        seen = "".join(c for _, c in sorted(chars) if not c.isspace())
        assert seen == "".join(unit.text.split()), (unit.page, unit.text)


@pytest.mark.parametrize("path", OFD_FIXTURES, ids=lambda p: p.stem)
def test_metadata_is_what_ofdkit_reads(path: Path) -> None:
    doc = read(path)
    with ofdkit.open(path) as other:
        info = other.info
    custom = {k.removeprefix("custom:"): v for k, v in doc.properties.items() if k.startswith("custom:")}
    assert custom == info.custom_data
    assert doc.properties.get("info:Title") == info.title
    assert doc.properties.get("info:CreationDate") == info.creation_date


def test_the_marking_split_into_four_objects_reads_as_one_line() -> None:
    path = FIXTURES / "clean_gongwen.ofd"
    with zipfile.ZipFile(path) as archive:
        page = archive.read("Doc_0/Pages/Page_0/Content.xml").decode()
    for piece in ("机密<", "★<", ">5<", ">年<"):
        assert piece in page  # four text objects, as OFD writers write them
    doc = read(path)
    assert [(u.text, u.part, u.page, u.line) for u in doc.units[:3]] == [
        ("000123", "body", 1, 1), ("机密★5年", "body", 1, 2), ("特急", "body", 1, 3)]
    assert doc.units[1].spans[0].size == pytest.approx(16.0, abs=0.02)


def test_a_banner_in_a_template_page_is_on_that_page() -> None:
    banner, plain = read(FIXTURES / "template_banner.ofd"), read(FIXTURES / "clean_gongwen.ofd")
    assert [(u.text, u.part, u.page) for u in banner.units] == [(u.text, u.part, u.page) for u in plain.units]
    with ofdkit.open(FIXTURES / "template_banner.ofd") as other:
        from_template = {run.text for run in other.pages[0].runs if run.from_template}
    assert {"机密", "★", "5", "年", "000123"} <= from_template  # ofdkit too finds the 版头 in the template
    marking = result(FIXTURES / "template_banner.ofd").markings
    assert [(m["text"], m["primary"], m["location"]["page"], m["location"]["line"]) for m in marking] == [
        ("机密★5年", True, 1, 2)]


def test_a_watermark_is_read_apart_and_neither_counts_nor_hides() -> None:
    doc = read(FIXTURES / "watermark_annotation.ofd")
    assert doc.properties["annot:Watermark"] == "秘密★1年 内部资料"
    assert all("内部资料" not in u.text for u in doc.units)
    found = result(FIXTURES / "watermark_annotation.ofd")
    assert [(m["text"], m["primary"]) for m in found.markings] == [("机密★5年", True)]
    assert found.findings == []


def test_text_only_through_glyph_indices_is_no_text_layer() -> None:
    with ofdkit.open(FIXTURES / "glyph_index_only.ofd") as other:
        drawn = "".join(run.text for page in other.pages for run in page.runs).replace(" ", "")
    assert drawn and all(0xE000 <= ord(c) <= 0xF8FF for c in drawn)  # ofdkit too sees only private use
    doc = read(FIXTURES / "glyph_index_only.ofd")
    assert (doc.no_text, doc.status, reason_words(doc.reason)) == (True, Status.PARTIAL, "no text layer")
    assert [f.rule for f in result(FIXTURES / "glyph_index_only.ofd").findings] == ["ML902"]


def test_signatures_are_counted_in_the_file_entry_never_read() -> None:
    sealed = result(FIXTURES / "sealed_gongwen.ofd").to_json()
    assert sealed["signatures"] == 1
    assert "signatures" not in result(FIXTURES / "clean_gongwen.ofd").to_json()
    assert all("SignatureMethod" not in u.text for u in read(FIXTURES / "sealed_gongwen.ofd").units)


def test_security_level_custom_data_is_a_label() -> None:
    doc = read(FIXTURES / "security_level_mismatch.ofd")
    assert doc.properties["custom:SecurityLevel"] == "秘密"
    assert [f.rule for f in result(FIXTURES / "security_level_mismatch.ofd").findings] == ["ML114"]


# --- text objects -------------------------------------------------------------------------------------------------

def test_delta_shorthand() -> None:
    assert deltas("g 3 5.6 1 g 2 0.5", 10) == [5.6, 5.6, 5.6, 1.0, 0.5, 0.5]
    assert deltas("g 3 5.6 1", 2) == [5.6, 5.6]
    assert deltas("g 1000000000000 2", 3) == [2.0, 2.0, 2.0]  # a huge count costs nothing
    assert deltas("x 1 nan g", 5) == [1.0]


def _page(objects: str, box: str = "0 0 210 297") -> str:
    return (f'<ofd:Page xmlns:ofd="{NS}"><ofd:Area><ofd:PhysicalBox>{box}</ofd:PhysicalBox></ofd:Area>'
            f'<ofd:Content><ofd:Layer ID="9">{objects}</ofd:Layer></ofd:Content></ofd:Page>')


def make_ofd(tmp_path: Path, pages: list[str], name: str = "made.ofd", parts: dict[str, bytes | str] | None = None,
             document_extra: str = "", page_locations: list[str] | None = None, doc_root: str = "Doc_0/Document.xml",
             common_extra: str = "") -> Path:
    """A small OFD with ``pages`` (Page XML) and one font (ID 1, SimHei)."""
    locations = page_locations or [f"Pages/Page_{n}/Content.xml" for n in range(len(pages))]
    files: dict[str, bytes | str] = {
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{NS}" Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
                   f"<ofd:Title>t</ofd:Title></ofd:DocInfo><ofd:DocRoot>{doc_root}</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 '
                              "297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
                              f"{common_extra}</ofd:CommonData><ofd:Pages>"
                              + "".join(f'<ofd:Page ID="{n + 100}" BaseLoc="{loc}"/>'
                                        for n, loc in enumerate(locations))
                              + f"</ofd:Pages>{document_extra}</ofd:Document>",
        "Doc_0/PublicRes.xml": f'<ofd:Res xmlns:ofd="{NS}"><ofd:Fonts><ofd:Font ID="1" FontName="SimHei"/></ofd:Fonts>'
                               "</ofd:Res>",
    }
    for number, page in enumerate(pages):
        files[f"Doc_0/Pages/Page_{number}/Content.xml"] = page
    files.update(parts or {})
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in files.items():
            archive.writestr(part, data)
    return path


def _text(text: str, x: float, y: float, extra: str = "", size: float = 5.644, ctm: str = "") -> str:
    matrix = f' CTM="{ctm}"' if ctm else ""
    return (f'<ofd:TextObject ID="1" Boundary="{x} {y} 100 10" Font="1" Size="{size}"{matrix}>'
            f'<ofd:TextCode X="0" Y="5"{extra}>{text}</ofd:TextCode></ofd:TextObject>')


def test_spaces_come_from_glyph_gaps_never_from_object_boundaries(tmp_path: Path) -> None:
    s = 5.644
    # Four objects, out of order, whose boundaries leave gaps and overlap; the glyphs touch.
    touching = _page(_text("年", 20 + 4 * s, 40) + _text("★", 20 + 2 * s, 40) + _text("机密", 20, 40, f' DeltaX="{s}"')
                     + _text("5", 20 + 3 * s, 40))
    # One object whose DeltaX leaves a gap of two ems inside it (same font): a space.
    gap = _page(_text("机密★5年", 20, 40, f' DeltaX="{s} {3 * s} {s} {s}"'))
    assert [u.text for u in read(make_ofd(tmp_path, [touching], "a.ofd")).units] == ["机密★5年"]
    assert [u.text for u in read(make_ofd(tmp_path, [gap], "b.ofd")).units] == ["机密 ★5年"]


def test_an_indented_text_code_and_a_code_that_runs_over_two_lines(tmp_path: Path) -> None:
    # One TextCode drawing two lines (a negative DeltaX goes back to the line start, DeltaY down one line),
    # indented in the XML as some writers do.
    s = 5.644
    two_lines = _page(_text("\n    机密★5年特急\n  ", 20, 40, f' DeltaX="g 4 {s} {-4 * s} {s}" DeltaY="g 4 0 10 0"'))
    units = read(make_ofd(tmp_path, [two_lines])).units
    assert [u.text for u in units] == ["机密★5年", "特急"]
    assert units[1].bbox[0] == pytest.approx(units[0].bbox[0], abs=0.01)


def test_delta_y_and_ctm_place_glyphs(tmp_path: Path) -> None:
    # DeltaY moves each glyph down a line: a vertical run reads as one line per glyph.
    vertical = _page(_text("机密", 20, 40, ' DeltaX="0" DeltaY="10"'))
    units = read(make_ofd(tmp_path, [vertical], "v.ofd")).units
    assert [u.text for u in units] == ["机", "密"]
    assert units[1].bbox[1] - units[0].bbox[1] == pytest.approx(10 * MM, abs=0.01)
    # A CTM scales the size: Size 10 times 0.5644 is 16 pt.
    scaled = _page(_text("机密★5年", 20, 40, ' DeltaX="g 4 10"', size=10, ctm="0.5644 0 0 0.5644 0 0"))
    unit = read(make_ofd(tmp_path, [scaled], "s.ofd")).units[0]
    assert unit.text == "机密★5年"
    assert unit.spans[0].size == pytest.approx(16.0, abs=0.01)
    assert unit.bbox[2] - unit.bbox[0] == pytest.approx(5 * 5.644 * MM, abs=0.05)


# --- sniffing -------------------------------------------------------------------------------------------------------

def test_ofd_is_a_read_format() -> None:
    assert is_candidate("通知.OFD")
    assert ".ofd" not in UNSUPPORTED_CARRIERS


def test_sniffed_by_content_whatever_the_name(tmp_path: Path) -> None:
    renamed = tmp_path / "notice.docx"
    renamed.write_bytes((FIXTURES / "clean_gongwen.ofd").read_bytes())
    found = result(renamed)
    assert (found.format, [m["text"] for m in found.markings]) == ("ofd", ["机密★5年"])
    docx_named_ofd = tmp_path / "report.ofd"
    docx_named_ofd.write_bytes((FIXTURES.parent / "docx" / "clean_gongwen.docx").read_bytes())
    assert result(docx_named_ofd).format == "docx"


# --- hostile packages -----------------------------------------------------------------------------------------------

def _verdict(path: Path) -> tuple[str, str | None, list[str]]:
    found = result(path)
    return found.status.value, reason_words(found.reason), [f.rule for f in found.findings]


def test_zip_bomb(tmp_path: Path) -> None:
    bomb = _page("<!-- " + " " * (64 * 1024 * 1024) + " -->")
    path = make_ofd(tmp_path, [bomb])
    assert _verdict(path) == ("not-examined", "over a safety limit: Doc_0/Pages/Page_0/Content.xml compression ratio",
                              ["ML901"])


def test_entity_expansion(tmp_path: Path) -> None:
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
           + _page(_text("&lol2;", 20, 40)))
    assert _verdict(make_ofd(tmp_path, [lol])) == ("not-examined", "corrupt: DTD in Doc_0/Pages/Page_0/Content.xml",
                                                   ["ML901"])


def test_deep_xml(tmp_path: Path) -> None:
    deep = _page("<ofd:PageBlock>" * 300 + _text("机密★5年", 20, 40) + "</ofd:PageBlock>" * 300)
    assert _verdict(make_ofd(tmp_path, [deep])) == ("not-examined", "over a safety limit: XML depth", ["ML901"])


@pytest.mark.parametrize(("doc_root", "reason"), [
    ("../../etc/passwd", "corrupt: part path ../../etc/passwd in OFD.xml leaves the package"),
    ("Doc_0/../../x/Document.xml", "corrupt: part path Doc_0/../../x/Document.xml in OFD.xml leaves the package"),
    ("/etc/passwd", "corrupt: missing part etc/passwd"),
    ("C:\\Windows\\win.ini", "corrupt: part path C:\\Windows\\win.ini in OFD.xml leaves the package"),
])
def test_base_loc_never_leaves_the_package(tmp_path: Path, doc_root: str, reason: str) -> None:
    path = make_ofd(tmp_path, [_page(_text("机密★5年", 20, 40))], doc_root=doc_root)
    assert _verdict(path) == ("not-examined", reason, ["ML901"])


def test_last_page_escaping_is_a_partial_read(tmp_path: Path) -> None:
    page = _page(_text("机密★5年", 20, 40))
    path = make_ofd(tmp_path, [page, page], page_locations=["Pages/Page_0/Content.xml", "../../../outside.xml"])
    status, reason, rules = _verdict(path)
    assert (status, reason) == ("partial", "corrupt: page 2: part path ../../../outside.xml in Doc_0/Document.xml "
                                           "leaves the package")
    assert "ML903" in rules


def test_page_and_template_reference_loops_end(tmp_path: Path) -> None:
    # The page draws a template whose content is the page itself, and a second that draws the first.
    page = _page(_text("机密★5年", 20, 40)).replace(
        "<ofd:Area>", '<ofd:Template TemplateID="7"/><ofd:Template TemplateID="8"/><ofd:Area>')
    common = ('<ofd:TemplatePage ID="7" BaseLoc="Pages/Page_0/Content.xml"/>'
              '<ofd:TemplatePage ID="8" BaseLoc="Tpl.xml"/>')
    template = _page("").replace("<ofd:Area>", '<ofd:Template TemplateID="8"/><ofd:Template TemplateID="7"/><ofd:Area>')
    path = make_ofd(tmp_path, [page, page], common_extra=common, parts={"Doc_0/Tpl.xml": template},
                    page_locations=["Pages/Page_0/Content.xml", "Pages/Page_0/Content.xml"])
    doc = read(path)
    assert [(u.text, u.page) for u in doc.units] == [("机密★5年", 1), ("机密★5年", 2)]
    assert doc.status == Status.COMPLETE


def test_truncated_and_missing_parts(tmp_path: Path) -> None:
    whole = (FIXTURES / "clean_gongwen.ofd").read_bytes()
    cut = tmp_path / "cut.ofd"
    cut.write_bytes(whole[: len(whole) // 2])
    status, reason, rules = _verdict(cut)
    assert (status, reason.partition(":")[0], rules) == ("not-examined", "corrupt", ["ML901"])
    no_document = make_ofd(tmp_path, [_page("")], "nodoc.ofd", doc_root="Doc_0/Missing.xml")
    assert _verdict(no_document) == ("not-examined", "corrupt: missing part Doc_0/Missing.xml", ["ML901"])
    no_page = make_ofd(tmp_path, [], "nopage.ofd")
    assert _verdict(no_page) == ("not-examined", "corrupt: no pages", ["ML901"])
    bad_xml = make_ofd(tmp_path, ["<ofd:Page"], "badxml.ofd")
    assert _verdict(bad_xml) == ("not-examined", "corrupt: XML syntax error in Doc_0/Pages/Page_0/Content.xml",
                                 ["ML901"])


def test_members_named_with_backslashes_are_found(tmp_path: Path) -> None:
    plain = make_ofd(tmp_path, [_page(_text("机密★5年", 20, 40, ' DeltaX="g 4 5.644"'))])
    windows = tmp_path / "windows.ofd"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(windows, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename.replace("/", "\\"), source.read(info))
    assert [u.text for u in read(windows).units] == ["机密★5年"]


def test_a_missing_resource_part_is_a_partial_read(tmp_path: Path) -> None:
    page = _page(_text("机密★5年", 20, 40, ' DeltaX="g 4 5.644"'))
    path = make_ofd(tmp_path, [page], parts={"Doc_0/PublicRes.xml": "<ofd:Res"})
    found = result(path)
    assert (found.status.value, reason_words(found.reason)) == ("partial", "corrupt: resources: XML syntax error in "
                                                              "Doc_0/PublicRes.xml")
    assert [m["text"] for m in found.markings] == ["机密★5年"]
    assert sorted(f.rule for f in found.findings) == ["ML304", "ML903"]  # ML304: the page gives no date


def test_the_json_report_stays_valid(tmp_path: Path) -> None:
    report = scan_paths([str(FIXTURES / "sealed_gongwen.ofd")], Settings(as_of=AS_OF))
    assert json.loads(json.dumps(report.to_json()))["files"][0]["signatures"] == 1


def _res_with_units(units: str) -> str:
    return (f'<ofd:Res xmlns:ofd="{NS}"><ofd:Fonts><ofd:Font ID="1" FontName="SimHei"/></ofd:Fonts>'
            f"<ofd:CompositeGraphicUnits>{units}</ofd:CompositeGraphicUnits></ofd:Res>")


def _unit(unit_id: int, content: str) -> str:
    return (f'<ofd:CompositeGraphicUnit ID="{unit_id}" Width="100" Height="20"><ofd:Content>{content}</ofd:Content>'
            "</ofd:CompositeGraphicUnit>")


def _composite(unit_id: int, x: float, y: float) -> str:
    return f'<ofd:CompositeObject ID="50" ResourceID="{unit_id}" Boundary="{x} {y} 100 20"/>'


def test_composite_objects_are_drawn_where_they_are_placed(tmp_path: Path) -> None:
    # Unit 2 holds the marking; unit 3 draws unit 2 and itself (a loop, drawn once).
    units = (_unit(2, _text("机密★5年", 0, 0, ' DeltaX="g 4 5.644"'))
             + _unit(3, _composite(2, 0, 0) + _composite(3, 5, 5)))
    page = _page(_composite(3, 30, 40) + _text("江川市人民政府文件", 30, 80, ' DeltaX="g 8 5.644"'))
    doc = read(make_ofd(tmp_path, [page], parts={"Doc_0/PublicRes.xml": _res_with_units(units)}))
    assert [u.text for u in doc.units] == ["机密★5年", "江川市人民政府文件"]
    assert doc.units[0].bbox[0] == pytest.approx(30 * MM, abs=0.01)


def test_composite_objects_that_multiply_stop_at_the_object_limit(tmp_path: Path) -> None:
    # Each unit draws the next ten times: 10**8 objects from a file of a few hundred bytes.
    units = _unit(10, _text("机密", 0, 0)) + "".join(
        _unit(n, _composite(n + 1, 0, 0) * 10) for n in range(2, 10))
    page = _page(_composite(2, 30, 40))
    path = make_ofd(tmp_path, [page], parts={"Doc_0/PublicRes.xml": _res_with_units(units)})
    assert _verdict(path) == ("not-examined", "over a safety limit: over 50000 objects drawn on one page", ["ML901"])


def test_characters_on_a_page_are_bounded(tmp_path: Path) -> None:
    page = _page(_text("机" * 2000, 20, 40, ' DeltaX="g 1999 1"'))
    path = make_ofd(tmp_path, [page])
    with pytest.raises(NotExamined) as caught:
        read(path, Limits(max_page_glyphs=1000))
    assert (caught.value.reason, caught.value.detail) == ("over a safety limit", "over 1000 characters on one page")


def test_a_page_that_is_only_an_image_has_no_text_layer(tmp_path: Path) -> None:
    scan_page = _page('<ofd:ImageObject ID="5" ResourceID="9" Boundary="0 0 210 297" CTM="210 0 0 297 0 0"/>')
    assert _verdict(make_ofd(tmp_path, [scan_page])) == ("partial", "no text layer", ["ML902"])
