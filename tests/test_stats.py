"""定密统计 (``marklint stats``): every table adds up to the totals of ``marklint scan`` on the same paths,
on the shipped fixtures and on the ledger archive of test_ledger; CSV and XLSX carry the numbers of the
JSON; the definitions (classifying marking, term buckets, the ledger's pseudo-file) hold."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from marklint.cli import main
from marklint.config import Settings
from marklint.driver import scan_paths
from marklint.model import Finding, Location, Severity, Status
from marklint.parsers.ocr import installed as ocr_installed
from marklint.report.stats import Statistics
from marklint.results import FileResult
from tests.helpers import fixture_manifest
from tests.test_ledger import make_archive, scan_json

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
AS_OF = ["--as-of", "2026-11-27"]
LEVELS = ("绝密", "机密", "秘密")
SEVERITIES = ("error", "warning", "info")
KIND_PREFIXES = {"marking": "ML1", "content": "ML2", "change_and_declassification": "ML3", "authority": "ML4",
                 "basis_and_procedure": "ML5", "coverage": "ML9"}


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def stats_json(*args: str) -> dict:
    code, output = invoke("stats", *args, "--format", "json", "-j", "1")
    assert code == 0, output
    return json.loads(output)


@pytest.fixture(scope="module")
def fixtures_run() -> tuple[dict, dict]:
    """(stats, scan) JSON for the shipped fixtures."""
    code, output = invoke("scan", str(FIXTURES), *AS_OF, "--format", "json", "-j", "1")
    assert code == 1  # the fixtures are full of defects
    return stats_json(str(FIXTURES), *AS_OF), json.loads(output)


@pytest.fixture(scope="module", params=["ledger_utf8.csv", "ledger.xlsx"])
def ledger_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, Path]:
    """(stats, scan, folder) JSON for test_ledger's archive with its config and ledger."""
    folder = make_archive(tmp_path_factory.mktemp("stats"), request.param)
    _, report = scan_json(folder)
    stats = stats_json(str(folder / "archive"), *AS_OF, "--config", str(folder / "marklint.toml"))
    return stats, report, folder


# Expected numbers, computed from the scan's JSON report independently of marklint.report.stats.

def is_ledger(file: dict) -> bool:
    return file["format"] in ("csv", "xlsx") and file["status"] == "complete"


def primary_marking(file: dict) -> dict | None:
    return next((m for m in file["markings"] if m["primary"]), None)


def term_key(term: dict) -> str:
    if term["kind"] != "duration":
        return term["kind"]
    months = term["amount"] * {"年": 12, "月": 1}[term["unit"]]  # no day terms in these archives
    for limit, key in ((12, "duration_le_1y"), (60, "duration_1_5y"), (120, "duration_5_10y"),
                       (240, "duration_10_20y")):
        if months <= limit:
            return key
    return "duration_gt_20y"


def expected_from_scan(report: dict) -> dict:
    documents = [f for f in report["files"] if not is_ledger(f)]
    findings = [x for f in report["files"] for x in f["findings"]]
    level: Counter[str] = Counter()
    term: Counter[str] = Counter()
    year: Counter[str] = Counter()
    for file in documents:
        marking = primary_marking(file)
        if file["status"] == "not-examined":
            level["not_examined"] += 1
        elif marking is None or file["level"] is None:  # none in force: struck, or declassified by a note
            level["unmarked"] += 1
        else:
            level[file["level"]] += 1
            term[term_key(marking["term"])] += 1
            year[marking["expires"][:4] if marking["expires"] else "none"] += 1
    kinds = {key: Counter(x["severity"] for x in findings if x["rule"].startswith(prefix))
             for key, prefix in KIND_PREFIXES.items()}
    return {
        "scanned": len(documents),
        "by_level": level,
        "by_term": term,
        "by_expiry_year": year,
        "expired": sum(any(x["rule"] == "ML301" for x in f["findings"]) for f in documents),
        "expiring": sum(any(x["rule"] == "ML302" for x in f["findings"]) for f in documents),
        "rules": Counter(x["rule"] for x in findings),
        "kinds": kinds,
        "ledger_rows_not_found": sum(x["rule"] == "ML507" for f in report["files"] if is_ledger(f)
                                     for x in f["findings"]),
    }


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {key: n for key, n in counts.items() if n}


