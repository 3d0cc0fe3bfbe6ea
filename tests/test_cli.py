"""The command line end to end: exit status, formats, configuration, selection, baselines, SARIF."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from marklint.checks.registry import all_rules
from marklint.cli import main
from marklint.parsers.ocr import installed as ocr_installed
from tests.helpers import fixture_manifest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
AS_OF = ["--as-of", "2026-11-27"]
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    runner = CliRunner()
    if cwd is None:
        result = runner.invoke(main, list(args))
    else:
        with runner.isolated_filesystem(temp_dir=cwd) as folder:
            del folder
            result = runner.invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A scan folder with three fixtures: clean, one error, one warning."""
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(FIXTURES / "docx" / "clean_gongwen.docx", folder / "a_clean.docx")
    shutil.copy(FIXTURES / "docx" / "ml101_separator.docx", folder / "b_separator.docx")
    shutil.copy(FIXTURES / "pdf" / "ml203_long_term.pdf", folder / "c_long.pdf")
    return folder


def rules_in(output: str) -> list[str]:
    return sorted(f["rule"] for file in json.loads(output)["files"] for f in file["findings"])


def test_exit_status_follows_fail_on(docs: Path) -> None:
    assert run("scan", str(docs / "a_clean.docx"), *AS_OF)[0] == 0
    assert run("scan", str(docs), *AS_OF)[0] == 1
    assert run("scan", str(docs / "c_long.pdf"), *AS_OF, "--fail-on", "error")[0] == 0
    assert run("scan", str(docs / "c_long.pdf"), *AS_OF, "--fail-on", "warning")[0] == 1
    assert run("scan", str(docs), *AS_OF, "--exit-zero")[0] == 0
    assert run("scan", str(docs), "--as-of", "27/11/2026")[0] == 2
    assert run("scan", str(docs), *AS_OF, "--select", "ML999")[0] == 2


def test_text_lines_and_summary(docs: Path) -> None:
    code, out = run("scan", str(docs), *AS_OF, "--lang", "en")
    lines = out.strip().splitlines()
    assert code == 1
    assert lines[0] == (f"{docs}/b_separator.docx:1:2: ML101 [error] \"秘密☆2年\" uses a separator other than ★; "
                        "should be \"秘密★2年\"")
    assert lines[1].startswith(f"{docs}/c_long.pdf:1:2: ML203 [warning] ")
    assert lines[2] == ("3 files scanned, 3 marked, 0 not examined, 0 partially examined, 0 skipped; "
                        "1 error, 1 warning, 0 info")
    assert run("scan", str(docs), *AS_OF, "--quiet")[1].count("\n") == 2


