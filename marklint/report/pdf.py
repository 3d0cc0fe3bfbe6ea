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

from marklint.errors import ConfigError, os_error_words
from marklint.messages import Both, listed
from marklint.reasons import translate_detail

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
PRINT_SECONDS = 600  # a report of 50,000 findings is thousands of pages; a hung browser is stopped
#: Flags for a quiet, offline run: no first-run work, no updates, no sync, no GPU.
FLAGS = ("--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
         "--no-pdf-header-footer")


class PrintError(ConfigError):
    """The browser did not produce the PDF (exit status 2, said in the run's language: ``say``)."""


def find_browser(explicit: str | None = None) -> str:
    """The browser to print with: ``explicit`` (``--browser PATH``), else the first of BROWSERS on PATH."""
    if explicit:
        found = shutil.which(explicit)
        if found is None:
            raise ConfigError.said("pdf.no such browser", browser=explicit)
        return found
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise ConfigError.said("pdf.no browser", browsers=listed(list(BROWSERS)))


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
        except subprocess.TimeoutExpired as exc:
            raise PrintError.said("pdf.timed out", browser=browser, seconds=PRINT_SECONDS) from exc
        except OSError as exc:
            words = os_error_words(exc)
            raise PrintError.said("pdf.not started", browser=browser,
                                  why=Both(translate_detail(words) or "无法运行", words)) from exc
        data = target.read_bytes() if target.is_file() else b""
        if done.returncode != 0 or not data.startswith(b"%PDF"):
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            raise PrintError.said("pdf.not printed", browser=browser, detail=detail[0])  # the browser's own words
        return data
