"""The report model every command produces and every reporter renders.

A Report is typed: each command has its own kind (ComputeReport, TargetsReport, RankReport, ValidateReport,
CatalogueReport, PresetsReport) holding the result it was built from. It carries the tables people read
and the flat records CSV writes; ``to_json()`` is its JSON rendering (the versioned payload) and
``narrative()`` its prose, so that a reporter asks the report instead of testing what it is. Table cells
are formatted by their column kind through parcalc.core.formatting; the words come from parcalc.core.words.
Reports and the results in them are never changed by a reporter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from parcalc import __version__
from parcalc.analysis.calc import RowResult
from parcalc.core.counts import FIELD_BY_ID
from parcalc.core.formatting import cell_text, no_data
from parcalc.core.issues import Problem
from parcalc.core.metrics import Registry
from parcalc.core.words import HEADERS, pick, word
from parcalc.reports.words import text

if TYPE_CHECKING:
    from parcalc.analysis.calc import ComputeResult
    from parcalc.targets.check import TargetsResult

Kind = Literal["text", "count", "rate", "number", "change", "points"]
Cell = str | int | Fraction | None


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = "text"


@dataclass
class Table:
    name: str  # a short id: sheet names, file parts
    title: str
    columns: list[Column]
    rows: list[list[Cell]]


@dataclass
class Options:
    lang: str = "vi"
    precision: int = 2
    color: bool = False


@dataclass
class Section:
    heading: str | None
    paragraphs: list[str]
    style: Literal["paragraphs", "list"] = "paragraphs"


@dataclass
class Narrative:
    title: str
    sections: list[Section] = field(default_factory=list)
    prose: bool = True  # False when it only restates the tables, line by line (validate, metrics, ...)


@dataclass(frozen=True, kw_only=True)
class Report:
    """What a command produced: ``tables`` for people, ``records`` for CSV, ``to_json()`` for JSON."""

    title: str | None
    tables: list[Table]
    records: Table
    problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        raise NotImplementedError

    def narrative(self, options: Options) -> Narrative:
        """The report as text: by default each table row as one line of "header: value"."""
        return tables_narrative(self, options)

    def trends(self) -> ComputeResult | None:
        """The rows whose rates can be drawn over time, when the report has any."""
        return None

    def target_results(self) -> TargetsResult | None:
        """The targets checked, when the report is about targets."""
        return None


def tables_narrative(report: Report, options: Options) -> Narrative:
    """Reports that are only tables (validate, metrics): each row as one line of "header: value"."""
    lang = options.lang
    narrative = Narrative(report.title or (report.tables[0].title if report.tables else ""), prose=False)
    for table in report.tables:
        lines = [
            "; ".join(
                f"{c.header}: {cell_text(c.kind, v, options.precision, lang)}"
                for c, v in zip(table.columns, row, strict=True)
                if v is not None and v != ""
            )
            for row in table.rows
        ]
        empty = text("no_problems", lang) if table.name == "problems" else no_data(lang)
        heading = None if table.title == narrative.title else table.title
        narrative.sections.append(Section(heading, lines, "list") if lines else Section(heading, [empty]))
    return narrative


def label(key: str, lang: str, table: dict[str, tuple[str, str]] = HEADERS) -> str:
    """A label of ``table`` (vi, en) in the language chosen."""
    return word(table, key, lang)


def number(value: Fraction | None) -> float | None:
    """A rate or number for JSON: a plain float, null for no data."""
    return None if value is None else float(value)


def envelope(kind: str) -> dict[str, Any]:
    return {"schema": f"parcalc/{kind}/1", "version": __version__}


def key_columns(lang: str) -> list[Column]:
    return [Column(k, label(k, lang)) for k in ("period", "level", "unit_name")]


def key_cells(row: RowResult, lang: str) -> list[Cell]:
    if row.level is None and row.unit is None:  # a total over levels and units
        return [row.period.label, label("total", lang), None]
    return [row.period.label, row.level, row.unit_name or row.unit]


def field_label(field_id: str, lang: str) -> str:
    f = FIELD_BY_ID[field_id]
    return pick((f.vi, f.en), lang)


def problems_table(problems: Sequence[Problem], lang: str) -> Table:
    rows: list[list[Cell]] = [[p.severity, p.code, p.where(), p.message(lang)] for p in problems]
    return Table(
        "problems",
        label("problems", lang),
        [Column(k, label(k, lang)) for k in ("severity", "code", "where", "message")],
        rows,
    )


def metric_column(registry: Registry, metric_id: str, lang: str) -> Column:
    metric = registry[metric_id]
    return Column(metric_id, metric.label(lang), "rate" if metric.is_rate else "number")
