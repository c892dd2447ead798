"""Counts: the figures of one report table, their derivations, identities and roll-up rules.

A ``Counts`` value holds only raw counts (never a rate). Totals missing from a report are derived from
complete parts, and a single missing part from its total; every rate is computed later from counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum


class RollUp(Enum):
    """How a field combines over time (across units and levels every field adds up)."""

    FLOW = "flow"  # dossiers that moved during the period: sums over sub-periods
    OPENING = "opening"  # a balance at the period start: the first sub-period's value
    CLOSING = "closing"  # a balance at the period end: the last sub-period's value
    TOTAL = "total"  # received = new + carried over: re-derived after rolling up
    DISTINCT = "distinct"  # a count of distinct things: cannot be added over months


@dataclass(frozen=True)
class Field:
    id: str
    vi: str
    en: str
    rollup: RollUp


FIELDS: tuple[Field, ...] = (
    Field("received", "Tổng số hồ sơ tiếp nhận", "Received (new + carried over)", RollUp.TOTAL),
    Field("received_new", "Tiếp nhận mới trong kỳ", "Received new", RollUp.FLOW),
    Field("received_online", "Tiếp nhận trực tuyến", "Received online", RollUp.FLOW),
    Field("received_full_online", "Trực tuyến toàn trình", "Received full-process online", RollUp.FLOW),
    Field("received_direct", "Tiếp nhận trực tiếp", "Received in person", RollUp.FLOW),
    Field("received_postal", "Tiếp nhận qua bưu chính", "Received by post", RollUp.FLOW),
    Field("received_offline", "Trực tiếp và bưu chính", "Received in person or by post", RollUp.FLOW),
    Field("carried_over", "Từ kỳ trước chuyển sang", "Carried over", RollUp.OPENING),
    Field("resolved", "Đã giải quyết", "Resolved", RollUp.FLOW),
    Field("resolved_early", "Giải quyết trước hạn", "Resolved early", RollUp.FLOW),
    Field("resolved_on_time", "Giải quyết đúng hạn", "Resolved on the due date", RollUp.FLOW),
    Field("resolved_in_time", "Trước và đúng hạn", "Resolved early or on time", RollUp.FLOW),
    Field("resolved_late", "Giải quyết quá hạn", "Resolved late", RollUp.FLOW),
    Field("withdrawn", "Rút hồ sơ, trả lại", "Withdrawn or returned", RollUp.FLOW),
    Field("pending", "Đang giải quyết", "Pending", RollUp.CLOSING),
    Field("pending_within", "Đang giải quyết trong hạn", "Pending within deadline", RollUp.CLOSING),
    Field("pending_overdue", "Đang giải quyết quá hạn", "Pending overdue", RollUp.CLOSING),
    Field("procedures", "Thủ tục hành chính", "Procedures in force", RollUp.CLOSING),
    Field("services_online", "Dịch vụ công trực tuyến", "Online services", RollUp.CLOSING),
    Field("services_full_online", "DVC trực tuyến toàn trình", "Full-process online services", RollUp.CLOSING),
    Field("services_partial_online", "DVC trực tuyến một phần", "Partial online services", RollUp.CLOSING),
    Field(
        "services_with_dossiers",
        "DVC trực tuyến có phát sinh hồ sơ",
        "Online services with dossiers",
        RollUp.DISTINCT,
    ),
    Field("procedures_time_cut", "Thủ tục cắt giảm thời gian", "Procedures with time cut", RollUp.CLOSING),
    Field("ecert", "Chứng thực bản sao điện tử", "Electronic certified copies", RollUp.FLOW),
    Field("payments_online", "Thanh toán trực tuyến", "Paid online", RollUp.FLOW),
    Field("payments_due", "Hồ sơ phải nộp phí, lệ phí", "Owing a fee or charge", RollUp.FLOW),
    Field("digitized", "Hồ sơ được số hóa", "Digitized", RollUp.FLOW),
    Field("e_results", "Trả kết quả điện tử", "Electronic results", RollUp.FLOW),
    Field("digitized_results", "Kết quả giải quyết được số hóa", "Results digitized", RollUp.FLOW),
    # Dossiers whose deadline fell in the period (hồ sơ đến hạn giải quyết): some systems' base for the
    # on-time and late rates instead of the dossiers resolved.
    Field("due", "Hồ sơ đến hạn giải quyết", "Due in the period", RollUp.FLOW),
    Field("surveyed", "Lượt đánh giá, khảo sát", "Satisfaction responses", RollUp.FLOW),
    Field("satisfied", "Lượt hài lòng", "Satisfied responses", RollUp.FLOW),
)

FIELD_BY_ID: dict[str, Field] = {f.id: f for f in FIELDS}
FIELD_IDS: tuple[str, ...] = tuple(FIELD_BY_ID)

# The fields that dossier-level records settle (parcalc ingest), in the order it writes them: what came in,
# what was resolved and how, and what is still open at the end. The service catalogue and the other flows
# (certifications, payments...) are not in dossier records.
RECORD_FIELDS: tuple[str, ...] = tuple(
    FIELD_BY_ID[f].id
    for f in (
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
    )
)


@dataclass(frozen=True)
class Identity:
    """total = sum(parts). Complete parts give a missing total; a total gives its one missing part."""

    total: str
    parts: tuple[str, ...]
    code: str = "identity-gap"

    def __str__(self) -> str:
        return f"{self.total} = {' + '.join(self.parts)}"


IDENTITIES: tuple[Identity, ...] = (
    Identity("received", ("received_new", "carried_over")),
    Identity("received_new", ("received_online", "received_offline")),
    Identity("received_offline", ("received_direct", "received_postal")),
    Identity("received_new", ("received_online", "received_direct", "received_postal")),
    Identity("resolved_in_time", ("resolved_early", "resolved_on_time")),
    Identity("resolved", ("resolved_in_time", "resolved_late")),
    Identity("resolved", ("resolved_early", "resolved_on_time", "resolved_late")),
    Identity("pending", ("pending_within", "pending_overdue")),
    Identity("services_online", ("services_full_online", "services_partial_online")),
)

# (total, parts) of each identity, for Counts.derive's inner loop, which runs for every row of a sheet.
_PLANS: tuple[tuple[str, tuple[str, ...]], ...] = tuple((i.total, i.parts) for i in IDENTITIES)

# Every dossier to handle is resolved, still pending or withdrawn. Reports break this one most often, so
# it is only checked, never used to fill a gap (that would hide the slip). An absent withdrawn is 0 here.
BALANCE = Identity("received", ("resolved", "pending", "withdrawn"), code="balance-gap")

# part <= whole, for parts that are not listed in a sum above.
BOUNDS: tuple[tuple[str, str], ...] = (
    ("received_full_online", "received_online"),
    ("services_online", "procedures"),
    ("services_with_dossiers", "services_online"),
    ("procedures_time_cut", "procedures"),
    ("payments_online", "payments_due"),
    ("e_results", "resolved"),
    ("digitized_results", "resolved"),
    ("satisfied", "surveyed"),
)


@dataclass(frozen=True)
class Finding:
    """What checking a row's counts found: an error (part over total) or a warning (a gap)."""

    code: str
    severity: str
    key: str
    identity: str
    total: int
    parts_sum: int

    @property
    def gap(self) -> int:
        return self.total - self.parts_sum


