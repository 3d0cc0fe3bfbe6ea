"""Parity: every fixture 公文 written as OFD (fixtures/make_ofd.py, from the PDF's glyphs) gives what its PDF
gives: the same markings (text, level, term, place, struck, primary), the same issue date and the same rule
set, apart from the rules whose evidence one format lacks, listed here in one place."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from marklint.config import Settings
from marklint.driver import scan_paths
from marklint.model import reason_words
from marklint.results import FileResult

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAIRS = sorted(p.stem for p in (FIXTURES / "ofd").glob("*.ofd") if (FIXTURES / "pdf" / f"{p.stem}.pdf").exists())
AS_OF = date(2026, 11, 27)

#: Rules whose evidence OFD and PDF do not carry alike, per fixture: (rule, the format that has it, why).
#: Empty today: OFD carries everything the PDF reader reads (positions, fonts and sizes, strike-through
#: lines, metadata), and the fixtures' OFD copies carry it all.
EXCEPTIONS: dict[str, list[tuple[str, str, str]]] = {}


#: OFD-only fixtures made from a PDF fixture's glyphs (fixtures/make_ofd.py) and the rules they add to it.
SPECIALS = {
    "template_banner": ("clean_gongwen", []),  # the 版头 in a template page
    "watermark_annotation": ("clean_gongwen", []),  # a watermark annotation 秘密★1年 over page 1
    "sealed_gongwen": ("clean_gongwen", []),  # an electronic seal
    "security_level_mismatch": ("clean_gongwen", ["ML114"]),  # CustomData SecurityLevel=秘密
}


def _judged(path: Path) -> FileResult:
    return scan_paths([str(path)], Settings(as_of=AS_OF, extend_select=["ML206"])).files[0]


def _markings(found: FileResult) -> list[tuple]:
    return [(m["text"], m["level"], m["term"]["kind"], m["term"]["raw"], m["struck"], m["primary"],
             m["location"]["page"], m["location"]["part"], m["location"]["line"]) for m in found.markings]


def _rules(found: FileResult, name: str, fmt: str) -> list[str]:
    lacking = {rule for rule, has, _why in EXCEPTIONS.get(name, []) if has == fmt}
    return sorted(f.rule for f in found.findings if f.rule not in lacking)


def test_every_pdf_fixture_has_an_ofd_copy() -> None:
    assert sorted(p.stem for p in (FIXTURES / "pdf").glob("*.pdf")) == PAIRS


@pytest.mark.parametrize("name", PAIRS)
def test_ofd_reads_as_its_pdf(name: str) -> None:
    pdf, ofd = _judged(FIXTURES / "pdf" / f"{name}.pdf"), _judged(FIXTURES / "ofd" / f"{name}.ofd")
    assert (ofd.status, reason_words(ofd.reason)) == (pdf.status, reason_words(pdf.reason))
    assert _markings(ofd) == _markings(pdf)
    assert ofd.issue_date == pdf.issue_date
    assert _rules(ofd, name, "ofd") == _rules(pdf, name, "pdf")


@pytest.mark.parametrize("name", sorted(SPECIALS))
def test_ofd_only_cases_read_as_the_pdf_they_were_made_from(name: str) -> None:
    source, added = SPECIALS[name]
    pdf, ofd = _judged(FIXTURES / "pdf" / f"{source}.pdf"), _judged(FIXTURES / "ofd" / f"{name}.ofd")
    assert _markings(ofd) == _markings(pdf)
    assert ofd.issue_date == pdf.issue_date
    assert sorted(f.rule for f in ofd.findings) == sorted([*(f.rule for f in pdf.findings), *added])
