"""The inspection report without a browser: the model built from the JSON report (numbering, grouping,
deadlines, counts, legal basis), the [report] settings, the workbook, the saved-report command and the
errors it gives. The page itself is tested in a real browser in test_inspection_browser."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from marklint.checks.registry import catalogue
from marklint.cli import main
from marklint.config import ReportSettings, Settings, load_settings
from marklint.errors import ConfigError
from marklint.model import Reason, ReasonKind
from marklint.report import xlsx
from marklint.report.html import css_string, render
from marklint.report.inspection import ReportOptions, flatten, from_json
from marklint.report.legal import Citation, basis_text, citations_in, rule_basis
from marklint.report.saved import SavedReportError, load

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
AS_OF = ["--as-of", "2026-11-27"]


def finding(rule: str, severity: str, page: int | None = 1, line: int | None = 2, part: str = "body") -> dict:
    return {"rule": rule, "name": f"name-{rule}", "severity": severity, "message": f"message {rule}",
            "location": {"page": page, "part": part, "line": line, "bbox": None}}


def marking(text: str, level: str, expires: str | None, primary: bool = True, struck: bool = False) -> dict:
    term = {"kind": "duration", "raw": "5年", "amount": 5, "unit": "年", "until": None, "condition": None}
    return {"text": text, "level": level, "term": term, "scope": None, "struck": struck, "primary": primary,
            "expires": expires, "expiry_basis": "成文日期" if expires else None,
            "location": {"page": 1, "part": "body", "line": 2, "bbox": None}}


def entry(path: str, status: str = "complete", reason: str | None = None, markings: list | None = None,
          findings: list | None = None, **extra: object) -> dict:
    """A file entry; its level is its highest live marking's, as the scan writes it."""
    live = [m["level"] for m in markings or [] if not m["struck"]]
    level = next((name for name in ("绝密", "机密", "秘密") if name in live), None)
    return {"path": path, "format": path.rsplit(".", 1)[-1], "status": status, "reason": reason,
            "markings": markings or [], "issue_date": None, "level": level, "findings": findings or [], **extra}


REPORT = {
    "version": 1, "tool": {"name": "marklint", "version": "0.1.0"}, "as_of": "2026-11-27",
    "scan": {"date": "2026-12-01", "roots": ["archive"], "lang": "zh"},
    "files": [
        entry("archive/a.docx", markings=[marking("秘密☆1年", "秘密", "2025-03-06")],
              findings=[finding("ML101", "error"), finding("ML301", "warning")]),
        entry("archive/b.pdf", status="not-examined", reason="encrypted: password", findings=[finding("ML901", "error",
                                                                                                       None, None)]),
        entry("archive/c.docx", markings=[marking("秘密★1年", "秘密", "2026-12-20"),
                                          marking("机密★5年", "机密", "2031-03-01", primary=False, struck=True)]),
        entry("archive/d.pdf", status="partial", reason="over a safety limit: page 3",
              markings=[marking("机密★2年", "机密", "2027-06-30")],
              findings=[finding("ML903", "warning", None, None), finding("ML202", "warning", 1, 2)],
              embedded=[entry("archive/d.pdf!/annex.docx", markings=[marking("绝密★30年", "绝密", "2060-01-01")],
                              findings=[finding("ML114", "warning", None, None, "metadata")])]),
        entry("archive/e.txt"),
    ],
    "summary": {"files": 6, "marked": 4, "not_examined": 1, "findings": {"error": 2, "warning": 4, "info": 0}},
}


@pytest.fixture
def model():
    return from_json(REPORT, ReportOptions(rectify_days=20, unit="江川市某局"))


def test_findings_numbered_in_file_order_with_their_kind_and_basis(model) -> None:
    rows = [(f.number, f.path, f.rule, f.kind, f.severity) for f in model.findings]
    assert rows == [
        (1, "archive/a.docx", "ML101", "marking", "error"),
        (2, "archive/a.docx", "ML301", "change_and_declassification", "warning"),
        (3, "archive/b.pdf", "ML901", "coverage", "error"),
        (4, "archive/d.pdf", "ML903", "coverage", "warning"),
        (5, "archive/d.pdf", "ML202", "content", "warning"),
        (6, "archive/d.pdf!/annex.docx", "ML114", "marking", "warning"),
    ]
    assert model.findings[4].basis == (Citation("law", "20"),)
    assert model.findings[1].basis == (Citation("law", "24(1)"), Citation("law", "24(2)"))
    assert model.findings[2].basis == ()


def test_rectification_items_group_per_file_with_one_deadline(model) -> None:
    items = model.rectification()
    assert [(i.number, i.path, [f.number for f in i.findings], i.worst) for i in items] == [
        (1, "archive/a.docx", [1, 2], "error"),
        (2, "archive/b.pdf", [3], "error"),
        (3, "archive/d.pdf", [4, 5], "warning"),
        (4, "archive/d.pdf!/annex.docx", [6], "warning"),
    ]
    assert model.inspection_date == date(2026, 12, 1)  # the day the scan ran, not the as-of date
    assert {i.deadline for i in items} == {date(2026, 12, 21)}


