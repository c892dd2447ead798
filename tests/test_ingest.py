"""parcalc ingest: figures from dossier records, against a plain-Python reading of the definitions."""

from __future__ import annotations

import csv
import json
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcalc.core.periods import Grain, date_window, month_index, month_run
from parcalc.records import IngestError, format_for, ingest, render

HEADER = [
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


@dataclass(frozen=True)
class Dossier:
    dossier_id: str
    unit: str
    level: str
    channel: str
    received_on: date
    due_on: date
    resolved_on: date | None
    withdrawn_on: date | None
    full_online: bool

    def row(self) -> list[str]:
        return [
            self.dossier_id,
            self.unit,
            self.level,
            self.channel,
            self.received_on.isoformat(),
            self.due_on.isoformat(),
            self.resolved_on.isoformat() if self.resolved_on else "",
            self.withdrawn_on.isoformat() if self.withdrawn_on else "",
            "true" if self.full_online else "false",
        ]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def reference(dossiers: list[Dossier], grain: Grain, start_day: int, as_of: date | None) -> list[dict[str, object]]:
    """The definitions of the issue, one period and one dossier at a time."""
    if as_of is None:
        as_of = max(
            max(d.received_on, d.resolved_on or d.received_on, d.withdrawn_on or d.received_on) for d in dossiers
        )
    known = [d for d in dossiers if d.received_on <= as_of]
    if not known:
        return []

    def on_or_before(day: date | None) -> date | None:
        return day if day is not None and day <= as_of else None

    def reporting_month(day: date) -> int:
        index = month_index(day.year, day.month)
        return index + 1 if start_day != 1 and day.day >= start_day else index

    first = reporting_month(min(d.received_on for d in known)) // grain.value
    last = reporting_month(as_of) // grain.value
    rows: list[dict[str, object]] = []
    for key in range(first, last + 1):
        period = month_run(key * grain.value, grain.value, start_day)
        if as_of < period.end:
            period = date_window(period.start, as_of, start_day)
        start, end = period.start, period.end
        units = sorted(
            {(d.level, d.unit) for d in known}, key=lambda lu: (["province", "district", "commune"].index(lu[0]), lu[1])
        )
        for level, unit in units:
            counts = dict.fromkeys(
                [
                    "received",
                    "received_new",
                    "carried_over",
                    "received_online",
                    "received_direct",
                    "received_postal",
                    "received_full_online",
                    "resolved",
                    "resolved_early",
                    "resolved_on_time",
                    "resolved_late",
                    "withdrawn",
                    "pending",
                    "pending_within",
                    "pending_overdue",
                ],
                0,
            )
            for d in known:
                if (d.level, d.unit) != (level, unit):
                    continue
                resolved, withdrawn = on_or_before(d.resolved_on), on_or_before(d.withdrawn_on)
                closed = resolved or withdrawn
                if start <= d.received_on <= end:
                    counts["received_new"] += 1
                    counts[f"received_{d.channel}"] += 1
                    counts["received_full_online"] += d.full_online
                elif d.received_on < start and (closed is None or closed >= start):
                    counts["carried_over"] += 1
                else:
                    continue
                if resolved is not None and resolved <= end:
                    counts["resolved"] += 1
                    if resolved < d.due_on:
                        counts["resolved_early"] += 1
                    elif resolved == d.due_on:
                        counts["resolved_on_time"] += 1
                    else:
                        counts["resolved_late"] += 1
                elif withdrawn is not None and withdrawn <= end:
                    counts["withdrawn"] += 1
                else:
                    counts["pending"] += 1
                    counts["pending_overdue" if d.due_on < end else "pending_within"] += 1
            counts["received"] = counts["received_new"] + counts["carried_over"]
            rows.append({"period": period.label, "level": level, "unit": unit, **counts})
    return rows


@st.composite
def dossier_sets(draw: st.DrawFn) -> list[Dossier]:
    count = draw(st.integers(min_value=1, max_value=40))
    dossiers = []
    for number in range(count):
        received = date(2022, 1, 1) + timedelta(days=draw(st.integers(0, 500)))
        channel = draw(st.sampled_from(["online", "direct", "postal"]))
        fate = draw(st.sampled_from(["open", "resolved", "resolved", "withdrawn"]))
        later = received + timedelta(days=draw(st.integers(0, 120)))
        dossiers.append(
            Dossier(
                dossier_id=f"HS-{number}",
                unit=draw(st.sampled_from(["a", "b", "c"])),
                level=draw(st.sampled_from(["province", "commune"])),
                channel=channel,
                received_on=received,
                due_on=received + timedelta(days=draw(st.integers(0, 45))),
                resolved_on=later if fate == "resolved" else None,
                withdrawn_on=later if fate == "withdrawn" else None,
                full_online=channel == "online" and draw(st.booleans()),
            )
        )
    return dossiers


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    dossiers=dossier_sets(),
    grain=st.sampled_from(list(Grain)),
    start_day=st.sampled_from([1, 15]),
    as_of=st.one_of(st.none(), st.dates(date(2022, 1, 1), date(2023, 8, 1))),
)
def test_figures_match_the_definitions(
    tmp_path: Path, dossiers: list[Dossier], grain: Grain, start_day: int, as_of: date | None
) -> None:
    path = write_csv(tmp_path / "records.csv", [d.row() for d in dossiers])
    result = ingest([path], grain, start_day=start_day, as_of=as_of)
    assert result.bad_row_count == 0
    assert result.figures == reference(dossiers, grain, start_day, as_of)
    for row in result.figures:
        assert row["received"] == row["resolved"] + row["pending"] + row["withdrawn"]
        assert row["received"] == row["received_new"] + row["carried_over"]
        assert row["received_new"] == row["received_online"] + row["received_direct"] + row["received_postal"]
        assert row["resolved"] == row["resolved_early"] + row["resolved_on_time"] + row["resolved_late"]
        assert row["pending"] == row["pending_within"] + row["pending_overdue"]


