"""A longer row against the sub-periods inside it (issue 13): flows add up, stocks open and close."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from parcalc.analysis.calc import RowResult, period_gaps, subperiod_gaps
from parcalc.core.counts import Counts, roll_over_time
from parcalc.core.metrics import Registry
from parcalc.core.periods import Period, month_index, month_run
from parcalc.data import dataset
from parcalc.data.dataset import Dataset
from parcalc.data.model import Settings

FIRST = month_index(2022, 1)
FLOWS = ("received_new", "received_online", "resolved", "resolved_late", "ecert")
DATA = Dataset(Settings.from_dict({}), {}, [], [], Registry())


@st.composite
def year_of_months(draw: st.DrawFn) -> list[dict[str, int]]:
    """Twelve consecutive months of one desk, consistent: each month opens with the last one's pending."""
    carried = draw(st.integers(0, 300))
    months = []
    for _ in range(12):
        new = draw(st.integers(0, 500))
        resolved = draw(st.integers(0, carried + new))
        months.append(
            {
                "received_new": new,
                "received_online": draw(st.integers(0, new)),
                "carried_over": carried,
                "resolved": resolved,
                "resolved_late": draw(st.integers(0, resolved)),
                "pending": carried + new - resolved,
                "ecert": draw(st.integers(0, 40)),
            }
        )
        carried = carried + new - resolved
    return months


def _row(period: Period, counts: Counts) -> RowResult:
    completed, derived = counts.derive()
    return RowResult(period, "commune", "xa", None, completed, derived, {})


def _rows(months: list[dict[str, int]], quarters: bool = True, year: bool = True) -> list[RowResult]:
    """The months, the quarters built from them, and the year built from the quarters."""
    counts = [Counts(m) for m in months]
    rows = [_row(month_run(FIRST + i, 1), c) for i, c in enumerate(counts)]

    def written(parts: list[Counts]) -> Counts:  # the fields a report would print for the longer period
        rolled = roll_over_time(parts)
        return Counts({k: v for k, v in rolled.items() if k in months[0]})

    if quarters:
        rows += [_row(month_run(FIRST + q * 3, 3), written(counts[q * 3 : q * 3 + 3])) for q in range(4)]
    if year:
        rows.append(_row(month_run(FIRST, 12), written(counts)))
    return rows


@settings(max_examples=40, deadline=None)
@given(year_of_months())
def test_months_with_the_quarters_and_year_built_from_them_never_warn(months: list[dict[str, int]]) -> None:
    rows = _rows(months)
    assert period_gaps(DATA, rows) == []


@settings(max_examples=60, deadline=None)
@given(year_of_months(), st.integers(0, 11), st.sampled_from(FLOWS), st.integers(-50, 50).filter(bool))
def test_one_month_changed_by_k_gives_one_warning_with_gap_k(
    months: list[dict[str, int]], month: int, field: str, k: int
) -> None:
    rows = _rows(months)
    changed = dict(months[month])
    changed[field] = max(0, changed[field] + k)
    k = changed[field] - months[month][field]
    if k == 0:
        return
    rows[month] = _row(rows[month].period, Counts(changed))
    (gap,) = subperiod_gaps(DATA, rows)
    assert (gap.code, gap.key, gap.gap) == ("subperiod-gap", field, k)
    assert gap.period == month_run(FIRST + month // 3 * 3, 3).label  # the quarter holding the month
    assert months[month] != changed


@settings(max_examples=30, deadline=None)
@given(year_of_months(), st.integers(1, 40))
def test_a_quarter_that_closes_on_another_pending_is_one_warning(months: list[dict[str, int]], k: int) -> None:
    rows = _rows(months, year=False)
    quarter = rows[12]
    moved = dict(quarter.counts)
    moved["pending"] += k
    rows[12] = _row(quarter.period, Counts(moved))
    problems = subperiod_gaps(DATA, rows)
    assert [(p.key, p.gap, p.period) for p in problems] == [("pending", -k, "2022-Q1")]
    assert "(its last sub-period) closed with" in problems[0].message("en")


def test_a_run_of_months_smaller_than_the_months_it_holds(tmp_path: Path) -> None:
    # "January-April" printed 2 late dossiers while February alone had 2 and April alone had 2.
    path = tmp_path / "centre.toml"
    rows = [("2022-01..2022-04", 2), ("2022-02", 2), ("2022-04", 2)]
    path.write_text(
        "".join(
            f'[[figures]]\nperiod = "{p}"\nlevel = "province"\nresolved = 50\nresolved_late = {late}\n\n'
            for p, late in rows
        ),
        encoding="utf-8",
    )
    data = dataset.load([str(path)])
    from parcalc.analysis import calc

    problems = calc.compute(data).all_problems
    assert [(p.code, p.key, p.gap, p.period, p.line) for p in problems] == [
        ("subperiod-gap", "resolved", 50, "2022-01..2022-04", 4),
        ("subperiod-gap", "resolved_late", 2, "2022-01..2022-04", 5),
    ]
    late = next(p for p in problems if p.key == "resolved_late")
    assert late.message("en") == (
        "resolved_late of 2022-01..2022-04 is 2 but 2022-02, 2022-04 inside it already add up to 4 (+2 dossiers)"
    )
    assert late.message("vi") == (
        "resolved_late của kỳ 2022-01..2022-04 là 2 nhưng 2022-02, 2022-04 bên trong cộng lại đã là 4 (chênh +2 hồ sơ)"
    )


def test_a_partial_run_that_is_large_enough_is_fine() -> None:
    rows = [
        _row(month_run(FIRST, 4), Counts({"resolved": 100, "resolved_late": 5})),
        _row(month_run(FIRST + 1, 1), Counts({"resolved": 30, "resolved_late": 2})),
        _row(month_run(FIRST + 3, 1), Counts({"resolved": 20, "resolved_late": 3})),
    ]
    assert subperiod_gaps(DATA, rows) == []


def test_other_units_and_levels_are_not_compared() -> None:
    quarter = _row(month_run(FIRST, 3), Counts({"resolved": 10}))
    month = RowResult(month_run(FIRST, 1), "commune", "other", None, Counts({"resolved": 50}), frozenset(), {})
    assert subperiod_gaps(DATA, [quarter, month]) == []
