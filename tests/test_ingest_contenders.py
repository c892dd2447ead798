"""The three readings of the ingest definitions agree: parcalc's DuckDB path, the streaming Polars contender
of benchmarks/ingest and the plain-Python reference; and every output format of ingest reads back in compute."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_ingest import Dossier, dossier_sets, reference, write_csv
from typer.testing import CliRunner

from parcalc.cli import app
from parcalc.core.issues import UsageError
from parcalc.core.periods import Grain
from parcalc.records import ingest

CONTENDER = Path(__file__).resolve().parent.parent / "benchmarks" / "ingest" / "polars_ingest.py"
runner = CliRunner()


def contender() -> ModuleType:
    pytest.importorskip("polars")
    spec = importlib.util.spec_from_file_location("polars_ingest", CONTENDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def latest(dossiers: list[Dossier]) -> date:
    return max(max(d.received_on, d.resolved_on or d.received_on, d.withdrawn_on or d.received_on) for d in dossiers)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    dossiers=dossier_sets(),
    grain=st.sampled_from(list(Grain)),
    start_day=st.sampled_from([1, 15]),
    as_of=st.one_of(st.none(), st.dates(date(2022, 1, 1), date(2023, 8, 1))),
)
def test_duckdb_polars_and_the_reference_agree(
    tmp_path: Path, dossiers: list[Dossier], grain: Grain, start_day: int, as_of: date | None
) -> None:
    polars_ingest = contender()
    path = write_csv(tmp_path / "records.csv", [d.row() for d in dossiers])
    expected = reference(dossiers, grain, start_day, as_of)
    ours = ingest([path], grain, start_day=start_day, as_of=as_of)
    theirs = polars_ingest.figures(path, as_of or latest(dossiers), grain, start_day).to_dicts()
    assert ours.figures == expected
    assert theirs == expected


@pytest.mark.parametrize("suffix", ["toml", "csv", "json"])
def test_every_output_format_reads_back_in_compute(tmp_path: Path, suffix: str) -> None:
    rows = [
        ["HS-1", "xa-a", "commune", "online", "2022-01-03", "2022-01-10", "2022-01-08", "", "true"],
        ["HS-2", "xa-a", "commune", "direct", "2022-01-20", "2022-02-02", "", "", "false"],
        ["HS-3", 'xa "b"\\', "commune", "postal", "2022-02-01", "2022-02-03", "2022-02-09", "", "false"],
        ["HS-4", "tinh", "province", "online", "2022-02-11", "2022-02-12", "", "2022-02-12", "false"],
    ]
    records = write_csv(tmp_path / "records.csv", rows)
    out = tmp_path / f"figures.{suffix}"
    made = runner.invoke(app, ["ingest", str(records), "--as-of", "2022-03-31", "-q", "-o", str(out)])
    assert made.exit_code == 0, made.output
    for command in ("compute", "check-targets"):
        args = [command, str(out), "--format", "json"]
        if command == "check-targets":
            args += ["--preset", "nq76-2025"]
        read = runner.invoke(app, args)
        assert read.exit_code in (0, 1), read.output  # check-targets: 1 when a target is missed
    computed = json.loads(runner.invoke(app, ["compute", str(out), "--format", "json"]).stdout)
    expected = ingest([records], "month", as_of=date(2022, 3, 31)).figures
    got = {(r["period"], r["level"], r["unit"]): r["counts"] for r in computed["rows"]}
    for figure in expected:
        counts = got[(figure["period"], figure["level"], figure["unit"])]
        assert {k: counts[k] for k in ("received", "resolved", "pending", "pending_overdue")} == {
            k: figure[k] for k in ("received", "resolved", "pending", "pending_overdue")
        }


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    dossiers=dossier_sets(), year=st.sampled_from(["2022", "2023", "2022-H2"]), level=st.sampled_from([None, "commune"])
)
def test_period_and_level_keep_rows_without_changing_them(
    tmp_path: Path, dossiers: list[Dossier], year: str, level: str | None
) -> None:
    path = write_csv(tmp_path / "records.csv", [d.row() for d in dossiers])
    everything = ingest([path], "month", as_of=date(2023, 12, 31)).figures
    start, end = {"2022": ("2022-01", "2022-12"), "2023": ("2023-01", "2023-12"), "2022-H2": ("2022-07", "2022-12")}[
        year
    ]
    expected = [f for f in everything if start <= f["period"] <= end and (level is None or f["level"] == level)]
    levels = [level] if level else ()
    if not expected:
        with pytest.raises(UsageError):
            ingest([path], "month", as_of=date(2023, 12, 31), periods=[year], levels=levels)
        return
    kept = ingest([path], "month", as_of=date(2023, 12, 31), periods=[year], levels=levels)
    assert kept.figures == expected  # carried over and every other count as without the filter


def test_filters_on_the_command_line(tmp_path: Path) -> None:
    rows = [
        ["HS-1", "xa-a", "commune", "online", "2022-12-20", "2023-01-10", "2023-01-08", "", "true"],
        ["HS-2", "tinh", "province", "direct", "2023-01-20", "2023-02-02", "", "", "false"],
    ]
    records = str(write_csv(tmp_path / "records.csv", rows))
    made = runner.invoke(
        app, ["ingest", records, "--period", "2023", "--level", "commune", "--as-of", "2023-12-31", "-f", "csv", "-q"]
    )
    assert made.exit_code == 0, made.output
    lines = made.stdout.splitlines()
    assert lines[1].startswith("2023-01,commune,xa-a,1,0,1,")  # carried over from 2022, though 2022 is left out
    assert all(",commune," in line for line in lines[1:])
    typo = runner.invoke(app, ["ingest", records, "--unit", "xa-b", "-f", "csv"])
    assert typo.exit_code == 2 and "xa-b" in typo.output