def assert_reconciles(stats: dict, report: dict) -> None:
    """Every table of the statistics agrees with the scan of the same paths."""
    summary = report["summary"]
    files = stats["files"]
    findings_total = sum(summary["findings"].values())
    expected = expected_from_scan(report)
    # Files: the ledger's pseudo-file is in the scan's file count but is not a document.
    assert files["scanned"] + files["ledger_files"] == summary["files"] == len(report["files"])
    assert files["scanned"] == expected["scanned"]
    assert files["marked"] == summary["marked"]
    assert files["not_examined"] == summary["not_examined"]
    assert files["ledger_rows_not_found"] == expected["ledger_rows_not_found"]
    # By level: every document once.
    assert sum(stats["by_level"].values()) == files["scanned"]
    assert nonzero(stats["by_level"]) == dict(expected["by_level"])
    assert files["classified"] == sum(stats["by_level"][level] for level in LEVELS)
    # By term and by expiry year: every classified document once.
    assert sum(stats["by_term"].values()) == sum(stats["by_expiry_year"].values()) == files["classified"]
    assert nonzero(stats["by_term"]) == dict(expected["by_term"])
    assert nonzero(stats["by_expiry_year"]) == dict(expected["by_expiry_year"])
    assert (stats["expired"], stats["expiring"]) == (expected["expired"], expected["expiring"])
    assert stats["expired"] == summary_rule_count(report, "ML301")  # once per document
    # Findings by kind: per severity, the scan's counts.
    kinds = stats["findings_by_kind"]
    assert set(kinds) == set(KIND_PREFIXES)
    for severity, count in summary["findings"].items():
        assert sum(kind[severity] for kind in kinds.values()) == count
    assert sum(kind["total"] for kind in kinds.values()) == findings_total
    for key, counts in expected["kinds"].items():
        assert [kinds[key][s] for s in SEVERITIES] == [counts[s] for s in SEVERITIES]
    # Findings by rule: the rules that fired, each with the scan's count.
    assert {rule: v["count"] for rule, v in stats["findings_by_rule"].items()} == dict(expected["rules"])
    assert sum(v["count"] for v in stats["findings_by_rule"].values()) == findings_total
    # By issuer: every document and every finding once.
    issuers = stats["by_issuer"].values()
    assert sum(v["documents"] for v in issuers) == files["scanned"]
    assert sum(v["classified"] for v in issuers) == files["classified"]
    assert sum(v["findings"] for v in issuers) == findings_total


def summary_rule_count(report: dict, rule: str) -> int:
    return sum(x["rule"] == rule for f in report["files"] for x in f["findings"])


def test_fixture_statistics_reconcile_with_the_scan(fixtures_run: tuple[dict, dict]) -> None:
    stats, report = fixtures_run
    assert stats["as_of"] == "2026-11-27"
    assert_reconciles(stats, report)


#: Fixtures with no classifying marking, read by hand from the manifest's "about": no marking at all,
#: metadata only (wps_security_level), struck through (declassified), declassified by a note beside it
#: (declassified_note_below), or a ★ on a non-secret word (ml109 内部★, ml110 绝秘★). Entries not (yet) in
#: the manifest do not count.
#: OFD copies (fixtures/ofd) count as their PDFs do; ofd/glyph_index_only has no readable text (partial).
UNMARKED = ["README.md", "docx/clean_company_name.docx", "pdf/clean_company_name.pdf",
            "docx/clean_notice_quote.docx", "pdf/clean_notice_quote.pdf", "text/clean_notice.txt",
            "docx/wps_security_level.docx", "pdf/wps_security_level.pdf",
            "ofd/clean_company_name.ofd", "ofd/clean_notice_quote.ofd", "ofd/wps_security_level.ofd",
            "ofd/glyph_index_only.ofd", "docx/level_column_register.docx", "pdf/level_column_register.pdf",
            "ofd/level_column_register.ofd",
            "doc/clean_company_name.doc", "doc/clean_notice_quote.doc", "doc/wps_security_level.doc",
            "doc/level_column_register.doc", "doc/wps_unclassified.wps", "doc/wps_security_level.wps",
            "scans/clean_company_name.jpg"]
