"""Numbers for people: rounding, locale and the display rules, in one place.

Vietnamese style is the default: 226.593 (thousands dot) and 4,44% (decimal comma, no space). A rate
that is not exactly 100% is never shown as 100%, nor one that is not exactly 0 as 0%: the display
moves to the nearest value that tells the truth (99,99%, 0,01%).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction

from parcalc.core.words import NO_DATA, POINTS, SEPARATORS, pick

NO_DATA_MARK = "–"  # the face of no data in every format people read (table, markdown, text, html)
NO_DATA_RAW = ""  # ... and in the formats programs read: an empty CSV field, an empty spreadsheet cell


def no_data(lang: str) -> str:
    """No data said in words: "không có số liệu", "no data"."""
    return pick(NO_DATA, lang)


def no_data_legend(lang: str) -> str:
    """The note under a table that has a dash in it: "– không có số liệu"."""
    return f"{NO_DATA_MARK} {no_data(lang)}"


HUNDRED = Fraction(100)


def _decimal(value: Fraction, precision: int, rounding: str) -> Decimal:
    # Integer arithmetic, so that the rounding decision is exact, never a float's.
    whole, rest = divmod(value.numerator * 10**precision, value.denominator)
    if rounding == ROUND_HALF_UP and 2 * rest >= value.denominator:
        whole += 1
    return Decimal(whole).scaleb(-precision)


def round_half_up(value: Fraction, precision: int) -> Decimal:
    """Round half away from zero for the non-negative values used here, exactly."""
    return _decimal(value, precision, ROUND_HALF_UP)


def truncate(value: Fraction, precision: int) -> Decimal:
    return _decimal(value, precision, ROUND_DOWN)


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    return sep.join([digits[:head], *[digits[i : i + 3] for i in range(head, len(digits), 3)]])


def format_decimal(value: Decimal, lang: str) -> str:
    """A decimal number with the language's separators: 1.234,5 (vi) or 1,234.5 (en)."""
    thousands, point = pick(SEPARATORS, lang)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):f}"
    whole, _, fraction = text.partition(".")
    return sign + _group(whole, thousands) + (point + fraction if fraction else "")


def format_count(value: int | None, lang: str) -> str:
    if value is None:
        return no_data(lang)
    return format_decimal(Decimal(value), lang)


def displayed_percent(value: Fraction, precision: int) -> Decimal:
    """The percentage as it will be shown, after the never-100-never-0 rule."""
    percent = value * HUNDRED
    shown = round_half_up(percent, precision)
    step = Decimal(1).scaleb(-precision)
    if shown >= 100 and percent < HUNDRED:
        return Decimal(100) - step
    if shown == 0 and percent > 0:
        return step
    return shown


def honest_decimals(value: Fraction, precision: int, limit: int = 9) -> int:
    """The fewest decimals, from ``precision``, at which a rate shows neither 100% nor 0% unless it is.

    For output that rounds on its own (a spreadsheet's number format), where displayed_percent cannot
    nudge the value: showing more decimals keeps the cell's number true and its display honest.
    """
    percent = value * HUNDRED
    decimals = precision
    while decimals < limit:
        shown = round_half_up(percent, decimals)
        if not ((shown >= 100 and percent < HUNDRED) or (shown == 0 and percent > 0)):
            break
        decimals += 1
    return decimals


def format_rate(value: Fraction | None, precision: int, lang: str) -> str:
    if value is None:
        return no_data(lang)
    return format_decimal(displayed_percent(value, precision), lang) + "%"


def format_number(value: Fraction | None, precision: int, lang: str) -> str:
    if value is None:
        return no_data(lang)
    return format_decimal(round_half_up(value, precision), lang)


def exact_decimals(value: Fraction, percent: bool, limit: int = 6) -> int:
    """The fewest decimals that show a value exactly (35% -> 0, 35,5% -> 1), at most ``limit``."""
    shown = value * HUNDRED if percent else value
    for decimals in range(limit + 1):
        if (shown * 10**decimals).denominator == 1:
            return decimals
    return limit


