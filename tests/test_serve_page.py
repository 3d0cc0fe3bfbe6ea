"""The upload page of marklint serve in a real browser (issue 18): Playwright drives the system Chromium
(never a browser of its own) against the real server: upload fixtures, see each verdict and its findings
in Chinese and in English, download the batch's JSON; no request leaves the page for anywhere else."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from bench.serve import AS_OF, Server, serving
from marklint.serve.answers import html_available
from tests.chromium import chromium

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CLEAN = FIXTURES / "docx" / "clean_gongwen.docx"
FAULTY = FIXTURES / "pdf" / "missing_term_expired.pdf"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("log") / "serve.log", "--workers", "2") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True)
    opened = context.new_page()
    elsewhere: list[str] = []
    opened.on("request", lambda request: None if request.url.startswith(server.url) else elsewhere.append(request.url))
    opened.goto(server.url + "/")
    opened.fill("#asof", AS_OF)
    yield opened
    context.close()
    assert elsewhere == []


def api(server: Server, path: Path, lang: str) -> dict:
    return httpx.post(server.url + "/v1/check", params={"as_of": AS_OF, "lang": lang},
                      files={"file": (path.name, path.read_bytes())}, timeout=60).json()


def shown(page: Page, name: str) -> tuple[str, list[list[str]]]:
    """The verdict shown for ``name`` and its findings' rows (rule, severity, where, message)."""
    section = page.locator(f'section.file[data-path="{name}"]')
    rows = section.locator("tr.finding")
    return (section.locator(".verdict").inner_text(),
            [[cell.inner_text() for cell in rows.nth(n).locator("td").all()] for n in range(rows.count())])


def test_upload_shows_each_verdict_and_its_findings(page: Page, server: Server) -> None:
    assert page.title() == "marklint 国家秘密标志检查"
    page.set_input_files("#files", [str(CLEAN), str(FAULTY)])
    page.wait_for_selector(f'section.file[data-path="{FAULTY.name}"]')
    expected = api(server, FAULTY, "zh")
    assert expected["verdict"] == "block" and len(expected["findings"]) == 2
    verdict, rows = shown(page, FAULTY.name)
    assert verdict == "拦截"
    assert [row[0] for row in rows] == [f"{f['rule']} {f['name']}" for f in expected["findings"]]
    assert [row[3] for row in rows] == [f["message"] for f in expected["findings"]]
    assert shown(page, CLEAN.name) == ("通过", [])
    assert page.locator("#summary").inner_text() == "共 2 个文件：1 个通过，1 个拦截"
    first = expected["findings"][0]["location"]
    assert rows[0][2] == f"第{first['page']}页 正文 第{first['line']}行" and first["part"] == "body"
    # In English: the page and the findings both.
    page.select_option("#lang", "en")
    expect(page.locator(f'section.file[data-path="{CLEAN.name}"] .verdict')).to_have_text("pass")
    english = api(server, FAULTY, "en")
    verdict, rows = shown(page, FAULTY.name)
    assert verdict == "block" and [row[3] for row in rows] == [f["message"] for f in english["findings"]]
    assert page.locator("h1").inner_text() == "marklint state-secret marking check"


def test_release_mode_and_the_json_download(page: Page, server: Server) -> None:
    page.check("#release")
    page.set_input_files("#files", [str(CLEAN)])
    page.wait_for_selector(f'section.file[data-path="{CLEAN.name}"] tr.finding')
    assert shown(page, CLEAN.name)[0] == "拦截"
    with page.expect_download() as download:
        page.click("#download-json")
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    batch = httpx.post(server.url + "/v1/check", params={"as_of": AS_OF, "release": "true", "report": "true"},
                       files={"file": (CLEAN.name, CLEAN.read_bytes())}).json()
    assert saved == batch and saved["verdict"] == "block"
    assert [f["rule"] for f in saved["files"][0]["findings"]] == ["ML303"]
    assert page.locator("#download-html").is_hidden() is not html_available()


def test_dropping_files_on_the_page(page: Page) -> None:
    data = list(FAULTY.read_bytes())
    page.evaluate("""([name, bytes]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], name, {type: "application/pdf"}));
        document.getElementById("drop").dispatchEvent(new DragEvent("drop", {dataTransfer: transfer}));
    }""", [FAULTY.name, data])
    page.wait_for_selector(f'section.file[data-path="{FAULTY.name}"]')
    assert shown(page, FAULTY.name)[0] == "拦截"
