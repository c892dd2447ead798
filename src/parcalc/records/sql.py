"""The SQL that turns record rows into per-row checks and period keys, and those into figures.

Every figure is a sum of events keyed by period index: a dossier adds to "new" in the period it was
received, to a resolution class in the period it was resolved, and so on. Stocks (pending, overdue) are
running sums of +1/-1 events. So one scan aggregates all events into one row per (unit, period), and
the running sums happen afterwards on those few rows; there is no join of dossiers with periods, which
is what makes the obvious query slow.
"""

from __future__ import annotations

from datetime import date

from parcalc.analysis.duck import quote_name, quote_text
from parcalc.data.model import DEFAULT_LEVELS
from parcalc.records.columns import CHANNELS, DATE_COLUMNS, FALSE_VALUES, LEVEL_VALUES, TRUE_VALUES
from parcalc.records.sources import Column, Source

# Codes of the row checks, in the order they are tried: a row gets the first that applies.
MISSING = {"dossier_id": 1, "unit": 2, "level": 3, "channel": 4, "received_on": 5, "due_on": 6}
NOT_A_DATE = {"received_on": 11, "due_on": 12, "resolved_on": 13, "withdrawn_on": 14}
UNKNOWN_CHANNEL = 21
NOT_A_BOOLEAN = 22
DUE_BEFORE_RECEIVED = 31
RESOLVED_BEFORE_RECEIVED = 32
WITHDRAWN_BEFORE_RECEIVED = 33
RESOLVED_AND_WITHDRAWN = 34
FULL_ONLINE_NOT_ONLINE = 35
DUPLICATE = 40
AFTER_AS_OF = 90  # not an error: received after the as-of date, so not yet known then

DATE_FORMATS = "['%d/%m/%Y', '%d-%m-%Y', '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%Y/%m/%d']"
SHORT = {"received_on": "r", "due_on": "u", "resolved_on": "d", "withdrawn_on": "w"}


def _lookup(value: str, table: dict[str, str]) -> str:
    """CASE value WHEN spelling THEN result ...: a chain of equalities (an IN list becomes a join)."""
    whens = " ".join(f"WHEN {quote_text(spelling)} THEN {result}" for spelling, result in table.items())
    return f"CASE {value} {whens} END"


def _fast_lookup(
    text: str, canonical: dict[str, str], table: dict[str, str], nfc: bool = False, otherwise: str | None = None
) -> str:
    """Exact canonical values first; only the other rows pay for trimming and lower-casing.

    ``otherwise`` is the value of a text that no spelling matches; it sits inside the ELSE branch because
    DuckDB evaluates an outer coalesce() for every row, not only for the ones still NULL.
    """
    slow = _lookup(f"lower(trim({text}))", table)
    if nfc:
        # Exports differ in Unicode composition of Vietnamese accents; normalise only what did not match.
        slow = f"coalesce({slow}, {_lookup(f'lower(trim(nfc_normalize({text})))', table)})"
    if otherwise is not None:
        slow = f"coalesce({slow}, {otherwise})"
    whens = " ".join(f"WHEN {quote_text(spelling)} THEN {result}" for spelling, result in canonical.items())
    return f"CASE {text} {whens} ELSE {slow} END"


def _trimmed(text: str) -> str:
    """nullif(trim(text), ''), with trim() (the costliest step of parsing an id) only where a space is."""
    return f"CASE WHEN {text} LIKE ' %' OR {text} LIKE '% ' THEN nullif(trim({text}), '') ELSE nullif({text}, '') END"


def _text(column: Column | None) -> str:
    if column is None:
        return "CAST(NULL AS VARCHAR)"
    name = quote_name(column.name)
    return name if column.type == "VARCHAR" else f"CAST({name} AS VARCHAR)"


def _missing(column: Column | None, value: str) -> str:
    if column is None:
        return "true"
    if column.type != "VARCHAR":
        return f"{value} IS NULL"
    return f"coalesce(trim({value}) = '', true)"


def _date(column: Column | None) -> str:
    if column is None:
        return "CAST(NULL AS DATE)"
    name = quote_name(column.name)
    if column.type == "DATE":
        return name
    if column.type.startswith("TIMESTAMP"):
        return f"CAST({name} AS DATE)"
    text = _text(column)
    # The ISO cast is fast and covers most exports; the slower formats run only where it failed.
    return f"coalesce(try_cast({text} AS DATE), CAST(try_strptime(trim({text}), {DATE_FORMATS}) AS DATE))"


