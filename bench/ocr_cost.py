"""Cost of reading a scanned document by OCR (issue 16: under 0.5 s of one core per scanned document,
marking area plus date area), and proof that text-layer files pay nothing for it.

A corpus with a scanned share: the fixture PDFs (text layer) and the scanned fixtures (fixtures/scans),
each parsed in this process, median of several rounds per file, CPU time of this process
(``time.process_time``; OCR runs with one inference thread, so this is one core's time). The model's
one load per worker is timed apart. Text-layer PDFs are read first and must not import the OCR stack.

    python bench/ocr_cost.py [rounds]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from ofd_cost import per_file_ms as file_ms  # bench/ is the script's folder, first on sys.path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OCR_MODULES = ("rapidocr", "onnxruntime", "cv2", "PIL")


def per_file_ms(paths: list[Path], rounds: int) -> list[float]:
    """Each file's median CPU milliseconds (ofd_cost's timing: one untimed read first, then ``rounds``)."""
    return [file_ms([path], rounds)[0] for path in paths]


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    texts = sorted((FIXTURES / "pdf").glob("*.pdf"))
    text_ms = per_file_ms(texts, rounds)
    loaded = [name for name in OCR_MODULES if name in sys.modules]
    print(f"text-layer PDFs: {len(texts)} files, median {statistics.median(text_ms):.1f} ms, "
          f"worst {max(text_ms):.1f} ms per file; OCR modules imported: {loaded or 'none'}")
    from marklint.parsers import ocr

    start = time.process_time()
    ocr.recogniser()
    print(f"OCR model load (once per worker that meets a scan): {(time.process_time() - start) * 1000:.0f} ms CPU")
    scans = sorted(p for p in (FIXTURES / "scans").iterdir() if p.suffix != ".json")
    scan_ms = per_file_ms(scans, rounds)
    for path, ms in zip(scans, scan_ms, strict=True):
        print(f"  {path.name:45} {ms:6.0f} ms")
    print(f"scanned documents: {len(scans)} files, median {statistics.median(scan_ms):.0f} ms, "
          f"mean {statistics.mean(scan_ms):.0f} ms, worst {max(scan_ms):.0f} ms of one core per document "
          f"(target < 500 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
