"""Run the ingest: open the files, aggregate in one DuckDB scan, report bad rows, build the figures.

The clean case costs one parallel scan of the records. Its hash aggregation groups the records that
count alike (same unit, periods and class: a table that grows with units and periods, not records) and,
in a second grouping set of the same aggregation, the hashes of their dossier ids, keeping those seen
twice. Only when it finds a bad row or a repeated dossier id does a row-numbered scan run to say which
rows they are (and, for duplicates, another to leave the later copies out): row numbers need an
order-preserving, single-threaded scan. The events per period, their running sums and the figures are
built from the small grouped table and written by DuckDB as CSV text, never as a Python object per row.
"""

from __future__ import annotations

import csv
import io
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from parcalc.analysis.duck import quote_text
from parcalc.core.counts import RECORD_FIELDS
from parcalc.core.issues import LangText, Problem, UsageError, warning
from parcalc.core.periods import Grain, Period, PeriodError, date_window, month_index, month_run, parse_period
from parcalc.records import sql
from parcalc.records.columns import DATE_COLUMNS, ColumnMap, column_map_from, load_column_map
from parcalc.records.errors import IngestError
from parcalc.records.sources import ProgressHook, Source, open_sources, scratch_dir

COUNT_FIELDS = RECORD_FIELDS  # the count fields ingest produces, declared with the others in core.counts
BAD_ROWS_SHOWN = 20
# DuckDB's message when its parallel CSV reader meets a line break inside a quoted cell.
QUOTED_NEWLINES = "does not support null_padding in conjunction with quoted new lines"
MEMORY_LIMIT = "600MiB"  # of DuckDB buffers; Python, the DuckDB library and its other allocations come on top


@dataclass(frozen=True)
class BadRow:
    """A record left out of the figures, and why: a warning located by its file and row (as ``line``)."""

    problem: Problem

    @property
    def file(self) -> str:
        return self.problem.file or ""

    @property
    def row(self) -> int:
        return self.problem.line or 0

    @property
    def code(self) -> str:
        return self.problem.code

    @property
    def message(self) -> str:
        return self.problem.message("en")

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}: {self.message}"


def _bad_row(file: str, row: int, code: str, params: dict[str, Any]) -> BadRow:
    return BadRow(warning(code, **params).located(file=file, line=row))


@dataclass(frozen=True)
class IngestResult:
    """Figures per (period, level, unit), and the records that could not be used."""

    grain: Grain
    start_day: int
    as_of: date | None  # None when no record could be used
    fields: tuple[str, ...]
    # The figures as DuckDB wrote them: CSV with a header row. A national extract has hundreds of thousands
    # of (period, unit) rows; keeping them as text spares the CSV output a round trip through Python objects.
    csv: str
    bad_rows: list[BadRow]  # the first ones, in file and row order
    bad_row_count: int
    after_as_of: int  # records received after the as-of date, not yet known on that date
    levels: list[str] = field(default_factory=list)  # the levels of the figures
    # The figures as TOML tables or JSON objects, as DuckDB wrote them for the formats asked for
    # (writers.render adds the head and falls back to Python for a format not asked for).
    rendered: dict[str, str] = field(default_factory=dict)

    def notes(self) -> list[str]:
        """What a person should know about the run, one line each: the bad rows listed, how many there
        were in all, and the records received after the as-of date."""
        lines = [f"warning: {bad}" for bad in self.bad_rows]
        if self.bad_row_count:
            shown = f" (first {len(self.bad_rows)} listed)" if self.bad_row_count > len(self.bad_rows) else ""
            lines.append(
                f"warning: {self.bad_row_count} bad record row(s) left out of the figures{shown};"
                " strict mode makes them an error"
            )
        if self.after_as_of:
            lines.append(f"note: {self.after_as_of} dossier(s) received after {self.as_of} are not counted")
        return lines

    @cached_property
    def rows(self) -> list[tuple[Any, ...]]:
        """(period, level, unit, *counts in the order of fields)."""
        reader = csv.reader(io.StringIO(self.csv, newline=""))
        next(reader)
        return [(period, level, unit, *map(int, counts)) for period, level, unit, *counts in reader]

    @property
    def figures(self) -> list[dict[str, Any]]:
        keys = ("period", "level", "unit", *self.fields)
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Keep:
    """Which figures to keep: periods (each kept figure's period lies within one), levels, units."""

    periods: tuple[Period, ...] = ()
    levels: tuple[str, ...] = ()
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rendered:
    levels: list[str]
    texts: dict[str, str]


