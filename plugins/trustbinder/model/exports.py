"""Tables the binder offers as downloads: CSV, XLSX and JSON writers with the same rows as the HTML.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and some read a leading tab or carriage return
the same way) as a formula, so text taken from a program could run in an auditor's Excel. CSV cells starting
with any of these get a leading apostrophe, the convention spreadsheets show as plain text. XLSX cells keep
their value but are typed as text and flagged with Excel's quote prefix, so they never become formulas.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

Cell = str | int | list[str]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ", "
SHEET_NAME_LIMIT = 31
# Excel's own cap on a cell's text; longer values are cut with a note rather than corrupting the workbook.
XLSX_CELL_LIMIT = 32767
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Table:
    name: str  # used for file and sheet names
    title: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    # column index -> what the IDs in it are ("control", "document", "evidence", "criterion:<framework>")
    links: dict[int, str] = field(default_factory=dict)

    def text_rows(self) -> list[list[str]]:
        """Rows as the text a CSV or a reader of the HTML sees, before formula neutralisation."""
        return [[flatten(cell) for cell in row] for row in self.rows]


def flatten(cell: Cell) -> str:
    if isinstance(cell, list):
        return LIST_SEPARATOR.join(cell)
    return str(cell)


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(table: Table) -> str:
    """RFC 4180 CSV with a UTF-8 byte-order mark, which Excel needs to read non-ASCII text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.header])
    for row in table.rows:
        writer.writerow([cell if isinstance(cell, int) else neutralise(flatten(cell)) for cell in row])
    return "\ufeff" + out.getvalue()


def to_json(tables: Sequence[Table], **about: object) -> str:
    document = {
        **about,
        "tables": [
            {
                "name": table.name,
                "title": table.title,
                "columns": table.header,
                "rows": [dict(zip(table.header, row, strict=True)) for row in table.rows],
            }
            for table in tables
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


def sheet_names(tables: Sequence[Table]) -> list[str]:
    names: list[str] = []
    for table in tables:
        base = _SHEET_FORBIDDEN.sub("-", table.name).strip("'") or "sheet"
        name = base[:SHEET_NAME_LIMIT]
        counter = 2
        while name.lower() in (n.lower() for n in names):
            suffix = f" {counter}"
            name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
            counter += 1
        names.append(name)
    return names


def _xlsx_text(value: str) -> str:
    value = _XML_ILLEGAL.sub("\ufffd", value)
    if len(value) > XLSX_CELL_LIMIT:
        note = " … (cut: longer than a spreadsheet cell holds; see the CSV)"
        value = value[: XLSX_CELL_LIMIT - len(note)] + note
    return value


def to_xlsx(tables: Sequence[Table], when: dt.datetime) -> bytes:
    """A workbook with one sheet per table; the same input and `when` give the same bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table, name in zip(tables, sheet_names(tables), strict=True):
        sheet = workbook.create_sheet(name)
        widths = [len(h) for h in table.header]
        for column, heading in enumerate(table.header, start=1):
            cell = sheet.cell(row=1, column=column)
            _put_text(cell, heading)
            cell.font = bold
        for row_index, row in enumerate(table.rows, start=2):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_index, column=column)
                if isinstance(value, int):
                    cell.value = value
                else:
                    text = _xlsx_text(flatten(value))
                    _put_text(cell, text)
                    widths[column - 1] = max(widths[column - 1], min(len(text), 60))
        sheet.freeze_panes = "A2"
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[_column_letter(column)].width = max(8, width + 2)
    naive = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    workbook.properties.created = naive
    workbook.properties.modified = naive
    workbook.properties.creator = "trustbinder"
    raw = io.BytesIO()
    # Workbook.save stamps `modified` with the current time; the writer underneath keeps the one given above.
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return _fixed_zip_times(raw.getvalue(), naive)


def _put_text(cell: object, text: str) -> None:
    cell.value = text  # type: ignore[attr-defined]
    # openpyxl reads a leading '=' as a formula; typing the cell as a string keeps it text.
    cell.data_type = "s"  # type: ignore[attr-defined]
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # type: ignore[attr-defined]


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _fixed_zip_times(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the archive with every member dated `when`: zip timestamps are the only varying bytes left."""
    stamp = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
