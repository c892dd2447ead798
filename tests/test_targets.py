"""Targets: thresholds read exactly, every operator, scopes and modes, and the shortfall at its boundaries."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from parcalc.analysis import calc
from parcalc.analysis.calc import RowResult
from parcalc.core.metrics import Registry
from parcalc.core.periods import parse_period
from parcalc.data import dataset
from parcalc.data.dataset import Dataset
from parcalc.data.thresholds import ThresholdError, check_reachable, read_threshold
from parcalc.targets.check import Check, Filters, TargetResult, TargetsResult, combine, evaluate, judge, shortfall

REGISTRY = Registry()
ONLINE = REGISTRY["online_share"]
LATE = REGISTRY["late_rate"]
ECERT = REGISTRY["ecert_per_month"]


def load(tmp_path: Path, text: str) -> tuple[Dataset, list[RowResult]]:
    path = tmp_path / "data.toml"
    path.write_text(text, encoding="utf-8")
    data = dataset.load([str(path)])
    return data, calc.analyse_all(data)


def check(tmp_path: Path, text: str, **kwargs: object) -> TargetsResult:
    data, rows = load(tmp_path, text)
    return evaluate(data, rows, **kwargs)  # type: ignore[arg-type]


def by_unit(result: TargetsResult) -> dict[str | None, TargetResult]:
    return {r.unit: r for r in result.results}


# --- thresholds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("35%", Fraction(7, 20)),
        ("35,5%", Fraction(71, 200)),
        ("35.5%", Fraction(71, 200)),
        (0.35, Fraction(7, 20)),
        ("0,35", Fraction(7, 20)),
        ("100%", Fraction(1)),
        (0.0, Fraction(0)),
        (1.0, Fraction(1)),
    ],
)
def test_rate_thresholds_are_exact(raw: str | float, expected: Fraction) -> None:
    assert read_threshold(raw, ONLINE) == expected


@pytest.mark.parametrize(("raw", "expected"), [(30, Fraction(30)), (30.5, Fraction(61, 2)), ("30", Fraction(30))])
def test_count_thresholds(raw: str | float, expected: Fraction) -> None:
    assert read_threshold(raw, ECERT) == expected


@pytest.mark.parametrize(
    ("raw", "metric", "message"),
    [
        (30, ONLINE, 'write "30%"'),
        ("30%", ECERT, "is a percentage"),
        ("120%", ONLINE, "above 100%"),
        (1.5, ONLINE, "above 100%"),
        (-3, ECERT, "negative"),
        (True, ONLINE, "got true"),
        ("abc", ONLINE, "cannot read"),
    ],
)
def test_thresholds_that_do_not_fit_their_metric(raw: object, metric: object, message: str) -> None:
    with pytest.raises(ThresholdError, match=message):
        read_threshold(raw, metric)  # type: ignore[arg-type]


def test_unreachable_targets_are_refused() -> None:
    with pytest.raises(ThresholdError, match="never be met"):
        check_reachable(">", Fraction(1), ONLINE)
    with pytest.raises(ThresholdError, match="never be met"):
        check_reachable("<", Fraction(0), ECERT)
    check_reachable(">=", Fraction(1), ONLINE)
    check_reachable(">", Fraction(40), ECERT)


# --- shortfall arithmetic ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "op", "threshold", "expected"),
    [
        # >= : the smallest k with (n + k) / d >= t
        (50, 100, ">=", Fraction(1, 2), (0, 50)),  # exactly at the threshold
        (49, 100, ">=", Fraction(1, 2), (1, 50)),  # one dossier short
        (0, 7, ">=", Fraction(1, 2), (4, 4)),  # 3.5 rounds up to 4
        (10, 10, ">=", Fraction(1), (0, 10)),
        (9, 10, ">=", Fraction(1), (1, 10)),
        # > : strictly above
        (50, 100, ">", Fraction(1, 2), (1, 51)),
        (51, 100, ">", Fraction(1, 2), (0, 51)),
        # <= : late dossiers over the allowance
        (1, 100, "<=", Fraction(1, 100), (0, 1)),
        (2, 100, "<=", Fraction(1, 100), (1, 1)),
        (36, 2295, "<=", Fraction(1, 100), (14, 22)),
        # < : strictly below
        (1, 100, "<", Fraction(1, 100), (1, 0)),
        (0, 100, "<", Fraction(1, 100), (0, 0)),
        (3, 250, "<", Fraction(1, 100), (1, 2)),
        # == : the one numerator that equals
        (40, 100, "==", Fraction(1, 2), (10, 50)),
        (50, 100, "==", Fraction(1, 2), (0, 50)),
        (1, 3, "==", Fraction(1, 2), (None, None)),
        # per month: 30 a month over 6 months is 180 due
        (97, 6, ">=", Fraction(30), (83, 180)),
        (180, 6, ">=", Fraction(30), (0, 180)),
        (179, 6, ">=", Fraction(30), (1, 180)),
        (183, 6, ">=", Fraction(61, 2), (0, 183)),
    ],
)
def test_shortfall(
    numerator: int, denominator: int, op: str, threshold: Fraction, expected: tuple[int | None, int | None]
) -> None:
    assert shortfall(numerator, denominator, op, threshold) == expected


def test_a_shortfall_always_meets_and_one_less_does_not() -> None:
    for denominator in range(1, 40):
        for percent in range(0, 101, 7):
            threshold = Fraction(percent, 100)
            for numerator in range(denominator + 1):
                k, _ = shortfall(numerator, denominator, ">=", threshold)
                assert k is not None
                assert Fraction(numerator + k, denominator) >= threshold
                if k:
                    assert Fraction(numerator + k - 1, denominator) < threshold
                over, _ = shortfall(numerator, denominator, "<=", threshold)
                assert over is not None
                assert Fraction(numerator - over, denominator) <= threshold
                if over:
                    assert Fraction(numerator - over + 1, denominator) > threshold


# --- judging one value ---------------------------------------------------------------------------------


def counts(**values: int) -> object:
    from parcalc.core.counts import Counts

    return Counts(values)


@pytest.mark.parametrize(
    ("op", "online", "status"),
    [
        (">=", 50, "met"),
        (">=", 49, "missed"),
        (">", 50, "missed"),
        (">", 51, "met"),
        ("<=", 50, "met"),
        ("<=", 51, "missed"),
        ("<", 50, "missed"),
        ("<", 49, "met"),
        ("==", 50, "met"),
        ("==", 51, "missed"),
    ],
)
def test_every_operator(op: str, online: int, status: str) -> None:
    found = judge(ONLINE, counts(received_online=online, received_new=100), None, op, Fraction(1, 2), None, False)  # type: ignore[arg-type]
    assert found.status == status
    assert found.actual == Fraction(online, 100)
    assert (found.shortfall == 0) is (status == "met")


def test_a_zero_denominator_is_no_data_never_a_miss_or_a_zero() -> None:
    found = judge(ONLINE, counts(received_online=0, received_new=0), None, ">=", Fraction(1, 2), None, False)  # type: ignore[arg-type]
    assert (found.status, found.actual, found.shortfall) == ("no_data", None, None)
    strict = judge(ONLINE, counts(received_online=0, received_new=0), None, ">=", Fraction(1, 2), None, True)  # type: ignore[arg-type]
    assert (strict.status, strict.shortfall) == ("missed", None)
    missing = judge(ONLINE, counts(received_new=10), None, ">=", Fraction(1, 2), None, False)  # type: ignore[arg-type]
    assert missing.status == "no_data"


def test_per_month_combination() -> None:
    month = parse_period("2022-01")
    met = Check(month, Fraction(31), "met", 0)
    missed = Check(month, Fraction(25), "missed", 5)
    empty = Check(month, None, "no_data")
    assert combine(None, [met, met], ">=", Fraction(30)).status == "met"
    both = combine(None, [met, missed, Check(month, Fraction(28), "missed", 2)], ">=", Fraction(30))
    assert (both.status, both.actual, both.shortfall) == ("missed", Fraction(25), 7)
    assert combine(None, [met, empty], ">=", Fraction(30)).status == "no_data"
    assert combine(None, [missed, empty], ">=", Fraction(30)).status == "missed"
    assert combine(None, [], ">=", Fraction(30)).status == "no_data"
    assert combine(None, [met, missed], "<=", Fraction(30)).actual == Fraction(31)


# --- the Duyên Hải example: both targets met, on the denominators the report used ---------------------


def test_duyen_hai_targets_are_met_with_the_reports_denominators() -> None:
    root = Path(__file__).resolve().parent.parent
    data = dataset.load([str(root / "examples" / "duyen-hai-2022.toml")])
    result = evaluate(data, calc.analyse_all(data))
    found = {r.name: r for r in result.results}
    desk = found["online-share-district-desk"]
    assert (desk.status, desk.check.numerator, desk.check.denominator) == ("met", 1144, 2329)
    assert desk.check.actual == Fraction(1144, 2329)
    assert desk.check.required == 932  # 40% of 2.329 is 931,6
    communes = found["online-share-communes"]
    assert (communes.status, communes.check.numerator, communes.check.denominator) == ("met", 12759, 29781)
    assert communes.level == "commune" and communes.unit is None
    assert result.summary == {"met": 2, "missed": 0, "no_data": 0}


# --- scopes, periods and modes -------------------------------------------------------------------------

UNITS = """
[[units]]
id = "a"
name = "Xã A"
level = "commune"
parent = "d"

