"""The shortcuts judging takes for speed (BENCHMARKS.md, Session 6: judging) give what the long way gives:
the model's quicker constructors and pickling, the first page's rows read only as far as the marking places
need, the form and content rules' defects sorted out once per document."""

from __future__ import annotations

import inspect
import pickle
from dataclasses import FrozenInstanceError, dataclass, fields, replace
from datetime import date
from pathlib import Path

import pytest

from marklint.analysis import PLACE_ROWS, _rows, first_text_page
from marklint.checks.context import Context
from marklint.checks.form import with_defect
from marklint.checks.registry import RULES, all_rules
from marklint.config import Settings
from marklint.driver import judge, read_document
from marklint.model import Location, Part, Severity, StyleSpan, TextUnit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
#: Fixture documents of every text kind (the scans, read by OCR, are left out: slow, and no different here).
DOCUMENTS = sorted(path for folder in ("docx", "pdf", "ofd", "doc", "text") for path in (FIXTURES / folder).iterdir()
                   if path.suffix in (".docx", ".pdf", ".ofd", ".doc", ".wps", ".txt"))


@dataclass(frozen=True, slots=True)
class ReferenceSpan:
    """StyleSpan as dataclasses alone would make it."""

    start: int
    end: int
    font: str | None = None
    size: float | None = None
    struck: bool = False
    color: str | None = None


def test_the_quicker_constructors_take_the_dataclass_signature() -> None:
    assert str(inspect.signature(StyleSpan)) == str(inspect.signature(ReferenceSpan))
    assert [(f.name, f.default) for f in fields(StyleSpan)] == [(f.name, f.default) for f in fields(ReferenceSpan)]
    assert list(inspect.signature(TextUnit).parameters) == [f.name for f in fields(TextUnit)]
    assert StyleSpan(1, 3) == StyleSpan(start=1, end=3, font=None, size=None, struck=False, color=None)


def test_the_quicker_constructors_keep_units_frozen_hashable_and_picklable() -> None:
    span = StyleSpan(0, 4, "SimHei", 16.0, True, "FF0000")
    unit = TextUnit("机密★5年", "header", 2, 1, (1.0, 2.0, 3.0, 4.0), (span,), align="right")
    assert unit.part is Part.HEADER
    assert (unit.text, unit.page, unit.line, unit.spans, unit.align, unit.source) == (
        "机密★5年", 2, 1, (span,), "right", "text")
    with pytest.raises(FrozenInstanceError):
        unit.text = "秘密"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        span.size = 12.0  # type: ignore[misc]
    assert hash(unit) == hash(TextUnit("机密★5年", Part.HEADER, 2, 1, (1.0, 2.0, 3.0, 4.0), (span,), "right"))
    assert pickle.loads(pickle.dumps(unit)) == unit
    assert replace(unit, part="footer").part is Part.FOOTER


@pytest.mark.parametrize("part", ["preface", 3, None])
def test_a_part_that_is_no_part_is_refused_as_before(part: object) -> None:
    with pytest.raises(ValueError, match="is not a valid Part"):
        TextUnit("text", part, 1, 1)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def documents() -> list:
    settings = Settings(as_of=date(2026, 11, 27))
    return [read_document(path, path.name, settings) for path in DOCUMENTS]


def test_the_first_page_rows_read_as_far_as_needed_are_those_of_the_whole_page(documents: list) -> None:
    for doc in documents:
        page = first_text_page(doc)
        assert _rows(doc, page) == _rows(doc, page, limit=len(doc.units) + 1)[:PLACE_ROWS], doc.path


def test_the_defects_sorted_out_once_are_those_each_rule_reports(documents: list) -> None:
    settings = Settings(as_of=date(2026, 11, 27))
    defect_rules = [declared.id for declared in all_rules() if declared.defects]
    seen = 0
    for doc in documents:
        ctx = Context(doc, settings)
        for rule_id in defect_rules:
            kinds = RULES[rule_id].defects
            expected = [(found, defect) for found in ctx.analysis.live for defect in found.marking.defects
                        if defect.kind in kinds]
            assert list(with_defect(ctx, rule_id)) == expected, (doc.path, rule_id)
            seen += len(expected)
    assert seen > 50  # the fixtures show every defect kind: the comparison is not of empty lists


def test_results_pickle_back_to_the_same_report(documents: list) -> None:
    """What a worker hands the parent: every result of the fixtures, pickled and read back, reports the same."""
    settings = Settings(as_of=date(2026, 11, 27))
    results = [judge(doc, settings) for doc in documents]
    back = pickle.loads(pickle.dumps(results, pickle.HIGHEST_PROTOCOL))
    assert [result.to_json() for result in back] == [result.to_json() for result in results]
    assert [result.findings for result in back] == [result.findings for result in results]
    assert sum(len(result.findings) for result in back) > 50
    finding = back[0].findings[0] if back[0].findings else next(f for r in back for f in r.findings)
    assert type(finding.severity) is Severity and type(finding.location) is Location
