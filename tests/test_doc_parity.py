"""Parity of the Word binary reader with the DOCX reader (issue 15): each ``fixtures/doc`` file, made from a
DOCX fixture by LibreOffice (or rewritten as WPS writes a ``.wps``), gives the same markings (text, level,
term, struck, place), the same primary marking, the same issue date and the same rule set as its DOCX.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import marklint
from marklint.config import Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AS_OF = date(2026, 11, 27)
#: The DOCX each .wps was made from (fixtures/make_doc.py, WPS_COPIES).
WPS_SOURCES = {
    "wps_header_marking.wps": "header_only.docx",
    "wps_classified_gongwen.wps": "clean_gongwen.docx",
    "wps_unclassified.wps": "clean_notice_quote.docx",
    "wps_security_level.wps": "wps_security_level.docx",
}
#: File -> rules its DOCX reports that the Word binary copy cannot (with why). The one place for the
#: exceptions: none today, the format carries every fact the rules need (fonts, sizes, strike-through,
#: headers and footers, text boxes, page breaks, user-defined properties); fixtures/make_doc.py's
#: FORMAT_LACKS says the same of the manifest.
EXCEPTIONS: dict[str, tuple[set[str], str]] = {}
PAIRS = sorted(
    [(path.name, path.stem + ".docx") for path in (FIXTURES / "doc").glob("*.doc")] + list(WPS_SOURCES.items())
)


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    paths = [str(FIXTURES / "doc" / name) for name, _ in PAIRS] + [str(FIXTURES / "docx" / d) for _, d in PAIRS]
    report = marklint.scan(paths, Settings(as_of=AS_OF), jobs=1)
    return {Path(result.path).name: result.to_json() for result in report.files}


def _summary(result: dict, drop: set[str]) -> dict:
    return {
        "status": result["status"],
        "markings": [
            (m["text"], m["level"], m["term"], m["struck"], m["primary"], m["location"]["part"], m["location"]["page"])
            for m in result["markings"]
        ],
        "issue_date": result["issue_date"],
        "rules": sorted(f["rule"] for f in result["findings"] if f["rule"] not in drop),
    }


def test_every_docx_fixture_has_a_doc_copy() -> None:
    assert sorted(p.stem for p in (FIXTURES / "doc").glob("*.doc")) == sorted(
        p.stem for p in (FIXTURES / "docx").glob("*.docx"))


@pytest.mark.parametrize(("doc", "docx"), PAIRS, ids=[doc for doc, _ in PAIRS])
def test_doc_reads_as_its_docx(doc: str, docx: str, results: dict[str, dict]) -> None:
    drop = EXCEPTIONS.get(doc, (set(), ""))[0]
    assert results[doc]["format"] == ("wps" if doc.endswith(".wps") else "doc")
    assert _summary(results[doc], drop) == _summary(results[docx], drop)


def test_the_wps_made_classified_gongwen_is_marked_where_the_docx_is(results: dict[str, dict]) -> None:
    header = results["wps_header_marking.wps"]
    assert [(m["text"], m["location"]["part"], m["location"]["page"]) for m in header["markings"]] == [
        ("机密★5年", "header", 1)]
    top = results["wps_classified_gongwen.wps"]
    assert [(m["text"], m["location"]["part"], m["location"]["page"], m["location"]["line"])
            for m in top["markings"]] == [("机密★5年", "body", 1, 2)]
    clean = results["wps_unclassified.wps"]
    assert (clean["markings"], clean["findings"]) == ([], [])
