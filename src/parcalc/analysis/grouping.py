"""The compute command's roll-up: which periods and scopes to report, at which grain, and comparisons.

``--grain`` maps every row to the period of that grain containing it; ``--by`` chooses the scopes
(level, unit, period: period alone is the total over every level); each (period, scope) is then asked
of the roll-up engine, the same one that target checks use. ``--period`` is split into the grain by
split_periods, which the columnar path uses too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from parcalc.analysis.calc import ComputeResult, Query, RowResult, compute, period_gaps
from parcalc.analysis.rollup import Engine, Key
from parcalc.core.issues import LangText, Problem, UsageError, warning
from parcalc.core.periods import Grain, Period, containing, month_run
from parcalc.data.dataset import Dataset

BY_CHOICES = ("level", "unit", "period")
COMPARE_CHOICES = ("previous", "last-year")


class GroupingError(UsageError):
    """An impossible roll-up request (rolling down, a period that does not split): a usage error."""


@dataclass(frozen=True)
class Grouping:
    grain: Grain | None = None
    by: frozenset[str] = frozenset()
    total: bool | None = None  # None: a total row when grouping by level or unit
    compare: str | None = None

    @property
    def active(self) -> bool:
        return self.grain is not None or bool(self.by) or self.compare is not None

    @property
    def with_total(self) -> bool:
        if self.total is not None:
            return self.total
        return bool(self.by & {"level", "unit"})


def parse_by(values: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(v.strip().lower() for v in values if v.strip())
    unknown = sorted(chosen - set(BY_CHOICES))
    if unknown:
        raise GroupingError(f"unknown grouping {unknown[0]!r}; choose from {', '.join(BY_CHOICES)}", option="by")
    return chosen


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def earlier(period: Period, how: str) -> Period:
    """The period to compare with: the one just before of the same length, or the same one a year before."""
    if how not in COMPARE_CHOICES:
        raise GroupingError(f"unknown comparison {how!r}; choose previous or last-year", option="compare")
    if period.first_month is not None and period.months is not None:
        back = period.months if how == "previous" else 12
        return month_run(period.first_month - back, period.months, period.start_day)
    if how == "previous":
        length = period.end - period.start + timedelta(days=1)
        start, end = period.start - length, period.start - timedelta(days=1)
    else:
        start, end = _shift_year(period.start, -1), _shift_year(period.end, -1)
    return Period(start, end, f"{start.isoformat()}..{end.isoformat()}", None, None, period.start_day)


def _inside(inner: Period, outer: Period) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def split_periods(periods: Sequence[Period], grain: Grain | None) -> list[Period]:
    """The periods ``--period`` asks for, each split into the grain's periods (2022 by quarter: its four
    quarters). Both roll-up paths split here; a period that does not split is a GroupingError."""
    if grain is None:
        return list(periods)
    asked: list[Period] = []
    for period in periods:
        parts = [period] if period.grain == grain else period.sub_periods(grain)
        if parts is None:
            raise GroupingError(f"{period.label} does not split into whole {grain.name.lower()}s", option="period")
        asked.extend(parts)
    return asked


def _home(row: RowResult, grain: Grain) -> list[Period]:
    """The one period of the grain that holds the row, or none when the row is longer than the grain."""
    months = row.period.month_indices()
    if months is None:
        return []
    home = containing(months.start, grain, row.period.start_day)
    return [home] if _inside(row.period, home) else []


def _reported_in(row: RowResult, grain: Grain | None, asked: Sequence[Period]) -> tuple[list[Period], bool]:
    """The reported periods the row counts in, and whether it is too long for the grain (a year's row
    under --grain quarter: it cannot be split, and is left out)."""
    if asked:
        found = [t for t in asked if _inside(row.period, t)]
        return found, not found and grain is not None and any(_inside(t, row.period) for t in asked)
    if grain is None:
        return [row.period], False
    found = _home(row, grain)
    return found, not found


def _refuse_rolling_down(
    grain: Grain,
    too_long: Sequence[RowResult],
    unaligned: Sequence[RowResult],
    reported: set[Period],
    problems: list[Problem],
) -> None:
    """Rows longer than the grain, or windows that are not whole months: an error when nothing else is
    left, else a warning per period left out."""
    name = grain.name.lower()
    if not reported:
        if not too_long:
            labels = ", ".join(sorted({r.period.label for r in unaligned}))
            verb = "is" if len({r.period for r in unaligned}) == 1 else "are"
            raise GroupingError(
                f"{labels} {verb} not a whole {name} nor made of whole months, "
                f"so the figures cannot be rolled up to a {name}",
                option="grain",
            )
        labels = ", ".join(sorted({r.period.label for r in too_long}))
        raise GroupingError(
            f"--grain {name}: the figures are for {labels}, longer than a {name}; "
            "rolling down would need figures the file does not have"
        )
    longer = LangText(
        vi=f"dài hơn một {grain.vi}, không chia nhỏ được", en=f"is longer than a {name} and cannot be split"
    )
    partial = LangText(
        vi=f"không phải trọn một {grain.vi} hay gồm trọn các tháng",
        en=f"is not a whole {name} nor made of whole months",
    )
    # A window inside a reported period is still counted there (the roll-up tiles it in); one that
    # straddles two is left out.
    straddling = [r for r in unaligned if not any(_inside(r.period, p) for p in reported)]
    for rows_of, why in ((too_long, longer), (straddling, partial)):
        for period in sorted({r.period for r in rows_of}):
            problems.append(warning("not-rolled-down", period=period.label, why=why).located(period=period.label))


def _periods_reported(
    rows: Sequence[RowResult], grain: Grain | None, periods: Sequence[Period], problems: list[Problem]
) -> dict[int, list[Period]]:
    """For each row (by position), the reported periods it contributes to: those of ``--period`` split
    into the grain that contain it, or the grain's period that holds it, or its own period."""
    asked = split_periods(periods, grain)
    mapped: dict[int, list[Period]] = {}
    too_long: list[RowResult] = []
    unaligned: list[RowResult] = []  # date windows that are not whole reporting months
    for i, row in enumerate(rows):
        found, longer = _reported_in(row, grain, asked)
        if longer:
            whole_months = row.period.month_indices() is not None or row.period.months is not None
            (too_long if asked or whole_months else unaligned).append(row)
        if found:
            mapped[i] = found
    if grain is not None and (too_long or unaligned):
        _refuse_rolling_down(grain, too_long, unaligned, {p for found in mapped.values() for p in found}, problems)
    return mapped


