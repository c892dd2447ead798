"""The calculator: counts completed and checked, stated percentages verified, every metric evaluated.

It owns the result types every later layer reads (RowResult, one row of the report; ComputeResult, the
report) and the checks that need more than one row (carry-over gaps). Rows are built once with their
final values: the report's rows are new ones, never the analysed rows changed in place, so the same
analysed rows can serve a roll-up, a target check and a ranking.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from parcalc.core.counts import FIELDS, Counts, Finding, RollUp
from parcalc.core.formatting import format_printed, parse_printed
from parcalc.core.issues import LangText, Problem, error, unique, warning
from parcalc.core.metrics import Metric, Registry
from parcalc.core.periods import Period
from parcalc.data.dataset import Dataset, Origin, Row


@dataclass
class RowResult:
    """Counts (given and derived) and metrics for one period, level and unit."""

    period: Period
    level: str | None
    unit: str | None
    unit_name: str | None
    counts: Counts
    derived: frozenset[str]
    metrics: dict[str, Fraction | None]
    problems: list[Problem] = field(default_factory=list)
    # --compare: the earlier period and its figures (None when it has none); see parcalc.analysis.grouping
    compare: tuple[Period, RowResult | None] | None = None


@dataclass
class ComputeResult:
    title: str | None
    registry: Registry
    metric_ids: list[str]
    rows: list[RowResult]
    problems: list[Problem]

    @property
    def all_problems(self) -> list[Problem]:
        return [*self.problems, *(p for r in self.rows for p in r.problems)]

    def run_problems(self, analysed: Sequence[RowResult]) -> list[Problem]:
        """Every problem of the run once: each analysed row's, in the file's order (with what the report
        added to it, such as a carry-over gap), then the report's own."""
        reported = {(r.period, r.level, r.unit): r for r in self.rows}
        found = (p for r in analysed for p in reported.get((r.period, r.level, r.unit), r).problems)
        return unique([*found, *self.all_problems])


def _finding_problem(finding: Finding) -> Problem:
    make = error if finding.severity == "error" else warning
    problem = make(
        finding.code,
        identity=finding.identity,
        total=finding.total,
        parts_sum=finding.parts_sum,
        gap=finding.gap,
        abs_gap=abs(finding.gap),
        gap_word="unaccounted for" if finding.gap > 0 else "more than received",
    )
    return problem.located(key=finding.key, gap=finding.gap)


def _stated_problem(
    metric: Metric, raw: str | float | int, counts: Counts, months: int | None, registry: Registry
) -> Problem | None:
    try:
        printed = parse_printed(raw, rate=metric.is_rate, comparisons=True)
    except ValueError as exc:
        return error("invalid-value", key=f"stated.{metric.id}", detail=str(exc))
    value = metric.evaluate(counts, months)
    if value is None:
        inputs = metric.inputs(counts, months)
        reason = (
            LangText(vi="mẫu số bằng 0", en="its denominator is 0")
            if inputs
            else LangText(vi="thiếu số liệu để tính", en="the counts it needs are not given")
        )
        if metric.kind == "per_month" and months is None and counts.total(metric.numerator) is not None:
            reason = LangText(vi="kỳ báo cáo không gồm trọn số tháng", en="the period is not a whole number of months")
        return warning("stated-no-data", metric=metric.id, stated=printed.text, reason=reason)
    if printed.matches(value):
        return None
    # A bound ("trên 98%") fits many metrics; only a figure names the one that reproduces it.
    others = [
        m.id
        for m in (registry.values() if printed.exact else ())
        if m.id != metric.id
        and m.kind == metric.kind
        and (v := m.evaluate(counts, months)) is not None
        and printed.matches(v)
    ]
    hint = LangText(vi="", en="")
    if others:
        names = ", ".join(others)
        hint = LangText(vi=f"; {printed.text} là {names}", en=f"; {printed.text} is {names}")
    computed = LangText(vi=format_printed(printed, value, "vi"), en=format_printed(printed, value, "en"))
    return warning("stated-mismatch", metric=metric.id, stated=printed.text, computed=computed, hint=hint)