MARKED_NOT_CLASSIFIED = ["docx/declassified.docx", "pdf/declassified.pdf",
                         "docx/declassified_note_below.docx", "pdf/declassified_note_below.pdf",
                         "docx/ml109_star_non_secret.docx", "pdf/ml109_star_non_secret.pdf",
                         "docx/ml110_unknown_level.docx", "pdf/ml110_unknown_level.pdf",
                         "ofd/declassified.ofd", "ofd/ml109_star_non_secret.ofd", "ofd/ml110_unknown_level.ofd",
                         "ofd/declassified_note_below.ofd",
                         "doc/declassified.doc", "doc/ml109_star_non_secret.doc", "doc/ml110_unknown_level.doc",
                         "doc/declassified_note_below.doc"]


@pytest.mark.skipif(not ocr_installed(), reason="the hand counts include the scans as OCR reads them (the ocr "
                                                  "extra, as CI installs it); without it tests/test_ocr.py checks them")
def test_fixture_numbers_checked_by_hand_against_the_manifest(fixtures_run: tuple[dict, dict]) -> None:
    stats, _ = fixtures_run
    manifest = fixture_manifest()
    names = {entry["file"] for entry in manifest}
    unmarked = [name for name in UNMARKED if name in names]
    odd = [name for name in MARKED_NOT_CLASSIFIED if name in names]
    assert len(odd) == 16
    assert stats["files"] == {"scanned": len(manifest), "marked": len(manifest) - len(unmarked),
                              "classified": len(manifest) - len(unmarked) - 16, "not_examined": 0, "partial": 1,
                              "ledger_files": 0, "ledger_rows_not_found": 0}
    assert stats["by_level"]["unmarked"] == len(unmarked) + 16
    assert stats["by_level"]["绝密"] == 4  # ml104_brackets 绝密★（30年）, docx, pdf, ofd and doc
    levels = {entry["path"].removeprefix(f"{FIXTURES}/"): entry["level"] for entry in fixtures_run[1]["files"]}
    # A compilation counts at the level of its highest part, whatever its (lower) cover says; a document
    # judged by a lower canonical marking still counts at its highest marking in force.
    for name in ("compilation_cover_lower", "level_header_over_field"):
        assert {levels[f"{fmt}/{name}.{fmt}"] for fmt in ("docx", "pdf", "ofd", "doc")} == {"机密"}
    # ≤1年: expired_duration and expiring_soon, x4 each (docx, pdf, ofd, doc); header_conflict counts by its body
    # 机密★5年, the marking the checks judge, not by its header's 秘密★1年. 5-10 years:
    # struck_replaced_same_line's live 机密★10年 (not its struck 秘密★2年) and header_table_marking's 机密★10年
    # in its header table, x4 each; compilation_cover_lower's term is
    # its cover's 秘密★5年 (the primary marking), though its level is the inner 机密★10年 (above).
    # >10–20年: ml202 秘密★15年, layout_1999 and layout_1999_one_line 机密★20年; >20年: ml104 绝密★（30年）.
    # The scans (fixtures/scans, read by OCR) add: ≤1年 expired_duration and expiring_soon; 10-20年
    # ml202_term_exceeds 秘密★15年 and layout_1999_one_line 机密★20年; missing ml201_missing_term 机密★.
    assert {k: v for k, v in stats["by_term"].items() if k != "duration_1_5y"} == {
        "duration_le_1y": 8 + 2, "duration_5_10y": 8, "duration_10_20y": 12 + 2, "duration_gt_20y": 4,
        "date": 8, "condition": 8, "long-term": 4, "missing": 8 + 1}
    # Expired: the manifests' 24 ML301 (chinese_numeral_date, expired_date, expired_duration,
    # missing_term_expired, level_header_over_field, struck_replaced_same_line, docx, pdf, ofd and doc);
    # expiring: expiring_soon, docx, pdf, ofd and doc. The .wps copies add only 机密★5年 and unmarked files.
    # ... and the scans expired_duration_red_on_grey (ML301) and expiring_soon.tif (ML302).
    assert (stats["expired"], stats["expiring"]) == (24 + 1, 4 + 1)
    assert stats["findings_by_rule"]["ML301"] == {"name": "expired-term", "count": 24 + 1}
    # ML113: header_conflict, compilation_cover_lower, level_header_over_field and wps_header_field_under_title,
    # docx, pdf, ofd and doc.
    assert stats["findings_by_rule"]["ML113"] == {"name": "conflicting-markings", "count": 16}
    # Findings by kind: the manifest's expected rules by family.
    expected = Counter(rule[:3] for entry in manifest for rule in entry["expected"])
    assert {k: v["total"] for k, v in stats["findings_by_kind"].items()} == {
        key: expected[prefix] for key, prefix in KIND_PREFIXES.items()}
    assert stats["findings_by_kind"]["marking"]["name"] == "标志不当"