def test_a_worked_quarter(tmp_path: Path) -> None:
    rows = [
        # carried over from Q2, resolved late in Q3
        ["1", "x", "commune", "direct", "2022-06-20", "2022-07-05", "2022-07-10", "", "false"],
        # new in Q3, resolved early, full online
        ["2", "x", "commune", "online", "2022-07-01", "2022-07-10", "2022-07-03", "", "true"],
        # new in Q3, still open at the end, overdue (due before 30/09)
        ["3", "x", "commune", "postal", "2022-08-01", "2022-08-20", "", "", "false"],
        # new in Q3, withdrawn
        ["4", "x", "commune", "online", "2022-09-01", "2022-09-10", "", "2022-09-02", "false"],
        # new on the last day, due on the last day: pending within the deadline
        ["5", "x", "commune", "direct", "2022-09-30", "2022-09-30", "", "", "false"],
    ]
    result = ingest([write_csv(tmp_path / "r.csv", rows)], "quarter", as_of=date(2022, 9, 30))
    q3 = next(f for f in result.figures if f["period"] == "2022-Q3")
    assert q3 == {
        "period": "2022-Q3", "level": "commune", "unit": "x", "received": 5, "received_new": 4,
        "carried_over": 1, "received_online": 2, "received_direct": 1, "received_postal": 1,
        "received_full_online": 1, "resolved": 2, "resolved_early": 1, "resolved_on_time": 0,
        "resolved_late": 1, "withdrawn": 1, "pending": 2, "pending_within": 1, "pending_overdue": 1,
    }  # fmt: skip
    assert [f["period"] for f in result.figures] == ["2022-Q2", "2022-Q3"]


def test_the_last_period_ends_on_the_as_of_date(tmp_path: Path) -> None:
    rows = [["1", "x", "province", "direct", "2022-07-01", "2022-07-20", "", "", "false"]]
    path = write_csv(tmp_path / "r.csv", rows)
    assert [f["period"] for f in ingest([path], "quarter", as_of=date(2022, 7, 25)).figures] == [
        "2022-07-01..2022-07-25"
    ]
    # Overdue on the as-of date, not at the end of the quarter.
    assert ingest([path], "quarter", as_of=date(2022, 7, 25)).figures[0]["pending_overdue"] == 1
    assert ingest([path], "quarter", as_of=date(2022, 7, 20)).figures[0]["pending_overdue"] == 0
    assert [f["period"] for f in ingest([path], "year", as_of=date(2022, 8, 31)).figures] == ["2022-01..2022-08"]


def test_bad_rows_are_reported_and_left_out(tmp_path: Path) -> None:
    good = ["1", "x", "commune", "online", "2022-01-03", "2022-01-10", "2022-01-05", "", "true"]
    rows = [
        good,
        ["2", "x", "commune", "online", "2022-02-30", "2022-03-10", "", "", "false"],  # row 3
        ["3", "x", "commune", "online", "2022-01-10", "2022-01-01", "", "", "false"],  # row 4
        ["4", "x", "commune", "fax", "2022-01-10", "2022-01-20", "", "", "false"],  # row 5
        ["5", "x", "commune", "online", "2022-01-10", "2022-01-20", "2022-01-09", "", "false"],  # row 6
        ["1", "x", "commune", "direct", "2022-01-04", "2022-01-10", "", "", "false"],  # row 7, duplicate
        ["", "x", "commune", "online", "2022-01-10", "2022-01-20", "", "", "false"],  # row 8
        ["8", "x", "commune", "direct", "2022-01-10", "2022-01-20", "", "", "true"],  # row 9
        ["9", "x", "commune", "direct", "2022-01-10", "2022-01-20", "2022-01-11", "2022-01-12", "no"],
    ]
    path = write_csv(tmp_path / "r.csv", rows)
    result = ingest([path], "month", max_bad_rows=5)
    assert result.bad_row_count == 8
    assert [(b.row, b.code) for b in result.bad_rows] == [
        (3, "not-a-date"),
        (4, "due-before-received"),
        (5, "unknown-channel"),
        (6, "resolved-before-received"),
        (7, "duplicate-id"),
    ]
    assert "'2022-02-30'" in result.bad_rows[0].message
    assert "first at row 2" in result.bad_rows[4].message
    assert result.figures[0]["received"] == 1
    assert [b.code for b in ingest([path], "month").bad_rows][5:] == [
        "missing-dossier_id",
        "full-online-not-online",
        "resolved-and-withdrawn",
    ]
    with pytest.raises(IngestError, match="8 bad record"):
        ingest([path], "month", strict=True)


