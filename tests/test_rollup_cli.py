"""compute --grain / --by / --compare / --total, and figures read from CSV and XLSX sheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Ran
from test_rollup import QUARTER_A, UNITS, month

CliRun = Callable[..., Ran]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data.toml"
    tables = [*QUARTER_A, month("2022-01", "xa-b", 6, 0, 6, 2, 0), month("2021-10", "xa-a", 8, 0, 6, 3, 2)]
    path.write_text(UNITS + "\n".join(tables), encoding="utf-8")
    return path


def test_grain_quarter_by_level_with_total(cli: CliRun, data: Path) -> None:
    ran = cli(["compute", str(data), "--grain", "quarter", "--by", "level", "--format", "json", "-q"])
    assert ran.code == 0, ran.stderr
    rows = ran.json()["rows"]
    assert [(r["period"], r["level"], r["unit"]) for r in rows] == [
        ("2021-Q4", "commune", None),
        ("2021-Q4", None, None),
        ("2022-Q1", "commune", None),
        ("2022-Q1", None, None),
    ]
    q1 = rows[2]
    assert q1["counts"]["received_new"] == 66 and q1["months"] == 3
    assert q1["metrics"]["late_rate"] == pytest.approx(6 / 66)
    assert {i["code"] for i in q1["issues"]} == {"missing-periods", "not-summable"}
    no_total = cli(["compute", str(data), "--grain", "quarter", "--by", "level", "--no-total", "-f", "json", "-q"])
    assert [r["level"] for r in no_total.json()["rows"]] == ["commune", "commune"]
    # People read the total row by its name, in their language.
    table = cli(["compute", str(data), "--grain", "quarter", "--by", "level", "-f", "markdown", "-q"])
    assert "| 2022-Q1 | Tổng cộng |" in table.stdout
    english = cli(["compute", str(data), "--grain", "quarter", "--by", "level", "-f", "markdown", "--lang", "en", "-q"])
    assert "| 2022-Q1 | Total |" in english.stdout


def test_nine_months_compared(cli: CliRun, data: Path) -> None:
    ran = cli(
        [
            "compute",
            str(data),
            "--period",
            "2022-01..2022-09",
            "--by",
            "unit",
            "--compare",
            "previous",
            "-f",
            "json",
            "-q",
        ]
    )
    assert ran.code == 0, ran.stderr
    rows = ran.json()["rows"]
    xa_a = next(r for r in rows if r["unit"] == "xa-a")
    assert xa_a["period"] == "2022-01..2022-09" and xa_a["months"] == 9
    assert xa_a["compare"]["period"] == "2021-04..2021-12"
    assert xa_a["compare"]["counts"]["received_new"] == 8  # October 2021 only, with a missing-periods note
    assert xa_a["compare"]["change"]["counts"]["received_new"] == 60 - 8
    assert set(xa_a["compare"]["change"]) == {"counts", "metrics"}
    assert "counts" in xa_a and "metrics" in xa_a  # the existing keys stay
    last_year = cli(
        ["compute", str(data), "--period", "2022-01..2022-09", "--compare", "last-year", "-f", "json", "-q"]
    )
    compare = last_year.json()["rows"][0]["compare"]
    assert compare["period"] == "2021-01..2021-09" and compare["counts"]["received_new"] is None
    assert compare["change"]["metrics"]["late_rate"] is None


def test_compare_previous_in_every_format(cli: CliRun, data: Path) -> None:
    args = ["compute", str(data), "--grain", "quarter", "--unit", "xa-a", "--compare", "previous", "-q", "--lang", "en"]
    payload = cli([*args, "-f", "json"]).json()
    q1 = payload["rows"][1]
    assert q1["compare"]["period"] == "2021-Q4"
    assert q1["compare"]["metrics"]["late_rate"] == pytest.approx(3 / 6)
    assert q1["compare"]["change"]["metrics"]["late_rate"] == pytest.approx(4 / 60 - 3 / 6)
    records = list(csv.DictReader(io.StringIO(cli([*args, "-f", "csv"]).stdout)))
    assert records[1]["compare_period"] == "2021-Q4" and records[1]["change_received_new"] == "52"
    table = cli([*args, "-f", "markdown"]).stdout
    assert "-43.33 pp" in table and "+52" in table


def test_rolling_down_exits_2(run: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "year.toml"
    path.write_text(UNITS + month("2022", "xa-a", 10, 4, 9, 1, 5), encoding="utf-8")
    ran = run(["compute", str(path), "--grain", "month", "-f", "json"])
    assert ran.code == 2
    assert "rolling down" in ran.stderr and "Traceback" not in ran.stderr
    assert ran.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--grain", "week", "unknown grain"), ("--by", "ward", "unknown grouping"), ("--compare", "next", "previous")],
)
def test_bad_roll_up_options_exit_2(cli: CliRun, data: Path, option: str, value: str, message: str) -> None:
    ran = cli(["compute", str(data), option, value, "-f", "json"])
    assert ran.code == 2 and message in ran.stderr


def test_carry_over_gap_on_stderr_and_strict(cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "gap.toml"
    path.write_text(UNITS + QUARTER_A[0] + month("2022-02", "xa-a", 20, 8, 15, 3, 13), encoding="utf-8")
    ran = cli(["compute", str(path), "--grain", "quarter", "-f", "json"])
    assert ran.code == 0 and "[carry-over-gap]" in ran.stderr and "+3" in ran.stderr
    assert ran.json()["issues"][0]["gap"] == 3
    assert cli(["compute", str(path), "--grain", "quarter", "-f", "json", "--strict"]).code == 3


CSV_TEXT = """period,level,unit,Tiếp nhận mới trong kỳ,carried_over,RESOLVED,resolved_late,pending,stated.late_rate
2022-01,commune,xa-a,10,4,9,1,5,"11,11%"
2022-02,commune,xa-a,20,5,15,3,10,
2022-03,commune,xa-a,30,10,36,0,4,
"""


def test_csv_sheet_next_to_toml(cli: CliRun, tmp_path: Path) -> None:
    (tmp_path / "units.toml").write_text(UNITS, encoding="utf-8")
    (tmp_path / "figures.csv").write_text(CSV_TEXT, encoding="utf-8-sig")
    ran = cli(
        ["compute", str(tmp_path / "units.toml"), str(tmp_path / "figures.csv"), "--grain", "quarter", "-f", "json"]
    )
    assert ran.code == 0, ran.stderr
    [q1] = ran.json()["rows"]
    assert q1["counts"]["received_new"] == 60 and q1["counts"]["pending"] == 4


def test_csv_problems_point_at_the_sheet_row(cli: CliRun, tmp_path: Path) -> None:
    bad = CSV_TEXT.replace("20,5,15,3,10", "20,5,x,3,10").replace("30,10,36", "30,-1,36")
    (tmp_path / "figures.csv").write_text(bad, encoding="utf-8")
    ran = cli(["compute", str(tmp_path / "figures.csv"), "-f", "json"])
    assert ran.code == 3
    lines = ran.stderr.strip().splitlines()
    assert any("figures.csv:3 figures[1]" in line and "resolved" in line for line in lines)
    assert any("figures.csv:4 figures[2]" in line and "carried_over" in line for line in lines)


def test_header_map_for_an_office_sheet(cli: CliRun, tmp_path: Path) -> None:
    sheet = tmp_path / "bao-cao.csv"
    sheet.write_text(
        "Kỳ;Cấp;Đơn vị;Mới;Tồn;Giải quyết;Trễ;Đang giải quyết;Ghi chú\n2022-01;commune;xa-a;10;4;9;1;5;x\n"
    )
    (tmp_path / "bao-cao.csv.headers.toml").write_text(
        '"Kỳ" = "period"\n"Cấp" = "level"\n"Đơn vị" = "unit"\n"Mới" = "received_new"\n"Tồn" = "carried_over"\n'
        '"Giải quyết" = "resolved"\n"Trễ" = "resolved_late"\n"Ghi chú" = ""\n',
        encoding="utf-8",
    )
    ran = cli(["compute", str(sheet), "-f", "json"])
    assert ran.code == 0, ran.stderr
    assert ran.json()["rows"][0]["counts"]["pending"] == 5  # "Đang giải quyết" is parcalc's own label


def test_unknown_header_is_an_unknown_key(cli: CliRun, tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text("period,level,recieved_new\n2022-01,commune,5\n")
    ran = cli(["compute", str(sheet), "-f", "json"])
    assert ran.code == 3 and "recieved_new" in ran.stderr and "received_new" in ran.stderr


def test_xlsx_sheet(cli: CliRun, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for line in csv.reader(io.StringIO(CSV_TEXT)):
        sheet.append([int(c) if c.isdigit() else c for c in line])
    sheet.append(["2022-04", "commune", "xa-a", 1.5, 4, 9, 1, 5])
    book.save(tmp_path / "figures.xlsx")
    ran = cli(["compute", str(tmp_path / "figures.xlsx"), "-f", "json"])
    assert ran.code == 3 and "figures.xlsx:5 figures[3]" in ran.stderr
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    broken = cli(["compute", str(tmp_path / "broken.xlsx"), "-f", "json"])
    assert broken.code == 3 and "[sheet]" in broken.stderr