def test_issuers_follow_the_file_results() -> None:
    """The JSON scan report has no issuer: hold the statistics against the Python API's results."""
    results = scan_paths([str(FIXTURES)], Settings(as_of=date(2026, 11, 27))).files
    stats = Statistics(date(2026, 11, 27))
    for result in results:
        stats.add(result)
    issuers = stats.to_json()["by_issuer"]
    documents = Counter(r.issuer or "unknown" for r in results)
    findings: Counter[str] = Counter()
    for one in results:
        findings[one.issuer or "unknown"] += len(one.findings)
    assert {k: v["documents"] for k, v in issuers.items()} == dict(documents)
    assert {k: v["findings"] for k, v in issuers.items()} == {k: findings[k] for k in documents}
    # clean_notice_quote in docx, pdf, ofd and doc, and its .wps copy
    assert issuers["江川市保密局"] == {"documents": 5, "classified": 0, "findings": 0}


def test_streaming_with_workers_gives_the_same_statistics(fixtures_run: tuple[dict, dict]) -> None:
    stats = Statistics(date(2026, 11, 27))
    report = scan_paths([str(FIXTURES)], Settings(as_of=date(2026, 11, 27)), jobs=2, retain=False, on_result=stats.add)
    assert report.files == []
    assert stats.to_json() == fixtures_run[0]


def test_ledger_archive_statistics_reconcile_with_the_scan(ledger_run: tuple[dict, dict, Path]) -> None:
    stats, report, _ = ledger_run
    assert_reconciles(stats, report)
    # test_ledger's EXPECTED: 11 documents, 13 findings on them, one ML507 on the ledger (row 12).
    assert report["summary"]["files"] == 12
    assert stats["files"] == {"scanned": 11, "marked": 11, "classified": 10, "not_examined": 0, "partial": 0,
                              "ledger_files": 1, "ledger_rows_not_found": 1}
    assert stats["by_issuer"] == {"江川市人民政府": {"documents": 11, "classified": 10, "findings": 13},
                                  "(ledger)": {"documents": 0, "classified": 0, "findings": 1}}
    assert {k: v["total"] for k, v in stats["findings_by_kind"].items()} == {
        "marking": 5, "content": 0, "change_and_declassification": 0, "authority": 2,
        "basis_and_procedure": 7, "coverage": 0}
    # expired_duration's term ran out in 2025, but the ledger records the extension: no ML301, not expired.
    assert stats["by_expiry_year"]["2025"] == 1
    assert stats["expired"] == 0


def test_ledger_file_without_ml507_is_still_not_a_document(tmp_path: Path) -> None:
    folder = make_archive(tmp_path, "ledger_utf8.csv")
    _, report = scan_json(folder, "--ignore", "ML507")
    stats = stats_json(str(folder / "archive"), *AS_OF, "--config", str(folder / "marklint.toml"), "--ignore", "ML507")
    assert_reconciles(stats, report)
    assert (stats["files"]["ledger_files"], stats["files"]["ledger_rows_not_found"]) == (1, 0)
    assert "(ledger)" in stats["by_issuer"] and stats["by_issuer"]["(ledger)"]["findings"] == 0


# CSV and XLSX: the same numbers as JSON.

def json_cells(stats: dict, section: str, key: str) -> list[str]:
    """The values a CSV/XLSX row must show for ``section``/``key``, read from the JSON."""
    if section == "files":
        return [stats["as_of"] if key == "as_of" else str(stats["files"][key])]
    if section == "expiry_status":
        return [str(stats[key])]
    value = stats[section][key]
    if section == "findings_by_kind":
        return [str(value[s]) for s in (*SEVERITIES, "total")]
    if section == "findings_by_rule":
        return [str(value["count"])]
    if section == "by_issuer":
        return [str(value[s]) for s in ("documents", "classified", "findings")]
    return [str(value)]


