"""The seed reports: every published percentage reproduced, every slip in them reported, and the examples
built from them exactly as printed. Plus a byte-for-byte golden file of `compute --format json`.

Regenerate the golden file after an intended change of the output with:

    UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from parcalc.analysis import calc
from parcalc.core.counts import Counts
from parcalc.core.formatting import parse_printed, round_half_up
from parcalc.core.metrics import Registry
from parcalc.data import dataset

if TYPE_CHECKING:
    from conftest import Ran

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
BINH_PHUOC = EXAMPLES / "binh-phuoc-2022-h1.toml"
DUYEN_HAI = EXAMPLES / "duyen-hai-2022.toml"
MONTHLY = EXAMPLES / "communes-monthly.toml"
GOLDEN_COMPUTE = HERE / "golden" / "compute-binh-phuoc.json"

# Each percentage a seed report published, and the metric that reproduces it to the printed precision.
# The seeds call some by the report's words; the metric id is the denominator the figure really used.
PUBLISHED_AS: dict[tuple[str, str], str] = {
    ("binh-phuoc-2022-h1-province", "late_rate"): "late_rate",
    ("binh-phuoc-2022-h1-district", "late_rate"): "late_rate",
    ("binh-phuoc-2022-h1-commune", "late_rate"): "late_rate",
    ("binh-phuoc-2022-h1-catalogue", "online_services_share"): "online_services_share",
    ("duyen-hai-2022-district-desk", "online_share_as_printed"): "online_share_total",
    ("duyen-hai-2022-district-desk", "early_rate"): "early_rate",
    ("duyen-hai-2022-district-desk", "on_time_share"): "on_due_date_rate",
    ("duyen-hai-2022-district-desk", "late_rate"): "late_rate",
    ("duyen-hai-2022-communes", "online_share_as_printed"): "online_share",
    ("duyen-hai-2022-communes", "early_rate"): "early_rate",
    ("duyen-hai-2022-communes", "on_time_share"): "on_due_date_rate",
    ("duyen-hai-2022-catalogue", "time_cut_share"): "time_cut_share",
}

# Where each seed case is in the examples: (file, period, level, unit).
IN_EXAMPLES: dict[str, tuple[Path, str, str, str | None]] = {
    "binh-phuoc-2022-h1-province": (BINH_PHUOC, "2022-H1", "province", None),
    "binh-phuoc-2022-h1-district": (BINH_PHUOC, "2022-H1", "district", None),
    "binh-phuoc-2022-h1-commune": (BINH_PHUOC, "2022-H1", "commune", None),
    "binh-phuoc-2022-h1-catalogue": (BINH_PHUOC, "2022-H1", "province", "binh-phuoc"),
    "duyen-hai-2022-district-desk": (DUYEN_HAI, "2022", "district", "duyen-hai"),
    "duyen-hai-2022-communes": (DUYEN_HAI, "2022", "commune", None),
    "duyen-hai-2022-catalogue": (DUYEN_HAI, "2022", "district", "duyen-hai"),
}


def _published(seeds: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(case_id, key, text) for case_id, case in seeds.items() for key, text in case.get("published", {}).items()]


def test_every_published_percentage_has_its_metric(seeds: dict[str, dict[str, Any]]) -> None:
    assert {(case_id, key) for case_id, key, _ in _published(seeds)} == set(PUBLISHED_AS)


def test_every_published_percentage_is_reproduced_or_a_known_slip(seeds: dict[str, dict[str, Any]]) -> None:
    registry = Registry()
    checked = 0
    for case_id, key, text in _published(seeds):
        case = seeds[case_id]
        counts, _ = Counts(case["counts"]).derive()
        metric = registry[PUBLISHED_AS[case_id, key]]
        value = metric.evaluate(counts)
        assert value is not None, case_id
        matches = parse_printed(text, rate=True).matches(value)
        slip = key in case.get("known_slips", [])
        assert matches is not slip, f"{case_id} {key} {text}: computed {float(value):.4%}"
        checked += 1
    assert checked == 12


def test_the_duyen_hai_late_rate_slip(seeds: dict[str, dict[str, Any]]) -> None:
    counts = Counts(seeds["duyen-hai-2022-district-desk"]["counts"])
    late = Registry()["late_rate"].evaluate(counts)
    assert late == Fraction(36, 2295)
    assert round_half_up(late * 100, 2) == Fraction(157, 100)
    # The printed 1.58% is the remainder of the two other printed rates, not the counts' rate.
    assert 100 - Fraction("45.7") - Fraction("52.72") == Fraction("1.58")


def test_the_98_percent_of_procedures_at_the_centre() -> None:
    # "1423 of 1446 province-level procedures (printed as 98%)": 98,41% truncated to whole percent.
    assert parse_printed("98%", rate=True).matches(Fraction(1423, 1446))


def test_the_42_8_percent_reproduces_with_either_denominator(seeds: dict[str, dict[str, Any]]) -> None:
    counts = Counts(seeds["duyen-hai-2022-communes"]["counts"])
    printed = parse_printed("42,8%", rate=True)
    for metric_id in ("online_share", "online_share_total"):
        value = Registry()[metric_id].evaluate(counts)
        assert value is not None and printed.matches(value)


def test_examples_hold_the_seed_counts_exactly_as_printed(seeds: dict[str, dict[str, Any]]) -> None:
    loaded = {path: dataset.load([str(path)]) for path in (BINH_PHUOC, DUYEN_HAI)}
    for case_id, (path, period, level, unit) in IN_EXAMPLES.items():
        rows = [r for r in loaded[path].rows if (r.period.label, r.level, r.unit) == (period, level, unit)]
        assert len(rows) == 1, case_id
        given = dict(rows[0].counts)
        for name, value in seeds[case_id]["counts"].items():
            assert given[name] == value, f"{case_id} {name}"
        for key, text in seeds[case_id].get("published", {}).items():
            assert rows[0].stated[PUBLISHED_AS[case_id, key]] == text, f"{case_id} {key}"


def _compute(path: Path) -> dict[str, Any]:
    data = dataset.load([str(path)])
    result = calc.compute(data)
    return {
        "rows": {(r.period.label, r.level, r.unit): r for r in result.rows},
        "problems": result.all_problems,
    }


def test_binh_phuoc_slips_are_reported_with_their_gaps() -> None:
    found = _compute(BINH_PHUOC)
    problems = found["problems"]
    gaps = {(p.code, p.level, p.gap, p.key, p.severity) for p in problems}
    assert gaps == {
        ("balance-gap", "province", 7, "received", "warning"),
        ("balance-gap", "district", 16, "received", "warning"),
    }
    province = next(p for p in problems if p.level == "province")
    assert (
        "received 226,593 vs resolved + pending + withdrawn = 226,586: 7 dossiers unaccounted for" in province.message()
    )
    assert "tiếp nhận 226.593 nhưng đã giải quyết + đang giải quyết + rút = 226.586: chênh +7 hồ sơ" in (
        province.message("vi")
    )


def test_binh_phuoc_rates_as_the_report_printed_them() -> None:
    rows = _compute(BINH_PHUOC)["rows"]
    assert rows["2022-H1", "province", None].metrics["late_rate"] == Fraction(8148, 183636)
    assert rows["2022-H1", "district", None].metrics["late_rate"] == Fraction(1698, 19811)
    assert rows["2022-H1", "commune", None].metrics["late_rate"] == Fraction(919, 88478)
    assert rows["2022-H1", "province", "binh-phuoc"].metrics["online_services_share"] == Fraction(1651, 1784)
    assert rows["2022-H1", "province", "binh-phuoc"].metrics["late_rate"] is None


def test_duyen_hai_reports_only_the_late_rate_slip() -> None:
    found = _compute(DUYEN_HAI)
    (problem,) = found["problems"]
    assert (problem.code, problem.severity, problem.metric, problem.key) == (
        "stated-mismatch",
        "warning",
        "late_rate",
        "stated.late_rate",
    )
    assert (problem.period, problem.level, problem.unit) == ("2022", "district", "duyen-hai")
    assert "stated late_rate 1.58% does not match the counts: computed 1.5686%" in problem.message("en")
    desk = found["rows"]["2022", "district", "duyen-hai"]
    assert desk.metrics["time_cut_share"] == Fraction(165, 270)  # the catalogue table merged into the row
    assert desk.metrics["online_share_total"] == Fraction(1144, 2329)


def test_online_share_on_the_desk_names_the_metric_that_reproduces_it(tmp_path: Path) -> None:
    text = DUYEN_HAI.read_text(encoding="utf-8")
    assert text.count('online_share_total = "49,1%"') == 1
    changed = tmp_path / "duyen-hai-online-share.toml"
    changed.write_text(text.replace('online_share_total = "49,1%"', 'online_share = "49,1%"'), encoding="utf-8")
    problems = [p for p in _compute(changed)["problems"] if p.metric == "online_share"]
    (problem,) = problems
    assert problem.code == "stated-mismatch"
    assert problem.message("en") == (
        "stated online_share 49,1% does not match the counts: computed 49.804%; 49,1% is online_share_total"
    )
    assert problem.message("vi").endswith("; 49,1% là online_share_total")


def test_monthly_example_is_consistent_month_to_month() -> None:
    data = dataset.load([str(MONTHLY)])
    results = calc.analyse_all(data)
    assert [p for r in results for p in r.problems] == []
    by_unit: dict[str | None, list[calc.RowResult]] = {}
    for row in sorted(results, key=lambda r: r.period.start):
        by_unit.setdefault(row.unit, []).append(row)
    assert set(by_unit) == {"phuoc-loc", "phuoc-son", "tt-tuy-phuoc"}
    for unit, months in by_unit.items():
        assert [m.period.label for m in months] == [f"2022-{i:02d}" for i in range(1, 7)]
        assert data.units[unit or ""].parent == "tuy-phuoc"
        for before, after in itertools.pairwise(months):
            assert after.counts["carried_over"] == before.counts["pending"], (unit, after.period.label)
        for month in months:
            counts = month.counts
            assert counts["received"] == counts["resolved"] + counts["pending"]
            assert {"received", "received_offline", "resolved_in_time", "pending_within"} <= month.derived
            assert month.metrics["ecert_per_month"] == counts["ecert"]
            assert month.metrics["online_share"] is not None


def test_every_example_computes(run: Callable[..., Ran], example_files: list[Path]) -> None:
    assert {BINH_PHUOC.name, DUYEN_HAI.name, MONTHLY.name} <= {p.name for p in example_files}
    for path in example_files:
        ran = run(["compute", str(path), "--format", "json"])
        assert ran.code == 0, ran.stderr
        assert ran.json()["rows"], path
        assert ": error: " not in ran.stderr, ran.stderr


def test_compute_json_matches_the_golden_file(run: Callable[..., Ran]) -> None:
    ran = run(["compute", "examples/binh-phuoc-2022-h1.toml", "--format", "json"])
    assert ran.code == 0
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN_COMPUTE.parent.mkdir(exist_ok=True)
        GOLDEN_COMPUTE.write_bytes(ran.stdout.encode("utf-8"))
    if not GOLDEN_COMPUTE.exists():
        pytest.fail(f"{GOLDEN_COMPUTE} is missing; run with UPDATE_GOLDEN=1 to create it")
    assert ran.stdout.encode("utf-8") == GOLDEN_COMPUTE.read_bytes()
    payload = json.loads(GOLDEN_COMPUTE.read_text(encoding="utf-8"))
    assert payload["schema"] == "parcalc/compute/1"
    assert [i["gap"] for r in payload["rows"] for i in r["issues"]] == [7, 16]


def test_duyen_hai_targets_are_met_as_the_report_says(cli: Callable[..., Ran], seeds: dict[str, Any]) -> None:
    reported = [
        t["reported_as"]
        for case in seeds.values()
        if case["id"].startswith("duyen-hai")
        for t in case.get("targets", [])
    ]
    assert reported == ["met", "met"]
    ran = cli(["check-targets", str(DUYEN_HAI), "--format", "json", "--quiet"])
    assert ran.code == 0
    results = {r["target"]: r for r in ran.json()["results"]}
    desk, communes = results["online-share-district-desk"], results["online-share-communes"]
    assert (desk["metric"], desk["threshold"], desk["status"]) == ("online_share_total", 0.4, "met")
    assert (desk["numerator"], desk["denominator"]) == (1144, 2329)
    assert (communes["metric"], communes["threshold"], communes["status"]) == ("online_share", 0.35, "met")
    assert (communes["numerator"], communes["denominator"]) == (12759, 29781)
