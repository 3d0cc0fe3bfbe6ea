"""The PDF parser on small PDFs made by fixtures/make_parser_samples.py (LibreOffice exports with Noto CJK
fonts, reportlab pages, qpdf encryption). Every expected value below was read off those files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pypdf
import pypdfium2
import pytest

from marklint import parsers
from marklint.errors import NotExamined
from marklint.limits import DEFAULT_LIMITS, Limits
from marklint.model import Document, PageGeometry, Reason, ReasonKind, Status, StyleSpan, reason_words
from marklint.parsers import pdf, pdf_metadata
from tests.helpers import first_and_last_pages, loaded_pages

DATA = Path(__file__).parent / "data" / "pdf"
SANS = "NotoSansCJKjp-Regular-VKana"  # what LibreOffice embeds for "Noto Sans CJK SC" (the 黑体 stand-in)
SERIF = "NotoSerifCJKjp-Regular-VKana"
MM = 72 / 25.4


def read(name: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    return pdf.parse(DATA / name, name, limits)


def texts(doc: Document, page: int) -> list[str]:
    return [unit.text for unit in doc.units if unit.page == page]


# --- a 公文's page 1 -----------------------------------------------------------------------------------------


def test_gongwen_first_lines_are_the_banhead_in_order():
    doc = read("gongwen.pdf")
    assert texts(doc, 1)[:5] == ["000123", "机密★5年", "特急", "某某市人民政府文件", "某府发〔2024〕5号"]
    assert [(u.part, u.page, u.line) for u in doc.units[:5]] == [("body", 1, n) for n in range(1, 6)]


def test_gongwen_document_facts():
    doc = read("gongwen.pdf")
    assert (doc.format, doc.path, doc.page_count) == ("pdf", "gongwen.pdf", 3)
    assert doc.geometry == PageGeometry(595.3, 841.89)
    assert (doc.status, reason_words(doc.reason), doc.no_text) == (Status.COMPLETE, None, False)


def test_masthead_is_red():
    masthead = read("gongwen.pdf").units[3]
    assert masthead.spans == (StyleSpan(0, 9, SERIF, 26.0, False, "FF0000"),)


def test_marking_fonts_and_size_per_run():
    marking = read("gongwen.pdf").units[1]
    # ★ and the digit come from other fonts, as in Word/WPS/LibreOffice output.
    assert [(s.start, s.end, s.font, s.size) for s in marking.spans] == [
        (0, 2, SANS, 16.0), (2, 3, "DejaVuSans", 16.0), (3, 4, "LiberationSans", 16.0), (4, 5, SANS, 16.0),
    ]
    assert marking.spans_over(0, 2)[0].font == SANS


def test_marking_stands_top_left_of_the_type_area():
    marking = read("gongwen.pdf").units[1]
    assert marking.bbox == pytest.approx((79.5, 130.52, 153.9, 147.42), abs=0.01)
    assert abs(marking.bbox[0] - 28 * MM) < 1.0  # the 28 mm left margin of GB/T 9704


# --- whitespace ----------------------------------------------------------------------------------------------


def test_pdfium_text_stream_has_the_artefact_spaces_the_parser_drops():
    # The premise: PDFium's own text inserts spaces between fonts and before CJK after digits.
    document = pypdfium2.PdfDocument(DATA / "lines.pdf")
    try:
        page = document[0]
        stream = page.get_textpage().get_text_range()
    finally:
        document.close()
    assert stream.splitlines()[:3] == ["机密 ★ 5 年", "秘\u3000密", "机密★5 年"]


def test_typed_spaces_are_kept():
    assert read("lines.pdf").units[0].text == "机密 ★ 5年"


def test_ideographic_space_is_kept():
    assert read("lines.pdf").units[1].text == "秘\u3000密"


def test_mixed_font_marking_gets_no_artefact_space():
    unit = read("lines.pdf").units[2]
    assert unit.text == "机密★5年"
    assert [s.font for s in unit.spans] == [SANS, "DejaVuSans", "LiberationSans", SANS]


def test_underline_neither_strikes_nor_adds_spaces():
    # LibreOffice draws space glyphs under an underlined run; they leave no gap on the page.
    unit = read("lines.pdf").units[4]
    assert (unit.text, unit.is_struck()) == ("机密★5年", False)


def test_runs_of_spaces_collapse_to_one():
    assert read("lines.pdf").units[5].text == "Hello world, two spaces."


def test_gap_without_space_glyph_is_a_space_within_one_font():
    units = read("words.pdf").units
    assert units[0].text == "Hello World"  # two drawString calls, a one-em gap, no space glyph
    assert units[2].text == "机密 文件"


def test_gap_between_two_fonts_is_not_a_space():
    unit = read("words.pdf").units[3]
    assert unit.text == "机密★5年"  # the same one-em gap, but ★ is in another font
    assert [s.font for s in unit.spans] == ["STSong-Light", "DejaVuSans", "STSong-Light"]


def test_wide_gap_splits_a_banji_row():
    doc = read("gongwen.pdf")
    assert texts(doc, 3) == ["2024年3月5日", "某某市人民政府办公室", "2024年3月6日印发"]
    assert [u.line for u in doc.units if u.page == 3] == [1, 2, 3]
    assert doc.units[-1].bbox == pytest.approx((390.9, 135.18, 521.7, 149.17), abs=0.01)


# --- strike-through ------------------------------------------------------------------------------------------


def test_struck_marking_followed_by_plain_jiemi():
    unit = read("lines.pdf").units[3]
    assert unit.text == "秘密★1年解密"
    assert unit.spans == (StyleSpan(0, 5, SANS, 16.0, True, "000000"), StyleSpan(5, 7, SANS, 16.0, False, "000000"))
    assert (unit.is_struck(0, 5), unit.is_struck(5, 7)) == (True, False)


def test_strike_line_inside_a_form_xobject():
    unit = read("words.pdf").units[4]
    assert (unit.text, unit.is_struck()) == ("秘密★1年", True)
    assert unit.spans[0].size == 16.0  # 32 pt text drawn at half scale


def test_separator_line_and_borders_strike_nothing():
    doc = read("gongwen.pdf")
    assert not any(span.struck for unit in doc.units for span in unit.spans)


# --- other layouts -------------------------------------------------------------------------------------------


def test_size_set_through_the_text_matrix():
    unit = read("words.pdf").units[1]
    assert (unit.text, unit.spans[0].size) == ("Scaled", 16.0)  # 1 pt font, matrix scaled 16 times


def test_raised_or_smaller_star_stays_on_its_line():
    raised, smaller = read("words.pdf").units[5:7]
    assert (raised.text, smaller.text) == ("绝密★30年", "秘密★10年")
    assert [s.size for s in smaller.spans] == [16.0, 10.0, 16.0]


def test_diagonal_watermark_is_its_own_unit():
    units = read("words.pdf").units
    assert [u.text for u in units if u.page == 1] == [
        "Hello World", "Scaled", "机密 文件", "机密★5年", "秘密★1年", "绝密★30年", "秘密★10年", "内部资料",
    ]
    assert (units[7].line, units[7].spans[0].color) == (8, "D9D9D9")


def test_rotated_page_reads_in_displayed_coordinates():
    last = read("words.pdf").units[-1]
    assert (last.page, last.line, last.text) == (2, 1, "2024年3月5日")
    assert last.bbox == pytest.approx((80.0, 86.13, 172.35, 104.06), abs=0.01)


def test_page_turned_by_rotate_is_measured_as_displayed():
    # A portrait MediaBox with /Rotate 90; rendering the page puts the ink at x 81-149, y 47-60.
    doc = read("landscape.pdf")
    assert doc.geometry == PageGeometry(841.89, 595.28)
    assert doc.units[0].text == "机密★5年"
    assert doc.units[0].bbox == pytest.approx((80.0, 46.13, 151.39, 64.06), abs=0.01)


# --- which pages are read ------------------------------------------------------------------------------------


def test_only_first_and_last_page_are_loaded(monkeypatch):
    loaded = loaded_pages(monkeypatch)
    doc = read("long30.pdf")
    assert loaded == [0, 29]
    assert doc.page_count == 30
    assert [(u.page, u.text) for u in doc.units] == [(1, "秘密★1年"), (30, "2024年3月5日")]


def test_middle_pages_are_not_read():
    doc = read("gongwen.pdf")
    assert {u.page for u in doc.units} == {1, 3}
    assert not any("绝密" in u.text for u in doc.units)


@pytest.mark.parametrize(
    ("page_count", "budget", "expected"),
    [(30, 2, [0, 29]), (1, 2, [0]), (2, 2, [0, 1]), (30, 1, [0]), (30, 3, [0, 1, 29]), (2, 5, [0, 1]), (5, 0, [0])],
)
def test_pages_to_read(page_count, budget, expected):
    assert pdf.pages_to_read(page_count, Limits(max_pdf_pages_read=budget)) == expected


def test_unit_limits_apply():
    doc = read("gongwen.pdf", replace(DEFAULT_LIMITS, max_unit_chars=3, max_body_units_kept=2, max_tail_units_kept=1))
    assert [(u.page, u.line, u.text) for u in doc.units] == [(1, 1, "000"), (1, 2, "机密★"), (3, 3, "202")]
    assert [(span.start, span.end) for span in doc.units[0].spans] == [(0, 3)]  # the spans are cut with the text


def test_last_page_failing_keeps_page_one():
    # The page tree names a missing object for page 3: PDFium counts it but cannot load it.
    doc = read("last_page_missing.pdf")
    assert (doc.status, doc.reason, doc.page_count) == (Status.PARTIAL,
                                                        Reason(ReasonKind.CORRUPT, "page 3 cannot be loaded"), 3)
    assert {u.page for u in doc.units} == {1}
    assert texts(doc, 1)[:2] == ["000123", "机密★5年"]


def test_first_page_failing_is_corrupt():
    with pytest.raises(NotExamined) as caught:
        read("first_page_missing.pdf")
    assert (caught.value.reason, caught.value.detail) == ("corrupt", "page 1 cannot be loaded")


# --- no text layer -------------------------------------------------------------------------------------------


def test_image_only_page_has_no_text():
    doc = read("image_only.pdf")
    assert (doc.no_text, doc.units, doc.page_count) == (True, [], 1)


def test_glyphs_without_unicode_map_count_as_no_text():
    doc = read("no_unicode.pdf")
    assert doc.no_text is True
    assert len(doc.units) == 6  # the units there are are kept
    assert doc.units[1].text == "\ufffd\ufffd\ufffd"


# --- refusals ------------------------------------------------------------------------------------------------


def test_user_password_is_encrypted():
    with pytest.raises(NotExamined) as caught:
        read("encrypted_user_password.pdf")
    assert caught.value.reason == "encrypted"


def test_empty_user_password_is_read():
    doc = read("encrypted_empty_password.pdf")
    assert [u.text for u in doc.units][:4] == ["机密 ★ 5年", "秘\u3000密", "机密★5年", "秘密★1年解密"]


@pytest.mark.parametrize("name", ["truncated.pdf", "garbage.pdf"])
def test_broken_files_are_corrupt(name):
    with pytest.raises(NotExamined) as caught:
        read(name)
    assert (caught.value.reason, caught.value.detail) == ("corrupt", "not a readable PDF structure")


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(NotExamined) as caught:
        pdf.parse(tmp_path / "gone.pdf", "gone.pdf", DEFAULT_LIMITS)
    assert caught.value.reason == "unreadable"


def test_unexpected_error_becomes_corrupt_with_its_class_name(monkeypatch):
    def explode(*args):
        raise ValueError("boom")

    monkeypatch.setattr(pdf, "add_page", explode)
    with pytest.raises(NotExamined) as caught:
        read("lines.pdf")
    assert (caught.value.reason, caught.value.detail) == ("corrupt", "malformed content")


def test_input_is_left_untouched():
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in DATA.iterdir()}
    for name in ("gongwen.pdf", "metadata.pdf", "encrypted_empty_password.pdf"):
        read(name)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in DATA.iterdir()}
    assert after == before


def test_dispatch_by_content():
    doc = parsers.parse(DATA / "lines.pdf", "lines.pdf", DEFAULT_LIMITS)
    assert (doc.format, doc.units[0].text) == ("pdf", "机密 ★ 5年")


# --- metadata ------------------------------------------------------------------------------------------------


def test_a_compressed_xmp_packet_is_inflated_only_so_far():
    packet = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>'
    streams = []
    for padding in (1000, pdf_metadata.MAX_XMP_BYTES):
        plain = pypdf.generic.DecodedStreamObject()
        plain.set_data(b" " * padding + packet)
        streams.append(plain.flate_encode())
    assert [len(stream._data) < 2000 for stream in streams] == [True, True]  # stored compressed
    assert [pdf_metadata._inflated_packet(stream) for stream in streams] == [packet, b""]


def test_standard_info_through_pdfium():
    properties = read("gongwen.pdf").properties
    assert properties["info:Title"] == "关于加强保密工作的通知"
    assert properties["info:Keywords"] == "机密"
    assert properties["info:Producer"] == "LibreOffice 7.4"


@pytest.mark.parametrize("name", ["metadata.pdf", "metadata_flate.pdf", "metadata_object_streams.pdf"])
def test_info_keys_purview_labels_and_xmp(name):
    # The same metadata plain, with the XMP stream compressed, and with the Info dictionary inside an
    # object stream: the last two are out of sight of the byte scan and are read through pypdf.
    properties = read(name).properties
    assert properties["info:密级"] == "机密"
    assert properties["info:Keywords"] == "机密★5年"
    assert properties["info:MSIP_Label_0a1b2c3d_Enabled"] == "true"
    assert properties["info:MSIP_Label_0a1b2c3d_Name"] == "Secret"
    assert "info:Trapped" not in properties  # a name, not text
    assert {k: v for k, v in properties.items() if k.startswith("xmp:")} == {
        "xmp:pdf:Producer": "marklint fixtures",
        "xmp:pdf:Keywords": "机密★5年",
        "xmp:dc:title": "某某市人民政府文件",
        "xmp:gov:SecurityLevel": "机密",
    }


# --- the compiled character loop -----------------------------------------------------------------------------

SAMPLE_PDFS = sorted(DATA.glob("*.pdf")) + sorted((Path(__file__).parent.parent / "fixtures" / "pdf").glob("*.pdf"))


def _text_page_addresses(path: Path) -> Iterator[int]:
    """The text pages of page 1 and the last page, for the samples PDFium opens, closed after use."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    for _, page in first_and_last_pages(path):
        text_page = pdfium_c.FPDFText_LoadPage(page)
        if text_page:
            yield ctypes.cast(text_page, ctypes.c_void_p).value
            pdfium_c.FPDFText_ClosePage(text_page)