def displayed_against(actual: Fraction, threshold: Fraction, percent: bool, precision: int) -> tuple[Decimal, Decimal]:
    """A value and the threshold it is judged against, as shown, so that the display agrees with the verdict.

    The threshold is shown exactly (35%, 35,5%); the value with at least as many decimals. When the
    value is below the threshold its display stays below the threshold's, and above stays above: a
    49,995% that misses 50% is shown as 49,99%, never 50,00%; a 1,004% late rate over a 1% allowance
    as 1,01%. Where that would break the never-0 or never-100 rule, one more decimal is shown instead.
    """
    scale = HUNDRED if percent else Fraction(1)
    if not percent:
        precision = exact_decimals(actual, False, precision)  # 26 certifications, not 26,00
    places = exact_decimals(threshold, percent)
    target = round_half_up(threshold * scale, places)
    for extra in range(7):
        decimals = max(precision, places) + extra
        step = Decimal(1).scaleb(-decimals)
        shown = displayed_percent(actual, decimals) if percent else round_half_up(actual, decimals)
        if actual < threshold and shown >= target:
            shown = target - step
        elif actual > threshold and shown <= target:
            shown = target + step
        lies = shown <= 0 < actual or (percent and shown >= 100 and actual < 1)
        if not lies:
            return shown, target
    return shown, target


def format_against(
    actual: Fraction | None, threshold: Fraction, percent: bool, precision: int, lang: str
) -> tuple[str, str]:
    """(value, threshold) as text for a target check; see displayed_against."""
    suffix = "%" if percent else ""
    if actual is None:
        target = round_half_up(threshold * (HUNDRED if percent else 1), exact_decimals(threshold, percent))
        return no_data(lang), format_decimal(target, lang) + suffix
    shown, target = displayed_against(actual, threshold, percent, precision)
    return format_decimal(shown, lang) + suffix, format_decimal(target, lang) + suffix


def format_points(value: Fraction, precision: int, lang: str) -> str:
    """Points as few decimals as they need, up to ``precision``: 10, 9,67."""
    return format_decimal(round_half_up(value, exact_decimals(value, False, precision)), lang)


def attainment_bar(ratio: Fraction | None, met: bool, width: int = 10) -> str:
    """How far a value went towards its target as a bar; full only when the target is met."""
    if ratio is None:
        return ""
    filled = min(width, int(max(Fraction(0), ratio) * width))
    if not met:
        filled = min(filled, width - 1)
    elif ratio >= 1:
        filled = width
    return "█" * filled + "░" * (width - filled)


def format_change(value: Fraction | int | None, points: bool, precision: int, lang: str) -> str:
    """A signed change: +1.234 dossiers, or -1,25 điểm % (percentage points) between two rates."""
    if value is None:
        return no_data(lang)
    if points:
        shown = round_half_up(abs(Fraction(value)) * HUNDRED, precision)
        sign = "" if shown == 0 else ("+" if value > 0 else "-")
        return sign + format_decimal(shown, lang) + pick(POINTS, lang)
    sign = "+" if value > 0 else ("-" if value < 0 else "")
    return sign + format_decimal(round_half_up(abs(Fraction(value)), precision).normalize(), lang)


# How a printed value relates to the true one. "=" is the plain figure (rounded or truncated to the
# digits printed); "~" is approximately (within one unit of the last printed digit); the others are
# inequalities against the printed value ("trên 98%" is > 98%).
Relation = str
RELATIONS: tuple[Relation, ...] = ("=", "~", ">", ">=", "<", "<=")

