"""Click's usage errors in the catalogue's words: Chinese by default, English with --lang en (or the
configuration's lang), never click's English in a Chinese run."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from marklint.cli import main


@pytest.mark.parametrize(("args", "zh", "en"), [
    (["scan", "--bogus", "."], "没有选项 --bogus；是否应为 --browser、--jobs？\n运行 marklint scan -h 查看用法\n",
     "no such option --bogus; did you mean --browser, --jobs?\nrun marklint scan -h for its usage\n"),
    (["scan"], "缺少参数 PATHS\n运行 marklint scan -h 查看用法\n",
     "missing argument PATHS\nrun marklint scan -h for its usage\n"),
    (["scann", "."], "没有命令 scann；是否应为 scan？\n运行 marklint -h 查看用法\n",
     "no such command scann; did you mean scan?\nrun marklint -h for its usage\n"),
    (["scan", "--format", "pdf", "."], "--format 的值 'pdf' 无效，应为 text、json、jsonl、sarif、html、xlsx 之一\n"
     "运行 marklint scan -h 查看用法\n",
     "invalid value 'pdf' for --format: must be one of text, json, jsonl, sarif, html, xlsx\n"
     "run marklint scan -h for its usage\n"),
    (["scan", "--as-of", "2026-13-01", "."], "--as-of 的值 '2026-13-01' 无效\n运行 marklint scan -h 查看用法\n",
     "invalid value '2026-13-01' for --as-of\nrun marklint scan -h for its usage\n"),
    (["scan", "--jobs", "x", "."], "--jobs 的值 'x' 无效\n运行 marklint scan -h 查看用法\n",
     "invalid value 'x' for --jobs\nrun marklint scan -h for its usage\n"),
    (["rule", "ML101", "extra"], "多余的参数：extra\n运行 marklint rule -h 查看用法\n",
     "unexpected extra argument(s): extra\nrun marklint rule -h for its usage\n"),
])
def test_usage_errors_in_each_language(args: list[str], zh: str, en: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no configuration file here: the default language
    result = CliRunner().invoke(main, args, prog_name="marklint")
    assert (result.exit_code, result.output) == (2, f"marklint: {zh}")
    result = CliRunner().invoke(main, [*args, "--lang", "en"], prog_name="marklint")
    assert (result.exit_code, result.output) == (2, f"marklint: {en}")


def test_the_nearest_configuration_chooses_the_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "marklint.toml").write_text('lang = "en"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "--bogus", "."])
    assert result.output.startswith("marklint: no such option --bogus")
    result = CliRunner().invoke(main, ["scan", "--bogus", ".", "--lang=zh"])
    assert result.output.startswith("marklint: 没有选项 --bogus")


def test_no_arguments_still_shows_the_help() -> None:
    result = CliRunner().invoke(main, [], prog_name="marklint")
    assert result.output.startswith("Usage: marklint [OPTIONS] COMMAND [ARGS]...")


def test_baseline_and_resume_state_errors_in_each_language(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("机密★5年\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    baseline.write_text('{"version": 99, "entries": []}', encoding="utf-8")
    state = tmp_path / "state.jsonl"
    state.write_text('{"kind": "something else"}\n', encoding="utf-8")
    for args, zh, en in (
            (["--baseline", str(baseline)], f"基线 {baseline}：不是 marklint 基线（版本 1）",
             f"baseline {baseline}: not a marklint baseline (version 1)"),
            (["--resume", str(state)], f"{state}：不是 marklint 状态文件", f"{state}: not a marklint state file")):
        for lang, said in (("zh", zh), ("en", en)):
            result = CliRunner().invoke(main, ["scan", str(tmp_path / "a.txt"), *args, "--lang", lang])
            assert (result.exit_code, result.output) == (2, f"marklint: {said}\n")
