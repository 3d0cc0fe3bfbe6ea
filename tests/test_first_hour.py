"""What a newcomer meets in the first hour (issue 20): one language per run, a progress line that never
swallows a finding, colour that obeys NO_COLOR, missing and repeated paths, refusals that say why."""

from __future__ import annotations

import functools
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from marklint.cli import main
from marklint.parsers import printable
from marklint.report.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
AS_OF = ["--as-of", "2026-11-27"]
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
MARKLINT = [sys.executable, "-m", "marklint"]

#: Characters of Chinese writing: CJK ideographs (with the compatibility and radical blocks), full-width
#: forms and CJK punctuation.
CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
#: An English word: two or more Latin letters.
WORD = re.compile(r"[A-Za-z]{2,}")
#: The fixed start of a finding line, the same in either language: path, page, line, rule ID, severity.
FINDING_PREFIX = re.compile(r"^(?P<path>.+?):\d+:\d+: ML\d{3} \[(?:error|warning|info)\] ")
#: A character named by its code point (U+6A5F), with what it is read as (U+F98E→年): data, not words.
CODE_POINT = re.compile(r"\S U\+[0-9A-F]{4,5}(?:→\S)?")
#: Quoted text: a marking, a metadata value, or the Chinese a reader looks for ("解密"), in either style.
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
#: Units and names that are neither language's words: the point, the formats and encodings a reason names,
#: OCR, and what a user types: an option with its value, the command that installs an extra.
SYMBOLS = re.compile(r"\d+(?:\.\d+)?pt\b|\b(?:PDF|ZIP|XML|DTD|OLE|OFD|RTF|UTF-8|GB18030|Unicode|Word|WPS|Excel|"
                     r"PowerPoint|Office|Open|OpenDocument|HTML|MB|JPEG|PNG|TIFF|BMP|GIF|OCR)\b"
                     r"|--[a-z-]+(?: [a-z]+)?|pip install '[a-z\[\]]+'")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def words_left(output: str, paths: list[str], markings: set[str]) -> str:
    """``output`` without what either language may show: the paths, the markings (as the JSON report lists
    them), the finding lines' fixed prefix, quoted text, code points and the SYMBOLS."""
    kept = []
    for line in output.splitlines():
        match = FINDING_PREFIX.match(line)
        if match:
            line = line[match.end():]
        for path in sorted(paths, key=len, reverse=True):
            line = line.replace(path, " ")
        for marking in sorted(markings, key=len, reverse=True):
            line = line.replace(marking, " ")
        kept.append(SYMBOLS.sub(" ", CODE_POINT.sub(" ", QUOTED.sub(" ", line))))
    return "\n".join(kept)


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files marklint cannot read, so that the reasons are said too."""
    folder = tmp_path_factory.mktemp("broken")
    (folder / "empty.docx").write_bytes(b"")
    (folder / "garbage.pdf").write_bytes(b"%PDF-1.7\n garbage")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "lying.docx").write_bytes(b"PK\x03\x04 not a zip archive at all")
    (folder / "picture.docx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    return folder


@functools.cache
def json_report(broken: Path) -> dict:
    """The JSON report of the language tests' scan: the paths and markings either language may show."""
    return json.loads(run("scan", str(FIXTURES), str(broken), *AS_OF, "-j", "2", "--format", "json")[1])


def scanned(lang: str, broken: Path) -> tuple[str, list[str], set[str]]:
    args = ["scan", str(FIXTURES), str(broken), *AS_OF, "-j", "2"]
    code, out, err = run(*args, "--show-files", "--lang", lang)
    assert code == 1 and err == ""
    report = json_report(broken)
    paths = [entry["path"] for entry in [*report["files"], *report["skipped"]]]
    # As the text report shows them: escaped where they hold control or format characters.
    markings = {printable(marking["text"]) for entry in report["files"] for marking in entry["markings"]}
    return out, paths, markings


def test_an_english_run_prints_no_chinese(broken: Path) -> None:
    out, paths, markings = scanned("en", broken)
    assert "not read, no verdict on its marking" in out and "corrupt: not a readable PDF structure" in out
    left = words_left(out, paths, markings)
    assert CJK.findall(left) == []