def test_counts_agree_with_the_json_summary(model) -> None:
    counts = model.counts()
    assert (counts["files"], counts["marked"], counts["not_examined"]) == (6, 4, 1)
    assert model.severity_counts() == REPORT["summary"]["findings"]
    assert (counts["classified"], counts["partial"], counts["findings"]) == (4, 1, 6)
    assert dict(model.level_counts()) == {"绝密": 1, "机密": 1, "秘密": 2, "unmarked": 1, "not_examined": 1}
    kinds = dict(model.kind_counts())
    assert kinds["marking"] == {"error": 1, "warning": 1, "info": 0}
    assert kinds["coverage"] == {"error": 1, "warning": 1, "info": 0}
    assert sum(sum(c.values()) for c in kinds.values()) == 6


def test_a_report_without_the_level_key_takes_the_primary_markings() -> None:
    older = json.loads(json.dumps(REPORT))
    for file in flatten(older["files"]):
        file.pop("level")
    assert [f.level for f in from_json(older, ReportOptions()).files] == ["秘密", None, "秘密", "机密", "绝密", None]


def test_expiry_buckets_relative_to_the_as_of_date(model) -> None:
    # a.docx expired 2025-03-06; c.docx this year (2026-12-20); d.pdf 2027; the annex beyond 2030: later.
    assert model.expiry_counts() == [("expired", 1), ("2026", 1), ("2027", 1), ("2028", 0), ("2029", 0),
                                     ("2030", 0), ("later", 1)]


def test_not_examined_lists_unread_files_then_partly_read_ones(model) -> None:
    assert [(f.path, f.status, f.reason) for f in model.not_examined] == [
        ("archive/b.pdf", "not-examined", Reason(ReasonKind.ENCRYPTED, "password")),
        ("archive/d.pdf", "partial", Reason(ReasonKind.OVER_LIMIT, "page 3")),
    ]


def test_appendix_lists_every_file_with_its_markings(model) -> None:
    rows = {f.path: f for f in model.files}
    assert list(rows) == ["archive/a.docx", "archive/b.pdf", "archive/c.docx", "archive/d.pdf",
                          "archive/d.pdf!/annex.docx", "archive/e.txt"]
    assert [(m.text, m.struck, m.primary) for m in rows["archive/c.docx"].markings] == [
        ("秘密★1年", False, True), ("机密★5年", True, False)]
    assert (rows["archive/c.docx"].level, rows["archive/e.txt"].level, rows["archive/a.docx"].findings) == (
        "秘密", None, 2)


def test_basis_of_the_title_block_is_every_article_cited_once(model) -> None:
    # ML101: 实施条例 Art 21, 定密管理规定; ML301: Art 24(1), 24(2); ML202: Art 20; ML114: Art 22; ML9xx: none.
    assert basis_text(model.basis(), "zh") == ("《保守国家秘密法》第20条、第22条、第24条第1款、第24条第2款；"
                                               "《保守国家秘密法实施条例》第21条；《国家秘密定密管理规定》")
    assert basis_text(model.basis(), "en") == (
        "Law on Guarding State Secrets Art 20, Art 22, Art 24(1), Art 24(2); Implementing Regulations of the Law "
        "on Guarding State Secrets Art 21; Provisions on the Administration of Classification")


def test_citations_are_read_from_the_why_paragraph() -> None:
    doc = ("Summary.\n\nWhy: the form (保密法实施条例 Art 21; 保密法 Art 16, 19) and GB/T 9704-2012 7.2.2; "
           "定密管理规定.\n\nWrong: 保密法 Art 99")
    assert citations_in(doc) == (Citation("law", "16"), Citation("law", "19"), Citation("regulations", "21"),
                                 Citation("classification"), Citation("layout", "7.2.2"))
    assert [c.text("zh") for c in rule_basis("ML109")] == ["《保守国家秘密法》第22条第3款"]
    assert [c.text("en") for c in rule_basis("ML115")] == [
        "Regulations on the Handling of Official Documents Art 9",
        "GB/T 9704-2012 Layout of Official Documents clause 7.2"]


def test_jsonl_gives_the_same_report(tmp_path: Path) -> None:
    lines = [json.dumps(e, ensure_ascii=False) for e in REPORT["files"]]
    tail = {"summary": REPORT["summary"], "as_of": REPORT["as_of"], "scan": REPORT["scan"]}
    saved = tmp_path / "r.jsonl"
    saved.write_text("\n".join([*lines, json.dumps(tail, ensure_ascii=False)]) + "\n", encoding="utf-8")
    options = ReportOptions()
    assert load(saved, options).findings == from_json(REPORT, options).findings
    assert load(saved, options).files == from_json(REPORT, options).files


