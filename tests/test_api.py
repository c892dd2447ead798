"""The Python API, used as a script author would: ``import parcalc`` and call it."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from fractions import Fraction
from pathlib import Path

import pytest

import parcalc

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BINH_PHUOC = EXAMPLES / "binh-phuoc-2022-h1.toml"
DUYEN_HAI = EXAMPLES / "duyen-hai-2022.toml"
MONTHLY = EXAMPLES / "rollup-3tier.toml"

TOML = """
[[figures]]
period = "2022-H1"
level = "province"
resolved = 183636
resolved_late = 8148
"""


def _late(outcome: parcalc.Outcome[parcalc.ComputeResult]) -> list[Fraction | None]:
    return [row.metrics["late_rate"] for row in outcome.result.rows]


def test_import_parcalc_loads_nothing_else() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys, parcalc; print(sorted(m for m in sys.modules if m.startswith('parcalc')))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "['parcalc']"


@pytest.mark.parametrize(
    "source",
    [str(BINH_PHUOC), BINH_PHUOC, [BINH_PHUOC], BINH_PHUOC.read_text(encoding="utf-8")],
    ids=["str", "path", "list", "toml-text"],
)
def test_load_takes_paths_text_and_gives_the_same_dataset(source: object) -> None:
    data = parcalc.load(source)  # type: ignore[arg-type]
    assert isinstance(data, parcalc.Dataset)
    province = [r for r in parcalc.compute(data).result.rows if r.level == "province" and r.unit is None]
    assert province[0].counts["received"] == 226593
    assert province[0].metrics["late_rate"] == Fraction(8148, 183636)


def test_load_takes_a_mapping() -> None:
    data = parcalc.load(tomllib.loads(TOML))
    assert _late(parcalc.compute(data)) == [Fraction(8148, 183636)]


def test_compute_takes_files_directly_and_filters_and_rolls_up() -> None:
    outcome = parcalc.compute(MONTHLY, period="2022-01..2022-09", by="level")
    rows = outcome.result.rows
    assert {r.period.label for r in rows} == {"2022-01..2022-09"}
    assert [r.level for r in rows][-1] is None  # the total row
    total = rows[-1]
    assert total.metrics["late_rate"] == Fraction(total.counts["resolved_late"], total.counts["resolved"])
    quarters = parcalc.compute(MONTHLY, grain="quarter", period="2022", by=["level"])
    assert {r.period.label for r in quarters.result.rows} == {"2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"}


def test_problems_in_the_figures_come_back_with_the_outcome() -> None:
    outcome = parcalc.compute(BINH_PHUOC)
    gaps = [p for p in outcome.warnings if p.code == "balance-gap"]
    assert sorted(p.gap for p in gaps if p.gap is not None) == [7, 16]
    assert outcome.raise_for_errors() is outcome
    with pytest.raises(parcalc.InputError):
        outcome.raise_for_errors(strict=True)


def test_validate_returns_every_problem_without_raising(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[figures]]\nperiod = "2022"\nlevel = "province"\nresolved = -1\npending = "x"\n', encoding="utf-8")
    checked = parcalc.validate(bad)
    assert not checked.valid
    assert [(p.code, p.key) for p in checked.problems] == [("invalid-count", "resolved"), ("invalid-count", "pending")]
    assert all(p.file == str(bad) and p.line is not None for p in checked.problems)
    assert parcalc.validate(DUYEN_HAI).valid


def test_bad_data_raises_input_error_with_located_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[figures]]\nperiod = "2022"\nlevel = "province"\nresolvd = 3\n', encoding="utf-8")
    with pytest.raises(parcalc.InputError) as raised:
        parcalc.load(bad)
    (problem,) = raised.value.problems
    assert isinstance(problem, parcalc.Problem)
    assert (problem.code, problem.file, problem.line, problem.key) == ("unknown-key", str(bad), 4, "resolvd")
    assert "did you mean 'resolved'" in problem.message("en")


def test_a_mistake_in_the_call_is_a_usage_error_naming_the_argument() -> None:
    data = parcalc.load(BINH_PHUOC)
    with pytest.raises(parcalc.UsageError) as raised:
        parcalc.compute(data, metrics="late_rat")
    assert raised.value.option == "metrics" and "late_rate" in raised.value.message
    assert "--" not in raised.value.message  # the library does not know about command-line flags
    with pytest.raises(parcalc.UsageError) as raised:
        parcalc.compute(data, period="2022-H3")
    assert raised.value.option == "period"


def test_check_targets_and_rank() -> None:
    checked = parcalc.check_targets(DUYEN_HAI)
    assert checked.result.summary == {"met": 2, "missed": 0, "no_data": 0}
    ranked = parcalc.rank(EXAMPLES / "ecert-monthly.toml", metric="ecert_per_month", period="2022-H1")
    assert isinstance(ranked.result, parcalc.Ranking)
    ranks = [row.rank for row in ranked.result.rows]
    assert ranks and ranks[0] == 1 and ranks == sorted(ranks)


def test_ingest_gives_figures_that_load_again(tmp_path: Path) -> None:
    records = EXAMPLES / "records" / "ho-so-2022.csv"
    result = parcalc.ingest(records, columns=EXAMPLES / "records" / "column-map.toml")
    assert isinstance(result, parcalc.IngestResult)
    assert result.bad_row_count == len(result.bad_rows) == 1
    for row in result.figures:
        assert row["received"] == row["resolved"] + row["pending"] + row["withdrawn"]
    from parcalc.records import render

    again = tmp_path / "figures.toml"
    again.write_text(str(render(result, "toml")), encoding="utf-8")
    assert parcalc.validate(again).valid
    assert callable(parcalc.ingest)  # still the function once the records package is loaded


def test_counts_are_a_value_that_adds_up() -> None:
    a = parcalc.Counts({"resolved": 10, "resolved_late": 1})
    b = parcalc.Counts({"resolved": 30, "resolved_late": 3})
    assert (a + b)["resolved"] == 40


def test_the_readme_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python API") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    done = subprocess.run([sys.executable, "-c", code.group(1)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "4,44%" in done.stdout
