"""Ranking units: by total points over their scored targets, or by one metric, with bands and shared ranks.

Units are ranked within each period and level. Equal values share a rank and the next rank skips
("1, 2, 2, 4"); a unit without a value is listed last, unranked. A band is the first whose lower bound
the value reaches: a bound written as a percentage ("90%") is a share of the points available, a plain
number is points; for a metric it is a value of the metric. Ranking lower-is-better (``ascending``)
turns each bound into an upper one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from parcalc.analysis.calc import RowResult
from parcalc.analysis.rollup import Engine
from parcalc.core.issues import Problem, UsageError, unique
from parcalc.core.metrics import Metric
from parcalc.core.periods import Period
from parcalc.data.dataset import Dataset
from parcalc.data.model import Band
from parcalc.data.thresholds import ThresholdError, band_min
from parcalc.targets.check import TargetsResult


@dataclass(frozen=True)
class BandRule:
    name: str
    minimum: Fraction
    share: bool  # the bound is a share of the points available, not points or a metric value


@dataclass
class Ranked:
    period: Period | None
    level: str | None
    unit: str | None
    unit_name: str | None
    value: Fraction | None  # total points, or the metric's value
    maximum: Fraction | None = None  # points available, when ranking by points
    no_data: int = 0  # scored targets without data (they score 0)
    rank: int | None = None
    band: str | None = None

    @property
    def share(self) -> Fraction | None:
        if self.value is None or not self.maximum:
            return None
        return self.value / self.maximum


@dataclass
class Ranking:
    title: str | None
    metric: Metric | None  # None: by points
    ascending: bool
    bands: list[BandRule]
    rows: list[Ranked]
    problems: list[Problem] = field(default_factory=list)

    @property
    def by(self) -> str:
        return self.metric.id if self.metric is not None else "points"


def competition_ranks(values: Sequence[Fraction | None], ascending: bool = False) -> list[int | None]:
    """Standard competition ranking: equal values share a rank, the next one skips; None is unranked."""
    known = {i: v for i, v in enumerate(values) if v is not None}
    present = sorted(known, key=known.__getitem__, reverse=not ascending)
    ranks: list[int | None] = [None] * len(values)
    previous: Fraction | None = None
    rank = 0
    for position, index in enumerate(present, start=1):
        if values[index] != previous:
            rank, previous = position, values[index]
        ranks[index] = rank
    return ranks


def band_of(row: Ranked, bands: Sequence[BandRule], ascending: bool) -> str | None:
    ordered = sorted(bands, key=lambda b: b.minimum, reverse=not ascending)
    for band in ordered:
        value = row.share if band.share else row.value
        if value is None:
            continue
        if (value <= band.minimum) if ascending else (value >= band.minimum):
            return band.name
    return None


def _finish(rows: list[Ranked], bands: Sequence[BandRule], ascending: bool) -> list[Ranked]:
    groups: dict[tuple[str | None, str | None], list[Ranked]] = {}
    for row in rows:
        groups.setdefault((row.period.label if row.period else None, row.level), []).append(row)
    ordered: list[Ranked] = []
    for group in groups.values():
        for row, rank in zip(group, competition_ranks([r.value for r in group], ascending), strict=True):
            row.rank = rank
            row.band = band_of(row, bands, ascending)
        big = len(group) + 1
        ordered.extend(sorted(group, key=lambda r: (r.rank or big, r.unit_name or r.unit or "")))
    return ordered


def by_points(checked: TargetsResult, bands: Sequence[BandRule]) -> Ranking:
    """Units by the points their targets scored, within each period and level."""
    totals: dict[tuple[Period | None, str | None, str | None], Ranked] = {}
    for result in checked.results:
        points, score = result.placed.values.points, result.score
        if points is None or score is None:
            continue
        key = (result.period, result.level, result.unit)
        row = totals.setdefault(key, Ranked(*key, result.unit_name, Fraction(0), Fraction(0)))
        assert row.value is not None and row.maximum is not None
        row.value += score
        row.maximum += points
        row.no_data += result.check.actual is None
    rows = _finish(list(totals.values()), bands, False)
    return Ranking(checked.title, None, False, list(bands), rows, list(checked.problems))


def by_metric(
    dataset: Dataset,
    rows: Sequence[RowResult],
    metric: Metric,
    bands: Sequence[BandRule],
    ascending: bool,
    periods: Sequence[Period] = (),
    levels: Sequence[str] = (),
) -> Ranking:
    """The units of each level by one metric, rolled up to each period asked for (default: every period)."""
    chosen_periods = list(periods) or sorted({r.period for r in rows})
    chosen_levels = list(levels) or [lv for lv in dataset.settings.levels if any(r.level == lv for r in rows)]
    ranked: list[Ranked] = []
    known = {p for row in rows for p in row.problems}
    found: list[Problem] = []
    engine = Engine(dataset, rows)
    for period in chosen_periods:
        for level in chosen_levels:
            for unit in engine.scope_units(level, None):
                figures = engine.row(period, level, unit)
                if figures is None:
                    continue
                value = figures.metrics.get(metric.id, metric.evaluate(figures.counts, period.months))
                found.extend(p for p in figures.problems if p not in known)
                ranked.append(Ranked(period, level, unit, dataset.unit_name(unit), value))
    finished = _finish(ranked, bands, ascending)
    return Ranking(dataset.settings.title, metric, ascending, list(bands), finished, unique(found))


def read_bands(text: str, metric: Metric | None) -> list[BandRule]:
    """Bands as written on the command line: "A=90%,B=80%,C=70%" or "tốt=80,khá=65". Raises UsageError."""
    rules: list[BandRule] = []
    for part in (p.strip() for p in text.split(",")):
        name, sep, bound = part.partition("=")
        if not part or not sep or not name.strip() or not bound.strip():
            raise UsageError(
                f"cannot read band {part!r}; write NAME=BOUND, for example A=90%,B=80%,C=70%", option="bands"
            )
        try:
            minimum, share = band_min(Band(name.strip(), bound.strip()), metric)
        except ThresholdError as exc:
            raise UsageError(f"band {name.strip()!r}: {exc}", option="bands") from None
        rules.append(BandRule(name.strip(), minimum, share))
    return rules


def dataset_bands(dataset: Dataset, metric: Metric | None) -> list[BandRule]:
    """The [[bands]] that apply: those naming the metric, or those naming none when ranking by points."""
    wanted = metric.id if metric is not None else None
    return [BandRule(b.band.name, b.minimum, b.share) for b in dataset.bands if b.band.metric == wanted]
