"""Table cells and rows as the model gives them, alike in every format: a row is the cells of one table row
(DOCX: one line number) or the segments of one PDF line (one height). Form fields written across a row
(``密级：`` beside ``机密``) or down a column (``密级`` over ``机密``), and columns that list levels as data
(README "Where marklint looks": each cell is its own unit; a table that lists levels is not a marking)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from marklint import regex_cache
from marklint.marking import recognise
from marklint.model import Document, TextUnit


def same_row(a: TextUnit, b: TextUnit) -> bool:
    """Two units on one row: the cells of one table row (one line number), or segments of one PDF line."""
    if a.page != b.page:
        return False
    if a.bbox is not None and b.bbox is not None:
        return abs(a.bbox[1] - b.bbox[1]) < 3
    return a.part == b.part and a.line == b.line


FIELD_LABEL = regex_cache.compile(
    r"^[ \u3000]*(?:密[ \u3000]*级|秘密等级|保密等级|保密期限|保密期|解密时间|解密条件)[ \u3000]*[：:]?[ \u3000]*$"
)


def joined_fields(doc: Document) -> dict[int, TextUnit]:
    """A form label standing alone (``密级：``) joined with the value beside it on the same row: a table
    cell is its own unit in every format (a DOCX cell, a PDF line segment)."""
    joined: dict[int, TextUnit] = {}
    for index, unit in enumerate(doc.units[:-1]):
        if "密" not in unit.text:  # every FIELD_LABEL word has 密: no label here
            continue
        value = doc.units[index + 1]
        if same_row(unit, value) and FIELD_LABEL.match(unit.text):
            box = None
            if unit.bbox is not None and value.bbox is not None:
                box = (unit.bbox[0], unit.bbox[1], value.bbox[2], max(unit.bbox[3], value.bbox[3]))
            joined[index] = replace(unit, text=unit.text.strip() + value.text.strip(), bbox=box, spans=())
    return joined


#: The head of a table column that lists levels (``密级``, no colon and no value: a column heading).
LEVEL_HEADING = regex_cache.compile(r"^[ \u3000]*(?:密[ \u3000]*级|秘密等级|保密等级)[ \u3000]*$")
#: A column of levels under a 密级 heading with at least this many rows is data, not a marking.
LEVEL_COLUMN_ROWS = 2


def _row_at(units: list[TextUnit], index: int) -> list[int]:
    """The indices of the units on the row of ``units[index]`` (neighbours in reading order)."""
    start = index
    while start > 0 and same_row(units[start - 1], units[index]):
        start -= 1
    end = index
    while end + 1 < len(units) and same_row(units[end + 1], units[index]):
        end += 1
    return list(range(start, end + 1))


def _in_column(units: list[TextUnit], row: list[int], heading: int, column: int) -> int | None:
    """The unit of ``row`` under the heading cell: the one whose box overlaps the heading's across (PDF),
    else the one at the heading's position in its row (DOCX cells)."""
    head = units[heading].bbox
    if head is not None:
        for index in row:
            box = units[index].bbox
            if box is not None and box[0] < head[2] and head[0] < box[2]:
                return index
        return None
    return row[column] if column < len(row) else None


#: A column heading for the term, beside a 密级 heading.
TERM_HEADING = regex_cache.compile(r"^[ \u3000]*(?P<label>保密期限|保密期|解密时间|解密条件)[ \u3000]*$")


@dataclass(frozen=True)
class LevelColumns:
    """What the tables with a 密级 column say (README "Where marklint looks")."""

    data: set[int]  # cells of a column that lists levels in several rows: data, never a marking
    forms: dict[int, TextUnit]  # a level cell under a 密级 heading with one row: the form it fills in


def level_columns(doc: Document) -> LevelColumns:
    """Cells under a 密级 column heading. Levels in several rows are data (a register of classified
    documents); a single row is a form (``密级 | 保密期限`` over ``机密 | 5年``), read as its fields
    ``密级：机密，保密期限：5年``, the way a form written across (``密级：`` beside ``机密``) is read."""
    units = doc.units
    columns = LevelColumns(set(), {})
    for index, unit in enumerate(units):
        if "级" not in unit.text or not LEVEL_HEADING.match(unit.text):
            continue
        header_row = _row_at(units, index)
        column = header_row.index(index)
        cells: list[tuple[int, list[int]]] = []
        after = header_row[-1] + 1
        while after < len(units) and units[after].page == unit.page:
            row = _row_at(units, after)
            cell = _in_column(units, row, index, column)
            if cell is None or not any(m.is_state_secret for m in recognise(units[cell].text, bare_level_ok=True)):
                break
            cells.append((cell, row))
            after = row[-1] + 1
        if len(cells) >= LEVEL_COLUMN_ROWS:
            columns.data.update(cell for cell, _ in cells)
        elif cells:
            cell, row = cells[0]
            text = f"密级：{units[cell].text.strip()}"
            for position, heading in enumerate(header_row):
                label = TERM_HEADING.match(units[heading].text)
                term = _in_column(units, row, heading, position) if label else None
                if label and term is not None and term != cell:
                    text += f"，{label.group('label')}：{units[term].text.strip()}"
                    break
            columns.forms[cell] = replace(units[cell], text=text, spans=())
    return columns