def _channel(column: Column | None, spellings: dict[str, tuple[str, ...]]) -> str:
    codes = {name: str(code) for code, name in enumerate(CHANNELS, 1)}
    table = {spelling: codes[name] for name, values in spellings.items() for spelling in values}
    return f"CAST({_fast_lookup(_text(column), codes, table, nfc=True)} AS TINYINT)"


def _boolean(column: Column | None) -> str:
    if column is None:
        return "false"
    name = quote_name(column.name)
    if column.type == "BOOLEAN":
        return f"coalesce({name}, false)"
    if column.type in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"):
        return f"coalesce({name} <> 0, false)"
    table = {v: "true" for v in TRUE_VALUES} | {v: "false" for v in FALSE_VALUES} | {"": "false"}
    text = _text(column)
    # An empty cell reads as false: many exports leave the flag blank for non-online dossiers.
    lookup = _fast_lookup(text, {"true": "true", "false": "false"}, table, nfc=True)
    return f"CASE WHEN {text} IS NULL THEN false ELSE {lookup} END"


def _level(column: Column | None) -> str:
    text = _text(column)
    table = {name: quote_text(level) for level, names in LEVEL_VALUES.items() for name in names}
    canonical = {level: quote_text(level) for level in LEVEL_VALUES}
    return _fast_lookup(text, canonical, table, nfc=True, otherwise=_trimmed(text))


def parsed_rows(sources: list[Source], spellings: dict[str, tuple[str, ...]], *, numbered: bool, raw: bool) -> str:
    """One row per record of every file: normalised values and the code of its first problem."""
    selects = []
    for index, source in enumerate(sources):
        cols = source.columns
        fields = [
            f"{index} AS file",
            f"{source.row_number if numbered else 'CAST(NULL AS BIGINT)'} AS row",
            f"{_trimmed(_text(cols['dossier_id']))} AS id",
            f"{_trimmed(_text(cols['unit']))} AS unit",
            f"{_level(cols['level'])} AS level",
            f"{_channel(cols['channel'], spellings)} AS chan",
            f"{_boolean(cols['full_online'])} AS fo",
            *(f"{_date(cols[c])} AS {SHORT[c]}" for c in DATE_COLUMNS),
            *(f"{_text(cols[c])} AS raw_{c}" for c in ("channel", "full_online", *DATE_COLUMNS)),
        ]
        relation = source.numbered_relation if numbered else source.relation
        # The emptiness tests sit behind "value IS NULL" so that only failed values pay for them.
        checks = [
            ("id IS NULL", MISSING["dossier_id"]),
            ("unit IS NULL", MISSING["unit"]),
            ("level IS NULL", MISSING["level"]),
            (f"chan IS NULL AND {_missing(cols['channel'], 'raw_channel')}", MISSING["channel"]),
            (f"r IS NULL AND {_missing(cols['received_on'], 'raw_received_on')}", MISSING["received_on"]),
            (f"u IS NULL AND {_missing(cols['due_on'], 'raw_due_on')}", MISSING["due_on"]),
            *((f"{SHORT[c]} IS NULL AND NOT {_missing(cols[c], f'raw_{c}')}", n) for c, n in NOT_A_DATE.items()),
            ("chan IS NULL", UNKNOWN_CHANNEL),
            ("fo IS NULL", NOT_A_BOOLEAN),
            ("u < r", DUE_BEFORE_RECEIVED),
            ("d < r", RESOLVED_BEFORE_RECEIVED),
            ("w < r", WITHDRAWN_BEFORE_RECEIVED),
            ("d IS NOT NULL AND w IS NOT NULL", RESOLVED_AND_WITHDRAWN),
            ("fo AND chan <> 1", FULL_ONLINE_NOT_ONLINE),
        ]
        reason = " ".join(f"WHEN {condition} THEN {code}" for condition, code in checks)
        keep = (
            "*"
            if raw
            else "* EXCLUDE (" + ", ".join(f"raw_{c}" for c in ("channel", "full_online", *DATE_COLUMNS)) + ")"
        )
        selects.append(
            f"SELECT {keep}, CASE {reason} ELSE 0 END AS reason FROM (SELECT {', '.join(fields)} FROM {relation})"
        )
    return " UNION ALL ".join(f"({select})" for select in selects)


