"""The columnar roll-up: ``compute --grain --by level`` on a large CSV sheet of monthly figures, in DuckDB.

The Python path builds a Counts value, a RowResult and their problems for every sheet row; on 100,000
rows that is most of a run. Here DuckDB reads the CSV and, in one scan, checks every cell, completes,
checks and rolls up the counts of each unit with SQL generated from the same declarations
(parcalc.analysis.columnar_sql). Python then handles only the few rows that come out: the level and total
rows, whose rates the registry computes; the units with missing months; and the records with a
problem (a part over its total, a gap, a carry-over break), which Counts.check words as on the Python
path, located by finding their lines in the sheet. From the sums on, the code is the Python path's: the
period split (grouping.split_periods), the over-time and missing-part warnings (rollup.time_warnings,
rollup.with_absent), the carry-over warning (calc.carry_over_gap) and the rows (rollup.row_result).

It is used only where it gives the same result as the Python path, and only on sheets of at least
PARCALC_COLUMNAR_MIN_ROWS records (default 20,000). Anything else goes the Python path, which is also
the one that words input errors: a sheet with a cell that is not a plain whole number, an unknown
header, a period not written 2022-01, a repeated row, a unit not in [[units]] ... is handed over as a
whole. That is: one CSV sheet of monthly figures with a unit on every row (other files: TOML or JSON
settings, units, metrics and targets, no figures), no stated percentages, no quotes or blank lines
among the records, units that are nobody's parent; ``--grain`` quarter, half or year, ``--by`` level
and/or period, any ``--period``, ``--level``, ``--unit``, ``--metrics``; no ``--compare``.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parcalc.analysis import columnar_sql as sql
from parcalc.analysis.calc import ComputeResult, Query, RowResult, analyse, carry_over_gap, compute
from parcalc.analysis.duck import quote_text
from parcalc.analysis.grouping import Grouping, split_periods
from parcalc.analysis.rollup import Rolled, across, row_result, time_warnings, with_absent
from parcalc.core.counts import Counts
from parcalc.core.issues import InputError, Problem, UsageError, unique
from parcalc.core.periods import Grain, Period, month_run
from parcalc.data.dataset import Dataset, Origin, Row, build
from parcalc.data.limits import Budget, max_tables, too_large
from parcalc.data.loading import READERS, Source, load_source
from parcalc.data.text import LineIndex, read_bytes

if TYPE_CHECKING:
    import duckdb

MIN_ROWS_SETTING = "PARCALC_COLUMNAR_MIN_ROWS"
DEFAULT_MIN_ROWS = 20_000
# No Python object per row here, so the table limit that guards the Python path's memory does not
# bind; DuckDB holds a sheet in about the size of its text, which PARCALC_MAX_INPUT_BYTES bounds.
MAX_ROWS = 2_000_000
SCOPE = ("period", "level", "unit")
BUFFER_SIZE = 1 << 20  # bytes of the sheet per reading thread; a longer line sends it to the Python path


@dataclass
class ColumnarResult:
    """What the columnar path computed: the same dataset (without rows), result and problems as the Python path."""

    dataset: Dataset
    result: ComputeResult
    problems: list[Problem]  # every problem of the run, in the order the Python path reports them


def min_rows() -> int:
    text = os.environ.get(MIN_ROWS_SETTING, "").strip().replace("_", "")
    if not text:
        return DEFAULT_MIN_ROWS
    if not text.isdigit():
        raise UsageError(f"{MIN_ROWS_SETTING} must be a whole number, 0 or more (got {text!r})")
    return int(text)


def supports(grouping: Grouping) -> bool:
    return (
        grouping.grain in (Grain.QUARTER, Grain.HALF, Grain.YEAR)
        and bool(grouping.by)
        and grouping.by <= {"level", "period"}
        and grouping.compare is None
    )


@dataclass
class _SheetLayout:
    """Where a plain CSV sheet's records are and how to read them: its column keys and delimiter."""

    name: str
    keys: list[str | None]
    delimiter: str
    records: int
    raw: bytes  # the sheet, to find the lines of the few records that have a problem
    start: int  # where the records are in raw: one per line from here
    stop: int


