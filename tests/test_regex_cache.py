"""The cache of compiled patterns: a pattern read back matches as the compiled one does, and a cache file that
is missing, damaged, of other versions or not made of patterns only costs a compile."""

from __future__ import annotations

import hashlib
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


def framed(payload: bytes) -> bytes:
    """A pickle as a cache file holds it: behind the magic line and its SHA-256."""
    return regex_cache.MAGIC + hashlib.sha256(payload).digest() + payload


def test_a_bad_cache_file_is_no_cache(tmp_path: Path) -> None:
    path = tmp_path / "cache.patterns"
    assert regex_cache.read(str(path)) == {}  # missing
    path.write_bytes(b"not a pickle")
    assert regex_cache.read(str(path)) == {}
    regex_cache.write(str(path), {("a+", 0): regex.compile("a+")})
    path.write_bytes(path.read_bytes()[:-10])  # cut short
    assert regex_cache.read(str(path)) == {}
    path.write_bytes(framed(pickle.dumps((("0.0", "other"), {("a+", 0): regex.compile("a+")}))))  # other versions
    assert regex_cache.read(str(path)) == {}
    mixed_up = {("a+", 0): regex.compile("b+"), ("c+", 0): 1, ("d+", 0): regex.compile("d+")}
    path.write_bytes(framed(pickle.dumps((regex_cache.VERSION, mixed_up))))
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
    path.write_bytes(framed(pickle.dumps((regex_cache.VERSION, {("a+", 0): _Planted(planted)}))))
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


def _scan_with_cache(prefix: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(prefix), "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.run([sys.executable, "-m", "marklint", "scan", "memo.txt", "--as-of", "2026-11-27", "-q",
                           "--lang", "en", "--format", "json"], cwd=folder, env=env, capture_output=True, text=True)


def _forged(payload: bytes) -> bytes:
    """The cache's pickle with every pattern's program replaced by one that matches nothing (``(?!)``), its
    text and flags left as they were: what a forged file would carry to change what marklint finds."""
    import copyreg

    version, patterns = pickle.loads(payload)
    never = copyreg.dispatch_table[regex.Pattern](regex.compile("(?!)"))[1]
    forged = {}
    for key, compiled in patterns.items():
        args = copyreg.dispatch_table[regex.Pattern](compiled)[1]
        forged[key] = regex._regex.compile(args[0], args[1], *never[2:])
    assert forged[key].pattern == key[0] and forged[key].search("机密★5年") is None
    return pickle.dumps((version, forged))


def test_a_damaged_or_forged_cache_file_gives_a_normal_correct_run(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "memo.txt").write_text("关于做好年度工作的通知\n机密★5年\n", encoding="utf-8")
    first = _scan_with_cache(tmp_path / "prefix", folder)
    [entry] = json.loads(first.stdout)["files"]
    assert ([m["text"] for m in entry["markings"]], [f["rule"] for f in entry["findings"]]) == (["机密★5年"], ["ML304"])
    [cache] = list((tmp_path / "prefix").rglob("regex_cache*.patterns"))
    data = cache.read_bytes()
    start = len(regex_cache.MAGIC) + hashlib.sha256().digest_size
    assert data[:start] == regex_cache.MAGIC + hashlib.sha256(data[start:]).digest()
    damaged = data[:start] + bytes(b ^ 0x5A for b in data[start : start + 4096]) + data[start + 4096 :]
    for content in (damaged, data[:start] + _forged(data[start:]), data[: len(data) // 2]):
        cache.write_bytes(content)
        again = _scan_with_cache(tmp_path / "prefix", folder)
        assert (again.returncode, again.stderr, again.stdout) == (first.returncode, "", first.stdout)
