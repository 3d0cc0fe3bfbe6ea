"""Embedding marklint (issue 14): ``marklint.scan`` leaves its host as it found it (its alarm timer, its
logging, its resource limits), and the compiled character loop is used only when built from the source
beside it."""

from __future__ import annotations

import logging
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import marklint
from marklint.config import Settings
from marklint.limits import DEFAULT_LIMITS
from marklint.parsers import compiled

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
AS_OF = date(2026, 11, 27)
IN_PROCESS = Settings(as_of=AS_OF, limits=replace(DEFAULT_LIMITS, max_worker_memory=0))


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    (tmp_path / "memo.txt").write_text("关于做好年度工作的通知\n机密★5年\n", encoding="utf-8")
    shutil.copy(FIXTURES / "pdf" / "clean_gongwen.pdf", tmp_path / "gongwen.pdf")
    return tmp_path


@pytest.mark.parametrize("settings", [IN_PROCESS, Settings(as_of=AS_OF)], ids=["in-process", "workers"])
def test_a_host_alarm_set_before_a_scan_still_fires_after_it(docs: Path, settings: Settings) -> None:
    fired: list[float] = []
    previous = signal.signal(signal.SIGALRM, lambda _signum, _frame: fired.append(time.monotonic()))
    try:
        signal.setitimer(signal.ITIMER_REAL, 3.0)
        report = marklint.scan([str(docs)], settings)
        assert [r.status.value for r in report.files] == ["complete", "complete"]
        assert fired == []
        left, interval = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < left <= 3.0 and interval == 0
        deadline = time.monotonic() + 10
        while not fired and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(fired) == 1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_host_alarm_due_during_a_file_fires_when_the_file_is_done(docs: Path) -> None:
    from marklint import workers

    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, _frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        with workers.time_limit(30):
            time.sleep(0.3)  # the host's alarm falls due here: held back, not lost
            assert fired == []
        time.sleep(0.1)
        assert fired == [signal.SIGALRM]
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_hosts_logging_configuration_is_kept(tmp_path: Path) -> None:
    # A PDF that names an object stream (its Info may sit in one: pypdf reads it) and whose cross-reference
    # offset is wrong (pypdf logs about it).
    pdf = (FIXTURES / "pdf" / "clean_gongwen.pdf").read_bytes().replace(b"\n", b"\n%/ObjStm\n", 1)
    (tmp_path / "damaged.pdf").write_bytes(re.sub(rb"startxref\s+\d+", b"startxref\n999999", pdf))
    pypdf_logger = logging.getLogger("pypdf")
    previous = pypdf_logger.level
    pypdf_logger.setLevel(logging.DEBUG)
    try:
        report = marklint.scan([str(tmp_path)], IN_PROCESS)
        assert [r.path for r in report.files] == [str(tmp_path / "damaged.pdf")]
        assert "pypdf" in sys.modules  # it did read the file
        assert pypdf_logger.level == logging.DEBUG
    finally:
        pypdf_logger.setLevel(previous)


def test_the_hosts_resource_limits_are_kept(docs: Path) -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    for jobs in (1, 2):
        report = marklint.scan([str(docs)], Settings(as_of=AS_OF), jobs=jobs)
        assert [r.status.value for r in report.files] == ["complete", "complete"]
        assert resource.getrlimit(resource.RLIMIT_AS) == before


# --- the compiled character loop ----------------------------------------------------------------------------


COMPILED_SOURCES = sorted((ROOT / "marklint" / "parsers").glob("_marklint_*.c"))


def test_every_compiled_module_is_declared_and_shipped() -> None:
    toml = (ROOT / "pyproject.toml").read_text()
    names = [source.stem for source in COMPILED_SOURCES]
    assert "_marklint_chars" in names
    for name in names:
        assert f'name = "marklint.parsers.{name}", sources = ["marklint/parsers/{name}.c"]' in toml, name
    assert '"marklint.parsers" = ["_marklint_*.c"]' in toml  # each source ships beside its binary


@pytest.mark.parametrize("source", COMPILED_SOURCES, ids=lambda path: path.name)
def test_the_digest_in_each_c_source_is_up_to_date(source: Path) -> None:
    text = source.read_bytes()
    written = re.search(rb'#define SOURCE_SHA256 "([0-9a-f]{64})"', text)
    assert written is not None
    assert written.group(1).decode() == compiled.source_sha256(text), (
        f"update SOURCE_SHA256 in {source.name} to marklint.parsers.compiled.source_sha256 of it")


def _loop_in(tree: Path, module: str = "pdf_glyphs", python_loop: str = "char_records is g._python_records") -> str:
    """Which loop a copy of the package in ``tree`` uses in ``module``: ``compiled`` or ``python`` (when
    ``python_loop``, said of the module as ``g``, holds)."""
    code = (f"from marklint.parsers import {module} as g; "
            f"print('python' if g.{python_loop} else 'compiled', g.__file__)")
    done = subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"})
    loop, where = done.stdout.split()
    assert where == str(tree / "marklint" / "parsers" / f"{module}.py")
    return loop


def test_a_stale_build_of_the_character_loop_is_refused(tmp_path: Path) -> None:
    built = list((ROOT / "marklint" / "parsers").glob("_marklint_chars*.so"))
    if not built:
        pytest.skip("_marklint_chars was not built (no C compiler at install): only the Python loop runs")
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "marklint", tree / "marklint", ignore=shutil.ignore_patterns("__pycache__"))
    assert _loop_in(tree) == "compiled"
    source = tree / "marklint" / "parsers" / "_marklint_chars.c"
    source.write_bytes(source.read_bytes().replace(b"FS_RECTF, as fpdfview.h lays it out.",
                                                   b"FS_RECTF, as fpdfview.h lays it out (changed).", 1))
    assert _loop_in(tree) == "python"  # the binary was built from the source before the change
    source.unlink()
    assert _loop_in(tree) == "python"  # nothing to check it against


def test_a_stale_build_of_the_ofd_loops_is_refused(tmp_path: Path) -> None:
    if not list((ROOT / "marklint" / "parsers").glob("_marklint_ofd*.so")):
        pytest.skip("_marklint_ofd was not built (no C compiler at install): only the Python loops run")
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "marklint", tree / "marklint", ignore=shutil.ignore_patterns("__pycache__"))
    ofd_loop = "upright_glyphs is g._python_upright_glyphs"
    assert _loop_in(tree, "ofd_text", ofd_loop) == "compiled"
    source = tree / "marklint" / "parsers" / "_marklint_ofd.c"
    source.write_bytes(source.read_bytes().replace(b"built in C.", b"built in C (changed).", 1))
    assert _loop_in(tree, "ofd_text", ofd_loop) == "python"  # the binary was built from the source before the change
    source.unlink()
    assert _loop_in(tree, "ofd_text", ofd_loop) == "python"  # nothing to check it against


def test_running_the_command_in_process_keeps_the_callers_signal_handlers() -> None:
    from click.testing import CliRunner

    from marklint.cli import main

    before = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0 and result.output.startswith("ML101")
    assert {signum: signal.getsignal(signum) for signum in before} == before
