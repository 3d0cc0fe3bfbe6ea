"""Documents embedded in a document, read as documents of their own (README "Where marklint looks").

A DOCX can carry another document as an altChunk (HTML, text, another DOCX, which Word merges into the
body when it opens the file) or as an embedded package or OLE object under ``word/embeddings/``; a PDF
as an attachment in its /EmbeddedFiles name tree or in a file-attachment annotation. Each is read with
the readers marklint has (DOCX, PDF, text; HTML as text once its markup is stripped), under the path
``outer.pdf!/annex.docx``; one in any other format is listed as not examined. The bytes are read into an
anonymous in-memory file (``memfd``): nothing is written to disk. Nesting depth, the number of embedded
documents and their total size are bounded (``limits.py``).
"""

from __future__ import annotations

import codecs
import os
import posixpath
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from marklint.errors import NotExamined
from marklint.limits import Limits
from marklint.model import Document, Reason, ReasonKind, Status
from marklint.parsers.ole_package import packaged_file

#: An embedded document found in a container: its name there, and how to get its bytes (raises NotExamined).
Payload = tuple[str, Callable[[], bytes]]

#: Relationship types (by their last segment) whose targets are embedded documents.
_EMBEDDING_RELATIONSHIPS = ("/aFChunk", "/package", "/oleObject")
_EMBEDDINGS_FOLDER = "word/embeddings/"
_HTML_SUFFIXES = (".htm", ".html", ".xhtml")
#: A web archive (MIME): Word saves an altChunk of a web page so.
_MHT_SUFFIXES = (".mht", ".mhtml")
#: Elements after which HTML text starts a new line.
_HTML_BLOCKS = ("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table", "title")

#: How deep the document being read is nested, and the embedded bytes read so far for the outermost file
#: (one file is read at a time in a process).
_state = {"depth": 0, "bytes": 0}


def attach(container: Document, payloads: list[Payload], limits: Limits) -> None:
    """Read ``payloads`` as the container's embedded documents; a container holding one that was not read
    whole is itself partially examined (ML903), never complete."""
    container.embedded = read_embedded(payloads, container.path, limits)
    if container.status != Status.COMPLETE:
        return
    for inner in container.embedded:
        if inner.status != Status.COMPLETE:
            container.status = Status.PARTIAL
            container.reason = Reason(ReasonKind.EMBEDDED_PARTIAL, inner.path.rpartition('!/')[2])
            return


def read_embedded(payloads: list[Payload], container: str, limits: Limits) -> list[Document]:
    """The documents of ``payloads``, each parsed as a file of its own under ``container!/name``, or a
    not-examined stand-in that says why (over a limit, a format marklint does not read)."""
    from marklint.parsers import parse, printable

    if _state["depth"] == 0:
        _state["bytes"] = 0
    documents = []
    for position, (name, load) in enumerate(sorted(payloads)):
        path = f"{container}!/{printable(name)}"
        fmt = posixpath.splitext(name)[1].lower().lstrip(".") or "unknown"
        try:
            if position >= limits.max_embedded_documents:
                raise NotExamined("over a safety limit", f"more than {limits.max_embedded_documents} embedded "
                                                         "documents")
            if _state["depth"] >= limits.max_embedded_depth:
                raise NotExamined("over a safety limit", f"embedded more than {limits.max_embedded_depth} deep")
            data = load()
            if _state["bytes"] + len(data) > limits.max_embedded_bytes:
                raise NotExamined("over a safety limit", f"embedded documents over {limits.max_embedded_bytes} "
                                                         "bytes in all")
            _state["bytes"] += len(data)
            packaged = packaged_file(data, limits.max_embedded_bytes)
            if packaged is not None:  # an OLE object that packages a file: that file is the document
                inner, data = packaged
                path, name = f"{path}!/{printable(inner)}", inner
                fmt = posixpath.splitext(inner)[1].lower().lstrip(".") or "unknown"
            if name.lower().endswith(_HTML_SUFFIXES):
                data, fmt = html_text(data), "html"
            elif name.lower().endswith(_MHT_SUFFIXES):
                data, fmt = html_text(mht_html(data)), "html"
            _state["depth"] += 1
            try:
                with _in_memory(data) as memory:
                    document = parse(memory, path, limits)
            finally:
                _state["depth"] -= 1
            if fmt == "html":
                document.format = "html"
        except NotExamined as exc:
            document = Document(path=path, format=fmt, status=Status.NOT_EXAMINED,
                                reason=exc.as_reason)
        except Exception:  # malformed input must never end the container's reading
            document = Document(path=path, format=fmt, status=Status.NOT_EXAMINED,
                                reason=Reason(ReasonKind.CORRUPT, "internal error"))
        documents.append(document)
    return documents


@contextmanager
def _in_memory(data: bytes) -> Iterator[Path]:
    """An anonymous in-memory file holding ``data``, as a path the readers open (``/proc/self/fd/N``).
    Where the system has no memfd (not Linux), an unnamed temporary file, removed as it is created."""
    if hasattr(os, "memfd_create"):
        descriptor, folder = os.memfd_create("marklint-embedded", os.MFD_CLOEXEC), "/proc/self/fd"
    else:
        descriptor, folder = os.dup(tempfile.TemporaryFile().fileno()), "/dev/fd"  # noqa: SIM115
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
        yield Path(f"{folder}/{descriptor}")
    finally:
        os.close(descriptor)