[[units]]
id = "b"
name = "Xã B"
level = "commune"
parent = "d"

[[units]]
id = "d"
name = "Huyện D"
level = "district"
"""


def figures(period: str, unit: str, online: int, new: int, ecert: int | None = None) -> str:
    extra = f"ecert = {ecert}\n" if ecert is not None else ""
    return (
        f'[[figures]]\nperiod = "{period}"\nlevel = "commune"\nunit = "{unit}"\n'
        f"received_online = {online}\nreceived_new = {new}\n{extra}\n"
    )


def target(name: str, **keys: object) -> str:
    lines = [f'[[targets]]\nname = "{name}"']
    for key, value in keys.items():
        lines.append(f"{key} = {value!r}".replace("'", '"'))
    return "\n".join(lines) + "\n\n"


def test_a_level_target_is_checked_for_each_unit(tmp_path: Path) -> None:
    text = UNITS + figures("2022", "a", 40, 100) + figures("2022", "b", 30, 100)
    text += target("t", metric="online_share", value="35%", level="commune")
    results = by_unit(check(tmp_path, text))
    assert results["a"].status == "met" and results["b"].status == "missed"
    assert results["b"].check.shortfall == 5
    assert results["a"].unit_name == "Xã A"


def test_a_unit_target_without_a_level_finds_the_units_level(tmp_path: Path) -> None:
    text = UNITS + figures("2022", "a", 40, 100) + figures("2022", "b", 30, 100)
    text += target("t", metric="online_share", value="35%", unit="b")
    [only] = check(tmp_path, text).results
    assert (only.unit, only.level, only.status) == ("b", "commune", "missed")


def test_a_district_target_rolls_its_communes_up(tmp_path: Path) -> None:
    text = UNITS + figures("2022", "a", 40, 100) + figures("2022", "b", 30, 100)
    text += target("t", metric="online_share", value="35%", unit="d")
    [only] = check(tmp_path, text).results
    assert (only.check.numerator, only.check.denominator, only.status) == (70, 200, "met")


def test_a_target_without_a_period_is_checked_for_each_period(tmp_path: Path) -> None:
    text = UNITS + figures("2022-01", "a", 40, 100) + figures("2022-02", "a", 30, 100)
    text += target("t", metric="online_share", value="35%", unit="a")
    results = check(tmp_path, text).results
    assert [(r.period.label if r.period else None, r.status) for r in results] == [
        ("2022-01", "met"),
        ("2022-02", "missed"),
    ]


def test_an_aggregate_target_over_months_adds_the_counts(tmp_path: Path) -> None:
    text = UNITS + figures("2022-01", "a", 40, 100) + figures("2022-02", "a", 30, 100)
    text += target("t", metric="online_share", value="35%", unit="a", period="2022-01..2022-02")
    [only] = check(tmp_path, text).results
    assert (only.check.actual, only.status) == (Fraction(70, 200), "met")


MONTHS = "".join(
    figures(f"2022-{m:02d}", unit, 1, 1, ecert)
    for unit, values in (("a", (30, 31, 29, 40, 30, 30)), ("b", (30, 30, 30, 30, 30, 30)))
    for m, ecert in enumerate(values, start=1)
)


def test_per_month_lists_each_month_and_misses_on_one(tmp_path: Path) -> None:
    text = UNITS + MONTHS + target("e", metric="ecert_per_month", value=30, level="commune", per="month")
    results = by_unit(check(tmp_path, text))
    a, b = results["a"], results["b"]
    assert a.period is not None and a.period.label == "2022-H1"  # first to last month with figures
    assert a.months is not None and [m.status for m in a.months].count("missed") == 1
    assert (a.status, a.check.actual, a.check.shortfall) == ("missed", Fraction(29), 1)
    missed = next(m for m in a.months if m.status == "missed")
    assert missed.period is not None and missed.period.label == "2022-03"
    assert (b.status, b.check.shortfall) == ("met", 0)  # exactly 30 every month


def test_aggregate_per_month_metric_uses_the_months_of_the_period(tmp_path: Path) -> None:
    text = UNITS + MONTHS + target("e", metric="ecert_per_month", value=31, level="commune", period="2022-H1")
    a = by_unit(check(tmp_path, text))["a"]
    assert (a.check.numerator, a.check.denominator, a.check.required) == (190, 6, 186)
    assert (a.status, a.check.actual) == ("met", Fraction(190, 6))


def test_a_missing_month_is_no_data_and_a_warning(tmp_path: Path) -> None:
    text = UNITS + figures("2022-01", "a", 1, 1, 30) + figures("2022-03", "a", 1, 1, 30)
    text += target("each", metric="ecert_per_month", value=30, unit="a", period="2022-Q1", per="month")
    text += target("sum", metric="ecert_per_month", value=30, unit="a", period="2022-Q1")
    result = check(tmp_path, text)
    each, total = result.results
    assert each.months is not None and [m.status for m in each.months] == ["met", "no_data", "met"]
    assert each.status == "no_data"
    # the average is over the two months with figures: a missing month is not a zero month
    assert (total.check.numerator, total.check.denominator, total.status) == (60, 2, "met")
    assert [p.code for p in result.problems] == ["missing-periods"]
    strict = check(tmp_path, text, fail_on_no_data=True).results[0]
    assert strict.status == "missed"


def test_a_target_with_no_figures_in_scope_is_reported_as_no_data(tmp_path: Path) -> None:
    text = UNITS + figures("2022", "a", 40, 100) + target("t", metric="online_share", value="35%", level="district")
    [only] = check(tmp_path, text).results
    assert (only.period, only.status, only.level) == (None, "no_data", "district")


def test_filters_rescope_unscoped_targets_and_pick_targets(tmp_path: Path) -> None:
    text = UNITS + figures("2022", "a", 40, 100) + figures("2022", "b", 30, 100)
    text += target("whole", metric="online_share", value="35%")
    text += target("district", metric="online_share", value="35%", level="district")
    data, rows = load(tmp_path, text)
    whole = evaluate(data, rows).results
    assert [(r.name, r.level, r.unit, r.status) for r in whole] == [
        ("whole", None, None, "met"),
        ("district", "district", None, "no_data"),
    ]
    per_commune = evaluate(data, rows, Filters(levels=("commune",))).results
    assert [(r.name, r.unit, r.status) for r in per_commune] == [("whole", "a", "met"), ("whole", "b", "missed")]
    named = evaluate(data, rows, Filters(names=("district",))).results
    assert [r.name for r in named] == ["district"]
    period = evaluate(data, rows, Filters(periods=(parse_period("2023"),), names=("whole",))).results
    assert [(r.period.label if r.period else None, r.status) for r in period] == [("2023", "no_data")]


# --- scoring -------------------------------------------------------------------------------------------


def test_points_scale_with_attainment_up_to_the_full_mark(tmp_path: Path) -> None:
    text = UNITS + figures("2022", "a", 40, 100) + figures("2022", "b", 60, 100)
    text += target("t", metric="online_share", value="35%", level="commune", points=12, full_mark="50%")
    text += target("late", metric="online_share", value="30%", op="<=", level="commune", points=4)
    results = check(tmp_path, text).results
    scores = {(r.name, r.unit): r.score for r in results}
    assert scores[("t", "a")] == Fraction(12) * Fraction(40, 50)
    assert scores[("t", "b")] == 12  # capped at the points
    assert scores[("late", "a")] == 4 * Fraction(30, 40)  # lower is better: points x threshold / actual
    assert scores[("late", "b")] == 2


def test_no_data_scores_zero_and_a_target_without_points_none(tmp_path: Path) -> None:
    text = UNITS + figures("2022", "a", 0, 0)
    text += target("t", metric="online_share", value="35%", unit="a", points=10)
    text += target("u", metric="online_share", value="35%", unit="a")
    t, u = check(tmp_path, text).results
    assert (t.status, t.score) == ("no_data", 0)
    assert u.score is None


def test_unit_filter_narrows_a_level_target(tmp_path: Path) -> None:
    text = UNITS + figures("2022", "a", 40, 100) + figures("2022", "b", 30, 100)
    text += target("t", metric="online_share", value="35%", level="commune")
    data, rows = load(tmp_path, text)
    assert [r.unit for r in evaluate(data, rows, Filters(units=("b",))).results] == ["b"]
    assert evaluate(data, rows, Filters(levels=("district",))).results == []
