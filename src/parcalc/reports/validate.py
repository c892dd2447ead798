"""The validate report: every problem found, with where it is."""

from __future__ import annotations

from collections.abc import Sequence

from parcalc.core.issues import Problem
from parcalc.reports.model import Column, Options, Report, Table, envelope, problems_table


def validate_report(problems: Sequence[Problem], options: Options) -> Report:
    payload = {
        **envelope("validate"),
        "valid": not any(p.severity == "error" for p in problems),
        "issues": [p.to_json(options.lang) for p in problems],
    }
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
    return Report(payload, [table], records, list(problems))
