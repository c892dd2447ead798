"""The columnar roll-up (DuckDB) gives byte for byte what the Python path gives, problems included."""

from __future__ import annotations

import csv
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parcalc.analysis import columnar, duck
from parcalc.analysis import columnar_sql as sql
from parcalc.cli import app
from parcalc.core.counts import FIELD_BY_ID, FIELD_IDS, IDENTITIES, Counts

FAST = {columnar.MIN_ROWS_SETTING: "0"}
SLOW = {columnar.MIN_ROWS_SETTING: "1000000000"}

# parts first, so that a total can be written as the sum of its parts (or with a slip)
POOL = (
    "received_online", "received_direct", "received_postal", "received_offline", "received_new", "carried_over",
    "received", "resolved_early", "resolved_on_time", "resolved_in_time", "resolved_late", "resolved",
    "withdrawn", "pending_within", "pending_overdue", "pending", "services_full_online", "services_partial_online",
    "services_online", "procedures", "services_with_dossiers", "ecert",
)  # fmt: skip
TOTALS = {i.total: i.parts for i in IDENTITIES}


@contextmanager
def spying() -> Iterator[list[object]]:
    """What columnar.try_compute returned during the block (None: the Python path ran)."""
    calls: list[object] = []
    real = columnar.try_compute

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        calls.append(found)
        return found

    columnar.try_compute = spy  # type: ignore[assignment]
    try:
        yield calls
    finally:
        columnar.try_compute = real  # type: ignore[assignment]


