"""The style sheet read from an index of its bytes (``style_index``) resolves exactly what the parsed
sheet resolves, parses only the styles a document uses, and falls back to a whole parse where bytes
cannot be trusted."""

from __future__ import annotations

import importlib.util
import random
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt
from lxml import etree

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.parsers import docx as docx_parser
from marklint.parsers import style_index
from marklint.parsers.ooxml_package import PART_MEMO, read_zip
from marklint.parsers.ooxml_styles import StyleSheet, ThemeFonts
from marklint.parsers.style_index import StyleIndex

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(docx.__file__).parent / "templates" / "default.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def word_styles() -> bytes:
    with zipfile.ZipFile(TEMPLATE) as archive:
        return archive.read("word/styles.xml")


def parse(name: str, data: bytes) -> etree._Element:
    return etree.fromstring(data)


def sheets(data: bytes) -> tuple[StyleSheet, StyleSheet]:
    """The parsed sheet and the indexed one, from the same bytes."""
    theme = ThemeFonts({}, None)
    lazy = StyleSheet.from_bytes("word/styles.xml", data, theme, Limits(), parse)
    return StyleSheet(etree.fromstring(data), theme), lazy


def style_ids(data: bytes) -> list[str]:
    return [s.get(f"{W}styleId") for s in etree.fromstring(data).iterchildren(f"{W}style")]


def test_word_template_resolves_every_style_as_the_parsed_sheet() -> None:
    data = word_styles()
    assert len(data) > 400_000
    eager, lazy = sheets(data)
    assert lazy._index is not None
    ids = style_ids(data)
    assert len(ids) == 164
    for style_id in ids:
        assert lazy._style(style_id) == eager._style(style_id), style_id
        assert lazy.run_look(style_id, None) == eager.run_look(style_id, None)
        assert lazy.paragraph_style_id(None) == eager.paragraph_style_id(None) == "Normal"
    assert lazy._default_character == eager._default_character == "DefaultParagraphFont"
    assert lazy._default_rpr == eager._default_rpr
    assert lazy._default_ppr == eager._default_ppr


