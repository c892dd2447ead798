"""Counts: derivations, identities, checks and roll-up rules."""

from __future__ import annotations

import pytest

from parcalc.core.counts import BALANCE, FIELD_IDS, FIELDS, IDENTITIES, Counts, RollUp, roll_over_time


def test_absent_field_is_unknown_not_zero() -> None:
    counts = Counts({"resolved": 10})
    assert "resolved_late" not in counts
    assert counts.get("resolved_late") is None
    assert counts.total(["resolved", "resolved_late"]) is None
    assert counts.total(["resolved"]) == 10


def test_iteration_follows_the_field_catalogue() -> None:
    counts = Counts({"pending": 1, "received": 2, "resolved": 3})
    assert list(counts) == ["received", "resolved", "pending"]


def test_adding_units_keeps_only_fields_every_unit_knows() -> None:
    a = Counts({"resolved": 10, "resolved_late": 1, "pending": 4})
    b = Counts({"resolved": 5, "pending": 2})
    assert a + b == Counts({"resolved": 15, "pending": 6})
    assert sum([a, b, a]) == Counts({"resolved": 25, "pending": 10})


def test_total_derived_from_complete_parts() -> None:
    counts, derived = Counts({"received_new": 204655, "carried_over": 21938}).derive()
    assert counts["received"] == 226593
    assert derived == {"received"}


def test_total_not_derived_from_incomplete_parts() -> None:
    counts, derived = Counts({"resolved_early": 10, "resolved_late": 2}).derive()
    assert "resolved" not in counts
    assert "resolved_in_time" not in counts
    assert derived == frozenset()


def test_single_missing_part_derived_from_its_total() -> None:
    counts, derived = Counts({"resolved": 183636, "resolved_late": 8148}).derive()
    assert counts["resolved_in_time"] == 175488
    assert derived == {"resolved_in_time"}


def test_two_missing_parts_stay_unknown() -> None:
    counts, derived = Counts({"resolved": 100, "resolved_late": 2}).derive()
    assert "resolved_early" not in counts
    assert "resolved_on_time" not in counts
    assert derived == {"resolved_in_time"}


def test_derivations_chain_until_nothing_changes() -> None:
    given = Counts(
        {
            "carried_over": 32,
            "received_online": 1144,
            "received_direct": 1100,
            "received_postal": 53,
            "resolved_early": 1049,
            "resolved_on_time": 1210,
            "resolved_late": 36,
            "pending": 10,
            "pending_overdue": 3,
        }
    )
    counts, derived = given.derive()
    assert counts["received_offline"] == 1153
    assert counts["received_new"] == 2297
    assert counts["received"] == 2329
    assert counts["resolved_in_time"] == 2259
    assert counts["resolved"] == 2295
    assert counts["pending_within"] == 7
    assert derived == {
        "received_offline",
        "received_new",
        "received",
        "resolved_in_time",
        "resolved",
        "pending_within",
    }


def test_missing_part_not_derived_as_negative() -> None:
    counts, derived = Counts({"resolved": 10, "resolved_late": 12}).derive()
    assert "resolved_in_time" not in counts
    assert derived == frozenset()


def test_balance_is_never_used_to_fill_a_gap() -> None:
    # Deriving pending from received - resolved would hide exactly the slips reports make.
    counts, _ = Counts({"received": 2329, "resolved": 2295}).derive()
    assert "pending" not in counts


def test_consistent_counts_have_no_findings() -> None:
    counts, _ = Counts(
        {"received_new": 88194, "carried_over": 797, "resolved": 88478, "resolved_late": 919, "pending": 513}
    ).derive()
    assert counts.check() == []


def test_part_larger_than_total_is_an_error() -> None:
    findings = Counts({"resolved": 100, "resolved_late": 120}).check()
    assert [(f.code, f.severity, f.key, f.total, f.parts_sum) for f in findings] == [
        ("part-exceeds-total", "error", "resolved", 100, 120)
    ]


def test_known_parts_larger_than_their_total_are_a_gap_even_with_a_part_missing() -> None:
    # Each part fits in the total; together they overshoot it by 10 (postal, unknown, is at least 0).
    counts, derived = Counts({"received_new": 100, "received_online": 60, "received_direct": 50}).derive()
    findings = counts.check(derived)
    assert [(f.code, f.severity, f.key, f.gap) for f in findings] == [("identity-gap", "warning", "received_new", -10)]
    assert findings[0].identity == "received_new = received_online + received_direct + …"


def test_the_district_that_printed_17651_resolved_but_17655_in_parts() -> None:
    # Lâm Đồng, cấp huyện, tháng 10/2019 (tests/golden/published.json): early + on time + late = 17.655.
    counts, derived = Counts(
        {"resolved": 17651, "resolved_early": 13767, "resolved_on_time": 3254, "resolved_late": 634}
    ).derive()
    findings = counts.check(derived)
    assert [(f.code, f.severity, f.key, f.gap) for f in findings] == [("identity-gap", "warning", "resolved", -4)]
    assert counts["resolved_in_time"] == 17021 and derived == {"resolved_in_time"}


def test_a_filled_in_total_over_its_total_is_the_same_slip_not_an_error() -> None:
    # early + on time (110) fills resolved_in_time, which is then larger than resolved: one gap, no error.
    counts, derived = Counts({"resolved": 100, "resolved_early": 60, "resolved_on_time": 50}).derive()
    findings = counts.check(derived)
    assert [(f.code, f.severity, f.gap) for f in findings] == [("identity-gap", "warning", -10)]


