"""Symlinks and pseudo file systems in a walk (issue 14, class 9), through the command line: links are not
followed unless --follow-symlinks, never out of the folders given, never into /proc; every path passed
over is listed with its reason in the JSON report and under --show-files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from marklint import walk
from marklint.config import Settings
from marklint.walk import iter_paths


def marklint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "marklint", "scan", *args, "--as-of", "2026-11-27", "--lang", "en"],
                          cwd=cwd, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "sub" / "memo.txt").write_text("关于做好年度工作的通知\n机密★5年\n", encoding="utf-8")
    (docs / "notes.py").write_text("print()\n", encoding="utf-8")
    os.symlink("/", docs / "root")  # the whole machine, /proc included: never walked
    os.symlink("/proc", docs / "proc")
    os.symlink("sub/memo.txt", docs / "copy.txt")  # a link to a file inside
    return tmp_path


def test_links_are_listed_as_skipped_not_followed(tree: Path) -> None:
    done = marklint("docs", "--format", "json", cwd=tree)
    report = json.loads(done.stdout)
    assert [f["path"] for f in report["files"]] == ["docs/sub/memo.txt"]
    assert report["skipped"] == [
        {"path": "docs/copy.txt", "reason": walk.LINK_NOT_FOLLOWED},
        {"path": "docs/notes.py", "reason": walk.NOT_A_CARRIER},
        {"path": "docs/proc", "reason": walk.LINK_NOT_FOLLOWED},
        {"path": "docs/root", "reason": walk.LINK_NOT_FOLLOWED},
    ]
    assert (report["summary"]["files"], report["summary"]["skipped"]) == (1, 4)
    shown = marklint("docs", "--show-files", "-q", cwd=tree).stdout.splitlines()
    assert shown == [
        "docs/sub/memo.txt: [complete] 机密★5年",
        "docs/sub/memo.txt:1:2: ML304 [info] \"机密★5年\" has a term but no issue date was found, so its expiry "
        "was not computed",
        f"docs/copy.txt: [skipped ({walk.LINK_NOT_FOLLOWED})]",
        f"docs/notes.py: [skipped ({walk.NOT_A_CARRIER})]",
        f"docs/proc: [skipped ({walk.LINK_NOT_FOLLOWED})]",
        f"docs/root: [skipped ({walk.LINK_NOT_FOLLOWED})]",
    ]


def test_follow_symlinks_stays_inside_the_folders_given(tree: Path) -> None:
    report = json.loads(marklint("docs", "--format", "json", "--follow-symlinks", cwd=tree).stdout)
    assert [f["path"] for f in report["files"]] == ["docs/copy.txt", "docs/sub/memo.txt"]
    assert report["skipped"] == [
        {"path": "docs/notes.py", "reason": walk.NOT_A_CARRIER},
        {"path": "docs/proc", "reason": walk.LINK_OUTSIDE},
        {"path": "docs/root", "reason": walk.LINK_OUTSIDE},
    ]


def test_a_link_named_on_the_command_line_is_followed(tree: Path) -> None:
    os.symlink("docs/sub", tree / "latest")
    report = json.loads(marklint("latest", "--format", "json", cwd=tree).stdout)
    assert [(f["path"], f["status"]) for f in report["files"]] == [("latest/memo.txt", "complete")]


@pytest.mark.parametrize(("folder", "kind"), [("/proc", "proc"), ("/sys", "sysfs")])
def test_pseudo_file_systems_are_never_entered(folder: str, kind: str) -> None:
    if not os.path.ismount(folder):
        pytest.skip(f"{folder} is not mounted here")
    skipped, listed = [0], []
    assert list(iter_paths([folder], Settings(follow_symlinks=True), skipped, listed)) == []
    assert (skipped, listed) == ([1], [(folder, f"a pseudo file system ({kind}), not walked")])
