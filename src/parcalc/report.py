"""Results -> a Report: the versioned JSON payload and the tables people read.

Every reporter renders a Report: JSON dumps the payload; table, markdown, csv and the others render its
tables, formatting each cell by its column kind through parcalc.formatting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from parcalc import __version__
from parcalc.calc import ComputeResult, RowResult
from parcalc.counts import FIELD_BY_ID, FIELD_IDS
from parcalc.issues import Problem
from parcalc.metrics import Registry

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


def row_json(row: RowResult, lang: str) -> dict[str, Any]:
    return {
        "period": row.period.label,
        "start": row.period.start.isoformat(),
        "end": row.period.end.isoformat(),
        "months": row.period.months,
        "level": row.level,
        "unit": row.unit,
        "unit_name": row.unit_name,
        "counts": {f: row.counts.get(f) for f in FIELD_IDS},
        "derived": sorted(row.derived, key=FIELD_IDS.index),
        "metrics": {m: number(v) for m, v in row.metrics.items()},
        "issues": [p.to_json(lang) for p in row.problems],
        **_compare_json(row),
    }


def _compare_json(row: RowResult) -> dict[str, Any]:
    from parcalc.comparison import compare_json

    found = compare_json(row, list(row.metrics))
    return {} if found is None else {"compare": found}


def key_columns(lang: str) -> list[Column]:
    return [Column(k, label(k, lang)) for k in ("period", "level", "unit_name")]


def key_cells(row: RowResult, lang: str) -> list[Cell]:
    if row.level is None and row.unit is None:  # a total over levels and units
        return [row.period.label, label("total", lang), None]
    return [row.period.label, row.level, row.unit_name or row.unit]


def _used(rows: Sequence[RowResult], ids: Iterable[str], values: str) -> list[str]:
    """The ids that have a value in at least one row: empty columns only make a table wider."""
    return [i for i in ids if any(getattr(r, values).get(i) is not None for r in rows)]


def compute_report(result: ComputeResult, options: Options) -> Report:
    lang = options.lang
    rows = result.rows
    registry = result.registry
    payload = {
        **envelope("compute"),
        "title": result.title,
        "rows": [row_json(r, lang) for r in rows],
        "issues": [p.to_json(lang) for p in result.problems],
    }
    count_ids = _used(rows, FIELD_IDS, "counts")
    metric_ids = _used(rows, result.metric_ids, "metrics")
    counts = Table(
        "counts",
        label("counts", lang),
        key_columns(lang) + [Column(f, field_label(f, lang), "count") for f in count_ids],
        [key_cells(r, lang) + [r.counts.get(f) for f in count_ids] for r in rows],
    )
    rates = Table(
        "rates",
        label("rates", lang),
        key_columns(lang) + [_metric_column(registry, m, lang) for m in metric_ids],
        [key_cells(r, lang) + [r.metrics.get(m) for m in metric_ids] for r in rows],
    )
    records = Table(
        "compute",
        result.title or "compute",
        [Column(k, k) for k in ("period", "start", "end", "months", "level", "unit", "unit_name")]
        + [Column(f, f, "count") for f in FIELD_IDS]
        + [Column(m, m, "rate" if registry[m].is_rate else "number") for m in result.metric_ids],
        [_record(r, result.metric_ids) for r in rows],
    )
    tables = [t for t in (counts, rates) if len(t.columns) > 3] or [counts]
    if any(r.compare is not None for r in rows):
        from parcalc import comparison

        tables.append(comparison.compare_table(rows, registry, metric_ids, count_ids, lang))
        records.columns += comparison.record_columns(registry, result.metric_ids)
        for record, row in zip(records.rows, rows, strict=True):
            record += comparison.record_cells(row, result.metric_ids)
    return Report(payload, tables, records, result.all_problems, result)


def _record(row: RowResult, metric_ids: Sequence[str]) -> list[Cell]:
    period = row.period
    cells: list[Cell] = [period.label, period.start.isoformat(), period.end.isoformat(), period.months]
    cells += [row.level, row.unit, row.unit_name]
    cells += [row.counts.get(f) for f in FIELD_IDS]
    return cells + [row.metrics.get(m) for m in metric_ids]


def field_label(field_id: str, lang: str) -> str:
    f = FIELD_BY_ID[field_id]
    return f.vi if lang == "vi" else f.en


def _metric_column(registry: Registry, metric_id: str, lang: str) -> Column:
    metric = registry[metric_id]
    return Column(metric_id, metric.label(lang), "rate" if metric.is_rate else "number")


def problems_table(problems: Sequence[Problem], lang: str) -> Table:
    rows: list[list[Cell]] = [[p.severity, p.code, p.where(), p.message(lang)] for p in problems]
    return Table(
        "problems",
        label("problems", lang),
        [Column(k, label(k, lang)) for k in ("severity", "code", "where", "message")],
        rows,
    )


def validate_report(problems: Sequence[Problem], options: Options) -> Report:
    payload = {
        **envelope("validate"),
        "valid": not any(p.severity == "error" for p in problems),
        "issues": [p.to_json(options.lang) for p in problems],
    }
    table = problems_table(problems, options.lang)
    records = Table(
        "issues",
        "issues",
        [Column(k, k) for k in Problem.__dataclass_fields__ if k != "params"] + [Column("message", "message")],
        [
            [
                p.code,
                p.severity,
                p.file,
                p.line,
                p.table,
                p.key,
                p.period,
                p.level,
                p.unit,
                p.metric,
                p.gap,
                p.message(options.lang),
            ]
            for p in problems
        ],
    )
    return Report(payload, [table], records, list(problems))


def metrics_report(registry: Registry, options: Options) -> Report:
    metrics = list(registry.values())
    payload = {
        **envelope("metrics"),
        "metrics": [
            {
                "id": m.id,
                "label": {"vi": m.vi, "en": m.en},
                "kind": m.kind,
                "formula": m.formula(),
                "numerator": list(m.numerator),
                "denominator": list(m.denominator),
                "builtin": m.builtin,
            }
            for m in metrics
        ],
    }
    lang = options.lang
    table = Table(
        "metrics",
        label("metrics", lang),
        [Column(k, label(k, lang)) for k in ("id", "label", "formula", "kind")],
        [[m.id, m.label(lang), m.formula(), m.kind] for m in metrics],
    )
    records = Table(
        "metrics",
        "metrics",
        [Column(k, k) for k in ("id", "label_vi", "label_en", "formula", "kind")],
        [[m.id, m.vi, m.en, m.formula(), m.kind] for m in metrics],
    )
    return Report(payload, [table], records)
