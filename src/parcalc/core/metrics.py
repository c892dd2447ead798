"""The metric registry: every metric is a numerator and a denominator over summed counts.

Values are exact fractions; a zero denominator or a missing input is None ("no data"), never 0. The
calculator, the catalogue (``parcalc metrics``), the JSON output, stated values and targets all read
metrics from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from parcalc.core.counts import Counts
from parcalc.core.words import pick

Kind = Literal["rate", "per_month"]


@dataclass(frozen=True)
class Metric:
    id: str
    vi: str
    en: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    kind: Kind = "rate"
    builtin: bool = True

    @property
    def is_rate(self) -> bool:
        return self.kind == "rate"

    def label(self, lang: str) -> str:
        return pick((self.vi, self.en), lang)

    def formula(self) -> str:
        top = " + ".join(self.numerator)
        if self.kind == "per_month":
            return f"{top} / months in the period"
        bottom = " + ".join(self.denominator)
        if len(self.numerator) > 1:
            top = f"({top})"
        if len(self.denominator) > 1:
            bottom = f"({bottom})"
        return f"{top} / {bottom}"

    def inputs(self, counts: Counts, months: int | None) -> tuple[int, int] | None:
        """(numerator, denominator) in counts (months for a per-month metric), or None when unknown."""
        top = counts.total(self.numerator)
        bottom = months if self.kind == "per_month" else counts.total(self.denominator)
        if top is None or bottom is None:
            return None
        return top, bottom

    def evaluate(self, counts: Counts, months: int | None = None) -> Fraction | None:
        pair = self.inputs(counts, months)
        if pair is None or pair[1] == 0:
            return None
        return Fraction(pair[0], pair[1])


BUILTIN: tuple[Metric, ...] = (
    Metric(
        "on_time_rate",
        "Tỷ lệ giải quyết trước và đúng hạn",
        "On-time rate (early + on time)",
        ("resolved_in_time",),
        ("resolved",),
    ),
    Metric("early_rate", "Tỷ lệ giải quyết trước hạn", "Early rate", ("resolved_early",), ("resolved",)),
    Metric(
        "on_due_date_rate",
        "Tỷ lệ giải quyết đúng hạn (cột đúng hạn)",
        "On the due date",
        ("resolved_on_time",),
        ("resolved",),
    ),
    Metric("late_rate", "Tỷ lệ giải quyết quá hạn", "Late rate", ("resolved_late",), ("resolved",)),
    Metric("resolution_rate", "Tỷ lệ đã giải quyết", "Resolution rate", ("resolved",), ("received",)),
    Metric(
        "progress_rate",
        "Tiến độ giải quyết (QĐ 766)",
        "Progress rate (Decision 766)",
        ("resolved_in_time", "pending_within"),
        ("resolved", "pending"),
    ),
    Metric(
        "pending_overdue_rate",
        "Tỷ lệ đang giải quyết quá hạn",
        "Pending overdue rate",
        ("pending_overdue",),
        ("pending",),
    ),
    Metric(
        "online_share",
        "Tỷ lệ hồ sơ trực tuyến",
        "Online share (of new dossiers)",
        ("received_online",),
        ("received_new",),
    ),
    Metric(
        "online_share_total",
        "Tỷ lệ hồ sơ trực tuyến (trên tổng tiếp nhận)",
        "Online share of all received",
        ("received_online",),
        ("received",),
    ),
    Metric(
        "full_online_share",
        "Tỷ lệ hồ sơ trực tuyến toàn trình",
        "Full-process online share",
        ("received_full_online",),
        ("received_new",),
    ),
    Metric("postal_share", "Tỷ lệ hồ sơ qua bưu chính", "Postal share", ("received_postal",), ("received_new",)),
    Metric(
        "online_services_share",
        "Tỷ lệ TTHC cung cấp trực tuyến",
        "Procedures offered online",
        ("services_online",),
        ("procedures",),
    ),
    Metric(
        "services_with_dossiers_share",
        "Tỷ lệ DVC trực tuyến có phát sinh hồ sơ",
        "Online services with dossiers",
        ("services_with_dossiers",),
        ("services_online",),
    ),
    Metric(
        "time_cut_share",
        "Tỷ lệ TTHC cắt giảm thời gian",
        "Procedures with time cut",
        ("procedures_time_cut",),
        ("procedures",),
    ),
    Metric(
        "online_payment_rate",
        "Tỷ lệ thanh toán trực tuyến",
        "Online payment rate",
        ("payments_online",),
        ("payments_due",),
    ),
    Metric("digitization_rate", "Tỷ lệ số hóa hồ sơ", "Digitization rate", ("digitized",), ("received_new",)),
    Metric("e_result_rate", "Tỷ lệ trả kết quả điện tử", "E-result rate", ("e_results",), ("resolved",)),
    Metric(
        "ecert_per_month",
        "Chứng thực điện tử mỗi tháng",
        "E-certified copies per month",
        ("ecert",),
        (),
        kind="per_month",
    ),
    # Other denominators that published reports use; each is its own metric so that a stated value
    # names the one it used ("49,1% is online_share_total").
    Metric(
        "online_share_resolved",
        "Tỷ lệ hồ sơ trực tuyến (trên hồ sơ đã giải quyết)",
        "Online dossiers over resolved",
        ("received_online",),
        ("resolved",),
    ),
    Metric(
        "full_online_share_resolved",
        "Tỷ lệ hồ sơ trực tuyến toàn trình (trên hồ sơ đã giải quyết)",
        "Full-process online over resolved",
        ("received_full_online",),
        ("resolved",),
    ),
    Metric("direct_share", "Tỷ lệ hồ sơ trực tiếp", "In-person share", ("received_direct",), ("received_new",)),
    Metric(
        "offline_share",
        "Tỷ lệ hồ sơ trực tiếp và bưu chính",
        "In person or by post share",
        ("received_offline",),
        ("received_new",),
    ),
    Metric(
        "direct_share_total",
        "Tỷ lệ hồ sơ trực tiếp (trên tổng tiếp nhận)",
        "In-person share of all received",
        ("received_direct",),
        ("received",),
    ),
    Metric(
        "postal_share_total",
        "Tỷ lệ hồ sơ qua bưu chính (trên tổng tiếp nhận)",
        "Postal share of all received",
        ("received_postal",),
        ("received",),
    ),
    Metric(
        "offline_share_total",
        "Tỷ lệ hồ sơ trực tiếp và bưu chính (trên tổng tiếp nhận)",
        "In person or by post, of all received",
        ("received_offline",),
        ("received",),
    ),
    Metric(
        "on_time_share_total",
        "Tỷ lệ giải quyết trước và đúng hạn (trên tổng tiếp nhận)",
        "Early or on time, of all received",
        ("resolved_in_time",),
        ("received",),
    ),
    Metric(
        "late_share_total",
        "Tỷ lệ giải quyết quá hạn (trên tổng tiếp nhận)",
        "Late, of all received",
        ("resolved_late",),
        ("received",),
    ),
    Metric(
        "pending_share_total",
        "Tỷ lệ đang giải quyết (trên tổng tiếp nhận)",
        "Pending, of all received",
        ("pending",),
        ("received",),
    ),
    Metric(
        "withdrawn_share",
        "Tỷ lệ hồ sơ rút, trả lại",
        "Withdrawn or returned share",
        ("withdrawn",),
        ("received_new",),
    ),
    Metric(
        "withdrawn_share_total",
        "Tỷ lệ hồ sơ rút, trả lại (trên tổng tiếp nhận)",
        "Withdrawn or returned, of all received",
        ("withdrawn",),
        ("received",),
    ),
    Metric(
        "on_time_due_rate",
        "Tỷ lệ trước và đúng hạn (trên hồ sơ đến hạn)",
        "Early or on time, of dossiers due",
        ("resolved_in_time",),
        ("due",),
    ),
    Metric(
        "late_due_rate",
        "Tỷ lệ giải quyết quá hạn (trên hồ sơ đến hạn)",
        "Resolved late, of dossiers due",
        ("resolved_late",),
        ("due",),
    ),
    Metric(
        "overdue_due_rate",
        "Tỷ lệ quá hạn chưa có kết quả (trên hồ sơ đến hạn)",
        "Overdue and unresolved, of dossiers due",
        ("pending_overdue",),
        ("due",),
    ),
    Metric(
        "late_incl_overdue_rate",
        "Tỷ lệ trễ hạn (kể cả đang giải quyết quá hạn)",
        "Late, incl. overdue pending",
        ("resolved_late", "pending_overdue"),
        ("resolved", "pending_overdue"),
    ),
    Metric(
        "late_incl_overdue_share_total",
        "Tỷ lệ trễ hạn, kể cả quá hạn đang giải quyết (trên tổng tiếp nhận)",
        "Late incl. overdue pending, of all received",
        ("resolved_late", "pending_overdue"),
        ("received",),
    ),
    Metric(
        "result_digitization_rate",
        "Tỷ lệ số hóa kết quả giải quyết",
        "Results digitized",
        ("digitized_results",),
        ("resolved",),
    ),
    Metric("satisfaction_rate", "Tỷ lệ hài lòng", "Satisfaction rate", ("satisfied",), ("surveyed",)),
    Metric(
        "full_online_services_share",
        "Tỷ lệ TTHC cung cấp trực tuyến toàn trình",
        "Procedures offered full-process online",
        ("services_full_online",),
        ("procedures",),
    ),
    Metric(
        "partial_online_services_share",
        "Tỷ lệ TTHC cung cấp trực tuyến một phần",
        "Procedures offered partly online",
        ("services_partial_online",),
        ("procedures",),
    ),
)


class Registry(Mapping[str, Metric]):
    """The built-in metrics plus those a data file declares, in catalogue order."""

    def __init__(self, custom: Iterable[Metric] = ()) -> None:
        self._metrics: dict[str, Metric] = {m.id: m for m in BUILTIN}
        for metric in custom:
            self._metrics[metric.id] = metric

    def __getitem__(self, key: str) -> Metric:
        return self._metrics[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._metrics)

    def __len__(self) -> int:
        return len(self._metrics)

    def evaluate(self, counts: Counts, months: int | None, ids: Iterable[str]) -> dict[str, Fraction | None]:
        return {i: self._metrics[i].evaluate(counts, months) for i in ids}


BUILTIN_IDS: frozenset[str] = frozenset(m.id for m in BUILTIN)
