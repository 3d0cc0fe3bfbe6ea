"""定密统计: the yearly classification statistics of a scanned archive.

``Statistics.add`` takes one ``FileResult`` at a time (it is the driver's ``on_result``), so the
statistics of an archive of any size come from a streaming scan (``retain=False``). ``render`` gives
aligned text tables, one JSON object or CSV; ``render_xlsx`` an XLSX workbook with one sheet per table.

Definitions (every table reconciles with the totals of ``marklint scan`` on the same paths and settings):

- Document: every scanned file. The ledger's pseudo-file (``driver.ledger_orphans``: format csv or
  xlsx, status complete; the parsers never produce those) is not a document: it only carries one ML507
  finding per ledger row that no scanned file matched. The scan's ``summary.files`` counts it, so
  ``files.scanned + files.ledger_files == summary.files``; ``files.ledger_rows_not_found`` is its ML507
  count. It counts in the findings tables, and in the issuer table as the row ``(ledger)`` with no
  documents.
- ``files.marked``: documents with any marking (struck, or with a non-secret word such as 内部), as the
  scan's ``summary.marked`` counts them. ``files.classified``: documents with a level (below).
- The document's level: ``FileResult.level`` (``"level"`` in the JSON report): the highest live (not
  struck, not declassified or changed by a note) 绝密, 机密 or 秘密 marking in its marking places.
  ``files.classified`` counts the documents that have one. A document counts once, by it.
- Classifying marking: the marking flagged ``primary`` in ``FileResult.markings``, the one the checks
  judge the document's form and term by: the live marking in the canonical place (the 版头, the top of
  the cover or first page), else the highest.
- By level: 绝密 / 机密 / 秘密 by the document's level; ``unmarked``: examined (complete or partial)
  documents with none; ``not_examined``: documents that could not be read. Sums to ``files.scanned``.
- By term: the classifying marking's term kind; durations by length: ≤1年, >1–5年, >5–10年, >10–20年,
  >20年, months counted as 1/12 year and days as 1/365 year (18个月 is >1–5年, 12个月 is ≤1年). Then
  date (解密时间), condition (解密条件), long-term (长期), missing (no term). Sums to ``files.classified``.
- By expiry year: the year of the classifying marking's ``expires``; ``none`` where it has no
  computable expiry (condition, 长期, an unreadable date, no issue date). Sums to ``files.classified``.
  This is the term as marked: a 解密 note or a ledger decision (extension, review) does not move it.
- Expired / expiring: documents with an ML301 / ML302 finding, so they agree with the scan. Those rules
  respect 解密 notes and the ledger: an expiry year in the past is not necessarily "expired".
- Findings by kind: the five kinds of improper classification by rule family: ML1xx marking 标志不当,
  ML2xx content 内容不当, ML3xx change and declassification 变更与解密, ML4xx authority 权限不当, ML5xx
  basis and procedure 依据与程序不当; and ML9xx coverage 未能检查, so the total is the scan's finding
  count; per severity as the scan reports it (after ``[severity]`` overrides).
- By rule: every rule that fired, with its name. By issuer: documents, classified documents and
  findings per ``FileResult.issuer`` (``unknown`` where none was found).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction

from marklint.model import LEVELS, Severity, Status
from marklint.results import FileResult

FORMATS = ("text", "json", "csv", "xlsx")
LEDGER_FORMATS = ("csv", "xlsx")
UNKNOWN_ISSUER = "unknown"
LEDGER_ISSUER = "(ledger)"
NO_EXPIRY = "none"
ISSUER_LABELS = {UNKNOWN_ISSUER: "未知 (unknown)", LEDGER_ISSUER: "台账 (ledger)"}

LEVEL_ROWS = (*((level, level) for level in LEVELS), ("unmarked", "无密级标志 (unmarked)"),
              ("not_examined", "未能检查 (not examined)"))
#: Duration buckets: (key, label, upper bound in years inclusive; None: no bound).
DURATION_BUCKETS: tuple[tuple[str, str, int | None], ...] = (
    ("duration_le_1y", "期限 ≤1年 (duration)", 1),
    ("duration_1_5y", "期限 >1–5年 (duration)", 5),
    ("duration_5_10y", "期限 >5–10年 (duration)", 10),
    ("duration_10_20y", "期限 >10–20年 (duration)", 20),
    ("duration_gt_20y", "期限 >20年 (duration)", None),
)
TERM_ROWS = (*((key, label) for key, label, _ in DURATION_BUCKETS),
             ("date", "解密时间 (date)"), ("condition", "解密条件 (condition)"),
             ("long-term", "长期 (long-term)"), ("missing", "未标期限 (missing)"))
#: Rule families: (key, rule ID prefix, Chinese name, English name).
KINDS = (
    ("marking", "ML1", "标志不当", "marking"),
    ("content", "ML2", "内容不当", "content"),
    ("change_and_declassification", "ML3", "变更与解密", "change and declassification"),
    ("authority", "ML4", "权限不当", "authority"),
    ("basis_and_procedure", "ML5", "依据与程序不当", "basis and procedure"),
    ("coverage", "ML9", "未能检查", "coverage"),
)
KIND_NAMES = {key: zh for key, _, zh, _ in KINDS}
KIND_RULES = {key: f"{prefix}xx" for key, prefix, _, _ in KINDS}
OTHER_KIND = "other"  # a rule outside the families (none today): counted so the totals still hold
UNIT_YEARS = {"年": Fraction(1), "月": Fraction(1, 12), "日": Fraction(1, 365)}
SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def is_ledger_file(result: FileResult) -> bool:
    """The ledger's pseudo-file from ``driver.ledger_orphans``: a parsed document is docx, pdf or text,
    and a ledger-like file found by the walk (``.xlsx``) is not examined."""
    return result.format in LEDGER_FORMATS and result.status == Status.COMPLETE


def classifying_marking(result: FileResult) -> dict | None:
    """The marking the checks judge the document by (``primary`` in the JSON report)."""
    return next((m for m in result.markings if m.get("primary")), None)


def term_row(term: dict) -> str:
    """The by-term row of a marking's term (``term`` as in the JSON report)."""
    kind = term["kind"]
    if kind != "duration":
        return kind
    per_unit = UNIT_YEARS.get(term["unit"] or "")
    if term["amount"] is None or per_unit is None:
        return "duration_unknown"  # never produced by the recogniser; kept visible rather than guessed
    years = term["amount"] * per_unit
    return next(key for key, _, bound in DURATION_BUCKETS if bound is None or years <= bound)


