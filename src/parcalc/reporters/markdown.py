"""Markdown: the tables people read, as pipe tables with formatted numbers."""

from __future__ import annotations

from parcalc.core.formatting import cell_text, no_data_legend
from parcalc.reports.model import Options, Report, Table


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _table(table: Table, options: Options) -> list[str]:
    lines = [f"### {_escape(table.title)}", ""]
    lines.append("| " + " | ".join(_escape(c.header) for c in table.columns) + " |")
    lines.append("|" + "|".join("---" if c.kind == "text" else "---:" for c in table.columns) + "|")
    for row in table.rows:
        cells = [
            _escape(cell_text(c.kind, v, options.precision, options.lang))
            for c, v in zip(table.columns, row, strict=True)
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def render(report: Report, options: Options) -> str:
    lines = [f"## {_escape(report.title)}", ""] if report.title is not None else []
    for table in report.tables:
        lines.extend(_table(table, options))
    if any(None in row for table in report.tables for row in table.rows):
        lines.extend([no_data_legend(options.lang), ""])
    return "\n".join(lines)