class Counts(Mapping[str, int]):
    """Raw counts by field id; a field that is absent is unknown, never zero.

    ``+`` adds across units: a field survives only where every side knows it, because a total over
    units that silently skipped one unit would be wrong.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, int] | None = None) -> None:
        self._values: dict[str, int] = {k: v for k, v in (values or {}).items() if v is not None}

    def __getitem__(self, key: str) -> int:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return (f for f in FIELD_IDS if f in self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Counts({dict(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Counts) and self._values == other._values

    def __hash__(self) -> int:
        return hash(frozenset(self._values.items()))

    def __add__(self, other: Counts) -> Counts:
        return Counts({k: v + other._values[k] for k, v in self._values.items() if k in other._values})

    def __radd__(self, other: object) -> Counts:
        if other == 0:  # sum() starts from 0
            return self
        return NotImplemented

    def total(self, fields: Iterable[str]) -> int | None:
        """The sum of fields, or None when any of them is unknown."""
        result = 0
        for name in fields:
            value = self._values.get(name)
            if value is None:
                return None
            result += value
        return result

    def derive(self) -> tuple[Counts, frozenset[str]]:
        """Fill totals from complete parts and one missing part from its total, until nothing changes.

        Returns the completed counts and the ids of the fields that were derived.
        """
        values = dict(self._values)
        derived: set[str] = set()
        changed = True
        while changed:
            changed = False
            for total, parts in _PLANS:
                known_sum, missing, unknown = 0, "", 0
                for part in parts:
                    value = values.get(part)
                    if value is None:
                        unknown += 1
                        missing = part
                    else:
                        known_sum += value
                whole = values.get(total)
                if whole is None:
                    if not unknown:
                        values[total] = known_sum
                        derived.add(total)
                        changed = True
                elif unknown == 1 and whole - known_sum >= 0:
                    values[missing] = whole - known_sum
                    derived.add(missing)
                    changed = True
        return Counts(values), frozenset(derived)

    def check(self, derived: Iterable[str] = ()) -> list[Finding]:
        """Parts larger than their total (errors) and totals that disagree with their parts (warnings).

        Only a single part larger than its total (late > resolved) is an error: no reading of it is
        possible. Parts that add up to more or less than their total are a slip with a gap in dossiers
        (negative when the parts say more), and every rate is still computed from the counts. A
        ``derived`` total (in time = early + on time) larger than the total it is part of is such a sum.
        """
        filled = frozenset(derived)
        findings: list[Finding] = []
        over: set[tuple[str, str]] = set()
        gaps: set[tuple[str, int]] = set()
        reported: list[tuple[str, ...]] = []
        # Longest forms first: a shorter form that restates one through a derived total (resolved_in_time
        # = early + on time) sees the same slip, which is reported once, in the fields the user gave.
        for identity in sorted(IDENTITIES, key=lambda i: -len(i.parts)):
            total = self._values.get(identity.total)
            if total is None:
                continue
            known = [p for p in identity.parts if p in self._values]
            if identity.total in filled and any(set(known) <= set(parts) for parts in reported):
                continue  # a total filled from a sum already reported with its gap: the same slip
            # A part over a total that was itself filled in is that same kind of sum, not a lone part.
            lone = identity.total not in filled
            too_big = [p for p in known if self._values[p] > total and p not in filled and lone]
            for part in too_big:
                if (identity.total, part) not in over:
                    over.add((identity.total, part))
                    findings.append(
                        Finding(
                            "part-exceeds-total",
                            "error",
                            identity.total,
                            f"{part} <= {identity.total}",
                            total,
                            self._values[part],
                        )
                    )
            if too_big:
                continue
            parts_sum = sum(self._values[p] for p in known)
            complete = len(known) == len(identity.parts)
            # Known parts above the total are a slip even when one part is missing (it is at least 0).
            if (complete and parts_sum != total) or parts_sum > total:
                if (identity.total, parts_sum) in gaps:
                    continue
                gaps.add((identity.total, parts_sum))
                reported.append(identity.parts)
                label = str(identity) if complete else f"{identity.total} = {' + '.join(known)} + …"
                findings.append(Finding(identity.code, "warning", identity.total, label, total, parts_sum))
        for part, whole in BOUNDS:
            if part in self._values and whole in self._values and self._values[part] > self._values[whole]:
                findings.append(
                    Finding(
                        "part-exceeds-total",
                        "error",
                        part,
                        f"{part} <= {whole}",
                        self._values[whole],
                        self._values[part],
                    )
                )
        balance = self._balance()
        if balance is not None:
            findings.append(balance)
        return findings

    def _balance(self) -> Finding | None:
        total = self._values.get(BALANCE.total)
        resolved = self._values.get("resolved")
        pending = self._values.get("pending")
        if total is None or resolved is None or pending is None:
            return None
        parts_sum = resolved + pending + self._values.get("withdrawn", 0)
        if parts_sum == total:
            return None
        return Finding(BALANCE.code, "warning", "received", str(BALANCE), total, parts_sum)


def roll_over_time(parts: Iterable[Counts]) -> Counts:
    """Combine consecutive sub-periods (in time order) of one unit by each field's roll-up rule."""
    ordered = list(parts)
    if not ordered:
        return Counts()
    first, last = ordered[0], ordered[-1]
    values: dict[str, int] = {}
    for f in FIELDS:
        if f.rollup is RollUp.FLOW:
            column = [c.get(f.id) for c in ordered]
            if all(v is not None for v in column):
                values[f.id] = sum(v for v in column if v is not None)
        elif f.rollup is RollUp.OPENING and f.id in first:
            values[f.id] = first[f.id]
        elif f.rollup is RollUp.CLOSING and f.id in last:
            values[f.id] = last[f.id]
        elif f.rollup is RollUp.DISTINCT and len(ordered) == 1 and f.id in first:
            values[f.id] = first[f.id]
    if len(ordered) == 1 and "received" in first:
        values["received"] = first["received"]
    return Counts(values).derive()[0]