def test_a_default_run_prints_no_english_words(broken: Path) -> None:
    """Allowed: paths, markings, the finding line's rule ID and severity (its fixed, grep-able prefix),
    quoted text, code points, units and format names (SYMBOLS)."""
    out, paths, markings = scanned("zh", broken)
    assert "未读取，无标志结论" in out and "文件损坏（不是可读的 PDF 结构）" in out
    left = words_left(out, paths, markings)
    assert WORD.findall(left) == []


def test_a_missing_path_is_not_a_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.docx"
    assert run("scan", str(missing), *AS_OF) == (
        2, "", f"marklint: {missing}: 路径不存在\nmarklint: 给出的路径都不存在：{missing}\n")
    assert run("scan", str(missing), *AS_OF, "--lang", "en") == (
        2, "", f"marklint: {missing}: path not found\nmarklint: none of the paths given exists: {missing}\n")
    clean = FIXTURES / "docx" / "clean_gongwen.docx"
    code, out, err = run("scan", str(missing), str(clean), *AS_OF, "--lang", "en")
    assert (code, err) == (0, f"marklint: {missing}: path not found\n")
    assert out.startswith("1 file scanned, 1 marked, 0 not examined")


def test_a_path_given_twice_is_scanned_once(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "docx" / "ml101_separator.docx", tmp_path / "sep.docx")
    once = run("scan", str(tmp_path), *AS_OF, "--lang", "en")[1]
    assert once.count(": ML101 ") == 1
    assert run("scan", str(tmp_path), str(tmp_path / "sep.docx"), str(tmp_path), *AS_OF, "--lang", "en")[1] == once
    assert once.endswith("1 file scanned, 1 marked, 0 not examined, 0 partially examined, 0 skipped; "
                         "1 error, 0 warnings, 0 info\n")


def test_an_empty_folder_says_so(tmp_path: Path) -> None:
    assert run("scan", str(tmp_path), *AS_OF) == (
        0, "共扫描 0 个文件，0 个带密级标志，0 个未能检查，0 个部分检查，0 个跳过；错误 0，警告 0，提示 0\n",
        f"marklint: 没有找到可检查的文件：{tmp_path}\n")
    assert run("scan", str(tmp_path), *AS_OF, "--lang", "en", "-q")[2] == (
        f"marklint: no files to examine found in {tmp_path}\n")


def test_findings_follow_the_page_header_body_order() -> None:
    path = FIXTURES / "docx" / "level_header_over_field.docx"
    out = run("scan", str(path), *AS_OF, "-q")[1]
    places = [line.split(" [")[0].removeprefix(f"{path}:") for line in out.splitlines()]
    assert places == ["1:1: ML301", "1:2: ML108", "1:2: ML113", "1:2: ML201"]
    assert out.splitlines()[0].split("] ")[1].startswith("(页眉) ")


def test_coverage_rules_cannot_be_ignored(tmp_path: Path) -> None:
    clean = str(FIXTURES / "docx" / "clean_gongwen.docx")
    assert run("scan", clean, "--ignore", "ML901", "--lang", "en") == (
        2, "", "marklint: ML901 cannot be ignored: a file that was not read is always reported, never passed as "
               "clean (coverage rules are always on)\n")
    assert run("scan", clean, "--ignore", "ML9")[0] == 0  # a prefix ignores what may be ignored
    config = tmp_path / "marklint.toml"
    config.write_text('[per-file-ignores]\n"*.pdf" = ["ML901"]\n', encoding="utf-8")
    assert run("scan", clean, "--config", str(config))[2] == (
        f"marklint: {config}：不能关闭 ML901：未能检查的文件必须报告，不能当作合格（覆盖规则始终启用）\n")
    assert run("rule", "ML901", "--lang", "en")[1].splitlines()[0] == (
        "ML901 not-examined [error, always on, cannot be ignored]")


