"""The inspection report in a real browser: Playwright driving the system Chromium (never a downloaded
one), on pages made by `marklint scan --format html` and by `marklint report REPORT.json`, in Chinese
and in English; and the printed PDF read back with pdftotext (poppler-utils)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.report import synthetic_report
from marklint.cli import main
from tests.chromium import CHROMIUM, chromium

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
AS_OF = ["--as-of", "2026-11-27"]
#: The page is served at this address by the test itself; every other request is recorded and refused.
PAGE_URL = "http://report.invalid/report.html"
SCRIPT_NAME = "<script>alert(1).txt"
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
PAGE_SIZE = 100


def invoke(*args: str) -> int:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.exit_code


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fixtures of every family, three files that cannot be examined, and a file whose name is markup."""
    folder = tmp_path_factory.mktemp("inspection") / "archive"
    shutil.copytree(FIXTURES / "docx", folder / "docx")
    shutil.copytree(FIXTURES / "text", folder / "text")
    shutil.copy(FIXTURES / "pdf" / "ml203_long_term.pdf", folder / "long_term.pdf")
    (folder / "broken.docx").write_bytes((FIXTURES / "docx" / "clean_gongwen.docx").read_bytes()[:3000])
    (folder / "cut.pdf").write_bytes((FIXTURES / "pdf" / "clean_gongwen.pdf").read_bytes()[:1500])
    # A Kingsoft WPS file from before 2005 (binary, no OLE): not read. Three bytes "WPS" would be plain text.
    (folder / "old.wps").write_bytes(b"\x00\x07WPS\x00" + bytes(range(256)) * 8)
    shutil.copy(FIXTURES / "text" / "bad_star.txt", folder / SCRIPT_NAME)
    return folder


@pytest.fixture(scope="module")
def reports(archive: Path) -> dict[tuple[str, str], tuple[Path, dict]]:
    """(lang, made by) -> (page, the JSON report it shows); made by ``scan`` or by ``report``."""
    out = archive.parent
    made = {}
    for lang in ("zh", "en"):
        saved = out / f"{lang}.json"
        page = out / f"scan-{lang}.html"
        assert invoke("scan", str(archive), *AS_OF, "--lang", lang, "-j", "1", "-q", "--format", "html",
                      "-o", str(page), "--json-output", str(saved)) == 1
        data = json.loads(saved.read_text(encoding="utf-8"))
        again = out / f"report-{lang}.html"
        assert invoke("report", str(saved), "--lang", lang, "-o", str(again)) == 0
        made[(lang, "scan")] = (page, data)
        made[(lang, "report")] = (again, data)
    return made


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


class Opened:
    """A report page in a fresh browser context, with every request it makes and every dialog it opens."""

    def __init__(self, browser: object, html: str, script: bool = True, file: Path | None = None) -> None:
        """Served at PAGE_URL from ``html``, or opened from ``file`` (a large page: no trip through the
        test's request handler)."""
        self.url = file.as_uri() if file is not None else PAGE_URL
        self.context = browser.new_context(java_script_enabled=script)  # type: ignore[attr-defined]
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.html = html
        self.page.goto(self.url, timeout=300_000)

    def _route(self, route: object) -> None:
        if route.request.url == self.url == PAGE_URL:  # type: ignore[attr-defined]
            route.fulfill(body=self.html, content_type="text/html; charset=utf-8")  # type: ignore[attr-defined]
        elif route.request.url == self.url:  # type: ignore[attr-defined]
            route.continue_()  # type: ignore[attr-defined]
        else:
            route.abort()  # type: ignore[attr-defined]

    def texts(self, selector: str) -> list[str]:
        return self.page.eval_on_selector_all(selector, "nodes => nodes.map(n => n.textContent.trim())")

    def visible(self, selector: str) -> list[str]:
        """Text of the matching elements that are displayed."""
        return self.page.eval_on_selector_all(
            selector, "nodes => nodes.filter(n => n.getClientRects().length > 0).map(n => n.textContent.trim())")

    def close(self) -> None:
        self.context.close()


VARIANTS = [("zh", "scan"), ("zh", "report"), ("en", "scan"), ("en", "report")]


@pytest.fixture(scope="module", params=VARIANTS, ids=["-".join(v) for v in VARIANTS])
def opened(request: pytest.FixtureRequest, reports: dict, browser: object) -> Iterator[tuple[Opened, dict, str]]:
    page, data = reports[request.param]
    shown = Opened(browser, page.read_text(encoding="utf-8"))
    yield shown, data, request.param[0]
    assert shown.errors == []
    shown.close()


def findings_of(data: dict) -> list[dict]:
    return [f for entry in data["files"] for f in entry["findings"]]


def card(shown: Opened, key: str) -> int:
    return int(shown.texts(f'.card[data-key="{key}"] .n')[0])


