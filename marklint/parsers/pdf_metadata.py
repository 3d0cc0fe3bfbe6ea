"""A PDF's metadata: Info entries read by name through PDFium, Microsoft Purview label entries and the
XMP packet found in the file's bytes."""

from __future__ import annotations

import contextlib
import ctypes
import mmap
import re
import zlib
from pathlib import Path
from typing import Any

from marklint.parsers.pdf_streams import PdfBytes, find, rfind
from marklint.parsers.pdfium import pdfium_c

#: Longest XMP packet that is parsed.
MAX_XMP_BYTES = 1024 * 1024
#: Info dictionary keys read by name (PDFium lists none: a key not named here is not read).
STANDARD_INFO_KEYS = (
    "Title", "Author", "Subject", "Keywords", "Creator", "Producer", "CreationDate", "ModDate",
)
#: Custom Info keys that carry a classification in the wild (document systems, WPS, vendors' DLP tools).
CLASSIFICATION_INFO_KEYS = (
    "密级", "保密期限", "知悉范围", "保密级别", "秘密等级", "密级标志", "文件密级", "SecurityLevel", "Security Level",
    "Classification", "ClassificationLevel", "SecurityClassification", "Security", "SecLevel",
)


def metadata(pdf: ctypes.c_void_p, file: PdfBytes, path: Path) -> dict[str, str]:
    """Info entries by name, Microsoft Purview label entries, and the XMP packet's simple properties."""
    xmp, purview, hidden = _raw_metadata(file)
    if hidden:
        with contextlib.suppress(Exception):  # metadata is a bonus: what pypdf cannot read stays unread
            xmp, purview = _compressed_metadata(path, xmp, purview)
    properties: dict[str, str] = {}
    document = ctypes.cast(pdf, ctypes.c_void_p).value
    keys = (*STANDARD_INFO_KEYS, *CLASSIFICATION_INFO_KEYS, *purview)
    for key, value in zip(keys, meta_texts(document, keys), strict=True):
        if value:
            properties[f"info:{key}"] = value
    with contextlib.suppress(Exception):  # metadata is a bonus: a file whose text was read is kept
        properties.update(_xmp(xmp))
    return properties


#: FPDF_GetMetaText with a prototype of plain C types (no conversion per call; it is called for every key).
_get_meta_text = ctypes.cast(pdfium_c.FPDF_GetMetaText, ctypes.CFUNCTYPE(
    ctypes.c_ulong, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_ulong))


def _meta_text(document: int | None, key: str) -> str:
    tag = key.encode("utf-8")
    length = _get_meta_text(document, tag, None, 0)
    if length <= 2:
        return ""
    buffer = ctypes.create_string_buffer(length)
    _get_meta_text(document, tag, buffer, length)
    return buffer.raw[: length - 2].decode("utf-16-le", errors="replace").strip()


def _python_meta_texts(document: int | None, keys: tuple[str, ...]) -> list[str]:
    """Each key's Info value (stripped; "" where there is none), asked through ctypes."""
    return [_meta_text(document, key) for key in keys]


#: The keys always asked, as the C strings FPDF_GetMetaText takes.
_ENCODED_KEYS = {key: key.encode("utf-8") for key in (*STANDARD_INFO_KEYS, *CLASSIFICATION_INFO_KEYS)}


def _compiled_meta_texts(document: int | None, keys: tuple[str, ...]) -> list[str]:
    """The same values, asked by the compiled helper in one call."""
    if not document:
        return ["" for _ in keys]  # what PDFium answers for no document
    encoded = tuple(_ENCODED_KEYS.get(key) or key.encode("utf-8") for key in keys)
    return [value.strip() for value in _marklint_chars.meta_texts(document or 0, encoded)]


try:
    from marklint.parsers import compiled

    _marklint_chars = compiled.load("_marklint_chars")  # ImportError when not built, or built from other source
    _marklint_chars.bind_metadata(ctypes.cast(_get_meta_text, ctypes.c_void_p).value)
    meta_texts = _compiled_meta_texts
except ImportError:
    meta_texts = _python_meta_texts


PURVIEW_KEY = re.compile(rb"/(MSIP_Label_[0-9A-Fa-f-]{8,40}_(?:Enabled|Name|Method|SetDate|SiteId))")