def test_compiled_records_and_looks_equal_the_python_loop():
    from marklint.parsers import pdf_glyphs

    if pdf_glyphs.char_records is pdf_glyphs._python_records:
        pytest.skip("_marklint_chars was not built (no C compiler at install): only the Python loop runs")
    records = looks = 0
    for path in SAMPLE_PDFS:
        for address in _text_page_addresses(path):
            compiled = list(pdf_glyphs._compiled_records(address))
            assert compiled == pdf_glyphs._python_records(address), path.name
            records += len(compiled)
            for index in sorted({record[0] for record in compiled}):
                assert pdf_glyphs.raw_look(address, index) == pdf_glyphs._python_look(address, index), path.name
                looks += 1
    assert len(SAMPLE_PDFS) > 40 and records > 10_000 and looks == records


@pytest.mark.parametrize("name", ["gongwen.pdf", "words.pdf", "lines.pdf", "landscape.pdf", "no_unicode.pdf"])
def test_python_loop_reads_what_the_compiled_one_does(name, monkeypatch):
    from marklint.parsers import pdf_glyphs

    expected = read(name)
    monkeypatch.setattr(pdf_glyphs, "char_records", pdf_glyphs._python_records)
    monkeypatch.setattr(pdf_glyphs, "raw_look", pdf_glyphs._python_look)
    pdf_glyphs._look_of.cache_clear()
    assert read(name) == expected