def try_compute(
    names: Sequence[str], grouping: Grouping, make_query: Callable[[Dataset], Query]
) -> ColumnarResult | None:
    """The compute result through DuckDB, or None where the Python path must run (see the module doc).

    ``make_query`` turns the loaded settings into the query (it may raise UsageError, as on the Python
    path after loading). GroupingError is raised as roll_up raises it.
    """
    if not supports(grouping):
        return None
    sheets = [n for n in names if Path(n).suffix.lower() in READERS]
    if len(sheets) != 1 or Path(sheets[0]).suffix.lower() != ".csv" or any(c in sheets[0] for c in "*?[{"):
        return None
    limit = min_rows()
    try:
        sources, raw = _read(names, sheets[0])
        if raw.count(b"\n") < limit or any(s.data.figures for s in sources):
            return None
        sheet = _sheet(sheets[0], raw)  # every record follows a newline: the count above is an upper bound
        if sheet is None or sheet.records < limit:
            return None
        data = build(sources)
    except (InputError, UsageError):
        return None  # the Python path reports these, together with anything else wrong
    if sheet.records > max(MAX_ROWS, max_tables()):
        raise too_large(sheet.name, max(MAX_ROWS, max_tables()), tables=True)
    from parcalc.analysis import duck

    with duck.connect() as con:
        run = _RolledSheet(con, data, sheet, grouping)
        if not run.load():
            return None
        query = make_query(data)
        return run.compute(query)


def _read(names: Sequence[str], sheet: str) -> tuple[list[Source], bytes]:
    """The other files loaded and the sheet's bytes, within the same byte budget as the Python path."""
    budget = Budget.from_environment()
    sources: list[Source] = []
    raw = b""
    for name in names:
        if name == sheet:
            raw = read_bytes(name, budget.bytes_left)
            budget.bytes_left -= len(raw)
        else:
            sources.append(load_source(name, budget))
    return sources, raw


def _sheet(name: str, raw: bytes) -> _SheetLayout | None:
    """The sheet's columns and dialect, when its data rows are plain enough for DuckDB to read alike."""
    if b"\0" in raw:
        return None
    end = raw.find(b"\n")
    if end < 0:
        return None
    found = _header(raw, end)
    if found is None:
        return None
    headers, dialect = found
    # (Searches with bounds, not slices: a slice of a large sheet is a copy.)
    start, stop = end + 1, len(raw)
    while stop > start and raw[stop - 1] in b"\r\n":
        stop -= 1
    if not _one_record_per_line(raw, start, stop, dialect.quotechar):
        return None
    keys = _plain_keys(name, headers)
    if keys is None:
        return None
    return _SheetLayout(name, keys, dialect.delimiter, raw.count(b"\n", start, stop) + 1, raw, start, stop)


def _header(raw: bytes, end: int) -> tuple[list[str], Any] | None:
    """The header cells and the CSV dialect, as sheets.read_csv would find them; None when the
    dialect is one DuckDB would read differently.

    Only the header and the sample the Python path sniffs are decoded here: DuckDB refuses a sheet
    that is not UTF-8, and the Python path then says where.
    """
    # csv.Sniffer sees the first 4096 characters of the decoded text, as in sheets.read_csv.
    cut = min(len(raw), 16400)
    while cut < len(raw) and raw[cut] & 0xC0 == 0x80:  # not inside a character
        cut -= 1
    try:
        head, sample = raw[: end + 1].decode("utf-8-sig"), raw[:cut].decode("utf-8-sig")[:4096]
    except UnicodeDecodeError:
        return None
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    if dialect.skipinitialspace or dialect.escapechar is not None:
        return None
    reader = csv.reader(io.StringIO(head), dialect)
    try:
        headers = next(reader, None)
    except csv.Error:  # a header cell quoted over several lines
        return None
    if headers is None or reader.line_num != 1:
        return None
    return headers, dialect


