"""Rich tables for the terminal."""

from __future__ import annotations

import io
import shutil
from typing import Literal

from rich.console import Console
from rich.table import Table as RichTable

from parcalc.core.formatting import NO_DATA_MARK, cell_text, no_data_legend
from parcalc.reports.model import Options, Report, Table


def _rich(table: Table, options: Options) -> RichTable:
    rich = RichTable(title=table.title, title_justify="left", header_style="bold")
    cells = [
        [cell_text(c.kind, v, options.precision, options.lang) for c, v in zip(table.columns, row, strict=True)]
        for row in table.rows
    ]
    for i, column in enumerate(table.columns):
        # Headers may wrap; values never do, so that no number is broken over two lines.
        widest = max((len(row[i]) for row in cells), default=1)
        justify: Literal["left", "right"] = "left" if column.kind == "text" else "right"
        rich.add_column(column.header, justify=justify, min_width=min(widest, 40), overflow="fold")
    for row in cells:
        rich.add_row(*row)
    return rich


def render(report: Report, options: Options) -> str:
    buffer = io.StringIO()
    width = max(80, shutil.get_terminal_size((120, 24)).columns)
    console = Console(file=buffer, width=width, force_terminal=options.color, no_color=not options.color)
    if report.title is not None:
        console.print(report.title, style="bold", markup=False, highlight=False)
    for table in report.tables:
        if table.rows:
            console.print(_rich(table, options))
        else:
            console.print(f"{table.title}: {NO_DATA_MARK}", markup=False, highlight=False)
    if any(None in row[1:] for table in report.tables for row in table.rows if table.columns[-1].kind != "text"):
        console.print(no_data_legend(options.lang), style="dim", markup=False, highlight=False)
    return buffer.getvalue()