# Words and symbols reports put before a figure, longest first when matched; vi and en.
_BEFORE: dict[str, Relation] = {
    **dict.fromkeys(("trên", "hơn", "cao hơn", "lớn hơn", "nhiều hơn", "vượt", "vượt quá"), ">"),
    **dict.fromkeys(("above", "over", "more than", "greater than", "higher than", "exceeding", ">"), ">"),
    **dict.fromkeys(("ít nhất", "tối thiểu", "không dưới", "không thấp hơn", "không ít hơn", "từ"), ">="),
    **dict.fromkeys(("at least", "no less than", "not less than", "≥", ">=", "⩾"), ">="),
    **dict.fromkeys(("dưới", "thấp hơn", "ít hơn", "nhỏ hơn", "chưa đến", "chưa tới", "chưa đầy"), "<"),
    **dict.fromkeys(("below", "under", "less than", "lower than", "<"), "<"),
    **dict.fromkeys(("tối đa", "không quá", "không vượt quá", "không cao hơn", "không hơn"), "<="),
    **dict.fromkeys(("at most", "no more than", "not more than", "up to", "≤", "<=", "⩽"), "<="),
    **dict.fromkeys(("gần", "khoảng", "xấp xỉ", "chừng", "ước", "ước đạt", "~", "≈"), "~"),
    **dict.fromkeys(("about", "around", "approximately", "approx.", "nearly", "almost", "roughly"), "~"),
}
_AFTER: dict[str, Relation] = {"trở lên": ">=", "or more": ">=", "and above": ">=", "trở xuống": "<=", "or less": "<="}
# Verbs that carry no comparison: "đạt trên 98,4%" is "trên 98,4%".
_FILLER = ("đạt", "chiếm", "là", "ở mức", "đạt mức", "đạt tỷ lệ", "tỷ lệ", "reached", "is")


def _words(table: tuple[str, ...] | dict[str, Relation]) -> str:
    return "|".join(re.escape(w) for w in sorted(table, key=len, reverse=True))


# A word ends at a space, a digit or a symbol; a symbol needs no space after it.
_FILLER_RE = re.compile(rf"^(?:{_words(_FILLER)})(?=[\s\d])\s*", re.IGNORECASE)
_BEFORE_RE = re.compile(rf"^(?:{_words(_BEFORE)})(?=[\s\d.,]|$)\s*|^[<>≥≤⩾⩽~≈]=?\s*", re.IGNORECASE)
_AFTER_RE = re.compile(rf"\s*(?:{_words(_AFTER)})$", re.IGNORECASE)


def _relation(text: str) -> tuple[Relation, str, Relation | None]:
    """(relation before the figure, the figure's text, relation after it) of a printed value."""
    body = unicodedata.normalize("NFC", text).strip()
    while (found := _FILLER_RE.match(body)) is not None:
        body = body[found.end() :]
    before: Relation = "="
    found = _BEFORE_RE.match(body)
    if found is not None:
        word = found.group().strip().lower()
        before = _BEFORE.get(word, "=")
        body = body[found.end() :]
    after: Relation | None = None
    tail = _AFTER_RE.search(body)
    if tail is not None:
        after = _AFTER[tail.group().strip().lower()]
        body = body[: tail.start()]
    return before, body.strip(), after


@dataclass(frozen=True)
class Printed:
    """A value as a report printed it: its digits, how many decimals, whether it was a percentage, and
    the comparison word printed with it ("trên 98%": above 98%)."""

    text: str
    value: Decimal  # in printed units: 4.44 for "4,44%"
    decimals: int
    percent: bool
    relation: Relation = "="

    def matches(self, computed: Fraction) -> bool:
        """Whether ``computed`` (a fraction for a percentage) agrees with what was printed: prints as it,
        rounded or truncated; within one unit of its last digit ("khoảng"); or meets its inequality."""
        shown = computed * HUNDRED if self.percent else computed
        if shown < 0:
            return False
        printed = Fraction(self.value)
        if self.relation == "=":
            return self.value in (round_half_up(shown, self.decimals), truncate(shown, self.decimals))
        if self.relation == "~":
            return abs(shown - printed) <= Fraction(1, 10**self.decimals)
        return {
            ">": shown > printed,
            ">=": shown >= printed,
            "<": shown < printed,
            "<=": shown <= printed,
        }[self.relation]

    @property
    def exact(self) -> bool:
        """Whether the value names one figure (plain or approximate), not a bound."""
        return self.relation in ("=", "~")