def _raw_metadata(file: PdfBytes) -> tuple[bytes, list[str], bool]:
    """The XMP packet and the names of Purview label entries, found in the file's bytes, and whether the
    file may hide more in compressed streams.

    PDFium has no XMP call and cannot list Info keys, and a PDF parser that could costs more than the
    rest of the file's reading. The metadata stream is meant to stay uncompressed so that tools find it
    this way (ISO 32000-1, 14.3.2); the last packet is the document's (earlier ones may be images'). A file
    with object streams (its Info dictionary may be inside one) or with a metadata stream but no visible
    packet (a compressed one) is read again through pypdf."""
    data = file.data
    keys: list[str] = []
    at = file.at(b"/MSIP_Label_")
    while at >= 0 and len(keys) < 20:
        match = PURVIEW_KEY.match(data, at)
        if match and match.group(1).decode("ascii") not in keys:
            keys.append(match.group(1).decode("ascii"))
        at = find(data, b"/MSIP_Label_", at + 1)
    packet = _last_packet(data)
    hidden = file.names(b"/ObjStm") or (not packet and file.names(b"/Metadata"))
    return packet, keys, hidden


def _compressed_metadata(path: Path, packet: bytes, keys: list[str]) -> tuple[bytes, list[str]]:
    """The catalog's XMP packet and the Purview keys of the Info dictionary, read through pypdf, for a
    file whose raw bytes do not show them. The packet is inflated no further than MAX_XMP_BYTES."""
    from marklint.parsers.pdf_streams import open_reader

    with open(path, "rb") as handle:
        reader = open_reader(handle)
        info = reader.trailer.get("/Info")
        for name in (info.get_object() if info is not None else {}):
            match = PURVIEW_KEY.fullmatch(str(name).encode("utf-8", "replace"))
            if match and match.group(1).decode("ascii") not in keys and len(keys) < 20:
                keys = [*keys, match.group(1).decode("ascii")]
        stream = reader.trailer["/Root"].get_object().get("/Metadata")
        if not packet and stream is not None:
            packet = _inflated_packet(stream.get_object())
    return packet, keys


def _inflated_packet(stream: Any) -> bytes:
    """A metadata stream's bytes: as stored, or inflated when its one filter is FlateDecode (bounded, so a
    compressed bomb costs nothing); other filters are not decoded."""
    filters = stream.get("/Filter")
    filters = list(filters) if isinstance(filters, list) else [filters] if filters is not None else []
    raw = stream._data  # the stored (decrypted) bytes; get_data() would inflate without a bound
    if not filters:
        data = raw[:MAX_XMP_BYTES]
    elif filters == ["/FlateDecode"] and stream.get("/DecodeParms") is None:
        data = zlib.decompressobj().decompress(raw, MAX_XMP_BYTES)
    else:
        return b""
    return _last_packet(data)


def _last_packet(data: bytes | mmap.mmap) -> bytes:
    """The last XMP packet in ``data`` (``<x:xmpmeta>`` to its end tag, at most MAX_XMP_BYTES), or b""."""
    start = rfind(data, b"<x:xmpmeta")
    end = data.find(b"</x:xmpmeta>", start, start + MAX_XMP_BYTES) if start >= 0 else -1
    return data[start: end + len(b"</x:xmpmeta>")] if end > 0 else b""


#: Usual prefixes of the XMP namespaces, so keys do not depend on the prefix a producer chose.
_XMP_PREFIXES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/pdfx/1.3/": "pdfx",
    "http://www.aiim.org/pdfa/ns/id/": "pdfaid",
}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _xmp(data: bytes) -> dict[str, str]:
    """Simple XMP properties (text values, and the items of Alt/Seq/Bag) as ``xmp:<prefix:name>``."""
    if not data:
        return {}
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    root = etree.fromstring(data[max(data.find(b"<"), 0) :], parser)  # lxml refuses a leading BOM or blank
    found: dict[str, str] = {}
    for description in root.iter(f"{{{_RDF}}}Description"):
        for attribute, value in description.attrib.items():
            key = _xmp_key(attribute, description.nsmap)
            if key and value.strip():
                found.setdefault(key, value.strip())
        for element in description:
            if not isinstance(element.tag, str):
                continue
            key = _xmp_key(element.tag, element.nsmap)
            items = [li.text.strip() for li in element.iter(f"{{{_RDF}}}li") if li.text and li.text.strip()]
            value = "; ".join(items) if items else (element.text or "").strip()
            if key and value and len(element) <= 1:
                found.setdefault(key, value)
    return found


def _xmp_key(tag: str, nsmap: dict[str | None, str]) -> str | None:
    if not tag.startswith("{"):
        return None
    namespace, name = tag[1:].split("}", 1)
    if namespace in (_RDF, "http://www.w3.org/XML/1998/namespace"):
        return None
    prefix = _XMP_PREFIXES.get(namespace)
    prefix = prefix or next((p for p, uri in nsmap.items() if uri == namespace and p), None)
    return f"xmp:{prefix or namespace}:{name}"
