"""Inspection report benchmark: how long a large archive's report takes to build, render and open.

    python bench/report.py [--files 20000] [--findings 50000] [--browser /usr/bin/chromium]

A JSON report of that size is made up (the report never reads files, so no corpus is scanned), then
timed: loading it into the report model, rendering the HTML page, the XLSX workbook, and, with a
browser, opening the page and sorting and filtering its findings table. Everything printed is measured.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Rules the made-up findings cycle through: one of each family, each severity.
RULES = (("ML101", "nonstandard-separator", "error"), ("ML111", "misplaced-marking", "warning"),
         ("ML201", "missing-term", "error"), ("ML301", "expired-term", "warning"),
         ("ML302", "expiring-soon", "info"), ("ML501", "not-in-ledger", "warning"))
LEVELS = ("绝密", "机密", "秘密")


def synthetic_report(files: int, findings: int, not_examined_every: int = 50) -> dict:
    """A JSON report (contract version 1) of ``files`` files carrying ``findings`` findings between them,
    every ``not_examined_every``-th file not examined (its one finding ML901; 0: none). Messages are
    ``finding N``, N the finding's number in the report."""
    entries = []
    numbered = 0
    unread = {i for i in range(files) if not_examined_every and i % not_examined_every == not_examined_every - 1}
    read = [i for i in range(files) if i not in unread]
    spread = findings - len(unread)  # the findings of the files that were read: the total comes out exact
    rank = {index: order for order, index in enumerate(read)}
    for index in range(files):
        path = f"archive/{index // 500:03d}/文件{index:06d}.docx"
        if index in unread:
            numbered += 1
            entries.append({"path": path, "format": "docx", "status": "not-examined",
                            "reason": "corrupt: bad ZIP archive (BadZipFile)", "markings": [], "issue_date": None,
                            "level": None,
                            "findings": [{"rule": "ML901", "name": "not-examined", "severity": "error",
                                          "message": f"finding {numbered}",
                                          "location": {"page": None, "part": "body", "line": None, "bbox": None}}]})
            continue
        level = LEVELS[index % 3]
        year = 2020 + index % 15
        text = f"{level}★5年"
        marking = {"text": text, "level": level,
                   "term": {"kind": "duration", "raw": "5年", "amount": 5, "unit": "年", "until": None,
                            "condition": None},
                   "scope": None, "struck": False, "primary": True, "expires": f"{year + 5}-03-06",
                   "expiry_basis": "成文日期", "location": {"page": 1, "part": "body", "line": 2, "bbox": None}}
        order = rank[index]
        share = spread * (order + 1) // len(read) - spread * order // len(read)
        found = []
        for _ in range(share):
            numbered += 1
            rule, name, severity = RULES[numbered % len(RULES)]
            found.append({"rule": rule, "name": name, "severity": severity, "message": f"finding {numbered}",
                          "location": {"page": 1, "part": "body", "line": 2, "bbox": None}})
        entries.append({"path": path, "format": "docx", "status": "complete", "reason": None,
                        "markings": [marking], "issue_date": f"{year}-03-06", "level": level, "findings": found})
    counted = [f["severity"] for e in entries for f in e["findings"]]
    return {"version": 1, "tool": {"name": "marklint", "version": "bench"}, "as_of": "2026-11-27",
            "scan": {"date": "2026-11-27", "roots": ["archive"], "lang": "zh"}, "files": entries,
            "summary": {"files": files, "marked": sum(bool(e["markings"]) for e in entries),
                        "not_examined": sum(e["status"] == "not-examined" for e in entries),
                        "findings": {s: counted.count(s) for s in ("error", "warning", "info")}}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--findings", type=int, default=50_000)
    parser.add_argument("--browser", default=None, help="a Chromium to open the page with (Playwright)")
    args = parser.parse_args()
    from marklint.report import html, xlsx
    from marklint.report.inspection import ReportOptions
    from marklint.report.saved import load

    with tempfile.TemporaryDirectory(prefix="marklint-bench-report-") as folder:
        saved = Path(folder) / "report.json"
        saved.write_text(json.dumps(synthetic_report(args.files, args.findings), ensure_ascii=False), encoding="utf-8")
        started = time.perf_counter()
        model = load(saved, ReportOptions())
        loaded = time.perf_counter()
        page = html.render(model)
        rendered = time.perf_counter()
        workbook = xlsx.render(model)
        booked = time.perf_counter()
        print(f"{args.files} files, {len(model.findings)} findings")
        print(f"load JSON into the model  {loaded - started:6.2f} s")
        print(f"render HTML               {rendered - loaded:6.2f} s  ({len(page.encode()) / 1e6:.1f} MB)")
        print(f"render XLSX               {booked - rendered:6.2f} s  ({len(workbook) / 1e6:.1f} MB)")
        if args.browser:
            target = Path(folder) / "report.html"
            target.write_text(page, encoding="utf-8")
            _browse(args.browser, target)


def _browse(browser: str, target: Path) -> None:
    from playwright.sync_api import sync_playwright

    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run"]
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser, headless=True, args=flags)
        page = chromium.new_page()
        started = time.perf_counter()
        page.goto(target.as_uri(), timeout=300_000)
        page.wait_for_selector("#findings.ready", timeout=300_000)
        opened = time.perf_counter()
        page.click("#findings th:nth-child(6)")
        page.wait_for_function("document.querySelector('#findings th:nth-child(6)').classList.contains('asc')")
        sorted_at = time.perf_counter()
        page.select_option(".controls[data-for=findings] .filter-severity", "error")
        filtered = time.perf_counter()
        print(f"open page (to table ready){opened - started:6.2f} s")
        print(f"sort findings by severity {sorted_at - opened:6.2f} s")
        print(f"filter findings (errors)  {filtered - sorted_at:6.2f} s")
        chromium.close()


if __name__ == "__main__":
    main()