def ingest(
    paths: list[str | Path] | list[str] | list[Path],
    grain: Grain | str,
    *,
    as_of: date | None = None,
    column_map: ColumnMap | Mapping[str, Any] | str | Path | None = None,
    start_day: int = 1,
    strict: bool = False,
    progress: ProgressHook | None = None,
    max_bad_rows: int = BAD_ROWS_SHOWN,
    memory_limit: str | None = None,
    formats: Iterable[str] = (),
    periods: Iterable[str] = (),
    levels: Iterable[str] = (),
    units: Iterable[str] = (),
) -> IngestResult:
    """Read dossier records and compute the figures of every period of ``grain`` up to ``as_of``.

    ``as_of`` defaults to the latest date in the records; the period containing it ends on that date.
    Bad rows are left out and reported; with ``strict`` they raise `IngestError` instead.
    ``periods``, ``levels`` and ``units`` keep only those figures (a period keeps the periods of ``grain``
    within it); every record still counts, so a kept period's carried over is unchanged.
    ``formats`` ("toml", "json") are written by DuckDB too, for `writers.render` (the CSV always is).
    ``memory_limit`` caps DuckDB's buffers (a DuckDB size such as "2GiB"); beyond it, it spills to disk.
    """
    if not paths:
        raise UsageError("no record files given", option="records")
    chosen = grain if isinstance(grain, Grain) else Grain.parse(grain)
    if not 1 <= start_day <= 28:
        raise UsageError(f"must be between 1 and 28, not {start_day}", option="start_day")
    mapping = _column_map(column_map)
    try:
        keep = Keep(tuple(parse_period(p, start_day) for p in periods), tuple(levels), tuple(units))
    except PeriodError as exc:
        raise UsageError(str(exc), option="period") from None
    from parcalc.analysis import duck

    duckdb = duck.module()
    with scratch_dir() as workdir:
        config: dict[str, str | bool | int | float | list[str]] = {
            "preserve_insertion_order": False,
            "temp_directory": str(Path(workdir) / "spill"),
            # DuckDB's own default is 80 % of the machine; the goal is under 1 GiB for the whole process at
            # 10 million records, and its hash tables spill to the scratch folder rather than fail.
            "memory_limit": memory_limit or MEMORY_LIMIT,
            "threads": _cpus(),
        }

        def run(parallel: bool) -> IngestResult:
            con = duck.connect(**config)
            try:
                if progress is not None:
                    # Progress tracking costs a little on every chunk, so only a visible bar turns it on.
                    con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
                files = [Path(p) for p in paths]
                sources = open_sources(con, files, mapping, Path(workdir), progress, parallel=parallel)
                scan = _RecordScan(con, sources, mapping, chosen, start_day, as_of, progress, Path(workdir), keep)
                return scan.result(strict, max_bad_rows, tuple(formats))
            except duckdb.Error as exc:
                if parallel and QUOTED_NEWLINES in str(exc):
                    raise _Sequential from None
                raise IngestError(_first_line(exc)) from None
            finally:
                con.close()

        try:
            return run(parallel=True)
        except _Sequential:
            return run(parallel=False)


class _Sequential(Exception):
    """A file has line breaks inside quoted cells, which only DuckDB's one-thread CSV reader handles."""