def kind_of(rule_id: str) -> str:
    return next((key for key, prefix, _, _ in KINDS if rule_id.startswith(prefix)), OTHER_KIND)


@dataclass
class IssuerCount:
    documents: int = 0
    classified: int = 0
    findings: int = 0


@dataclass
class Statistics:
    """Counts fed one result at a time; nothing of a document is kept but its counts."""

    as_of: date
    scanned: int = 0
    marked: int = 0
    classified: int = 0
    not_examined: int = 0
    partial: int = 0
    ledger_files: int = 0
    ledger_rows_not_found: int = 0
    by_level: Counter[str] = field(default_factory=Counter)
    by_term: Counter[str] = field(default_factory=Counter)
    by_expiry_year: Counter[str] = field(default_factory=Counter)
    expired: int = 0
    expiring: int = 0
    by_kind: dict[str, Counter[Severity]] = field(default_factory=dict)
    by_rule: Counter[str] = field(default_factory=Counter)
    rule_names: dict[str, str] = field(default_factory=dict)
    by_issuer: dict[str, IssuerCount] = field(default_factory=dict)

    def add(self, result: FileResult) -> None:
        for inner in result.embedded:  # a document of its own, as the scan's summary counts it
            self.add(inner)
        rules = [finding.rule for finding in result.findings]
        for finding in result.findings:
            self.by_kind.setdefault(kind_of(finding.rule), Counter())[finding.severity] += 1
            self.by_rule[finding.rule] += 1
            self.rule_names[finding.rule] = finding.name
        if is_ledger_file(result):
            self.ledger_files += 1
            self.ledger_rows_not_found += rules.count("ML507")
            self.by_issuer.setdefault(LEDGER_ISSUER, IssuerCount()).findings += len(rules)
            return
        self.scanned += 1
        self.marked += bool(result.markings)  # as Report.add counts it
        self.partial += result.status == Status.PARTIAL
        issuer = self.by_issuer.setdefault(result.issuer or UNKNOWN_ISSUER, IssuerCount())
        issuer.documents += 1
        issuer.findings += len(rules)
        # ML301/ML302 fire at most once per document, so documents and findings agree; count documents.
        self.expired += "ML301" in rules
        self.expiring += "ML302" in rules
        if result.status == Status.NOT_EXAMINED:
            self.not_examined += 1
            self.by_level["not_examined"] += 1
            return
        marking = classifying_marking(result)
        if result.level is None or marking is None:
            self.by_level["unmarked"] += 1
            return
        self.classified += 1
        issuer.classified += 1
        self.by_level[result.level] += 1
        self.by_term[term_row(marking["term"])] += 1
        self.by_expiry_year[marking["expires"][:4] if marking["expires"] else NO_EXPIRY] += 1

    @property
    def findings(self) -> int:
        return sum(self.by_rule.values())

    # The ordered rows of each table, shared by every renderer.

    def level_rows(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.by_level[key]) for key, label in LEVEL_ROWS]

    def term_rows(self) -> list[tuple[str, str, int]]:
        rows = [(key, label, self.by_term[key]) for key, label in TERM_ROWS]
        if self.by_term["duration_unknown"]:
            label = "期限长度不明 (duration, length unknown)"
            rows.append(("duration_unknown", label, self.by_term["duration_unknown"]))
        return rows

    def expiry_rows(self) -> list[tuple[str, str, int]]:
        years = sorted(year for year in self.by_expiry_year if year != NO_EXPIRY)
        rows = [(year, year, self.by_expiry_year[year]) for year in years]
        return [*rows, (NO_EXPIRY, "无法计算 (none)", self.by_expiry_year[NO_EXPIRY])]

    def kind_rows(self) -> list[tuple[str, str, dict[str, int]]]:
        kinds = [(key, f"{prefix}xx {zh} ({en})") for key, prefix, zh, en in KINDS]
        if OTHER_KIND in self.by_kind:
            kinds.append((OTHER_KIND, "其他 (other)"))
        rows = []
        for key, label in kinds:
            counts = self.by_kind.get(key, Counter())
            values = {s.value: counts[s] for s in SEVERITIES}
            rows.append((key, label, {**values, "total": sum(values.values())}))
        return rows

    def issuer_rows(self) -> list[tuple[str, IssuerCount]]:
        """Most documents first; ``unknown`` and the ledger last."""
        last = (UNKNOWN_ISSUER, LEDGER_ISSUER)
        named = sorted((k for k in self.by_issuer if k not in last), key=lambda k: (-self.by_issuer[k].documents, k))
        return [(k, self.by_issuer[k]) for k in [*named, *last] if k in self.by_issuer]

    def to_json(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "files": {"scanned": self.scanned, "marked": self.marked, "classified": self.classified,
                      "not_examined": self.not_examined, "partial": self.partial,
                      "ledger_files": self.ledger_files, "ledger_rows_not_found": self.ledger_rows_not_found},
            "by_level": {key: n for key, _, n in self.level_rows()},
            "by_term": {key: n for key, _, n in self.term_rows()},
            "by_expiry_year": {key: n for key, _, n in self.expiry_rows()},
            "expired": self.expired,
            "expiring": self.expiring,
            "findings_by_kind": {
                key: {"name": KIND_NAMES.get(key, "其他"), "rules": KIND_RULES.get(key, "other"), **values}
                for key, _, values in self.kind_rows()},
            "findings_by_rule": {rule_id: {"name": self.rule_names[rule_id], "count": n}
                                 for rule_id, n in sorted(self.by_rule.items())},
            "by_issuer": {name: {"documents": c.documents, "classified": c.classified, "findings": c.findings}
                          for name, c in self.issuer_rows()},
        }

    def tables(self, lang: str | None = None) -> list[Table]:
        """Every table in order: what text, CSV and XLSX show (JSON has the same numbers, keyed). Labels
        are bilingual, ``中文 (English)``; with ``lang`` (``--lang``), in that language alone."""
        tables = self._tables()
        return tables if lang is None else [table.in_language(lang) for table in tables]

    def _tables(self) -> list[Table]:
        count = ("数量 (count)",)
        files = Table("files", "文件 (files)", "项目 (item)", ("数量 (count)",), [
            Row("as_of", "统计日期 (as of)", (self.as_of.isoformat(),)),
            Row("scanned", "扫描文件 (files scanned)", (self.scanned,)),
            Row("marked", "带标志 (with any marking)", (self.marked,)),
            Row("classified", "有密级 (classified)", (self.classified,)),
            Row("not_examined", "未能检查 (not examined)", (self.not_examined,)),
            Row("partial", "部分检查 (partially examined)", (self.partial,)),
            Row("ledger_files", "台账 (ledger, not a document)", (self.ledger_files,)),
            Row("ledger_rows_not_found", "台账中未找到文件的行 (ledger rows not found)", (self.ledger_rows_not_found,)),
        ], total=False)
        level = Table("by_level", "按密级 (by level)", "密级 (level)", count,
                      [Row(k, label, (n,)) for k, label, n in self.level_rows()])
        term = Table("by_term", "按保密期限 (by term)", "期限 (term)", count,
                     [Row(k, label, (n,)) for k, label, n in self.term_rows()])
        expiry = Table("by_expiry_year", "按届满年份 (by expiry year)", "年份 (year)", count,
                       [Row(k, label, (n,)) for k, label, n in self.expiry_rows()])
        status = Table("expiry_status", "期限状态 (expiry status)", "状态 (status)", ("文件 (documents)",), [
            Row("expired", "已届满 (expired, ML301)", (self.expired,)),
            Row("expiring", "即将届满 (expiring, ML302)", (self.expiring,)),
        ], total=False)
        kinds = Table("findings_by_kind", "按问题类别 (findings by kind)", "类别 (kind)",
                      ("错误 (error)", "警告 (warning)", "提示 (info)", "合计 (total)"),
                      [Row(k, label, tuple(v.values())) for k, label, v in self.kind_rows()])
        rules = Table("findings_by_rule", "按规则 (findings by rule)", "名称 (name)", count,
                      [Row(rule_id, self.rule_names[rule_id], (n,)) for rule_id, n in sorted(self.by_rule.items())],
                      key_header="规则 (rule)")
        issuers = Table("by_issuer", "按定密机关 (by issuer)", "机关 (issuer)",
                        ("文件 (documents)", "有密级 (classified)", "问题 (findings)"),
                        [Row(name, ISSUER_LABELS.get(name, name), (c.documents, c.classified, c.findings))
                         for name, c in self.issuer_rows()])
        return [files, level, term, expiry, status, kinds, rules, issuers]


