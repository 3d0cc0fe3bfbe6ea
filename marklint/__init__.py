"""marklint: a linter for Chinese state-secret markings (国家秘密标志) on documents.

The Python API for embedding::

    import marklint
    report = marklint.scan(["./docs"])            # default settings
    report = marklint.scan(["./docs"], "marklint.toml")
    print(report.to_json()["summary"])
    from marklint.report.sarif import to_sarif  # SARIF 2.1.0, as the reports do it
    print(to_sarif(report)["version"])
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = ["__version__", "scan"]

if TYPE_CHECKING:
    from collections.abc import Iterable

    from marklint.config import Settings
    from marklint.results import Report


def scan(paths: Iterable[str], config: Settings | str | Path | None = None, *, jobs: int = 1) -> Report:
    """Scan files and folders and return the Report.

    ``config`` is a Settings object, or the path of a configuration file (marklint.toml, or a
    pyproject.toml with [tool.marklint]); None uses the defaults."""
    from marklint.checks.registry import catalogue
    from marklint.config import Settings, load_settings
    from marklint.driver import scan_paths as run

    if isinstance(config, (str, Path)):
        settings, _ = load_settings(catalogue(), Path(config))
    else:
        settings = config if config is not None else Settings()
    return run(paths, settings, jobs=jobs)