def analyse(row: Row, registry: Registry, unit_name: str | None = None, metrics: bool = True) -> RowResult:
    """Complete and check one row's counts and evaluate every metric on them (unless ``metrics`` is
    False: a roll-up evaluates them only on the rows it reports, see parcalc.analysis.rollup)."""
    counts, derived = row.counts.derive()
    months = row.period.months
    problems = [_finding_problem(f) for f in counts.check(derived)]
    for metric_id, raw in row.stated.items():
        found = _stated_problem(registry[metric_id], raw, counts, months, registry)
        if found is not None:
            problems.append(found.located(metric=metric_id, key=f"stated.{metric_id}"))
    origin = row.origins[0]
    located = [p.located(**origin.at(p.key, **row.scope)) for p in problems]
    values = registry.evaluate(counts, months, registry) if metrics else {}
    return RowResult(row.period, row.level, row.unit, unit_name, counts, derived, values, located)


@dataclass(frozen=True)
class Query:
    """Which rows and metrics to report. Empty filters keep everything."""

    periods: tuple[Period, ...] = ()
    levels: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()

    def keeps(self, row: RowResult) -> bool:
        return (
            (not self.periods or row.period in self.periods)
            and (not self.levels or row.level in self.levels)
            and (not self.units or row.unit in self.units)
        )


def sort_key(dataset: Dataset, row: RowResult) -> tuple[object, ...]:
    return (row.period.start, row.period.end, dataset.level_rank(row.level), row.unit or "")


def analyse_all(dataset: Dataset, metrics: bool = True) -> list[RowResult]:
    return [analyse(row, dataset.registry, dataset.unit_name(row.unit), metrics) for row in dataset.rows]


def compute(
    dataset: Dataset,
    query: Query = Query(),
    rows: Sequence[RowResult] | None = None,
    *,
    gaps: bool = True,
    problems: Sequence[Problem] = (),
) -> ComputeResult:
    """The compute report: every row kept by the query, in period / level / unit order, each with the
    metrics asked for; ``problems`` are those of the whole run (a roll-up's), beside the rows' own.

    With ``gaps``, a row whose carried over breaks from the pending before it carries the warning; a
    roll-up, whose rows are sums, checks the given rows itself and passes False. The rows given are not
    changed: the report's rows are new ones with their final metrics and problems.
    """
    results = list(rows) if rows is not None else analyse_all(dataset)
    kept = sorted((r for r in results if query.keeps(r)), key=lambda r: sort_key(dataset, r))
    breaks: dict[tuple[str | None, str | None, str | None], list[Problem]] = {}
    if gaps:
        for gap in period_gaps(dataset, results):
            breaks.setdefault((gap.period, gap.level, gap.unit), []).append(gap)
    metric_ids = list(query.metrics) or list(dataset.registry)
    reported = [
        replace(
            row,
            metrics={m: row.metrics.get(m) for m in metric_ids},
            problems=[*row.problems, *breaks.get((row.period.label, row.level, row.unit), ())],
        )
        for row in kept
    ]
    return ComputeResult(dataset.settings.title, dataset.registry, metric_ids, reported, list(problems))


def carry_over_gap(
    period: Period, previous: Period, carried: int, pending: int, level: str | None, unit: str | None, **where: Any
) -> Problem:
    """The warning for carried over at the start of ``period`` that is not the pending at the end of
    ``previous``; both roll-up paths word it here. ``where`` locates it (file, line, table, key)."""
    problem = warning(
        "carry-over-gap",
        period=period.label,
        previous=previous.label,
        carried_over=carried,
        pending=pending,
        gap=carried - pending,
    )
    return problem.located(gap=carried - pending, period=period.label, level=level, unit=unit, **where)


def carry_over_gaps(dataset: Dataset, rows: Sequence[RowResult]) -> list[Problem]:
    """Warnings where a row's carried over differs from the pending at the end of the period before it.

    Of several rows ending the day before (a month and a quarter), the shortest one is compared, so a
    break is reported once.
    """
    origins: dict[tuple[Period, str | None, str | None], Origin] = {
        (r.period, r.level, r.unit): r.origins[0] for r in dataset.rows
    }
    ends: dict[tuple[str | None, str | None, date], RowResult] = {}
    for row in rows:
        if "pending" in row.counts:
            key = (row.level, row.unit, row.period.end)
            known = ends.get(key)
            if known is None or row.period.start > known.period.start:
                ends[key] = row
    problems: list[Problem] = []
    for row in rows:
        carried = row.counts.get("carried_over")
        before = ends.get((row.level, row.unit, row.period.start - timedelta(days=1)))
        if carried is None or before is None or before.counts["pending"] == carried:
            continue
        origin = origins.get((row.period, row.level, row.unit))
        where = origin.at("carried_over") if origin is not None else {"key": "carried_over"}
        pending = before.counts["pending"]
        problems.append(carry_over_gap(row.period, before.period, carried, pending, row.level, row.unit, **where))
    return problems