def test_summary_numbers_are_the_json_summary(opened: tuple[Opened, dict, str]) -> None:
    shown, data, _ = opened
    summary = data["summary"]
    assert [card(shown, key) for key in ("files", "marked", "not_examined")] == [
        summary["files"], summary["marked"], summary["not_examined"]]
    assert [card(shown, f"severity-{s}") for s in ("error", "warning", "info")] == [
        summary["findings"][s] for s in ("error", "warning", "info")]
    assert card(shown, "findings") == sum(summary["findings"].values()) == len(findings_of(data))
    prefixes = {"marking": "ML1", "content": "ML2", "change_and_declassification": "ML3", "authority": "ML4",
                "basis_and_procedure": "ML5", "coverage": "ML9"}
    for kind, prefix in prefixes.items():
        assert card(shown, f"kind-{kind}") == sum(f["rule"].startswith(prefix) for f in findings_of(data))


def test_one_row_per_finding_numbered_in_order(opened: tuple[Opened, dict, str]) -> None:
    shown, data, _ = opened
    findings = [(entry["path"], f["rule"], f["message"]) for entry in data["files"] for f in entry["findings"]]
    assert len(findings) <= PAGE_SIZE  # the whole list is on the first screen page
    assert shown.texts("#findings tbody tr td:nth-child(1)") == [str(n) for n in range(1, len(findings) + 1)]
    assert list(zip(shown.texts("#findings tbody td.path"),
                    [t.split(" ")[0] for t in shown.texts("#findings tbody tr td:nth-child(4)")],
                    shown.texts("#findings tbody td.message"), strict=True)) == findings


def test_without_script_every_table_is_complete(reports: dict, browser: object) -> None:
    page, data = reports[("zh", "scan")]
    shown = Opened(browser, page.read_text(encoding="utf-8"), script=False)
    try:
        assert len(shown.visible("#findings tbody tr")) == len(findings_of(data))
        assert len(shown.visible("#files tbody tr")) == len(data["files"])
        assert shown.visible(".controls") == [] and shown.texts(".pager") == []
    finally:
        shown.close()


def test_sorting_by_severity_and_number(opened: tuple[Opened, dict, str]) -> None:
    shown, data, _ = opened
    rank = {"info": 1, "warning": 2, "error": 3}
    page = shown.page
    page.click("#findings thead th:nth-child(6)")
    ascending = [rank[s] for s in page.eval_on_selector_all("#findings tbody tr",
                                                            "rows => rows.map(r => r.dataset.severity)")]
    assert ascending == sorted(rank[f["severity"]] for f in findings_of(data))
    page.click("#findings thead th:nth-child(6)")
    descending = page.eval_on_selector_all("#findings tbody tr", "rows => rows.map(r => r.dataset.severity)")
    assert [rank[s] for s in descending] == sorted(ascending, reverse=True)
    page.click("#findings thead th:nth-child(1)")
    page.click("#findings thead th:nth-child(1)")
    total = len(findings_of(data))
    assert shown.texts("#findings tbody tr td:nth-child(1)") == [str(n) for n in range(total, 0, -1)]
    page.click("#findings thead th:nth-child(1)")
    assert shown.texts("#findings tbody tr td:nth-child(1)") == [str(n) for n in range(1, total + 1)]


def test_filtering_by_severity_kind_and_text(opened: tuple[Opened, dict, str]) -> None:
    shown, data, _ = opened
    findings = findings_of(data)
    page = shown.page
    controls = '.controls[data-for="findings"]'
    page.select_option(f"{controls} .filter-severity", "error")
    assert len(shown.visible("#findings tbody tr")) == sum(f["severity"] == "error" for f in findings)
    page.select_option(f"{controls} .filter-kind", "coverage")
    assert shown.visible("#findings tbody td.path") == [
        e["path"] for e in data["files"] for f in e["findings"]
        if f["rule"].startswith("ML9") and f["severity"] == "error"]
    page.select_option(f"{controls} .filter-severity", "")
    page.select_option(f"{controls} .filter-kind", "")
    page.fill(f"{controls} .filter-text", "ML101")
    assert len(shown.visible("#findings tbody tr")) == sum(f["rule"] == "ML101" for f in findings)
    page.fill(f"{controls} .filter-text", "")
    assert len(shown.visible("#findings tbody tr")) == len(findings)


def test_no_request_leaves_the_page(opened: tuple[Opened, dict, str]) -> None:
    shown, _, _ = opened
    shown.page.click("#findings thead th:nth-child(2)")
    shown.page.fill('.controls[data-for="files"] .filter-text', "docx")
    shown.page.emulate_media(media="print")
    shown.page.emulate_media(media="screen")
    assert shown.requests == [PAGE_URL]
    shown.page.fill('.controls[data-for="files"] .filter-text', "")  # as it was, for the tests after this one
    shown.page.click("#findings thead th:nth-child(1)")


def test_every_file_not_examined_is_listed_with_its_reason(opened: tuple[Opened, dict, str]) -> None:
    shown, data, lang = opened
    unread = [e for e in data["files"] if e["status"] == "not-examined"]
    assert len(unread) == 3
    assert shown.texts("#not-examined tbody td.path") == [e["path"] for e in unread]
    reasons = shown.texts("#not-examined tbody td:nth-child(5)")
    words = {"zh": ("文件损坏", "文件损坏", "不支持的格式"), "en": ("corrupt", "corrupt", "unsupported format")}[lang]
    assert [r.split("（" if lang == "zh" else ": ")[0] for r in reasons] == list(words)


