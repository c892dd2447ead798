"""SQL generated from the declarations in parcalc.core.counts, for the columnar roll-up (parcalc.analysis.columnar).

Nothing here restates a rule: every expression is built from IDENTITIES, BOUNDS, BALANCE and the RollUp
kind of each field in FIELDS, so the SQL and the Python path (Counts.derive, Counts.check,
roll_over_time) read the same definitions. Each count column is named by its field id.

What is known of the columns prunes the SQL (``Nulls``): a sheet gives a dozen of the 28 fields, most
of them in every row, and a rule that needs a field nobody gave, or fills one that is never missing,
can never apply. Pruning changes the cost, never the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from parcalc.analysis.duck import quote_name
from parcalc.core.counts import BALANCE, BOUNDS, FIELDS, IDENTITIES, Identity, RollUp

FIELD_IDS = tuple(f.id for f in FIELDS)
FIELD_BIT = {f: 1 << i for i, f in enumerate(FIELD_IDS)}
OPENING = tuple(f.id for f in FIELDS if f.rollup in (RollUp.OPENING, RollUp.TOTAL))  # rollup._OPENING
CLOSING = tuple(f.id for f in FIELDS if f.rollup is RollUp.CLOSING)
DISTINCT = tuple(f.id for f in FIELDS if f.rollup is RollUp.DISTINCT)
q = quote_name  # every expression below names columns: short, as SQL reads best

# Counts._balance takes an absent last part (withdrawn) as 0; the others must be known.
BALANCE_OPTIONAL = BALANCE.parts[-1]

# Counts.derive reaches its fixed point within two changing passes for any set of known fields (checked
# over all of them, see tests/test_columnar.py); `unsettled` proves it was enough, row by row.
PASSES = 2


@dataclass(frozen=True)
class Nulls:
    """What is known of the count columns of a table: which can hold a value, which always do."""

    possible: frozenset[str]
    known: frozenset[str] = frozenset()

    def is_known(self, field: str) -> bool:
        return field in self.known

    def can_know(self, fields: Iterable[str]) -> bool:
        return all(f in self.possible for f in fields)


def _and(conditions: Iterable[str]) -> str:
    return " AND ".join(conditions) or "TRUE"


def _all_known(fields: Iterable[str], nulls: Nulls) -> list[str]:
    return [f"{q(f)} IS NOT NULL" for f in fields if not nulls.is_known(f)]


def _plus(fields: Iterable[str]) -> str:
    return " + ".join(q(f) for f in fields) or "0"


def _fills(identity: Identity, nulls: Nulls) -> list[tuple[str, list[str], str]]:
    """(field, conditions, value) of each way ``identity`` can fill a gap, as Counts.derive applies it."""
    total, parts = identity.total, identity.parts
    fills = []
    if not nulls.is_known(total) and nulls.can_know(parts):
        missing = [f"{q(total)} IS NULL"] if total in nulls.possible else []
        fills.append((total, missing + _all_known(parts, nulls), f"({_plus(parts)})"))
    if total not in nulls.possible:
        return fills
    for part in parts:
        others = [p for p in parts if p != part]
        if nulls.is_known(part) or not nulls.can_know(others):
            continue
        rest = f"({q(total)} - ({_plus(others)}))"
        missing = [f"{q(part)} IS NULL"] if part in nulls.possible else []
        conditions = missing + _all_known([total, *others], nulls) + [f"{rest} >= 0"]
        fills.append((part, conditions, rest))
    return fills


def _step(fills: list[tuple[str, list[str], str]], nulls: Nulls, sql: str) -> str:
    """One identity applied to every row: the total from complete parts, or its one missing part.

    A field that no row could know yet has no column so far: the step adds it.
    """
    by_field: dict[str, list[tuple[str, str]]] = {}
    for name, conditions, value in fills:
        by_field.setdefault(name, []).append((_and(conditions), value))
    replaced, added = [], []
    for name, cases in by_field.items():
        whens = " ".join(f"WHEN {condition} THEN {value}" for condition, value in cases)
        if name in nulls.possible:
            replaced.append(f"CASE {whens} ELSE {q(name)} END AS {q(name)}")
        else:
            added.append(f"CASE {whens} END AS {q(name)}")
    columns = f"* REPLACE ({', '.join(replaced)})" if replaced else "*"
    return f"SELECT {', '.join([columns, *added])} FROM ({sql})"


def values(nulls: Nulls) -> str:
    """Every field, in FIELD_IDS order, as the items of a list."""
    return ", ".join(q(f) if f in nulls.possible else "CAST(NULL AS BIGINT)" for f in FIELD_IDS)


def columns(nulls: Nulls) -> str:
    """Every field, in FIELD_IDS order, from a table that has a column only for the fields it can know."""
    return ", ".join(q(f) if f in nulls.possible else f"CAST(NULL AS BIGINT) AS {q(f)}" for f in FIELD_IDS)


def derive(source: str, nulls: Nulls) -> tuple[str, Nulls]:
    """``source`` (a query or table with a column for each field it can know) with gaps filled as
    Counts.derive does, and what is known of its columns then.

    Counts.derive goes through IDENTITIES in order and sees the values filled earlier in the same pass,
    so each identity is one projection over the previous one. An identity applied once leaves nothing
    for itself to fill until another one fills one of its fields, so it is not applied again before.
    """
    sql = f"SELECT * FROM {source}"
    written_since: dict[Identity, set[str] | None] = {i: None for i in IDENTITIES}
    for _ in range(PASSES):
        for identity in IDENTITIES:
            since = written_since[identity]
            fills = _fills(identity, nulls)
            if not fills or (since is not None and not since & {identity.total, *identity.parts}):
                continue
            sql = _step(fills, nulls, sql)
            filled = {name for name, _, _ in fills}
            # known afterwards when it is filled whenever it is missing
            always = {name for name, conditions, _ in fills if conditions in ([], [f"{q(name)} IS NULL"])}
            nulls = Nulls(nulls.possible | filled, nulls.known | always)
            for seen in written_since.values():
                if seen is not None:
                    seen.update(filled)
            written_since[identity] = set()
    return sql, nulls


def unsettled(nulls: Nulls) -> str:
    """True where one more pass of Counts.derive would still fill something (then the SQL is not used)."""
    conditions = [f"({_and(c)})" for i in IDENTITIES for _, c, _ in _fills(i, nulls)]
    return "(" + (" OR ".join(conditions) or "FALSE") + ")"


def known_mask(nulls: Nulls) -> str:
    """The fields a row knows, as a bit mask (FIELD_BIT)."""
    bits = [
        str(FIELD_BIT[f]) if nulls.is_known(f) else f"CASE WHEN {q(f)} IS NULL THEN 0 ELSE {FIELD_BIT[f]} END"
        for f in FIELD_IDS
        if f in nulls.possible
    ]
    return "(" + (" + ".join(bits) or "0") + ")"


def fields_of(mask: int) -> frozenset[str]:
    return frozenset(f for f, bit in FIELD_BIT.items() if mask & bit)


def _sum_known(fields: Iterable[str], nulls: Nulls) -> str:
    terms = [q(f) if nulls.is_known(f) else f"COALESCE({q(f)}, 0)" for f in fields if f in nulls.possible]
    return " + ".join(terms) or "0"


def has_finding(nulls: Nulls) -> str:
    """True where Counts.check finds anything: a part over its total, an identity or balance gap.

    Rows it selects are checked again in Python by Counts.check itself, which words and locates the
    problems; this only has to select every row that has one (a NULL total makes a comparison NULL).
    """
    conditions = []
    for identity in IDENTITIES:
        total, parts = q(identity.total), identity.parts
        if identity.total not in nulls.possible:
            continue
        if not all(nulls.is_known(p) for p in parts):  # else the gap below covers it
            conditions.append(f"({_sum_known(parts, nulls)} > {total})")
        if nulls.can_know(parts):
            conditions.append(f"({_and(_all_known(parts, nulls))} AND {_plus(parts)} <> {total})")
    for part, whole in BOUNDS:
        if nulls.can_know((part, whole)):
            conditions.append(f"({q(part)} > {q(whole)})")
    needed = [p for p in BALANCE.parts if p != BALANCE_OPTIONAL]
    if nulls.can_know((BALANCE.total, *needed)):
        conditions.append(
            f"({_and(_all_known(needed, nulls))} AND {_sum_known(BALANCE.parts, nulls)} <> {q(BALANCE.total)})"
        )
    return "COALESCE(" + (" OR ".join(conditions) or "FALSE") + ", FALSE)"


def over_time(order: str, nulls: Nulls) -> tuple[list[str], Nulls]:
    """Aggregates combining one unit's sub-periods by each field's roll-up rule (roll_over_time), for
    the fields the sub-periods can know.

    ``order`` orders the sub-periods in time. A flow adds up only when every sub-period has it; an
    opening balance is the first sub-period's, a closing one the last's (even when unknown there);
    a distinct count and the total received survive only a single sub-period (the total is derived
    again afterwards).
    """
    exprs = []
    known = set()
    for f in FIELDS:
        name = q(f.id)
        if f.id not in nulls.possible:
            continue
        if f.rollup is RollUp.FLOW:
            expr = (
                f"sum({name})" if nulls.is_known(f.id) else f"CASE WHEN count({name}) = count(*) THEN sum({name}) END"
            )
        elif f.rollup is RollUp.OPENING:
            expr = f"arg_min_null({name}, {order})"
        elif f.rollup is RollUp.CLOSING:
            expr = f"arg_max_null({name}, {order})"
        else:  # DISTINCT and TOTAL
            expr = f"CASE WHEN count(*) = 1 THEN max({name}) END"
        if f.rollup in (RollUp.FLOW, RollUp.OPENING, RollUp.CLOSING) and nulls.is_known(f.id):
            known.add(f.id)
        exprs.append(f"{expr} AS {name}")
    return exprs, Nulls(nulls.possible, frozenset(known))


def across(nulls: Nulls) -> list[str]:
    """Aggregates adding up units (Counts.__add__): a field survives only where every unit knows it."""
    return [
        f"CASE WHEN count({q(f)}) = count(*) THEN sum({q(f)}) END AS {q(f)}"
        if f in nulls.possible
        else f"CAST(NULL AS BIGINT) AS {q(f)}"
        for f in FIELD_IDS
    ]
