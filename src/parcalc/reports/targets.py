"""Target checks -> a Report: the parcalc/targets/1 payload, one table per target, flat records for CSV.

Values next to a verdict are formatted against their threshold (formatting.format_against), so that
what a person reads never contradicts the verdict; those cells reach the reporters already as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from parcalc.core.formatting import attainment_bar, format_against, format_count, format_points
from parcalc.core.metrics import Metric
from parcalc.core.operators import OPERATORS
from parcalc.core.words import MONTH_NOUN, MONTHS_VERDICT, PRESET_HEADERS, RANK_HEADERS, TARGET_HEADERS, pick, word
from parcalc.core.words import STATUS as STATUS_WORDS
from parcalc.reports.model import Cell, Column, Narrative, Options, Report, Table, envelope, label
from parcalc.reports.narrative import targets_narrative
from parcalc.targets.check import Check, TargetResult, TargetsResult, attainment
from parcalc.targets.presets import Preset
from parcalc.targets.ranking import Ranked, Ranking

LABELS, STATUS = TARGET_HEADERS, STATUS_WORDS


def value_json(value: Fraction | None, rate: bool) -> float | int | None:
    """A rate as a fraction, a count or points as a whole number when it is one; null for no data."""
    if value is None:
        return None
    if not rate and value.denominator == 1:
        return int(value)
    return float(value)


def _check_values(check: Check, metric: Metric) -> dict[str, Any]:
    """A check's value, verdict and counts: of a whole result, and of each of its months."""
    return {
        "actual": value_json(check.actual, metric.is_rate),
        "status": check.status,
        "shortfall": check.shortfall,
        "numerator": check.numerator,
        "denominator": check.denominator,
        "required": check.required,
    }


def _check_json(check: Check, metric: Metric) -> dict[str, Any]:
    return {"period": check.period.label if check.period else None, **_check_values(check, metric)}


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
        **_check_values(check, metric),
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
            parts.append(word(MONTHS_VERDICT, "missed", lang).format(missed=missed, total=total))
        if empty:
            parts.append(word(MONTHS_VERDICT, "empty", lang).format(empty=empty))
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
    vi, one, many = MONTH_NOUN
    return f"{top} / {bottom} " + pick((vi, one if check.denominator == 1 else many), lang)


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


@dataclass(frozen=True, kw_only=True)
class TargetsReport(Report):
    """Each target's verdict per scope and period, with the shortfall, and the summary of verdicts."""

    result: TargetsResult
    lang: str

    def to_json(self) -> dict[str, Any]:
        return {
            **envelope("targets"),
            "title": self.result.title,
            "results": [result_json(r) for r in self.result.results],
            "summary": self.result.summary,
            "issues": [p.to_json(self.lang) for p in self.result.problems],
        }

    def narrative(self, options: Options) -> Narrative:
        return targets_narrative(self.result, options)

    def target_results(self) -> TargetsResult:
        return self.result


def targets_report(result: TargetsResult, options: Options) -> TargetsReport:
    groups: dict[str, list[TargetResult]] = {}
    for each in result.results:
        groups.setdefault(each.name, []).append(each)
    tables = [_target_table(group, options) for group in groups.values()]
    tables.append(_summary(result.summary, options.lang))
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
    return TargetsReport(
        title=result.title,
        tables=tables,
        records=records,
        problems=list(result.problems),
        result=result,
        lang=options.lang,
    )


RANK_LABELS = RANK_HEADERS


RANK_RECORD_KEYS = ("period", "level", "unit", "unit_name", "rank", "value", "max_points", "share", "band", "no_data")


@dataclass(frozen=True, kw_only=True)
class RankReport(Report):
    """Units in order of their points or of one metric, grouped by period and level, with bands."""

    ranking: Ranking

    def to_json(self) -> dict[str, Any]:
        ranking = self.ranking
        rate = _is_rate(ranking)
        return {
            **envelope("rank"),
            "title": ranking.title,
            "by": ranking.by,
            "order": "ascending" if ranking.ascending else "descending",
            "bands": [
                {"name": b.name, "min": value_json(b.minimum, rate or b.share), "share": b.share} for b in ranking.bands
            ],
            "rows": [_rank_json(r, rate, ranking.metric is None) for r in ranking.rows],
        }


def _is_rate(ranking: Ranking) -> bool:
    return ranking.metric is not None and ranking.metric.is_rate


