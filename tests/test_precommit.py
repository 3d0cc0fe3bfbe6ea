"""The pre-commit hook, run the way a user's repository would run it (``pre-commit try-repo``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.mark.skipif(shutil.which("pre-commit") is None or shutil.which("git") is None,
                    reason="pre-commit or git is not installed")
def test_hook_checks_only_documents(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(FIXTURES / "docx" / "ml101_separator.docx", repo / "notice.docx")
    shutil.copy(FIXTURES / "pdf" / "clean_gongwen.pdf", repo / "report.PDF")
    (repo / "tool.py").write_text("print('机密★5年 in code is not a document')\n", encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    result = subprocess.run(["pre-commit", "try-repo", str(ROOT), "marklint", "--all-files"], cwd=repo,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    findings = [line for line in result.stdout.splitlines() if ": ML" in line]
    assert findings == ["notice.docx:1:2: ML101 [error] “秘密☆2年”的分隔符不是★，应为“秘密★2年”"]
    assert "共扫描 2 个文件" in result.stdout
