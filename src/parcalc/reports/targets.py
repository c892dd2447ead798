"""Target checks -> a Report: the parcalc/targets/1 payload, one table per target, flat records for CSV.

Values next to a verdict are formatted against their threshold (formatting.format_against), so that
what a person reads never contradicts the verdict; those cells reach the reporters already as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from parcalc.core.formatting import attainment_bar, format_against, format_count, format_points
from parcalc.core.metrics import Metric
from parcalc.core.operators import OPERATORS
from parcalc.reports.model import Cell, Column, Options, Report, Table, envelope, label
from parcalc.targets.check import Check, TargetResult, TargetsResult, attainment
from parcalc.targets.presets import Preset
from parcalc.targets.ranking import Ranking

LABELS: dict[str, tuple[str, str]] = {
    "period": ("Kỳ báo cáo", "Period"),
    "level": ("Cấp", "Level"),
    "unit": ("Đơn vị", "Unit"),
    "actual": ("Kết quả", "Actual"),
    "counts": ("Số liệu", "Counts"),
    "threshold": ("Chỉ tiêu", "Target"),
    "bar": ("Mức đạt", "Attainment"),
    "verdict": ("Đánh giá", "Verdict"),
    "shortfall": ("Còn thiếu", "Shortfall"),
    "score": ("Điểm", "Points"),
    "summary": ("Tổng hợp", "Summary"),
    "count": ("Số kết quả", "Results"),
    "source": ("Nguồn", "Source"),
    "each_month": ("mỗi tháng", "each month"),
    "all": ("toàn bộ", "all"),
}
STATUS = {
    "met": ("đạt", "met"),
    "missed": ("không đạt", "missed"),
    "no_data": ("không có số liệu", "no data"),
}


def value_json(value: Fraction | None, rate: bool) -> float | int | None:
    """A rate as a fraction, a count or points as a whole number when it is one; null for no data."""
    if value is None:
        return None
    if not rate and value.denominator == 1:
        return int(value)
    return float(value)


def _check_json(check: Check, metric: Metric) -> dict[str, Any]:
    return {
        "period": check.period.label if check.period else None,
        "actual": value_json(check.actual, metric.is_rate),
        "status": check.status,
        "shortfall": check.shortfall,
        "numerator": check.numerator,
        "denominator": check.denominator,
        "required": check.required,
    }


def result_json(result: TargetResult) -> dict[str, Any]:
    target, metric, check = result.placed.target, result.metric, result.check
    points = result.placed.values.points
    full_mark = result.placed.values.full_mark
    return {
        "target": target.name,
        "metric": metric.id,
        "op": target.op,
        "threshold": value_json(result.threshold, metric.is_rate),
        "per": target.per,
        "period": result.period.label if result.period else None,
        "start": result.period.start.isoformat() if result.period else None,
        "end": result.period.end.isoformat() if result.period else None,
        "level": result.level,
        "unit": result.unit,
        "unit_name": result.unit_name,
        "actual": value_json(check.actual, metric.is_rate),
        "status": check.status,
        "shortfall": check.shortfall,
        "numerator": check.numerator,
        "denominator": check.denominator,
        "required": check.required,
        "points": value_json(points, False),
        "full_mark": value_json(full_mark, metric.is_rate),
        "score": float(result.score) if result.score is not None else None,
        "source": target.source,
        "months": [_check_json(m, metric) for m in result.months] if result.months is not None else None,
    }


def _verdict(result: TargetResult, lang: str) -> str:
    text = label(result.status, lang, STATUS)
    if result.months and result.status != "met":
        missed = sum(1 for m in result.months if m.status == "missed")
        empty = sum(1 for m in result.months if m.status == "no_data")
        total = len(result.months)
        parts = []
        if missed:
            parts.append(f"{missed}/{total} tháng" if lang == "vi" else f"{missed} of {total} months")
        if empty:
            parts.append(f"{empty} tháng không có số liệu" if lang == "vi" else f"{empty} without data")
        text += f" ({', '.join(parts)})"
    return text


def _row(result: TargetResult, check: Check, period: str, options: Options, month: bool) -> list[Cell]:
    lang, metric = options.lang, result.metric
    shown, _ = format_against(check.actual, result.threshold, metric.is_rate, options.precision, lang)
    met = check.status == "met"
    ratio = None if check.actual is None else attainment(check.actual, result.threshold, result.placed.target.op)
    shortfall = format_count(check.shortfall, lang) if check.status == "missed" and check.shortfall else ""
    verdict = label(check.status, lang, STATUS) if month else _verdict(result, lang)
    cells: list[Cell] = [period, result.level or label("all", lang, LABELS), result.unit_name or result.unit or ""]
    cells += [_counts(check, result.metric.is_rate, lang), shown, attainment_bar(ratio, met), verdict, shortfall]
    if result.placed.values.points is not None:
        cells.append("" if month or result.score is None else format_points(result.score, options.precision, lang))
    return cells


def _counts(check: Check, rate: bool, lang: str) -> str:
    """The inputs of the value, so that the denominator used is on the page: 1.144 / 2.329."""
    if check.numerator is None or check.denominator is None:
        return ""
    top, bottom = format_count(check.numerator, lang), format_count(check.denominator, lang)
    if rate:
        return f"{top} / {bottom}"
    return f"{top} / {bottom} " + ("tháng" if lang == "vi" else "month" if check.denominator == 1 else "months")


def _title(result: TargetResult, lang: str) -> str:
    target, metric = result.placed.target, result.metric
    _, threshold = format_against(None, result.threshold, metric.is_rate, 2, lang)
    title = f"{target.name}: {metric.label(lang)} {OPERATORS[target.op].sign} {threshold}"
    if target.per == "month":
        title += f" ({label('each_month', lang, LABELS)})"
    if target.source:
        title += f". {label('source', lang, LABELS)}: {target.source}"
    return title


def _target_table(results: list[TargetResult], options: Options) -> Table:
    lang = options.lang
    first = results[0]
    keys = ["period", "level", "unit", "counts", "actual", "bar", "verdict", "shortfall"]
    kinds = {"counts": "number", "actual": "number", "shortfall": "number"}
    columns = [Column(k, label(k, lang, LABELS), "text") for k in keys]
    # Values are already text formatted against the threshold; "number" only aligns them right.
    columns = [Column(c.key, c.header, "number") if c.key in kinds else c for c in columns]
    if first.placed.values.points is not None:
        columns.append(Column("score", label("score", lang, LABELS), "number"))
    rows: list[list[Cell]] = []
    for result in results:
        period = result.period.label if result.period else "–"
        rows.append(_row(result, result.check, period, options, month=False))
        for month in result.months or []:
            if month.status != "met" and month.period is not None:
                rows.append(_row(result, month, f"  └ {month.period.label}", options, month=True))
    return Table(f"target-{first.name}", _title(first, lang), columns, rows)


def _summary(summary: dict[str, int], lang: str) -> Table:
    return Table(
        "summary",
        label("summary", lang, LABELS),
        [Column("verdict", label("verdict", lang, LABELS)), Column("count", label("count", lang, LABELS), "count")],
        [[label(status, lang, STATUS), count] for status, count in summary.items()],
    )


RECORD_KEYS = (
    "target",
    "metric",
    "op",
    "threshold",
    "per",
    "period",
    "month",
    "level",
    "unit",
    "unit_name",
    "actual",
    "status",
    "shortfall",
    "numerator",
    "denominator",
    "required",
    "points",
    "score",
    "source",
)


def _plain(value: Fraction | None, rate: bool) -> Cell:
    """A count metric's whole value as an integer in CSV (30, not 30.0)."""
    if value is not None and not rate and value.denominator == 1:
        return int(value)
    return value