def _rank_json(row: Ranked, rate: bool, by_points: bool) -> dict[str, Any]:
    return {
        "period": row.period.label if row.period else None,
        "level": row.level,
        "unit": row.unit,
        "unit_name": row.unit_name,
        "rank": row.rank,
        "value": value_json(row.value, rate),
        "max_points": value_json(row.maximum, False),
        "share": value_json(row.share, True),
        "band": row.band,
        "no_data": row.no_data if by_points else None,
    }


def _rank_columns(ranking: Ranking, lang: str) -> list[Column]:
    """Rank, unit and value; by points also the maximum, the share and the targets without data."""
    metric = ranking.metric
    columns = [
        Column("rank", label("rank", lang, RANK_LABELS), "count"),
        Column("unit", label("unit", lang, RANK_LABELS)),
        Column("value", _value_header(ranking, lang), "rate" if _is_rate(ranking) else "number"),
    ]
    if metric is None:
        columns += [
            Column("maximum", label("maximum", lang, RANK_LABELS), "number"),
            Column("share", label("share", lang, RANK_LABELS), "rate"),
        ]
    if _shows_no_data(ranking):
        columns.append(Column("no_data", label("no_data", lang, RANK_LABELS), "count"))
    if ranking.bands:
        columns.append(Column("band", label("band", lang, RANK_LABELS)))
    return columns


def _value_header(ranking: Ranking, lang: str) -> str:
    return ranking.metric.label(lang) if ranking.metric is not None else label("points", lang, RANK_LABELS)


def _shows_no_data(ranking: Ranking) -> bool:
    return ranking.metric is None and any(r.no_data for r in ranking.rows)


def _rank_cells(ranking: Ranking, row: Ranked, options: Options) -> list[Cell]:
    lang, precision = options.lang, options.precision
    by_points = ranking.metric is None
    value: Cell = row.value
    if not _is_rate(ranking) and row.value is not None:
        value = format_points(row.value, precision, lang)
    cells: list[Cell] = [row.rank, row.unit_name or row.unit or label("all", lang, LABELS), value]
    if by_points:
        cells += [format_points(row.maximum, precision, lang) if row.maximum is not None else None, row.share]
    if _shows_no_data(ranking):
        cells.append(row.no_data)
    if ranking.bands:
        cells.append(row.band)
    return cells


def _rank_tables(ranking: Ranking, options: Options) -> list[Table]:
    """One table per period and level, in the order the ranking gives them."""
    lang = options.lang
    columns = _rank_columns(ranking, lang)
    groups: dict[tuple[str, str], list[list[Cell]]] = {}
    for row in ranking.rows:
        key = (row.period.label if row.period else "–", row.level or label("all", lang, LABELS))
        groups.setdefault(key, []).append(_rank_cells(ranking, row, options))
    title = label("ranking", lang, RANK_LABELS)
    value_header = _value_header(ranking, lang)
    tables = [
        Table(f"rank-{period}-{level}", f"{title}: {level}, {period} ({value_header})", columns, rows)
        for (period, level), rows in groups.items()
    ]
    return tables or [Table("rank", title, columns, [])]


def _rank_records(ranking: Ranking) -> Table:
    rate, by_points = _is_rate(ranking), ranking.metric is None
    columns = [Column(k, k, "rate" if k == "share" or (k == "value" and rate) else "text") for k in RANK_RECORD_KEYS]
    rows: list[list[Cell]] = [
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
            r.no_data if by_points else None,
        ]
        for r in ranking.rows
    ]
    return Table("rank", ranking.title or "rank", columns, rows)


def rank_report(ranking: Ranking, options: Options) -> RankReport:
    return RankReport(
        title=ranking.title,
        tables=_rank_tables(ranking, options),
        records=_rank_records(ranking),
        problems=list(ranking.problems),
        ranking=ranking,
    )


PRESET_LABELS = PRESET_HEADERS


@dataclass(frozen=True, kw_only=True)
class PresetsReport(Report):
    """The shipped sets of targets: name, version, title, targets and sources."""

    presets: tuple[Preset, ...]
    target_names: dict[str, list[str]]  # preset name -> its targets' names, read once

    def to_json(self) -> dict[str, Any]:
        return {
            **envelope("presets"),
            "presets": [
                {
                    "name": p.name,
                    "version": p.version,
                    "title": {"vi": p.title, "en": p.title_en},
                    "targets": self.target_names[p.name],
                    "sources": list(p.sources),
                }
                for p in self.presets
            ],
        }


def presets_report(presets: Sequence[Preset], options: Options) -> PresetsReport:
    lang = options.lang
    names = {p.name: p.target_names() for p in presets}
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
    return PresetsReport(title=None, tables=[table], records=records, presets=tuple(presets), target_names=names)
