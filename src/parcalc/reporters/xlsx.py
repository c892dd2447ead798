"""XLSX: one sheet per table (and the problems, when there are any), with real numbers and number formats.

Counts are numbers with a thousands separator, rates are fractions shown as percentages at the chosen
precision, so that a spreadsheet can compute with every cell; the separators follow the reader's Excel
or LibreOffice locale. Text is always written as text (never as a formula, whatever it starts with).
"""

from __future__ import annotations

import io
import math
import re
from fractions import Fraction
from typing import Any

from parcalc.core.formatting import cell_text, honest_decimals
from parcalc.reports.model import Cell, Column, Options, Report, Table, problems_table

MAX_WIDTH = 60
HEADER_WIDTH = 24  # a header wider than this wraps instead of widening its column
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(table: Table, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique regardless of case."""
    base = INVALID_SHEET_CHARS.sub(" ", table.title or table.name).strip().strip("'")[:31] or "Sheet"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _rate_format(decimals: int) -> str:
    return "0" + ("." + "0" * decimals if decimals else "") + "%"


def _number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


class _Formats:
    """Cell formats are workbook-wide objects; each distinct one is made once."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.cache: dict[str, Any] = {}
        self.header = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "bottom": 1}
        )
        self.text = workbook.add_format({"valign": "top"})

    def number(self, code: str) -> Any:
        if code not in self.cache:
            self.cache[code] = self.workbook.add_format({"num_format": code, "valign": "top"})
        return self.cache[code]


EXACT_IN_A_SPREADSHEET = 2**53


def _write_cell(sheet: Any, row: int, col: int, column: Column, value: Cell, formats: _Formats, precision: int) -> None:
    if value is None:
        return  # no data is an empty cell (formatting.NO_DATA_RAW), never 0
    if column.kind == "count" and isinstance(value, int) and abs(value) <= EXACT_IN_A_SPREADSHEET:
        sheet.write_number(row, col, value, formats.number("#,##0"))
    elif column.kind == "count" and isinstance(value, int):
        # A spreadsheet number is a double: a larger count would silently lose its last digits.
        sheet.write_string(row, col, str(value), formats.text)
    elif column.kind == "rate" and isinstance(value, Fraction):
        code = _rate_format(honest_decimals(value, precision))
        sheet.write_number(row, col, float(value), formats.number(code))
    elif column.kind == "number" and isinstance(value, Fraction | int):
        sheet.write_number(row, col, float(value), formats.number(_number_format(precision)))
    else:
        sheet.write_string(row, col, str(value), formats.text)


def _sheet(workbook: Any, name: str, table: Table, formats: _Formats, options: Options) -> None:
    sheet = workbook.add_worksheet(name)
    widths = [min(len(c.header), HEADER_WIDTH) for c in table.columns]
    header_lines = 1
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, column.header, formats.header)
    for r, row in enumerate(table.rows, start=1):
        for col, (column, value) in enumerate(zip(table.columns, row, strict=True)):
            _write_cell(sheet, r, col, column, value, formats, options.precision)
            shown = cell_text(column.kind, value, options.precision, options.lang)
            widths[col] = max(widths[col], len(shown))
    for col, column in enumerate(table.columns):
        width = min(widths[col] + 2, MAX_WIDTH)
        sheet.set_column(col, col, width)
        header_lines = max(header_lines, math.ceil(len(column.header) / max(width - 1, 1)))
    sheet.set_row(0, 15 * header_lines)
    # The key columns (period, level, unit) stay in view while scrolling through the figures; a table of
    # text alone (the problems) only keeps its header.
    keys = 0
    if any(c.kind != "text" for c in table.columns):
        while keys < min(3, len(table.columns)) and table.columns[keys].kind == "text":
            keys += 1
    sheet.freeze_panes(1, keys)
    if table.rows:
        sheet.autofilter(0, 0, len(table.rows), len(table.columns) - 1)


def render(report: Report, options: Options) -> bytes:
    import xlsxwriter  # only when asked for: it is the one reporter that needs it

    tables = list(report.tables)
    if report.problems and not any(t.name == "problems" for t in tables):
        tables.append(problems_table(report.problems, options.lang))
    buffer = io.BytesIO()
    settings = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    workbook = xlsxwriter.Workbook(buffer, settings)
    if report.title is not None:
        workbook.set_properties({"title": report.title})
    formats = _Formats(workbook)
    taken: set[str] = set()
    for table in tables or [Table("empty", "parcalc", [], [])]:
        _sheet(workbook, _sheet_name(table, taken), table, formats, options)
    workbook.close()
    return buffer.getvalue()
