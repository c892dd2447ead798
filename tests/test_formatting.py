"""Numbers for people: rounding, the never-100/never-0 display rule, locale, and reading printed values."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from parcalc.core.formatting import (
    NO_DATA_MARK,
    cell_text,
    displayed_percent,
    format_count,
    format_decimal,
    format_number,
    format_printed,
    format_rate,
    neutralise_formula,
    no_data,
    parse_printed,
    round_half_up,
    truncate,
)


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (226593, "vi", "226.593"),
        (226593, "en", "226,593"),
        (1784, "vi", "1.784"),
        (999, "vi", "999"),
        (0, "vi", "0"),
        (1000000, "en", "1,000,000"),
        (1234567, "vi", "1.234.567"),
    ],
)
def test_count_style(value: int, lang: str, text: str) -> None:
    assert format_count(value, lang) == text


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (Fraction(8148, 183636), "vi", "4,44%"),
        (Fraction(8148, 183636), "en", "4.44%"),
        (Fraction(1651, 1784), "vi", "92,54%"),
        (Fraction(1, 2), "vi", "50,00%"),
        (Fraction(1), "en", "100.00%"),
        (Fraction(0), "en", "0.00%"),
    ],
)
def test_rate_style(value: Fraction, lang: str, text: str) -> None:
    assert format_rate(value, 2, lang) == text


def test_decimal_with_thousands_and_fraction() -> None:
    assert format_decimal(Decimal("1234.5"), "vi") == "1.234,5"
    assert format_decimal(Decimal("1234.5"), "en") == "1,234.5"
    assert format_decimal(Decimal("-1234"), "en") == "-1,234"


@pytest.mark.parametrize(
    ("value", "precision", "shown"),
    [
        (Fraction(99995, 100000), 2, "99,99%"),  # rounds to 100,00 but is not 100
        (Fraction(999999, 1000000), 2, "99,99%"),
        (Fraction(2994, 2995), 1, "99,9%"),
        (Fraction(9996, 10000), 0, "99%"),
        (Fraction(1, 100000), 2, "0,01%"),  # 0,001% rounds to 0,00 but is not 0
        (Fraction(1, 10**9), 0, "1%"),
        (Fraction(1), 2, "100,00%"),
        (Fraction(0), 2, "0,00%"),
        (Fraction(1), 0, "100%"),
    ],
)
def test_never_100_unless_exact_never_0_unless_exact(value: Fraction, precision: int, shown: str) -> None:
    assert format_rate(value, precision, "vi") == shown


def test_displayed_percent_is_the_value_shown() -> None:
    assert displayed_percent(Fraction(99995, 100000), 2) == Decimal("99.99")
    assert displayed_percent(Fraction(1, 100000), 2) == Decimal("0.01")
    assert displayed_percent(Fraction(1, 3), 2) == Decimal("33.33")


def test_half_up_rounding_is_exact_not_float() -> None:
    # 1.005 is 1.00499999... as a float; the rule must see the exact value.
    assert round_half_up(Fraction(1005, 1000), 2) == Decimal("1.01")
    assert round_half_up(Fraction(1004999, 1000000), 2) == Decimal("1.00")
    assert round_half_up(Fraction(5, 2), 0) == Decimal("3")
    assert truncate(Fraction(1569, 1000), 2) == Decimal("1.56")
    assert truncate(Fraction(2, 3), 0) == Decimal("0")


def test_no_data_is_said_never_zero() -> None:
    assert format_rate(None, 2, "vi") == no_data("vi") == "không có số liệu"
    assert format_rate(None, 2, "en") == "no data"
    assert format_count(None, "en") == "no data"
    assert format_number(None, 2, "en") == "no data"
    assert cell_text("rate", None, 2, "vi") == NO_DATA_MARK


def test_cells_by_kind() -> None:
    assert cell_text("count", 226593, 2, "vi") == "226.593"
    assert cell_text("rate", Fraction(36, 2295), 2, "en") == "1.57%"
    assert cell_text("number", Fraction(97, 6), 1, "vi") == "16,2"
    assert cell_text("number", 30, 0, "en") == "30"
    assert cell_text("text", "Xã Phước Lộc", 2, "vi") == "Xã Phước Lộc"


@pytest.mark.parametrize("raw", ["8,57%", "8.57%", " 8,57 % ", 0.0857, "0,0857", "0.0857"])
def test_stated_forms_of_the_same_rate(raw: str | float) -> None:
    printed = parse_printed(raw, rate=True)
    assert printed.percent
    assert printed.value == Decimal("8.57")
    assert printed.decimals == 2
    assert printed.matches(Fraction(1698, 19811))  # 8,5710...%


@pytest.mark.parametrize(
    ("raw", "value", "matches"),
    [
        ("1,57%", Fraction(36, 2295), True),  # 1,5686% rounded half up
        ("1,56%", Fraction(36, 2295), True),  # ... and truncated: reports do both
        ("1,58%", Fraction(36, 2295), False),
        ("1.58%", Fraction(36, 2295), False),
        ("45,7%", Fraction(1049, 2295), True),
        ("49,1%", Fraction(1144, 2329), True),
        ("49,1%", Fraction(1144, 2297), False),  # 49,80%
        ("98%", Fraction(1423, 1446), True),  # 98,41%
        ("99%", Fraction(1423, 1446), False),
        ("100%", Fraction(1), True),
        ("100%", Fraction(99999, 100000), True),  # as a report would round it; display never does
        ("0%", Fraction(0), True),
        (0.0444, Fraction(8148, 183636), True),
        (1, Fraction(1), True),
    ],
)
def test_stated_match_rounded_or_truncated(raw: str | float, value: Fraction, matches: bool) -> None:
    assert parse_printed(raw, rate=True).matches(value) is matches


def test_half_up_boundary_of_a_stated_value() -> None:
    printed = parse_printed("0,13%", rate=True)
    assert printed.matches(Fraction(125, 100000))  # 0,125% rounds half up to 0,13%
    assert not printed.matches(Fraction(124999, 100000000))


@pytest.mark.parametrize(
    ("raw", "value", "decimals"),
    [("30", Decimal(30), 0), ("1.234,5", Decimal("1234.5"), 1), ("1,234.5", Decimal("1234.5"), 1), (30, 30, 0)],
)
def test_stated_count_for_a_per_month_metric(raw: str | int, value: Decimal, decimals: int) -> None:
    printed = parse_printed(raw, rate=False)
    assert not printed.percent
    assert (printed.value, printed.decimals) == (value, decimals)


@pytest.mark.parametrize("raw", ["abc", "4,4,4%", "1.23.4,5%", "", "%", "12 34,5%x", True, float("nan"), -0.01, "-4%"])
def test_unreadable_stated_values(raw: str | float | bool) -> None:
    with pytest.raises(ValueError):
        parse_printed(raw, rate=True)


def test_percentage_for_a_count_metric_is_refused() -> None:
    with pytest.raises(ValueError, match="not a rate"):
        parse_printed("30%", rate=False)


def test_computed_value_shown_beside_a_printed_one() -> None:
    printed = parse_printed("1.58%", rate=True)
    assert format_printed(printed, Fraction(36, 2295), "en") == "1.5686%"
    assert format_printed(printed, Fraction(36, 2295), "vi") == "1,5686%"


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=SUM(A1:A3)", "'=SUM(A1:A3)"),
        ("+84 912", "'+84 912"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("Xã Phước Lộc", "Xã Phước Lộc"),
    ],
)
def test_spreadsheet_formulas_are_made_inert(text: str, safe: str) -> None:
    assert neutralise_formula(text) == safe


# Stated values with a comparison word, as reports print them (issue 13).
@pytest.mark.parametrize(
    ("text", "relation", "value", "inside", "outside"),
    [
        ("trên 98%", ">", "98", Fraction(9801, 10000), Fraction(98, 100)),
        ("hơn 99%", ">", "99", Fraction(9901, 10000), Fraction(9899, 10000)),
        ("đạt trên 98,4%", ">", "98.4", Fraction(9841, 10000), Fraction(984, 1000)),
        ("dưới 2%", "<", "2", Fraction(199, 10000), Fraction(2, 100)),
        ("gần 97%", "~", "97", Fraction(9601, 10000), Fraction(9599, 10000)),
        ("khoảng 5%", "~", "5", Fraction(6, 100), Fraction(61, 1000)),
        ("xấp xỉ 5,2%", "~", "5.2", Fraction(53, 1000), Fraction(531, 10000)),
        (">98%", ">", "98", Fraction(981, 1000), Fraction(979, 1000)),
        ("≥ 95%", ">=", "95", Fraction(95, 100), Fraction(9499, 10000)),
        ("ít nhất 95%", ">=", "95", Fraction(95, 100), Fraction(94, 100)),
        ("không quá 1%", "<=", "1", Fraction(1, 100), Fraction(101, 10000)),
        ("98% trở lên", ">=", "98", Fraction(98, 100), Fraction(97, 100)),
        ("~5%", "~", "5", Fraction(4, 100), Fraction(39, 1000)),
        ("above 98%", ">", "98", Fraction(99, 100), Fraction(98, 100)),
        ("at most 2%", "<=", "2", Fraction(2, 100), Fraction(21, 1000)),
        ("about 5%", "~", "5", Fraction(55, 1000), Fraction(7, 100)),
        ("over 50%", ">", "50", Fraction(51, 100), Fraction(1, 2)),
        ("Trên 98 %", ">", "98", Fraction(99, 100), Fraction(97, 100)),
    ],
)
def test_comparison_words_are_inequalities_or_approximately(
    text: str, relation: str, value: str, inside: Fraction, outside: Fraction
) -> None:
    printed = parse_printed(text, rate=True, comparisons=True)
    assert (printed.relation, printed.value, printed.text) == (relation, Decimal(value), text)
    assert printed.matches(inside)
    assert not printed.matches(outside)


def test_a_plain_figure_after_dat_is_still_exact() -> None:
    printed = parse_printed("đạt 98,4%", rate=True, comparisons=True)
    assert (printed.relation, printed.exact) == ("=", True)
    assert printed.matches(Fraction(9844, 10000)) and not printed.matches(Fraction(985, 1000))


def test_comparison_words_only_where_they_are_asked_for() -> None:
    with pytest.raises(ValueError, match="cannot read"):
        parse_printed("trên 98%", rate=True)  # a target's value, or a band: no bound there


def test_a_bound_that_was_missed_is_shown_on_its_side() -> None:
    printed = parse_printed("trên 98%", rate=True, comparisons=True)
    assert format_printed(printed, Fraction(97999, 100000), "vi") == "97,99%"
    assert format_printed(printed, Fraction(9785, 10000), "en") == "97.85%"
