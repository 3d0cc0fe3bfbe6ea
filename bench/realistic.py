"""The realistic bench corpus: documents as the authoring tools write them, each kind in the share an
archive plausibly has. One kind is one entry of ``KINDS``; a kind whose fixtures have not landed yet
(their folder under ``fixtures/`` holds no file), or that is not timed (``timed`` false: scans, whose OCR
would swamp the line, see BENCHMARKS.md), is left out, and
the shares of the others are scaled up so they still add up to the whole. Why these shares: BENCHMARKS.md.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import authoring

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SUBFOLDERS = 8


@dataclass(frozen=True)
class Kind:
    name: str
    share: float  # of an archive, in percent
    sources: tuple[str, ...]  # globs under fixtures/
    make: str  # how a file is made from a fixture: "copy", "word", "wps", "pdf-word", "pdf-wps"
    about: str
    timed: bool = True  # baseline.py and floor.py read this kind

    def fixtures(self) -> list[Path]:
        return sorted(path for pattern in self.sources for path in FIXTURES.glob(pattern))


KINDS = (
    Kind("docx-word", 28, ("docx/*.docx",), "word", "DOCX saved by Word from its default template"),
    Kind("docx-wps", 18, ("docx/*.docx",), "wps", "DOCX saved by WPS (KSO custom properties, WPS styles)"),
    Kind("doc", 6, ("doc/*.doc",), "copy", "Word 97-2003 binary documents"),
    Kind("wps", 2, ("doc/*.wps", "wps/*.wps"), "copy", "WPS's own binary documents"),
    Kind("pdf-word", 12, ("pdf/*.pdf",), "pdf-word", "PDF exported by Word (approximated: Producer only)"),
    Kind("pdf-wps", 10, ("pdf/*.pdf",), "pdf-wps", "PDF exported by WPS (approximated: Producer only)"),
    Kind("pdf-libreoffice", 4, ("pdf/*.pdf",), "copy", "PDF exported by LibreOffice (the fixtures)"),
    # Scans are read by OCR, about a hundred times a text document's cost: kept out of the a/b and a/c line,
    # their cost per document measured apart (bench/ocr_cost.py, BENCHMARKS.md).
    Kind("scan", 5, ("scans/*.pdf", "scans/*.png", "scans/*.jpg", "scans/*.tif"), "copy", "scanned pages (OCR)",
         timed=False),
    Kind("ofd", 10, ("ofd/*.ofd",), "copy", "OFD, the national fixed-layout format"),
    Kind("text", 5, ("text/*.txt", "text/*.md"), "copy", "plain text and Markdown"),
)


def landed() -> list[Kind]:
    """The kinds in the corpus: their fixtures are there, and the baseline and the floor read them."""
    return [kind for kind in KINDS if kind.timed and kind.fixtures()]


def counts(total: int) -> dict[str, int]:
    """Files of each landed kind in a corpus of ``total`` files (shares scaled to the landed kinds)."""
    kinds = landed()
    whole = sum(kind.share for kind in kinds)
    out = {kind.name: int(total * kind.share / whole) for kind in kinds}
    # What rounding left over goes to the largest shares first.
    for kind in sorted(kinds, key=lambda k: -k.share)[: total - sum(out.values())]:
        out[kind.name] += 1
    return out


def _maker(how: str) -> Callable[[Path, int, Path], None]:
    if how in ("word", "wps"):
        template = authoring.word_template()

        def docx(source: Path, number: int, target: Path) -> None:
            target.write_bytes(authoring.dressed_docx(source, number, how, template))

        return docx
    if how.startswith("pdf-"):
        made: dict[Path, Path] = {}  # the same PDF is relabelled once, then copied

        def pdf(source: Path, number: int, target: Path) -> None:
            if source not in made:
                authoring.relabelled_pdf(source, how[4:], target)
                made[source] = target
            else:
                shutil.copyfile(made[source], target)

        return pdf

    def copy(source: Path, number: int, target: Path) -> None:
        shutil.copyfile(source, target)

    return copy


def build(folder: Path, total: int, first_number: int = 0) -> dict[str, int]:
    """``total`` files of the landed kinds in their shares, spread over SUBFOLDERS folders of ``folder``,
    kinds interleaved (so any prefix of the walk mixes them); returns the count of each kind."""
    wanted = counts(total)
    kinds = {kind.name: kind for kind in landed()}
    plan: list[tuple[str, int]] = []  # (kind, its n-th file), interleaved by share
    made = dict.fromkeys(wanted, 0)
    for index in range(total):
        # The kind furthest behind its share gets the next place.
        name = max(wanted, key=lambda n: wanted[n] * (index + 1) / total - made[n] if made[n] < wanted[n] else -1e9)
        plan.append((name, made[name]))
        made[name] += 1
    makers = {name: _maker(kind.make) for name, kind in kinds.items()}
    for folder_index in range(SUBFOLDERS):
        (folder / f"d{folder_index:02d}").mkdir(parents=True, exist_ok=True)
    for index, (name, nth) in enumerate(plan):
        sources = kinds[name].fixtures()
        source = sources[nth % len(sources)]
        target = folder / f"d{index % SUBFOLDERS:02d}" / f"{index:06d}_{name}_{source.name}"
        makers[name](source, first_number + index, target)
    return wanted


def build_warmup(folder: Path) -> None:
    """One file of each landed kind, made as the corpus's are."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, kind in enumerate(landed()):
        source = kind.fixtures()[0]
        _maker(kind.make)(source, 900_000 + number, folder / f"{kind.name}_{source.name}")