def _read_number(body: str) -> tuple[Decimal, int] | None:
    """Digits with a decimal comma or point and optional thousands groups; None when malformed."""
    body = body.replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"\d+(?:[.,]\d+)*", body):
        return None
    dots, commas = body.count("."), body.count(",")
    point: str | None = None
    thousands: str | None = None
    if dots and commas:
        point = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if point == "." else "."
    elif dots + commas == 1:
        point = "." if dots else ","
    elif dots or commas:
        thousands = "." if dots else ","
    whole, _, fraction = body.partition(point) if point else (body, "", "")
    if thousands:
        head, *groups = whole.split(thousands)
        if len(head) > 3 or any(len(g) != 3 for g in groups) or (point and thousands in fraction):
            return None
        whole = head + "".join(groups)
    return Decimal(f"{whole}.{fraction}" if fraction else whole), len(fraction)


def parse_printed(raw: str | float | int, *, rate: bool, comparisons: bool = False) -> Printed:
    """Read "8,57%", "8.57%", "1.234,5" or a number; a bare number for a rate is a fraction (0.0857).

    With ``comparisons``, a comparison word or symbol may come with the figure as reports print it:
    "trên 98%", "đạt trên 98,4%", "dưới 2%", "khoảng 5%", ">98%", "≥ 95%", "98% trở lên", "about 5%".
    Raises ValueError with a readable reason.
    """
    if isinstance(raw, bool):
        raise ValueError(f'expected a percentage such as "4,44%" or a number, got {raw!r}')
    if isinstance(raw, int | float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValueError(f"{raw!r} is not a number")
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if number < 0:
            raise ValueError(f"{raw!r} is negative")
        decimals = max(0, -int(number.normalize().as_tuple().exponent)) if number else 0
        if rate:
            return Printed(repr(raw), number * 100, max(0, decimals - 2), True)
        return Printed(repr(raw), number, decimals, False)
    text = raw.strip()
    relation: Relation = "="
    body = text
    if comparisons:
        relation, body, after = _relation(text)
        if after is not None:
            if relation not in ("=", after) and not (relation == ">=" and after == ">="):
                raise ValueError(f"{raw!r} mixes two comparisons")
            relation = after
    percent = body.endswith("%")
    read = _read_number(body.removesuffix("%").strip())
    if read is None:
        raise ValueError(f"cannot read {raw!r} as a number or percentage")
    number, decimals = read
    if percent and not rate:
        raise ValueError(f"{raw!r} is a percentage, but this metric is not a rate")
    if rate and not percent:
        return Printed(text, number * 100, max(0, decimals - 2), True, relation)
    return Printed(text, number, decimals, percent, relation)


def format_printed(printed: Printed, computed: Fraction, lang: str) -> str:
    """The computed value at two more decimals than printed, to show how far apart they are; against a
    bound ("trên 98%"), on the side of it that the value is (97,999% is shown below 98%, never 98,00%)."""
    suffix = "%" if printed.percent else ""
    if not printed.exact:
        bound = Fraction(printed.value) / (HUNDRED if printed.percent else 1)
        shown_against, _ = displayed_against(computed, bound, printed.percent, printed.decimals + 2)
        return format_decimal(shown_against, lang) + suffix
    shown = computed * HUNDRED if printed.percent else computed
    return format_decimal(round_half_up(shown, printed.decimals + 2), lang) + suffix


def cell_text(kind: str, value: object, precision: int, lang: str) -> str:
    """A table cell for people, by its column kind; no data is a dash (see NO_DATA_MARK)."""
    if value is None:
        return NO_DATA_MARK
    if kind == "count" and isinstance(value, int):
        return format_count(value, lang)
    if kind == "rate" and isinstance(value, Fraction):
        return format_rate(value, precision, lang)
    if kind == "number" and isinstance(value, Fraction | int):
        return format_number(Fraction(value), precision, lang)
    if kind in ("change", "points") and isinstance(value, Fraction | int):
        return format_change(value, kind == "points", precision, lang)
    return str(value)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """Text that a spreadsheet would run as a formula, made inert (OWASP CSV injection advice)."""
    return "'" + text if text.startswith(FORMULA_START) else text