def json_total(stats: dict, section: str) -> list[str]:
    rows = [json_cells(stats, section, key) for key in stats[section]]
    return [str(sum(int(row[i]) for row in rows)) for i in range(len(rows[0]))]


SECTIONS = ["files", "by_level", "by_term", "by_expiry_year", "expiry_status", "findings_by_kind",
            "findings_by_rule", "by_issuer"]


def assert_tables_match_json(tables: dict[str, dict[str, list[str]]], stats: dict) -> None:
    assert list(tables) == SECTIONS
    for section, rows in tables.items():
        keys = [k for k in rows if k != "total"]
        if section == "files":
            assert keys == ["as_of", *stats["files"]]
        elif section == "expiry_status":
            assert keys == ["expired", "expiring"]
        else:
            assert keys == list(stats[section])
            assert rows["total"] == json_total(stats, section)
        for key in keys:
            assert rows[key] == json_cells(stats, section, key), (section, key)


def test_csv_and_xlsx_hold_the_json_numbers(ledger_run: tuple[dict, dict, Path], tmp_path: Path) -> None:
    stats, _, folder = ledger_run
    common = [str(folder / "archive"), *AS_OF, "--config", str(folder / "marklint.toml"), "-j", "1"]
    assert invoke("stats", *common, "--format", "csv", "--output", str(tmp_path / "s.csv"))[0] == 0
    assert invoke("stats", *common, "--format", "xlsx", "--output", str(tmp_path / "s.xlsx"))[0] == 0

    raw = (tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # so Excel reads UTF-8
    csv_tables: dict[str, dict[str, list[str]]] = {}
    for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")):
        if row and row[0] != "section":  # blank lines part the tables; each has a header row
            csv_tables.setdefault(row[0], {})[row[1]] = row[3:]
    assert_tables_match_json(csv_tables, stats)

    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    xlsx_tables = {sheet.title: {str(row[0]): [str(v) for v in row[2:]]
                                 for row in sheet.iter_rows(min_row=2, values_only=True)}
                   for sheet in book.worksheets}
    assert_tables_match_json(xlsx_tables, stats)
    assert book["by_issuer"]["B1"].value == "机关"  # one language, Chinese by default


# Text: aligned tables with titles in one language (Chinese by default, English with --lang en).

def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_text_tables_are_aligned_and_total_as_the_json(fixtures_run: tuple[dict, dict]) -> None:
    code, text = invoke("stats", str(FIXTURES), *AS_OF, "-j", "1")
    assert code == 0
    blocks = text.rstrip("\n").split("\n\n")
    assert blocks[0] == "定密统计 2026-11-27"
    titles = [block.splitlines()[0] for block in blocks[1:]]
    assert titles == ["文件", "按密级", "按保密期限", "按届满年份", "期限状态", "按问题类别", "按规则", "按定密机关"]
    english = invoke("stats", str(FIXTURES), *AS_OF, "-j", "1", "--lang", "en")[1].rstrip("\n").split("\n\n")
    assert [english[0], *(block.splitlines()[0] for block in english[1:])] == [
        "classification statistics 2026-11-27", "files", "by level", "by term", "by expiry year", "expiry status",
        "findings by kind", "findings by rule", "by issuer"]
    for block in blocks[1:]:
        lines = block.splitlines()[1:]
        assert len({width(line) for line in lines}) == 1, block  # numbers right-aligned in CJK widths
    stats = fixtures_run[0]
    totals = {block.splitlines()[0]: block.splitlines()[-1].split()[1:] for block in blocks[1:]
              if "合计" in block}
    assert totals["按密级"] == [str(stats["files"]["scanned"])]
    assert totals["按保密期限"] == [str(stats["files"]["classified"])]
    kinds = stats["findings_by_kind"].values()
    assert totals["按问题类别"] == [str(sum(k[f] for k in kinds)) for f in (*SEVERITIES, "total")]
    assert "\n  ML301  expired-term  " in text


# The definitions, on hand-made results.

def marking(level: str, term: dict, struck: bool = False, expires: str | None = None, primary: bool = False
            ) -> dict:
    return {"text": "", "level": level, "term": term, "scope": None, "struck": struck, "primary": primary,
            "expires": expires, "expiry_basis": None, "location": {}}


def duration(amount: int, unit: str) -> dict:
    return {"kind": "duration", "raw": f"{amount}{unit}", "amount": amount, "unit": unit, "until": None,
            "condition": None}


def result(*markings: dict, status: Status = Status.COMPLETE, fmt: str = "docx",
           rules: tuple[str, ...] = (), level: str | None = None) -> FileResult:
    """A result; its level, unless given, is the primary marking's (a document with one marking in force)."""
    findings = [Finding(r, "x", Severity.INFO, "", Location()) for r in rules]
    level = level or next((m["level"] for m in markings if m["primary"]), None)
    return FileResult(path="f", format=fmt, status=status, reason=None, markings=list(markings), findings=findings,
                      level=level)


@pytest.mark.parametrize(("amount", "unit", "row"), [
    (1, "年", "duration_le_1y"), (12, "月", "duration_le_1y"), (365, "日", "duration_le_1y"),
    (13, "月", "duration_1_5y"), (18, "月", "duration_1_5y"), (366, "日", "duration_1_5y"), (5, "年", "duration_1_5y"),
    (6, "年", "duration_5_10y"), (10, "年", "duration_5_10y"), (20, "年", "duration_10_20y"),
    (21, "年", "duration_gt_20y"), (241, "月", "duration_gt_20y"),
])
def test_duration_buckets_count_months_and_days_by_length(amount: int, unit: str, row: str) -> None:
    stats = Statistics(date(2026, 11, 27))
    stats.add(result(marking("秘密", duration(amount, unit), primary=True)))
    assert {k: n for k, n in stats.to_json()["by_term"].items() if n} == {row: 1}


def test_classifying_marking_is_the_one_the_checks_judge() -> None:
    stats = Statistics(date(2026, 11, 27))
    stats.add(result(marking("秘密", duration(1, "年"), struck=True, expires="2021-03-06"),
                     marking("内部", duration(5, "年")),
                     marking("秘密", duration(1, "年"), expires="2027-03-06"),  # e.g. a page header's
                     marking("机密", duration(5, "年"), expires="2031-03-06", primary=True),
                     marking("绝密", duration(30, "年"), expires="2056-03-06")))
    stats.add(result(marking("秘密", duration(1, "年"), struck=True)))  # declassified: unmarked
    stats.add(result(marking("内部", duration(5, "年"))))  # not a state secret: unmarked
    stats.add(result(status=Status.NOT_EXAMINED, fmt="xlsx", rules=("ML901",)))  # an unread workbook is a document
    data = stats.to_json()
    assert data["by_level"] == {"绝密": 0, "机密": 1, "秘密": 0, "unmarked": 2, "not_examined": 1}
    assert data["by_expiry_year"] == {"2031": 1, "none": 0}
    assert data["files"]["marked"] == 3 and data["files"]["scanned"] == 4
    assert data["findings_by_kind"]["coverage"]["info"] == 1


def test_ledger_pseudo_file_counts_findings_not_documents() -> None:
    stats = Statistics(date(2026, 11, 27))
    stats.add(result(marking("机密", duration(5, "年"), primary=True), rules=("ML301",)))
    stats.add(result(fmt="csv", rules=("ML507", "ML507")))
    data = stats.to_json()
    assert data["files"]["scanned"] == 1 and data["files"]["ledger_files"] == 1
    assert data["files"]["ledger_rows_not_found"] == 2
    assert data["by_issuer"] == {"unknown": {"documents": 1, "classified": 1, "findings": 1},
                                 "(ledger)": {"documents": 0, "classified": 0, "findings": 2}}
    assert data["expired"] == 1
    assert data["findings_by_kind"]["basis_and_procedure"]["total"] == 2


# Exit status: statistics are not a gate.

def test_exit_status(tmp_path: Path) -> None:
    assert invoke("stats", str(FIXTURES / "docx" / "ml101_separator.docx"), *AS_OF)[0] == 0  # a finding: still 0
    code, output = invoke("stats", str(FIXTURES), *AS_OF, "--format", "xlsx")
    assert code == 2 and "--output" in output
    assert invoke("stats", str(FIXTURES), "--as-of", "27/11/2026")[0] == 2
    assert invoke("stats", str(FIXTURES), *AS_OF, "--select", "ML999")[0] == 2
    folder = make_archive(tmp_path, "missing_column.csv")
    code, output = invoke("stats", str(folder / "archive"), "--config", str(folder / "marklint.toml"))
    assert code == 2 and "：缺少列 密级 [level]" in output
