"""The inspection report's findings and files as a workbook (``--format xlsx``), for inspectors who sort
and count in a spreadsheet: a findings sheet and a files sheet, the columns of the HTML report's
问题清单 and appendix, the same rows in the same order."""

from __future__ import annotations

import io

from marklint.report.html import where
from marklint.report.inspection import InspectionReport
from marklint.report.legal import basis_text
from marklint.report.stats import display_width
from marklint.report.words import KIND, SEVERITY, STATUS, reason_text, words

FINDING_COLUMNS = ("number", "file", "where", "rule", "kind", "severity", "message", "legal_basis")
WIDTH_SAMPLE = 1_000
FILE_COLUMNS = ("number", "file", "format", "status", "markings", "level", "finding_count")


def sheet_rows(report: InspectionReport) -> dict[str, list[list[object]]]:
    """Each sheet's rows, the header first, as the HTML tables show the cells."""
    lang = "en" if report.options.lang == "en" else "zh"
    w = words(lang)
    findings: list[list[object]] = [[w[c] for c in FINDING_COLUMNS]]
    for f in report.findings:
        findings.append([f.number, f.path, where(f, lang), f"{f.rule} {f.name}", KIND[lang][f.kind],
                         SEVERITY[lang][f.severity], f.message, basis_text(f.basis, lang) or w["none"]])
    files: list[list[object]] = [[w[c] for c in FILE_COLUMNS]]
    for row in report.files:
        status = STATUS[lang][row.status] + (f"\n{reason_text(row.reason, lang)}" if row.reason else "")
        markings = "\n".join(f"{m.text} ({'struck' if lang == 'en' else '已划去'})" if m.struck else m.text
                             for m in row.markings) or w["none"]
        files.append([row.number, row.path, row.format, status, markings, row.level or w["none"], row.findings])
    sheet_names = ("findings", "files") if lang == "en" else ("问题清单", "文件清单")
    return dict(zip(sheet_names, (findings, files), strict=True))


def render(report: InspectionReport) -> bytes:
    """Written in openpyxl's write-only mode: 50,000 rows take seconds, not minutes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for name, rows in sheet_rows(report).items():
        sheet = book.create_sheet(name)
        for index in range(len(rows[0])):
            sample = rows[:WIDTH_SAMPLE]  # widths from the first rows: measuring 50,000 takes longer than writing
            width = max(display_width(line) for row in sample for line in str(row[index]).split("\n"))
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, 60)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(rows[0]))}{len(rows)}"
        header = []
        for value in rows[0]:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows[1:]:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
