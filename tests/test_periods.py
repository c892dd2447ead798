"""The period grammar, reporting windows from the 15th, explicit date windows, grains and roll-up shapes."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from parcalc.analysis import calc
from parcalc.core.periods import Grain, PeriodError, containing, month_index, month_run, parse_period
from parcalc.data import dataset


@pytest.mark.parametrize(
    ("text", "start", "end", "label", "months", "grain"),
    [
        ("2022", date(2022, 1, 1), date(2022, 12, 31), "2022", 12, Grain.YEAR),
        ("2022-H1", date(2022, 1, 1), date(2022, 6, 30), "2022-H1", 6, Grain.HALF),
        ("2022-h2", date(2022, 7, 1), date(2022, 12, 31), "2022-H2", 6, Grain.HALF),
        ("2022-Q3", date(2022, 7, 1), date(2022, 9, 30), "2022-Q3", 3, Grain.QUARTER),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-02", 1, Grain.MONTH),
        ("2022-01..2022-09", date(2022, 1, 1), date(2022, 9, 30), "2022-01..2022-09", 9, None),
        ("2021-11..2022-02", date(2021, 11, 1), date(2022, 2, 28), "2021-11..2022-02", 4, None),
        ("2022-04..2022-06", date(2022, 4, 1), date(2022, 6, 30), "2022-Q2", 3, Grain.QUARTER),
        (" 2022-09 ", date(2022, 9, 1), date(2022, 9, 30), "2022-09", 1, Grain.MONTH),
    ],
)
def test_calendar_periods(text: str, start: date, end: date, label: str, months: int, grain: Grain | None) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.label, period.months, period.grain) == (start, end, label, months, grain)
    assert str(period) == label


@pytest.mark.parametrize(
    ("text", "start", "end", "months"),
    [
        ("2022", date(2021, 12, 15), date(2022, 12, 14), 12),
        ("2022-H1", date(2021, 12, 15), date(2022, 6, 14), 6),
        ("2022-H2", date(2022, 6, 15), date(2022, 12, 14), 6),
        ("2022-Q3", date(2022, 6, 15), date(2022, 9, 14), 3),
        ("2022-01", date(2021, 12, 15), date(2022, 1, 14), 1),
        ("2022-03", date(2022, 2, 15), date(2022, 3, 14), 1),
        ("2022-01..2022-09", date(2021, 12, 15), date(2022, 9, 14), 9),
    ],
)
def test_windows_from_the_15th(text: str, start: date, end: date, months: int) -> None:
    period = parse_period(text, start_day=15)
    assert (period.start, period.end, period.months, period.label) == (start, end, months, text)


def test_explicit_window_that_lines_up_is_the_named_period() -> None:
    window = parse_period({"start": date(2021, 12, 15), "end": date(2022, 6, 14)}, start_day=15)
    assert window == parse_period("2022-H1", start_day=15)
    assert (window.label, window.months, window.grain) == ("2022-H1", 6, Grain.HALF)
    calendar = parse_period({"start": date(2022, 1, 1), "end": date(2022, 12, 31)})
    assert (calendar.label, calendar.months) == ("2022", 12)


def test_explicit_window_in_text_form() -> None:
    window = parse_period("2021-12-15..2022-06-14", start_day=15)
    assert window.label == "2022-H1"


def test_whole_months_off_the_reporting_day_keep_their_dates() -> None:
    # Six whole months, but not reporting months of a calendar file: a month count, no grain.
    window = parse_period({"start": date(2021, 12, 15), "end": date(2022, 6, 14)})
    assert (window.label, window.months, window.grain) == ("2021-12-15..2022-06-14", 6, None)
    assert window.sub_periods(Grain.MONTH) is None


def test_window_of_odd_days_has_no_month_count() -> None:
    window = parse_period({"start": date(2022, 1, 1), "end": date(2022, 1, 20)})
    assert (window.start, window.end, window.months, window.grain) == (date(2022, 1, 1), date(2022, 1, 20), None, None)
    assert window.label == "2022-01-01..2022-01-20"


def test_equal_windows_are_equal_periods_whatever_their_spelling() -> None:
    assert parse_period("2022-01..2022-06") == parse_period("2022-H1")
    assert parse_period("2022-01..2022-12") == parse_period("2022")
    assert parse_period("2022-Q1") < parse_period("2022-Q2")
    assert parse_period("2022-H1", 15) != parse_period("2022-H1", 1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2022-13", "month 13 is not between 01 and 12"),
        ("2022-00", "month 00"),
        ("2022-H3", "cannot read period '2022-H3'"),
        ("2022-Q5", "cannot read period"),
        ("22-H1", "cannot read period"),
        ("6 tháng đầu năm 2022", "cannot read period"),
        ("2022-09..2022-01", "ends before it starts"),
        ("2022-02-30..2022-03-01", "2022-02-30"),
        ("2022-06-30..2022-01-01", "before it starts"),
        (2022, "a period is text"),
        ({"start": date(2022, 1, 1)}, "exactly the keys start and end"),
        ({"start": "2022-01-01", "end": "2022-06-30"}, "must be dates"),
        ({"start": date(2022, 6, 30), "end": date(2022, 1, 1)}, "before it starts"),
    ],
)
def test_bad_periods_say_why(value: object, message: str) -> None:
    with pytest.raises(PeriodError, match=message.replace("(", r"\(").replace("..", r"\.\.")):
        parse_period(value)


def test_grammar_is_in_the_message_for_unreadable_text() -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period("H1/2022")
    assert "2022-H1" in str(caught.value) and "2022-01..2022-09" in str(caught.value)


def test_grains_are_ordered_and_parsed() -> None:
    assert Grain.MONTH < Grain.QUARTER < Grain.HALF < Grain.YEAR
    assert Grain.parse(" Quarter ") is Grain.QUARTER
    with pytest.raises(PeriodError, match="choose one of month, quarter, half, year"):
        Grain.parse("week")


def test_sub_periods_tile_a_period() -> None:
    half = parse_period("2022-H1")
    assert [p.label for p in half.sub_periods(Grain.QUARTER) or []] == ["2022-Q1", "2022-Q2"]
    assert [p.label for p in half.sub_periods(Grain.MONTH) or []] == [f"2022-{m:02d}" for m in range(1, 7)]
    assert half.sub_periods(Grain.YEAR) is None  # rolling down is refused
    assert parse_period("2022-02..2022-07").sub_periods(Grain.QUARTER) is None  # quarters do not tile it


def test_sub_periods_keep_the_reporting_day() -> None:
    months = parse_period("2022-Q1", 15).sub_periods(Grain.MONTH) or []
    assert [(p.start, p.end) for p in months] == [
        (date(2021, 12, 15), date(2022, 1, 14)),
        (date(2022, 1, 15), date(2022, 2, 14)),
        (date(2022, 2, 15), date(2022, 3, 14)),
    ]


def test_containing_period_of_a_month() -> None:
    august = month_index(2022, 8)
    assert containing(august, Grain.QUARTER).label == "2022-Q3"
    assert containing(august, Grain.HALF).label == "2022-H2"
    assert containing(august, Grain.YEAR).label == "2022"
    assert containing(august, Grain.HALF, 15).start == date(2022, 6, 15)


def test_month_run_across_a_year_end() -> None:
    run = month_run(month_index(2021, 12), 3)
    assert (run.label, run.start, run.end, run.months) == ("2021-12..2022-02", date(2021, 12, 1), date(2022, 2, 28), 3)


def test_a_file_with_windows_from_the_15th(tmp_path: Path) -> None:
    # The named half-year and its explicit window are one row; a calendar month is not a reporting month.
    path = tmp_path / "windows.toml"
    path.write_text(
        "[parcalc]\nperiod_start_day = 15\n\n"
        '[[figures]]\nperiod = "2022-H1"\nlevel = "commune"\nresolved = 10\n\n'
        '[[figures]]\nperiod = { start = 2021-12-15, end = 2022-06-14 }\nlevel = "commune"\nresolved_late = 1\n\n'
        '[[figures]]\nperiod = "2022-01-01..2022-01-31"\nlevel = "commune"\necert = 31\n',
        encoding="utf-8",
    )
    rows = {r.period.label: r for r in calc.analyse_all(dataset.load([str(path)]))}
    assert set(rows) == {"2022-H1", "2022-01-01..2022-01-31"}
    half = rows["2022-H1"]
    assert (half.period.start, half.period.end, half.period.months) == (date(2021, 12, 15), date(2022, 6, 14), 6)
    assert half.metrics["late_rate"] == Fraction(1, 10)
    january = rows["2022-01-01..2022-01-31"]
    assert january.period.months == 1  # a whole month, so a per-month metric still has its count
    assert january.metrics["ecert_per_month"] == 31