def _scopes(dataset: Dataset, row: RowResult, by: frozenset[str], total: bool) -> list[tuple[str | None, str | None]]:
    scopes: list[tuple[str | None, str | None]] = []
    if not by:
        scopes.append((row.level, row.unit))
    elif "unit" in by:
        if row.unit is not None:
            scopes.append((row.level, row.unit))
            scopes.extend((dataset.units[a].level, a) for a in dataset.ancestors(row.unit))
        if "level" in by:
            scopes.append((row.level, None))
    elif "level" in by:
        scopes.append((row.level, None))
    if total or by == {"period"}:
        scopes.append((None, None))
    return scopes


def roll_up(dataset: Dataset, rows: Sequence[RowResult], grouping: Grouping, query: Query) -> ComputeResult:
    """The compute report's rows for a grain, a grouping and a comparison; rows are analysed beforehand."""
    units = dataset.descendants(query.units) if query.units and "unit" in grouping.by else set(query.units)
    kept = [r for r in rows if (not query.levels or r.level in query.levels) and (not query.units or r.unit in units)]
    problems: list[Problem] = period_gaps(dataset, kept)
    engine = Engine(dataset, kept)
    mapped = _periods_reported(kept, grouping.grain, query.periods, problems)
    keys: dict[Key, None] = {}
    total = grouping.with_total
    for i, periods in mapped.items():
        for scope in _scopes(dataset, kept[i], grouping.by, total):
            for period in periods:
                keys[(period, *scope)] = None
    out: list[RowResult] = []
    for period, level, unit in keys:
        found = engine.row(period, level, unit)
        if found is None:
            continue
        if grouping.compare is not None:
            before = earlier(period, grouping.compare)
            found = replace(found, compare=(before, engine.row(before, level, unit)))
        out.append(found)
    return compute(dataset, Query(metrics=query.metrics), out, gaps=False, problems=problems)


