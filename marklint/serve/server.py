"""Starting ``marklint serve``: the token, the refusal to listen beyond loopback without one, uvicorn."""

from __future__ import annotations

import ipaddress
import logging
import os
from pathlib import Path

from marklint.config import Settings
from marklint.errors import ConfigError

#: The queue holds this many documents per worker unless ``[serve] queue`` says otherwise.
QUEUE_PER_WORKER = 8


def is_loopback(host: str) -> bool:
    """Only addresses in 127.0.0.0/8, ::1 and the name localhost count: anything else may be reachable."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # another host name: it may resolve to any address


def find_token(settings: Settings) -> str | None:
    """The bearer token: ``MARKLINT_TOKEN``, else the first line of ``[serve] token-file``; None when neither."""
    token = os.environ.get("MARKLINT_TOKEN", "").strip()
    if token:
        return token
    name = settings.serve.get("token_file")
    if name is None:
        return None
    try:
        token = Path(str(name)).read_text(encoding="utf-8").strip().splitlines()[0].strip()
    except (OSError, UnicodeDecodeError, IndexError) as exc:
        raise ConfigError.said("serve.token unreadable", name=name) from exc
    if not token:
        raise ConfigError.said("serve.token empty", name=name)
    return token


def run(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve until stopped. Raises ConfigError when the address needs a token and none is set."""
    token = find_token(settings)
    if token is None and not is_loopback(host):
        raise ConfigError.said("serve.no token", host=host)
    queue = int(settings.serve.get("queue") or QUEUE_PER_WORKER * workers)
    import uvicorn

    from marklint.serve.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(settings, token, workers, queue)
    # uvicorn's own access log is off: it would log query strings; marklint.serve.access logs instead.
    uvicorn.run(app, host=host, port=port, access_log=False, log_config=None, server_header=False,
                timeout_graceful_shutdown=10)
