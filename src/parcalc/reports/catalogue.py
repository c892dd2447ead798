"""The metric catalogue: id, labels in vi and en, kind and formula of every metric."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parcalc.core.metrics import Metric, Registry
from parcalc.reports.model import Column, Options, Report, Table, envelope, label


@dataclass(frozen=True, kw_only=True)
class CatalogueReport(Report):
    """The metric catalogue: built-in metrics and the data files' own."""

    metrics: tuple[Metric, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            **envelope("metrics"),
            "metrics": [
                {
                    "id": m.id,
                    "label": {"vi": m.vi, "en": m.en},
                    "kind": m.kind,
                    "formula": m.formula(),
                    "numerator": list(m.numerator),
                    "denominator": list(m.denominator),
                    "builtin": m.builtin,
                }
                for m in self.metrics
            ],
        }


def metrics_report(registry: Registry, options: Options) -> CatalogueReport:
    metrics = tuple(registry.values())
    lang = options.lang
    table = Table(
        "metrics",
        label("metrics", lang),
        [Column(k, label(k, lang)) for k in ("id", "label", "formula", "kind")],
        [[m.id, m.label(lang), m.formula(), m.kind] for m in metrics],
    )
    records = Table(
        "metrics",
        "metrics",
        [Column(k, k) for k in ("id", "label_vi", "label_en", "formula", "kind")],
        [[m.id, m.vi, m.en, m.formula(), m.kind] for m in metrics],
    )
    return CatalogueReport(title=None, tables=[table], records=records, metrics=metrics)