def builds_periods(rows: Sequence[RowResult], query: Query) -> bool:
    """Whether ``--period`` asks for a period that no row holds as such but rows inside it make up
    (``--period 2024`` over monthly figures): the report then builds it by roll-up, as targets do."""
    held = {r.period for r in rows}
    return any(p not in held and any(_inside(r.period, p) for r in rows) for p in query.periods)


def report(dataset: Dataset, rows: Sequence[RowResult], grouping: Grouping, query: Query) -> ComputeResult:
    """The compute result: the rows as given, or rolled up when a grouping or an asked period needs it."""
    check_filters(dataset, rows, query, grouping)
    if grouping.active or builds_periods(rows, query):
        return roll_up(dataset, rows, grouping, query)
    return compute(dataset, query, rows)


def _choices(values: Iterable[str], limit: int = 6) -> str:
    shown = list(dict.fromkeys(values))
    more = f", … ({len(shown)} in all)" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def check_filters(dataset: Dataset, rows: Sequence[RowResult], query: Query, grouping: Grouping = Grouping()) -> None:
    """Each ``--period``, ``--level`` and ``--unit`` value must match figures the files hold.

    A value that matches nothing is a mistake (a typo, a year the file does not cover), never an empty
    report with exit 0: it raises GroupingError, a usage error, with a "did you mean" or what there is.
    """
    from parcalc.core.issues import did_you_mean

    levels = list(dict.fromkeys([*dataset.settings.levels, *(r.level for r in rows if r.level is not None)]))
    for level in query.levels:
        if level not in levels:
            raise GroupingError(
                f"{level!r} is not one of {', '.join(levels)}{did_you_mean(level, levels)}", option="level"
            )
        if rows and not any(r.level == level for r in rows):
            held = [lv for lv in levels if any(r.level == lv for r in rows)]
            raise GroupingError(f"no figures at level {level!r}; the files have {_choices(held)}", option="level")
    with_rows = {r.unit for r in rows if r.unit is not None}
    known = [*dict.fromkeys([*sorted(with_rows), *dataset.units])]
    for unit in query.units:
        if unit not in known:
            by_name = [u.id for u in dataset.units.values() if u.name and u.name.casefold() == unit.casefold()]
            hint = f" (did you mean {by_name[0]!r}, the id of {unit!r}?)" if by_name else str(did_you_mean(unit, known))
            raise GroupingError(f"no unit {unit!r} in the files{hint}", option="unit")
        reachable = unit in with_rows or (
            "unit" in grouping.by and any(unit in dataset.ancestors(u) for u in with_rows)
        )
        if rows and not reachable:
            below = any(unit in dataset.ancestors(u) for u in with_rows)
            hint = "; add --by unit to sum the units under it" if below else ""
            raise GroupingError(f"no figures for unit {unit!r}{hint}", option="unit")
    periods = sorted({r.period for r in rows})
    for period in query.periods:
        if any(r.period == period or _inside(r.period, period) for r in rows):
            continue
        if not periods:
            raise GroupingError(f"no figures for {period.label}: the files hold no figures", option="period")
        longer = sorted({r.period.label for r in rows if _inside(period, r.period)})
        if longer:
            raise GroupingError(
                f"no figures for {period.label}: the files hold {_choices(longer)}, "
                "longer periods that cannot be split",
                option="period",
            )
        first, last = periods[0], periods[-1]
        span = first.label if len(periods) == 1 else f"{first.label} to {last.label}"
        labels = [p.label for p in periods]
        raise GroupingError(
            f"no figures for {period.label}; the files hold {span}{did_you_mean(period.label, labels)}",
            option="period",
        )