def test_only_the_styles_a_document_uses_are_parsed(tmp_path: Path) -> None:
    document = docx.Document()
    style = document.styles.add_style("密级标志", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Heading 1"]
    style.font.size = Pt(16)
    document.add_paragraph("机密★5年", style="密级标志")
    document.add_paragraph("正文")
    path = tmp_path / "word.docx"
    document.save(str(path))
    PART_MEMO.clear()
    readers: list[docx_parser._DocxReader] = []

    def read_keeping_reader(package):
        readers.append(docx_parser._DocxReader(package, "word.docx", Limits()))
        return readers[-1].read()

    read = read_zip(path, Limits(), read_keeping_reader)
    assert [u.text for u in read.units] == ["机密★5年", "正文"]
    assert read.units[0].spans[0].size == 16.0
    sheet = readers[0].styles
    parsed = sorted(k for k, v in sheet._styles.items() if not isinstance(v, int))
    # The marking's style, its basedOn chain (Heading 1 -> Normal), and the default character style.
    assert parsed == ["DefaultParagraphFont", "Heading1", "Normal", "密级标志"]
    assert len(sheet._styles) == 165


UNINDEXABLE = [
        lambda d: d.replace(b"<w:latentStyles", b"<!-- a comment --><w:latentStyles", 1),
        lambda d: d.replace(b"<w:latentStyles", b"<?pi here?><w:latentStyles", 1),
        lambda d: d.replace(b'w:styleId="Normal"', b'w:styleId="Nor&#109;al"', 1),
        lambda d: d.replace(b'w:styleId="Normal"', b'xmlns:x="urn:x" w:styleId="Normal"', 1),
        lambda d: d.decode("utf-8").encode("utf-16"),
]
UNINDEXABLE_IDS = ["comment", "instruction", "entity", "namespace-on-a-style", "utf-16"]


@pytest.mark.parametrize("change", UNINDEXABLE, ids=UNINDEXABLE_IDS)
def test_bytes_that_cannot_be_indexed_are_parsed_whole(change) -> None:
    data = change(word_styles())
    assert StyleIndex.of("word/styles.xml", data, Limits()) is None
    lazy = StyleSheet.from_bytes("word/styles.xml", data, ThemeFonts({}, None), Limits(), parse)
    assert lazy._index is None
    assert isinstance(lazy._styles["Normal"], etree._Element)


def test_a_style_that_does_not_parse_alone_is_read_from_the_whole_part() -> None:
    # A style element nested in another: valid XML, but the bytes up to the first close tag are not one element.
    data = word_styles().replace(
        b'<w:name w:val="Normal"/>', b'<w:name w:val="Normal"/><w:style w:styleId="inner"></w:style>', 1
    )
    eager, lazy = sheets(data)
    assert lazy._index is not None
    assert lazy._style("Normal") == eager._style("Normal")
    assert lazy._style("Heading1") == eager._style("Heading1")


def test_a_damaged_style_in_use_makes_the_document_corrupt(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("机密★5年", style="Title")
    path = tmp_path / "a.docx"
    document.save(str(path))

    def damage(style_id: bytes) -> Path:
        out = tmp_path / f"damaged-{style_id.decode()}.docx"
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "word/styles.xml":
                    start = data.index(b'w:styleId="' + style_id + b'"')
                    at = data.index(b"<w:rPr>", start)
                    data = data[:at] + b"<w:rPr><w:b>" + data[at + len(b"<w:rPr>") :]
                target.writestr(item, data)
        return out

    PART_MEMO.clear()
    with pytest.raises(NotExamined) as caught:
        docx_parser.parse(damage(b"Title"), "a.docx", Limits())
    assert (caught.value.reason, caught.value.detail) == ("corrupt", "XML syntax error in word/styles.xml")
    # The same damage in a style the document does not use is never read.
    read = docx_parser.parse(damage(b"Heading9"), "a.docx", Limits())
    assert [u.text for u in read.units] == ["机密★5年"]


def assert_same_sheet(data: bytes) -> StyleSheet:
    """The sheet read from ``data`` (indexed or, when it cannot be, parsed whole) resolves every style and
    default exactly as the sheet parsed whole does."""
    eager, lazy = sheets(data)
    for style_id in style_ids(data):
        if style_id is None:
            continue
        assert lazy._style(style_id) == eager._style(style_id), style_id
        assert lazy.run_look(style_id, None) == eager.run_look(style_id, None), style_id
    assert lazy.paragraph_style_id(None) == eager.paragraph_style_id(None)
    assert lazy._default_character == eager._default_character
    assert (lazy._default_rpr, lazy._default_ppr) == (eager._default_rpr, eager._default_ppr)
    return lazy


NOT_TAKEN = [
        # Each makes a style start tag the plain reading does not take: the part is parsed whole.
        lambda d: d.replace(b'<w:style w:type="paragraph" w:styleId="Header">', b'<w:style w:type="paragraph">', 1),
        lambda d: d.replace(b'w:styleId="Header"', b"w:styleId='Header'", 1),
        lambda d: d.replace(b'w:styleId="Header"', b'w:styleId = "Header"', 1),
        lambda d: d.replace(b'w:styleId="Header"', b'w:styleId="Hea\tder"', 1),
        lambda d: d.replace(b'w:type="paragraph" w:styleId="Header"', b'w:type="para>graph" w:styleId="Header"', 1),
        lambda d: d.replace(b'w:type="paragraph" w:default="1"', b'w:type="para&#103;raph" w:default="1"', 1),
        lambda d: d.replace(b'w:default="1" w:styleId="Normal"', b'w:default="1" xmlns="urn:x" w:styleId="Normal"',
                            1),
        lambda d: d.replace(b'<w:style w:type="paragraph" w:styleId="Header">',
                            b'<w:style w:type="paragraph" w:styleId="Header"', 1),
]
NOT_TAKEN_IDS = ["no-style-id", "single-quotes", "spaces-around-equals", "tab-in-id", "gt-in-a-value",
                 "entity-in-type", "default-namespace-on-a-style", "unclosed-tag"]


@pytest.mark.parametrize("change", NOT_TAKEN, ids=NOT_TAKEN_IDS)
def test_style_tags_the_plain_reading_does_not_take_are_parsed_whole(change) -> None:
    data = change(word_styles())
    assert data != word_styles()
    assert StyleIndex.of("word/styles.xml", data, Limits()) is None
    try:
        etree.fromstring(data)
    except etree.XMLSyntaxError:
        return  # the unclosed tag: the whole parse reports it, as for any damaged part
    assert assert_same_sheet(data)._index is None


TAKEN = [
        # Each is read by the index exactly as the parser reads it.
        lambda d: d,
        lambda d: d.replace(b'<w:style w:type="paragraph" w:default="1" w:styleId="Normal">',
                            b'<w:style\n  w:styleId="Normal"\tw:default="1"\r\n w:type="paragraph" >', 1),
        lambda d: d.replace(b'w:styleId="Header"', b'w:styleId="Header" w:styleId2="x" x:styleId="Footer"', 1)
        .replace(b"<w:styles ", b'<w:styles xmlns:x="urn:x" ', 1),
        lambda d: d.replace(b'w:styleId="Header"', b"w:styleId=\"Hea'der\"", 1),
        lambda d: d.replace(b'w:type="paragraph" w:default="1"', b'w:type="paragraph" w:default="0"', 1),
        lambda d: d.replace(b'<w:style w:type="paragraph" w:styleId="Header">',
                            b'<w:style w:type="character" w:default="true" w:styleId="Header">', 1),
]
TAKEN_IDS = ["word-template", "line-breaks-between-attributes", "other-attributes-named-like-the-id",
             "quote-in-id", "default-off", "a-second-default-character-style"]


@pytest.mark.parametrize("change", TAKEN, ids=TAKEN_IDS)
def test_style_tags_the_plain_reading_takes_resolve_as_parsed(change) -> None:
    data = change(word_styles())
    assert StyleIndex.of("word/styles.xml", data, Limits()) is not None
    assert assert_same_sheet(data)._index is not None


def test_the_index_finds_every_style_and_default_of_the_template() -> None:
    data = word_styles()
    index = StyleIndex.of("word/styles.xml", data, Limits())
    assert index is not None
    ids = [i for i in style_ids(data) if i is not None]
    assert list(index.offsets) == list(dict.fromkeys(ids))
    for style_id, offset in index.offsets.items():
        tag = data[offset : data.index(b">", offset)]
        assert tag.startswith(b"<w:style ") and f' w:styleId="{style_id}"'.encode() in tag
    assert (index.default_paragraph, index.default_character) == ("Normal", "DefaultParagraphFont")


# --- the compiled scan (marklint/parsers/_marklint_styles.c) -----------------------------------------------


def _wps_styles() -> bytes:
    """Word's template with WPS's own styles and a user's style in it, as bench/authoring.py dresses a DOCX
    saved by WPS (the realistic corpus's WPS files)."""
    spec = importlib.util.spec_from_file_location("authoring", ROOT / "bench" / "authoring.py")
    assert spec is not None and spec.loader is not None
    authoring = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(authoring)
    fixture = ROOT / "fixtures" / "docx" / "clean_gongwen.docx"
    with zipfile.ZipFile(fixture) as archive:
        own = archive.read("word/styles.xml")
    return authoring.merged_styles(word_styles(), own, 7, wps=True)


def scans(data: bytes) -> tuple[object, object]:
    """What the Python scan and the compiled scan index of ``data`` (None: parsed whole)."""
    found = []
    for scan in (StyleIndex._scan, StyleIndex._compiled_scan):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(style_index, "scan", scan)
            index = StyleIndex.of("word/styles.xml", data, Limits())
        found.append(None if index is None else
                     (list(index.offsets.items()), index.default_paragraph, index.default_character))
    return found[0], found[1]


needs_compiled = pytest.mark.skipif(
    style_index.scan is StyleIndex._scan, reason="_marklint_styles was not built (no C compiler at install)")


@needs_compiled
def test_the_compiled_scan_is_used_when_built() -> None:
    assert style_index.scan is StyleIndex._compiled_scan


@needs_compiled
@pytest.mark.parametrize("change", UNINDEXABLE + NOT_TAKEN + TAKEN,
                         ids=UNINDEXABLE_IDS + NOT_TAKEN_IDS + TAKEN_IDS)
def test_the_compiled_scan_indexes_as_the_python_scan(change) -> None:
    python, compiled = scans(change(word_styles()))
    assert python == compiled


@needs_compiled
def test_the_compiled_scan_reads_wps_styles_as_the_python_scan() -> None:
    data = _wps_styles()
    python, compiled = scans(data)
    assert python is not None and python == compiled
    offsets = dict(python[0])
    assert {"WPS1", "WPS4", "WPS14", "GW7", "Normal"} <= offsets.keys()
    assert python[1:] == ("Normal", "DefaultParagraphFont")


def _mutated(data: bytes, rng: random.Random, starts: list[int]) -> bytes:
    pieces = [b" ", b"\t", b"\n", b"\x0b", b'"', b"'", b"&", b"<", b">", b"/", b"=", b":", b"w:", b"xmlns",
              b"xmlns:", b"a", b"-", b".", b"\xff", b"\xe5\xaf", b"\x00", b'w:styleId="', b'w:default="1"',
              b'w:type="character"', b'w:type="paragraph"', b"<w:style", b"<w:style ", b"/>"]
    changed = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.choice(starts) + rng.randint(0, 80)
        piece = rng.choice(pieces)
        what = rng.random()
        if what < 0.4:
            changed[at:at] = piece
        elif what < 0.7:
            del changed[at : at + rng.randint(1, 5)]
        else:
            changed[at : at + len(piece)] = piece
    return bytes(changed)


@needs_compiled
def test_the_compiled_scan_agrees_on_damaged_style_tags() -> None:
    # Bytes inserted, deleted and overwritten in and around style start tags (a fixed seed: the same cases
    # every run), and the sheet cut short inside each of its first tags: the same index or the same refusal.
    data = word_styles()
    starts = [match.start() for match in re.finditer(rb"<w:style[ >]", data)]
    rng = random.Random(21)
    answers = {"indexed": 0, "parsed whole": 0}
    for _ in range(1500):
        python, compiled = scans(_mutated(data, rng, starts))
        assert python == compiled
        answers["indexed" if python is not None else "parsed whole"] += 1
    assert min(answers.values()) > 200  # both answers are exercised
    for start in starts[:3]:
        for cut in range(start, data.index(b">", start) + 2):
            python, compiled = scans(data[:cut])
            assert python == compiled


@needs_compiled
def test_the_compiled_scan_refuses_bad_arguments() -> None:
    scan = style_index._marklint_styles.scan
    assert scan(b'<w:style w:styleId="a"/>', 0, b"w") == ({"a": 0}, None, None)
    assert scan(b"<w:style>", 0, b"w") is None  # a style start tag without an id: parsed whole
    assert scan(b"<w:style", 0, b"w") == ({}, None, None)  # cut short: no start tag (the parse reports it)
    assert scan(b"", 0, b"w") == ({}, None, None)
    assert scan(b'<w:style w:styleId="a"/>', 99, b"w") == ({}, None, None)
    for start, prefix in ((-1, b"w"), (0, b""), (0, b"w" * 1025)):
        with pytest.raises(ValueError):
            scan(b"<w:style", start, prefix)
    with pytest.raises(TypeError):
        scan("<w:style", 0, b"w")


# --- styles derived once for the same bytes (style_index._DERIVED) -----------------------------------------


def test_a_style_seen_in_an_earlier_sheet_is_not_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    style_index._DERIVED.clear()
    template = word_styles()
    own = b'<w:style w:type="paragraph" w:styleId="GW1"><w:name w:val="x"/><w:basedOn w:val="Heading1"/></w:style>'
    first = template.replace(b"</w:styles>", own + b"</w:styles>")
    # The second document's Heading 1 is another colour: its bytes differ, so it is read anew.
    second = first.replace(b"GW1", b"GW2").replace(b'<w:color w:val="365F91" w:themeColor="accent1" '
                                                   b'w:themeShade="BF"/>', b'<w:color w:val="FF0000"/>', 1)
    assert second.count(b'w:val="FF0000"') == 1
    parsed: list[bytes] = []
    element = style_index.StyleIndex._element

    def counted(self, own: bytes):
        found = re.search(rb'w:styleId="([^"]*)"', own[: own.index(b">")])
        parsed.append(found.group(1) if found else own[: own.index(b">") + 1])
        return element(self, own)

    monkeypatch.setattr(style_index.StyleIndex, "_element", counted)
    eager_first, lazy_first = sheets(first)
    assert lazy_first._style("GW1") == eager_first._style("GW1")
    assert parsed == [b"<w:docDefaults>", b"GW1", b"Heading1", b"Normal"]
    parsed.clear()
    eager_second, lazy_second = sheets(second)
    assert lazy_second._style("GW2") == eager_second._style("GW2")
    assert parsed == [b"GW2", b"Heading1"]  # Normal and docDefaults were kept
    assert lazy_second._style("GW2")[0]["color"] == "FF0000"
    assert lazy_first._style("GW1")[0]["color"] == "365F91"
    for style_id in style_ids(second):
        assert lazy_second._style(style_id) == eager_second._style(style_id), style_id


def test_what_is_derived_of_styles_is_bounded() -> None:
    kept = style_index._Derived(max_entries=2, max_bytes=64 * 100)
    kept.put(("a",), 1, 10)
    kept.put(("b",), 2, 10)
    assert (kept.get(("a",), None), kept.get(("b",), None)) == (1, 2)
    kept.put(("c",), 3, 10)  # a third entry: it starts again
    assert (kept.get(("a",), None), kept.get(("c",), None)) == (None, 3)
    kept.put(("d",), 4, 101)  # larger than a 64th of the bytes allowed: not kept
    assert kept.get(("d",), None) is None
    kept = style_index._Derived(max_entries=1000, max_bytes=64 * 100)
    for number in range(64):
        kept.put((number,), number, 100)
    assert kept.get((0,), None) == 0 and kept.get((63,), None) == 63
    kept.put((64,), 64, 1)  # one byte over: it starts again
    assert (kept.get((0,), None), kept.get((64,), None)) == (None, 64)


@needs_compiled
def test_the_compiled_scan_finds_a_tag_at_every_place() -> None:
    # Sixteen places are searched at once (SSE2) and the last few bytes one by one: a tag before, across and
    # after each block boundary, near the end, and false starts ("<" and the last byte of the name) around it.
    scan = style_index._marklint_styles.scan
    for prefix in (b"w", b"ns0", b"a" * 40):
        tag = b"<" + prefix + b':style ' + prefix + b':styleId="S"/>'
        for before in range(40):
            for after in (0, 1, 7, 15, 16, 17, 40):
                data = b"<e" * (before // 2) + b"e" * (before % 2) + tag + b"<x:style"[: after % 9] + b"e" * after
                assert scan(data, 0, prefix) == ({"S": before}, None, None), (prefix, before, after)
                assert scan(data, before + 1, prefix) == ({}, None, None)