def _record(result: TargetResult, check: Check, month: str | None) -> list[Cell]:
    target = result.placed.target
    rate = result.metric.is_rate
    threshold, actual = _plain(result.threshold, rate), _plain(check.actual, rate)
    score = result.score if month is None else None
    return [
        target.name,
        result.metric.id,
        target.op,
        threshold,
        target.per,
        result.period.label if result.period else None,
        month,
        result.level,
        result.unit,
        result.unit_name,
        actual,
        check.status,
        check.shortfall,
        check.numerator,
        check.denominator,
        check.required,
        _plain(result.placed.values.points, False),
        _plain(score, False),
        target.source,
    ]


def targets_report(result: TargetsResult, options: Options) -> Report:
    lang = options.lang
    payload = {
        **envelope("targets"),
        "title": result.title,
        "results": [result_json(r) for r in result.results],
        "summary": result.summary,
        "issues": [p.to_json(lang) for p in result.problems],
    }
    groups: dict[str, list[TargetResult]] = {}
    for each in result.results:
        groups.setdefault(each.name, []).append(each)
    tables = [_target_table(group, options) for group in groups.values()]
    tables.append(_summary(result.summary, lang))
    records = Table(
        "targets",
        result.title or "targets",
        [Column(k, k, "rate" if k in ("threshold", "actual") else "text") for k in RECORD_KEYS],
        [
            record
            for each in result.results
            for record in [
                _record(each, each.check, None),
                *(_record(each, m, m.period.label if m.period else None) for m in each.months or []),
            ]
        ],
    )
    return Report(payload, tables, records, list(result.problems), result)


RANK_LABELS: dict[str, tuple[str, str]] = {
    "rank": ("Hạng", "Rank"),
    "unit": ("Đơn vị", "Unit"),
    "points": ("Điểm", "Points"),
    "maximum": ("Điểm tối đa", "Out of"),
    "share": ("Tỷ lệ điểm", "Share"),
    "band": ("Xếp loại", "Band"),
    "no_data": ("Thiếu số liệu", "No data"),
    "ranking": ("Xếp hạng", "Ranking"),
}