def period_key(value: str, months: int, start_day: int) -> str:
    """SQL for the index of the period of ``months`` months containing date ``value``."""
    month = f"(year({value}) * 12 + month({value}) - 1)"
    if start_day != 1:
        # A reporting month that starts on the 15th is named after the month in which it ends.
        month = f"({month} + CASE WHEN day({value}) >= {start_day} THEN 1 ELSE 0 END)"
    return f"({month} // {months})"


# A record's class in the scan's groups: how (and whether) it was closed.
OPEN, EARLY, ON_TIME, LATE, WITHDRAWN = range(5)
CLASS = (
    f"CASE WHEN d < u THEN {EARLY} WHEN d = u THEN {ON_TIME} WHEN d > u THEN {LATE} "
    f"WHEN w IS NOT NULL THEN {WITHDRAWN} ELSE {OPEN} END"
)


def scan(
    rows: str, months: int, start_day: int, as_of: date | None, excluded: str | None, *, ids: bool, latest: bool
) -> str:
    """The one scan of the records: every record reduced to its group of records alike.

    Records of the same unit, with the same periods of receipt, closing and becoming overdue, the same
    channel, flag and class (and, open on the as-of date, the same day of becoming overdue), count the
    same in every figure: the scan groups them (by_event = 1), which is a small table whatever the
    number of records, since it grows with units, periods and how long dossiers stay open. A bad record
    keeps only its check code. With ``ids``, the same hash aggregation also groups the records by the
    hash of their dossier id and keeps the hashes seen more than once (by_event = 0): the repeated-id
    check costs no second reading of the files. ``latest`` also keeps each group's latest date (for the
    default as-of date).
    """

    def key(value: str) -> str:
        return period_key(value, months, start_day)

    limit = f"DATE {quote_text(as_of.isoformat())}" if as_of else None
    reason = "reason"
    if excluded is not None:
        reason = (
            f"CASE WHEN reason = 0 AND (file, row) IN (SELECT (file, row) FROM {excluded}) "
            f"THEN {DUPLICATE} ELSE reason END"
        )
    if limit is not None:
        reason = f"CASE WHEN ({reason}) = 0 AND r > {limit} THEN {AFTER_AS_OF} ELSE ({reason}) END"
    # Events after the as-of date had not happened yet on that date.
    resolved = f"CASE WHEN d <= {limit} THEN d END" if limit else "d"
    withdrawn = f"CASE WHEN w <= {limit} THEN w END" if limit else "w"
    group = "level, unit, reason, kr, kc, kx, xo, chan, fo, cls"
    sets = f"GROUPING SETS (({group}), (hid))" if ids else group
    by_id = "hid, grouping(hid) AS by_event" if ids else "CAST(NULL AS UBIGINT) AS hid, 1 AS by_event"
    last = ", max(last) AS last" if latest else ", CAST(NULL AS DATE) AS last"
    kept = "WHERE by_event = 1 OR (hid IS NOT NULL AND n > 1)" if ids else ""
    return f"""
WITH checked AS (
    SELECT id, level, unit, chan, fo, r, u, {resolved} AS d, {withdrawn} AS w, {reason} AS reason FROM ({rows})
), timed AS (
    SELECT *, coalesce(d, w) AS c, greatest(r, u + 1) AS x FROM checked
), keyed AS (
    SELECT *, {key("c")} AS kc_all, {key("x")} AS kx_all FROM timed
), listed AS (
    -- a bad record counts only for its check code
    SELECT CASE WHEN id IS NOT NULL THEN hash(id) END AS hid, reason,
           CASE WHEN reason = 0 THEN level END AS level, CASE WHEN reason = 0 THEN unit END AS unit,
           CASE WHEN reason = 0 THEN {key("r")} END AS kr,
           CASE WHEN reason = 0 THEN kc_all END AS kc,
           CASE WHEN reason = 0 AND (c IS NULL OR kx_all < kc_all) THEN kx_all END AS kx,
           CASE WHEN reason = 0 AND c IS NULL THEN x END AS xo,
           CASE WHEN reason = 0 THEN chan END AS chan, CASE WHEN reason = 0 THEN fo END AS fo,
           CASE WHEN reason = 0 THEN {CLASS} END AS cls,
           CASE WHEN reason = 0 THEN greatest(r, coalesce(c, r)) END AS last
    FROM keyed
)
SELECT * FROM (
    SELECT {group}, {by_id}, count(*) AS n{last}
    FROM listed GROUP BY {sets}
) {kept}
"""