def period_gaps(dataset: Dataset, rows: Sequence[RowResult]) -> list[Problem]:
    """Every check between the periods of one level and unit: carry-over breaks, then longer rows
    against the sub-periods inside them."""
    return [*carry_over_gaps(dataset, rows), *subperiod_gaps(dataset, rows)]


_INSIDE = {
    "all": LangText(vi="bên trong cộng lại là", en="inside it add up to"),
    "some": LangText(vi="bên trong cộng lại đã là", en="inside it already add up to"),
    "opening": LangText(vi="(kỳ đầu tiên bên trong) có đầu kỳ", en="(its first sub-period) opened with"),
    "closing": LangText(vi="(kỳ cuối cùng bên trong) có cuối kỳ", en="(its last sub-period) closed with"),
}


def _inside(group: Sequence[RowResult], at: int) -> list[RowResult]:
    """The sub-periods of ``group[at]`` (group sorted by start, longest first): the rows inside its
    period that no other row inside it contains, in time order, without overlaps."""
    span = group[at].period
    chosen: list[RowResult] = []
    for row in itertools.islice(group, at + 1, None):
        if row.period.start > span.end:
            break  # sorted by start: nothing later is inside
        if row.period.end > span.end or row.period == span:
            continue
        if not chosen or row.period.start > chosen[-1].period.end:
            chosen.append(row)
    return chosen


def subperiod_gaps(dataset: Dataset, rows: Sequence[RowResult]) -> list[Problem]:
    """Warnings where a longer row (a quarter, "4 tháng", a year) disagrees with the rows inside it for
    the same level and unit: each flow must be at least the sum of the sub-periods present, and equal to
    it when they cover the whole period; the opening stock is the first sub-period's, the closing stock
    the last one's. The gap is the sub-periods' figure minus the longer row's (a month raised by k
    gives +k). Each longer row is compared with its largest sub-periods only (a year with its quarters,
    a quarter with its months), so one slip is reported once.
    """
    origins: dict[tuple[Period, str | None, str | None], Origin] = {
        (r.period, r.level, r.unit): r.origins[0] for r in dataset.rows
    }
    scopes: dict[tuple[str | None, str | None], list[RowResult]] = {}
    for row in rows:
        scopes.setdefault((row.level, row.unit), []).append(row)
    problems: list[Problem] = []
    for group in scopes.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda r: (r.period.start, -r.period.end.toordinal()))
        for at, longer in enumerate(group):
            parts = _inside(group, at)
            if not parts:
                continue
            span = longer.period
            whole = (
                parts[0].period.start == span.start
                and parts[-1].period.end == span.end
                and all(b.period.start - a.period.end == timedelta(days=1) for a, b in itertools.pairwise(parts))
            )
            for f in FIELDS:
                total = longer.counts.get(f.id)
                if total is None or f.id in longer.derived:
                    continue  # a filled-in field repeats a slip of the fields it was filled from
                found = _compare(f.rollup, f.id, total, parts, span, whole)
                if found is None:
                    continue
                how, used, parts_sum = found
                gap = parts_sum - total
                problem = warning(
                    "subperiod-gap",
                    key=f.id,
                    period=span.label,
                    total=total,
                    parts=", ".join(r.period.label for r in used),
                    inside=_INSIDE[how],
                    parts_sum=parts_sum,
                    gap=gap,
                )
                origin = origins.get((span, longer.level, longer.unit))
                where = origin.at(f.id) if origin is not None else {"key": f.id}
                problems.append(
                    problem.located(gap=gap, period=span.label, level=longer.level, unit=longer.unit, **where)
                )
    return problems


def _compare(
    rollup: RollUp, field: str, total: int, parts: list[RowResult], span: Period, whole: bool
) -> tuple[str, list[RowResult], int] | None:
    """(how, the sub-periods used, their figure) where the longer row's ``total`` breaks the rule."""
    if rollup is RollUp.FLOW:
        having = [r for r in parts if field in r.counts]
        if not having:
            return None
        parts_sum = sum(r.counts[field] for r in having)
        if whole and len(having) == len(parts):
            return ("all", having, parts_sum) if parts_sum != total else None
        return ("some", having, parts_sum) if parts_sum > total else None
    if rollup is RollUp.OPENING:
        first = parts[0]
        if first.period.start == span.start and first.counts.get(field, total) != total:
            return "opening", [first], first.counts[field]
    if rollup is RollUp.CLOSING:
        last = parts[-1]
        if last.period.end == span.end and last.counts.get(field, total) != total:
            return "closing", [last], last.counts[field]
    return None
