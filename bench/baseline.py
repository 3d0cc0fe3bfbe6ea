"""The hand-written baseline: the script a user would write instead of marklint.

For every DOCX, PDF, OFD and text file below the given folders, load the whole text (python-docx: every
paragraph and table cell; pdfplumber: every page's ``extract_text``; OFD: every page's TextCode through
zipfile and lxml; DOC and WPS: the whole text of the piece table, read with olefile (``word_binary``);
text: the whole file), search it with one regular expression, and print one line per
file. One process, no limits, no checks beyond the regex.

    python bench/baseline.py FOLDER [FOLDER ...]
"""

from __future__ import annotations

import os
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import olefile
import pdfplumber
import word_binary
from lxml import etree

MARKING = re.compile(r"(绝密|机密|秘密)★\S+")
SUFFIXES = (".docx", ".pdf", ".ofd", ".doc", ".wps", ".txt", ".md")
OFD_PAGE = re.compile(r"(?:.*/)?Pages/Page_\d+/Content\.xml")


def iter_files(roots: list[str]) -> Iterator[Path]:
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            for name in sorted(names):
                if name.lower().endswith(SUFFIXES):
                    yield Path(folder) / name


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def ofd_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        parts = []
        for name in archive.namelist():
            if OFD_PAGE.fullmatch(name):
                root = etree.fromstring(archive.read(name))
                parts.append("".join("".join(code.itertext()) for code in root.iter("{*}TextCode")))
        return "\n".join(parts)


def word_binary_text(path: Path) -> str:
    with olefile.OleFileIO(str(path)) as ole:
        word = ole.openstream("WordDocument").read()
        return word_binary.text(word, ole.openstream(word_binary.table_name(word)).read())


def plain_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


READERS = {".docx": docx_text, ".pdf": pdf_text, ".ofd": ofd_text, ".doc": word_binary_text, ".wps": word_binary_text,
           ".txt": plain_text, ".md": plain_text}


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.stdout
    for path in iter_files(argv):
        try:
            text = READERS[path.suffix.lower()](path)
        except Exception as exc:  # a user's script would at least not stop at one bad file
            out.write(f"{path}\tERROR {type(exc).__name__}\n")
            continue
        found = [match.group(0) for match in MARKING.finditer(text)]
        out.write(f"{path}\t{' | '.join(found) if found else '-'}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
