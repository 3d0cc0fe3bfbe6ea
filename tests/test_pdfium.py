"""PDFium initialised by marklint without pypdfium2's helpers, and together with them in either order: each
case runs in a fresh interpreter, since the library is initialised once per process and destroyed at exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "fixtures" / "pdf" / "clean_gongwen.pdf"

PAGES_BY_RAW_CALLS = f"""
import os, sys
from marklint.parsers.pdfium import pdfium_c
document = pdfium_c.FPDF_LoadDocument(os.fsencode({str(PDF)!r}) + b"\\0", None)
assert document, pdfium_c.FPDF_GetLastError()
print(pdfium_c.FPDF_GetPageCount(document))
pdfium_c.FPDF_CloseDocument(document)
"""
HELPERS_OPEN_IT = f"""
import pypdfium2
with pypdfium2.PdfDocument({str(PDF)!r}) as document:
    print(len(document))
    page = document[0]  # left for pypdfium2 to close at exit, before the library is destroyed
"""
MARKLINT_PARSES_IT = f"""
from pathlib import Path
from marklint.limits import DEFAULT_LIMITS
from marklint.parsers import pdf
print(pdf.parse(Path({str(PDF)!r}), "x.pdf", DEFAULT_LIMITS).page_count)
"""


def run(code: str) -> list[str]:
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                               check=False)
    assert completed.returncode == 0, completed.stderr  # a crash at exit (a double destruction) fails here
    return completed.stdout.split()


def test_the_library_is_initialised_without_the_helpers() -> None:
    printed = run(PAGES_BY_RAW_CALLS + "print(*sorted(m for m in sys.modules if m.startswith('pypdfium2')))")
    assert printed == ["2", "pypdfium2_raw", "pypdfium2_raw.bindings"]


@pytest.mark.parametrize("first, then", [
    (PAGES_BY_RAW_CALLS, HELPERS_OPEN_IT),  # marklint initialises, pypdfium2 comes after
    (HELPERS_OPEN_IT, PAGES_BY_RAW_CALLS),  # pypdfium2 initialises, marklint comes after
    (HELPERS_OPEN_IT, MARKLINT_PARSES_IT),
    (MARKLINT_PARSES_IT, HELPERS_OPEN_IT),
])
def test_pypdfium2_in_the_same_process_in_either_order(first: str, then: str) -> None:
    assert run(first + then) == ["2", "2"]
