"""What the Word binary copies keep beyond the verdict (issue 15). ``tests/test_parity.py`` holds each
``fixtures/doc`` ``.doc`` to its DOCX's verdict; here every DOCX fixture has its ``.doc`` copy, the WPS-made
``.wps`` files (named apart from their DOCX) get their DOCX's verdict too, and a flow format keeps each
marking's place (story part and page) and the file's status, which the fixed-layout copies cannot.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import marklint
from marklint.config import Settings
from tests.test_parity import LACKS_EVIDENCE

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AS_OF = date(2026, 11, 27)
#: The DOCX each .wps was made from (fixtures/make_doc.py, WPS_COPIES).
WPS_SOURCES = {
    "wps_header_marking.wps": "header_only.docx",
    "wps_classified_gongwen.wps": "clean_gongwen.docx",
    "wps_unclassified.wps": "clean_notice_quote.docx",
    "wps_security_level.wps": "wps_security_level.docx",
}
PAIRS = sorted(
    [(path.name, path.stem + ".docx") for path in (FIXTURES / "doc").glob("*.doc")] + list(WPS_SOURCES.items())
)


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    paths = [str(FIXTURES / "doc" / name) for name, _ in PAIRS] + [str(FIXTURES / "docx" / d) for _, d in PAIRS]
    report = marklint.scan(paths, Settings(as_of=AS_OF), jobs=1)
    return {Path(result.path).name: result.to_json() for result in report.files}


def _places(result: dict) -> dict:
    return {
        "status": result["status"],
        "markings": [(m["text"], m["primary"], m["location"]["part"], m["location"]["page"])
                     for m in result["markings"]],
    }


def test_every_docx_fixture_has_a_doc_copy() -> None:
    assert sorted(p.stem for p in (FIXTURES / "doc").glob("*.doc")) == sorted(
        p.stem for p in (FIXTURES / "docx").glob("*.docx"))


@pytest.mark.parametrize(("doc", "docx"), PAIRS, ids=[doc for doc, _ in PAIRS])
def test_doc_keeps_the_places_of_its_docx(doc: str, docx: str, results: dict[str, dict]) -> None:
    assert results[doc]["format"] == ("wps" if doc.endswith(".wps") else "doc")
    assert _places(results[doc]) == _places(results[docx])


@pytest.mark.parametrize(("wps", "docx"), sorted(WPS_SOURCES.items()), ids=sorted(WPS_SOURCES))
def test_wps_gets_the_verdict_of_its_docx(wps: str, docx: str, results: dict[str, dict]) -> None:
    def verdict(result: dict) -> tuple:
        return ([(m["text"], m["level"], m["term"], m["struck"]) for m in result["markings"]], result["issue_date"],
                sorted(f["rule"] for f in result["findings"] if f["rule"] not in LACKS_EVIDENCE))

    assert verdict(results[wps]) == verdict(results[docx])


def test_the_wps_made_classified_gongwen_is_marked_where_the_docx_is(results: dict[str, dict]) -> None:
    header = results["wps_header_marking.wps"]
    assert [(m["text"], m["location"]["part"], m["location"]["page"]) for m in header["markings"]] == [
        ("机密★5年", "header", 1)]
    top = results["wps_classified_gongwen.wps"]
    assert [(m["text"], m["location"]["part"], m["location"]["page"], m["location"]["line"])
            for m in top["markings"]] == [("机密★5年", "body", 1, 2)]
    clean = results["wps_unclassified.wps"]
    assert (clean["markings"], clean["findings"]) == ([], [])