def _cpus() -> int:
    """The CPUs this process may run on (a container or taskset may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _column_map(value: ColumnMap | Mapping[str, Any] | str | Path | None) -> ColumnMap:
    if value is None:
        return ColumnMap()
    if isinstance(value, ColumnMap):
        return value
    if isinstance(value, str | Path):
        return load_column_map(value)
    return column_map_from(value)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class _RecordScan:
    """One ingest over a DuckDB connection: the record files read as events, bad rows found, figures built."""

    def __init__(
        self,
        con: Any,
        sources: list[Source],
        mapping: ColumnMap,
        grain: Grain,
        start_day: int,
        as_of: date | None,
        progress: ProgressHook | None,
        workdir: Path,
        keep: Keep,
    ) -> None:
        self.con = con
        self.workdir = workdir
        self.sources = sources
        self.spellings = mapping.channel_values()
        self.grain = grain
        self.start_day = start_day
        self.as_of = as_of
        self.progress = progress
        self.keep = keep

    def result(self, strict: bool, max_bad_rows: int, formats: tuple[str, ...]) -> IngestResult:
        self._aggregate(numbered=False, excluded=None, stage="aggregating", ids=True)
        counts = dict(self.con.execute("SELECT reason, sum(n) FROM ev WHERE reason <> 0 GROUP BY ALL").fetchall())
        self.con.execute("CREATE TEMP TABLE repeated AS SELECT hid FROM scanned WHERE by_event = 0")
        has_duplicates = self.con.execute("SELECT count(*) FROM repeated").fetchone()[0] > 0
        bad_total = sum(n for reason, n in counts.items() if reason not in (0, sql.AFTER_AS_OF))
        bad_rows: list[BadRow] = []
        if bad_total or has_duplicates:
            self._notify("checking bad rows", None)
            bad_rows, duplicates = self._bad_rows(max_bad_rows, has_duplicates)
            bad_total += len(duplicates)
            if duplicates:
                self.con.execute("CREATE TEMP TABLE excluded (file INTEGER, row BIGINT)")
                self.con.executemany("INSERT INTO excluded VALUES (?, ?)", duplicates)
                self._aggregate(numbered=True, excluded="excluded", stage="aggregating without duplicates")
        if strict and bad_total:
            shown = "; ".join(str(b) for b in bad_rows[:3])
            raise IngestError(f"{bad_total} bad record row(s) (strict mode): {shown}", code="bad-records")
        fields: tuple[str, ...] = COUNT_FIELDS
        if any(s.columns["full_online"] is None for s in self.sources):
            fields = tuple(f for f in COUNT_FIELDS if f != "received_full_online")
        as_of, table, rendered = self._figures(fields, formats)
        self._notify("done", 1.0)
        return IngestResult(
            self.grain,
            self.start_day,
            as_of,
            fields,
            table,
            bad_rows[:max_bad_rows],
            bad_total,
            int(counts.get(sql.AFTER_AS_OF, 0)),
            rendered.levels,
            rendered.texts,
        )

    def _notify(self, stage: str, fraction: float | None) -> None:
        if self.progress is not None:
            self.progress(stage, fraction)

    def _aggregate(self, *, numbered: bool, excluded: str | None, stage: str, ids: bool = False) -> None:
        """The scan (grouped records, and with ``ids`` the repeated id hashes) and its events, in ev."""
        rows = sql.parsed_rows(self.sources, self.spellings, numbered=numbered, raw=False)
        scan = sql.scan(
            rows, self.grain.value, self.start_day, self.as_of, excluded, ids=ids, latest=self.as_of is None
        )
        self.con.execute("DROP TABLE IF EXISTS ev; DROP TABLE IF EXISTS scanned")
        self._execute(f"CREATE TEMP TABLE scanned AS {scan}", stage)
        self.con.execute(f"CREATE TEMP TABLE ev AS {sql.events('scanned')}")

    def _execute(self, query: str, stage: str) -> None:
        if self.progress is None:
            self.con.execute(query)
            return
        done = threading.Event()

        def poll() -> None:
            while not done.wait(0.1):
                value = self.con.query_progress()
                if value >= 0:
                    self._notify(stage, min(value, 100.0) / 100)

        self._notify(stage, 0.0)
        watcher = threading.Thread(target=poll, daemon=True)
        watcher.start()
        try:
            self.con.execute(query)
        finally:
            done.set()
            watcher.join()
        self._notify(stage, 1.0)

    def _bad_rows(self, limit: int, has_duplicates: bool) -> tuple[list[BadRow], list[tuple[int, int]]]:
        self.con.execute("SET preserve_insertion_order = true")
        rows = sql.parsed_rows(self.sources, self.spellings, numbered=True, raw=True)
        raw = ", ".join(f"raw_{c}" for c in ("channel", "full_online", *DATE_COLUMNS))
        listed = self.con.execute(
            f"SELECT file, row, reason, id, {raw} FROM ({rows}) WHERE reason <> 0 ORDER BY file, row LIMIT {limit}"
        ).fetchall()
        bad = [_bad_row(self.sources[r[0]].label, r[1], *_describe(r[2], r[3:])) for r in listed]
        duplicates: list[tuple[int, int]] = []
        if has_duplicates:
            repeated = self.con.execute(
                f"SELECT file, row, id, reason FROM ({rows}) "
                "WHERE hash(id) IN (SELECT hid FROM repeated) ORDER BY file, row"
            ).fetchall()
            first_seen: dict[str, tuple[int, int]] = {}
            for file, row, dossier, reason in repeated:
                if dossier not in first_seen:
                    first_seen[dossier] = (file, row)
                elif reason == 0:
                    duplicates.append((file, row))
                    where = first_seen[dossier]
                    first = f"row {where[1]}" if where[0] == file else f"{self.sources[where[0]].label}, row {where[1]}"
                    first_vi = first.replace("row", "dòng")
                    first_at = LangText(en=f" (first at {first})", vi=f" (lần đầu ở {first_vi})")
                    bad.append(
                        _bad_row(
                            self.sources[file].label,
                            row,
                            "duplicate-id",
                            {"what": "dossier_id", "value": dossier, "first_at": first_at},
                        )
                    )
        self.con.execute("SET preserve_insertion_order = false")
        bad.sort(key=lambda b: (self._file_index(b.file), b.row))
        return bad[:limit], duplicates

    def _file_index(self, label: str) -> int:
        return next(i for i, s in enumerate(self.sources) if s.label == label)

    def _figures(self, fields: tuple[str, ...], formats: tuple[str, ...]) -> tuple[date | None, str, Rendered]:
        """The as-of date, the figures as CSV, and as each of ``formats`` (without the file's head)."""
        latest, first_key = self.con.execute("SELECT max(last), min(k) FROM ev WHERE reason = 0").fetchone()
        as_of = self.as_of or latest
        if as_of is None or first_key is None:
            return as_of, ",".join(("period", "level", "unit", *fields)) + "\n", Rendered([], {})
        last_key = self._key(as_of)
        labels, names, kept = [], [], []
        for key in range(first_key, last_key + 1):
            period = month_run(key * self.grain.value, self.grain.value, self.start_day)
            if key == last_key and as_of < period.end:
                period = date_window(period.start, as_of, self.start_day)
            labels.append(f"({key}, {quote_text(period.label)})")
            names.append(period.label)
            if any(asked.start <= period.start and period.end <= asked.end for asked in self.keep.periods):
                kept.append(quote_text(period.label))
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE labels AS SELECT * FROM (VALUES {', '.join(labels)}) t(k, label)"
        )
        # A table and COPY keep the ORDER BY only when insertion order is preserved; the scan did not need it.
        self.con.execute("SET preserve_insertion_order = true")
        self._execute(
            f"CREATE TEMP TABLE fig AS SELECT * FROM ({sql.figures('ev', 'labels', last_key, as_of, fields)}) "
            f"WHERE {self._kept(kept, names)}",
            "building figures",
        )
        levels = [level for (level,) in self.con.execute("SELECT DISTINCT level FROM fig").fetchall()]
        table = self._copy("SELECT * FROM fig", "csv", "(HEADER, DELIMITER ',', QUOTE '\"', ESCAPE '\"')")
        # TOML and JSON are written by DuckDB too, one line of text per table, never a Python object per row.
        plain = "(HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x1f')"
        texts = {}
        if "toml" in formats:
            texts["toml"] = self._copy(sql.toml_tables("fig", fields), "toml", plain)
        if "json" in formats:
            texts["json"] = self._copy(sql.json_objects("fig", fields), "json", plain).removesuffix(",\n") + "\n"
        return as_of, table, Rendered(levels, texts)

    def _kept(self, periods: list[str], names: list[str]) -> str:
        """The SQL condition of the figures kept by the period, level and unit filters (all when none).

        Only rows are left out: every record still counts, so a kept period's carried over is the same."""
        keep = self.keep
        where = ["TRUE"]
        if keep.periods:
            if not periods:
                asked = ", ".join(p.label for p in keep.periods)
                span = f"{names[0]} to {names[-1]}"
                raise UsageError(f"{asked} holds no whole period of the figures ({span})", option="period")
            where.append(f"period IN ({', '.join(periods)})")
        for column, values in (("level", keep.levels), ("unit", keep.units)):
            if not values:
                continue
            found = {v for (v,) in self.con.execute(f"SELECT DISTINCT {column} FROM ev WHERE reason = 0").fetchall()}
            if missing := [v for v in values if v not in found]:
                raise UsageError(f"no records of {column} {', '.join(map(repr, missing))}", option=column)
            where.append(f"{column} IN ({', '.join(quote_text(v) for v in values)})")
        return " AND ".join(where)

    def _copy(self, query: str, name: str, options: str) -> str:
        target = self.workdir / f"figures.{name}"
        self._execute(
            f"COPY ({query}) TO {quote_text(str(target))} (FORMAT csv, NEW_LINE '\\n', {options[1:]}",
            f"writing {name.upper()}",
        )
        with target.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        target.unlink()
        return text

    def _key(self, day: date) -> int:
        month = month_index(day.year, day.month)
        if self.start_day != 1 and day.day >= self.start_day:
            month += 1
        return month // self.grain.value


