"""Property-based robustness (issue 5): damaged DOCX, PDF and OFD bytes, read as a scan reads them, always come
back as a Document, of any status, within a time bound; never as an exception. The checks then run on
whatever came back. A reason is always one of the documented ones, and never the driver's catch-all for
an exception that escaped a parser's own guard."""

from __future__ import annotations

import copy
import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from marklint import driver
from marklint.config import Settings
from marklint.errors import REASONS
from marklint.model import PARTS, Document, Status

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DOCX = (FIXTURES / "docx" / "clean_gongwen.docx").read_bytes()
PDF = (FIXTURES / "pdf" / "clean_gongwen.pdf").read_bytes()
with zipfile.ZipFile(io.BytesIO(DOCX)) as _archive:
    DOCX_MEMBERS = {info.filename: _archive.read(info) for info in _archive.infolist()}
OFD = (FIXTURES / "ofd" / "template_banner.ofd").read_bytes()
with zipfile.ZipFile(io.BytesIO(OFD)) as _archive:
    OFD_MEMBERS = {info.filename: _archive.read(info) for info in _archive.infolist()}
SETTINGS = Settings(as_of=date(2026, 11, 27))
#: Per example: a read takes a few milliseconds; the deadline catches a parser that spins on damage.
FUZZ = settings(max_examples=150, deadline=timedelta(seconds=5),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


#: Byte edits to a whole file leave its signature (ZIP or PDF) alone: a file that is no longer recognised at
#: all says little about the parsers.
KEEP_HEAD = 8
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Attribute values that trouble number and enum readers: sizes, twips, colours, booleans.
ODD_VALUES = ("", "-1", "0", "4294967296", "99999999999999999999", "1e308", "nan", "inf", "abc", "٣", "★",
              "true", "auto", "-0", " 12 ", "FFFFFFFFFF", "0x10")
XML_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=200)


@st.composite
def damaged(draw: st.DrawFn, original: bytes, keep: int = KEEP_HEAD) -> bytes:
    """``original`` with one to eight edits: bit flips, overwrites, insertions, deletions, a truncation,
    or a duplicated stretch (repeated objects and XML elements)."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        if len(data) <= keep:
            break
        at = draw(st.integers(keep, len(data) - 1))
        edit = draw(st.sampled_from(("flip", "overwrite", "insert", "delete", "truncate", "duplicate")))
        if edit == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif edit == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=16))
            data[at : at + len(chunk)] = chunk
        elif edit == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif edit == "delete":
            del data[at : at + draw(st.integers(1, 256))]
        elif edit == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 512))]
    return bytes(data)


@st.composite
def restructured(draw: st.DrawFn, xml: bytes) -> bytes:
    """Well-formed XML with one to six structural edits: an element dropped, duplicated or moved elsewhere,
    an attribute set to an odd value, an element's text replaced. This reaches the readers and checks
    behind the XML parser, which byte damage rarely gets past."""
    root = etree.fromstring(xml)
    for _ in range(draw(st.integers(1, 6))):
        elements = list(root.iter())[1:]
        if not elements:
            break
        node = elements[draw(st.integers(0, len(elements) - 1))]
        parent = node.getparent()
        edit = draw(st.sampled_from(("drop", "duplicate", "move", "attribute", "text")))
        if edit == "drop":
            parent.remove(node)
        elif edit == "duplicate":
            parent.insert(parent.index(node), copy.deepcopy(node))
        elif edit == "move":
            host = elements[draw(st.integers(0, len(elements) - 1))]
            if host is not node and node not in host.iterancestors():
                host.insert(draw(st.integers(0, len(host))), node)
        elif edit == "attribute":
            name = draw(st.sampled_from(sorted(node.attrib) or [f"{W}val"]))
            node.set(name, draw(st.sampled_from(ODD_VALUES) | XML_TEXT))
        else:
            node.text = draw(XML_TEXT)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@st.composite
def package_with_damaged_part(draw: st.DrawFn, members: dict[str, bytes], main: str) -> bytes:
    """A well-formed ZIP with one part damaged in its bytes or in its XML structure: byte damage to the ZIP
    itself mostly stops at a CRC check, this reaches the XML readers. ``main`` is chosen most often."""
    name = draw(st.sampled_from([main] * 4 + sorted(members)))
    content = members[name]
    damage = draw(st.sampled_from((damaged(content, keep=0), restructured(content), restructured(content))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for member, original in members.items():
            archive.writestr(member, draw(damage) if member == name else original)
    return out.getvalue()


def docx_with_damaged_part() -> st.SearchStrategy[bytes]:
    return package_with_damaged_part(DOCX_MEMBERS, "word/document.xml")


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def check(folder: Path, name: str, data: bytes) -> None:
    path = folder / name
    path.write_bytes(data)
    document = driver.read_document(path, name, SETTINGS)
    assert isinstance(document, Document) and document.path == name
    event(f"{document.status.value}: {document.reason.kind if document.reason else ''}")  # --hypothesis-show-statistics
    assert document.status in Status
    if document.status != Status.COMPLETE:
        assert document.reason is not None and document.reason.kind in REASONS, document.reason
        assert "internal error" not in document.reason.detail, document.reason
    limit = SETTINGS.limits.max_unit_chars
    for unit in document.units:
        assert unit.part in PARTS and unit.line >= 1 and (unit.page is None or unit.page >= 1)
        assert len(unit.text) <= limit
        assert all(0 <= span.start < span.end <= len(unit.text) for span in unit.spans)
    result = driver.judge(document, SETTINGS)  # the checks must take whatever a parser produced
    if document.status == Status.NOT_EXAMINED:
        assert [finding.rule for finding in result.findings] == ["ML901"]


@FUZZ
@given(data=damaged(DOCX))
def test_damaged_docx_bytes(target: Path, data: bytes) -> None:
    check(target, "damaged.docx", data)


@FUZZ
@given(data=docx_with_damaged_part())
def test_docx_with_a_damaged_part(target: Path, data: bytes) -> None:
    check(target, "part.docx", data)


@FUZZ
@given(data=damaged(PDF))
def test_damaged_pdf_bytes(target: Path, data: bytes) -> None:
    check(target, "damaged.pdf", data)


@FUZZ
@given(data=damaged(OFD))
def test_damaged_ofd_bytes(target: Path, data: bytes) -> None:
    check(target, "damaged.ofd", data)


@FUZZ
@given(data=package_with_damaged_part(OFD_MEMBERS, "Doc_0/Pages/Page_0/Content.xml"))
def test_ofd_with_a_damaged_part(target: Path, data: bytes) -> None:
    check(target, "part.ofd", data)
