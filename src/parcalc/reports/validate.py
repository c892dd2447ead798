"""The validate report: every problem found, with where it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from parcalc.core.issues import Problem
from parcalc.reports.model import Column, Options, Report, Table, envelope, problems_table


@dataclass(frozen=True, kw_only=True)
class ValidateReport(Report):
    """Every problem found in the data, with where it is."""

    lang: str

    def to_json(self) -> dict[str, Any]:
        return {
            **envelope("validate"),
            "valid": not any(p.severity == "error" for p in self.problems),
            "issues": [p.to_json(self.lang) for p in self.problems],
        }


def validate_report(problems: Sequence[Problem], options: Options) -> ValidateReport:
    table = problems_table(problems, options.lang)
    records = Table(
        "issues",
        "issues",
        [Column(k, k) for k in Problem.__dataclass_fields__ if k != "params"] + [Column("message", "message")],
        [
            [
                p.code,
                p.severity,
                p.file,
                p.line,
                p.table,
                p.key,
                p.period,
                p.level,
                p.unit,
                p.metric,
                p.gap,
                p.message(options.lang),
            ]
            for p in problems
        ],
    )
    return ValidateReport(title=None, tables=[table], records=records, problems=list(problems), lang=options.lang)