@dataclass(frozen=True)
class Row:
    key: str  # the key in the JSON object
    label: str
    values: tuple[int | str, ...]


@dataclass(frozen=True)
class Table:
    key: str  # the JSON section, the CSV section column and the XLSX sheet name
    title: str
    label_header: str
    value_headers: tuple[str, ...]
    rows: list[Row]
    total: bool = True  # whether a 合计 row follows (tables whose rows partition something)
    key_header: str | None = None  # show the key as its own column (rule IDs)
    total_label: str = "合计 (total)"

    def total_row(self) -> Row | None:
        if not self.total:
            return None
        sums = tuple(sum(int(row.values[i]) for row in self.rows) for i in range(len(self.value_headers)))
        return Row("total", self.total_label, sums)

    def all_rows(self) -> list[Row]:
        total = self.total_row()
        return [*self.rows, total] if total else list(self.rows)

    def in_language(self, lang: str) -> Table:
        """The table with each bilingual label ``中文 (English)`` in ``lang`` alone."""
        rows = [replace(row, label=one_language(row.label, lang)) for row in self.rows]
        return replace(self, title=one_language(self.title, lang), label_header=one_language(self.label_header, lang),
                       value_headers=tuple(one_language(h, lang) for h in self.value_headers), rows=rows,
                       key_header=one_language(self.key_header, lang) if self.key_header else None,
                       total_label=one_language(self.total_label, lang))


