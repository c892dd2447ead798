"""Record files as DuckDB relations: CSV (comma or semicolon, with or without BOM), Parquet and XLSX.

Each file becomes a `Source`: the SQL that reads it, the type and real name of each contract column, and
how to number its rows for the bad-row report. XLSX is converted to a temporary CSV first, because
DuckDB's own Excel reader is an extension that would have to be downloaded at run time.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from parcalc.analysis.duck import quote_name, quote_text
from parcalc.records.columns import ColumnMap
from parcalc.records.errors import IngestError

ProgressHook = Callable[[str, float | None], None]

XLSX_ROW = "__parcalc_row"


@dataclass(frozen=True)
class Column:
    name: str  # the header in the file
    type: str  # DuckDB type name, e.g. VARCHAR, DATE, BOOLEAN


@dataclass(frozen=True)
class Source:
    """One records file, ready to be read by SQL."""

    label: str  # how reports name the file
    relation: str  # a FROM item
    numbered_relation: str  # the same, with row numbers available as `row_number`
    row_number: str  # SQL expression of the row number in reports
    columns: dict[str, Column | None]


def open_sources(
    con: Any,
    paths: list[Path],
    column_map: ColumnMap,
    workdir: Path,
    progress: ProgressHook | None,
    *,
    parallel: bool = True,
) -> list[Source]:
    """The files as `Source` items; ``parallel=False`` reads CSV with one thread (for quoted line breaks)."""
    sources = []
    for index, path in enumerate(paths):
        label = str(path)
        if not path.is_file():
            raise IngestError("no such file", file=label, code="records-file")
        suffix = path.suffix.lower()
        if suffix == ".parquet":
            source = _parquet(con, path, label)
        elif suffix in (".xlsx", ".xlsm"):
            csv_path = workdir / f"{index}.csv"
            _xlsx_to_csv(path, csv_path, label, progress)
            source = _csv(con, csv_path, label, ",", parallel, row_column=XLSX_ROW)
        elif suffix in (".csv", ".txt", ".tsv"):
            source = _csv(con, path, label, _sniff_delimiter(path, label), parallel)
        else:
            raise IngestError("unknown record format (use .csv, .parquet or .xlsx)", file=label, code="records-file")
        found = {c.name: c for c in source.columns.values() if c is not None}
        resolved = column_map.resolve(found, label)
        columns = {key: (found[name] if name is not None else None) for key, name in resolved.items()}
        sources.append(Source(source.label, source.relation, source.numbered_relation, source.row_number, columns))
    return sources


def _describe(con: Any, relation: str, label: str) -> dict[str, Column | None]:
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except Exception as exc:  # duckdb raises many error classes; all mean the file is unreadable
        raise IngestError(f"cannot read the file: {_first_line(exc)}", file=label, code="records-file") from None
    return {str(name): Column(str(name), str(kind)) for name, kind, *_ in rows}


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _sniff_delimiter(path: Path, label: str) -> str:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = handle.readline()
    except UnicodeDecodeError:
        raise IngestError("the file is not UTF-8 text", file=label, code="records-file") from None
    except OSError as exc:
        raise IngestError(f"cannot read the file: {exc.strerror or exc}", file=label, code="records-file") from None
    if not header.strip():
        raise IngestError("the file is empty (a header row is needed)", file=label, code="records-file")
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])


def _csv(con: Any, path: Path, label: str, delimiter: str, parallel: bool, row_column: str | None = None) -> Source:
    # null_padding reads a short row as empty trailing cells, so that it is reported rather than refused.
    options = (
        f"header = true, all_varchar = true, delim = {quote_text(delimiter)}, quote = '\"', escape = '\"', "
        "null_padding = true, auto_detect = true"
    )
    if not parallel:
        options += ", parallel = false"
    relation = f"read_csv({quote_text(str(path))}, {options})"
    columns = _describe(con, relation, label)
    if row_column is not None:
        columns.pop(row_column, None)
        # The XLSX converter wrote each record's sheet row, so blank sheet rows keep the numbering.
        return Source(label, relation, relation, f"CAST({quote_name(row_column)} AS BIGINT)", columns)
    # Rows are numbered as a spreadsheet shows them: the header is row 1. row_number() OVER () is
    # order-preserving but single-threaded, so only the bad-row report uses it.
    numbered = f"(SELECT *, row_number() OVER () + 1 AS row_number FROM {relation})"
    return Source(label, relation, numbered, "row_number", columns)


def _parquet(con: Any, path: Path, label: str) -> Source:
    relation = f"read_parquet({quote_text(str(path))})"
    columns = _describe(con, relation, label)
    numbered = f"read_parquet({quote_text(str(path))}, file_row_number = true)"
    # Parquet has no header row: a record's number is its position, counting from 1.
    return Source(label, relation, numbered, "file_row_number + 1", columns)


def _xlsx_to_csv(path: Path, target: Path, label: str, progress: ProgressHook | None) -> None:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise IngestError(
            "reading .xlsx needs openpyxl (pip install openpyxl)", file=label, code="records-file"
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, ValueError... for a broken workbook
        raise IngestError(f"cannot read the workbook: {_first_line(exc)}", file=label, code="records-file") from None
    try:
        sheet = book.worksheets[0]
        total = sheet.max_row or 0
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            header_seen = False
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                if not any(cells):
                    continue
                if not header_seen:
                    writer.writerow([*cells, XLSX_ROW])
                    header_seen = True
                else:
                    writer.writerow([*cells, number])
                if progress is not None and total and number % 10_000 == 0:
                    progress(f"reading {label}", number / total)
            if not header_seen:
                raise IngestError("the sheet is empty (a header row is needed)", file=label, code="records-file")
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def scratch_dir() -> tempfile.TemporaryDirectory[str]:
    """A folder for converted sheets and DuckDB's spill files, removed after the run."""
    return tempfile.TemporaryDirectory(prefix="parcalc-ingest-")
