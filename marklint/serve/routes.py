"""The API's endpoints: ``/v1/check``, ``/v1/rules``, ``/healthz``, ``/readyz``, ``/openapi.json`` and the
upload page at ``/``. Every error is JSON: ``{"code": …, "message": …}`` (docs/api.md)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import date

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from marklint.checks.registry import Rule
from marklint.config import Settings
from marklint.serve import answers
from marklint.serve.pool import QueueFull, WorkerPool, WorkerStuck
from marklint.serve.upload import Refusal, check_media_type, read_body, uploads

#: Seconds a client is told to wait when the queue is full or the workers are not ready.
RETRY_AFTER = 1
FORMATS = ("json", "sarif", "html")
NO_STORE = {"Cache-Control": "no-store"}


@dataclass
class Service:
    """What the endpoints share: the settings, the worker pool, the token (None: no token required)."""

    settings: Settings
    pool: WorkerPool
    token: str | None
    page: str
    in_flight: int = 0

    @property
    def capacity(self) -> int:
        """Requests that may hold a body at once: what the queue and the workers can take. It bounds the
        memory the bodies use to this many times ``max_request_bytes``."""
        return self.pool.queue_size + self.pool.size


def error(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status, headers={**NO_STORE, **(headers or {})})


def busy(message: str) -> JSONResponse:
    return error(503, "busy", message, {"Retry-After": str(RETRY_AFTER)})


def service(request: Request) -> Service:
    return request.app.state.service


def authorised(request: Request) -> JSONResponse | None:
    """None when the request may go on; else the 401 (no bearer token) or 403 (a wrong one) answer."""
    token = service(request).token
    if token is None:
        return None
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return error(401, "unauthorized", "a bearer token is required (Authorization: Bearer …)",
                     {"WWW-Authenticate": 'Bearer realm="marklint"'})
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        return error(403, "forbidden", "the bearer token is not the one this server takes")
    return None


def _overrides(request: Request) -> dict:
    """Per-request settings from the query: release, as_of, lang."""
    query = request.query_params
    unknown = sorted(set(query) - {"release", "as_of", "lang", "format", "report"})
    if unknown:
        raise Refusal(400, "bad_request", f"unknown query parameter(s) {', '.join(unknown)}")
    overrides: dict = {}
    if "release" in query:
        overrides["release"] = _flag(query["release"], "release")
    if "as_of" in query:
        try:
            overrides["as_of"] = date.fromisoformat(query["as_of"])
        except ValueError as exc:
            raise Refusal(400, "bad_request", "as_of must be a date YYYY-MM-DD") from exc
    if "lang" in query:
        if query["lang"] not in ("zh", "en"):
            raise Refusal(400, "bad_request", "lang must be zh or en")
        overrides["lang"] = query["lang"]
    return overrides


def _flag(value: str, name: str) -> bool:
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise Refusal(400, "bad_request", f"{name} must be true or false")


def _answer_format(request: Request) -> str:
    chosen = request.query_params.get("format", "json")
    if chosen not in FORMATS or (chosen == "html" and not answers.html_available()):
        offered = "json, sarif, html" if answers.html_available() else "json, sarif"
        raise Refusal(400, "bad_request", f"format must be one of {offered}")
    return chosen


async def check(request: Request) -> Response:
    """POST /v1/check: judge the uploaded documents."""
    denied = authorised(request)
    if denied is not None:
        return denied
    state = service(request)
    if state.in_flight >= state.capacity:
        return busy("the queue is full; retry shortly")  # as many bodies held as the queue and workers take
    state.in_flight += 1
    try:
        return await _check(request, state)
    except Refusal as refusal:
        return error(refusal.status, refusal.code, refusal.message)
    finally:
        state.in_flight -= 1


async def _check(request: Request, state: Service) -> Response:
    check_media_type(request)
    overrides = _overrides(request)
    chosen = _answer_format(request)
    as_report = _flag(request.query_params.get("report", "false"), "report")
    body = await read_body(request, state.settings.limits.max_request_bytes)
    if not body:
        raise Refusal(400, "empty", "the request has no body: send a document")
    documents = await uploads(request, body, state.pool.queue_size)
    del body
    # The access log's only trace of a document: its SHA-256 (never its name or content).
    request.state.sha256 = [hashlib.sha256(document.data).hexdigest() for document in documents]
    try:
        results = await state.pool.judge(documents, overrides)
    except QueueFull:
        return busy("the queue is full; retry shortly")
    except WorkerStuck:
        limit = state.settings.limits.per_file_seconds
        return error(504, "timeout", f"a document's worker did not answer within {state.pool.deadline:g} s "
                     f"(the per-document limit is {limit:g} s); it was replaced. Treat the document as blocked.")
    finally:
        del documents
    settings = _effective(state.settings, overrides)
    if chosen == "sarif":
        return JSONResponse(answers.sarif(results, settings), media_type="application/sarif+json", headers=NO_STORE)
    if chosen == "html":
        page = await asyncio.to_thread(answers.html, results, settings)
        return HTMLResponse(page, headers={**NO_STORE, "Content-Disposition": 'attachment; filename="marklint.html"'})
    if len(results) == 1 and not as_report:
        return JSONResponse(answers.entry(results[0], settings), headers=NO_STORE)
    return JSONResponse(answers.batch(results, settings), headers=NO_STORE)


def _effective(settings: Settings, overrides: dict) -> Settings:
    return replace(settings, **overrides)


def _rule_json(rule: Rule) -> dict:
    return {"id": rule.id, "name": rule.name, "severity": rule.severity.value, "opt_in": rule.opt_in,
            "summary": rule.summary, "doc": rule.doc.strip()}


async def rules(request: Request) -> Response:
    """GET /v1/rules: the rule catalogue."""
    from marklint.checks.registry import all_rules

    denied = authorised(request)
    return denied or JSONResponse({"rules": [_rule_json(rule) for rule in all_rules()]})


async def rule(request: Request) -> Response:
    """GET /v1/rules/{id}: one rule."""
    from marklint.checks.registry import all_rules

    denied = authorised(request)
    if denied is not None:
        return denied
    wanted = request.path_params["rule_id"].upper()
    found = next((r for r in all_rules() if r.id == wanted), None)
    if found is None:
        return error(404, "not_found", f"no rule {request.path_params['rule_id']}")
    return JSONResponse(_rule_json(found))


async def healthz(request: Request) -> Response:
    """GET /healthz: the server answers."""
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


async def readyz(request: Request) -> Response:
    """GET /readyz: every worker is up and the queue has room."""
    pool = service(request).pool
    body = {"workers": pool.size, "ready": pool.ready_workers, "busy": pool.busy_workers, "queued": pool.queued,
            "queue": pool.queue_size}
    if pool.ready_workers == pool.size and pool.queued < pool.queue_size:
        return JSONResponse({"status": "ready", **body}, headers=NO_STORE)
    return JSONResponse({"status": "not ready", **body}, status_code=503,
                        headers={**NO_STORE, "Retry-After": str(RETRY_AFTER)})


async def openapi(request: Request) -> Response:
    from marklint.serve.openapi import description

    return JSONResponse(description(html=answers.html_available()))


async def page(request: Request) -> Response:
    """GET /: the upload page."""
    return HTMLResponse(service(request).page, headers=request.app.state.page_headers)
