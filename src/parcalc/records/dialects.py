"""The figures as one portable SQL program, written for any engine by SQLGlot: PostgreSQL, Spark, Trino, DuckDB.

The program follows the definitions of `parcalc.records.sql` (the same row checks and their order, the same
spellings of channels, levels and flags, the same period keys and event rules) in the subset of SQL that
every engine shares, so that a data team can run the figures where the records are. It is written once, in
DuckDB's dialect, and SQLGlot transpiles it; nothing here is a per-engine string variant. The one
per-engine step is semantic, not textual: PostgreSQL sorts text by the database's collation, so its text
sort keys get ``COLLATE "C"`` to sort as the other engines do, by code point.

Dates are kept as integers ``yyyymmdd`` (ordered as the dates are), parsed from their text with regular
expressions and checked against the calendar in integer arithmetic, because engines disagree on how (and
whether) a failed date cast can return NULL instead of an error.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from parcalc.data.model import DEFAULT_LEVELS
from parcalc.records import sql
from parcalc.records.columns import (
    CHANNELS,
    COLUMNS,
    DATE_COLUMNS,
    FALSE_VALUES,
    LEVEL_VALUES,
    TRUE_VALUES,
    ColumnMap,
)
from parcalc.records.errors import IngestError

DIALECTS = ("postgres", "spark", "trino", "duckdb")
SOURCE_DIALECT = "duckdb"
RAW = ("channel", "full_online", *DATE_COLUMNS)  # the texts a bad-row message quotes, as sql.py lists them

# Dates as exports write them (the formats the DuckDB engine reads): ISO year first, with "-" or "/", and
# day first with "/" or "-"; optionally a time of day.
_TIME = r"([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]*)?)?)?"
ISO_DATE = r"^[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}" + _TIME + "$"
DAY_FIRST = r"^[0-9]{1,2}[-/][0-9]{1,2}[-/][0-9]{4}" + _TIME + "$"
DIGIT_TABLES = 5  # the period grid counts up to 10^5 periods (8,333 years of months)


def text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def name(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _spellings(values: Sequence[str]) -> list[str]:
    """Each spelling precomposed and decomposed: not every engine has a Unicode normalisation function."""
    return list(dict.fromkeys(form for v in values for form in (v, unicodedata.normalize("NFD", v))))


def _case(value: str, table: Mapping[str, str], otherwise: str | None = None) -> str:
    whens = " ".join(f"WHEN {text(spelling)} THEN {result}" for spelling, result in table.items())
    tail = f" ELSE {otherwise}" if otherwise is not None else ""
    return f"CASE {value} {whens}{tail} END"


def _lookup(value: str, canonical: Mapping[str, str], table: Mapping[str, str], otherwise: str | None = None) -> str:
    """As sql._fast_lookup: the exact canonical value, else the trimmed, lower-cased spelling."""
    slow = _case(f"lower(trim({value}))", table)
    if otherwise is not None:
        slow = f"coalesce({slow}, {otherwise})"
    return _case(value, canonical, slow)


def _days_in_month(year: str, month: str) -> str:
    leap = f"(({year} % 4 = 0 AND {year} % 100 <> 0) OR {year} % 400 = 0)"
    return (
        f"CASE WHEN {month} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
        f"WHEN {month} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    )


def _year(day: str) -> str:
    return f"({day} // 10000)"


def _month(day: str) -> str:
    return f"(({day} // 100) % 100)"


def _day(day: str) -> str:
    return f"({day} % 100)"


def _next_day(day: str) -> str:
    y, m, d = _year(day), _month(day), _day(day)
    return (
        f"CASE WHEN {d} = {_days_in_month(y, m)} THEN "
        f"CASE WHEN {m} = 12 THEN ({y} + 1) * 10000 + 101 ELSE {y} * 10000 + ({m} + 1) * 100 + 1 END "
        f"ELSE {day} + 1 END"
    )


def _month_index(day: str) -> str:
    return f"({_year(day)} * 12 + {_month(day)} - 1)"


def period_key(day: str, months: int, start_day: int) -> str:
    """sql.period_key on an integer date: a reporting month that starts on the 15th is named after its end."""
    month = _month_index(day)
    if start_day != 1:
        month = f"({month} + CASE WHEN {_day(day)} >= {start_day} THEN 1 ELSE 0 END)"
    return f"({month} // {months})"


def _str(value: str, width: int | None = None) -> str:
    cast = f"CAST({value} AS VARCHAR)"
    return f"lpad({cast}, {width}, '0')" if width else cast


def _iso(day: str) -> str:
    return f"{_str(_year(day), 4)} || '-' || {_str(_month(day), 2)} || '-' || {_str(_day(day), 2)}"


def _period_start(key: str, months: int, start_day: int) -> str:
    """The first day of period ``key`` as an integer date (periods._month_start)."""
    first = f"({key} * {months})" if start_day == 1 else f"({key} * {months} - 1)"
    return f"(({first} // 12) * 10000 + ({first} % 12 + 1) * 100 + {start_day})"


def _label(first: str, months: int | str) -> str:
    """periods._label in SQL, for a run of ``months`` months from month index ``first``."""
    year, month = f"({first} // 12)", f"({first} % 12 + 1)"
    last = f"({first} + {months} - 1)"
    quarter = _str(f"(({month} - 1) // 3 + 1)")
    run = f"{_str(year)} || '-' || {_str(month, 2)} || '..' || {_str(f'({last} // 12)')} || '-' || " + _str(
        f"({last} % 12 + 1)", 2
    )
    return (
        f"CASE WHEN {months} = 12 AND {month} = 1 THEN {_str(year)} "
        f"WHEN {months} = 6 AND {month} IN (1, 7) THEN {_str(year)} || '-H' || "
        f"CASE WHEN {month} = 1 THEN '1' ELSE '2' END "
        f"WHEN {months} = 3 AND {month} IN (1, 4, 7, 10) THEN {_str(year)} || '-Q' || {quarter} "
        f"WHEN {months} = 1 THEN {_str(year)} || '-' || {_str(month, 2)} "
        f"ELSE {run} END"
    )


def _period_label(key: str, last_key: str, as_of: str, months: int, start_day: int) -> str:
    """The name of period ``key``; the last one ends on the as-of date and is named by its dates if cut short.

    (engine._figures with periods.date_window, for a window that starts on a period's first day.)
    """
    full = _label(f"({key} * {months})", months)
    after = _next_day(as_of)
    start = _period_start(key, months, start_day)
    run = f"({_month_index(f'({after})')} - {_month_index(start)})"
    cut = f"CASE WHEN {_day(f'({after})')} <> {start_day} THEN {_iso(start)} || '..' || {_iso(as_of)} ELSE " + (
        _label(f"({key} * {months})", run) + " END"
    )
    next_start = _period_start(f"({key} + 1)", months, start_day)
    return f"CASE WHEN {key} = {last_key} AND ({after}) <> {next_start} THEN {cut} ELSE {full} END"


@dataclass(frozen=True)
class Layout:
    """Which columns of the relation hold the contract's columns (None: an absent optional one)."""

    headers: Mapping[str, str | None]

    @classmethod
    def from_map(cls, mapping: ColumnMap, absent: Sequence[str] = ()) -> Layout:
        return cls({c: (None if c in absent else mapping.header(c)) for c in COLUMNS})

    @property
    def has_full_online(self) -> bool:
        return self.headers.get("full_online") is not None


def _date_parts(value: str) -> tuple[str, str, str]:
    token = f"split_part(replace(replace({value}, 'T', ' '), '/', '-'), ' ', 1)"
    iso = f"regexp_matches({value}, {text(ISO_DATE)})"
    day_first = f"regexp_matches({value}, {text(DAY_FIRST)})"

    def part(iso_index: int, day_first_index: int) -> str:
        return (
            f"CASE WHEN {iso} THEN CAST(split_part({token}, '-', {iso_index}) AS INTEGER) "
            f"WHEN {day_first} THEN CAST(split_part({token}, '-', {day_first_index}) AS INTEGER) END"
        )

    return part(1, 3), part(2, 2), part(3, 1)


def _checked(relation: str, layout: Layout, spellings: Mapping[str, tuple[str, ...]], order: Sequence[str]) -> str:
    """CTEs up to `checked`: one row per record, its values parsed and the code of its first problem."""
    cols = layout.headers

    def raw(column: str) -> str:
        header = cols.get(column)
        return f"CAST({name(header)} AS VARCHAR)" if header is not None else "CAST(NULL AS VARCHAR)"

    texts = [f"{raw(c)} AS t_{c}" for c in COLUMNS]
    ordering = list(order) or [
        f"t_{c}" for c in (*DATE_COLUMNS, "unit", "level", "channel", "full_online", "dossier_id")
    ]
    texts += [f"{expression} AS o{i}" for i, expression in enumerate(order)]
    order_keys = [f"o{i}" for i in range(len(order))] if order else ordering

    codes = {c: str(i) for i, c in enumerate(CHANNELS, 1)}
    channel_table = {s: codes[c] for c, values in spellings.items() for s in _spellings(values)}
    level_table = {s: text(level) for level, names in LEVEL_VALUES.items() for s in _spellings(names)}
    flag_table = (
        {s: "true" for s in _spellings(TRUE_VALUES)} | {s: "false" for s in _spellings(FALSE_VALUES)} | {"": "false"}
    )
    flag = (
        "false"
        if cols.get("full_online") is None
        else "CASE WHEN t_full_online IS NULL THEN false ELSE "
        + _lookup("t_full_online", {"true": "true", "false": "false"}, flag_table)
        + " END"
    )
    parts = []
    for c in DATE_COLUMNS:
        y, m, d = _date_parts(f"trim(t_{c})")
        parts += [f"{y} AS {c}_y", f"{m} AS {c}_m", f"{d} AS {c}_d"]
    dates = [
        f"CASE WHEN {c}_m BETWEEN 1 AND 12 AND {c}_d BETWEEN 1 AND {_days_in_month(f'{c}_y', f'{c}_m')} "
        f"THEN {c}_y * 10000 + {c}_m * 100 + {c}_d END AS {sql.SHORT[c]}"
        for c in DATE_COLUMNS
    ]

    def missing(column: str) -> str:
        return f"coalesce(trim(t_{column}) = '', true)"

    checks = [
        ("id IS NULL", sql.MISSING["dossier_id"]),
        ("unit IS NULL", sql.MISSING["unit"]),
        ("level IS NULL", sql.MISSING["level"]),
        (f"chan IS NULL AND {missing('channel')}", sql.MISSING["channel"]),
        (f"r IS NULL AND {missing('received_on')}", sql.MISSING["received_on"]),
        (f"u IS NULL AND {missing('due_on')}", sql.MISSING["due_on"]),
        *((f"{sql.SHORT[c]} IS NULL AND NOT {missing(c)}", n) for c, n in sql.NOT_A_DATE.items()),
        ("chan IS NULL", sql.UNKNOWN_CHANNEL),
        ("fo IS NULL", sql.NOT_A_BOOLEAN),
        ("u < r", sql.DUE_BEFORE_RECEIVED),
        ("d < r", sql.RESOLVED_BEFORE_RECEIVED),
        ("w < r", sql.WITHDRAWN_BEFORE_RECEIVED),
        ("d IS NOT NULL AND w IS NOT NULL", sql.RESOLVED_AND_WITHDRAWN),
        ("fo AND chan <> 1", sql.FULL_ONLINE_NOT_ONLINE),
    ]
    reason = " ".join(f"WHEN {condition} THEN {code}" for condition, code in checks)
    canonical = {level: text(level) for level in LEVEL_VALUES}
    level = _lookup("t_level", canonical, level_table, "nullif(trim(t_level), '')")
    keep = ", ".join([*(f"t_{c}" for c in COLUMNS), *(f"o{i}" for i in range(len(order)))])
    return f"""
texts AS (
    SELECT {", ".join(texts)} FROM {relation}
), split AS (
    SELECT {keep},
           nullif(trim(t_dossier_id), '') AS id, nullif(trim(t_unit), '') AS unit,
           {level} AS level,
           {_lookup("t_channel", codes, channel_table)} AS chan,
           {flag} AS fo,
           {", ".join(parts)}
    FROM texts
), parsed AS (
    SELECT {keep}, id, unit, level, chan, fo, {", ".join(dates)} FROM split
), first_check AS (
    SELECT parsed.*, CASE {reason} ELSE 0 END AS reason FROM parsed
), checked AS (
    -- a repeated dossier id: the first copy (in record order) is kept, the later ones are left out
    SELECT first_check.*,
           CASE WHEN reason = 0 AND row_number() OVER (PARTITION BY id ORDER BY {", ".join(order_keys)}) > 1
                THEN {sql.DUPLICATE} ELSE reason END AS status
    FROM first_check
)"""


def _as_of_int(as_of: date) -> str:
    return str(as_of.year * 10000 + as_of.month * 100 + as_of.day)


def program(
    relation: str,
    layout: Layout,
    months: int,
    start_day: int,
    as_of: date | None,
    spellings: Mapping[str, tuple[str, ...]],
    fields: Sequence[str],
    order: Sequence[str] = (),
) -> dict[str, str]:
    """The figures program as named statements, in DuckDB's dialect: `figures`, `problems` and `bad_rows`.

    ``order`` are expressions over the relation that give the records' order (which copy of a repeated
    id is first); without them, the copy with the earliest dates comes first. `problems` counts records by
    status (0 usable, 90 received after the as-of date, others as sql.py) and gives the as-of date;
    `bad_rows` lists the records left out, in record order, with the texts their messages quote.
    """
    checked = _checked(relation, layout, spellings, order)
    limit = _as_of_int(as_of) if as_of is not None else "max(greatest(r, coalesce(d, w, r)))"
    bounds_from = "" if as_of is not None else " FROM checked WHERE status = 0"
    base = f"""WITH {checked}, bounds AS (
    SELECT {limit} AS as_of{bounds_from}
), dated AS (
    SELECT checked.*, bounds.as_of,
           CASE WHEN status = 0 AND r > bounds.as_of THEN {sql.AFTER_AS_OF} ELSE status END AS final,
           CASE WHEN reason = 0 AND r > bounds.as_of THEN 1 ELSE 0 END AS after_as_of,
           CASE WHEN d <= bounds.as_of THEN d END AS dc, CASE WHEN w <= bounds.as_of THEN w END AS wc
    FROM checked CROSS JOIN bounds
)"""

    def key(day: str) -> str:
        return period_key(day, months, start_day)

    overdue_from = f"CASE WHEN r > u THEN r ELSE {_next_day('u')} END"
    keyed = f"""
, valid AS (
    SELECT level, unit, chan, fo, r, u, dc, wc, coalesce(dc, wc) AS c, as_of FROM dated WHERE final = 0
), keyed AS (
    SELECT valid.*, {key("r")} AS kr, CASE WHEN c IS NOT NULL THEN {key("c")} END AS kc,
           {key(f"({overdue_from})")} AS kx
    FROM valid
), stocked AS (
    SELECT keyed.*, CASE WHEN c IS NULL OR kx < kc THEN kx END AS kxo FROM keyed
), event_rows AS (
    -- a record's events: 1 its receipt, 2 its closing (resolved or withdrawn), 3 becoming overdue while open
    SELECT stocked.*, event.e, CASE WHEN event.e = 1 THEN kr WHEN event.e = 2 THEN kc ELSE kxo END AS k
    FROM stocked CROSS JOIN (VALUES (1), (2), (3)) AS event(e)
    WHERE event.e = 1 OR (event.e = 2 AND kc IS NOT NULL) OR (event.e = 3 AND kxo IS NOT NULL)
), events AS (
    SELECT level, unit, k,
           sum(CASE WHEN e = 1 THEN 1 ELSE 0 END) AS received_new,
           sum(CASE WHEN e = 1 AND chan = 1 THEN 1 ELSE 0 END) AS received_online,
           sum(CASE WHEN e = 1 AND chan = 2 THEN 1 ELSE 0 END) AS received_direct,
           sum(CASE WHEN e = 1 AND chan = 3 THEN 1 ELSE 0 END) AS received_postal,
           sum(CASE WHEN e = 1 AND fo THEN 1 ELSE 0 END) AS received_full_online,
           sum(CASE WHEN e = 2 AND dc < u THEN 1 ELSE 0 END) AS resolved_early,
           sum(CASE WHEN e = 2 AND dc = u THEN 1 ELSE 0 END) AS resolved_on_time,
           sum(CASE WHEN e = 2 AND dc > u THEN 1 ELSE 0 END) AS resolved_late,
           sum(CASE WHEN e = 2 AND wc IS NOT NULL THEN 1 ELSE 0 END) AS withdrawn,
           sum(CASE WHEN e = 3 THEN 1 WHEN e = 2 AND kxo IS NOT NULL THEN -1 ELSE 0 END) AS overdue_change
    FROM event_rows GROUP BY level, unit, k
), overdue_now AS (
    -- the last period ends on the as-of date: its overdue count is taken on that day
    SELECT level, unit, sum(CASE WHEN c IS NULL AND u < as_of THEN 1 ELSE 0 END) AS n FROM valid GROUP BY level, unit
), span AS (
    SELECT min(kr) AS first_key, min(as_of) AS as_of FROM keyed
), spanned AS (
    SELECT first_key, as_of, {key("as_of")} AS last_key FROM span WHERE first_key IS NOT NULL
)"""
    digits = " CROSS JOIN ".join(
        f"(VALUES {', '.join(f'({n})' for n in range(10))}) AS d{i}(n)" for i in range(DIGIT_TABLES)
    )
    offset = " + ".join(f"{10**i} * d{i}.n" for i in range(DIGIT_TABLES))
    rank = " ".join(f"WHEN {text(level)} THEN {i}" for i, level in enumerate(DEFAULT_LEVELS))
    counted = (
        "received_new",
        "received_online",
        "received_direct",
        "received_postal",
        "received_full_online",
        "resolved_early",
        "resolved_on_time",
        "resolved_late",
        "withdrawn",
        "overdue_change",
    )
    columns = {
        "received": "carried_over + received_new",
        "carried_over": "carried_over",
        "resolved": "resolved_early + resolved_on_time + resolved_late",
        "pending_within": "pending - pending_overdue",
    }
    select = ", ".join(f"CAST({columns.get(f, f)} AS BIGINT) AS {f}" for f in fields)
    label = _period_label("k", "last_key", "as_of", months, start_day)
    figures = f"""{base}{keyed}, periods AS (
    SELECT first_key + {offset} AS k, last_key, as_of FROM spanned CROSS JOIN {digits}
    WHERE first_key + {offset} <= last_key
), units AS (
    SELECT level, unit,
           row_number() OVER (ORDER BY CASE level {rank} ELSE {len(DEFAULT_LEVELS)} END, level, unit) AS uid
    FROM (SELECT DISTINCT level, unit FROM valid) AS listed
), grid AS (
    SELECT units.uid, units.level, units.unit, periods.k, periods.last_key, periods.as_of
    FROM units CROSS JOIN periods
), flows AS (
    SELECT grid.*, {", ".join(f"coalesce(events.{c}, 0) AS {c}" for c in counted)}
    FROM grid LEFT JOIN events ON events.level = grid.level AND events.unit = grid.unit AND events.k = grid.k
), running AS (
    SELECT flows.*,
           sum(received_new - resolved_early - resolved_on_time - resolved_late - withdrawn)
               OVER (PARTITION BY uid ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS pending,
           sum(overdue_change)
               OVER (PARTITION BY uid ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS overdue_running
    FROM flows
), stocks AS (
    SELECT running.*, {label} AS period,
           pending - received_new + resolved_early + resolved_on_time + resolved_late + withdrawn AS carried_over,
           CASE WHEN k = last_key THEN coalesce(overdue_now.n, 0) ELSE overdue_running END AS pending_overdue
    FROM running LEFT JOIN overdue_now ON overdue_now.level = running.level AND overdue_now.unit = running.unit
)
SELECT period, level, unit, {select}
FROM stocks
ORDER BY k, uid"""
    # As the DuckDB engine counts them: a repeated id received after the as-of date is in both counts.
    problems = (
        f"{base}\nSELECT final AS status, count(*) AS n, min(as_of) AS as_of, sum(after_as_of) AS after_as_of "
        "FROM dated GROUP BY final"
    )
    raws = ", ".join(f"t_{c}" for c in RAW)
    bad = f"{base}\nSELECT final AS status, id, {raws} FROM dated WHERE final NOT IN (0, {sql.AFTER_AS_OF})"
    return {"figures": figures, "problems": problems, "bad_rows": bad}


def transpile(statement: str, dialect: str, *, pretty: bool = True) -> str:
    """One statement of the program in ``dialect``, by SQLGlot."""
    if dialect not in DIALECTS:
        raise IngestError(f"unknown SQL dialect {dialect!r} (choose one of {', '.join(DIALECTS)})")
    import sqlglot
    from sqlglot import expressions as exp

    tree = sqlglot.parse_one(statement, read=SOURCE_DIALECT)
    if dialect == "postgres":
        # Text sorts by code point in DuckDB, Spark and Trino; PostgreSQL sorts by the database's collation.
        for ordered in list(tree.find_all(exp.Ordered)):
            key = ordered.this
            if isinstance(key, exp.Column) and (key.name in ("level", "unit") or key.name.startswith("t_")):
                collated = exp.Collate(this=key.copy(), expression=exp.Column(this=exp.to_identifier("C", quoted=True)))
                ordered.set("this", collated)
    return tree.sql(dialect=dialect, pretty=pretty)


def figures_sql(
    relation: str,
    dialect: str,
    months: int,
    start_day: int = 1,
    as_of: date | None = None,
    column_map: ColumnMap | None = None,
    absent: Sequence[str] = (),
) -> str:
    """The figures of the records in table ``relation`` as one SQL statement for ``dialect``."""
    mapping = column_map or ColumnMap()
    layout = Layout.from_map(mapping, absent)
    from parcalc.records.engine import COUNT_FIELDS

    fields = [f for f in COUNT_FIELDS if layout.has_full_online or f != "received_full_online"]
    try:
        import sqlglot

        table = sqlglot.exp.to_table(relation, dialect=dialect).sql(dialect=SOURCE_DIALECT)
    except Exception:  # sqlglot raises ParseError or ValueError for a name that is not a table
        raise IngestError(f"{relation!r} is not a table name") from None
    statement = program(table, layout, months, start_day, as_of, mapping.channel_values(), fields)["figures"]
    return transpile(statement, dialect) + ";\n"