def events(scanned: str) -> str:
    """The groups of the scan as events by (level, unit, period), one aggregation over a small table.

    Each group adds up to three events, keyed by period index k: received (and everything else that
    falls in the same period), closed in a later period (which also leaves the overdue stock if it had
    joined it), and overdue in a later period while still open; a group open on the as-of date also
    gives the day it becomes overdue (xo) on a row of its own, because the last period may end on the
    as-of date, which is only known here when it is the latest date of the records. The rows of valid
    records with a period are one per (level, unit, k), so the figures need no second aggregation.
    """
    return f"""
WITH groups AS (
    SELECT * FROM {scanned} WHERE by_event = 1
), flat AS (
    SELECT groups.*, event.e,
           CASE WHEN reason <> 0 THEN NULL WHEN event.e = 1 THEN kr WHEN event.e = 2 THEN kc
                WHEN event.e = 3 THEN kx END AS k,
           CASE WHEN event.e = 4 THEN xo END AS x_day
    FROM groups, (VALUES (1), (2), (3), (4)) AS event(e)
    WHERE CASE event.e WHEN 1 THEN true WHEN 2 THEN reason = 0 AND kc <> kr WHEN 3 THEN reason = 0 AND kx <> kr
                       ELSE reason = 0 AND xo IS NOT NULL END
), flagged AS (
    SELECT *, e = 1 AS at_r, e = 2 OR (e = 1 AND coalesce(kc = kr, false)) AS at_c,
           e = 3 OR (e = 1 AND coalesce(kx = kr, false)) AS at_x
    FROM flat
)
-- "new" is online + direct + postal.
SELECT level, unit, k, x_day AS xo, reason,
       sum(CASE WHEN at_r AND chan = 1 THEN n ELSE 0 END) AS online,
       sum(CASE WHEN at_r AND chan = 2 THEN n ELSE 0 END) AS direct,
       sum(CASE WHEN at_r AND chan = 3 THEN n ELSE 0 END) AS postal,
       sum(CASE WHEN at_r AND fo THEN n ELSE 0 END) AS full_online,
       sum(CASE WHEN at_c AND cls = {EARLY} THEN n ELSE 0 END) AS early,
       sum(CASE WHEN at_c AND cls = {ON_TIME} THEN n ELSE 0 END) AS on_time,
       sum(CASE WHEN at_c AND cls = {LATE} THEN n ELSE 0 END) AS late,
       sum(CASE WHEN at_c AND cls = {WITHDRAWN} THEN n ELSE 0 END) AS withdrawn,
       sum(CASE WHEN at_x THEN n ELSE 0 END) - sum(CASE WHEN at_c AND kx IS NOT NULL THEN n ELSE 0 END) AS overdue,
       sum(n) AS n,
       max(CASE WHEN e = 1 THEN last END) AS last
FROM flagged
GROUP BY ALL
"""


