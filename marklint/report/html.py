"""The inspection report as one self-contained HTML page, rendered from the report model with Jinja2.

The templates are beside this module (``templates/``): the page, its stylesheet and its small script,
all inlined, so the file opens on a machine without network and fetches nothing. Autoescaping is on:
every file name, marking and message is text, never markup. Jinja2 is imported here and only here, when
a report is rendered (``import marklint.cli`` must not load it).
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

from marklint import __version__
from marklint.report import svg
from marklint.report.inspection import SEVERITY_ORDER, FindingRow, InspectionReport
from marklint.report.legal import basis_text
from marklint.report.words import KIND, LEVEL, PART, SEVERITY, STATUS, TERM, reason_text, words

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE_SIZE = 100  # rows per screen page of a long table; print shows them all


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end the string or the style element."""
    escaped = "".join(c if c.isalnum() or c in " ★·-_()（）" or ord(c) > 0x7F else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def day(value: date, lang: str) -> str:
    return value.isoformat() if lang == "en" else f"{value.year}年{value.month}月{value.day}日"


def where(finding: FindingRow, lang: str) -> str:
    page = "" if finding.page is None else str(finding.page)
    line = "" if finding.line is None else str(finding.line)
    part = PART["en" if lang == "en" else "zh"].get(finding.part, finding.part)
    place = "/".join(p for p in (page, line) if p)
    if finding.part == "body":
        return place or words(lang)["none"]
    return f"{place} {part}" if place else part


def charts(report: InspectionReport, lang: str) -> list[tuple[str, str]]:
    """(title, SVG) of each chart, in the page's order."""
    w = words(lang)
    key = "en" if lang == "en" else "zh"

    def expiry_label(item: str) -> str:
        if item == "expired":
            return w["expired"]
        if item == "later":
            return w["later"]
        return w["this_year" if int(item) == report.as_of.year else "year"].format(year=item)

    severities = [SEVERITY[key][s] for s in SEVERITY_ORDER]
    return [
        (w["chart_level"], svg.bars(w["chart_level"], [(LEVEL[key][k], n) for k, n in report.level_counts()],
                                    "chart-level")),
        (w["chart_term"], svg.bars(w["chart_term"], [(TERM[key].get(k, k), n) for k, n in report.term_counts()],
                                   "chart-term")),
        (w["chart_expiry"], svg.bars(w["chart_expiry"], [(expiry_label(k), n) for k, n in report.expiry_counts()],
                                     "chart-expiry")),
        (w["chart_kind"], svg.stacked_bars(
            w["chart_kind"], [(KIND[key][k], [c[s] for s in SEVERITY_ORDER]) for k, c in report.kind_counts()],
            severities, "chart-kind")),
    ]


@functools.cache
def _environment():  # -> jinja2.Environment (jinja2 is imported only here)
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def render(report: InspectionReport) -> str:
    from markupsafe import Markup

    lang = "en" if report.options.lang == "en" else "zh"
    w = words(lang)

    @functools.cache
    def basis_of(rule: str, citations: tuple) -> str:
        return basis_text(citations, lang) or w["none"]

    page_css = (f"@bottom-center {{ content: \"{w['footer']}\"; }}"
                + (f" @top-left {{ content: {css_string(report.options.marking)}; }}"
                   if report.options.marking else ""))
    template = _environment().get_template("inspection.html.j2")
    return template.render(
        r=report, w=w, lang=lang, version=__version__, page_size=PAGE_SIZE,
        later=lambda index: " later" if index >= PAGE_SIZE else "",
        page_css=Markup(page_css),
        charts=[(title, Markup(chart)) for title, chart in charts(report, lang)],
        severity=SEVERITY[lang], status=STATUS[lang], kind=KIND[lang], level=LEVEL[lang],
        severity_rank={s: len(SEVERITY_ORDER) - i for i, s in enumerate(SEVERITY_ORDER)},
        kind_rank={k: i for i, k in enumerate(KIND[lang])},
        day=lambda value: day(value, lang), where=lambda f: where(f, lang),
        reason=lambda text: reason_text(text, lang),
        basis=lambda f: basis_of(f.rule, f.basis),
        basis_all=basis_text(report.basis(), lang) or w["basis_none"],
    )
