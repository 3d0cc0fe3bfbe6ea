"""The inspection report as PDF, printed by a headless Chromium found on the machine.

No PDF library is bundled: the browser that shows the HTML report prints it, with the report's own
print stylesheet (A4, page footer). The page is written to a private temporary folder with a private
browser profile, and nothing but that file is opened.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from marklint.errors import ConfigError

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
PRINT_SECONDS = 600  # a report of 50,000 findings is thousands of pages; a hung browser is stopped
#: Flags for a quiet, offline run: no first-run work, no updates, no sync, no GPU.
FLAGS = ("--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
         "--no-pdf-header-footer")


class PrintError(Exception):
    """The browser did not produce the PDF."""


def find_browser(explicit: str | None = None) -> str:
    """The browser to print with: ``explicit`` (``--browser PATH``), else the first of BROWSERS on PATH."""
    if explicit:
        found = shutil.which(explicit)
        if found is None:
            raise ConfigError(f"--browser {explicit}: no such executable")
        return found
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise ConfigError(f"--pdf-output needs a headless Chromium and none was found ({', '.join(BROWSERS)} are "
                      "looked for on PATH); install one, or name it with --browser PATH")


def print_pdf(html: str, browser: str) -> bytes:
    """The PDF that ``browser`` prints of the page ``html``."""
    with tempfile.TemporaryDirectory(prefix="marklint-pdf-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        target = Path(folder) / "report.pdf"
        command = [browser, *FLAGS, f"--user-data-dir={Path(folder) / 'profile'}", f"--print-to-pdf={target}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox
        command.append(page.as_uri())
        try:
            done = subprocess.run(command, capture_output=True, timeout=PRINT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PrintError(f"{browser}: {exc}") from exc
        data = target.read_bytes() if target.is_file() else b""
        if done.returncode != 0 or not data.startswith(b"%PDF"):
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            raise PrintError(f"{browser} did not print the report: {detail[0]}")
        return data
