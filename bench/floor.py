"""The floor: read only the bytes marklint must read, with no checks at all.

DOCX: open the ZIP, parse word/document.xml, the headers and footers and docProps/core.xml and
docProps/custom.xml (when present) with lxml, and join the w:t texts. PDF: the text of page 1 and of the
last page through PDFium (pypdfium2). Files are spread over a multiprocessing pool of ``--jobs`` workers,
the same parallelism marklint is given, so the comparison is fair. Prints one summary line.

    python bench/floor.py [--jobs J] FOLDER [FOLDER ...]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import zipfile
from multiprocessing import Pool

from lxml import etree

W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
DOCX_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml|docProps/(core|custom)\.xml")
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
CHUNKSIZE = 16


def iter_files(roots: list[str]) -> list[str]:
    found = []
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            found.extend(os.path.join(folder, name) for name in sorted(names)
                         if name.lower().endswith((".docx", ".pdf")))
    return found


def docx_chars(path: str) -> int:
    total = 0
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not DOCX_PARTS.fullmatch(name):
                continue
            root = etree.fromstring(archive.read(name), XML_PARSER)
            if name.startswith("word/"):
                total += len("".join(element.text or "" for element in root.iter(W_T)))
            else:
                total += len("".join(root.itertext()))
    return total


def pdf_chars(path: str) -> int:
    import pypdfium2  # imported in the worker: PDFium is not fork-safe once initialised

    pdf = pypdfium2.PdfDocument(path)
    try:
        indices = sorted({0, len(pdf) - 1}) if len(pdf) else []
        total = 0
        for index in indices:
            page = pdf[index]
            textpage = page.get_textpage()
            total += len(textpage.get_text_range())
            textpage.close()
            page.close()
        return total
    finally:
        pdf.close()


def read_one(path: str) -> tuple[int, bool]:
    """Characters read from one file, and whether it could be read."""
    try:
        return (docx_chars(path) if path.lower().endswith(".docx") else pdf_chars(path)), True
    except Exception:
        return 0, False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    files = iter_files(args.folders)
    chars = failed = 0
    with Pool(max(1, args.jobs)) as pool:
        for count, ok in pool.imap_unordered(read_one, files, chunksize=CHUNKSIZE):
            chars += count
            failed += not ok
    print(f"files={len(files)} chars={chars} unreadable={failed}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