def test_json_contract(docs: Path) -> None:
    code, out = run("scan", str(docs), *AS_OF, "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert list(report) == ["version", "tool", "as_of", "scan", "files", "summary", "skipped"]  # skipped: issue 14
    assert report["scan"] == {"date": date.today().isoformat(), "roots": [str(docs)], "lang": "zh"}
    assert (report["version"], report["tool"]["name"], report["as_of"]) == (1, "marklint", "2026-11-27")
    assert [f["path"] for f in report["files"]] == [str(docs / n) for n in ("a_clean.docx", "b_separator.docx",
                                                                             "c_long.pdf")]
    first = report["files"][0]
    assert (first["format"], first["status"], first["reason"], first["issue_date"]) == (
        "docx", "complete", None, "2026-03-06")
    assert [(m["text"], m["level"], m["scope"], m["expires"], m["expiry_basis"]) for m in first["markings"]] == [
        ("机密★5年", "机密", "发至县级", "2031-03-06", "印发日期")]
    finding = report["files"][1]["findings"][0]
    assert finding == {"rule": "ML101", "name": "nonstandard-separator", "severity": "error",
                       "message": "“秘密☆2年”的分隔符不是★，应为“秘密★2年”",
                       "location": {"page": 1, "part": "body", "line": 2, "bbox": None}}
    assert report["summary"] == {"files": 3, "marked": 3, "not_examined": 0,
                                 "findings": {"error": 1, "warning": 1, "info": 0}, "partial": 0, "skipped": 0}
    assert report["skipped"] == []


def test_jsonl_and_parallel_output_equal_serial(docs: Path) -> None:
    serial = run("scan", str(FIXTURES), *AS_OF, "--format", "json", "-j", "1")[1]
    parallel = run("scan", str(FIXTURES), *AS_OF, "--format", "json", "-j", "2")[1]
    assert serial == parallel
    lines = [json.loads(line) for line in run("scan", str(docs), *AS_OF, "--format", "jsonl")[1].splitlines()]
    assert [line.get("path") for line in lines[:-1]] == [str(docs / n) for n in ("a_clean.docx", "b_separator.docx",
                                                                                  "c_long.pdf")]
    assert lines[-1] == {"summary": {"files": 3, "marked": 3, "not_examined": 0,
                                     "findings": {"error": 1, "warning": 1, "info": 0}, "partial": 0, "skipped": 0},
                         "skipped": [],
                         "as_of": "2026-11-27", "scan": {"date": date.today().isoformat(), "roots": [str(docs)],
                                                         "lang": "zh"}}


def test_selection(docs: Path) -> None:
    base = ("scan", str(docs), *AS_OF, "--format", "json")
    assert rules_in(run(*base)[1]) == ["ML101", "ML203"]
    assert rules_in(run(*base, "--select", "ML2")[1]) == ["ML203"]
    assert rules_in(run(*base, "--ignore", "ML101")[1]) == ["ML203"]
    assert rules_in(run(*base, "--select", "ML1,ML2", "--ignore", "ML203")[1]) == ["ML101"]
    # ML206 is opt-in: a prefix does not turn it on, its ID does.
    missing_scope = str(FIXTURES / "docx" / "ml206_missing_scope.docx")
    assert rules_in(run("scan", missing_scope, *AS_OF, "--format", "json", "--select", "ML2")[1]) == []
    assert rules_in(run("scan", missing_scope, *AS_OF, "--format", "json", "--extend-select", "ML206")[1]) == [
        "ML206"]


def test_configuration_discovery_and_precedence(docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.marklint]\nignore = ["ML101"]\nfail-on = "error"\n'
        '[tool.marklint.severity]\nML203 = "info"\n', encoding="utf-8")
    monkeypatch.chdir(project / "sub")
    code, out = run("scan", str(docs), *AS_OF, "--format", "json")
    report = json.loads(out)
    assert code == 0  # fail-on error, and ML101 is ignored
    assert [(f["rule"], f["severity"]) for file in report["files"] for f in file["findings"]] == [("ML203", "info")]
    assert run("scan", str(docs), *AS_OF, "--fail-on", "info")[0] == 1  # the flag beats the file
    (project / "marklint.toml").write_text('select = ["ML1"]\n', encoding="utf-8")
    assert rules_in(run("scan", str(docs), *AS_OF, "--format", "json")[1]) == ["ML101"]  # nearer-first order
    other = tmp_path / "other.toml"
    other.write_text('per-file-ignores = { "*separator*" = ["ML1"] }\n', encoding="utf-8")
    assert rules_in(run("scan", str(docs), *AS_OF, "--format", "json", "--config", str(other))[1]) == ["ML203"]
    code, out = run("config", "--config", str(other))
    assert code == 0 and out.startswith(f"# 配置文件：{other}\n")
    assert run("config", "--config", str(other), "--lang", "en")[1].startswith(f"# configuration: {other}\n")
    assert tomllib.loads(out)["per-file-ignores"] == {"*separator*": ["ML1"]}
    code, out = run("config", "--config", str(other), "--format", "json")
    assert code == 0 and json.loads(out)["source"] == str(other)
    assert json.loads(out)["settings"]["per_file_ignores"] == {"*separator*": ["ML1"]}


@pytest.mark.parametrize(("content", "zh", "en"), [
    ('colour = "red"\n', "未知的配置项 colour", "unknown key(s) colour"),
    ('fail-on = "fatal"\n', "fail-on 只能是 error、warning、info 之一，不能是 'fatal'",
     "fail-on must be one of error, warning, info, not 'fatal'"),
    ('select = "ML1"\n', "select 必须是字符串列表", "select must be a list of strings"),
    ('ignore = ["XX1"]\n', "未知的规则或前缀 'XX1'", "unknown rule or prefix 'XX1'"),
    ('expiry-window = "ninety"\n', "expiry-window 必须是整数天数", "expiry-window must be a whole number"),
    ("[limits]\nmax_file_bytes = -1\n", "限制 max_file_bytes 必须是正数",
     "limit max_file_bytes must be a positive number"),
    ("select = [\n", "marklint.toml：TOML 语法错误（在文件末尾）", "marklint.toml: Invalid value (at end of document)"),
    ("select = [1 2]\n", "marklint.toml：TOML 语法错误（第 1 行第 13 列）", "marklint.toml: "),
])
def test_bad_configuration_is_exit_2(docs: Path, tmp_path: Path, content: str, zh: str, en: str) -> None:
    config = tmp_path / "marklint.toml"
    config.write_text(content, encoding="utf-8")
    for lang, message in (("zh", zh), ("en", en)):
        result = CliRunner().invoke(main, ["scan", str(docs), "--config", str(config), "--lang", lang])
        assert result.exit_code == 2
        assert message in result.output, result.output
    assert CliRunner().invoke(main, ["scan", str(docs), "--config", str(config)]).output.count(zh) == 1