def rank_report(ranking: Ranking, options: Options) -> Report:
    lang = options.lang
    metric = ranking.metric
    rate = metric is not None and metric.is_rate
    payload = {
        **envelope("rank"),
        "title": ranking.title,
        "by": ranking.by,
        "order": "ascending" if ranking.ascending else "descending",
        "bands": [
            {"name": b.name, "min": value_json(b.minimum, rate or b.share), "share": b.share} for b in ranking.bands
        ],
        "rows": [
            {
                "period": r.period.label if r.period else None,
                "level": r.level,
                "unit": r.unit,
                "unit_name": r.unit_name,
                "rank": r.rank,
                "value": value_json(r.value, rate),
                "max_points": value_json(r.maximum, False),
                "share": value_json(r.share, True),
                "band": r.band,
                "no_data": r.no_data if metric is None else None,
            }
            for r in ranking.rows
        ],
    }
    value_header = metric.label(lang) if metric is not None else label("points", lang, RANK_LABELS)
    columns = [
        Column("rank", label("rank", lang, RANK_LABELS), "count"),
        Column("unit", label("unit", lang, RANK_LABELS)),
        Column("value", value_header, "rate" if rate else "number"),
    ]
    if metric is None:
        columns += [
            Column("maximum", label("maximum", lang, RANK_LABELS), "number"),
            Column("share", label("share", lang, RANK_LABELS), "rate"),
        ]
    empty = metric is None and any(r.no_data for r in ranking.rows)
    if empty:
        columns.append(Column("no_data", label("no_data", lang, RANK_LABELS), "count"))
    if ranking.bands:
        columns.append(Column("band", label("band", lang, RANK_LABELS)))
    groups: dict[tuple[str, str], list[list[Cell]]] = {}
    for r in ranking.rows:
        value: Cell = r.value if rate or r.value is None else format_points(r.value, options.precision, lang)
        cells: list[Cell] = [r.rank, r.unit_name or r.unit or label("all", lang, LABELS), value]
        if metric is None:
            cells += [format_points(r.maximum, options.precision, lang) if r.maximum is not None else None, r.share]
        if empty:
            cells.append(r.no_data)
        if ranking.bands:
            cells.append(r.band)
        key = (r.period.label if r.period else "–", r.level or label("all", lang, LABELS))
        groups.setdefault(key, []).append(cells)
    title = label("ranking", lang, RANK_LABELS)
    tables = [
        Table(f"rank-{period}-{level}", f"{title}: {level}, {period} ({value_header})", columns, rows)
        for (period, level), rows in groups.items()
    ]
    record_keys = ("period", "level", "unit", "unit_name", "rank", "value", "max_points", "share", "band", "no_data")
    records = Table(
        "rank",
        ranking.title or "rank",
        [Column(k, k, "rate" if k == "share" or (k == "value" and rate) else "text") for k in record_keys],
        [
            [
                r.period.label if r.period else None,
                r.level,
                r.unit,
                r.unit_name,
                r.rank,
                r.value,
                r.maximum,
                r.share,
                r.band,
                r.no_data if metric is None else None,
            ]
            for r in ranking.rows
        ],
    )
    return Report(payload, tables or [Table("rank", title, columns, [])], records, list(ranking.problems), ranking)


PRESET_LABELS: dict[str, tuple[str, str]] = {
    "name": ("Tên", "Name"),
    "version": ("Phiên bản", "Version"),
    "title": ("Nội dung", "Title"),
    "targets": ("Chỉ tiêu", "Targets"),
    "sources": ("Nguồn", "Sources"),
    "presets": ("Bộ chỉ tiêu có sẵn", "Presets"),
}


def presets_report(presets: Sequence[Preset], options: Options) -> Report:
    lang = options.lang
    names = {p.name: p.target_names() for p in presets}
    payload = {
        **envelope("presets"),
        "presets": [
            {
                "name": p.name,
                "version": p.version,
                "title": {"vi": p.title, "en": p.title_en},
                "targets": names[p.name],
                "sources": list(p.sources),
            }
            for p in presets
        ],
    }
    keys = ("name", "version", "title", "targets", "sources")
    rows: list[list[Cell]] = [
        [p.name, p.version, p.title_in(lang), ", ".join(names[p.name]), "; ".join(p.sources)] for p in presets
    ]
    table = Table(
        "presets", label("presets", lang, PRESET_LABELS), [Column(k, label(k, lang, PRESET_LABELS)) for k in keys], rows
    )
    records = Table(
        "presets",
        "presets",
        [Column(k, k) for k in keys],
        [[p.name, p.version, p.title, ", ".join(names[p.name]), "; ".join(p.sources)] for p in presets],
    )
    return Report(payload, [table], records)
