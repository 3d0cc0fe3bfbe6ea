"""The cache of compiled patterns: a pattern read back matches as the compiled one does, and a cache file that
is missing, damaged, of other versions or not made of patterns only costs a compile."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import regex

import marklint.analysis  # noqa: F401  (compiles the recogniser's patterns, and others, through the cache)
from marklint import regex_cache

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ["机密★5年", "秘密★2030年1月1日解密", "（机密 ★ 五年）", "密级：机密 保密期限：10年", "10年★机密",
           "二〇二四年三月五日", "国办发〔2024〕12号", "此件发至县级", "hei SimHei Songti", "", "普通正文，没有标志。"]


def behaviour(pattern: regex.Pattern) -> list:
    """What a pattern does with the samples: its match spans and named groups at every position."""
    found = []
    for text in SAMPLES:
        for pos in range(len(text) + 1):
            match = pattern.match(text, pos)
            found.append(match and (match.span(), match.groupdict()))
    return found


def test_patterns_read_back_match_as_compiled(tmp_path: Path) -> None:
    path = str(tmp_path / "cache.patterns")
    used = dict(regex_cache._used)  # every pattern marklint has compiled so far in this process
    assert len(used) >= 20
    regex_cache.write(path, used)
    read = regex_cache.read(path)
    assert read.keys() == used.keys()
    for (text, flags), pattern in read.items():
        fresh = regex.compile(text, flags)
        assert (pattern.pattern, pattern.flags, pattern.groupindex) == (fresh.pattern, fresh.flags, fresh.groupindex)
        assert behaviour(pattern) == behaviour(fresh), text


def test_a_bad_cache_file_is_no_cache(tmp_path: Path) -> None:
    path = tmp_path / "cache.patterns"
    assert regex_cache.read(str(path)) == {}  # missing
    path.write_bytes(b"not a pickle")
    assert regex_cache.read(str(path)) == {}
    regex_cache.write(str(path), {("a+", 0): regex.compile("a+")})
    path.write_bytes(path.read_bytes()[:-10])  # cut short
    assert regex_cache.read(str(path)) == {}
    path.write_bytes(pickle.dumps((("0.0", "other"), {("a+", 0): regex.compile("a+")})))  # other versions
    assert regex_cache.read(str(path)) == {}
    mixed_up = {("a+", 0): regex.compile("b+"), ("c+", 0): 1, ("d+", 0): regex.compile("d+")}
    path.write_bytes(pickle.dumps((regex_cache.VERSION, mixed_up)))
    assert list(regex_cache.read(str(path))) == [("d+", 0)]


class _Planted:
    """A pickle that would run code when loaded: make a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __reduce__(self) -> tuple:
        return os.mkdir, (str(self.folder),)


def test_a_cache_file_runs_no_code(tmp_path: Path) -> None:
    path = tmp_path / "cache.patterns"
    planted = tmp_path / "planted"
    path.write_bytes(pickle.dumps((regex_cache.VERSION, {("a+", 0): _Planted(planted)})))
    assert regex_cache.read(str(path)) == {}
    assert not planted.exists()


def _run(prefix: Path, *, write_bytecode: bool = True) -> dict:
    """Import the recogniser in a fresh interpreter whose bytecode goes under ``prefix``; what the cache did."""
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(prefix), "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    code = ("import json, marklint.analysis; from marklint import regex_cache as c; "
            "print(json.dumps({'path': c.CACHE_PATH, 'read': len(c._loaded), 'used': len(c._used)}))")
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                               check=True)
    return json.loads(completed.stdout)


def test_a_second_run_compiles_nothing(tmp_path: Path) -> None:
    first = _run(tmp_path)
    assert first["path"].startswith(str(tmp_path)) and first["read"] == 0
    assert os.path.isfile(first["path"])
    second = _run(tmp_path)
    assert second["read"] == second["used"] == first["used"]


def test_no_cache_file_where_python_writes_no_bytecode(tmp_path: Path) -> None:
    first = _run(tmp_path, write_bytecode=False)
    assert first["read"] == 0 and not os.path.exists(first["path"])
