"""What is printed next to a verdict agrees with it: a value that misses is never shown at its threshold."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcalc.core.formatting import attainment_bar, displayed_against, exact_decimals, format_against, format_points


@pytest.mark.parametrize(
    ("actual", "threshold", "percent", "precision", "lang", "shown", "goal"),
    [
        (Fraction(49995, 100000), Fraction(1, 2), True, 2, "vi", "49,99%", "50%"),
        (Fraction(1004, 100000), Fraction(1, 100), True, 2, "en", "1.01%", "1%"),
        (Fraction(1, 2), Fraction(1, 2), True, 2, "vi", "50,00%", "50%"),
        (Fraction(12759, 29781), Fraction(35, 100), True, 2, "vi", "42,84%", "35%"),
        (Fraction(71, 200), Fraction(71, 200), True, 0, "vi", "35,5%", "35,5%"),
        (Fraction(7099, 20000), Fraction(71, 200), True, 0, "en", "35.4%", "35.5%"),
        (Fraction(99999, 100000), Fraction(1), True, 2, "vi", "99,99%", "100%"),
        (Fraction(4, 100000), Fraction(1, 10000), True, 2, "vi", "0,004%", "0,01%"),  # never shown as 0
        (Fraction(97, 6), Fraction(30), False, 2, "vi", "16,17", "30"),
        (Fraction(26), Fraction(30), False, 2, "vi", "26", "30"),
        (Fraction(59999, 2000), Fraction(30), False, 2, "en", "29.99", "30"),
    ],
)
def test_format_against(
    actual: Fraction, threshold: Fraction, percent: bool, precision: int, lang: str, shown: str, goal: str
) -> None:
    assert format_against(actual, threshold, percent, precision, lang) == (shown, goal)


def test_no_data_keeps_the_threshold() -> None:
    assert format_against(None, Fraction(7, 20), True, 2, "en") == ("no data", "35%")


def test_exact_decimals() -> None:
    assert exact_decimals(Fraction(7, 20), True) == 0
    assert exact_decimals(Fraction(71, 200), True) == 1
    assert exact_decimals(Fraction(1, 3), True) == 6
    assert exact_decimals(Fraction(61, 2), False) == 1


@settings(max_examples=400, deadline=None)
@given(
    numerator=st.integers(min_value=0, max_value=200_000),
    denominator=st.integers(min_value=1, max_value=200_000),
    threshold_permille=st.integers(min_value=0, max_value=1000),
    precision=st.integers(min_value=0, max_value=3),
)
def test_the_display_keeps_the_order_of_value_and_threshold(
    numerator: int, denominator: int, threshold_permille: int, precision: int
) -> None:
    actual = Fraction(min(numerator, denominator), denominator)
    threshold = Fraction(threshold_permille, 1000)
    shown, goal = displayed_against(actual, threshold, True, precision)
    if actual < threshold:
        assert shown < goal
    elif actual > threshold:
        assert shown > goal
    else:
        assert shown == goal
    if actual < 1:
        assert shown < 100
    if actual > 0:
        assert shown > 0


def test_the_bar_is_full_only_when_met() -> None:
    assert attainment_bar(Fraction(1), met=True) == "█" * 10
    assert attainment_bar(Fraction(999, 1000), met=False) == "█" * 9 + "░"
    assert attainment_bar(Fraction(1), met=False) == "█" * 9 + "░"  # "> 50%" at exactly 50%
    assert attainment_bar(Fraction(1, 2), met=False) == "█" * 5 + "░" * 5
    assert attainment_bar(Fraction(3), met=True) == "█" * 10
    assert attainment_bar(None, met=False) == ""


def test_points_show_only_the_decimals_they_need() -> None:
    assert format_points(Fraction(10), 2, "vi") == "10"
    assert format_points(Fraction(29, 3), 2, "vi") == "9,67"
    assert Decimal("9.67") == Decimal(format_points(Fraction(29, 3), 2, "en"))