def test_vietnamese_headers_semicolons_and_bom(tmp_path: Path) -> None:
    header = ["Mã hồ sơ", "Đơn vị", "Cấp", "Hình thức nộp", "Ngày tiếp nhận", "Hẹn trả", "Ngày trả", "Toàn trình"]
    rows = [
        ["A1", "Xã An Nhơn", "Cấp xã", "Trực tuyến", "03/01/2022", "10/01/2022", "10/01/2022", "Có"],
        ["A2", "Xã An Nhơn", "cấp xã", "trực tiếp", "04/01/2022", "10/01/2022", "", "không"],
        ["A3", "Xã An Nhơn", "xã", "Bưu chính", "2022-01-05", "2022-01-10", "12/01/2022", ""],
    ]
    path = tmp_path / "vn.csv"
    write_csv(path, rows, header, delimiter=";")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    mapping = {
        "dossier_id": "Mã hồ sơ", "unit": "Đơn vị", "level": "Cấp", "channel": "Hình thức nộp",
        "received_on": "Ngày tiếp nhận", "due_on": "Hẹn trả", "resolved_on": "Ngày trả",
        "full_online": "Toàn trình",
    }  # fmt: skip
    [row] = ingest([path], "year", column_map=mapping).figures
    assert row["level"] == "commune"
    assert row["unit"] == "Xã An Nhơn"
    assert (row["received_online"], row["received_direct"], row["received_postal"]) == (1, 1, 1)
    assert (row["resolved_on_time"], row["resolved_late"], row["pending"]) == (1, 1, 1)
    assert row["received_full_online"] == 1


def test_the_example_records_with_their_column_map() -> None:
    examples = Path(__file__).resolve().parent.parent / "examples" / "records"
    records, columns = examples / "ho-so-2022.csv", examples / "column-map.toml"
    result = ingest([records], "quarter", column_map=columns, as_of=date(2022, 12, 31))
    assert result.bad_row_count == 1  # due before received
    assert {f["period"] for f in result.figures} == {"2022-Q3", "2022-Q4"}
    # Without --as-of the records end on 10/11, and so does the last quarter.
    assert ingest([records], "quarter", column_map=columns).figures[-1]["period"] == "2022-10-01..2022-11-10"


def test_parquet_and_xlsx_read_like_csv(tmp_path: Path) -> None:
    import duckdb
    import openpyxl

    rows = [
        ["1", "x", "district", "online", "2022-03-01", "2022-03-05", "2022-03-04", "", "true"],
        ["2", "x", "district", "direct", "2022-03-02", "2022-03-05", "", "", "false"],
    ]
    source = write_csv(tmp_path / "r.csv", rows)
    expected = ingest([source], "month").figures
    parquet = tmp_path / "r.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{source}')) TO '{parquet}' (FORMAT parquet)")
    assert ingest([parquet], "month").figures == expected
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append([date.fromisoformat(v) if "-" in v and v[0] == "2" else v for v in row])
    book.save(tmp_path / "r.xlsx")
    assert ingest([tmp_path / "r.xlsx"], "month").figures == expected


def test_row_numbers_across_files_and_formats(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["1", "x", "commune", "online", "2022-03-01", "2022-03-05", "", "", "true"])
    sheet.append([])  # a blank sheet row keeps its number
    sheet.append(["2", "x", "commune", "carrier pigeon", "2022-03-01", "2022-03-05", "", "", "false"])
    book.save(tmp_path / "a.xlsx")
    other = write_csv(tmp_path / "b.csv", [["1", "y", "commune", "direct", "2022-03-01", "2022-03-05", "", "", "no"]])
    result = ingest([tmp_path / "a.xlsx", other], "month")
    assert [(Path(b.file).name, b.row, b.code) for b in result.bad_rows] == [
        ("a.xlsx", 4, "unknown-channel"),
        ("b.csv", 2, "duplicate-id"),
    ]
    assert "a.xlsx, row 2" in result.bad_rows[1].message


