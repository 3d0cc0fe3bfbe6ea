"""The 定密台账 (classification ledger): reading it and matching its rows to documents.

No official template exists; marklint accepts CSV (UTF-8 with or without BOM, or GB18030) and XLSX
with the columns of README, The ledger and authority, Chinese headers or their English aliases, in any order.
Unknown columns are ignored; a missing required column or a bad date is an error naming the row.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import regex

from marklint import regex_cache
from marklint.dates import DATE_PATTERN, make_date
from marklint.errors import ConfigError, os_error_words
from marklint.messages import Both, listed

#: Column -> (Chinese header, English alias).
COLUMNS = {
    "file": ("文件", "file"), "title": ("标题", "title"), "doc_no": ("文号", "doc_no"),
    "level": ("密级", "level"), "term": ("保密期限", "term"), "scope": ("知悉范围", "scope"),
    "basis": ("定密依据", "basis"), "drafter": ("承办人", "drafter"), "approver": ("定密责任人", "approver"),
    "classified_on": ("定密日期", "classified_on"), "derived": ("派生", "derived"),
    "last_review": ("最近审核日期", "last_review"), "review_result": ("审核结论", "review_result"),
    "declassified_on": ("解密日期", "declassified_on"),
}
#: A ledger must say which file, at what level, for how long; the rest may be empty (and is checked).
REQUIRED = ("file", "level", "term")
DATE_COLUMNS = ("classified_on", "last_review", "declassified_on")
ISO_DATE = regex_cache.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
YES = {"是", "yes", "y", "true", "1", "派生"}
NO = {"否", "no", "n", "false", "0", "原始", ""}


@dataclass(frozen=True)
class LedgerRow:
    """One row of a 定密台账, with its dates read and 派生 as a yes or no."""

    row: int  # the row number as a spreadsheet shows it (header is row 1)
    file: str
    level: str
    term: str
    title: str = ""
    doc_no: str = ""
    scope: str = ""
    basis: str = ""
    drafter: str = ""
    approver: str = ""
    classified_on: date | None = None
    derived: bool = False
    last_review: date | None = None
    review_result: str = ""
    declassified_on: date | None = None


@dataclass
class LedgerMatch:
    """How a document matched the 定密台账: one row, none, or several (ambiguous: reported, not guessed)."""

    row: LedgerRow | None = None
    ambiguous: tuple[int, ...] = ()


@dataclass
class Ledger:
    """A 定密台账 as read: the path it was given by and its rows."""

    path: str  # as given
    rows: list[LedgerRow] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return Path(os.path.abspath(self.path)).parent

    def match(self, document_path: str, doc_no: str | None) -> LedgerMatch:
        """Rows for a document: by relative path (to the ledger's folder or the current folder), then by
        file name, then by 文号."""
        absolute = Path(os.path.abspath(document_path))
        by_path = [r for r in self.rows if _same_path(r.file, absolute, self.folder)]
        for candidates in (by_path,
                           [r for r in self.rows if Path(r.file.replace("\\", "/")).name == absolute.name],
                           [r for r in self.rows if doc_no and _normal_doc_no(r.doc_no) == _normal_doc_no(doc_no)]):
            if len(candidates) == 1:
                return LedgerMatch(candidates[0])
            if len(candidates) > 1:
                return LedgerMatch(ambiguous=tuple(r.row for r in candidates))
        return LedgerMatch()


def _same_path(recorded: str, absolute: Path, folder: Path) -> bool:
    recorded = recorded.strip().replace("\\", "/")
    if not recorded or "/" not in recorded:
        return False
    candidate = Path(recorded)
    if candidate.is_absolute():
        return Path(os.path.normpath(candidate)) == absolute
    return any(Path(os.path.normpath(base / candidate)) == absolute for base in (folder, Path.cwd()))


def _normal_doc_no(text: str) -> str:
    return regex.sub(r"[\s〔〕［］\[\]()（）]", "", text)


def parse_date(text: str) -> date | None:
    """A ledger date: 2024-03-05, 2024/3/5, 2024.3.5 or 2024年3月5日. Raises ValueError if unreadable."""
    text = text.strip()
    if not text:
        return None
    iso = ISO_DATE.match(text)
    if iso:
        found = make_date(*iso.groups())
    else:
        written = DATE_PATTERN.fullmatch(text)
        found = make_date(written.group("year"), written.group("month"), written.group("day")) if written else None
    if found is None:
        raise ValueError(text)
    return found


def _header_map(header: list[str], source: str) -> dict[str, int]:
    names = {alias.lower(): key for key, pair in COLUMNS.items() for alias in pair}
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = names.get(regex.sub(r"[\s\[\]（）()]", "", str(name or "")).lower())
        if key is not None and key not in positions:
            positions[key] = index
    missing = [f"{COLUMNS[k][0]} [{COLUMNS[k][1]}]" for k in REQUIRED if k not in positions]
    if missing:
        raise ConfigError.said("ledger.columns", source=source, columns=listed(missing))
    return positions


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(table: list[list[object]], source: str) -> list[LedgerRow]:
    if not table:
        raise ConfigError.said("ledger.empty", source=source)
    positions = _header_map([_cell(v) for v in table[0]], source)
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        values = {key: _cell(raw[i]) if i < len(raw) else "" for key, i in positions.items()}
        if not any(values.values()):
            continue
        dates: dict[str, date | None] = {}
        for key in DATE_COLUMNS:
            try:
                dates[key] = parse_date(values.get(key, ""))
            except ValueError as exc:
                raise ConfigError.said("ledger.date", source=source, row=number, column=COLUMNS[key][0],
                                        value=values[key]) from exc
        derived_text = values.get("derived", "").lower()
        if derived_text not in YES and derived_text not in NO:
            raise ConfigError.said("ledger.derived", source=source, row=number, value=values["derived"])
        rows.append(LedgerRow(
            row=number, file=values["file"], level=values["level"], term=values["term"],
            title=values.get("title", ""), doc_no=values.get("doc_no", ""), scope=values.get("scope", ""),
            basis=values.get("basis", ""), drafter=values.get("drafter", ""), approver=values.get("approver", ""),
            derived=derived_text in YES, review_result=values.get("review_result", ""), **dates,
        ))
    return rows


def read_ledger(path: str) -> Ledger:
    """Read a CSV or XLSX ledger, or raise ConfigError saying what is wrong and where."""
    data = _read_regular(path)
    is_xlsx = data.startswith(b"PK\x03\x04")
    table = _xlsx_table(data, path) if is_xlsx else _csv_table(_decode(data, path), path)
    return Ledger(path, _rows(table, path))


def _read_regular(path: str) -> bytes:
    """The ledger's bytes; a FIFO, device or folder is refused without reading (it could block or never end).
    Opened non-blocking, so that even a FIFO's open returns, and judged by the open file, not by its name."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ConfigError.said("ledger.os", source=path, why=_os_words(exc)) from exc
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise ConfigError.said("ledger.not a file", source=path)
        os.set_blocking(handle, True)
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return stream.read()
    except OSError as exc:
        raise ConfigError.said("ledger.os", source=path, why=_os_words(exc)) from exc
    finally:
        os.close(handle)


def _os_words(exc: OSError) -> Both:
    """Why the ledger could not be read: the system's words in English, the catalogue's in Chinese."""
    from marklint.reasons import translate_detail

    return Both(translate_detail(os_error_words(exc)) or "无法读取", str(exc.strerror or exc))


def _csv_table(text: str, path: str) -> list[list[object]]:
    """The CSV's rows; a row the csv module refuses (a bare CR in a field, a field over its size limit) is
    an error naming the row as a spreadsheet numbers it."""
    table: list[list[object]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        table.extend(reader)
    except csv.Error as exc:
        bare_cr = "new-line" in str(exc)
        why = Both("未加引号的字段中有单独的回车符（CR）" if bare_cr else "字段过长或格式不对",
                   "a bare CR (carriage return) in an unquoted field" if bare_cr else str(exc))
        raise ConfigError.said("ledger.csv", source=path, row=len(table) + 1, why=why) from exc
    return table


def _decode(data: bytes, path: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ConfigError.said("ledger.encoding", source=path)


def _xlsx_table(data: bytes, path: str) -> list[list[object]]:
    try:
        import openpyxl
    except ImportError as exc:
        raise ConfigError.said("ledger.openpyxl", source=path) from exc
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
        book.close()
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise ConfigError.said("ledger.xlsx", source=path) from exc
    return table