def _one_record_per_line(raw: bytes, start: int, stop: int, quotechar: str) -> bool:
    """Whether raw[start:stop] holds one record per line, as DuckDB reads it too: no quoting, no blank
    line inside, no lone \\r."""
    if stop <= start or raw.find(b'"', start, stop) >= 0 or raw.find(quotechar.encode(), start, stop) >= 0:
        return False
    if raw.find(b"\n\n", start, stop) >= 0:
        return False
    return raw.find(b"\r", start, stop) < 0 or (
        raw.find(b"\n\r\n", start, stop) < 0 and raw.count(b"\r", start, stop) == raw.count(b"\r\n", start, stop)
    )


def _plain_keys(name: str, headers: Sequence[str]) -> list[str | None] | None:
    """The column keys, when each is given once, the scope is there and every other one is a count."""
    from parcalc.data.sheets import column_keys

    keys = column_keys(name, headers)
    given = [k for k in keys if k is not None]
    if len(set(given)) != len(given) or not {"period", "level", "unit"} <= set(given):
        return None
    if any(k not in SCOPE and k not in sql.FIELD_BIT for k in given):
        return None
    return keys


class _RolledSheet:
    """A sheet rolled up in DuckDB: the units_rolled table (one row per unit and period of the grain) and
    what is known of its columns; the few rows that leave it become the compute result."""

    def __init__(self, con: duckdb.DuckDBPyConnection, data: Dataset, sheet: _SheetLayout, grouping: Grouping) -> None:
        self.con = con
        self.data = data
        self.sheet = sheet
        self.grouping = grouping
        assert grouping.grain is not None
        self.span = grouping.grain.value
        self.start_day = data.settings.period_start_day
        self.columns = {k: f"c{i}" for i, k in enumerate(sheet.keys) if k is not None}
        self.nulls = sql.Nulls(frozenset())  # what the rows can hold, set by _roll
        self.unit_nulls = sql.Nulls(frozenset())  # and units_rolled

    def fetch_one(self, query: str) -> tuple[Any, ...]:
        found = self.con.execute(query).fetchone()
        assert found is not None
        return found

    def load(self) -> bool:
        """Read, complete, check and roll up the sheet in one scan; False unless every row is plain valid
        figures (the Python path then reads the sheet and reports what is wrong with it)."""
        sheet, col = self.sheet, self.columns
        columns = ", ".join(f"{quote_text(f'c{i}')}: 'VARCHAR'" for i in range(len(sheet.keys)))
        read = (
            f"read_csv({quote_text(sheet.name)}, header = false, skip = 1, delim = {quote_text(sheet.delimiter)}, "
            f"quote = '\"', escape = '\"', columns = {{{columns}}}, null_padding = true, auto_detect = false, "
            # DuckDB hands each thread a buffer of its own, 32 MiB by default: a sheet of a few MiB would be
            # read by one thread. 1 MiB buffers let every thread read and roll up a part.
            f"buffer_size = {BUFFER_SIZE})"
        )
        given = frozenset(f for f in sql.FIELD_IDS if f in col)
        if not given:
            return False
        # Every count cell empty or a plain whole number, as sheets.to_figures reads it without a detour
        # (DuckDB's own casts take "+5", "5.5" or "1e3" too). The delimiter cannot occur in a cell.
        # Periods written 2022-01, which parse_period reads as the month computed here.
        number = "[0-9]{1,15}"
        delim = f"[{sheet.delimiter}]"
        cells = f"concat_ws({quote_text(sheet.delimiter)}, {', '.join(col[f] for f in sql.FIELD_IDS if f in col)})"
        period = col["period"]
        bad = " OR ".join(
            [f"{col[k]} IS NULL" for k in SCOPE]
            + [f"NOT regexp_full_match({period}, '[1-9][0-9]{{3}}-(0[1-9]|1[0-2])')"]
            + [f"NOT regexp_full_match({cells}, {quote_text(f'({number}({delim}{number})*)?')})"]
        )
        month = f"TRY_CAST(substr({period}, 1, 4) AS INTEGER) * 12 + TRY_CAST(substr({period}, 6, 2) AS INTEGER) - 1"
        # Guessing that every count is given in every row prunes the SQL most; the guess is checked, and
        # the sheet read again with what it really holds when it was wrong.
        guess = sql.Nulls(given, given)
        if not self._roll(f"SELECT {month} AS month, *, {bad} AS bad FROM {read}", guess):
            return False
        rows, invalid, always = self.fetch_one("SELECT sum(n), bool_or(bad), bit_and(given_all) FROM units_rolled")
        if rows != sheet.records or invalid:
            return False
        known = sql.fields_of(always) & given
        if known != guess.known:
            self.con.execute("DROP TABLE units_rolled")
            if not self._roll(f"SELECT {month} AS month, *, FALSE AS bad FROM {read}", sql.Nulls(given, known)):
                return False
        # A month given twice for a unit: more rows than months in its group.
        unsettled, repeated = self.fetch_one(
            "SELECT bool_or(rows_unsettled), bool_or(n > bit_count(present)) FROM units_rolled"
        )
        return not unsettled and not repeated and self._scopes_known()

    def _roll(self, read: str, nulls: sql.Nulls) -> bool:
        """Each unit's months completed, checked and rolled up into the grain's periods, in units_rolled.

        Per row as Counts.derive and Counts.check; per unit and period as rollup.over_time. Each group
        also keeps its flagged rows (for Counts.check to word) and the carried over and pending of each
        of its months (for carry-over gaps).
        """
        col, span = self.columns, self.span
        typed = [f"TRY_CAST({col[f]} AS BIGINT) AS {sql.q(f)}" for f in sql.FIELD_IDS if f in col]
        typed_rows = (
            f"(SELECT *, {sql.known_mask(sql.Nulls(nulls.possible))} AS given FROM (SELECT month, "
            f"month - (month % 12) % {span} AS target, {col['level']} AS level, {col['unit']} AS unit, bad, "
            f"{', '.join(typed)} FROM ({read})))"
        )
        derived, self.nulls = sql.derive(typed_rows, nulls)
        rows = (
            f"SELECT *, {sql.known_mask(self.nulls)} - given AS derived_mask, "
            f"{sql.unsettled(self.nulls)} AS unsettled, {sql.has_finding(self.nulls)} AS flagged FROM ({derived})"
        )
        over_time, unit_nulls = sql.over_time("month", self.nulls)
        distinct = f"count({sql.q(sql.DISTINCT[0])})" if sql.DISTINCT[0] in self.nulls.possible else "0"
        # built for the flagged rows only: an aggregate's argument is computed before its filter
        record = f"{{'month': month, 'given': given, 'values': [{sql.values(self.nulls)}]}}"
        flagged = f"list(CASE WHEN flagged THEN {record} END) FILTER (WHERE flagged)"
        carry = []
        if self.nulls.can_know(("carried_over", "pending")):
            for k in range(span):
                where = f"FILTER (WHERE month = target + {k})"
                carry += [f"max(carried_over) {where} AS carried_{k}", f"max(pending) {where} AS pending_{k}"]
        units = (
            "(SELECT target, level, unit, count(*) AS n, min(month) AS first, max(month) AS last, "
            "bit_or(1 << (month - target)) AS present, bit_or(derived_mask) AS parts_derived, "
            f"{distinct} AS distinct_given, bool_or(bad) AS bad, bit_and(given) AS given_all, "
            f"bool_or(unsettled) AS rows_unsettled, {flagged} AS flagged_rows, {', '.join([*carry, *over_time])} "
            f"FROM ({rows}) GROUP BY target, level, unit)"
        )
        rolled_up, self.unit_nulls = sql.derive(units, unit_nulls)
        possible = self.unit_nulls.possible
        drop = [
            f"CASE WHEN first > target THEN NULL ELSE {sql.q(f)} END AS {sql.q(f)}"
            for f in sql.OPENING
            if f in possible
        ]
        drop += [
            f"CASE WHEN last < target + {span - 1} THEN NULL ELSE {sql.q(f)} END AS {sql.q(f)}"
            for f in sql.CLOSING
            if f in possible
        ]
        replaced = f"* REPLACE ({', '.join(drop)})" if drop else "*"
        try:
            self.con.execute(
                # rollup.over_time drops the balances a missing first or last month leaves unknown only after
                # roll_over_time derived the counts: whether the derivation settled is asked before the drop.
                f"CREATE TABLE units_rolled AS SELECT {replaced} FROM "
                f"(SELECT *, {sql.unsettled(self.unit_nulls)} AS unsettled FROM ({rolled_up}))"
            )
        except Exception:  # duckdb.Error: a row DuckDB cannot read the way csv does (too many cells...)
            return False
        (unsettled,) = self.fetch_one("SELECT count(*) FROM units_rolled WHERE unsettled")
        return not unsettled

    def _scopes_known(self) -> bool:
        """Levels and units as dataset._check_scope accepts them, with no unit rolled up from children."""
        settings, units = self.data.settings, self.data.units
        parents = {u.parent for u in units.values() if u.parent is not None}
        if not units:  # then any unit goes, and only the levels need a look
            levels = self.con.execute("SELECT DISTINCT level FROM units_rolled").fetchall()
            return all(level in settings.levels for (level,) in levels)
        for level, unit in self.con.execute("SELECT DISTINCT level, unit FROM units_rolled").fetchall():
            if level not in settings.levels or unit in parents:
                return False
            if unit not in units or units[unit].level != level:
                return False
        return True

    def compute(self, query: Query) -> ColumnarResult:
        found = self._checked()
        where = ["TRUE"]
        if query.levels:
            where.append(f"level IN ({', '.join(quote_text(v) for v in query.levels)})")
        if query.units:
            where.append(f"unit IN ({', '.join(quote_text(v) for v in query.units)})")
        # --level and --unit keep rows by scope, which the unit groups share
        self.con.execute(f"CREATE VIEW units_kept AS SELECT * FROM units_rolled WHERE {' AND '.join(where)}")
        carried = self._carry_over_gaps()
        asked = self._asked(query.periods)
        rows = self._rolled(asked)
        result = compute(self.data, Query(metrics=query.metrics), rows, gaps=False, problems=carried)
        return ColumnarResult(self.data, result, unique([*found, *result.all_problems]))

    def _origin(self, idx: int) -> Origin:
        """Where the sheet's record ``idx`` is: its line (the header is line 1), as the Python path says."""
        line = LineIndex({("figures", idx): idx + 2})
        return Origin(self.sheet.name, line, f"figures[{idx}]", ("figures", idx))

    def _period(self, month: int, months: int = 1) -> Period:
        return month_run(month, months, self.start_day)

    def _record_places(self, scopes: set[tuple[int, str, str]]) -> dict[tuple[int, str, str], int]:
        """The place in the sheet of the records of these (month, level, unit), found by reading its lines.

        Only records with a problem are looked for, so a clean sheet is never read line by line here.
        """
        if not scopes:
            return {}
        sheet = self.sheet
        wanted = {(self._month_text(m).encode(), lv.encode(), unit.encode()): (m, lv, unit) for m, lv, unit in scopes}
        at = [sheet.keys.index(k) for k in SCOPE]
        width, delimiter = max(at) + 1, sheet.delimiter.encode()
        found: dict[tuple[int, str, str], int] = {}
        for idx, line in enumerate(sheet.raw[sheet.start : sheet.stop].split(b"\n")):
            cells = line.removesuffix(b"\r").split(delimiter)
            if len(cells) >= width and (key := (cells[at[0]], cells[at[1]], cells[at[2]])) in wanted:
                found[wanted[key]] = idx
        return found

    def _month_text(self, month: int) -> str:
        year, number = divmod(month, 12)
        return f"{year:04d}-{number + 1:02d}"

    def _checked(self) -> list[Problem]:
        """The problems Counts.check finds, from the rows the SQL selected, in sheet order."""
        flagged = self.con.execute(
            "SELECT level, unit, flagged_rows FROM units_rolled WHERE flagged_rows IS NOT NULL"
        ).fetchall()
        rows = [(row["month"], level, unit, row) for level, unit, found in flagged for row in found]
        places = self._record_places({(month, level, unit) for month, level, unit, _ in rows})
        problems: list[Problem] = []
        registry = self.data.registry
        for month, level, unit, row in sorted(rows, key=lambda r: places[r[:3]]):
            given = row["given"]
            values = zip(sql.FIELD_IDS, row["values"], strict=True)
            counts = Counts({f: v for f, v in values if given & sql.FIELD_BIT[f]})
            origin = self._origin(places[(month, level, unit)])
            checked = analyse(Row(self._period(month), level, unit, counts, {}, [origin]), registry, metrics=False)
            problems.extend(checked.problems)
        return problems

    def _carry_over_gaps(self) -> list[Problem]:
        """rollup.carry_over_gaps: carried over that differs from the pending of the month before."""
        if not self.nulls.can_know(("carried_over", "pending")):
            return []
        span = self.span
        pairs = [
            f"SELECT target + {k} AS month, level, unit, carried_{k} AS carried, pending_{k - 1} AS pending "
            f"FROM units_kept WHERE carried_{k} <> pending_{k - 1}"
            for k in range(1, span)
        ]
        pairs.append(  # the first month of a period after the last month of the one before
            f"SELECT a.target AS month, a.level, a.unit, a.carried_0, b.pending_{span - 1} FROM units_kept a "
            f"JOIN units_kept b ON b.level = a.level AND b.unit = a.unit AND b.target = a.target - {span} "
            f"WHERE a.carried_0 <> b.pending_{span - 1}"
        )
        found = self.con.execute(" UNION ALL ".join(pairs)).fetchall()
        places = self._record_places({(month, level, unit) for month, level, unit, _, _ in found})
        problems = []
        for month, level, unit, carried, pending in sorted(found, key=lambda r: places[r[:3]]):
            where = self._origin(places[(month, level, unit)]).at("carried_over")
            period, previous = self._period(month), self._period(month - 1)
            problems.append(carry_over_gap(period, previous, carried, pending, level, unit, **where))
        return problems

    def _asked(self, periods: Sequence[Period]) -> set[int] | None:
        """The first months of the periods --period asks for, split into the grain as the Python path splits them."""
        if not periods:
            return None
        return {p.first_month for p in split_periods(periods, self.grouping.grain) if p.first_month is not None}

    def _rolled(self, asked: set[int] | None) -> list[RowResult]:
        span = self.span
        received = f"CASE WHEN received IS NULL THEN 0 ELSE {sql.FIELD_BIT['received']} END"
        if "received" not in self.unit_nulls.possible:
            received = "0"
        levels = self.con.execute(
            "SELECT target, level, count(*), min(n), max(n), "
            f"bit_or(parts_derived | {received}), "
            f"{', '.join(sql.across(self.unit_nulls))} FROM units_kept GROUP BY target, level"
        ).fetchall()
        issues = self._unit_issues()
        absent = self._absent_units({(target, level): units for target, level, units, *_ in levels})
        by_target: dict[int, dict[str, Rolled]] = {}
        for target, level, units, fewest, most, derived, *values in levels:
            counts = Counts(dict(zip(sql.FIELD_IDS, values, strict=True)))
            fields = sql.fields_of(derived)
            rolled = Rolled(
                counts,
                fields if units == 1 else fields & set(counts),
                fewest if fewest == most else None,
                [
                    p
                    for _, unit_problems in sorted(issues.get((target, level), []), key=_unit_of)
                    for p in unit_problems
                ],
            )
            missing = sorted(absent.get((target, level), []))
            by_target.setdefault(target, {})[level] = with_absent(rolled, self._period(target, span), missing)
        return self._rows(by_target, asked)

    def _unit_issues(self) -> dict[tuple[int, str], list[tuple[str, list[Problem]]]]:
        """rollup.over_time's warnings for the units that have them: missing months, not summable."""
        span = self.span
        found = self.con.execute(
            "SELECT target, level, unit, n, present, distinct_given FROM units_kept "
            f"WHERE n < {span} OR (n > 1 AND distinct_given > 0)"
        ).fetchall()
        issues: dict[tuple[int, str], list[tuple[str, list[Problem]]]] = {}
        for target, level, unit, n, present, distinct_given in found:
            period = self._period(target, span)
            gaps = [(self._period(a).start, self._period(b).end) for a, b in _runs(target, span, present)]
            problems = time_warnings(period, gaps, adds_distinct=n > 1 and bool(distinct_given))
            where = {"period": period.label, "level": level, "unit": unit}
            issues.setdefault((target, level), []).append((unit, [p.located(**where) for p in problems]))
        return issues

    def _absent_units(self, present: dict[tuple[int, str], int]) -> dict[tuple[int, str], list[str]]:
        """Units of a level with figures in other periods but none in this one (rollup.Engine._sum).

        ``present`` counts the units with figures in each period and level.
        """
        units = dict(self.con.execute("SELECT level, count(DISTINCT unit) FROM units_kept GROUP BY level").fetchall())
        if all(units[level] == count for (_, level), count in present.items()):
            return {}
        found = self.con.execute(
            "SELECT t.target, t.level, u.unit FROM (SELECT DISTINCT target, level FROM units_kept) t "
            "JOIN (SELECT DISTINCT level, unit FROM units_kept) u ON t.level = u.level "
            "ANTI JOIN units_kept r ON r.target = t.target AND r.level = t.level AND r.unit = u.unit"
        ).fetchall()
        absent: dict[tuple[int, str], list[str]] = {}
        for target, level, unit in found:
            absent.setdefault((target, level), []).append(unit)
        return absent

    def _rows(self, by_target: dict[int, dict[str, Rolled]], asked: set[int] | None) -> list[RowResult]:
        """The level and total rows, built from the level sums as the Python path builds its rows."""
        with_levels = "level" in self.grouping.by
        with_total = self.grouping.with_total or self.grouping.by == {"period"}
        present = {level for levels in by_target.values() for level in levels}
        levels = [lv for lv in self.data.settings.levels if lv in present]
        out: list[RowResult] = []
        for target in sorted(by_target):
            if asked is not None and target not in asked:
                continue
            period = self._period(target, self.span)
            rolled = by_target[target]
            if with_levels:
                out.extend(row_result(self.data, period, lv, None, rolled[lv]) for lv in levels if lv in rolled)
            if with_total:
                total = across([rolled[lv] for lv in levels if lv in rolled])
                total = with_absent(total, period, [lv for lv in levels if lv not in rolled])
                out.append(row_result(self.data, period, None, None, total))
        return out


def _unit_of(pair: tuple[str, list[Problem]]) -> str:
    return pair[0]


def _runs(first: int, span: int, present: int) -> list[tuple[int, int]]:
    """The runs of months of [first, first + span) that have no figures (``present``: a bit per month)."""
    runs: list[tuple[int, int]] = []
    for month in range(first, first + span):
        if present >> (month - first) & 1:
            continue
        if runs and runs[-1][1] == month - 1:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs
