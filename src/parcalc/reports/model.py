"""The report model every command produces and every reporter renders.

A Report holds the versioned JSON payload and the tables people read; table, markdown, csv and the others
render its tables, formatting each cell by its column kind through parcalc.core.formatting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from parcalc import __version__
from parcalc.analysis.calc import RowResult
from parcalc.core.counts import FIELD_BY_ID
from parcalc.core.issues import Problem
from parcalc.core.metrics import Registry

Kind = Literal["text", "count", "rate", "number", "change", "points"]
Cell = str | int | Fraction | None


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = "text"


@dataclass
class Table:
    name: str  # a short id: sheet names, file parts
    title: str
    columns: list[Column]
    rows: list[list[Cell]]


@dataclass
class Options:
    lang: str = "vi"
    precision: int = 2
    color: bool = False


@dataclass
class Report:
    """What a command produced: ``payload`` for JSON, ``tables`` for people, ``records`` for CSV."""

    payload: dict[str, Any]
    tables: list[Table]
    records: Table
    problems: list[Problem] = field(default_factory=list)
    result: object = None


LABELS = {
    "period": ("Kỳ báo cáo", "Period"),
    "start": ("Từ ngày", "Start"),
    "end": ("Đến ngày", "End"),
    "months": ("Số tháng", "Months"),
    "level": ("Cấp", "Level"),
    "unit": ("Mã đơn vị", "Unit id"),
    "unit_name": ("Đơn vị", "Unit"),
    "counts": ("Số hồ sơ", "Dossier counts"),
    "rates": ("Tỷ lệ", "Rates"),
    "problems": ("Các vấn đề", "Problems"),
    "total": ("Tổng cộng", "Total"),
    "severity": ("Mức độ", "Severity"),
    "code": ("Mã lỗi", "Code"),
    "where": ("Vị trí", "Where"),
    "message": ("Nội dung", "Message"),
    "id": ("Mã", "Id"),
    "label": ("Tên chỉ tiêu", "Label"),
    "formula": ("Công thức", "Formula"),
    "kind": ("Loại", "Kind"),
    "metrics": ("Danh mục chỉ tiêu", "Metric catalogue"),
}


def label(key: str, lang: str, table: dict[str, tuple[str, str]] = LABELS) -> str:
    """A label of ``table`` (vi, en) in the language chosen."""
    vi, en = table[key]
    return vi if lang == "vi" else en


def number(value: Fraction | None) -> float | None:
    """A rate or number for JSON: a plain float, null for no data."""
    return None if value is None else float(value)


def envelope(kind: str) -> dict[str, Any]:
    return {"schema": f"parcalc/{kind}/1", "version": __version__}


def key_columns(lang: str) -> list[Column]:
    return [Column(k, label(k, lang)) for k in ("period", "level", "unit_name")]


def key_cells(row: RowResult, lang: str) -> list[Cell]:
    if row.level is None and row.unit is None:  # a total over levels and units
        return [row.period.label, label("total", lang), None]
    return [row.period.label, row.level, row.unit_name or row.unit]


def field_label(field_id: str, lang: str) -> str:
    f = FIELD_BY_ID[field_id]
    return f.vi if lang == "vi" else f.en


def problems_table(problems: Sequence[Problem], lang: str) -> Table:
    rows: list[list[Cell]] = [[p.severity, p.code, p.where(), p.message(lang)] for p in problems]
    return Table(
        "problems",
        label("problems", lang),
        [Column(k, label(k, lang)) for k in ("severity", "code", "where", "message")],
        rows,
    )


def metric_column(registry: Registry, metric_id: str, lang: str) -> Column:
    metric = registry[metric_id]
    return Column(metric_id, metric.label(lang), "rate" if metric.is_rate else "number")
