"""Scans read by OCR (parsers/scan.py, the ``ocr`` extra): the exact marking and rules of every scanned
fixture, the disclosure in JSON, SARIF and text, ML904, ``--ocr off`` and the extra missing (ML902 with the
hint), and OCR running with the network refused. The model is loaded once, by the module's one scan."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from marklint.config import Settings
from marklint.driver import scan_paths
from marklint.model import Document, Status, TextUnit, reason_words
from marklint.parsers import ocr
from tests.helpers import rules_for

pytestmark = pytest.mark.skipif(not ocr.installed(), reason="the ocr extra is not installed")

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "fixtures" / "scans"
MANIFEST = json.loads((SCANS / "manifest.json").read_text(encoding="utf-8"))
AS_OF = date(2026, 11, 27)

#: What OCR must return for each scan: (level, separator as written, term as written) of the primary
#: marking, and the page count read; None: the scan is unmarked.
MARKINGS = {
    "clean_gongwen_200dpi.pdf": ("机密★5年", "机密", "★", "5年", 2),
    "ml101_separator_150dpi_jpeg.pdf": ("秘密☆2年", "秘密", "☆", "2年", 2),
    "ml102_missing_separator_skewed.tif": ("秘密5年", "秘密", None, "5年", 2),
    "ml103_whitespace_blurred.pdf": ("机密 ★ 5年", "机密", "★", "5年", 2),
    "ml105_chinese_numerals_speckled.tif": ("秘密★五年", "秘密", "★", "五年", 2),
    "expired_duration_red_on_grey.pdf": ("秘密★1年", "秘密", "★", "1年", 2),
    "ml201_missing_term_turned.pdf": ("机密★", "机密", "★", None, 2),
    "expiring_soon.tif": ("秘密★1年", "秘密", "★", "1年", 2),
    "layout_1999_one_line.tif": ("机密★20年", "机密", "★", "20年", 2),
    "clean_company_name.jpg": None,
    "ml202_term_exceeds.png": ("秘密★15年", "秘密", "★", "15年", 1),
    "clean_gongwen_too_poor.jpg": ("机密★5年", "机密", "★", "5年", 1),
}


@pytest.fixture(scope="module")
def report() -> dict:
    """One scan of the scanned fixtures, in this process (-j 1): the model is loaded once here."""
    return scan_paths([str(SCANS)], Settings(as_of=AS_OF)).to_json()


def _entry(report: dict, name: str) -> dict:
    return next(f for f in report["files"] if f["path"] == f"{SCANS}/{name}")


def test_every_scan_has_an_expectation() -> None:
    assert sorted(MARKINGS) == sorted(e["file"] for e in MANIFEST)


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_scan_marking_and_rules(entry: dict, report: dict) -> None:
    got = _entry(report, entry["file"])
    assert sorted(f["rule"] for f in got["findings"]) == entry["expected"]
    assert got["status"] == "complete"
    expected = MARKINGS[entry["file"]]
    if expected is None:
        assert got["markings"] == [] and got["level"] is None
        return
    text, level, _separator, term, _pages = expected
    primary = next(m for m in got["markings"] if m["primary"])
    assert (primary["text"], primary["level"], primary["term"]["raw"]) == (text, level, term)
    assert primary["source"] == "ocr" and 0.5 <= primary["confidence"] <= 1.0
    assert primary["location"]["source"] == "ocr" and primary["location"]["page"] == 1
    # The box is in points on an A4 page: the marking stands in the top quarter, within the page.
    x0, top, x1, bottom = primary["location"]["bbox"]
    assert 0 < x0 < x1 < 596 and 60 < top < bottom < 260


def test_the_separator_and_term_kinds_are_read(report: dict) -> None:
    """☆, a missing ★ and a missing term come through OCR as the recogniser's marking fields say."""
    from marklint.marking import recognise
    from marklint.model import DefectKind

    for name, expected in MARKINGS.items():
        if expected is None:
            continue
        text, _level, separator, term, _pages = expected
        marking = recognise(text)[0]
        # The recogniser reports the separator as a defect: another symbol (its detail), or none at all.
        said = {DefectKind.OTHER_SEPARATOR: "other", DefectKind.NO_SEPARATOR: "none"}
        seen = [(said[d.kind], d.detail) for d in marking.defects if d.kind in said]
        wanted = [] if separator == "★" else [("none", "")] if separator is None else [("other", separator)]
        assert (seen, marking.term.raw or None) == (wanted, term), name


def test_text_layer_markings_say_their_source(tmp_path: Path) -> None:
    result = scan_paths([str(ROOT / "fixtures" / "pdf" / "clean_gongwen.pdf")], Settings(as_of=AS_OF)).to_json()
    marking = result["files"][0]["markings"][0]
    assert marking["source"] == "text" and "confidence" not in marking
    assert "source" not in marking["location"]


