"""Roll-up properties over random units and months: the order of operations and of rows never matters."""

from __future__ import annotations

import random
from fractions import Fraction
from functools import reduce
from operator import add

from hypothesis import given, settings
from hypothesis import strategies as st

from parcalc.analysis.calc import RowResult
from parcalc.analysis.rollup import Engine
from parcalc.core.counts import Counts, roll_over_time
from parcalc.core.metrics import Registry
from parcalc.core.periods import month_index, month_run, parse_period
from parcalc.data.dataset import Dataset
from parcalc.data.model import Settings, Unit

FIRST = month_index(2022, 1)


@st.composite
def month_counts(draw: st.DrawFn) -> dict[str, int]:
    """One month of consistent figures (parts never exceed totals, as valid input guarantees)."""
    new = draw(st.integers(0, 500))
    resolved = draw(st.integers(0, 500))
    return {
        "received_new": new,
        "received_online": draw(st.integers(0, new)),
        "carried_over": draw(st.integers(0, 200)),
        "resolved": resolved,
        "resolved_late": draw(st.integers(0, resolved)),
        "pending": draw(st.integers(0, 200)),
        "ecert": draw(st.integers(0, 40)),
    }


# units x 12 months of counts
figures = st.lists(st.lists(month_counts(), min_size=12, max_size=12), min_size=1, max_size=4)


def _dataset(n_units: int) -> Dataset:
    units = {f"xa-{i}": Unit(id=f"xa-{i}", level="commune", parent="huyen") for i in range(n_units)}
    units["huyen"] = Unit(id="huyen", level="district")
    return Dataset(Settings.from_dict({}), units, [], [], Registry())


def _rows(data: Dataset, values: list[list[dict[str, int]]]) -> list[RowResult]:
    rows = []
    for i, months in enumerate(values):
        for m, raw in enumerate(months):
            counts, derived = Counts(raw).derive()
            metrics = data.registry.evaluate(counts, 1, data.registry)
            rows.append(RowResult(month_run(FIRST + m, 1), "commune", f"xa-{i}", None, counts, derived, metrics))
    return rows


@settings(max_examples=25, deadline=None)
@given(figures, st.sampled_from(["2022-Q2", "2022-H1", "2022", "2022-01..2022-09"]))
def test_summing_then_rolling_equals_rolling_then_summing(values: list[list[dict[str, int]]], label: str) -> None:
    data = _dataset(len(values))
    rows = _rows(data, values)
    period = parse_period(label)
    indices = period.month_indices()
    assert indices is not None
    months = [m - FIRST for m in indices]
    per_unit = [roll_over_time(Counts(values[u][m]).derive()[0] for m in months) for u in range(len(values))]
    roll_then_sum = reduce(add, per_unit)
    per_month = [reduce(add, (Counts(values[u][m]).derive()[0] for u in range(len(values)))) for m in months]
    sum_then_roll = roll_over_time(per_month)
    assert roll_then_sum == sum_then_roll
    engine = Engine(data, rows)
    district = engine.row(period, "district", "huyen")
    assert district is not None and district.counts == roll_then_sum
    assert not district.problems


@settings(max_examples=25, deadline=None)
@given(figures)
def test_rate_of_a_roll_up_is_the_ratio_of_summed_counts(values: list[list[dict[str, int]]]) -> None:
    data = _dataset(len(values))
    year = Engine(data, _rows(data, values)).row(parse_period("2022"), "commune", None)
    assert year is not None
    late = sum(m["resolved_late"] for unit in values for m in unit)
    resolved = sum(m["resolved"] for unit in values for m in unit)
    assert year.metrics["late_rate"] == (Fraction(late, resolved) if resolved else None)
    online = sum(m["received_online"] for unit in values for m in unit)
    new = sum(m["received_new"] for unit in values for m in unit)
    assert year.metrics["online_share"] == (Fraction(online, new) if new else None)
    assert year.metrics["ecert_per_month"] == Fraction(sum(m["ecert"] for u in values for m in u), 12)
    assert year.counts["pending"] == sum(unit[-1]["pending"] for unit in values)
    assert year.counts["carried_over"] == sum(unit[0]["carried_over"] for unit in values)


@settings(max_examples=25, deadline=None)
@given(figures, st.randoms(use_true_random=False), st.sets(st.integers(0, 11), max_size=3))
def test_row_order_never_changes_the_result(
    values: list[list[dict[str, int]]], shuffle: random.Random, dropped: set[int]
) -> None:
    data = _dataset(len(values))
    rows = [
        r
        for r in _rows(data, values)
        if r.period.first_month is not None and r.period.first_month - FIRST not in dropped
    ]
    shuffled = list(rows)
    shuffle.shuffle(shuffled)
    ordered, reordered = Engine(data, rows), Engine(data, shuffled)
    for label in ("2022-Q1", "2022"):
        period = parse_period(label)
        for scope in (("district", "huyen"), (None, None)):
            first = ordered.row(period, *scope)
            second = reordered.row(period, *scope)
            assert (first is None) == (second is None)
            if first is not None and second is not None:
                assert first.counts == second.counts
                assert first.metrics == second.metrics
                assert [p.message() for p in first.problems] == [p.message() for p in second.problems]
