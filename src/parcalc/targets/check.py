"""Targets checked against the figures: met, missed or no data, with the shortfall as a whole count.

Each target is checked for every row of its scope (each unit of its level when the level has units,
otherwise the level row, or everything together when it names no scope), on figures rolled up by
parcalc.analysis.rollup. A target without a period is checked for each distinct period that has figures in its
scope; a ``per = "month"`` target without a period runs from the first to the last month with figures.

The shortfall holds the denominator fixed and moves the numerator: the online dossiers that were
missing for the share (the smallest k with (online + k) / new >= 35%), the late dossiers over the
allowance (the smallest k with (late - k) / resolved <= 1%), the certifications missing over the
period's months (30 a month over 6 months: 180 due). Comparisons are exact fractions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from parcalc.analysis.calc import RowResult
from parcalc.analysis.rollup import Engine
from parcalc.core.counts import Counts
from parcalc.core.issues import Problem, unique
from parcalc.core.metrics import Metric, Registry
from parcalc.core.operators import OPERATORS
from parcalc.core.periods import Grain, Period, month_run
from parcalc.data.dataset import Dataset, PlacedTarget

Status = Literal["met", "missed", "no_data"]


def meets(actual: Fraction, op: str, threshold: Fraction) -> bool:
    return OPERATORS[op].holds(actual, threshold)


def shortfall(numerator: int, denominator: int, op: str, threshold: Fraction) -> tuple[int | None, int | None]:
    """(the change to the numerator that meets the target, the numerator that would), denominator held.

    For ``>=`` and ``>`` the change is how many more were needed and the numerator the least that meets;
    for ``<=`` and ``<`` how many were over and the most allowed; for ``==`` the distance to the one
    numerator that equals, or (None, None) when no whole count does.
    """
    bound = threshold * denominator
    if op == ">=":
        needed = math.ceil(bound)
    elif op == ">":
        needed = math.floor(bound) + 1
    elif op == "<=":
        allowed = math.floor(bound)
        return max(0, numerator - allowed), allowed
    elif op == "<":
        allowed = math.ceil(bound) - 1
        if allowed < 0:
            return None, None
        return max(0, numerator - allowed), allowed
    else:
        if bound.denominator != 1:
            return None, None
        return abs(numerator - int(bound)), int(bound)
    return max(0, needed - numerator), needed


def attainment(actual: Fraction, reference: Fraction, op: str) -> Fraction:
    """How far the value went towards the reference: 1 or more when it gets there."""
    direction = OPERATORS[op].direction
    if direction > 0:
        return Fraction(1) if reference == 0 else actual / reference
    if direction < 0:
        return Fraction(1) if actual == 0 else reference / actual
    if actual == reference:
        return Fraction(1)
    return min(actual, reference) / max(actual, reference)


def score(placed: PlacedTarget, actual: Fraction | None, met: bool) -> Fraction | None:
    """points x min(1, actual / full_mark), as service indices score; 0 without data; None without points."""
    values = placed.values
    if values.points is None:
        return None
    if actual is None:
        return Fraction(0)
    if placed.target.op == "==":
        return values.points if met else Fraction(0)
    reference = values.full_mark if values.full_mark is not None else values.threshold
    if reference is None:
        return None
    return values.points * min(Fraction(1), attainment(actual, reference, placed.target.op))


@dataclass(frozen=True)
class Check:
    """One value judged against the target: for a period, or for one month of a per-month target."""

    period: Period | None
    actual: Fraction | None
    status: Status
    shortfall: int | None = None
    numerator: int | None = None
    denominator: int | None = None
    required: int | None = None


def judge(
    metric: Metric,
    counts: Counts | None,
    months: int | None,
    op: str,
    threshold: Fraction,
    period: Period | None,
    fail_on_no_data: bool,
) -> Check:
    inputs = metric.inputs(counts, months) if counts is not None else None
    if inputs is None or inputs[1] == 0:
        return Check(period, None, "missed" if fail_on_no_data else "no_data")
    numerator, denominator = inputs
    actual = Fraction(numerator, denominator)
    met = meets(actual, op, threshold)
    gap, required = shortfall(numerator, denominator, op, threshold)
    return Check(period, actual, "met" if met else "missed", 0 if met else gap, numerator, denominator, required)


def _worst(checks: Sequence[Check], op: str, threshold: Fraction) -> Fraction | None:
    """The value that decides a per-month verdict: the month furthest on the wrong side."""
    values = [c.actual for c in checks if c.actual is not None]
    if not values:
        return None
    direction = OPERATORS[op].direction
    if direction > 0:
        return min(values)
    if direction < 0:
        return max(values)
    return max(values, key=lambda v: abs(v - threshold))


def combine(period: Period | None, months: Sequence[Check], op: str, threshold: Fraction) -> Check:
    """A per-month target over the whole period: missed if any month missed, met only if every month met."""
    statuses = {c.status for c in months}
    status: Status = "missed" if "missed" in statuses else "no_data" if "no_data" in statuses or not months else "met"
    gaps = [c.shortfall for c in months if c.status == "missed"]
    total = sum(g for g in gaps if g is not None) if all(g is not None for g in gaps) else None
    return Check(period, _worst(months, op, threshold), status, total)


@dataclass
class TargetResult:
    placed: PlacedTarget
    metric: Metric
    period: Period | None
    level: str | None
    unit: str | None
    unit_name: str | None
    check: Check
    months: list[Check] | None = None
    problems: list[Problem] = field(default_factory=list)
    # Without data: the counts the metric needs that the figures do not give, with the level they are
    # missing at ("pending_within" at "district"); empty when the scope has no figures at all.
    missing: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.placed.target.name

    @property
    def threshold(self) -> Fraction:
        assert self.placed.values.threshold is not None  # a dataset with an unreadable value is refused
        return self.placed.values.threshold

    @property
    def status(self) -> Status:
        return self.check.status

    @property
    def score(self) -> Fraction | None:
        return score(self.placed, self.check.actual, self.status == "met")

    @property
    def attainment(self) -> Fraction | None:
        if self.check.actual is None:
            return None
        return attainment(self.check.actual, self.threshold, self.placed.target.op)


@dataclass
class TargetsResult:
    title: str | None
    registry: Registry
    results: list[TargetResult]
    problems: list[Problem]

    @property
    def summary(self) -> dict[str, int]:
        counts = {"met": 0, "missed": 0, "no_data": 0}
        for result in self.results:
            counts[result.status] += 1
        return counts


@dataclass(frozen=True)
class Filters:
    """What the command line narrowed the check to. Empty keeps everything.

    A target without a scope is checked at the levels or units asked for (a preset's national threshold
    applied to each commune); a scoped target is kept only when its scope is among them.
    """

    periods: tuple[Period, ...] = ()
    levels: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def keeps(self, level: str | None, unit: str | None) -> bool:
        return (not self.levels or level in self.levels) and (not self.units or unit in self.units)


class _Scope:
    """The rows one target is checked on."""

    def __init__(self, engine: Engine, rows: Sequence[RowResult], level: str | None, unit: str | None) -> None:
        dataset = engine.dataset
        self.engine, self.dataset, self.rows, self.unit = engine, dataset, rows, unit
        self.level = level
        if unit is not None and level is None:
            known = dataset.units.get(unit)
            level = known.level if known else next((r.level for r in rows if r.unit == unit), None)
            self.level = level

    def _covers(self, row: RowResult) -> bool:
        if self.unit is not None:
            return row.unit is not None and (row.unit == self.unit or self.unit in self.dataset.ancestors(row.unit))
        return self.level is None or row.level == self.level

    def periods(self, per_month: bool) -> list[Period]:
        covered = sorted({r.period for r in self.rows if self._covers(r)})
        if not per_month:
            return covered
        indices = [i for p in covered if (run := p.month_indices()) is not None for i in run]
        if not indices:
            return []
        first, last = min(indices), max(indices)
        return [month_run(first, last - first + 1, self.dataset.settings.period_start_day)]

    def units(self) -> list[str | None]:
        return self.engine.scope_units(self.level, self.unit)


def _scopes(placed: PlacedTarget, filters: Filters) -> list[tuple[str | None, str | None]]:
    target = placed.target
    if target.level is None and target.unit is None:
        if filters.units:
            return [(None, u) for u in filters.units]
        if filters.levels:
            return [(lv, None) for lv in filters.levels]
        return [(None, None)]
    if filters.levels and target.level is not None and target.level not in filters.levels:
        return []
    if filters.units and target.unit is not None and target.unit not in filters.units:
        return []
    return [(target.level, target.unit)]


def _periods(placed: PlacedTarget, scope: _Scope, filters: Filters) -> list[Period]:
    if placed.period is not None:
        return [] if filters.periods and placed.period not in filters.periods else [placed.period]
    if filters.periods:
        return list(filters.periods)
    return scope.periods(placed.target.per == "month")


def _months(engine: Engine, period: Period, level: str | None, unit: str | None) -> int:
    # The months the figures cover, as the roll-up counted them: a missing month is left out, not zero.
    rolled = engine.resolve(period, level, unit)
    covered = rolled.months if rolled is not None else None
    return covered if covered is not None else period.months or 0


class Checker:
    """Checks targets on one dataset's analysed rows, through one roll-up engine over them."""

    def __init__(self, engine: Engine, rows: Sequence[RowResult], fail_on_no_data: bool = False) -> None:
        self.engine, self.dataset, self.rows, self.fail_on_no_data = engine, engine.dataset, rows, fail_on_no_data

    def one(
        self, placed: PlacedTarget, metric: Metric, period: Period, level: str | None, unit: str | None
    ) -> tuple[Check, list[Problem]]:
        figures = self.engine.row(period, level, unit)
        counts = figures.counts if figures is not None else None
        months = period.months
        if metric.kind == "per_month" and figures is not None:
            months = _months(self.engine, period, level, unit)
        threshold = placed.values.threshold
        assert threshold is not None
        check = judge(metric, counts, months, placed.target.op, threshold, period, self.fail_on_no_data)
        return check, list(figures.problems) if figures is not None else []

    def result(
        self, placed: PlacedTarget, metric: Metric, period: Period | None, level: str | None, unit: str | None
    ) -> TargetResult:
        target, threshold = placed.target, placed.values.threshold
        assert threshold is not None
        name = self.dataset.unit_name(unit)
        if period is None:
            check = judge(metric, None, None, target.op, threshold, None, self.fail_on_no_data)
            return TargetResult(placed, metric, None, level, unit, name, check, [] if target.per else None)
        if target.per != "month":
            check, problems = self.one(placed, metric, period, level, unit)
            return TargetResult(placed, metric, period, level, unit, name, check, None, problems)
        months: list[Check] = []
        problems = []
        for month in period.sub_periods(Grain.MONTH) or []:
            check, found = self.one(placed, metric, month, level, unit)
            months.append(check)
            problems.extend(found)
        overall = combine(period, months, target.op, threshold)
        return TargetResult(placed, metric, period, level, unit, name, overall, months, problems)

    def target(self, placed: PlacedTarget, filters: Filters) -> list[TargetResult]:
        metric = self.dataset.registry[placed.target.metric]
        results: list[TargetResult] = []
        for level, unit in _scopes(placed, filters):
            scope = _Scope(self.engine, self.rows, level, unit)
            periods = _periods(placed, scope, filters)
            if not periods:
                results.append(self.result(placed, metric, None, scope.level, unit))
            for period in periods:
                for where, missing in self._where(metric, period, scope):
                    result = self.result(placed, metric, period, *where)
                    if result.status != "met" and result.check.actual is None:
                        result.missing = missing
                    results.append(result)
        return [r for r in results if filters.keeps(r.level, r.unit)]

    # Where a target is checked: on the rows that hold its inputs.

    def _counts(self, period: Period, level: str | None, unit: str | None) -> Counts | None:
        figures = self.engine.row(period, level, unit)
        return figures.counts if figures is not None else None

    def _missing(self, metric: Metric, period: Period, level: str | None, unit: str | None) -> list[str]:
        counts = self._counts(period, level, unit)
        if counts is None:
            return []
        return [f for f in _fields(metric) if counts.get(f) is None]

    def _holds_any(self, metric: Metric, period: Period, level: str | None, unit: str | None) -> bool:
        counts = self._counts(period, level, unit)
        return counts is not None and any(counts.get(f) is not None for f in _fields(metric))

    def _levels_with_figures(self, period: Period) -> list[str]:
        held = {r.level for r in self.rows if _overlaps(r.period, period)}
        return [lv for lv in self.dataset.settings.levels if lv in held]

    def _where(
        self, metric: Metric, period: Period, scope: _Scope
    ) -> list[tuple[tuple[str | None, str | None], list[tuple[str, str | None]]]]:
        """The (level, unit) rows to check, each with the counts it lacks (named when it has no data).

        A target without a scope is checked on each level that has the metric's inputs, and on the
        whole where every level has them; a level's units and its own row are checked where their
        figures hold any of the inputs (a unit that only holds the service catalogue is not checked
        for the progress rate). Where no row holds them, one result without data names what is missing.
        """
        if scope.level is None and scope.unit is None:
            levels = self._levels_with_figures(period)
            if len(levels) <= 1:
                return [((None, None), [(f, lv) for lv in levels for f in self._missing(metric, period, lv, None)])]
            found = {lv: self._in_level(metric, period, _Scope(self.engine, self.rows, lv, None)) for lv in levels}
            chosen = [(where, missing) for relevant, _ in found.values() for where, missing in relevant if not missing]
            if not any(self._missing(metric, period, lv, None) for lv in levels):
                chosen.append(((None, None), []))
            if chosen:
                return chosen
            return [((None, None), [(f, lv) for lv in levels for f in self._missing(metric, period, lv, None)])]
        relevant, fallback = self._in_level(metric, period, scope)
        return relevant or fallback

    def _in_level(
        self, metric: Metric, period: Period, scope: _Scope
    ) -> tuple[
        list[tuple[tuple[str | None, str | None], list[tuple[str, str | None]]]],
        list[tuple[tuple[str | None, str | None], list[tuple[str, str | None]]]],
    ]:
        """A scope's rows that hold any of the metric's inputs, and what to report when none does."""
        units = scope.units()
        candidates: list[tuple[str | None, str | None]] = [(scope.level, u) for u in units]
        own_row = any(r.level == scope.level and r.unit is None and _overlaps(r.period, period) for r in self.rows)
        if scope.unit is None and units != [None] and own_row:
            candidates.insert(0, (scope.level, None))

        def described(
            where: tuple[str | None, str | None],
        ) -> tuple[tuple[str | None, str | None], list[tuple[str, str | None]]]:
            return where, [(f, where[0]) for f in self._missing(metric, period, *where)]

        relevant = [described(c) for c in candidates if self._holds_any(metric, period, *c)]
        fallback = [described(c) for c in (candidates[:1] if own_row else candidates)]
        return relevant, fallback


def _fields(metric: Metric) -> tuple[str, ...]:
    return metric.numerator if metric.kind == "per_month" else (*metric.numerator, *metric.denominator)


def _overlaps(inner: Period, outer: Period) -> bool:
    return inner.start <= outer.end and outer.start <= inner.end


def evaluate(
    dataset: Dataset, rows: Sequence[RowResult], filters: Filters = Filters(), fail_on_no_data: bool = False
) -> TargetsResult:
    """Every target (or those named) checked for every row of its scope, in the order they were declared."""
    checker = Checker(Engine(dataset, rows), rows, fail_on_no_data)
    results: list[TargetResult] = []
    for placed in dataset.targets:
        if filters.names and placed.target.name not in filters.names:
            continue
        results.extend(checker.target(placed, filters))
    # Problems of the given rows are reported with the rows; only what the roll-up found is new here.
    known = {p for row in rows for p in row.problems}
    problems = unique(p for r in results for p in r.problems if p not in known)
    return TargetsResult(dataset.settings.title, dataset.registry, results, problems)
