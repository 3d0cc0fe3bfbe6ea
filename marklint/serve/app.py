"""The ASGI application of ``marklint serve`` (Starlette): routes, the worker pool's life, the access log
and the security headers. CORS is off: no CORS middleware, so browsers keep other sites' pages out.

Starlette rather than FastAPI: the API has four endpoints whose bodies are files and whose answers are the
JSON contract marklint already writes, so FastAPI's models would describe nothing new, and it would bring
pydantic (and its import time) for it; the OpenAPI description is written out in ``openapi.py`` instead.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import re
import time
from collections.abc import AsyncIterator
from importlib import resources

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marklint.config import Settings
from marklint.serve import answers, routes
from marklint.serve.pool import WorkerPool

ACCESS = logging.getLogger("marklint.serve.access")
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY")]


class AccessLog:
    """One line per request: method, path, status, bytes in and out, duration, and the SHA-256 of each
    document. Never the query's values, a file name or any content. Also adds the security headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        sizes = {"in": 0, "out": 0}
        status = [500]

        async def counting_receive() -> Message:
            message = await receive()
            sizes["in"] += len(message.get("body", b""))
            return message

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            elif message["type"] == "http.response.body":
                sizes["out"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counting_receive, counting_send)
        finally:
            digests = scope.get("state", {}).get("sha256") or []
            ACCESS.info("%s %s %d in=%d out=%d %.3fs sha256=%s", scope["method"], scope["path"], status[0],
                        sizes["in"], sizes["out"], time.monotonic() - started, ",".join(digests) or "-")


def _page(token_required: bool, max_files: int) -> tuple[str, dict[str, str]]:
    """The upload page with the server's facts filled in, and its Content-Security-Policy: nothing but this
    page's own inline script and style, and requests to this server."""
    text = resources.files("marklint.serve").joinpath("page.html").read_text(encoding="utf-8")
    text = (text.replace("__TOKEN_REQUIRED__", "true" if token_required else "false")
            .replace("__MAX_FILES__", str(max_files))
            .replace("__HTML_REPORT__", "true" if answers.html_available() else "false"))

    def hashes(tag: str) -> str:
        blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", text, flags=re.S)
        return " ".join("'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'"
                        for b in blocks)

    policy = (f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; "
              "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    return text, {"Content-Security-Policy": policy, "Cache-Control": "no-store"}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    return routes.error(exc.status_code, codes.get(exc.status_code, "bad_request"), exc.detail, exc.headers)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    logging.getLogger("marklint.serve").error("internal error %s", type(exc).__name__)
    return routes.error(500, "internal", "internal error")


def create_app(settings: Settings, token: str | None, workers: int, queue: int) -> Starlette:
    """The application; its worker pool starts with it and stops with it."""
    pool = WorkerPool(settings, workers, queue)
    text, headers = _page(token is not None, queue)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.stop()

    app = Starlette(
        routes=[
            Route("/", routes.page, methods=["GET"]),
            Route("/v1/check", routes.check, methods=["POST"]),
            Route("/v1/rules", routes.rules, methods=["GET"]),
            Route("/v1/rules/{rule_id}", routes.rule, methods=["GET"]),
            Route("/healthz", routes.healthz, methods=["GET"]),
            Route("/readyz", routes.readyz, methods=["GET"]),
            Route("/openapi.json", routes.openapi, methods=["GET"]),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _internal_error},
        lifespan=lifespan,
    )
    app.state.service = routes.Service(settings=settings, pool=pool, token=token, page=text)
    app.state.page_headers = headers
    app.add_middleware(AccessLog)
    return app
