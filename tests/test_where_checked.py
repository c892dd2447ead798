"""Targets are checked where the data is; a filter or a period that matches nothing is a loud mistake."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import parcalc
from parcalc.analysis import calc, grouping
from parcalc.analysis.calc import Query
from parcalc.data import dataset
from parcalc.targets import check

if TYPE_CHECKING:
    from conftest import Ran

ROOT = Path(__file__).resolve().parent.parent
BINH_PHUOC = str(ROOT / "examples" / "binh-phuoc-2022-h1.toml")
ROLLUP = str(ROOT / "examples" / "rollup-3tier.toml")


def _results(*args: str) -> list[tuple[str, str | None, str | None, str]]:
    data = parcalc.load(BINH_PHUOC, presets=["qd766-2022"])
    rows = calc.analyse_all(data)
    filters = check.Filters(levels=args)
    return [(r.name, r.level, r.unit, r.status) for r in check.evaluate(data, rows, filters).results]


def test_a_preset_is_checked_on_each_level_that_has_the_inputs(cli: Callable[..., Ran]) -> None:
    ran = cli(["check-targets", BINH_PHUOC, "--preset", "qd766-2022", "-f", "json", "-q"])
    assert ran.code == 1  # the progress rate of 96,40% misses 100%
    results = {(r["target"], r["level"], r["unit"]): r for r in ran.json()["results"]}
    progress = results[("qd766-progress", "province", None)]
    assert progress["status"] == "missed"
    assert progress["actual"] == pytest.approx(0.9640357, abs=1e-6)
    # the catalogue is counted on the province's unit row: that is where the online-services share is
    assert results[("qd766-online-services", "province", "binh-phuoc")]["status"] == "met"
    # no level gives online dossiers: one result without data, for the whole
    assert results[("qd766-online-submission", None, None)]["status"] == "no_data"
    assert ran.json()["summary"] == {"met": 1, "missed": 1, "no_data": 2}


def test_with_level_province_the_level_row_is_checked_not_only_the_catalogue_unit() -> None:
    found = _results("province")
    assert ("qd766-progress", "province", None, "missed") in found
    assert ("qd766-online-services", "province", "binh-phuoc", "met") in found
    # the unit that only holds the catalogue is not checked for the progress rate
    assert not any(name == "qd766-progress" and unit == "binh-phuoc" for name, _, unit, _ in found)


def test_a_result_without_data_names_the_counts_that_are_missing_and_where() -> None:
    data = parcalc.load(BINH_PHUOC, presets=["qd766-2022"])
    rows = calc.analyse_all(data)
    results = check.evaluate(data, rows).results
    online = next(r for r in results if r.name == "qd766-online-submission")
    assert online.missing == [("received_online", level) for level in ("province", "district", "commune")]
    district = next(
        r for r in check.evaluate(data, rows, check.Filters(levels=("district",))).results if r.name == "qd766-progress"
    )
    assert district.status == "no_data"
    assert ("pending_within", "district") in district.missing


def _report(files: list[str], query: Query, how: grouping.Grouping = grouping.Grouping()) -> calc.ComputeResult:
    data = dataset.load(files)
    return grouping.report(data, calc.analyse_all(data), how, query)


@pytest.mark.parametrize(("asked", "months"), [("2022", 12), ("2022-01..2022-09", 9), ("2022-Q1", 3)])
def test_an_asked_period_is_built_from_the_rows_inside_it(asked: str, months: int) -> None:
    data = dataset.load([ROLLUP])
    period = data.parse_period(asked)
    result = _report([ROLLUP], Query(periods=(period,)))
    assert result.rows
    assert {r.period for r in result.rows} == {period}
    monthly = [r for r in calc.analyse_all(data) if r.period.start >= period.start and r.period.end <= period.end]
    for row in result.rows:
        own = [r for r in monthly if (r.level, r.unit) == (row.level, row.unit)]
        assert len(own) == months
        assert row.counts["received_new"] == sum(r.counts["received_new"] for r in own)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (Query(levels=("ward",)), "'ward' is not one of province, district, commune"),
        (Query(levels=("comune",)), "did you mean 'commune'?"),
        (Query(units=("xa-an-bin",)), "did you mean 'xa-an-binh'?"),
        (Query(units=("nope",)), "no unit 'nope' in the files"),
        (Query(units=("huyen-an-phu",)), "add --by unit"),
    ],
)
def test_a_filter_that_matches_nothing_is_a_usage_error(query: Query, message: str) -> None:
    with pytest.raises(grouping.GroupingError, match=message.replace("(", r"\(").replace("?", r"\?")):
        _report([ROLLUP], query)


def test_a_period_the_files_do_not_cover_is_a_usage_error_that_says_what_they_hold() -> None:
    data = dataset.load([ROLLUP])
    with pytest.raises(grouping.GroupingError, match=r"no figures for 2031; the files hold 2021-01 to 2022-12"):
        _report([ROLLUP], Query(periods=(data.parse_period("2031"),)))
    h1 = dataset.load([BINH_PHUOC])
    with pytest.raises(grouping.GroupingError, match=r"the files hold 2022-H1, longer periods that cannot be split"):
        _report([BINH_PHUOC], Query(periods=(h1.parse_period("2022-Q1"),)))


def test_a_one_day_window_with_grain_year_says_it_is_not_a_whole_year(tmp_path: Path) -> None:
    path = tmp_path / "day.toml"
    path.write_text(
        '[[figures]]\nperiod = { start = 2025-01-01, end = 2025-01-01 }\nlevel = "province"\nreceived_new = 5\n',
        encoding="utf-8",
    )
    from parcalc.core.periods import Grain

    with pytest.raises(grouping.GroupingError, match=r"2025-01-01\.\.2025-01-01 is not a whole year"):
        _report([str(path)], Query(), grouping.Grouping(grain=Grain.YEAR))


def test_the_not_rolled_down_warning_names_the_grain_in_vietnamese(tmp_path: Path) -> None:
    path = tmp_path / "mixed.toml"
    path.write_text(
        '[[figures]]\nperiod = "2022-H1"\nlevel = "province"\nreceived_new = 5\n'
        '[[figures]]\nperiod = "2022-04"\nlevel = "province"\nreceived_new = 1\n',
        encoding="utf-8",
    )
    from parcalc.core.periods import Grain

    result = _report([str(path)], Query(), grouping.Grouping(grain=Grain.QUARTER))
    (problem,) = [p for p in result.problems if p.code == "not-rolled-down"]
    assert problem.message("vi") == "kỳ 2022-H1 dài hơn một quý, không chia nhỏ được; không đưa vào tổng hợp"
    assert "longer than a quarter" in problem.message("en")
    assert json.dumps(problem.message("vi"), ensure_ascii=False).count("quarter") == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compute", ROLLUP, "--unit", "nope"], "parcalc: --unit: no unit 'nope' in the files"),
        (["compute", ROLLUP, "--level", "comune"], "did you mean 'commune'?"),
        (["compute", ROLLUP, "--period", "2031"], "no figures for 2031; the files hold 2021-01 to 2022-12"),
        (["check-targets", ROLLUP, "--preset", "qd766-2022", "--unit", "xa-an-bin"], "did you mean 'xa-an-binh'?"),
    ],
)
def test_the_cli_refuses_a_filter_that_matches_nothing(cli: Callable[..., Ran], args: list[str], message: str) -> None:
    ran = cli([*args, "-f", "json"])
    assert ran.code == 2
    assert message in ran.stderr
    assert ran.stdout == ""


@pytest.mark.parametrize(("asked", "months"), [("2022", 12), ("2022-01..2022-09", 9), ("2022-Q1", 3)])
def test_compute_period_builds_the_period_through_the_cli(cli: Callable[..., Ran], asked: str, months: int) -> None:
    ran = cli(["compute", ROLLUP, "--period", asked, "-f", "json", "-q"])
    assert ran.code == 0
    rows = ran.json()["rows"]
    assert rows
    assert {(r["period"], r["months"]) for r in rows} == {(asked, months)}
