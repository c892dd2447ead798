"""Roll-up: counts combined over time (months into quarters, years...), across units and across levels.

Over time each field follows its roll-up rule (counts.roll_over_time); across units and levels every
field adds up (Counts.__add__). Rates are never combined: they are evaluated again on the combined
counts. A sub-period or a unit without figures is reported ("missing-periods"), never taken as zero.

A unit's own row is its figures; a unit without a row of its own is the sum of its children through
``[[units]] parent``, recursively, so a commune is counted once in its province even when its district
has a row too. The compute command (``--grain``, ``--by``), target checks and rankings all go through
``Engine.resolve``; the columnar path (parcalc.analysis.columnar) sums in SQL and then words its warnings
and builds its rows with the same functions (time_warnings, with_absent, across, row_result).
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import reduce

from parcalc.analysis.calc import RowResult
from parcalc.core.counts import FIELDS, Counts, RollUp, roll_over_time
from parcalc.core.issues import Problem, warning
from parcalc.core.periods import Period, date_window
from parcalc.data.dataset import Dataset

Key = tuple[Period, str | None, str | None]
Scope = tuple[str | None, str | None]

_OPENING = frozenset(f.id for f in FIELDS if f.rollup is RollUp.OPENING) | {"received"}
_CLOSING = frozenset(f.id for f in FIELDS if f.rollup is RollUp.CLOSING)
DISTINCT_FIELDS = tuple(f.id for f in FIELDS if f.rollup is RollUp.DISTINCT)


@dataclass(frozen=True)
class Rolled:
    """Counts for one period and scope before metrics are evaluated (metrics cost more than sums)."""

    counts: Counts
    derived: frozenset[str]
    months: int | None  # the months the figures cover, for per-month metrics
    problems: list[Problem] = field(default_factory=list)
    row: RowResult | None = None  # the given row, when the period and scope have one


def time_warnings(period: Period, gaps: Sequence[tuple[date, date]], adds_distinct: bool) -> list[Problem]:
    """What rolling one scope up into ``period`` warns of: the sub-periods without figures (``gaps``, as
    date ranges) and a distinct count added over several sub-periods. Both roll-up paths word it here."""
    problems: list[Problem] = []
    if gaps:
        missing = ", ".join(date_window(a, b, period.start_day).label for a, b in gaps)
        problems.append(warning("missing-periods", period=period.label, missing=missing))
    if adds_distinct:
        problems.append(warning("not-summable", period=period.label, key=", ".join(DISTINCT_FIELDS)))
    return problems


def with_absent(total: Rolled, period: Period, absent: Sequence[str]) -> Rolled:
    """A sum over units or levels, with the warning that names the ones without figures for ``period``."""
    if not absent:
        return total
    problem = warning("missing-periods", period=period.label, missing=", ".join(absent))
    return Rolled(total.counts, total.derived, total.months, [*total.problems, problem])


def _tile(period: Period, candidates: Sequence[RowResult]) -> tuple[list[RowResult], list[tuple[date, date]]]:
    """The rows that cover ``period`` without overlap, fewest missing days first, then fewest rows.

    Returns the rows in time order and the uncovered date ranges.
    """
    inside = [r for r in candidates if r.period.start >= period.start and r.period.end <= period.end]
    stop = period.end + timedelta(days=1)
    starts: dict[date, list[RowResult]] = defaultdict(list)
    for row in inside:
        starts[row.period.start].append(row)
    positions = sorted({period.start, stop, *starts, *(r.period.end + timedelta(days=1) for r in inside)})
    # best[pos] = (missing days, rows, choice): choice is a row, or the next position after a gap
    best: dict[date, tuple[int, int, RowResult | date | None]] = {stop: (0, 0, None)}
    for i in range(len(positions) - 2, -1, -1):
        pos = positions[i]
        if pos > stop:
            continue
        following = positions[i + 1]
        missing, pieces, _ = best[following]
        choice: tuple[int, int, RowResult | date | None] = (missing + (following - pos).days, pieces, following)
        for row in starts.get(pos, ()):
            after = best[row.period.end + timedelta(days=1)]
            option = (after[0], after[1] + 1, row)
            if option[:2] < choice[:2]:
                choice = option
        best[pos] = choice
    rows: list[RowResult] = []
    gaps: list[tuple[date, date]] = []
    pos = period.start
    while pos < stop:
        step = best[pos][2]
        if isinstance(step, RowResult):
            rows.append(step)
            pos = step.period.end + timedelta(days=1)
        else:
            assert isinstance(step, date)
            if gaps and gaps[-1][1] + timedelta(days=1) == pos:
                gaps[-1] = (gaps[-1][0], step - timedelta(days=1))
            else:
                gaps.append((pos, step - timedelta(days=1)))
            pos = step
    return rows, gaps


def over_time(period: Period, parts: Sequence[RowResult], gaps: Sequence[tuple[date, date]]) -> Rolled:
    """Sub-period rows (in time order) of one scope combined into ``period``."""
    counts = roll_over_time(r.counts for r in parts)
    if gaps:
        # Without the first sub-period the opening stock is unknown; without the last, the closing one.
        drop: set[str] = set()
        if gaps[0][0] == period.start:
            drop |= _OPENING
        if gaps[-1][1] == period.end:
            drop |= _CLOSING
        if drop:
            counts = Counts({k: v for k, v in counts.items() if k not in drop})
    adds_distinct = len(parts) > 1 and any(f in r.counts for r in parts for f in DISTINCT_FIELDS)
    problems = time_warnings(period, gaps, adds_distinct)
    derived = frozenset().union(*(r.derived for r in parts)) | {"received"} & set(counts)
    months: int | None = sum(r.period.months or 0 for r in parts)
    if any(r.period.months is None for r in parts):
        months = None
    return Rolled(counts, derived, months, problems)


def across(parts: Sequence[Rolled]) -> Rolled:
    """Rolled figures of several units or levels for the same period, added up."""
    if len(parts) == 1:
        only = parts[0]
        # Not the part's own row: a level of one unit is still reported as the level, not as the unit.
        return only if only.row is None else Rolled(only.counts, only.derived, only.months, list(only.problems))
    counts = reduce(operator.add, (p.counts for p in parts))
    months = {p.months for p in parts}
    problems = [p for part in parts for p in part.problems]
    return Rolled(
        counts,
        frozenset().union(*(p.derived for p in parts)) & set(counts),
        months.pop() if len(months) == 1 else None,
        problems,
    )


class Engine:
    """Rows indexed by period and scope, answering "the figures for this period and scope".

    One engine serves every question about one set of rows (a compute roll-up, a target check, a
    ranking): it remembers what it has rolled up, so callers build it once and pass it along.
    """

    def __init__(self, dataset: Dataset, rows: Sequence[RowResult]) -> None:
        self.dataset = dataset
        self.exact: dict[Key, RowResult] = {}
        self.by_scope: dict[Scope, list[RowResult]] = defaultdict(list)
        self.level_units: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            self.exact[(row.period, row.level, row.unit)] = row
            self.by_scope[(row.level, row.unit)].append(row)
            if row.unit is not None and row.level is not None:
                self.level_units[row.level].add(row.unit)
        for scoped in self.by_scope.values():
            scoped.sort(key=lambda r: (r.period.start, r.period.end))
        self._with_figures: dict[str, bool] = {}
        self._memo: dict[Key, Rolled | None] = {}

    def has_figures(self, unit: str) -> bool:
        """Whether the unit or one of its descendants has a row."""
        known = self._with_figures.get(unit)
        if known is None:
            level = self.dataset.units[unit].level if unit in self.dataset.units else None
            known = bool(self.by_scope.get((level, unit))) or any(
                self.has_figures(c) for c in self.dataset.children(unit)
            )
            if not known:
                known = any(u == unit for (_, u) in self.by_scope)
            self._with_figures[unit] = known
        return known

    def resolve(self, period: Period, level: str | None, unit: str | None) -> Rolled | None:
        key = (period, level, unit)
        if key not in self._memo:
            self._memo[key] = self._resolve(period, level, unit)
        return self._memo[key]

    def _resolve(self, period: Period, level: str | None, unit: str | None) -> Rolled | None:
        row = self.exact.get((period, level, unit))
        if row is not None:
            return Rolled(row.counts, row.derived, row.period.months, [], row)
        own = self.by_scope.get((level, unit), ())
        if own:
            parts, gaps = _tile(period, own)
            if parts:
                rolled = over_time(period, parts, gaps)
                where = {"period": period.label, "level": level, "unit": unit}
                return Rolled(
                    rolled.counts, rolled.derived, rolled.months, [p.located(**where) for p in rolled.problems]
                )
        if unit is not None:
            children = [c for c in self.dataset.children(unit) if self.has_figures(c)]
            return self._sum(period, [(self.dataset.units[c].level, c) for c in sorted(children)])
        if level is None:
            levels = [lv for lv in self.dataset.settings.levels if self.by_scope_has_level(lv)]
            return self._sum(period, [(lv, None) for lv in levels])
        return self._sum(period, [(level, u) for u in sorted(self.level_units.get(level, ()))])

    def by_scope_has_level(self, level: str) -> bool:
        return bool(self.level_units.get(level)) or (level, None) in self.by_scope

    def _sum(self, period: Period, scopes: Iterable[Scope]) -> Rolled | None:
        found: list[Rolled] = []
        absent: list[str] = []
        for level, unit in scopes:
            part = self.resolve(period, level, unit)
            if part is None:
                absent.append(unit or level or "")
            else:
                found.append(part)
        if not found:
            return None
        return with_absent(across(found), period, absent)

    def row(self, period: Period, level: str | None, unit: str | None) -> RowResult | None:
        """The figures for exactly this period and scope as a row with its metrics, or None."""
        rolled = self.resolve(period, level, unit)
        if rolled is None:
            return None
        given = rolled.row
        if given is not None:
            if given.metrics:
                return given
            # analysed without metrics (calc.analyse_all(metrics=False)): a new row with them
            registry = self.dataset.registry
            return replace(given, metrics=registry.evaluate(rolled.counts, rolled.months, registry))
        return row_result(self.dataset, period, level, unit, rolled)

    def scope_units(self, level: str | None, unit: str | None) -> list[str | None]:
        """The units a target scope covers: the unit itself; or every unit of the level that has figures;
        or [None] for a level-only row."""
        if unit is not None:
            return [unit]
        if level is not None and self.level_units.get(level):
            return list(sorted(self.level_units[level]))
        return [None]


def row_result(dataset: Dataset, period: Period, level: str | None, unit: str | None, rolled: Rolled) -> RowResult:
    """A reported row built from rolled-up counts: its metrics evaluated, its problems located. Both
    roll-up paths (this engine and the columnar one) build their rows here."""
    registry = dataset.registry
    metrics = registry.evaluate(rolled.counts, rolled.months, registry)
    scope = {"period": period.label, "level": level, "unit": unit}
    problems = [p.located(**scope) for p in rolled.problems]
    return RowResult(period, level, unit, dataset.unit_name(unit), rolled.counts, rolled.derived, metrics, problems)


def figures_for(
    dataset: Dataset, rows: Sequence[RowResult], period: Period, level: str | None, unit: str | None
) -> RowResult | None:
    """Counts and metrics for exactly this period and scope (Engine.row), for one question: to ask many,
    build an Engine once. The given row when there is one; otherwise rolled up over time from the
    scope's sub-period rows (months, quarters...) and/or across units (a unit's descendants through
    [[units]] parent; with unit None, the level row, else the sum of that level's unit rows).
    RowResult.problems carries 'missing-periods' when sub-periods are missing. None when no rows cover it."""
    return Engine(dataset, rows).row(period, level, unit)


def scope_units(dataset: Dataset, rows: Sequence[RowResult], level: str | None, unit: str | None) -> list[str | None]:
    """Engine.scope_units, for one question."""
    return Engine(dataset, rows).scope_units(level, unit)