@pytest.mark.parametrize(("text", "zh", "en"), [
    ("not json", "不是报告对象", "not a report object"),
    ('{"files": [{"path": 1}]}', "缺少 as_of", "no as_of"),
    ('{"summary": {}}\n', "汇总对象没有 as_of，由较早的 marklint 写成",
     "the summary object has no as_of: written by an earlier marklint"),
])
def test_a_file_that_is_not_a_report_is_an_error(tmp_path: Path, text: str, zh: str, en: str) -> None:
    saved = tmp_path / "r.json"
    saved.write_text(text, encoding="utf-8")
    with pytest.raises(SavedReportError):
        load(saved, ReportOptions())
    result = CliRunner().invoke(main, ["report", str(saved), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert result.output == f"marklint: {saved}：不是 marklint 报告（{zh}）\n"
    result = CliRunner().invoke(main, ["report", str(saved), "-o", str(tmp_path / "r.html"), "--lang", "en"])
    assert (result.exit_code, result.output) == (2, f"marklint: {saved}: not a marklint report ({en})\n")
    assert not (tmp_path / "r.html").exists()


def test_report_settings_from_the_configuration(tmp_path: Path) -> None:
    config = tmp_path / "marklint.toml"
    config.write_text('[report]\nunit = "江川市某局"\ninspectors = ["张某某", "李某某"]\nmarking = "秘密★1年"\n'
                      "rectify-days = 15\n", encoding="utf-8")
    settings, _ = load_settings(catalogue(), config)
    assert settings.report == ReportSettings("江川市某局", ["张某某", "李某某"], "秘密★1年", 15)
    assert Settings().report == ReportSettings("", [], "", 30)


@pytest.mark.parametrize("table", ['rectify-days = 0', 'rectify-days = "30"', "rectify-days = true",
                                   'inspectors = "张某某"', "unit = 3", 'deadline = "2027-01-01"'])
def test_bad_report_settings_are_errors(tmp_path: Path, table: str) -> None:
    config = tmp_path / "marklint.toml"
    config.write_text(f"[report]\n{table}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="report"):
        load_settings(catalogue(), config)


def test_command_line_does_not_import_jinja2() -> None:
    code = "import sys, marklint.cli; print('jinja2' in sys.modules, 'openpyxl' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_css_string_cannot_leave_the_style_element() -> None:
    assert css_string('秘密★1年') == '"秘密★1年"'
    assert css_string('x"; } </style><script>') == '"x\\22 \\3b  \\7d  \\3c \\2f style\\3e \\3c script\\3e "'


def test_page_escapes_names_and_carries_the_settings(tmp_path: Path) -> None:
    data = json.loads(json.dumps(REPORT))
    data["files"][0]["path"] = "archive/<script>alert(1)</script>.docx"
    page = render(from_json(data, ReportOptions(unit="<b>单位</b>", inspectors=("张某某", "李某某"),
                                                marking="秘密★1年")))
    assert "archive/&lt;script&gt;alert(1)&lt;/script&gt;.docx" in page
    assert "<script>alert" not in page and "<b>单位</b>" not in page
    assert "&lt;b&gt;单位&lt;/b&gt;" in page and "张某某、李某某" in page
    assert '@top-left { content: "秘密★1年"; }' in page
    assert page.count("<script") == 2  # the class switch in the head and the table script
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page


def test_workbook_has_the_rows_of_the_page(tmp_path: Path) -> None:
    model = from_json(REPORT, ReportOptions())
    saved = tmp_path / "r.xlsx"
    saved.write_bytes(xlsx.render(model))
    book = openpyxl.load_workbook(saved)
    assert book.sheetnames == ["问题清单", "文件清单"]
    findings = [list(r) for r in book["问题清单"].iter_rows(values_only=True)]
    assert findings[0] == ["序号", "文件", "页／行", "规则", "类别", "严重程度", "问题说明", "依据"]
    assert findings[1] == [1, "archive/a.docx", "1/2", "ML101 name-ML101", "标志不当", "错误", "message ML101",
                           "《保守国家秘密法实施条例》第21条；《国家秘密定密管理规定》"]
    assert [r[0] for r in findings[1:]] == [1, 2, 3, 4, 5, 6]
    assert findings[6][2] == "元数据"
    files = [list(r) for r in book["文件清单"].iter_rows(values_only=True)]
    assert files[0] == ["序号", "文件", "格式", "状态", "国家秘密标志", "密级", "问题数"]
    # "password" is no detail marklint writes: with no Chinese form, it is left out of the Chinese text.
    assert files[2] == [2, "archive/b.pdf", "pdf", "未能检查\n文件已加密", "—", "—", 1]
    assert files[3][4] == "秘密★1年\n机密★5年 (已划去)"
    english = openpyxl.load_workbook(_saved(tmp_path, xlsx.render(from_json(REPORT, ReportOptions(lang="en")))))
    assert english.sheetnames == ["findings", "files"]
    assert [c.value for c in english["findings"][1]] == ["No.", "File", "Page / line", "Rule", "Kind", "Severity",
                                                         "Message", "Basis"]


def _saved(folder: Path, data: bytes) -> Path:
    path = folder / "saved.xlsx"
    path.write_bytes(data)
    return path


def test_scan_and_report_give_the_same_workbook_rows(tmp_path: Path) -> None:
    """`scan --format xlsx` and `report r.json --format xlsx` of the shipped fixtures: the same rows."""
    scanned, saved = tmp_path / "scan.xlsx", tmp_path / "r.json"
    result = CliRunner().invoke(main, ["scan", str(FIXTURES), *AS_OF, "-j", "1", "-q", "--format", "xlsx",
                                       "-o", str(scanned), "--json-output", str(saved)])
    assert result.exit_code == 1, result.output
    again = tmp_path / "report.xlsx"
    assert CliRunner().invoke(main, ["report", str(saved), "--format", "xlsx", "-o", str(again)]).exit_code == 0
    data = json.loads(saved.read_text(encoding="utf-8"))
    rows = {name: [list(r) for r in sheet.iter_rows(values_only=True)]
            for name, sheet in zip(*_sheets(scanned), strict=True)}
    assert rows == {name: [list(r) for r in sheet.iter_rows(values_only=True)]
                    for name, sheet in zip(*_sheets(again), strict=True)}
    assert len(rows["问题清单"]) - 1 == sum(len(f["findings"]) for f in data["files"])
    assert [r[1] for r in rows["文件清单"][1:]] == [f["path"] for f in data["files"]]


def _sheets(path: Path) -> tuple[list[str], list]:
    book = openpyxl.load_workbook(path)
    return book.sheetnames, list(book.worksheets)


def test_xlsx_needs_an_output_file() -> None:
    result = CliRunner().invoke(main, ["scan", str(FIXTURES / "text"), "--format", "xlsx"])
    assert result.exit_code == 2
    assert result.output == "marklint: --format xlsx 需要 --output 文件（工作簿不能输出到终端）\n"


def test_pdf_without_a_browser_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No chromium, chromium-browser or google-chrome on PATH: a clear error and exit 2, before the scan."""
    monkeypatch.setenv("PATH", str(tmp_path))
    target = tmp_path / "r.pdf"
    result = CliRunner().invoke(main, ["scan", str(FIXTURES / "text"), "--pdf-output", str(target)])
    assert result.exit_code == 2
    assert result.output == ("marklint: --pdf-output 需要无界面的 Chromium，但在 PATH 中没有找到（查找了 chromium、"
                             "chromium-browser、google-chrome）；请安装一个，或用 --browser PATH 指定\n")
    result = CliRunner().invoke(main, ["scan", str(FIXTURES / "text"), "--pdf-output", str(target),
                                       "--browser", str(tmp_path / "nope"), "--lang", "en"])
    assert (result.exit_code, result.output) == (2, f"marklint: --browser {tmp_path / 'nope'}: no such executable\n")
    assert not target.exists()


def test_saved_jsonl_and_json_of_one_scan_give_one_report(tmp_path: Path) -> None:
    """`marklint report` of the JSONL a scan streamed equals the report of its JSON; without --lang the
    page is in the language of the scan's messages."""
    saved, streamed = tmp_path / "r.json", tmp_path / "r.jsonl"
    base = ["scan", str(FIXTURES / "text"), *AS_OF, "-j", "1", "-q", "--lang", "en"]
    assert CliRunner().invoke(main, [*base, "--format", "jsonl", "-o", str(streamed),
                                     "--json-output", str(saved)]).exit_code == 1
    pages = []
    for source in (saved, streamed):
        target = tmp_path / f"{source.suffix[1:]}.html"
        assert CliRunner().invoke(main, ["report", str(source), "-o", str(target)]).exit_code == 0
        pages.append(target.read_text(encoding="utf-8"))
    assert pages[0] == pages[1]
    assert '<html lang="en">' in pages[0] and "List of findings" in pages[0]
    assert load(streamed, ReportOptions(lang="")).options.lang == "en"
    assert len(load(streamed, ReportOptions()).findings) == sum(
        len(f["findings"]) for f in json.loads(saved.read_text(encoding="utf-8"))["files"])


def test_every_not_examined_reason_has_its_words_in_both_languages() -> None:
    from marklint.errors import REASONS
    from marklint.report.words import REASON

    assert sorted(REASON["zh"]) == sorted(REASONS) == sorted(REASON["en"])