def test_pages_are_read_and_dated(report: dict) -> None:
    # The date area of the last page is read: terms count from the 印发日期 the scan shows.
    assert _entry(report, "clean_gongwen_200dpi.pdf")["issue_date"] == "2026-03-06"
    assert _entry(report, "expired_duration_red_on_grey.pdf")["issue_date"] == "2024-03-06"
    assert _entry(report, "expiring_soon.tif")["issue_date"] == "2025-12-22"  # page 2 of a multi-page TIFF
    assert _entry(report, "ml202_term_exceeds.png")["issue_date"] is None  # one page: no date area read


def test_too_poor_a_scan_is_ml904(report: dict) -> None:
    poor = _entry(report, "clean_gongwen_too_poor.jpg")
    uncertain = [f for f in poor["findings"] if f["rule"] == "ML904"]
    assert len(uncertain) == 1 and uncertain[0]["location"]["confidence"] < 0.8


def test_ml904_on_an_unreadable_neighbour_and_on_an_empty_page() -> None:
    unsure = TextUnit("机密米5年", "body", 1, 1, (80, 140, 150, 158), source="ocr", confidence=0.9,
                      char_confidences=(0.99, 0.99, 0.41, 0.99, 0.99))
    doc = Document(path="scan.png", format="png", units=[TextUnit("000123", "body", 1, 1, source="ocr",
                                                                  confidence=0.99, char_confidences=(0.99,) * 6),
                                                         unsure], page_count=1)
    assert "ML904" in rules_for(doc)
    sure = TextUnit("机密米5年", "body", 1, 1, source="ocr", confidence=0.99, char_confidences=(0.99,) * 5)
    assert "ML904" not in rules_for(Document(path="s.png", format="png", units=[sure], page_count=1))


def test_text_and_sarif_say_ocr(tmp_path: Path) -> None:
    name = "ml101_separator_150dpi_jpeg.pdf"
    out = subprocess.run([sys.executable, "-m", "marklint", "scan", str(SCANS / name), "--as-of", "2026-11-27",
                          "--sarif-output", str(tmp_path / "r.sarif"), "--lang", "en"],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 1
    line = next(x for x in out.stdout.splitlines() if "ML101" in x)
    assert " ML101 [error] (OCR 1.00) " in line
    sarif = json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))
    result = sarif["runs"][0]["results"][0]
    assert result["message"]["text"].endswith(" (OCR)")
    assert result["locations"][0]["physicalLocation"]["region"]["properties"]["source"] == "ocr"


def test_ocr_off_gives_ml902_with_the_hint() -> None:
    result = scan_paths([str(SCANS)], Settings(as_of=AS_OF, ocr="off", lang="en"))
    for one in result.files:
        assert one.status == Status.PARTIAL and [f.rule for f in one.findings] == ["ML902"], one.path
        assert one.findings[0].message.endswith("OCR is off (--ocr off); run with --ocr auto to read scans")
        assert one.markings == []


def test_without_the_extra_scans_are_ml902_with_the_install_hint(tmp_path: Path) -> None:
    """A Python in which rapidocr cannot be imported (as without the extra): the same files are ML902."""
    blocker = tmp_path / "block" / "rapidocr"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('not installed')\n")
    code = ("import importlib.util, sys; sys.path.insert(0, sys.argv[1]);"
            "real = importlib.util.find_spec;"
            "importlib.util.find_spec = lambda n, *a: None if n == 'rapidocr' else real(n, *a);"
            "from marklint.cli import main; sys.argv = ['marklint', 'scan', sys.argv[2], '--as-of', '2026-11-27',"
            " '--format', 'json', '-j', '1']; main()")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "block"), str(SCANS)],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    files = json.loads(out.stdout)["files"]
    assert len(files) == len(MANIFEST)
    for one in files:
        assert [f["rule"] for f in one["findings"]] == ["ML902"]
        assert one["findings"][0]["message"].endswith("未安装 OCR，执行 pip install 'marklint[ocr]' 后可识别扫描件")


NO_NETWORK = """
import socket, sys
def refuse(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"):
        raise PermissionError("network refused: " + event)
sys.addaudithook(refuse)
try:
    socket.create_connection(("127.0.0.1", 9), timeout=1)
except PermissionError:
    print("refused")
from marklint.parsers import ocr
print(ocr._load.__module__)
from marklint.driver import scan_paths
from marklint.config import Settings
from datetime import date
r = scan_paths([sys.argv[1]], Settings(as_of=date(2026, 11, 27)))
print(r.files[0].markings[0]["text"], r.files[0].markings[0]["source"])
print(sorted(name for name in sys.modules if name.startswith("rapidocr")))
"""