def test_the_configuration_says_its_own_errors_in_its_language(docs: Path, tmp_path: Path) -> None:
    config = tmp_path / "marklint.toml"
    config.write_text('lang = "en"\nfail-on = "fatal"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", str(docs), "--config", str(config)])
    assert (result.exit_code, result.output) == (2, f"marklint: {config}: fail-on must be one of error, warning, "
                                                    "info, not 'fatal'\n")
    result = CliRunner().invoke(main, ["scan", str(docs), "--config", str(config), "--lang", "zh"])
    assert (result.exit_code, result.output) == (2, f"marklint: {config}：fail-on 只能是 error、warning、info 之一，"
                                                    "不能是 'fatal'\n")


def test_baseline_round_trip(docs: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    assert run("scan", str(docs), *AS_OF, "--write-baseline", str(baseline))[0] == 1
    entries = json.loads(baseline.read_text(encoding="utf-8"))["entries"]
    assert sorted(e["rule"] for e in entries) == ["ML101", "ML203"]
    assert all(set(e) == {"fingerprint", "rule", "path", "reason", "expires"} for e in entries)
    assert "秘密" not in baseline.read_text(encoding="utf-8")  # no document text in a baseline
    code, out = run("scan", str(docs), *AS_OF, "--baseline", str(baseline), "--format", "json")
    assert code == 0 and rules_in(out) == [] and json.loads(out)["baseline"] == {"suppressed": 2, "stale": 0}
    # A changed file: its old finding is stale and its new finding is reported.
    shutil.copy(FIXTURES / "docx" / "ml105_chinese_numerals.docx", docs / "b_separator.docx")
    code, out = run("scan", str(docs), *AS_OF, "--baseline", str(baseline), "--format", "json")
    assert code == 1 and rules_in(out) == ["ML105"]
    assert json.loads(out)["baseline"] == {"suppressed": 1, "stale": 1}
    # An expired entry stops suppressing.
    data = json.loads(baseline.read_text(encoding="utf-8"))
    for entry in data["entries"]:
        entry["expires"] = "2026-01-01"
        entry["reason"] = "accepted until the archive review"
    baseline.write_text(json.dumps(data), encoding="utf-8")
    assert rules_in(run("scan", str(docs), *AS_OF, "--baseline", str(baseline), "--format", "json")[1]) == [
        "ML105", "ML203"]


def test_sarif_validates_and_carries_what_github_needs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    sarif_file = tmp_path / "out.sarif"
    code, _ = run("scan", "fixtures", *AS_OF, "--sarif-output", str(sarif_file), "--quiet")
    assert code == 1
    sarif = json.loads(sarif_file.read_text(encoding="utf-8"))
    jsonschema.validate(sarif, SCHEMA)
    run_ = sarif["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in all_rules()]
    for rule in rules:
        assert set(rule) >= {"id", "name", "shortDescription", "fullDescription", "help", "defaultConfiguration"}
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert run_["columnKind"] == "unicodeCodePoints"
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"
    results = run_["results"]
    manifest = fixture_manifest()
    ocr = ocr_installed()  # without the ocr extra, every scan is one ML902 (tests/test_fixtures.py)
    assert len(results) == sum(len(entry["expected"]) if ocr or not entry["file"].startswith("scans/") else 1
                               for entry in manifest)
    fingerprints = set()
    for result in results:
        location = result["locations"][0]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%" and artifact["uri"].startswith("fixtures/")
        assert location["physicalLocation"]["region"]["startLine"] >= 1
        # A finding on text read from a scan also says so (OCR, issue 16): every scan's findings, no other's.
        scanned = ocr and artifact["uri"].startswith("fixtures/scans/")
        assert set(location["physicalLocation"]["region"]["properties"]) == (
            {"page", "part", "bbox", "source", "confidence"} if scanned else {"page", "part", "bbox"})
        assert result["message"]["text"].endswith(" (OCR)") == scanned
        assert location["logicalLocations"][0]["fullyQualifiedName"].startswith("page[")
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        fingerprints.add((artifact["uri"], result["partialFingerprints"]["primaryLocationLineHash"]))
    assert len(fingerprints) == len(results)
    first = next(r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                 == "fixtures/docx/ml101_separator.docx")
    assert first["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "page[1]/body/line[2]"


def test_sarif_lists_files_not_examined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    monkeypatch.chdir(tmp_path)
    code, out = run("scan", "broken.pdf", *AS_OF, "--format", "sarif")
    sarif = json.loads(out)
    jsonschema.validate(sarif, SCHEMA)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert code == 1
    assert [(n["descriptor"]["id"], n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for n in notes] \
        == [("ML901", "broken.pdf")]


def test_outputs_written_together(docs: Path, tmp_path: Path) -> None:
    json_file, sarif_file, text_file = tmp_path / "r.json", tmp_path / "r.sarif", tmp_path / "r.txt"
    code, out = run("scan", str(docs), *AS_OF, "--output", str(text_file), "--json-output", str(json_file),
                    "--sarif-output", str(sarif_file))
    assert (code, out) == (1, "")
    assert text_file.read_text(encoding="utf-8").count("\n") == 3
    assert rules_in(json_file.read_text(encoding="utf-8")) == ["ML101", "ML203"]
    assert len(json.loads(sarif_file.read_text(encoding="utf-8"))["runs"][0]["results"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "r.json", "r.sarif", "r.txt"]  # no temp files left


def test_statistics(docs: Path) -> None:
    assert run("scan", str(docs), *AS_OF, "--statistics")[1] == (
        "     1  ML101  nonstandard-separator\n     1  ML203  long-term\n     2  合计\n")
    assert run("scan", str(docs), *AS_OF, "--statistics", "--lang", "en")[1].endswith(
        "  long-term\n     2  total\n")


def test_release_gate(docs: Path) -> None:
    code, out = run("scan", str(docs / "a_clean.docx"), *AS_OF, "--release", "--format", "json")
    assert code == 1 and rules_in(out) == ["ML303"]
    clean = docs / "notice.docx"
    shutil.copy(FIXTURES / "docx" / "clean_notice_quote.docx", clean)
    assert run("scan", str(clean), *AS_OF, "--release")[0] == 0


def test_rules_and_rule_commands() -> None:
    code, out = run("rules")
    assert code == 0 and len(out.strip().splitlines()) == len(all_rules())
    assert out.splitlines()[0].split()[:3] == ["ML101", "nonstandard-separator", "error"]
    code, out = run("rule", "ml101")  # Chinese by default
    assert code == 0 and out.startswith("ML101 nonstandard-separator [error]\n\n密级与保密期限之间") and "错误：" in out
    code, out = run("rule", "ml101", "--lang", "en")
    assert code == 0 and out.startswith("ML101 nonstandard-separator [error]\n\n") and "Wrong:" in out
    assert run("rule", "ML999")[0] == 2


def test_every_rule_documents_what_why_wrong_and_right() -> None:
    for rule in all_rules():
        assert rule.summary and "Why:" in rule.doc and "Wrong:" in rule.doc and "Right:" in rule.doc, rule.id
        paragraphs = [p.split("：")[0] for p in rule.doc_zh.split("\n\n")]
        assert rule.summary_in("zh") and paragraphs[1:] == ["依据", "错误", "正确"], rule.id


def test_rule_docs_are_in_sync() -> None:
    result = subprocess.run([sys.executable, "-m", "marklint.docs", "--check"], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_python_api(docs: Path) -> None:
    import marklint
    from marklint.config import Settings

    report = marklint.scan([str(docs)], Settings(as_of=__import__("datetime").date(2026, 11, 27)))
    assert report.rule_counts() == {"ML101": 1, "ML203": 1}
    assert report.to_json()["summary"]["files"] == 3
    from marklint.report.sarif import to_sarif  # not a method of Report: the results know no report format

    assert to_sarif(report)["version"] == "2.1.0"


def test_show_files_lists_every_file_with_its_status_and_markings(docs: Path, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "docx" / "declassified.docx", docs / "d_declassified.docx")
    (docs / "e_broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    code, out = run("scan", str(docs), *AS_OF, "--show-files", "--quiet", "--lang", "en")
    assert code == 1
    assert [line for line in out.splitlines() if ": ML" not in line] == [
        f"{docs}/a_clean.docx: [complete] 机密★5年",
        f"{docs}/b_separator.docx: [complete] 秘密☆2年",
        f"{docs}/c_long.pdf: [complete] 机密★长期",
        f"{docs}/d_declassified.docx: [complete] no marking; struck through: 秘密★1年",
        f"{docs}/e_broken.pdf: [not-examined (corrupt: not a readable PDF structure)] "
        "not read, no verdict on its marking",
    ]