def test_a_file_name_with_markup_is_text(opened: tuple[Opened, dict, str]) -> None:
    shown, data, _ = opened
    path = next(e["path"] for e in data["files"] if e["path"].endswith(SCRIPT_NAME))
    assert path in shown.texts("#findings td.path")
    assert path in shown.texts("#files td.path")
    assert shown.dialogs == []
    assert shown.page.evaluate("document.scripts.length") == 2  # the page's own two


def test_every_word_is_in_the_language_asked_for(opened: tuple[Opened, dict, str]) -> None:
    shown, _, lang = opened
    assert shown.page.evaluate("document.documentElement.lang") == ("en" if lang == "en" else "zh-CN")
    chrome = shown.texts("h1, h2, h3, th, .card:not([data-key^=level-]) .l, figcaption, .note, option, "
                         ".pager, .sign p, #fact-handling, #fact-basis")
    chrome += shown.page.eval_on_selector_all("svg.chart text", "nodes => nodes.map(n => n.textContent)")
    if lang == "en":
        assert [text for text in chrome if CJK.search(text) and not text.startswith(("绝密", "机密", "秘密"))] == []
        assert shown.texts("h1") == ["Inspection report: state-secret markings"]
    else:
        assert shown.texts("h1") == ["国家秘密标志检查报告"]
        assert "Inspection" not in " ".join(chrome)


def test_a_large_archive_pages_on_screen(tmp_path: Path, browser: object) -> None:
    """20,000 files and 50,000 findings: a page of 100 rows at a time, every row reachable."""
    saved = tmp_path / "big.json"
    data = synthetic_report(20_000, 50_000)
    saved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    page = tmp_path / "big.html"
    assert invoke("report", str(saved), "-o", str(page)) == 0
    shown = Opened(browser, "", file=page)
    try:
        total = len(findings_of(data))
        pager = '#findings + .pager'
        assert shown.texts("#findings tbody tr td:nth-child(1)") == [str(n) for n in range(1, PAGE_SIZE + 1)]
        assert shown.texts(f"{pager} .status") == [f"显示 {total} 项，共 {total} 项 · 第 1 / {total // PAGE_SIZE} 页"]
        shown.page.click(f"{pager} .next")
        assert shown.texts("#findings tbody tr td:nth-child(1)")[0] == str(PAGE_SIZE + 1)
        shown.page.select_option('.controls[data-for="findings"] .filter-kind', "coverage")
        unread = sum(e["status"] == "not-examined" for e in data["files"])
        assert shown.texts(f"{pager} .status")[0].startswith(f"显示 {unread} 项，共 {total} 项")
        assert len(shown.visible("#not-examined tbody tr")) == PAGE_SIZE
        printed = shown.page.evaluate("() => { window.dispatchEvent(new Event('beforeprint'));"
                                      " return document.querySelectorAll('#findings tbody tr').length; }")
        assert printed == total
        assert shown.requests == [page.as_uri()] and shown.errors == []
    finally:
        shown.close()


def pdf_pages(path: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert re.search(r"^Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info, re.M)
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(path), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_printed_pdf_is_a4_with_page_numbers_and_every_row(lang: str, archive: Path, tmp_path: Path) -> None:
    target = tmp_path / f"{lang}.pdf"
    config = tmp_path / "marklint.toml"
    config.write_text('[report]\nunit = "江川市某局"\ninspectors = ["张某某"]\nmarking = "秘密★1年"\n',
                      encoding="utf-8")
    saved = tmp_path / "r.json"
    assert invoke("scan", str(archive), *AS_OF, "--lang", lang, "-j", "1", "-q", "--config", str(config),
                  "--json-output", str(saved), "--pdf-output", str(target), "--browser", CHROMIUM) == 1
    pages = pdf_pages(target)
    count = len(pages)
    assert count >= 5
    footer = "第 {n} 页 共 {count} 页" if lang == "zh" else "Page {n} of {count}"
    for n, text in enumerate(pages, start=1):
        expected = r"\s*".join(map(re.escape, footer.format(n=n, count=count).split()))
        assert re.search(expected, text.replace(" ", "") if lang == "zh" else text), (n, text[-200:])
        assert "秘密★1年" in text  # the unit's marking of the report, top-left of every page
    whole = "".join(pages)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert "江川市某局" in whole
    for entry in data["files"]:
        assert entry["path"].rsplit("/", 1)[-1][:12] in whole.replace("\n", "").replace(" ", "")


def test_print_has_every_finding_of_a_long_list(tmp_path: Path) -> None:
    """The screen shows 100 findings at a time; the PDF has all of them."""
    saved = tmp_path / "mid.json"
    data = synthetic_report(60, 260, not_examined_every=0)
    saved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "mid.pdf"
    assert invoke("report", str(saved), "-o", str(tmp_path / "mid.html"), "--pdf-output", str(target),
                  "--browser", CHROMIUM) == 0
    text = "".join(pdf_pages(target))
    printed = {int(n) for n in re.findall(r"finding (\d+)", text)}
    assert printed == set(range(1, 261))
