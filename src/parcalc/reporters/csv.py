"""CSV: one flat record table with field ids as headers and raw values (rates as fractions)."""

from __future__ import annotations

import csv
import io
from fractions import Fraction

from parcalc.core.formatting import NO_DATA_RAW, neutralise_formula
from parcalc.reports.model import Cell, Options, Report


def _cell(value: Cell) -> str:
    if value is None:
        return NO_DATA_RAW
    if isinstance(value, Fraction):
        return repr(float(value))
    if isinstance(value, str):
        return neutralise_formula(value)
    return str(value)


def render(report: Report, options: Options) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    table = report.records
    writer.writerow([c.key for c in table.columns])
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()
