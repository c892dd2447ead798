"""Roll-up rules, each with figures small enough to check by hand."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from parcalc.analysis import calc
from parcalc.analysis.calc import Query, RowResult, carry_over_gaps
from parcalc.analysis.grouping import Grouping, GroupingError, earlier, roll_up
from parcalc.analysis.rollup import figures_for, scope_units
from parcalc.core.periods import Grain, parse_period
from parcalc.data import dataset

UNITS = """
[[units]]
id = "huyen"
level = "district"
parent = "tinh"
[[units]]
id = "tinh"
level = "province"
[[units]]
id = "xa-a"
level = "commune"
parent = "huyen"
[[units]]
id = "xa-b"
level = "commune"
parent = "huyen"
"""


def month(period: str, unit: str, new: int, carried: int, resolved: int, late: int, pending: int, **more: int) -> str:
    extra = "".join(f"{k} = {v}\n" for k, v in more.items())
    return (
        f'[[figures]]\nperiod = "{period}"\nlevel = "commune"\nunit = "{unit}"\n'
        f"received_new = {new}\ncarried_over = {carried}\nresolved = {resolved}\n"
        f"resolved_late = {late}\npending = {pending}\n{extra}"
    )


# xa-a: a consistent quarter (pending of one month = carried over of the next)
QUARTER_A = [
    month("2022-01", "xa-a", 10, 4, 9, 1, 5, received_online=4, services_with_dossiers=3),
    month("2022-02", "xa-a", 20, 5, 15, 3, 10, received_online=10, services_with_dossiers=2),
    month("2022-03", "xa-a", 30, 10, 36, 0, 4, received_online=15, services_with_dossiers=4),
]


def load(tmp_path: Path, *tables: str, head: str = UNITS) -> tuple[dataset.Dataset, list[RowResult]]:
    path = tmp_path / "data.toml"
    path.write_text(head + "\n".join(tables), encoding="utf-8")
    data = dataset.load([str(path)])
    return data, calc.analyse_all(data)


def test_quarter_from_months_follows_each_fields_rule(tmp_path: Path) -> None:
    data, rows = load(tmp_path, *QUARTER_A)
    q1 = figures_for(data, rows, parse_period("2022-Q1"), "commune", "xa-a")
    assert q1 is not None
    counts = q1.counts
    assert counts["received_new"] == 60  # flows add up
    assert counts["resolved"] == 60
    assert counts["resolved_late"] == 4
    assert counts["carried_over"] == 4  # the opening value of January
    assert counts["pending"] == 4  # the closing value of March
    assert counts["received"] == 64  # new + carried over, not the sum of monthly totals (89)
    assert "services_with_dossiers" not in counts  # distinct services cannot be added over months
    assert q1.metrics["late_rate"] == Fraction(4, 60)  # from summed counts
    assert q1.metrics["online_share"] == Fraction(29, 60)
    assert q1.metrics["services_with_dossiers_share"] is None
    assert [p.code for p in q1.problems] == ["not-summable"]
    assert not carry_over_gaps(data, rows)


def test_given_row_is_returned_as_is(tmp_path: Path) -> None:
    data, rows = load(tmp_path, *QUARTER_A)
    jan = figures_for(data, rows, parse_period("2022-01"), "commune", "xa-a")
    assert jan is rows[0]
    assert figures_for(data, rows, parse_period("2023"), "commune", "xa-a") is None


def test_missing_months_are_named_never_zero(tmp_path: Path) -> None:
    data, rows = load(tmp_path, QUARTER_A[0], QUARTER_A[1])
    q1 = figures_for(data, rows, parse_period("2022-Q1"), "commune", "xa-a")
    assert q1 is not None
    missing = [p for p in q1.problems if p.code == "missing-periods"]
    assert len(missing) == 1
    assert "2022-03" in missing[0].message()
    assert missing[0].severity == "warning" and missing[0].unit == "xa-a"
    assert q1.counts["received_new"] == 30  # built from the two months there are
    assert "pending" not in q1.counts  # March closes the quarter: its pending is unknown, not 0
    assert q1.counts["carried_over"] == 4


def test_missing_first_month_leaves_opening_unknown(tmp_path: Path) -> None:
    data, rows = load(tmp_path, QUARTER_A[1], QUARTER_A[2])
    q1 = figures_for(data, rows, parse_period("2022-Q1"), "commune", "xa-a")
    assert q1 is not None
    assert "carried_over" not in q1.counts and "received" not in q1.counts
    assert q1.counts["pending"] == 4
    assert "2022-01" in q1.problems[0].message()


def test_carry_over_gap_is_a_warning_with_the_difference(tmp_path: Path) -> None:
    data, rows = load(tmp_path, QUARTER_A[0], month("2022-02", "xa-a", 20, 8, 15, 3, 13))
    gaps = carry_over_gaps(data, rows)
    assert len(gaps) == 1
    gap = gaps[0]
    assert (gap.code, gap.severity, gap.gap, gap.period, gap.key) == (
        "carry-over-gap",
        "warning",
        3,
        "2022-02",
        "carried_over",
    )
    assert gap.line is not None
    assert "2022-01" in gap.message() and "+3" in gap.message()


def test_units_roll_up_through_parents(tmp_path: Path) -> None:
    data, rows = load(
        tmp_path,
        month("2022-01", "xa-a", 10, 4, 9, 1, 5),
        month("2022-01", "xa-b", 6, 0, 6, 2, 0),
    )
    period = parse_period("2022-01")
    huyen = figures_for(data, rows, period, "district", "huyen")
    tinh = figures_for(data, rows, period, "province", "tinh")
    assert huyen is not None and tinh is not None
    assert huyen.counts["received_new"] == 16 and tinh.counts["received_new"] == 16
    assert huyen.metrics["late_rate"] == Fraction(3, 15)
    level = figures_for(data, rows, period, "commune", None)
    assert level is not None and level.counts["resolved"] == 15
    assert scope_units(data, rows, "commune", None) == ["xa-a", "xa-b"]
    assert scope_units(data, rows, "district", "huyen") == ["huyen"]
    assert scope_units(data, rows, "province", None) == [None]


def test_a_unit_with_its_own_row_is_not_counted_twice(tmp_path: Path) -> None:
    own = (
        '[[figures]]\nperiod = "2022-01"\nlevel = "district"\nunit = "huyen"\n'
        "received_new = 100\ncarried_over = 0\nresolved = 90\nresolved_late = 9\npending = 10\n"
    )
    data, rows = load(tmp_path, own, month("2022-01", "xa-a", 10, 4, 9, 1, 5), month("2022-01", "xa-b", 6, 0, 6, 2, 0))
    tinh = figures_for(data, rows, parse_period("2022-01"), "province", "tinh")
    assert tinh is not None
    assert tinh.counts["received_new"] == 100  # the district's row, not 100 + its communes


def test_services_with_dossiers_adds_across_units(tmp_path: Path) -> None:
    data, rows = load(
        tmp_path,
        month("2022-01", "xa-a", 10, 4, 9, 1, 5, services_with_dossiers=3),
        month("2022-01", "xa-b", 6, 0, 6, 2, 0, services_with_dossiers=2),
    )
    huyen = figures_for(data, rows, parse_period("2022-01"), "district", "huyen")
    assert huyen is not None and huyen.counts["services_with_dossiers"] == 5


def test_a_unit_without_figures_in_the_period_is_reported(tmp_path: Path) -> None:
    data, rows = load(tmp_path, *QUARTER_A, month("2022-02", "xa-b", 6, 0, 6, 2, 0))
    huyen = figures_for(data, rows, parse_period("2022-01"), "district", "huyen")
    assert huyen is not None and huyen.counts["received_new"] == 10
    assert [p.code for p in huyen.problems] == ["missing-periods"]
    assert "xa-b" in huyen.problems[0].message()


def test_reporting_windows_from_the_15th(tmp_path: Path) -> None:
    head = "[parcalc]\nperiod_start_day = 15\n" + UNITS
    data, rows = load(tmp_path, *QUARTER_A, head=head)
    q1 = figures_for(data, rows, data.parse_period("2022-Q1"), "commune", "xa-a")
    assert q1 is not None and q1.counts["received_new"] == 60
    assert (q1.period.start.isoformat(), q1.period.end.isoformat()) == ("2021-12-15", "2022-03-14")
    window = data.parse_period({"start": parse_period("2021-12").start.replace(day=15), "end": q1.period.end})
    assert window == q1.period


def test_grain_and_grouping(tmp_path: Path) -> None:
    data, rows = load(tmp_path, *QUARTER_A, month("2022-01", "xa-b", 6, 0, 6, 2, 0))
    result = roll_up(data, rows, Grouping(Grain.QUARTER, frozenset({"level"})), Query())
    keys = [(r.period.label, r.level, r.unit) for r in result.rows]
    assert keys == [("2022-Q1", "commune", None), ("2022-Q1", None, None)]
    assert result.rows[0].counts["received_new"] == 66
    assert any(p.code == "missing-periods" and p.unit == "xa-b" for p in result.rows[0].problems)
    by_unit = roll_up(data, rows, Grouping(Grain.QUARTER, frozenset({"unit"}), total=False), Query())
    assert [r.unit for r in by_unit.rows] == ["tinh", "huyen", "xa-a", "xa-b"]


def test_rolling_down_is_refused(tmp_path: Path) -> None:
    year = month("2022", "xa-a", 10, 4, 9, 1, 5)
    data, rows = load(tmp_path, year)
    with pytest.raises(GroupingError, match="rolling down"):
        roll_up(data, rows, Grouping(Grain.QUARTER), Query())


def test_compare_periods() -> None:
    assert earlier(parse_period("2022-Q1"), "previous").label == "2021-Q4"
    assert earlier(parse_period("2022-01..2022-09"), "last-year").label == "2021-01..2021-09"
    assert earlier(parse_period("2022-H2"), "previous").label == "2022-H1"
    window = parse_period("2024-02-01..2024-02-29")
    assert earlier(window, "last-year").end.isoformat() == "2023-02-28"


def test_compare_gives_change_in_points_and_dossiers(tmp_path: Path) -> None:
    data, rows = load(tmp_path, QUARTER_A[0], QUARTER_A[1])
    result = roll_up(data, rows, Grouping(compare="previous"), Query(periods=(parse_period("2022-02"),)))
    [row] = result.rows
    assert row.compare is not None
    before_period, before = row.compare
    assert before_period.label == "2022-01" and before is not None
    from parcalc.reports.compute import count_change, metric_change

    assert count_change(row, "received_new") == 10
    assert metric_change(row, "late_rate") == Fraction(3, 15) - Fraction(1, 9)