def test_unreadable_input_is_one_clear_error(tmp_path: Path) -> None:
    cases = {
        write_csv(tmp_path / "r.csv", [], header=["dossier_id", "unit"]): "no column for level",
        tmp_path / "missing.csv": "no such file",
        tmp_path / "empty.csv": "empty",
        tmp_path / "r.ods": "unknown record format",
    }
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "r.ods").write_text("x")
    for path, message in cases.items():
        with pytest.raises(IngestError, match=message):
            ingest([path], "month")


def test_column_map_files_and_their_mistakes(tmp_path: Path) -> None:
    from parcalc.records import load_column_map

    (tmp_path / "m.json").write_text(json.dumps({"dossier_id": "Mã", "channels": {"online": ["Cổng DVC"]}}))
    mapping = load_column_map(tmp_path / "m.json")
    assert mapping.header("dossier_id") == "Mã"
    assert "cổng dvc" in mapping.channel_values()["online"]
    (tmp_path / "m.toml").write_text('dosier_id = "Mã"\n')
    with pytest.raises(IngestError, match="did you mean 'dossier_id'"):
        load_column_map(tmp_path / "m.toml")


def test_csv_written_by_duckdb_matches_the_csv_module(tmp_path: Path) -> None:
    """DuckDB writes the CSV output; quoting must be what Python's csv module writes and reads back."""
    import io

    names = ['Xã "An" Nhơn', "Phường 1, Quận 3", "line\nbreak", "semi;colon", "plain"]
    rows = [
        [f"{i}", name, "commune", "online", "2022-03-01", "2022-03-05", "2022-03-04", "", "true"]
        for i, name in enumerate(names)
    ]
    result = ingest([write_csv(tmp_path / "r.csv", rows)], "month", memory_limit="256MiB")
    text = render(result, "csv")
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(("period", "level", "unit", *result.fields))
    writer.writerows(result.rows)
    assert text == expected.getvalue()
    assert sorted(row[2] for row in result.rows) == sorted(names)
    assert all(isinstance(value, int) for row in result.rows for value in row[3:])


def test_no_usable_record_gives_a_header_only(tmp_path: Path) -> None:
    rows = [["1", "x", "commune", "fax", "2022-03-01", "2022-03-05", "", "", "false"]]
    result = ingest([write_csv(tmp_path / "r.csv", rows)], "month")
    assert result.rows == []
    assert render(result, "csv") == "period,level,unit," + ",".join(result.fields) + "\n"


def test_outputs_read_back(tmp_path: Path) -> None:
    rows = [["1", "x", "ministry", "online", "2022-03-01", "2022-03-05", "2022-03-04", "", "true"]]
    result = ingest([write_csv(tmp_path / "r.csv", rows)], "month", start_day=15, as_of=date(2022, 3, 14))
    data = tomllib.loads(render(result, "toml"))
    assert data["parcalc"] == {"levels": ["province", "district", "commune", "ministry"], "period_start_day": 15}
    assert data["figures"] == result.figures
    assert json.loads(render(result, "json"))["figures"] == result.figures
    lines = render(result, "csv").splitlines()
    assert lines[0].startswith("period,level,unit,received,")
    assert lines[1].startswith("2022-03,ministry,x,1,1,0,")
    assert format_for("out/figures.JSON") == "json"
    assert format_for(None) == "toml"
    with pytest.raises(IngestError, match="output format"):
        format_for("figures.xml")


def test_progress_is_reported(tmp_path: Path) -> None:
    rows = [["1", "x", "commune", "online", "2022-03-01", "2022-03-05", "", "", "true"]]
    seen: list[tuple[str, float | None]] = []
    ingest([write_csv(tmp_path / "r.csv", rows)], "month", progress=lambda stage, done: seen.append((stage, done)))
    assert seen[-1] == ("done", 1.0)
    assert any(stage == "aggregating" for stage, _ in seen)


@pytest.mark.slow
def test_generated_records_match_the_plain_duckdb_query(tmp_path: Path) -> None:
    """The benchmark's generator and baseline query, at a small size."""
    import sys

    bench = Path(__file__).resolve().parent.parent / "benchmarks" / "ingest"
    sys.path.insert(0, str(bench))
    try:
        import generate
        import run as bench_run
    finally:
        sys.path.remove(str(bench))
    path = tmp_path / "records.csv"
    generate.generate(20_000, path)
    ours = ingest([path], "month", as_of=date.fromisoformat(bench_run.AS_OF))
    # The baseline lists only the months in which a unit had dossiers.
    assert sorted(row for row in ours.rows if row[3]) == sorted(bench_run.duckdb_baseline_rows(path))
