"""Documents out of a request: a multipart upload (field ``file``, once or several times) or the raw body
with its name in ``X-Filename``; the size limit (``limits.max_request_bytes``) applied while the body
arrives, never after. Everything stays in memory: the multipart parser is told never to spool to disk."""

from __future__ import annotations

import re
from urllib.parse import unquote

from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from marklint.parsers import printable
from marklint.serve.pool import Upload

#: Media types a raw body may declare: no type, or a format that can carry a marking (read or reported as
#: not examined, as ``marklint scan`` does). Anything else is refused with 415.
RAW_TYPES = frozenset({
    "application/octet-stream",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-word.document.macroenabled.12",
    "application/msword",
    "application/vnd.ms-works",
    "application/wps-office.doc",
    "application/wps-office.docx",
    "application/wps-office.wps",
    "application/ofd",
    "application/rtf",
    "text/rtf",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.ms-powerpoint",
    "text/plain",
    "text/markdown",
    "image/jpeg",
    "image/png",
    "image/tiff",
    "image/bmp",
})
#: A suffix kept for the parsers (they read by content; the name decides only text and unread carriers).
SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}$")
MAX_NAME_BYTES = 255


class Refusal(Exception):
    """A request that cannot be judged: the HTTP status, an error code and a message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class _InMemoryParser(MultiPartParser):
    spool_max_size = 1 << 62  # the body is already in memory and within the limit: never roll over to disk


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Refusal(413, "too_large", f"the request is {declared} bytes; the limit is {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refusal(413, "too_large", f"the request is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def check_media_type(request: Request) -> None:
    """415 for a body that is neither a form upload nor a document."""
    kind = media_type(request)
    if kind and kind != "multipart/form-data" and kind not in RAW_TYPES:
        raise Refusal(415, "unsupported_media", f"{kind} is not a document upload: send multipart/form-data "
                      "with a field named file, or the document itself with X-Filename")


async def uploads(request: Request, body: bytes, max_files: int) -> list[Upload]:
    """The documents in the request, in order."""
    if media_type(request) == "multipart/form-data":
        return await _multipart(request.headers, body, max_files)
    name = request.headers.get("x-filename")
    if name is None:
        raise Refusal(400, "bad_request", "a raw body needs its file name in X-Filename (percent-encoded UTF-8)")
    try:
        decoded = unquote(name, errors="strict")
    except UnicodeDecodeError as exc:
        raise Refusal(400, "bad_request", "X-Filename is not percent-encoded UTF-8") from exc
    return [_upload(decoded, body)]


async def _multipart(headers: Headers, body: bytes, max_files: int) -> list[Upload]:
    async def stream():  # the parser reads an async stream
        yield body

    try:
        form = await _InMemoryParser(headers, stream(), max_files=max_files + 1, max_fields=16).parse()
    except MultiPartException as exc:
        raise Refusal(400, "bad_request", f"not a readable multipart body: {exc.message}") from exc
    try:
        unexpected = sorted({key for key in form if key != "file"})
        if unexpected:
            raise Refusal(400, "bad_request", f"unexpected field(s) {', '.join(unexpected)}: send documents as file")
        parts = form.getlist("file")
        if not parts:
            raise Refusal(400, "bad_request", "no document: send it in a multipart field named file")
        if len(parts) > max_files:
            raise Refusal(413, "too_many_files", f"at most {max_files} documents in one request")
        found = []
        for part in parts:
            if not isinstance(part, UploadFile) or not part.filename:
                raise Refusal(400, "bad_request", "every file field must be a file upload with a file name")
            found.append(_upload(part.filename, await part.read()))
        return found
    finally:
        await form.close()


def _upload(name: str, data: bytes) -> Upload:
    """The upload of ``data`` named ``name`` (any folders in the name dropped)."""
    base = re.split(r"[/\\]", name.strip())[-1]
    if not base or base in (".", "..") or "\0" in base or len(base.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise Refusal(400, "bad_request", "the file name is missing or not usable")
    if not data:
        raise Refusal(400, "empty", f"{printable(base)} is empty: nothing to judge")
    match = SUFFIX.search(base)
    return Upload(display=printable(base), suffix=match.group(0).lower() if match else "", data=data)