@pytest.mark.parametrize(
    ("part", "whole"),
    [
        ("received_full_online", "received_online"),
        ("services_online", "procedures"),
        ("services_with_dossiers", "services_online"),
        ("procedures_time_cut", "procedures"),
        ("payments_online", "payments_due"),
        ("e_results", "resolved"),
    ],
)
def test_bounds_outside_the_sums(part: str, whole: str) -> None:
    findings = Counts({whole: 10, part: 11}).check()
    assert [(f.code, f.severity, f.key, f.total, f.parts_sum) for f in findings] == [
        ("part-exceeds-total", "error", part, 10, 11)
    ]
    assert Counts({whole: 10, part: 10}).check() == []


def test_total_that_disagrees_with_complete_parts_is_a_warning_with_the_gap() -> None:
    findings = Counts({"pending": 10, "pending_within": 6, "pending_overdue": 3}).check()
    assert [(f.code, f.severity, f.key, f.gap) for f in findings] == [("identity-gap", "warning", "pending", 1)]


def test_gap_is_negative_when_parts_exceed_what_they_should_sum_to() -> None:
    # Complete parts summing above the total are a slip: a warning with a negative gap, not an error.
    findings = Counts({"pending": 10, "pending_within": 8, "pending_overdue": 3}).check()
    assert [(f.code, f.severity, f.gap) for f in findings] == [("identity-gap", "warning", -1)]


def test_every_single_part_over_its_total_is_an_error() -> None:
    findings = Counts({"pending": 10, "pending_within": 11, "pending_overdue": 12}).check()
    assert [(f.code, f.severity, f.identity, f.gap) for f in findings] == [
        ("part-exceeds-total", "error", "pending_within <= pending", -1),
        ("part-exceeds-total", "error", "pending_overdue <= pending", -2),
    ]


@pytest.mark.parametrize(
    ("values", "gap"),
    [
        ({"received": 226593, "resolved": 183636, "pending": 42950}, 7),
        ({"received": 27734, "resolved": 19811, "pending": 7907}, 16),
        ({"received": 100, "resolved": 60, "pending": 30, "withdrawn": 10}, 0),
        ({"received": 100, "resolved": 60, "pending": 30, "withdrawn": 12}, -2),
    ],
)
def test_balance_gap(values: dict[str, int], gap: int) -> None:
    findings = [f for f in Counts(values).check() if f.code == BALANCE.code]
    if gap == 0:
        assert findings == []
    else:
        assert [(f.severity, f.key, f.gap) for f in findings] == [("warning", "received", gap)]


def test_balance_needs_received_resolved_and_pending() -> None:
    assert Counts({"received": 2329, "resolved": 2295}).check() == []


def test_every_identity_names_real_fields() -> None:
    for identity in (*IDENTITIES, BALANCE):
        assert identity.total in FIELD_IDS
        assert set(identity.parts) <= set(FIELD_IDS)


def _month(new: int, carried: int, resolved: int, pending: int, **more: int) -> Counts:
    return Counts({"received_new": new, "carried_over": carried, "resolved": resolved, "pending": pending, **more})


def test_roll_over_time_by_field_kind() -> None:
    months = [
        _month(100, 10, 95, 15, ecert=30, procedures=200, services_with_dossiers=12),
        _month(120, 15, 125, 10, ecert=25, procedures=201, services_with_dossiers=14),
        _month(90, 10, 92, 8, ecert=31, procedures=203, services_with_dossiers=9),
    ]
    quarter = roll_over_time(months)
    assert quarter["received_new"] == 310  # flow: summed
    assert quarter["resolved"] == 312
    assert quarter["ecert"] == 86
    assert quarter["carried_over"] == 10  # opening: the first month's
    assert quarter["pending"] == 8  # closing: the last month's
    assert quarter["procedures"] == 203
    # Received is new + carried over of the quarter, not the sum of the months' totals (which would
    # count every carried-over dossier again each month).
    assert quarter["received"] == 320
    assert quarter["received"] != sum(m["received_new"] + m["carried_over"] for m in months)
    assert "services_with_dossiers" not in quarter  # distinct: cannot be added over months
    assert quarter["received"] == quarter["resolved"] + quarter["pending"]


def test_roll_over_time_drops_a_flow_missing_in_one_month() -> None:
    quarter = roll_over_time([_month(1, 0, 1, 0, ecert=3), _month(1, 0, 1, 0), _month(1, 0, 1, 0, ecert=4)])
    assert "ecert" not in quarter
    assert quarter["received_new"] == 3


def test_roll_over_time_of_one_period_keeps_everything() -> None:
    one = Counts({"received": 50, "services_with_dossiers": 4, "resolved": 40})
    rolled = roll_over_time([one])
    assert rolled["received"] == 50
    assert rolled["services_with_dossiers"] == 4


def test_roll_over_time_of_nothing_is_empty() -> None:
    assert roll_over_time([]) == Counts()


def test_every_rollup_kind_is_used() -> None:
    assert {f.rollup for f in FIELDS} == set(RollUp)
    assert {f.id for f in FIELDS if f.rollup is RollUp.TOTAL} == {"received"}


def test_one_slip_is_reported_once() -> None:
    # resolved_in_time is derived from early + on time, so both forms of the resolved identity see the
    # same 2 missing dossiers; a reader should get one warning for one slip, naming the fields given.
    counts, _ = Counts({"resolved": 100, "resolved_early": 40, "resolved_on_time": 50, "resolved_late": 8}).derive()
    findings = counts.check()
    assert [(f.code, f.key, f.gap) for f in findings] == [("identity-gap", "resolved", 2)]
    assert findings[0].identity == "resolved = resolved_early + resolved_on_time + resolved_late"
