"""marklint: a linter for Chinese state-secret markings (国家秘密标志) on documents."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "scan"]


def scan(paths, settings=None):  # type: ignore[no-untyped-def]
    """Scan files and folders; see :func:`marklint.scan.scan`."""
    from marklint.scan import scan as run

    return run(paths, settings)
