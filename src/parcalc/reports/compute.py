"""The compute report: each row's counts and metrics, and with ``--compare`` its earlier period and the change.

Changes are current minus earlier: in dossiers for counts, and for rates the difference of the two
fractions (0.0125 in JSON is 1.25 percentage points; human formats print "+1,25 điểm %"). A change is
null when either side has no data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from parcalc.analysis.calc import ComputeResult, RowResult
from parcalc.core.counts import FIELD_IDS
from parcalc.core.metrics import Registry
from parcalc.core.words import COMPARE, word
from parcalc.reports.model import (
    Cell,
    Column,
    Kind,
    Narrative,
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


@dataclass(frozen=True, kw_only=True)
class ComputeReport(Report):
    """Each row's counts and metrics, and with ``--compare`` the earlier period and the change."""

    result: ComputeResult
    lang: str

    def to_json(self) -> dict[str, Any]:
        return {
            **envelope("compute"),
            "title": self.result.title,
            "rows": [row_json(r, self.lang) for r in self.result.rows],
            "issues": [p.to_json(self.lang) for p in self.result.problems],
        }

    def narrative(self, options: Options) -> Narrative:
        # Imported here: only the prose formats need it, and it brings the targets code (start-up).
        from parcalc.reports.narrative import compute_narrative

        return compute_narrative(self.result, self.problems, options)

    def trends(self) -> ComputeResult:
        return self.result


def compute_report(result: ComputeResult, options: Options) -> ComputeReport:
    lang = options.lang
    count_ids = _used(result.rows, FIELD_IDS, "counts")
    metric_ids = _used(result.rows, result.metric_ids, "metrics")
    counts = _counts_table(result.rows, count_ids, lang)
    rates = _rates_table(result, metric_ids, lang)
    tables = [t for t in (counts, rates) if len(t.columns) > 3] or [counts]
    if any(r.compare is not None for r in result.rows):
        tables.append(compare_table(result.rows, result.registry, metric_ids, count_ids, lang))
    return ComputeReport(
        title=result.title,
        tables=tables,
        records=_records_table(result),
        problems=result.all_problems,
        result=result,
        lang=lang,
    )


def _counts_table(rows: Sequence[RowResult], count_ids: Sequence[str], lang: str) -> Table:
    return Table(
        "counts",
        label("counts", lang),
        key_columns(lang) + [Column(f, field_label(f, lang), "count") for f in count_ids],
        [key_cells(r, lang) + [r.counts.get(f) for f in count_ids] for r in rows],
    )


def _rates_table(result: ComputeResult, metric_ids: Sequence[str], lang: str) -> Table:
    return Table(
        "rates",
        label("rates", lang),
        key_columns(lang) + [metric_column(result.registry, m, lang) for m in metric_ids],
        [key_cells(r, lang) + [r.metrics.get(m) for m in metric_ids] for r in result.rows],
    )


def _records_table(result: ComputeResult) -> Table:
    """The flat CSV records: every field and metric, then, with a comparison, earlier values and changes."""
    registry, metric_ids = result.registry, result.metric_ids
    columns = [Column(k, k) for k in ("period", "start", "end", "months", "level", "unit", "unit_name")]
    columns += [Column(f, f, "count") for f in FIELD_IDS]
    columns += [Column(m, m, "rate" if registry[m].is_rate else "number") for m in metric_ids]
    rows = [_record(r, metric_ids) for r in result.rows]
    if any(r.compare is not None for r in result.rows):
        columns += record_columns(registry, metric_ids)
        rows = [record + record_cells(row, metric_ids) for record, row in zip(rows, result.rows, strict=True)]
    return Table("compute", result.title or "compute", columns, rows)


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


def compare_table(
    rows: Sequence[RowResult], registry: Registry, metric_ids: Sequence[str], count_ids: Sequence[str], lang: str
) -> Table:
    """For people: each row's earlier period, then each rate and count: earlier value and change."""
    head, earlier, change = (word(COMPARE, k, lang) for k in ("head", "earlier", "change"))
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
    return Table("compare", word(COMPARE, "title", lang), columns, cells)


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
