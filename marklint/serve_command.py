"""``marklint serve``: the command. Starlette and uvicorn are imported only when it runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from marklint.errors import ConfigError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Beyond loopback a token is required (MARKLINT_TOKEN or [serve] token-file).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port to listen on.")
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Configuration file (default: the nearest marklint.toml, .marklint.toml or pyproject.toml).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes judging documents (default: the number of CPUs).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of start-up errors (default zh, or the configuration's lang); the API's JSON is one.")
def serve(host: str, port: int, config: Path | None, workers: int | None, lang: str | None) -> None:
    """Run the pre-release gate as an HTTP service (needs pip install 'marklint[serve]'; docs/api.md)."""
    from marklint.checks.registry import catalogue
    from marklint.config import load_settings
    from marklint.usage import usage_lang

    said_in = lang or usage_lang(["--config", str(config)] if config else [])  # else the configuration's, else zh

    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        click.echo(f"marklint: {ConfigError.said('serve.extra').say(said_in)}", err=True)
        sys.exit(2)
    from marklint.serve.server import run

    try:
        settings, _ = load_settings(catalogue(), config)
        run(settings, host, port, workers or os.cpu_count() or 1)
    except ConfigError as exc:
        click.echo(f"marklint: {exc.say(said_in)}", err=True)
        sys.exit(2)
