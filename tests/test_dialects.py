"""The portable figures program (records/dialects.py) gives the DuckDB engine's figures, in DuckDB and PostgreSQL.

Random dossier sets, with bad rows and repeated ids mixed in, go through `parcalc.records.ingest` and through
the program transpiled by SQLGlot; the CSV of figures must be identical, and so must the count of bad rows.
The PostgreSQL tests start a throwaway server on 127.0.0.1 (tests/servers.py) and skip, saying why, where
PostgreSQL is not installed; CI installs it (.ci/run).
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import servers

from parcalc.records import IngestError, dialects, ingest
from parcalc.records.columns import ColumnMap
from parcalc.records.engine import COUNT_FIELDS

HEADERS = [
    "dossier_id",
    "unit",
    "level",
    "channel",
    "received_on",
    "due_on",
    "resolved_on",
    "withdrawn_on",
    "full_online",
]
GRAINS = {1: "month", 3: "quarter", 6: "half", 12: "year"}
CASES = [
    (1, 1, None),
    (3, 15, date(2022, 5, 20)),
    (12, 1, date(2022, 12, 14)),
    (6, 15, None),
    (1, 15, date(2022, 6, 30)),
]


def records(count: int, seed: int) -> list[list[str]]:
    """Random dossiers of six units over 17 months, in two date styles, with bad rows and repeated ids."""
    rnd = random.Random(seed)
    units = [("province", "binh-dinh"), ("district", "tuy-phuoc"), ("commune", "xa-a"), ("commune", "Xã B")]
    units += [("district", "an-nhon"), ("sở", "Sở Tư pháp")]
    rows = []
    for number in range(count):
        level, unit = rnd.choice(units)
        received = date(2021, 11, 1) + timedelta(days=rnd.randint(0, 500))
        due = received + timedelta(days=rnd.randint(0, 40))
        resolved = received + timedelta(days=rnd.randint(0, 80)) if rnd.random() < 0.8 else None
        withdrawn = received + timedelta(days=rnd.randint(0, 60)) if resolved is None and rnd.random() < 0.2 else None
        channel = rnd.choice(["online", "direct", "postal", "Trực tuyến", "trực tiếp", " Bưu chính "])
        online = channel in ("online", "Trực tuyến")
        flag = "true" if online and rnd.random() < 0.5 else rnd.choice(["false", "", "Không"])

        def day(value: date | None) -> str:
            if value is None:
                return ""
            return value.strftime("%d/%m/%Y") if rnd.random() < 0.3 else value.isoformat()

        shown_level = rnd.choice(["commune", "Cấp xã", "xã"]) if level == "commune" else level
        rows.append([f"HS{number:06d}", unit, shown_level, channel, day(received), day(due), day(resolved)])
        rows[-1] += [day(withdrawn), flag]
    for number in range(max(1, count // 40)):
        row = list(rnd.choice(rows))
        row[0] = f"BAD{number}"
        column, value = rnd.choice(
            [(4, "not a date"), (3, "fax"), (1, ""), (5, "2020-01-01"), (8, "maybe"), (6, "31/02/2022"), (4, "")]
        )
        row[column] = value
        rows.insert(rnd.randint(0, len(rows)), row)
    for _ in range(max(1, count // 80)):
        row = list(rnd.choice(rows))
        row[6] = ""
        rows.insert(rnd.randint(0, len(rows)), row)
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)


def program(relation: str, months: int, start_day: int, as_of: date | None) -> dict[str, str]:
    layout = dialects.Layout.from_map(ColumnMap())
    spellings = ColumnMap().channel_values()
    return dialects.program(relation, layout, months, start_day, as_of, spellings, COUNT_FIELDS, order=["rn"])


def as_csv(names: list[str], rows: list[Any]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows(rows)
    return out.getvalue()


def bad_count(problems: list[Any]) -> tuple[int, int]:
    """(bad rows, received after the as-of date) from the program's `problems` statement."""
    bad = sum(n for status, n, _, _ in problems if status not in (0, 90))
    return bad, sum(int(after or 0) for *_, after in problems)


@pytest.mark.parametrize("seed", [0, 1])
def test_portable_program_in_duckdb_gives_the_engine_figures(tmp_path: Path, seed: int) -> None:
    import duckdb

    path = tmp_path / "records.csv"
    write_csv(path, records(300, seed))
    relation = f"(SELECT *, row_number() OVER () AS rn FROM read_csv('{path}', all_varchar = true, header = true))"
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    for months, start_day, as_of in CASES:
        expected = ingest([path], GRAINS[months], as_of=as_of, start_day=start_day)
        statements = program(relation, months, start_day, as_of)
        cursor = con.execute(dialects.transpile(statements["figures"], "duckdb"))
        got = as_csv([d[0] for d in cursor.description], cursor.fetchall())
        assert got == expected.csv, (months, start_day, as_of)
        bad, after = bad_count(con.execute(statements["problems"]).fetchall())
        assert (bad, after) == (expected.bad_row_count, expected.after_as_of)


