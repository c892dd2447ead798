"""The metric registry: every metric of the contract, its value, and no data as None (never 0)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from parcalc.core.counts import FIELD_IDS, Counts
from parcalc.core.metrics import BUILTIN_IDS, Metric, Registry

# The metric ids of CONTRACT.md, with their numerator and denominator: users' scripts depend on them.
CONTRACT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "on_time_rate": (("resolved_in_time",), ("resolved",)),
    "early_rate": (("resolved_early",), ("resolved",)),
    "on_due_date_rate": (("resolved_on_time",), ("resolved",)),
    "late_rate": (("resolved_late",), ("resolved",)),
    "resolution_rate": (("resolved",), ("received",)),
    "progress_rate": (("resolved_in_time", "pending_within"), ("resolved", "pending")),
    "pending_overdue_rate": (("pending_overdue",), ("pending",)),
    "online_share": (("received_online",), ("received_new",)),
    "online_share_total": (("received_online",), ("received",)),
    "full_online_share": (("received_full_online",), ("received_new",)),
    "postal_share": (("received_postal",), ("received_new",)),
    "online_services_share": (("services_online",), ("procedures",)),
    "services_with_dossiers_share": (("services_with_dossiers",), ("services_online",)),
    "time_cut_share": (("procedures_time_cut",), ("procedures",)),
    "online_payment_rate": (("payments_online",), ("payments_due",)),
    "digitization_rate": (("digitized",), ("received_new",)),
    "e_result_rate": (("e_results",), ("resolved",)),
    "ecert_per_month": (("ecert",), ()),
}

# Denominators seen in published reports (issue 13), after the contract's: each its own metric.
REPORTED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "online_share_resolved": (("received_online",), ("resolved",)),
    "full_online_share_resolved": (("received_full_online",), ("resolved",)),
    "direct_share": (("received_direct",), ("received_new",)),
    "offline_share": (("received_offline",), ("received_new",)),
    "direct_share_total": (("received_direct",), ("received",)),
    "postal_share_total": (("received_postal",), ("received",)),
    "offline_share_total": (("received_offline",), ("received",)),
    "on_time_share_total": (("resolved_in_time",), ("received",)),
    "late_share_total": (("resolved_late",), ("received",)),
    "pending_share_total": (("pending",), ("received",)),
    "withdrawn_share": (("withdrawn",), ("received_new",)),
    "withdrawn_share_total": (("withdrawn",), ("received",)),
    "on_time_due_rate": (("resolved_in_time",), ("due",)),
    "late_due_rate": (("resolved_late",), ("due",)),
    "overdue_due_rate": (("pending_overdue",), ("due",)),
    "late_incl_overdue_rate": (("resolved_late", "pending_overdue"), ("resolved", "pending_overdue")),
    "late_incl_overdue_share_total": (("resolved_late", "pending_overdue"), ("received",)),
    "result_digitization_rate": (("digitized_results",), ("resolved",)),
    "satisfaction_rate": (("satisfied",), ("surveyed",)),
    "full_online_services_share": (("services_full_online",), ("procedures",)),
    "partial_online_services_share": (("services_partial_online",), ("procedures",)),
}

# One row with every count known (consistent: received 2329 = resolved 2295 + pending 34).
FULL = Counts(
    {
        "received": 2329,
        "received_new": 2297,
        "received_online": 1144,
        "received_full_online": 600,
        "received_direct": 1100,
        "received_postal": 53,
        "received_offline": 1153,
        "carried_over": 32,
        "resolved": 2295,
        "resolved_early": 1049,
        "resolved_on_time": 1210,
        "resolved_in_time": 2259,
        "resolved_late": 36,
        "withdrawn": 0,
        "pending": 34,
        "pending_within": 30,
        "pending_overdue": 4,
        "procedures": 270,
        "services_online": 232,
        "services_full_online": 80,
        "services_partial_online": 152,
        "services_with_dossiers": 25,
        "procedures_time_cut": 165,
        "ecert": 390,
        "payments_online": 140,
        "payments_due": 700,
        "digitized": 2000,
        "e_results": 1500,
    }
)

EXPECTED: dict[str, Fraction] = {
    "on_time_rate": Fraction(2259, 2295),
    "early_rate": Fraction(1049, 2295),
    "on_due_date_rate": Fraction(1210, 2295),
    "late_rate": Fraction(36, 2295),
    "resolution_rate": Fraction(2295, 2329),
    "progress_rate": Fraction(2259 + 30, 2295 + 34),
    "pending_overdue_rate": Fraction(4, 34),
    "online_share": Fraction(1144, 2297),
    "online_share_total": Fraction(1144, 2329),
    "full_online_share": Fraction(600, 2297),
    "postal_share": Fraction(53, 2297),
    "online_services_share": Fraction(232, 270),
    "services_with_dossiers_share": Fraction(25, 232),
    "time_cut_share": Fraction(165, 270),
    "online_payment_rate": Fraction(140, 700),
    "digitization_rate": Fraction(2000, 2297),
    "e_result_rate": Fraction(1500, 2295),
    "ecert_per_month": Fraction(390, 12),
}


def test_registry_has_exactly_the_contract_metrics_in_order() -> None:
    assert list(Registry()) == [*CONTRACT, *REPORTED]
    assert frozenset(CONTRACT) | frozenset(REPORTED) == BUILTIN_IDS


@pytest.mark.parametrize("metric_id", list(REPORTED))
def test_reported_denominators_are_built_in_metrics(metric_id: str) -> None:
    metric = Registry()[metric_id]
    assert (metric.numerator, metric.denominator) == REPORTED[metric_id]
    assert metric.is_rate and metric.builtin and metric.vi and metric.en and metric.vi != metric.en
    assert all(f in FIELD_IDS for f in (*metric.numerator, *metric.denominator))


@pytest.mark.parametrize("metric_id", list(CONTRACT))
def test_formula_matches_the_contract(metric_id: str) -> None:
    metric = Registry()[metric_id]
    assert (metric.numerator, metric.denominator) == CONTRACT[metric_id]
    assert set(metric.numerator) | set(metric.denominator) <= set(FIELD_IDS)
    assert metric.vi and metric.en and metric.vi != metric.en
    assert metric.is_rate == (metric_id != "ecert_per_month")


@pytest.mark.parametrize("metric_id", list(CONTRACT))
def test_value_is_the_exact_ratio_of_counts(metric_id: str) -> None:
    value = Registry()[metric_id].evaluate(FULL, 12)
    assert isinstance(value, Fraction)
    assert value == EXPECTED[metric_id]
    if metric_id != "ecert_per_month":
        assert 0 <= value <= 1


@pytest.mark.parametrize("metric_id", [m for m in CONTRACT if m != "ecert_per_month"])
def test_zero_denominator_is_no_data(metric_id: str) -> None:
    metric = Registry()[metric_id]
    zeros = Counts({name: 0 for name in (*metric.numerator, *metric.denominator)})
    assert metric.inputs(zeros, 12) == (0, 0)
    assert metric.evaluate(zeros, 12) is None


@pytest.mark.parametrize("metric_id", list(CONTRACT))
def test_missing_input_is_no_data(metric_id: str) -> None:
    metric = Registry()[metric_id]
    for missing in (*metric.numerator, *metric.denominator):
        partial = Counts({k: v for k, v in FULL.items() if k != missing})
        assert metric.inputs(partial, 12) is None
        assert metric.evaluate(partial, 12) is None


def test_zero_numerator_is_zero_not_no_data() -> None:
    counts = Counts({"resolved": 29791, "resolved_late": 0})
    assert Registry()["late_rate"].evaluate(counts) == 0


def test_per_month_metric_needs_a_month_count() -> None:
    metric = Registry()["ecert_per_month"]
    counts = Counts({"ecert": 180})
    assert metric.evaluate(counts, 6) == 30
    assert metric.evaluate(counts, None) is None  # a date window that is not whole months
    assert metric.evaluate(counts, 0) is None
    assert metric.inputs(counts, 6) == (180, 6)


def test_registry_evaluates_every_metric_asked_for() -> None:
    values = Registry().evaluate(Counts({"resolved": 4, "resolved_late": 1}), 1, ["late_rate", "early_rate"])
    assert values == {"late_rate": Fraction(1, 4), "early_rate": None}


def test_custom_metric_sums_its_fields() -> None:
    custom = Metric(
        "late_or_overdue_rate",
        "Tỷ lệ trễ hạn (kể cả quá hạn chưa giải quyết)",
        "Late, incl. overdue pending",
        ("resolved_late", "pending_overdue"),
        ("resolved", "pending_overdue"),
        builtin=False,
    )
    registry = Registry([custom])
    assert list(registry)[-1] == "late_or_overdue_rate"
    assert len(registry) == len(CONTRACT) + len(REPORTED) + 1
    assert registry["late_or_overdue_rate"].evaluate(FULL) == Fraction(36 + 4, 2295 + 4)
    assert custom.formula() == "(resolved_late + pending_overdue) / (resolved + pending_overdue)"


def test_formulas_read_like_the_contract() -> None:
    registry = Registry()
    assert registry["late_rate"].formula() == "resolved_late / resolved"
    assert registry["progress_rate"].formula() == "(resolved_in_time + pending_within) / (resolved + pending)"
    assert registry["ecert_per_month"].formula() == "ecert / months in the period"


def test_labels_by_language() -> None:
    metric = Registry()["late_rate"]
    assert metric.label("vi") == "Tỷ lệ giải quyết quá hạn"
    assert metric.label("en") == "Late rate"


def test_rate_of_derived_counts_is_computed_from_the_sum() -> None:
    # Two units: rates come from the summed counts, never from an average of the units' rates.
    a = Counts({"resolved": 1000, "resolved_late": 10})
    b = Counts({"resolved": 10, "resolved_late": 5})
    late = Registry()["late_rate"]
    assert late.evaluate(a + b) == Fraction(15, 1010)
    a_rate, b_rate = late.evaluate(a), late.evaluate(b)
    assert a_rate is not None and b_rate is not None
    assert late.evaluate(a + b) != (a_rate + b_rate) / 2
