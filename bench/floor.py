"""The floor: read only the bytes marklint must read, with no checks at all.

DOCX: open the ZIP, parse word/document.xml, the headers and footers, docProps/core.xml,
docProps/custom.xml and docProps/app.xml (when present) and word/settings.xml with lxml, and join the w:t
texts; inflate word/styles.xml (marklint must read its bytes to find the styles a document uses, though it
parses only those) and parse the theme, as marklint does. Nothing else of the package (stylesWithEffects,
numbering, font table, glossary) is read, since marklint reads none of it. PDF: the text of page 1 and of
the last page through PDFium (pypdfium2). OFD: OFD.xml, the document, its resource parts, and the TextCode
of the first and the last page. DOC and WPS (``.wps``, the same Word binary format): the OLE streams
marklint reads (WordDocument, the table stream, the two property streams) with olefile, and the text
decoded from the piece table (``word_binary``). Text: the whole file, decoded. Files are spread over a multiprocessing
pool of ``--jobs`` workers, the same parallelism marklint is given, so the comparison is fair. Prints one summary line.

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
DOCX_PARTS = re.compile(
    r"word/(document|header\d*|footer\d*|settings|theme/theme1)\.xml|docProps/(core|custom|app)\.xml"
)
DOCX_INFLATED = "word/styles.xml"
SUFFIXES = (".docx", ".pdf", ".ofd", ".doc", ".wps", ".txt", ".md")
OLE_PROPERTIES = ("\x05SummaryInformation", "\x05DocumentSummaryInformation")
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
CHUNKSIZE = 16


def iter_files(roots: list[str]) -> list[str]:
    found = []
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            found.extend(os.path.join(folder, name) for name in sorted(names)
                         if name.lower().endswith(SUFFIXES))
    return found


def docx_chars(path: str) -> int:
    total = 0
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name == DOCX_INFLATED:
                archive.read(name)  # read, not counted: no text of its own
                continue
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


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(parent: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in parent if isinstance(c.tag, str) and _local(c.tag) == name), None)


def ofd_chars(path: str) -> int:
    with zipfile.ZipFile(path) as archive:
        def xml(name: str) -> etree._Element:
            return etree.fromstring(archive.read(name), XML_PARSER)

        body = _child(xml("OFD.xml"), "DocBody")
        document_name = (_child(body, "DocRoot").text or "").strip().lstrip("/")
        folder = os.path.dirname(document_name)
        document = xml(document_name)
        common = _child(document, "CommonData")
        for res in common if common is not None else ():
            if _local(str(res.tag)) in ("PublicRes", "DocumentRes"):
                xml(os.path.join(folder, (res.text or "").strip()))
        pages = [p for p in _child(document, "Pages") if isinstance(p.tag, str)]
        total = 0
        for page in {id(pages[0]): pages[0], id(pages[-1]): pages[-1]}.values():
            content = xml(os.path.join(folder, page.get("BaseLoc", "").strip().lstrip("/")))
            total += len("".join("".join(code.itertext()) for code in content.iter("{*}TextCode")))
        return total


def word_binary_chars(path: str) -> int:
    import olefile  # as marklint does: imported when a Word binary file is met
    import word_binary

    with olefile.OleFileIO(path) as ole:
        word = ole.openstream("WordDocument").read()
        table = ole.openstream(word_binary.table_name(word)).read()
        word_binary.streams(ole, OLE_PROPERTIES)
    return len(word_binary.text(word, table))


def text_chars(path: str) -> int:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return len(data.decode("utf-8"))
    except UnicodeDecodeError:
        return len(data.decode("gb18030", "replace"))


READERS = {".docx": docx_chars, ".pdf": pdf_chars, ".ofd": ofd_chars, ".doc": word_binary_chars,
           ".wps": word_binary_chars, ".txt": text_chars, ".md": text_chars}


def read_one(path: str) -> tuple[int, bool]:
    """Characters read from one file, and whether it could be read."""
    try:
        return READERS[os.path.splitext(path)[1].lower()](path), True
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