BILINGUAL = re.compile(r"^(?P<code>ML\dxx )?(?P<zh>.+?) \((?P<en>[^()]+)\)$")


def one_language(label: str, lang: str) -> str:
    """``中文 (English)`` in one language (a rule family's ``ML1xx`` kept in both); other labels as they are."""
    match = BILINGUAL.match(label)
    if match is None:
        return label
    return (match.group("code") or "") + match.group("en" if lang == "en" else "zh")


def display_width(text: str) -> int:
    """Terminal columns: wide and full-width characters (CJK) take two; ambiguous ones (≤, –, ★) one."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def _text_table(table: Table) -> list[str]:
    key_column = table.key_header is not None
    header = [*([table.key_header] if key_column else []), table.label_header, *table.value_headers]
    body = [[*([row.key] if key_column else []), row.label, *map(str, row.values)] for row in table.rows]
    total = table.total_row()
    footer = [[*([""] if key_column else []), total.label, *map(str, total.values)]] if total else []
    lines = [header, *body, *footer]
    widths = [max(display_width(line[i]) for line in lines) for i in range(len(header))]
    labels = len(header) - len(table.value_headers)  # label columns align left, numbers right

    def line(cells: list[str]) -> str:
        return "  " + "  ".join(_pad(cell, widths[i], right=i >= labels) for i, cell in enumerate(cells))

    rule = "  " + "  ".join("-" * w for w in widths)
    out = [table.title, line(header), rule, *map(line, body)]
    if footer:
        out += [rule, line(footer[0])]
    return out


def render_text(stats: Statistics, lang: str | None = None) -> str:
    title = "定密统计 (classification statistics)"
    title = one_language(title, lang) if lang else title
    lines = [f"{title} {stats.as_of.isoformat()}"]
    for table in stats.tables(lang):
        lines += ["", *_text_table(table)]
    return "\n".join(lines) + "\n"


def render_json(stats: Statistics, lang: str | None = None) -> str:
    return json.dumps(stats.to_json(), ensure_ascii=False, indent=2) + "\n"


def render_csv(stats: Statistics, lang: str | None = None) -> str:
    """One block per table (header row first, a blank line between); the BOM makes Excel read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for index, table in enumerate(stats.tables(lang)):
        if index:
            writer.writerow([])
        writer.writerow(["section", table.key_header or "key", table.label_header, *table.value_headers])
        for row in table.all_rows():
            writer.writerow([table.key, row.key, row.label, *row.values])
    return "\ufeff" + buffer.getvalue()


def render_xlsx(stats: Statistics, lang: str | None = None) -> bytes:
    """One sheet per table, named by its section key; the header on row 1 so it filters and pivots."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for table in stats.tables(lang):
        sheet = book.create_sheet(table.key)
        sheet.append([table.key_header or "key", table.label_header, *table.value_headers])
        for row in table.all_rows():
            sheet.append([row.key, row.label, *row.values])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            width = max(display_width(str(cell.value or "")) for cell in column)
            sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(stats: Statistics, output_format: str, lang: str | None = None) -> str:
    """The text formats; XLSX is bytes (``render_xlsx``). ``lang``: labels in one language."""
    renderers = {"text": render_text, "json": render_json, "csv": render_csv}
    return renderers[output_format](stats, lang)
