"""`parcalc ingest` on the command line: figures out, bad rows on standard error, exit codes."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from typer.testing import CliRunner

from parcalc.cli import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "records"
RECORDS = str(EXAMPLES / "ho-so-2022.csv")
COLUMNS = str(EXAMPLES / "column-map.toml")
runner = CliRunner()


def test_ingest_writes_figures_that_compute_reads(tmp_path: Path) -> None:
    figures = tmp_path / "figures.toml"
    args = ["ingest", RECORDS, "-c", COLUMNS, "--grain", "quarter", "--as-of", "2022-12-31", "-o", str(figures)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "row 12: due_on 28/10/2022 is before received_on 31/10/2022" in result.stderr
    data = tomllib.loads(figures.read_text(encoding="utf-8"))
    assert [f["period"] for f in data["figures"]] == ["2022-Q3", "2022-Q3", "2022-Q4", "2022-Q4"]
    computed = runner.invoke(app, ["compute", str(figures), "--format", "json"])
    assert computed.exit_code == 0, computed.output
    assert '"period": "2022-Q4"' in computed.stdout


def test_output_format_follows_the_suffix(tmp_path: Path) -> None:
    out = tmp_path / "figures.csv"
    result = runner.invoke(app, ["ingest", RECORDS, "-c", COLUMNS, "-q", "--as-of", "2022-12-31", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert out.read_text(encoding="utf-8").startswith("period,level,unit,received,")


def test_strict_fails_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "figures.toml"
    result = runner.invoke(app, ["ingest", RECORDS, "-c", COLUMNS, "--strict", "-o", str(out)])
    assert result.exit_code == 3
    assert "1 bad record row(s)" in result.stderr
    assert not out.exists()


def test_usage_errors_exit_2() -> None:
    assert runner.invoke(app, ["ingest", RECORDS, "--grain", "week"]).exit_code == 2
    assert runner.invoke(app, ["ingest", RECORDS, "--as-of", "31/12/2022"]).exit_code == 2


def test_bad_input_is_one_line_and_exit_3_in_a_real_process(tmp_path: Path) -> None:
    missing_map = subprocess.run(
        [sys.executable, "-m", "parcalc", "ingest", RECORDS], capture_output=True, text=True, check=False
    )
    assert missing_map.returncode == 3
    assert missing_map.stderr.count("\n") == 1
    assert "no column for dossier_id" in missing_map.stderr
    assert "Traceback" not in missing_map.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    run = subprocess.run(
        [sys.executable, "-m", "parcalc", "ingest", str(broken)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 3
    assert "cannot read the workbook" in run.stderr


def test_other_commands_do_not_import_duckdb() -> None:
    code = "import sys, parcalc.cli; assert 'duckdb' not in sys.modules and 'parcalc.records' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