@pytest.mark.parametrize(("content", "message"), [
    ('fail_on = "error"\n', "unknown key(s) fail_on; did you mean fail-on?"),
    ("[limits]\nmax-file-byte = 10\n", "unknown limit max-file-byte; did you mean max-file-bytes?"),
    ('ignore = ["ml101"]\n', "unknown rule or prefix 'ml101'; did you mean ML101?"),
    ('lang = "fr"\n', "lang must be zh or en, not 'fr'"),
])
def test_configuration_errors_name_the_file_and_the_key_meant(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "marklint.toml"
    config.write_text(content, encoding="utf-8")
    assert run("scan", str(FIXTURES / "docx" / "clean_gongwen.docx"), "--config", str(config), "--lang", "en") == (
        2, "", f"marklint: {config}: {message}\n")


def test_text_only_options_are_refused_with_machine_formats() -> None:
    clean = str(FIXTURES / "docx" / "clean_gongwen.docx")
    assert run("scan", clean, "--statistics", "--format", "json", "--lang", "en") == (
        2, "", "marklint: --statistics is for the text format; it cannot be used with --format json\n")
    assert run("scan", clean, "--show-files", "--format", "sarif")[2] == (
        "marklint: --show-files 只用于文本格式，不能与 --format sarif 同用\n")


def test_ml112_names_the_family_and_the_size() -> None:
    out = run("scan", str(FIXTURES / "pdf" / "ml112_typography.pdf"), *AS_OF, "-q")[1]
    assert out.split(" [info] ")[1] == "密级标志“机密★5年”的字体字号为宋体 12pt，应为3号（16pt）黑体\n"
    out = run("scan", str(FIXTURES / "docx" / "ml112_typography.docx"), *AS_OF, "-q", "--lang", "en")[1]
    assert out.split(" [info] ")[1] == ('the marking "机密★5年" is set in "仿宋" 12pt; it should be size 3 ("3号", '
                                        '16pt) in a Hei font ("黑体")\n')


def test_rules_rule_and_stats_speak_one_language() -> None:
    opt_in = {lang: [line for line in run("rules", "--lang", lang)[1].splitlines() if "（需选用）" in line
                     or line.endswith("(opt-in)")] for lang in ("zh", "en")}
    assert [line.split()[0] for line in opt_in["zh"]] == ["ML206"] and opt_in["zh"][0].endswith("（需选用）")
    assert [line.split()[0] for line in opt_in["en"]] == ["ML206"] and opt_in["en"][0].endswith(" (opt-in)")
    code, out, _ = run("stats", str(FIXTURES / "docx" / "clean_gongwen.docx"), *AS_OF, "--lang", "en")
    assert (code, out.splitlines()[:3]) == (0, ["classification statistics 2026-11-27", "", "files"])
    code, out, _ = run("stats", str(FIXTURES / "docx" / "clean_gongwen.docx"), *AS_OF, "--lang", "zh")
    assert (code, out.splitlines()[:3]) == (0, ["定密统计 2026-11-27", "", "文件"])
    assert "(" not in out.split("按规则")[0]  # no English glosses before the rule names (which are IDs)


def test_rules_into_a_closed_pipe_exits_0() -> None:
    process = subprocess.Popen([*MARKLINT, "rules"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before anything is written, as after `| head -1`
    assert (process.wait(timeout=60), process.stderr.read()) == (0, b"")


def test_config_prints_toml_or_valid_json(tmp_path: Path) -> None:
    code, out, _ = run("config", "--format", "json")
    assert code == 0 and json.loads(out)["settings"]["fail_on"] == "warning"


def test_the_progress_line_counts_to_the_total_and_the_time_left() -> None:
    progress = Progress(None, "en")
    progress.count = 2
    assert progress.line(1.0) == "2 files, 2 files/s"
    progress.walked(10)
    assert progress.line(1.0) == "2/10 files, 2 files/s, about 4 s left"
    progress.lang = "zh"
    progress.count = 1
    assert progress.line(1.0) == "已检查 1/10 个文件，每秒 1 个，约剩 9秒"
    progress.count, progress.total = 1, 181
    assert progress.line(1.0) == "已检查 1/181 个文件，每秒 1 个，约剩 3分00秒"


def on_a_terminal(*args: str, env: dict[str, str] | None = None) -> str:
    """What ``marklint`` prints on a terminal (stdout and stderr both on one pseudo-terminal)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([*MARKLINT, *args], stdin=follower, stdout=follower, stderr=follower, cwd=ROOT,
                               env={**os.environ, **(env or {})}, close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


def test_a_finding_never_starts_on_the_progress_line() -> None:
    folder = FIXTURES / "docx"
    shown = on_a_terminal("scan", str(folder), *AS_OF, "-j", "1", "--lang", "en", env={"NO_COLOR": "1"})
    findings = [line for line in shown.split("\r\n") if ": ML1" in line]
    assert len(findings) > 10
    # Each finding starts its line, or follows the erasing of the progress line (\r ESC[K) directly.
    assert [line for line in findings if not line.rpartition("\x1b[K")[2].startswith(str(folder))] == []
    assert "files/s" in shown  # the progress line was drawn, and erased before each finding


def test_on_a_terminal_the_progress_counts_to_the_total_once_the_walk_is_known() -> None:
    shown = on_a_terminal("scan", str(FIXTURES), *AS_OF, "-j", "2", "--lang", "en", env={"NO_COLOR": "1"})
    # Every piece after an erasing (\r ESC[K) is a drawing of the progress line (no newline: the next
    # erasing follows), or what is printed after the line was cleared (findings, the summary).
    pieces = shown.split("\r\x1b[K")[1:]
    drawn = [piece for piece in pieces if "\n" not in piece and piece]
    counts = [re.fullmatch(r"(\d+) files?, \d+ files/s", line) for line in drawn]
    totals = [re.fullmatch(r"(\d+)/(\d+) files, \d+ files/s, about (?:\d+ min \d\d s|\d+ s) left", line)
              for line in drawn]
    assert all(count or total for count, total in zip(counts, totals, strict=True)), drawn
    # Once the walk is known, done/total and the time left, to the end; the total is every file walked.
    first = next(index for index, total in enumerate(totals) if total)
    assert all(totals[first:]) and not any(totals[:first])
    assert {int(total[2]) for total in totals if total} == {len(json_report_of(str(FIXTURES))["files"])}
    done = [int(total[1]) for total in totals if total]
    assert done == sorted(done)
    # The line is erased before the summary, which is printed last, on a line of its own.
    assert re.search(r"(?:^|\r\n)\d+ files scanned, [^\r\n]*\r\n\Z", pieces[-1]), pieces[-1]


@functools.cache
def json_report_of(path: str) -> dict:
    return json.loads(run("scan", path, *AS_OF, "--format", "json")[1])


def test_colour_on_a_terminal_unless_no_color() -> None:
    path = str(FIXTURES / "docx" / "ml101_separator.docx")
    red = "\x1b[31mML101 [error]\x1b[0m"
    assert red in on_a_terminal("scan", path, *AS_OF, env={"NO_COLOR": ""})
    assert red not in on_a_terminal("scan", path, *AS_OF, env={"NO_COLOR": "1"})
    assert red in on_a_terminal("scan", path, *AS_OF, "--color", "always", env={"NO_COLOR": "1"})
    assert red not in on_a_terminal("scan", path, *AS_OF, "--color", "never")
    assert red in run("scan", path, *AS_OF, "--color", "always")[1]
    assert "\x1b[" not in run("scan", path, *AS_OF)[1]  # auto, not a terminal


def test_no_progress_when_stderr_is_not_a_terminal() -> None:
    result = subprocess.run([*MARKLINT, "scan", str(FIXTURES / "docx"), *AS_OF, "-j", "1"], capture_output=True,
                            cwd=ROOT, check=False)
    assert (result.returncode, result.stderr) == (1, b"")


def test_every_defect_kind_is_reported_by_one_rule() -> None:
    from marklint.checks.registry import RULES, all_rules, rule_of_defect
    from marklint.model import DefectKind

    all_rules()
    owners = {kind: rule_of_defect(kind) for kind in DefectKind}
    assert all(kind in RULES[owner].defects for kind, owner in owners.items())
    assert sorted(set(owners.values())) == ["ML101", "ML102", "ML103", "ML104", "ML105", "ML106", "ML107", "ML108",
                                            "ML109", "ML110", "ML201", "ML202", "ML203", "ML204", "ML205"]


def test_coverage_and_scan_level_rules_are_declared_not_special_cased() -> None:
    from marklint.checks.registry import RULES, all_rules, always_on

    all_rules()
    assert always_on() == ("ML901",)
    assert sorted(r.id for r in RULES.values() if r.coverage) == ["ML901", "ML902", "ML903"]
    assert [r.id for r in RULES.values() if r.scan_check is not None] == ["ML507"]
    for module in ("driver.py", "config.py"):
        source = (ROOT / "marklint" / module).read_text(encoding="utf-8")
        assert re.findall(r"\"ML\d", source) == [], module  # no rule ID or family prefix in the machinery


def test_every_summary_counts_the_skipped_and_the_partly_examined(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "docx" / "clean_gongwen.docx", tmp_path / "clean.docx")
    (tmp_path / "notes.xyz").write_text("x", encoding="utf-8")
    missing = str(tmp_path / "gone.pdf")
    skipped = [{"path": missing, "reason": "path not found"},
               {"path": str(tmp_path / "notes.xyz"), "reason": "not a format that can carry a marking"}]
    summary = {"files": 1, "marked": 1, "not_examined": 0, "partial": 0, "skipped": 2,
               "findings": {"error": 0, "warning": 0, "info": 0}}
    as_json = json.loads(run("scan", str(tmp_path), missing, *AS_OF, "--format", "json")[1])
    assert (as_json["summary"], as_json["skipped"]) == (summary, skipped)
    last = json.loads(run("scan", str(tmp_path), missing, *AS_OF, "--format", "jsonl")[1].splitlines()[-1])
    assert (last["summary"], last["skipped"]) == (summary, skipped)
    log = json.loads(run("scan", str(tmp_path), missing, *AS_OF, "--format", "sarif")[1])
    jsonschema.validate(log, SARIF_SCHEMA)
    sarif = log["runs"][0]
    assert (sarif["properties"]["summary"], sarif["properties"]["skipped"]) == (summary, skipped)
    assert sarif["invocations"][0]["toolExecutionNotifications"] == [
        {"level": "note", "message": {"text": f"skipped: {item['reason']}"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": Path(item["path"]).as_uri()}}}]}
        for item in skipped]


def test_a_resume_state_names_the_skipped_paths_as_the_scan_does(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(FIXTURES / "docx" / "clean_gongwen.docx", folder / "clean.docx")
    (folder / "notes.xyz").write_text("x", encoding="utf-8")
    state = tmp_path / "state.jsonl"
    scanned = json.loads(run("scan", str(folder), *AS_OF, "--format", "json", "--resume", str(state))[1])
    assert scanned["skipped"] == [{"path": str(folder / "notes.xyz"),
                                   "reason": "not a format that can carry a marking"}]
    assert json.loads(state.read_text(encoding="utf-8").splitlines()[-1]) == {"skipped": scanned["skipped"]}
    resumed = json.loads(run("scan", str(folder), *AS_OF, "--format", "json", "--resume", str(state))[1])
    assert resumed == scanned
    merged = json.loads(run("merge", str(state), "--format", "json")[1])
    assert (merged["skipped"], merged["summary"]) == (scanned["skipped"], scanned["summary"])
    merged_sarif = json.loads(run("merge", str(state), "--format", "sarif")[1])["runs"][0]
    sarif = json.loads(run("scan", str(folder), *AS_OF, "--format", "sarif")[1])["runs"][0]
    assert merged_sarif["properties"] == sarif["properties"]
    assert merged_sarif["invocations"] == sarif["invocations"]


#: Tokens either language shows as they are: rule IDs (and families, ML1xx) and names, severities (as the
#: configuration writes them), the program's and its commands' names.
def _technical(text: str) -> str:
    from marklint.checks.registry import all_rules

    names = sorted((rule.name for rule in all_rules()), key=len, reverse=True)
    text = re.sub("|".join(map(re.escape, names)), " ", text)
    return re.sub(r"\bML\d(?:\d\d|xx)\b|\b(?:error|warning|info)\b|\bmarklint(?: [a-z]+)?\b", " ", text)


@pytest.mark.parametrize("args", [
    ["scan", str(FIXTURES), *AS_OF, "-j", "2", "--statistics", "--show-files"],
    ["stats", str(FIXTURES), *AS_OF, "-j", "2"],
    ["rules"],
    ["rule", "ML101"],
    ["rule", "ML206"],
    ["config"],
    ["scan", str(FIXTURES / "nowhere.docx")],
    ["scan", "--bogus", str(FIXTURES)],
    ["rule", "ML999"],
    ["merge", str(ROOT / "pyproject.toml")],  # not a saved report: refused, saying what failed
])
def test_each_command_speaks_one_language(args: list[str]) -> None:
    """A default run shows no English word, an English run no Chinese, outside paths, markings, the data
    the documents hold (issuers), rule IDs and names and technical tokens."""
    report = json_report_of(str(FIXTURES))
    entries = [*report["files"], *report["skipped"]]
    data = [entry["path"] for entry in entries] + [entry["issuer"] for entry in entries if entry.get("issuer")]
    data.append(str(FIXTURES / "nowhere.docx"))
    data.append(str(ROOT / "pyproject.toml"))
    data += ["绝密", "机密", "秘密"]  # the levels as markings write them (stats' by-level rows), in either language
    markings = {printable(marking["text"]) for entry in report["files"] for marking in entry["markings"]}
    for lang, leak in (("zh", WORD), ("en", CJK)):
        if lang == "en" and args[0] in ("rules", "rule"):
            continue  # the English rule documentation names the law's Chinese terms of art (版头, 公文) as they are
        result = CliRunner().invoke(main, [*args, "--lang", lang], prog_name="marklint")
        shown = result.stdout + result.stderr
        if args[0] == "config":  # the TOML is keys and values a configuration file writes: its comment is said
            shown = shown.splitlines()[0]
        left = _technical(words_left(shown, data, markings))
        assert leak.findall(left) == [], (lang, sorted(set(leak.findall(left))))


def test_a_corrupt_saved_report_is_refused_in_the_runs_language(tmp_path: Path) -> None:
    """``merge`` says what failed in the report, in the run's language, never Python's exception text."""
    cut = tmp_path / "cut.jsonl"
    cut.write_text('{"path": "a.docx"}\n{"summary": {}}\n', encoding="utf-8")  # an entry without its keys
    partial = tmp_path / "partial.json"
    partial.write_text('{"as_of": "2026-11-27", "files": [{"path": "a.docx"}]}', encoding="utf-8")
    assert run("merge", str(cut)) == (2, "", f"marklint: {cut}：不是 marklint 报告（第 1 行不是报告条目）\n")
    assert run("merge", str(cut), "--lang", "en") == (
        2, "", f"marklint: {cut}: not a marklint report (line 1 is not a report entry)\n")
    assert run("merge", str(partial)) == (2, "", f"marklint: {partial}：不是 marklint 报告（缺少 format）\n")
    assert run("merge", str(partial), "--lang", "en") == (
        2, "", f"marklint: {partial}: not a marklint report (no format)\n")
    assert run("merge", str(partial), "--as-of", "2026-13") == (
        2, "", "marklint: --as-of 2026-13 不是 YYYY-MM-DD 格式的日期\n")


@pytest.mark.parametrize(("lang", "said"), [
    ("zh", ["marklint: 从 {state} 沿用 0 个文件（此前已检查且未改动）",
            "marklint: 从 {state} 沿用 1 个文件（此前已检查且未改动）",
            "marklint: 已合并 1 份报告：1 个文件，其中 0 个出现在多份报告中（保留较晚报告的结果）"]),
    ("en", ["marklint: 0 files taken from {state}, judged before and unchanged",
            "marklint: 1 file taken from {state}, judged before and unchanged",
            "marklint: merged 1 report: 1 file, 0 found in more than one (the later report's result kept)"]),
])
def test_a_resumed_run_and_a_merge_say_what_they_took_in_the_runs_language(tmp_path: Path, lang: str,
                                                                           said: list[str]) -> None:
    shutil.copy(FIXTURES / "docx" / "clean_gongwen.docx", tmp_path / "clean.docx")
    state = tmp_path / "state.jsonl"
    args = ["scan", str(tmp_path / "clean.docx"), *AS_OF, "--lang", lang, "--resume", str(state), "-q"]
    first, again = run(*args), run(*args)
    merged = run("merge", str(state), "--lang", lang)
    assert [first[2], again[2], merged[2]] == [line.format(state=state) + "\n" for line in said]