@pytest.mark.parametrize("dialect", dialects.DIALECTS)
def test_figures_sql_is_written_for_each_dialect(dialect: str) -> None:
    import sqlglot

    text = dialects.figures_sql("ho_so", dialect, 3, as_of=date(2022, 9, 30))
    sqlglot.parse_one(text.rstrip().rstrip(";"), read=dialect)  # reads back in its own dialect
    duckdb_only = ("regexp_matches", "//", "count_if", "EXCLUDE", "GROUP BY ALL")
    if dialect != "duckdb":
        assert not [word for word in duckdb_only if word.lower() in text.lower()]
    assert "ho_so" in text


def test_figures_sql_uses_the_column_map_and_refuses_an_unknown_dialect() -> None:
    mapping = ColumnMap({"dossier_id": "Mã hồ sơ", "received_on": "Ngày tiếp nhận"})
    text = dialects.figures_sql("public.ho_so", "spark", 1, column_map=mapping, absent=["full_online"])
    assert "`Mã hồ sơ`" in text and "`Ngày tiếp nhận`" in text and "CAST(received_full_online AS BIGINT)" not in text
    with pytest.raises(IngestError, match="unknown SQL dialect 'oracle'"):
        dialects.figures_sql("ho_so", "oracle", 1)


@pytest.fixture(scope="module")
def postgres() -> Iterator[Any]:
    reason = servers.missing_postgres()
    if reason:
        pytest.skip(reason)
    psycopg = pytest.importorskip("psycopg", reason="psycopg is in the test extra: pip install -e '.[test]'")
    with servers.postgres_server() as url, psycopg.connect(url, autocommit=True) as connection:
        # JIT compiling the program's wide expressions costs more than running it on a test's few rows.
        connection.execute("SET jit = off")
        yield connection


@pytest.mark.parametrize("seed", [0, 1])
def test_transpiled_program_in_postgres_gives_the_engine_figures(postgres: Any, tmp_path: Path, seed: int) -> None:
    rows = records(250, seed)
    path = tmp_path / "records.csv"
    write_csv(path, rows)
    postgres.execute("DROP TABLE IF EXISTS ho_so")
    postgres.execute("CREATE TABLE ho_so (rn integer, " + ", ".join(f"{h} text" for h in HEADERS) + ")")
    with postgres.cursor().copy("COPY ho_so FROM STDIN") as copy:
        for number, row in enumerate(rows, 1):
            copy.write_row([number, *(value or None for value in row)])
    for months, start_day, as_of in CASES:
        expected = ingest([path], GRAINS[months], as_of=as_of, start_day=start_day)
        statements = program("ho_so", months, start_day, as_of)
        cursor = postgres.execute(dialects.transpile(statements["figures"], "postgres"))
        got = as_csv([d.name for d in cursor.description], cursor.fetchall())
        assert got == expected.csv, (months, start_day, as_of)
        problems = postgres.execute(dialects.transpile(statements["problems"], "postgres")).fetchall()
        assert bad_count(problems) == (expected.bad_row_count, expected.after_as_of)


def test_printed_postgres_sql_runs_in_postgres(postgres: Any) -> None:
    """The statement users get (no row-order column) runs as printed, on a table with Vietnamese headers."""
    postgres.execute("DROP TABLE IF EXISTS ho_so_vn")
    postgres.execute(
        'CREATE TABLE ho_so_vn ("Mã hồ sơ" text, unit text, level text, channel text, received_on date, '
        "due_on date, resolved_on date, withdrawn_on date, full_online boolean)"
    )
    postgres.execute(
        "INSERT INTO ho_so_vn VALUES ('A', 'xa-a', 'commune', 'online', '2022-01-03', '2022-01-10', '2022-01-05', "
        "NULL, true), ('B', 'xa-a', 'commune', 'direct', '2022-01-20', '2022-01-25', NULL, NULL, false)"
    )
    mapping = ColumnMap({"dossier_id": "Mã hồ sơ"})
    text = dialects.figures_sql("ho_so_vn", "postgres", 1, as_of=date(2022, 2, 28), column_map=mapping)
    rows = postgres.execute(text).fetchall()
    assert [row[:6] for row in rows] == [
        ("2022-01", "commune", "xa-a", 2, 2, 0),
        ("2022-02", "commune", "xa-a", 1, 0, 1),
    ]
