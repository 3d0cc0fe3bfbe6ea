"""Every shipped fixture gives exactly the findings its manifest entry expects."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from marklint.config import Settings
from marklint.driver import scan_paths
from marklint.parsers.ocr import installed as ocr_installed
from tests.helpers import fixture_manifest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


AS_OF = date(2026, 11, 27)
#: Scans (fixtures/scans) give their manifest's verdict where OCR is installed (the ocr extra, as CI runs);
#: without it, every one is ML902 (no text layer, with the hint), and no opt-in rule fires on it.
MANIFEST = [entry if ocr_installed() or not entry["file"].startswith("scans/")
            else {"file": entry["file"], "expected": ["ML902"], "about": entry["about"]}
            for entry in fixture_manifest()]


@pytest.fixture(scope="module")
def default_report() -> dict[str, list[str]]:
    report = scan_paths([str(FIXTURES)], Settings(as_of=AS_OF))
    root = str(FIXTURES) + "/"
    return {r.path.removeprefix(root): sorted(f.rule for f in r.findings) for r in report.files}


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_fixture_findings(entry: dict, default_report: dict[str, list[str]]) -> None:
    assert default_report[entry["file"]] == sorted(entry["expected"])


def test_every_scanned_fixture_is_in_the_manifest(default_report: dict[str, list[str]]) -> None:
    assert sorted(default_report) == sorted(e["file"] for e in MANIFEST)


def test_opt_in_rules() -> None:
    report = scan_paths([str(FIXTURES)], Settings(as_of=AS_OF, extend_select=["ML206"]))
    root = str(FIXTURES) + "/"
    got = {r.path.removeprefix(root) for r in report.files if any(f.rule == "ML206" for f in r.findings)}
    assert got == {e["file"] for e in MANIFEST if "ML206" in e.get("opt_in", {})}


def test_every_rule_of_the_form_content_layout_and_lifecycle_families_is_exercised_in_docx_and_pdf() -> None:
    fired: dict[str, set[str]] = {}
    for entry in MANIFEST:
        for rule_id in [*entry["expected"], *entry.get("opt_in", {})]:
            fired.setdefault(rule_id, set()).add(entry["file"].split("/")[0])
    for rule_id in [f"ML{n}" for n in (*range(101, 116), *range(201, 207), 301, 302, 304)]:
        assert {"docx", "pdf"} <= fired.get(rule_id, set()), rule_id