def run(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def both(args: list[str]) -> tuple[tuple[int, str, str], bool]:
    """The run through the columnar path (and whether it was taken) and through the Python path."""
    with spying() as calls:
        fast = run(args, FAST)
    slow = run(args, SLOW)
    assert fast == slow
    return fast, any(c is not None for c in calls)


@st.composite
def sheets(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A CSV sheet of monthly figures and compute options: random units, months, gaps and slips."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    columns = [f for f in POOL if rng.random() < 0.55] or ["received_new"]
    n_units = draw(st.integers(1, 5))
    units = [(f"xa-{i}", "district" if rng.random() < 0.25 else "commune") for i in range(n_units)]
    lines = []
    for unit, level in units:
        months = [m for m in range(18) if rng.random() < 0.8] or [rng.randrange(18)]
        for m in months:
            values: dict[str, int | None] = {}
            for f in columns:
                parts = TOTALS.get(f)
                if parts and all(values.get(p) is not None for p in parts) and rng.random() < 0.9:
                    value = sum(values[p] or 0 for p in parts)
                    value += rng.choice((1, -1, 3)) if rng.random() < 0.08 else 0  # a published slip
                    values[f] = max(value, 0)
                else:
                    values[f] = None if rng.random() < 0.12 else rng.randrange(0, 60)
            period = f"{2022 + m // 12}-{m % 12 + 1:02d}"
            lines.append([period, level, unit, *("" if values[f] is None else str(values[f]) for f in columns)])
    rng.shuffle(lines)
    vietnamese = rng.random() < 0.3
    header = ["period", "level", "unit", *(FIELD_BY_ID[f].vi if vietnamese else f for f in columns)]
    delimiter = rng.choice([",", ",", ";", "\t"])
    quoted = delimiter.join(f'"{h}"' if delimiter in h else h for h in header)  # "Rút hồ sơ, trả lại"
    if rng.random() < 0.3:  # rows that stop at their last filled cell
        lines = [line[: max(i + 1 for i, cell in enumerate(line) if cell)] for line in lines]
    newline = "\r\n" if rng.random() < 0.3 else "\n"
    text = newline.join([quoted, *(delimiter.join(line) for line in lines)]) + newline * rng.choice([1, 1, 2])
    options = ["--grain", draw(st.sampled_from(["quarter", "half", "year"]))]
    options += ["--by", draw(st.sampled_from(["level", "period", "level,period"]))]
    options += draw(st.sampled_from([[], ["--no-total"], ["--total"]]))
    options += draw(st.sampled_from([[], [], ["--level", "commune"], ["--unit", "xa-0"], ["--period", "2022"]]))
    return text, options


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=sheets(), registry=st.booleans())
def test_same_output_and_problems_as_the_python_path(
    tmp_path: Path, case: tuple[str, list[str]], registry: bool
) -> None:
    text, options = case
    sheet = tmp_path / "figures.csv"
    sheet.write_text(text, encoding="utf-8")
    files = [str(sheet)]
    if registry:
        units = "".join(
            f'[[units]]\nid = "xa-{i}"\nname = "Xã {i}"\nlevel = "{level}"\nparent = "tinh"\n\n'
            for i, level in enumerate(re.split("[,;\t]", line)[1] for line in _first_rows(text))
        )
        settings_file = tmp_path / "units.toml"
        start_day = "[parcalc]\nperiod_start_day = 15\n\n" if len(text) % 2 else ""
        settings_file.write_text(f'{start_day}[[units]]\nid = "tinh"\nlevel = "province"\n\n{units}', encoding="utf-8")
        files.insert(0, str(settings_file))
    (code, stdout, _), taken = both(["compute", *files, *options, "-f", "json"])
    # a --period that does not split into the grain is a usage error either way; ragged rows can make the
    # delimiter unguessable, and the Python path then reports a sheet of one unknown column
    assert taken or code == 2 or _sniffed(text) != re.split("period", text)[1][0]
    if code == 0:
        assert '"rows"' in stdout


def _sniffed(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _first_rows(text: str) -> list[str]:
    """One sheet line per unit, in unit order, to register each unit at its level."""
    by_unit: dict[str, str] = {}
    for line in text.splitlines()[1:]:
        if line:
            by_unit.setdefault(re.split("[,;\t]", line)[2], line)
    return [by_unit[u] for u in sorted(by_unit, key=lambda u: int(u.split("-")[1]))]


def test_problems_are_the_same_in_order_and_location(tmp_path: Path) -> None:
    sheet = tmp_path / "f.csv"
    sheet.write_text(
        "period,level,unit,received_new,carried_over,received,resolved,pending\n"
        "2022-01,commune,a,10,5,15,9,6\n"
        "2022-02,commune,a,10,7,18,9,9\n"  # carried over 7 after pending 6; received 18 is not 17
        "2022-03,commune,b,10,0,10,12,0\n"  # resolved 12 of 10 received
        "2022-04,commune,a,3,9,12,12,0\n"  # carried over 9 after pending 8 in March, the quarter before
        "2022-03,commune,a,10,9,19,11,8\n",
        encoding="utf-8",
    )
    (code, _, stderr), taken = both(["compute", str(sheet), "--grain", "quarter", "--by", "level", "-f", "json"])
    assert taken and code == 0
    lines = stderr.splitlines()
    assert lines[0].startswith(f"{sheet}:3 figures[1] (2022-02 / commune / a) received: warning:")
    assert any("carry-over-gap" in line and f"{sheet}:3 figures[1]" in line for line in lines)
    assert any("carry-over-gap" in line and f"{sheet}:5 figures[3] (2022-04 / commune / a)" in line for line in lines)
    assert any("missing-periods" in line and "2022-Q2" in line for line in lines)


def test_a_part_over_its_total_fails_the_same_way(tmp_path: Path) -> None:
    sheet = tmp_path / "f.csv"
    sheet.write_text("period,level,unit,resolved,resolved_late\n2022-01,commune,a,5,9\n", encoding="utf-8")
    (code, stdout, stderr), taken = both(["compute", str(sheet), "--grain", "year", "--by", "level", "-f", "json"])
    assert taken and code == 3 and stdout == ""
    assert "[part-exceeds-total]" in stderr and f"{sheet}:2 figures[0]" in stderr


@pytest.mark.parametrize(
    "body",
    [
        "2022-01,commune,a,1.234\n",  # a count with a thousands separator
        "2022-01,commune,a,+5\n",  # DuckDB would read 5, the Python path refuses it
        '2022-01,commune,"a",5\n',  # quoted cells
        "2022-01,commune,a,5\n\n2022-02,commune,a,6\n",  # a blank line shifts line numbers
        "2022-01,commune,a,5\n2022-01,commune,a,5\n",  # the same row twice
        "2022-Q1,commune,a,5\n",  # not a month
        "2022-01,commune,,5\n",  # a level row
        "2022-01,ward,a,5\n",  # an unknown level
        "2022-13,commune,a,5\n",  # a bad period
    ],
)
def test_sheets_it_does_not_read_go_the_python_path(tmp_path: Path, body: str) -> None:
    sheet = tmp_path / "f.csv"
    sheet.write_text("period,level,unit,received_new\n" + body, encoding="utf-8")
    (_, _, _), taken = both(["compute", str(sheet), "--grain", "quarter", "--by", "level", "-f", "json"])
    assert not taken


def test_options_it_does_not_cover_go_the_python_path(tmp_path: Path) -> None:
    sheet = tmp_path / "f.csv"
    sheet.write_text("period,level,unit,received_new\n2022-01,commune,a,5\n2021-01,commune,a,4\n", encoding="utf-8")
    for options in (["--grain", "month", "--by", "level"], ["--by", "unit", "--grain", "year"], ["--grain", "year"]):
        (code, _, _), taken = both(["compute", str(sheet), *options, "-f", "json"])
        assert code == 0 and not taken
    (code, _, _), taken = both(["compute", str(sheet), "--grain", "year", "--by", "level", "--compare", "previous"])
    assert code == 0 and not taken


def test_min_rows_setting(tmp_path: Path) -> None:
    sheet = tmp_path / "f.csv"
    sheet.write_text("period,level,unit,received_new\n2022-01,commune,a,5\n", encoding="utf-8")
    args = ["compute", str(sheet), "--grain", "year", "--by", "level", "-f", "json"]
    with spying() as calls:
        assert run(args, {columnar.MIN_ROWS_SETTING: "2"})[0] == 0
        assert run(args, {columnar.MIN_ROWS_SETTING: "1"})[0] == 0
    assert [c is not None for c in calls] == [False, True]
    code, _, stderr = run(args, {columnar.MIN_ROWS_SETTING: "many"})
    assert code == 2 and columnar.MIN_ROWS_SETTING in stderr


def test_more_tables_than_the_python_path_reads(tmp_path: Path) -> None:
    """The table limit guards the Python path's memory; the columnar path has no object per row."""
    sheet = tmp_path / "f.csv"
    rows = [f"2022-{m:02d},commune,xa-{u},{u % 7},{m}" for u in range(9000) for m in range(1, 13)]
    sheet.write_text("period,level,unit,received_new,resolved\n" + "\n".join(rows) + "\n", encoding="utf-8")
    args = ["compute", str(sheet), "--grain", "year", "--by", "level", "-f", "json"]
    code, stdout, _ = run(args, {"PARCALC_MAX_TABLES": "100000"})
    assert code == 0
    assert '"received_new": ' + str(sum(u % 7 for u in range(9000)) * 12) in stdout
    code, _, stderr = run(args, {"PARCALC_MAX_TABLES": "100000", **SLOW})
    assert code == 3 and "input-too-large" in stderr


def _derive_in_sql(rows: list[dict[str, int | None]]) -> list[dict[str, int]]:
    con = duckdb.connect()
    cols = ", ".join(f"CAST(NULL AS BIGINT) AS {sql.q(f)}" for f in FIELD_IDS)
    con.execute(f"CREATE TABLE t AS SELECT 0 AS i, {cols} LIMIT 0")
    for i, row in enumerate(rows):
        values = ", ".join("NULL" if row.get(f) is None else str(row[f]) for f in FIELD_IDS)
        con.execute(f"INSERT INTO t VALUES ({i}, {values})")
    query, nulls = sql.derive("t", sql.Nulls(frozenset(FIELD_IDS)))
    found = con.execute(f"SELECT {sql.unsettled(nulls)}, * FROM ({query}) ORDER BY i").fetchall()
    assert not any(r[0] for r in found)
    return [{f: v for f, v in zip(FIELD_IDS, r[2:], strict=True) if v is not None} for r in found]


def test_sql_derivation_is_counts_derive() -> None:
    rng = random.Random(7)
    identity_fields = sorted({f for i in IDENTITIES for f in (i.total, *i.parts)})
    rows: list[dict[str, int | None]] = [
        {f: rng.randrange(0, 30) for f in identity_fields if rng.random() < 0.5} for _ in range(300)
    ]
    for counts, derived in zip(rows, _derive_in_sql(rows), strict=True):
        assert derived == dict(Counts({k: v for k, v in counts.items() if v is not None}).derive()[0])


def test_two_passes_reach_the_fixed_point_for_any_known_fields() -> None:
    """Counts.derive fills every field it can within sql.PASSES passes, whichever fields are given.

    Identities that share no field do not affect each other, so each connected group is tried with
    every subset of its fields given.
    """
    groups: list[set[str]] = []
    for identity in IDENTITIES:
        fields = {identity.total, *identity.parts}
        joined = [g for g in groups if g & fields]
        groups = [g for g in groups if not g & fields] + [fields.union(*joined)]

    def passes(known: set[str]) -> int:
        count = 0
        while True:
            before = len(known)
            for identity in IDENTITIES:
                missing = [p for p in identity.parts if p not in known]
                if identity.total not in known and not missing:
                    known.add(identity.total)
                elif identity.total in known and len(missing) == 1:
                    known.add(missing[0])
            if len(known) == before:
                return count
            count += 1

    worst = 0
    for group in groups:
        fields = sorted(group)
        for mask in range(1 << len(fields)):
            worst = max(worst, passes({f for i, f in enumerate(fields) if mask >> i & 1}))
    assert worst == sql.PASSES


def test_a_unit_written_in_digits_stays_a_unit(tmp_path: Path) -> None:
    """Unit codes such as 001 are text on both paths (the Python path used to read them as numbers)."""
    sheet = tmp_path / "f.csv"
    sheet.write_text("period,level,unit,received_new\n2022-01,commune,001,5\n2022-02,commune,002,6\n", encoding="utf-8")
    (code, stdout, _), taken = both(["compute", str(sheet), "--grain", "year", "--by", "level", "-f", "json"])
    assert taken and code == 0
    assert '"received_new": 11' in stdout.replace("\n", "").replace("  ", "")


def test_a_level_of_one_unit_is_reported_as_the_level(tmp_path: Path) -> None:
    """--grain month --by level with one unit: the level and total rows, not the unit's row twice."""
    sheet = tmp_path / "f.csv"
    sheet.write_text("period,level,unit,received_new\n2022-01,commune,a,5\n", encoding="utf-8")
    code, stdout, _ = run(["compute", str(sheet), "--grain", "month", "--by", "level", "-f", "json"], SLOW)
    assert code == 0
    rows = json.loads(stdout)["rows"]
    assert [(r["level"], r["unit"], r["counts"]["received_new"]) for r in rows] == [
        ("commune", None, 5),
        (None, None, 5),
    ]


def _monthly_sheet(path: Path, units: int, name: str = "xa") -> None:
    lines = [
        f"2022-{m:02d},commune,{name}-{u},{u % 9 + m},{u % 4},{m % 3},{u % 5}"
        for u in range(units)
        for m in range(1, 13)
    ]
    header = "period,level,unit,received_new,carried_over,resolved_late,pending"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")


def test_a_sheet_read_in_many_buffers_by_several_threads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each read buffer goes to a thread of its own; a sheet split over many gives the Python path's result."""
    monkeypatch.setattr(columnar, "BUFFER_SIZE", 1024)
    sheet = tmp_path / "f.csv"
    _monthly_sheet(sheet, 150)
    assert sheet.stat().st_size > 40 * columnar.BUFFER_SIZE
    for grain in ("quarter", "year"):
        (code, stdout, _), taken = both(["compute", str(sheet), "--grain", grain, "--by", "level", "-f", "json"])
        assert taken and code == 0 and '"received_new"' in stdout


def test_a_line_longer_than_a_read_buffer_goes_the_python_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columnar, "BUFFER_SIZE", 1024)
    sheet = tmp_path / "f.csv"
    _monthly_sheet(sheet, 20, name="x" * 3000)
    (code, stdout, _), taken = both(["compute", str(sheet), "--grain", "year", "--by", "level", "-f", "json"])
    assert not taken and code == 0 and '"received_new"' in stdout


def test_a_sheet_alone_loads_neither_pydantic_nor_duckdbs_python_layer(tmp_path: Path) -> None:
    """Start-up is a large part of a roll-up: the columnar path needs no schema and only DuckDB's core."""
    sheet = tmp_path / "f.csv"
    _monthly_sheet(sheet, 3)
    args = ["compute", str(sheet), "--grain", "year", "--by", "level", "-f", "json"]
    code = (
        "import sys\n"
        "from parcalc.__main__ import main\n"
        f"sys.argv = ['parcalc', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(*(m for m in ('pydantic_core', '_duckdb', 'duckdb') if m in sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, columnar.MIN_ROWS_SETTING: "0"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert '"received_new"' in done.stdout
    loaded = done.stderr.split()
    assert "pydantic_core" not in loaded  # the Python path validates the sheet with the schema
    assert duck.module().__name__ in loaded  # the columnar path ran
    assert "duckdb" not in loaded or duck.module() is duckdb  # the package only where the core cannot serve