def html_text(data: bytes) -> bytes:
    """The text of an HTML document as UTF-8, one line per block, without its markup."""
    from lxml import etree, html

    parser = html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = html.document_fromstring(_html_decoded(data), parser=parser)
    except (etree.ParserError, ValueError):
        return b""
    for element in list(root.iter("script", "style")):
        if element.getparent() is not None:
            element.drop_tree()
    for element in root.iter(*_HTML_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    return "\n".join(line.strip() for line in root.text_content().splitlines()).encode("utf-8")


def mht_html(data: bytes) -> bytes:
    """The HTML part of a web archive (MIME, quoted-printable or base64), or nothing when it has none."""
    import email
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            charset = part.get_content_charset()
            if isinstance(payload, bytes):
                if charset:
                    head = f'<meta charset="{charset}">'.encode("ascii", "replace")
                    return head + payload
                return payload
    raise NotExamined("unsupported format", "web archive without an HTML part")


#: A charset named in an HTML document's meta element.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _html_decoded(data: bytes) -> str:
    """HTML bytes as text: by a byte order mark, the charset its meta element names, else UTF-8, else
    GB18030 (what Chinese offices write), undecodable bytes replaced."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, "replace")
    named = _META_CHARSET.search(data[:4096])
    if named is not None:
        try:
            return data.decode(named.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


# --- where containers keep them ------------------------------------------------------------------------------


def docx_payloads(package: Any, main_rels: dict[str, tuple[str, str]]) -> list[Payload]:
    """The altChunks, embedded packages and OLE objects of a DOCX package: the targets of the main
    document's embedding relationships and every member under ``word/embeddings/``."""
    names = {target for kind, target in main_rels.values() if kind.endswith(_EMBEDDING_RELATIONSHIPS)}
    names.update(name for name in package.members() if name.lower().startswith(_EMBEDDINGS_FOLDER))
    payloads: list[Payload] = []
    for name in names:
        member = package.member(name)
        if member is not None:
            payloads.append((member, lambda member=member: package.read(member)))
    return payloads


#: Words in a PDF's bytes that show an attachment may be there: the name tree, the stream type, the
#: annotation subtype. PDFium's own count covers a name tree kept in a compressed object stream.
_PDF_ATTACHMENT_SIGNS = (b"/EmbeddedFile", b"/FileAttachment")


def attach_pdf(container: Document, path: Path, attachment_count: int, limits: Limits, file: Any) -> None:
    """Read the files attached to a PDF as its embedded documents: its /EmbeddedFiles name tree and its
    file-attachment annotations, decoded by pypdf (whose decoders stop at its own cap). Looked for only
    where PDFium counts attachments or the file's bytes (``file``, a pdf_streams.PdfBytes) name one."""
    if attachment_count <= 0 and not file.names(*_PDF_ATTACHMENT_SIGNS):
        return
    with open(path, "rb") as handle:
        from marklint.parsers.pdf_streams import open_reader

        try:
            reader = open_reader(handle)
            payloads = [(name, _decoded(stream)) for name, stream in _pdf_attachments(reader)]
        except Exception:
            payloads = [("(attachments)", _refuse("corrupt", "attachments cannot be read"))]
        attach(container, payloads, limits)  # while the file is open: pypdf reads the streams from it


def _pdf_attachments(reader: Any) -> Iterator[tuple[str, Any]]:
    """(name, embedded file stream) of every attachment in the name tree and in annotations."""
    catalog = reader.trailer["/Root"]
    names = catalog.get("/Names")
    tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
    if tree is not None:
        yield from _name_tree(tree.get_object(), 0)
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or ():
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/FileAttachment" and "/FS" in annotation:
                name, stream = _file_spec(annotation["/FS"])
                yield f"page{number}/{name}", stream


#: Levels of a name tree followed at most (a loop in the tree ends there).
_MAX_TREE_DEPTH = 16


def _name_tree(node: Any, depth: int) -> Iterator[tuple[str, Any]]:
    if depth > _MAX_TREE_DEPTH:
        return
    pairs = node.get("/Names") or []
    for at in range(0, len(pairs) - 1, 2):
        name, stream = _file_spec(pairs[at + 1])
        yield name or str(pairs[at]), stream
    for kid in node.get("/Kids") or ():
        yield from _name_tree(kid.get_object(), depth + 1)


def _file_spec(spec: Any) -> tuple[str, Any]:
    spec = spec.get_object()
    name = str(spec.get("/UF") or spec.get("/F") or "attachment")
    embedded = spec.get("/EF")
    stream = embedded.get_object().get("/F") if embedded is not None else None
    return name.replace("\\", "/").lstrip("/"), stream


def _decoded(stream: Any) -> Callable[[], bytes]:
    def load() -> bytes:
        from pypdf.errors import LimitReachedError

        if stream is None:
            raise NotExamined("corrupt", "an attachment without its file")
        try:
            return stream.get_object().get_data()
        except LimitReachedError as exc:
            raise NotExamined("over a safety limit", "attachment decodes past 75 MB") from exc
        except Exception as exc:
            raise NotExamined("corrupt", "attachment cannot be decoded") from exc

    return load


def _refuse(reason: str, detail: str) -> Callable[[], bytes]:
    def load() -> bytes:
        raise NotExamined(reason, detail)

    return load
