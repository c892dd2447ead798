"""Published reports read as their authors meant them (issue 13): tests/golden/published.json.

Each case is a table from a real published report, with the counts exactly as printed. Every case is
written as a data file and computed end to end: every printed percentage is reproduced by the metric
the case names, every slip the report contains is reported with its gap (and nothing else is: a clean
case raises no warning), and the counts parcalc fills in are the ones the case lists.
"""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from parcalc.analysis import calc
from parcalc.core.counts import Counts
from parcalc.core.formatting import parse_printed
from parcalc.core.metrics import BUILTIN_IDS
from parcalc.data import dataset

PUBLISHED = Path(__file__).resolve().parent / "golden" / "published.json"
CASES: list[dict[str, Any]] = json.loads(PUBLISHED.read_text(encoding="utf-8"))["cases"]
BY_ID = {case["id"]: case for case in CASES}
PLACEHOLDER_PERIOD = "2020"  # for the pages that print no period


def _period(case: dict[str, Any]) -> str | dict[str, date]:
    period = case["period"]
    if period is None:
        return PLACEHOLDER_PERIOD
    if isinstance(period, dict):
        return {"start": date.fromisoformat(period["start"]), "end": date.fromisoformat(period["end"])}
    return str(period)


def _figures(case: dict[str, Any]) -> dict[str, Any]:
    table: dict[str, Any] = {"period": _period(case), "level": case["level"]}
    if case["unit"] is not None:
        table["unit"] = case["unit"]["id"]
    table.update(case["counts"])
    if case["published"]:
        table["stated"] = dict(case["published"])
    return table


