"""The comparison operators a target may use: one table of their symbol, printed sign and test.

A target file writes ``op = ">="``; reports print "≥"; the check compares exact fractions. Every one of
these reads the same table, so an operator is added (or its sign changed) in one place.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal


@dataclass(frozen=True)
class Operator:
    symbol: str  # as a data file writes it
    sign: str  # as a report prints it
    holds: Callable[[Fraction, Fraction], bool]  # holds(actual, threshold)
    # +1: more is better (>=, >); -1: less is better (<=, <); 0: only the value itself (==)
    direction: Literal[1, -1, 0]


OPERATORS: dict[str, Operator] = {
    op.symbol: op
    for op in (
        Operator(">=", "≥", operator.ge, 1),
        Operator(">", ">", operator.gt, 1),
        Operator("<=", "≤", operator.le, -1),
        Operator("<", "<", operator.lt, -1),
        Operator("==", "=", operator.eq, 0),
    )
}
OPS = tuple(OPERATORS)  # the symbols, in the order the schema and the docs list them
