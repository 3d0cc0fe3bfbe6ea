"""One document, one verdict (issue 13): every fixture document that exists as DOCX and in another format
gives, in both, the same markings (text, level, term, struck), the same primary marking, the same issue date
and the same rules, except rules whose evidence the other format does not carry."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from marklint.config import Settings
from marklint.driver import scan_paths
from marklint.results import FileResult

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

#: The formats compared with fixtures/docx/: (folder under fixtures/, file suffix). A format is added by
#: one line; its folder holds exports of the DOCX fixtures under the same names.
FORMATS: list[tuple[str, str]] = [
    ("pdf", ".pdf"),
    ("ofd", ".ofd"),
    ("doc", ".doc"),  # Word 97-2003 binary copies made by LibreOffice (fixtures/make_doc.py)
]

#: The one place where a rule is excused from parity: rule -> why some format cannot show its evidence.
#: An entry excuses the rule for every format compared, so its reason names the format. PDF and OFD need
#: none: they show fonts (ML112) by the embedded font names, and the fixtures' labels are stamped into the
#: PDF Info dictionary and the OFD CustomData (ML114), so what the DOCX fixtures show, their copies show too.
#: The Word binary format needs none either: it carries fonts, sizes, strike-through, headers and footers,
#: text boxes, page breaks and user-defined properties (fixtures/make_doc.py's FORMAT_LACKS says the same
#: of the manifest). tests/test_doc_parity.py holds the .wps copies to the same exceptions.
LACKS_EVIDENCE: dict[str, str] = {}

AS_OF = date(2026, 11, 27)


def _pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for folder, suffix in FORMATS:
        for source in sorted((FIXTURES / "docx").glob("*.docx")):
            if (FIXTURES / folder / f"{source.stem}{suffix}").is_file():
                pairs.append((folder, suffix, source.stem))
    return pairs


PAIRS = _pairs()


@pytest.fixture(scope="module")
def results() -> dict[str, FileResult]:
    folders = ["docx", *sorted({folder for folder, _ in FORMATS})]
    report = scan_paths([str(FIXTURES / folder) for folder in folders], Settings(as_of=AS_OF))
    root = str(FIXTURES) + "/"
    return {result.path.removeprefix(root): result for result in report.files}


def _markings(result: FileResult) -> list[tuple]:
    """The markings as (text, level, term, struck, primary), in a fixed order: a header marking comes
    first in a DOCX (its own story) and at its place on the page in a PDF."""
    return sorted(
        (m["text"], m["level"], tuple(sorted(m["term"].items())), m["struck"], m["primary"]) for m in result.markings
    )


def _rules(result: FileResult) -> list[str]:
    return sorted(f.rule for f in result.findings if f.rule not in LACKS_EVIDENCE)


def test_every_format_has_documents_to_compare() -> None:
    for folder, _ in FORMATS:
        assert any(pair[0] == folder for pair in PAIRS), folder


@pytest.mark.parametrize(("folder", "suffix", "name"), PAIRS, ids=[f"{f}/{n}" for f, _, n in PAIRS])
def test_same_verdict_as_the_docx(folder: str, suffix: str, name: str, results: dict[str, FileResult]) -> None:
    original, other = results[f"docx/{name}.docx"], results[f"{folder}/{name}{suffix}"]
    assert _markings(other) == _markings(original)
    assert other.issue_date == original.issue_date
    assert _rules(other) == _rules(original)
