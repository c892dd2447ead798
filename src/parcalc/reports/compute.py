"""The compute report: each row's counts and metrics, and with ``--compare`` its earlier period and the change.

Changes are current minus earlier: in dossiers for counts, and for rates the difference of the two
fractions (0.0125 in JSON is 1.25 percentage points; human formats print "+1,25 điểm %"). A change is
null when either side has no data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from parcalc.analysis.calc import ComputeResult, RowResult
from parcalc.core.counts import FIELD_IDS
from parcalc.core.metrics import Registry
from parcalc.reports.model import (
    Cell,
    Column,
    Kind,
    Options,
    Report,
    Table,
    envelope,
    field_label,
    key_cells,
    key_columns,
    label,
    metric_column,
    number,
)


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
    found = compare_json(row, list(row.metrics))
    return {} if found is None else {"compare": found}


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
        key_columns(lang) + [metric_column(registry, m, lang) for m in metric_ids],
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
        tables.append(compare_table(rows, registry, metric_ids, count_ids, lang))
        records.columns += record_columns(registry, result.metric_ids)
        for record, row in zip(records.rows, rows, strict=True):
            record += record_cells(row, result.metric_ids)
    return Report(payload, tables, records, result.all_problems, result)


def _record(row: RowResult, metric_ids: Sequence[str]) -> list[Cell]:
    period = row.period
    cells: list[Cell] = [period.label, period.start.isoformat(), period.end.isoformat(), period.months]
    cells += [row.level, row.unit, row.unit_name]
    cells += [row.counts.get(f) for f in FIELD_IDS]
    return cells + [row.metrics.get(m) for m in metric_ids]


def _earlier(row: RowResult) -> RowResult | None:
    return row.compare[1] if row.compare is not None else None


def count_change(row: RowResult, field_id: str) -> int | None:
    before = _earlier(row)
    now, then = row.counts.get(field_id), before.counts.get(field_id) if before else None
    return None if now is None or then is None else now - then


def metric_change(row: RowResult, metric_id: str) -> Fraction | None:
    before = _earlier(row)
    now, then = row.metrics.get(metric_id), before.metrics.get(metric_id) if before else None
    return None if now is None or then is None else now - then


def compare_json(row: RowResult, metric_ids: Sequence[str]) -> dict[str, Any] | None:
    if row.compare is None:
        return None
    period, before = row.compare
    return {
        "period": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "counts": {f: before.counts.get(f) if before else None for f in FIELD_IDS},
        "metrics": {m: number(before.metrics.get(m)) if before else None for m in metric_ids},
        "change": {
            "counts": {f: count_change(row, f) for f in FIELD_IDS},
            "metrics": {m: number(metric_change(row, m)) for m in metric_ids},
        },
    }


def _labels(lang: str) -> tuple[str, str, str]:
    if lang == "vi":
        return "Kỳ so sánh", "kỳ so sánh", "thay đổi"
    return "Compared with", "earlier", "change"


def compare_table(
    rows: Sequence[RowResult], registry: Registry, metric_ids: Sequence[str], count_ids: Sequence[str], lang: str
) -> Table:
    """For people: each row's earlier period, then each rate and count: earlier value and change."""
    head, earlier, change = _labels(lang)
    columns = [*key_columns(lang), Column("compare_period", head)]
    for m in metric_ids:
        metric = registry[m]
        kind: Kind = "rate" if metric.is_rate else "number"
        columns.append(Column(f"previous_{m}", f"{metric.label(lang)} ({earlier})", kind))
        columns.append(
            Column(f"change_{m}", f"{metric.label(lang)} ({change})", "points" if metric.is_rate else "change")
        )
    for f in count_ids:
        columns.append(Column(f"change_{f}", f"{field_label(f, lang)} ({change})", "change"))
    cells: list[list[Cell]] = []
    for row in rows:
        line: list[Cell] = key_cells(row, lang)
        line.append(row.compare[0].label if row.compare else None)
        before = _earlier(row)
        for m in metric_ids:
            line += [before.metrics.get(m) if before else None, metric_change(row, m)]
        line += [count_change(row, f) for f in count_ids]
        cells.append(line)
    title = f"{head}" if lang == "en" else "So sánh với kỳ trước"
    return Table("compare", title, columns, cells)


def record_columns(registry: Registry, metric_ids: Sequence[str]) -> list[Column]:
    """Flat CSV columns: the earlier period, then earlier value and change for every count and metric."""
    columns = [Column("compare_period", "compare_period")]
    for f in FIELD_IDS:
        columns += [Column(f"previous_{f}", f"previous_{f}", "count"), Column(f"change_{f}", f"change_{f}", "change")]
    for m in metric_ids:
        kind: Kind = "rate" if registry[m].is_rate else "number"
        columns += [
            Column(f"previous_{m}", f"previous_{m}", kind),
            Column(f"change_{m}", f"change_{m}", "points" if kind == "rate" else "change"),
        ]
    return columns


def record_cells(row: RowResult, metric_ids: Sequence[str]) -> list[Cell]:
    before = _earlier(row)
    cells: list[Cell] = [row.compare[0].label if row.compare else None]
    for f in FIELD_IDS:
        cells += [before.counts.get(f) if before else None, count_change(row, f)]
    for m in metric_ids:
        cells += [before.metrics.get(m) if before else None, metric_change(row, m)]
    return cells