# Why a record was left out: the problem code and the values its message quotes (see core.issues.TEMPLATES).
_REASONS: dict[int, tuple[str, tuple[str, ...]]] = {
    **{reason: (f"missing-{column}", ()) for column, reason in sql.MISSING.items()},
    **{reason: ("not-a-date", (column,)) for column, reason in sql.NOT_A_DATE.items()},
    sql.UNKNOWN_CHANNEL: ("unknown-channel", ("channel",)),
    sql.NOT_A_BOOLEAN: ("not-a-boolean", ("full_online",)),
    sql.DUE_BEFORE_RECEIVED: ("due-before-received", ("due_on", "received_on")),
    sql.RESOLVED_BEFORE_RECEIVED: ("resolved-before-received", ("resolved_on", "received_on")),
    sql.WITHDRAWN_BEFORE_RECEIVED: ("withdrawn-before-received", ("withdrawn_on", "received_on")),
    sql.RESOLVED_AND_WITHDRAWN: ("resolved-and-withdrawn", ()),
    sql.FULL_ONLINE_NOT_ONLINE: ("full-online-not-online", ("channel",)),
}


def _describe(reason: int, values: tuple[Any, ...]) -> tuple[str, dict[str, Any]]:
    """The problem code of a bad record and its message's parameters, from the raw values of its row."""
    code, quoted = _REASONS[reason]
    named = dict(zip(("channel", "full_online", *DATE_COLUMNS), values[1:], strict=True))
    if code.startswith("missing-"):
        return code, {"column": code.removeprefix("missing-")}
    if code == "not-a-date":
        return code, {"column": quoted[0], "value": named[quoted[0]]}
    if code in ("unknown-channel", "not-a-boolean"):
        return code, {"value": named[quoted[0]]}
    return code, {name: named[name] for name in quoted}
