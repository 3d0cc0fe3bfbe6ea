"""What ``marklint scan`` loads for one file (the call a pre-release hook makes), in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROBE = """
import json, sys
from marklint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = ("marklint.forked", "multiprocessing", "marklint.parsers.pdf", "pypdfium2_raw", "marklint.parsers.docx")
print(json.dumps(sorted(m for m in heavy if m in sys.modules)), file=sys.stderr)
"""


def loaded(*paths: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "scan", *map(str, paths), "-j", "2", "--as-of", "2026-11-27"],
        capture_output=True, text=True, check=True,
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_one_docx_is_given_one_worker_and_no_parser_imports_in_the_parent() -> None:
    # The memory ceiling (the default) keeps judging out of this process; one file needs one forked worker
    # (marklint.forked, never multiprocessing), and the parent imports no parser for workers to share.
    assert loaded(FIXTURES / "docx" / "clean_gongwen.docx") == ["marklint.forked"]


def test_two_files_still_go_to_the_pool() -> None:
    found = loaded(FIXTURES / "docx" / "clean_gongwen.docx", FIXTURES / "docx" / "header_only.docx")
    assert found == ["marklint.forked", "marklint.parsers.docx", "marklint.parsers.pdf", "pypdfium2_raw"]
