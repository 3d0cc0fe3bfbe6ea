"""One mapping and one pass over a PDF's bytes (pdf_streams.PdfBytes, _marklint_chars.name_offsets) and the
ZIP end record found by memmem (polyglot): the compiled searches equal their Python fallbacks, on random
bytes and on every PDF of the repository, and refuse arguments they cannot search."""

from __future__ import annotations

import importlib
import mmap
import random
from pathlib import Path

import pytest

from marklint.parsers import pdf_streams

ROOT = Path(__file__).resolve().parent.parent
PDFS = sorted((ROOT / "tests" / "data").rglob("*.pdf")) + sorted((ROOT / "fixtures").rglob("*.pdf"))
polyglot = importlib.import_module("marklint.parsers.polyglot")  # the package exports a function of that name

compiled_only = pytest.mark.skipif(pdf_streams.name_offsets is pdf_streams._python_name_offsets,
                                   reason="_marklint_chars was not built")


@compiled_only
def test_compiled_name_offsets_equal_the_python_search_on_random_bytes():
    rng = random.Random(21)
    for _ in range(3000):
        data = bytes(rng.choice(b"/ab") for _ in range(rng.randint(0, 40)))
        names = tuple(b"/" + bytes(rng.choice(b"/ab") for _ in range(rng.randint(0, 3)))
                      for _ in range(rng.randint(1, 5)))
        most = tuple(rng.randint(-1, 4) for _ in names)
        assert pdf_streams.name_offsets(data, names, most) == pdf_streams._python_name_offsets(data, names, most), (
            data, names, most)


@compiled_only
def test_compiled_name_offsets_equal_the_python_search_on_every_pdf():
    found = 0
    for path in PDFS:
        data = path.read_bytes()
        for most in ((len(data), *(1,) * 6), (0, *(3,) * 6), (2, 0, 5, 0, 1, 1, 1)):
            compiled = pdf_streams.name_offsets(data, pdf_streams.SIGNS, most)
            assert compiled == pdf_streams._python_name_offsets(data, pdf_streams.SIGNS, most), path.name
            found += sum(map(len, compiled))
    assert found > 500  # the PDFs name these hundreds of times: the search was not vacuous


def test_pdf_bytes_finds_what_bytes_find_finds():
    """Every /Filter of a small file and the first of each other name, through a mapping of the file."""
    for path in PDFS:
        data = path.read_bytes()
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            file = pdf_streams.PdfBytes(mapped, 64 * 1024 * 1024)
            filters = pdf_streams._python_name_offsets(data, (b"/Filter",), (len(data),))[0]
            assert file.filters == (filters if file.small else []), path.name
            assert [file.at(name) for name in pdf_streams.SIGNS[1:]] == [data.find(name)
                                                                         for name in pdf_streams.SIGNS[1:]]
            assert file.names(b"/EmbeddedFile", b"/FileAttachment") == (
                b"/EmbeddedFile" in data or b"/FileAttachment" in data)


def test_filter_values_from_found_offsets_are_the_ones_finditer_finds():
    samples = [b"/Filter/FlateDecode /Filter /Filter [/A /Filter/B] /Filter 12 0 R /Filte /Filter",
               b"", b"/Filter", b"x/Filter\n/LZW/Filter[/Fl/RL]", b"/Filter[/Filter/Filter]/Filter/Fl"]
    for data in samples + [path.read_bytes() for path in PDFS]:
        offsets = pdf_streams._python_name_offsets(data, (b"/Filter",), (len(data),))[0]
        found = [(m.start(), m.end()) for m in pdf_streams._filter_values(data, offsets)]
        assert found == [(m.start(), m.end()) for m in pdf_streams._FILTER_VALUE.finditer(data)], data[:40]


@compiled_only
def test_name_offsets_refuses_what_it_cannot_search():
    name_offsets = pdf_streams._marklint_chars.name_offsets
    with pytest.raises(ValueError, match="first byte"):
        name_offsets(b"/a<b", (b"/a", b"<b"), (1, 1))
    with pytest.raises(ValueError, match="1 to 16"):
        name_offsets(b"/a", (), ())
    with pytest.raises(ValueError, match="1 to 16"):
        name_offsets(b"/a", (b"/a",) * 17, (1,) * 17)
    with pytest.raises(ValueError, match="1 to 16"):
        name_offsets(b"/a", (b"/a", b"/b"), (1,))
    with pytest.raises(TypeError, match="non-empty bytes"):
        name_offsets(b"/a", (b"",), (1,))
    with pytest.raises(TypeError, match="non-empty bytes"):
        name_offsets(b"/a", ("/a",), (1,))
    with pytest.raises(TypeError):
        name_offsets(b"/a", (b"/a",), ("1",))
    with pytest.raises(TypeError):
        name_offsets("/a", (b"/a",), (1,))
    with pytest.raises(TypeError):
        name_offsets(b"/a", [b"/a"], (1,))
    view = memoryview(b"x/a/a/ab")[1:]  # any buffer: a slice of a view, a mapping
    assert name_offsets(view, (b"/a", b"/ab"), (10, 10)) == ([0, 2, 4], [4])
    assert name_offsets(b"/a" * 1000, (b"/a",), (3,)) == ([0, 2, 4],)


def test_polyglot_end_record_search_equals_bytes_rfind():
    if pdf_streams.name_offsets is not pdf_streams._python_name_offsets:  # built: polyglot searches in C too
        assert polyglot._compiled_rfind() is pdf_streams._marklint_chars.rfind
    rng = random.Random(7)
    eocd = polyglot._EOCD
    for _ in range(2000):
        tail = b"".join(rng.choice((b"P", b"K", b"\x05", b"\x06", eocd, b"x")) for _ in range(rng.randint(0, 30)))
        end = rng.randint(0, len(tail))
        assert polyglot.last_end_record(tail, end) == polyglot._python_last(tail, end) == tail.rfind(eocd, 0, end)


def test_every_pdf_reads_the_same_through_the_python_searches(monkeypatch):
    """The whole reading (streams measured or not, metadata, attachments, polyglot refusals) is the same
    with the Python fallbacks of the searches as with the compiled ones."""
    from marklint.limits import Limits
    from marklint.parsers import parse, pdf_metadata

    def outcome(path: Path) -> object:
        try:
            return parse(path, path.name, Limits(), ocr="off")
        except Exception as exc:  # NotExamined: the refusal and its reason
            return type(exc).__name__, str(exc)

    expected = [outcome(path) for path in PDFS]
    monkeypatch.setattr(pdf_streams, "name_offsets", pdf_streams._python_name_offsets)
    monkeypatch.setattr(pdf_streams, "find", pdf_streams._python_find)
    monkeypatch.setattr(pdf_streams, "rfind", pdf_streams._python_rfind)
    monkeypatch.setattr(pdf_metadata, "find", pdf_streams._python_find)
    monkeypatch.setattr(pdf_metadata, "rfind", pdf_streams._python_rfind)
    monkeypatch.setattr(polyglot, "_compiled_rfind", lambda: None)
    pdf_streams._value_expands_beyond.cache_clear()
    assert [outcome(path) for path in PDFS] == expected
    assert sum(1 for document in expected if not isinstance(document, tuple)) > 40