def _document(cases: list[dict[str, Any]]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    levels = {tuple(c["levels"]) for c in cases if "levels" in c}
    if levels:
        (only,) = levels
        doc["parcalc"] = {"levels": list(only)}
    units = {c["unit"]["id"]: (c["unit"]["name"], c["level"]) for c in cases if c["unit"] is not None}
    if units:
        doc["units"] = [{"id": u, "name": name, "level": level} for u, (name, level) in units.items()]
    doc["figures"] = [_figures(c) for c in cases]
    return doc


def _computed(tmp_path: Path, cases: list[dict[str, Any]]) -> calc.ComputeResult:
    path = tmp_path / "published.toml"
    path.write_text(tomli_w.dumps(_document(cases)), encoding="utf-8")
    return calc.compute(dataset.load([str(path)]))


def _row(result: calc.ComputeResult, case: dict[str, Any]) -> calc.RowResult:
    unit = case["unit"]["id"] if case["unit"] is not None else None
    (row,) = [r for r in result.rows if (r.level, r.unit) == (case["level"], unit)]
    return row


def _expected_slips(case: dict[str, Any]) -> set[tuple[str, str, int | None]]:
    return {
        (s["code"], f"stated.{s['metric']}", None) if "metric" in s else (s["code"], s["key"], s["gap"])
        for s in case["slips"]
    }


def test_at_least_twenty_cases_each_with_its_source() -> None:
    assert len(CASES) >= 20
    assert len(BY_ID) == len(CASES)
    for case in CASES:
        source = case["source"]
        assert source["url"].startswith(("http://", "https://")) and source["title"], case["id"]
        assert source["as_printed"], case["id"]
        assert case["counts"] and all(isinstance(v, int) and v >= 0 for v in case["counts"].values()), case["id"]
        assert set(case["published"]) <= BUILTIN_IDS, case["id"]
    # before and after the July 2025 two-tier reform; several provinces
    assert any(c.get("levels") == ["province", "commune"] for c in CASES)
    assert len({c["id"].split("-20")[0] for c in CASES}) >= 5


def test_the_golden_set_has_slips_and_clean_cases() -> None:
    codes = {s["code"] for c in CASES for s in c["slips"]}
    assert {"identity-gap", "balance-gap", "stated-mismatch"} <= codes
    assert any(s["code"] == "identity-gap" and s["gap"] < 0 for c in CASES for s in c["slips"])
    assert sum(not c["slips"] for c in CASES) >= 8


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_printed_percentage_is_reproduced_by_its_metric(case: dict[str, Any], tmp_path: Path) -> None:
    row = _row(_computed(tmp_path, [case]), case)
    mismatched = {s["metric"] for s in case["slips"] if "metric" in s}
    for metric_id, text in case["published"].items():
        value = row.metrics[metric_id]
        assert value is not None, (case["id"], metric_id)
        matches = parse_printed(text, rate=True, comparisons=True).matches(value)
        assert matches is (metric_id not in mismatched), f"{case['id']} {metric_id} {text}: {float(value):.4%}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_slip_is_reported_with_its_gap_and_nothing_else(case: dict[str, Any], tmp_path: Path) -> None:
    result = _computed(tmp_path, [case])
    found = {(p.code, p.key, p.gap) for p in result.all_problems}
    assert found == _expected_slips(case)
    assert all(p.severity == "warning" for p in result.all_problems), "no published report is refused"
    for problem in result.all_problems:
        if problem.code == "stated-mismatch":
            printed = case["published"][problem.metric or ""]
            assert printed in problem.message("en") and "computed" in problem.message("en")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_counts_are_kept_as_printed_and_the_rest_derived(case: dict[str, Any], tmp_path: Path) -> None:
    row = _row(_computed(tmp_path, [case]), case)
    assert {k: row.counts[k] for k in case["counts"]} == case["counts"]
    assert row.derived == frozenset(case["derived"])


def test_a_whole_province_is_the_sum_of_its_three_levels() -> None:
    # Lâm Đồng, quý I/2020: the province-level, district and commune rows add up to the printed total.
    total = Counts(BY_ID["lam-dong-2020-q1-whole-province"]["counts"])
    levels = [BY_ID[f"lam-dong-2020-q1-{part}"] for part in ("province-level", "districts", "communes")]
    summed = sum(Counts(c["counts"]).derive()[0] for c in levels)
    assert isinstance(summed, Counts)
    for field in ("received", "resolved", "resolved_late"):
        assert summed[field] == total[field], field
    # ... except the on-time count: the total printed 2 fewer, the 2 dossiers of its own identity gap.
    assert summed["resolved_in_time"] - total["resolved_in_time"] == 2
    assert total["resolved"] - (total["resolved_in_time"] + total["resolved_late"]) == 2


def test_the_two_tier_localities_are_their_provinces_plus_their_communes() -> None:
    parts = [BY_ID["two-tier-2025-provinces"], BY_ID["two-tier-2025-communes"]]
    total = BY_ID["two-tier-2025-34-localities"]
    assert sum(c["counts"]["received_online"] for c in parts) == total["counts"]["received_online"]


def test_the_stated_check_names_the_new_metric_a_report_used(tmp_path: Path) -> None:
    # Thừa Thiên Huế printed 27,8% for level-4 (full-process) services over all procedures.
    case = json.loads(json.dumps(BY_ID["thua-thien-hue-catalogue"]))
    case["published"] = {"online_services_share": "27,8%"}
    case["counts"]["services_online"] = 1856 + 736
    (problem,) = _computed(tmp_path, [case]).all_problems
    assert problem.code == "stated-mismatch"
    assert problem.message("en").endswith("; 27,8% is full_online_services_share")


def test_rates_over_dossiers_due_are_their_own_metrics(tmp_path: Path) -> None:
    case = BY_ID["vinh-phuc-2021-08-districts-communes"]
    row = _row(_computed(tmp_path, [case]), case)
    assert row.metrics["on_time_due_rate"] == Fraction(19255, 19944)
    assert row.metrics["overdue_due_rate"] == Fraction(689, 19944)
    assert row.metrics["on_time_rate"] is None  # resolved is not printed: no data, never 0


def test_stated_values_with_comparison_words_are_checked_as_printed(tmp_path: Path) -> None:
    case = json.loads(json.dumps(BY_ID["lam-dong-2024-q1"]))  # on time 98,325%, late 1,675%
    case["published"] = {"on_time_rate": "đạt trên 98%", "late_rate": "dưới 1,5%", "progress_rate": "gần 98%"}
    problems = _computed(tmp_path, [case]).all_problems
    assert [(p.code, p.metric) for p in problems] == [("stated-mismatch", "late_rate")]
    assert problems[0].message("en") == "stated late_rate dưới 1,5% does not match the counts: computed 1.675%"
    assert problems[0].message("vi") == "late_rate công bố dưới 1,5% không khớp với số liệu: tính được 1,675%"