def figures(events_table: str, labels_table: str, last_key: int, as_of: date, fields: tuple[str, ...]) -> str:
    """From the aggregated events to one row per (period, level, unit), from the first period on.

    Units get integer numbers in output order first, so that the running sums partition, and the final
    sort orders, on integers rather than on two texts.
    """
    rank = " ".join(f"WHEN {quote_text(level)} THEN {i}" for i, level in enumerate(DEFAULT_LEVELS))
    limit = f"DATE {quote_text(as_of.isoformat())}"
    columns = {
        "received": "carried_over + received_new",
        "received_new": "received_new",
        "received_online": "received_online",
        "received_direct": "received_direct",
        "received_postal": "received_postal",
        "received_full_online": "received_full_online",
        "carried_over": "carried_over",
        "resolved": "resolved_early + resolved_on_time + resolved_late",
        "resolved_early": "resolved_early",
        "resolved_on_time": "resolved_on_time",
        "resolved_late": "resolved_late",
        "withdrawn": "withdrawn",
        "pending": "pending",
        "pending_within": "pending - pending_overdue",
        "pending_overdue": "pending_overdue",
    }
    select = ", ".join(f"CAST({columns[f]} AS BIGINT) AS {f}" for f in fields)
    return f"""
WITH units AS MATERIALIZED (
    SELECT level, unit,
           row_number() OVER (ORDER BY CASE level {rank} ELSE {len(DEFAULT_LEVELS)} END, level, unit) AS uid
    FROM (SELECT DISTINCT level, unit FROM {events_table} WHERE reason = 0)
), per_period AS MATERIALIZED (
    -- the events of valid records are already one row per (level, unit, period)
    SELECT uid, k, online + direct + postal AS new, online, direct, postal, full_online, early, on_time, late,
           withdrawn, overdue
    FROM {events_table} JOIN units USING (level, unit) WHERE reason = 0 AND k <= {last_key}
), overdue_now AS (
    SELECT uid, sum(n) AS n
    FROM {events_table} JOIN units USING (level, unit) WHERE reason = 0 AND xo <= {limit} GROUP BY uid
), running AS (
    -- every unit in every period: a month without dossiers is a zero in the records, not a gap. Only the two
    -- stock changes pass through the window, which sorts whatever it carries, packed into one number:
    -- both running sums are counts of dossiers, so each fits in 32 bits.
    SELECT grid.uid, grid.k,
           sum(coalesce(CAST(p.new - p.early - p.on_time - p.late - p.withdrawn AS HUGEINT) * 4294967296
                        + p.overdue, 0))
               OVER (PARTITION BY grid.uid ORDER BY grid.k ROWS UNBOUNDED PRECEDING) AS stocks
    FROM (SELECT units.uid, labels.k FROM units CROSS JOIN {labels_table} AS labels) AS grid
    LEFT JOIN per_period AS p USING (uid, k)
), flows AS (
    SELECT running.uid, running.k, stocks >> 32 AS pending, stocks & 4294967295 AS overdue_running,
           coalesce(p.new, 0) AS received_new, coalesce(p.online, 0) AS received_online,
           coalesce(p.direct, 0) AS received_direct, coalesce(p.postal, 0) AS received_postal,
           coalesce(p.full_online, 0) AS received_full_online, coalesce(p.early, 0) AS resolved_early,
           coalesce(p.on_time, 0) AS resolved_on_time, coalesce(p.late, 0) AS resolved_late,
           coalesce(p.withdrawn, 0) AS withdrawn
    FROM running LEFT JOIN per_period AS p USING (uid, k)
), stocked AS (
    SELECT flows.*,
           pending - received_new + resolved_early + resolved_on_time + resolved_late + withdrawn
               AS carried_over,
           -- the last period ends on the as-of date, so its overdue count is taken on that day
           CASE WHEN k = {last_key} THEN coalesce(overdue_now.n, 0) ELSE overdue_running END
               AS pending_overdue
    FROM flows LEFT JOIN overdue_now USING (uid)
)
SELECT labels.label AS period, units.level, units.unit, {select}
FROM stocked JOIN {labels_table} AS labels USING (k) JOIN units USING (uid)
ORDER BY k, uid
"""


def _toml_string(value: str) -> str:
    """A TOML basic string of a text column: JSON's escapes are TOML's, and DEL must be escaped too."""
    return f"replace(CAST(to_json({value}) AS VARCHAR), chr(127), '\\u007f')"


def toml_tables(table: str, fields: tuple[str, ...]) -> str:
    """One `[[figures]]` table of TOML per row of ``table``, each after a blank line (writers.toml_table)."""
    keys = [f"'period = ' || {_toml_string('period')}", f"'level = ' || {_toml_string('level')}"]
    keys.append(f"'unit = ' || {_toml_string('unit')}")
    keys += [f"'{field} = ' || {field}" for field in fields]
    return f"SELECT concat_ws(chr(10), '', '[[figures]]', {', '.join(keys)}) FROM {table}"


def json_objects(table: str, fields: tuple[str, ...]) -> str:
    """One JSON object per row of ``table``, each followed by a comma (writers.json_object)."""
    members = ", ".join(f"{name} := {name}" for name in ("period", "level", "unit", *fields))
    return f"SELECT CAST(to_json(struct_pack({members})) AS VARCHAR) || ',' FROM {table}"