def test_ocr_runs_with_the_network_refused() -> None:
    """Every socket connection and name lookup refused by an audit hook: the model loads from the wheel
    and the scan is read, without importing any of rapidocr's code (so never its model downloader)."""
    out = subprocess.run([sys.executable, "-c", NO_NETWORK, str(SCANS / "expiring_soon.tif")],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.stdout.splitlines() == ["refused", "marklint.parsers.ocr", "秘密★1年 ocr", "[]"], out.stderr


def test_a_download_is_refused_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model missing from the wheel: rapidocr would download it; marklint never does, and says why."""
    monkeypatch.setattr(ocr, "MODEL_FILES", {**ocr.MODEL_FILES, "Rec": "absent.onnx"})
    with pytest.raises(ocr.OcrUnavailable, match=r"absent.onnx is missing .* never downloads"):
        ocr._load()


def test_bmp_and_an_undecodable_image(tmp_path: Path) -> None:
    from PIL import Image

    with Image.open(SCANS / "ml202_term_exceeds.png") as image:
        image.save(tmp_path / "scan.bmp")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(1000))
    got = {Path(r.path).name: (r.format, [m["text"] for m in r.markings], sorted(f.rule for f in r.findings),
                               reason_words(r.reason))
           for r in scan_paths([str(tmp_path)], Settings(as_of=AS_OF)).files}
    assert got == {"scan.bmp": ("bmp", ["秘密★15年"], ["ML202", "ML304"], None),
                   "broken.jpg": ("jpg", [], ["ML901"], "corrupt: image cannot be decoded")}


def test_a_page_with_a_text_layer_is_never_read_by_ocr() -> None:
    result = scan_paths([str(ROOT / "fixtures" / "pdf")], Settings(as_of=AS_OF))
    assert all(m["source"] == "text" for r in result.files for m in r.markings)
    assert not any(f.location.ocr for r in result.files for f in r.findings)


def test_a_pdf_page_is_drawn_in_strips_as_in_the_whole_page() -> None:
    """Only the part of a page that is read is rendered and turned: pixel for pixel what rendering the whole
    page and turning it gives there (a portrait page and the page scanned turned 90 degrees)."""
    import numpy as np
    import pypdfium2

    from marklint.parsers.scan import RENDER_DPI, _PdfPage

    for name in ("clean_gongwen_200dpi.pdf", "ml201_missing_term_turned.pdf"):
        pdf = pypdfium2.PdfDocument(str(SCANS / name))
        try:
            page = pdf[0]
            whole = page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil()
            drawn = _PdfPage(page)
            assert (drawn.width, drawn.height) == whole.size
            for turn in (0, 90, 180, 270):
                upright = whole.rotate(turn, expand=True)
                strip = drawn.draw(turn, 333)
                assert strip.size == (upright.width, 333)
                assert np.array_equal(np.asarray(strip), np.asarray(upright.crop((0, 0, upright.width, 333)))), turn
            page.close()
        finally:
            pdf.close()


def test_straightening_only_the_rows_read_equals_pillows_rotate() -> None:
    import numpy as np
    from PIL import Image

    from marklint.parsers.ocr_lines import grey, straighten

    with Image.open(SCANS / "ml102_missing_separator_skewed.tif") as image:
        page = grey(image).resize((1240, 1753))
    for angle, rows in ((1.5, 1753), (-2.75, 842)):
        rotated = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        assert np.array_equal(np.asarray(straighten(page, angle, rows)), np.asarray(rotated)[:rows]), angle


def test_the_line_classifier_tells_which_way_a_turned_page_lies() -> None:
    """The page scanned turned 90 degrees: turned back by 90 its lines read upside down, by 270 upright."""
    import pypdfium2

    from marklint.parsers.scan import MARKING_BAND, _PdfPage, _upright, _upside_down

    pdf = pypdfium2.PdfDocument(str(SCANS / "ml201_missing_term_turned.pdf"))
    try:
        page = _PdfPage(pdf[0])
        assert [_upside_down(_upright(page, turn, [MARKING_BAND])) for turn in (90, 270)] == [True, False]
        page.page.close()
    finally:
        pdf.close()


def test_spaces_come_from_where_each_character_was_seen() -> None:
    """A surely read marking line: each character belongs to the piece it was seen in; a character seen in
    a gap between pieces (or pieces out of order) leaves it to a second reading, piece by piece."""
    from marklint.parsers.ocr import Recognised
    from marklint.parsers.ocr_lines import Piece, Segment
    from marklint.parsers.scan import _split_at_gaps

    line = Segment((Piece((0, 0, 40, 40)), Piece((60, 0, 100, 40)), Piece((120, 0, 200, 40))))
    # crop_box widens the line by a fifth of its height (8 px) on the right (the left is the page's edge):
    # the crop is 208 px wide, so a character seen at share s of it stands at x = 208 * s.
    seen = Recognised("机密★5年", (1.0, 0.99, 0.95, 1.0, 0.98), (10 / 208, 30 / 208, 80 / 208, 140 / 208, 180 / 208))
    assert _split_at_gaps(line, seen) == [("机密", [1.0, 0.99]), ("★", [0.95]), ("5年", [1.0, 0.98])]
    in_gap = Recognised("机密★5年", seen.confidences, (10 / 208, 50 / 208, 80 / 208, 140 / 208, 180 / 208))
    assert _split_at_gaps(line, in_gap) is None
    backwards = Recognised("机密★5年", seen.confidences, (10 / 208, 80 / 208, 30 / 208, 140 / 208, 180 / 208))
    assert _split_at_gaps(line, backwards) is None
    one_piece_empty = Recognised("机密5年", (1.0,) * 4, (10 / 208, 30 / 208, 140 / 208, 180 / 208))
    assert _split_at_gaps(line, one_piece_empty) is None
