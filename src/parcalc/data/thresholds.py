"""Target thresholds: a value as a plan writes it ("35%", "35,5%", 0.35, 30), read exactly for its metric.

A rate metric takes a percentage or a fraction between 0 and 1; a count metric (ecert_per_month) takes a
number. Mixing them up is the commonest slip in a hand-written target, so it is an error that says which
form to write, not a silent reinterpretation: ``value = 30`` on a rate is refused rather than read as 3000%.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from parcalc.core.formatting import parse_printed
from parcalc.core.metrics import Metric
from parcalc.core.periods import Grain, Period
from parcalc.data.model import Band, Target

Bad = tuple[str, str]  # (key, reason)


class ThresholdError(ValueError):
    """A threshold that does not fit its metric; the message says what to write instead."""


def _number(raw: float | int) -> Fraction:
    if raw != raw or raw in (float("inf"), float("-inf")):
        raise ThresholdError(f"{raw!r} is not a number")
    try:
        # repr() keeps what was written (0.35), where Fraction(0.35) would keep the float's binary error.
        value = Fraction(Decimal(repr(raw)))
    except (InvalidOperation, ValueError):
        raise ThresholdError(f"{raw!r} is not a number") from None
    if value < 0:
        raise ThresholdError(f"{raw!r} is negative")
    return value


def read_threshold(raw: str | float | int, metric: Metric) -> Fraction:
    """The threshold as an exact fraction (a rate as 7/20, not 35). Raises ThresholdError."""
    if isinstance(raw, bool):
        raise ThresholdError(f'expected a percentage such as "35%" or a number, got {str(raw).lower()}')
    if metric.is_rate:
        if isinstance(raw, int):
            raise ThresholdError(
                f'{raw} is a count, but {metric.id} is a rate: write "{raw}%" or a fraction such as {raw / 100:g}'
            )
        if isinstance(raw, float):
            value = _number(raw)
        else:
            try:
                printed = parse_printed(raw, rate=True)
            except ValueError as exc:
                raise ThresholdError(str(exc)) from None
            value = Fraction(printed.value) / 100
            if value > 1 and not raw.strip().endswith("%"):
                raise ThresholdError(f'{raw!r} without "%" is a fraction of 1: write "{raw.strip()}%" for a percentage')
        if value > 1:
            shown = raw if isinstance(raw, str) else f"{raw!r} ({float(value * 100):g}%)"
            raise ThresholdError(f"{shown} is above 100%, which {metric.id} cannot reach")
        return value
    if isinstance(raw, str):
        if raw.strip().endswith("%"):
            raise ThresholdError(
                f"{raw!r} is a percentage, but {metric.id} is a count per month: write a number such as 30"
            )
        try:
            return Fraction(parse_printed(raw, rate=False).value)
        except ValueError as exc:
            raise ThresholdError(str(exc)) from None
    return _number(raw)


def check_reachable(op: str, threshold: Fraction, metric: Metric) -> None:
    """Refuse a target no value can meet (> 100%, < 0): it is a typo, not a plan."""
    if op == ">" and metric.is_rate and threshold >= 1:
        raise ThresholdError(f'no rate is above 100%, so "> {float(threshold * 100):g}%" can never be met')
    if op == "<" and threshold == 0:
        raise ThresholdError('no value is below 0, so "< 0" can never be met')


def read_points(raw: float | int) -> Fraction:
    if isinstance(raw, bool):
        raise ThresholdError(f"points must be a number, got {str(raw).lower()}")
    return _number(raw)


@dataclass(frozen=True)
class TargetValues:
    """A target's numbers, read exactly; None where absent or unreadable."""

    threshold: Fraction | None = None
    full_mark: Fraction | None = None
    points: Fraction | None = None


def target_values(target: Target, metric: Metric | None, period: Period | None) -> tuple[TargetValues, list[Bad]]:
    """Read a target's value, full_mark and points against its metric; every problem as (key, reason)."""
    bad: list[Bad] = []
    threshold = full_mark = points = None
    if metric is not None:
        try:
            threshold = read_threshold(target.value, metric)
            check_reachable(target.op, threshold, metric)
        except ThresholdError as exc:
            bad.append(("value", str(exc)))
        if target.full_mark is not None:
            try:
                full_mark = read_threshold(target.full_mark, metric)
            except ThresholdError as exc:
                bad.append(("full_mark", str(exc)))
    if target.points is not None:
        try:
            points = read_points(target.points)
        except ThresholdError as exc:
            bad.append(("points", str(exc)))
    if target.full_mark is not None and target.points is None:
        bad.append(("full_mark", "full_mark only counts with points; add points or remove full_mark"))
    if target.per == "month" and period is not None and period.sub_periods(Grain.MONTH) is None:
        bad.append(("per", f"period {period.label} is not made of whole reporting months, so it has no months"))
    return TargetValues(threshold, full_mark, points), bad


def band_min(band: Band, metric: Metric | None) -> tuple[Fraction, bool]:
    """A band's lower bound: (value, True) for a share of the points ("90%"), (value, False) otherwise.

    For a metric ranking it is a value of the metric, read like a target value.
    """
    if metric is not None:
        return read_threshold(band.min, metric), False
    raw = band.min
    if isinstance(raw, str) and raw.strip().endswith("%"):
        share = read_threshold(raw, _SHARE)
        return share, True
    if isinstance(raw, str):
        try:
            return Fraction(parse_printed(raw, rate=False).value), False
        except ValueError as exc:
            raise ThresholdError(str(exc)) from None
    return read_points(raw), False


_SHARE = Metric("points_share", "Tỷ lệ điểm", "Share of the points", (), ())
