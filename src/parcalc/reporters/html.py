"""HTML: one self-contained page to read, mail or print to PDF.

The summary paragraphs, target attainment bars (for a targets report), trend charts of the main rates
where a unit has several periods of one length, and the tables. Styles and charts are inline: the page
loads nothing from the network and runs no script. Everything that comes from the data is escaped, and
text cells are also made inert for spreadsheets (Excel runs "=..." when it opens an HTML table).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction
from html import escape

from parcalc import __version__
from parcalc.analysis.calc import ComputeResult, RowResult
from parcalc.core.formatting import cell_text, format_rate, neutralise_formula, no_data_legend
from parcalc.reporters.svg import Series, attainment_bar, line_chart
from parcalc.reports.model import Narrative, Options, Report, Table
from parcalc.reports.narrative import against, result_scope, subject, target_heading
from parcalc.reports.words import period_phrase, short_period, text
from parcalc.targets.check import TargetResult, TargetsResult

TREND_METRICS = ("on_time_rate", "late_rate", "online_share")
SERIES_CLASSES = ("s1", "s2", "s3")

STYLE = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --head: #eef4fb; --met: #2f855a;
  --missed: #c53030; --s1: #2f855a; --s2: #c53030; --s3: #2b6cb0; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1200px; padding: 24px 32px; line-height: 1.5; font-size: 15px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 28px 0 10px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 18px 0 6px; }
p { margin: 6px 0 10px; text-align: justify; }
.meta, .legend-note { color: var(--muted); font-size: 0.85em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85em; margin: 4px 0 8px; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
th { background: var(--head); text-align: left; font-weight: 600; }
th { min-width: 5.5em; } th.num { text-align: right; }
td.num, td.key { white-space: nowrap; } td.num { text-align: right; }
ul.notes li { margin-bottom: 4px; }
.bar-row { display: grid; grid-template-columns: minmax(180px, 2fr) 3fr minmax(150px, 1.3fr); gap: 12px;
  align-items: center; padding: 4px 0; border-bottom: 1px solid var(--line); break-inside: avoid; }
svg.bar { width: 100%; height: 22px; display: block; }
svg.bar .track { fill: #edf2f7; }
svg.bar.met .fill { fill: var(--met); }
svg.bar.missed .fill { fill: var(--missed); }
svg.bar .goal { stroke: var(--ink); stroke-width: 2; }
.status { font-weight: 600; }
.status.met { color: var(--met); } .status.missed { color: var(--missed); } .status.no_data { color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 16px; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg.trend { width: 100%; height: auto; display: block; }
svg.trend .grid { stroke: var(--line); stroke-width: 1; }
svg.trend .tick { fill: var(--muted); font-size: 11px; }
svg.trend .line { fill: none; stroke-width: 2.2; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 0.85em; margin: 4px 0 0; padding: 0; list-style: none; }
.swatch { display: inline-block; width: 14px; height: 4px; margin-right: 6px; vertical-align: middle; }
.s1 { stroke: var(--s1); fill: var(--s1); background: var(--s1); }
.s2 { stroke: var(--s2); fill: var(--s2); background: var(--s2); }
.s3 { stroke: var(--s3); fill: var(--s3); background: var(--s3); }
polyline.s1, polyline.s2, polyline.s3 { fill: none; }
footer { margin-top: 32px; color: var(--muted); font-size: 0.8em; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .scroll { overflow: visible; }
  table { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr, .bar-row, figure { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .charts { grid-template-columns: 1fr 1fr; }
}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _summary(narrative: Narrative, lang: str) -> list[str]:
    parts = [f'<section class="summary"><h2>{_e(text("summary_heading", lang))}</h2>']
    for section in narrative.sections:
        if section.heading:
            parts.append(f"<h3>{_e(section.heading)}</h3>")
        if section.style == "list":
            items = "".join(f"<li>{_e(p)}</li>" for p in section.paragraphs)
            parts.append(f'<ul class="notes">{items}</ul>')
        else:
            parts.extend(f"<p>{_e(p)}</p>" for p in section.paragraphs)
    parts.append("</section>")
    return parts


def _scale(values: Sequence[float], is_rate: bool) -> float:
    """The bar's full length: 100% for rates unless all values are small, where it would show nothing."""
    highest = max(values, default=0.0)
    if is_rate and highest > 0.4:
        return 1.0
    return highest * 1.25 if highest > 0 else 1.0


def _attainment(checked: TargetsResult, options: Options) -> list[str]:
    if not checked.results:
        return []
    lang = options.lang
    parts = [f'<section class="attainment"><h2>{_e(text("attainment", lang))}</h2>']
    heading = None
    for result in checked.results:
        this_heading = target_heading(result, options)
        if this_heading != heading:
            heading = this_heading
            parts.append(f"<h3>{_e(heading)}</h3>")
        parts.append(_bar_row(result, options))
    parts.append("</section>")
    return parts


def _bar_row(result: TargetResult, options: Options) -> str:
    lang, status, actual = options.lang, result.status, result.check.actual
    scope = result_scope(result, lang)
    shown, _ = against(result.metric, actual, result.threshold, options)
    verdict = text(f"status_{status}", lang)
    goal_value = float(result.threshold)
    actual_value = None if actual is None else float(actual)
    top = _scale([goal_value, actual_value or 0.0], result.metric.is_rate)
    bar = attainment_bar(actual_value, goal_value, top, status, f"{scope}: {shown} ({verdict})")
    return (
        f'<div class="bar-row"><div>{_e(scope)}</div>{bar}'
        f'<div>{_e(shown)} <span class="status {_e(status)}">{_e(verdict)}</span></div></div>'
    )


def _trend_groups(rows: Sequence[RowResult]) -> list[list[RowResult]]:
    """Rows of one level and unit over periods of one length, when there are at least two."""
    groups: dict[tuple[str | None, str | None, int | None, int], list[RowResult]] = defaultdict(list)
    for row in rows:
        groups[(row.level, row.unit, row.period.months, row.period.start_day)].append(row)
    found = []
    for group in groups.values():
        ordered = sorted(group, key=lambda r: (r.period.start, r.period.end))
        if len({r.period for r in ordered}) >= 2:
            found.append(ordered)
    return found


def _trends(result: ComputeResult, options: Options) -> list[str]:
    lang, precision = options.lang, options.precision
    metric_ids = [m for m in TREND_METRICS if m in result.metric_ids and m in result.registry]
    charts = []
    ticks = [(k / 4, format_rate(Fraction(k, 4), 0, lang)) for k in range(5)]
    for group in _trend_groups(result.rows):
        series = []
        for css, metric_id in zip(SERIES_CLASSES, metric_ids, strict=False):
            values = [r.metrics.get(metric_id) for r in group]
            if all(v is None for v in values):
                continue
            name = result.registry[metric_id].label(lang)
            shown = [format_rate(v, precision, lang) for v in values]
            series.append(Series(name, css, [None if v is None else float(v) for v in values], shown))
        if not series:
            continue
        first = group[0]
        who = subject(first.level, first.unit, first.unit_name, lang)
        title = text(
            "trend_title",
            lang,
            subject=who,
            first=period_phrase(first.period, lang),
            last=period_phrase(group[-1].period, lang),
        )
        svg = line_chart([short_period(r.period, lang) for r in group], series, ticks, title)
        legend = "".join(f'<li><span class="swatch {s.css}"></span>{_e(s.name)}</li>' for s in series)
        charts.append(f'<figure><figcaption>{_e(title)}</figcaption>{svg}<ul class="legend">{legend}</ul></figure>')
    if not charts:
        return []
    return [
        f'<section class="trends"><h2>{_e(text("trends", lang))}</h2><div class="charts">',
        *charts,
        "</div></section>",
    ]


def _table(table: Table, options: Options) -> str:
    head = "".join(f'<th class="{"" if c.kind == "text" else "num"}">{_e(c.header)}</th>' for c in table.columns)
    numeric = any(c.kind != "text" for c in table.columns)  # a table of figures keys them by its first columns
    body = []
    for row in table.rows:
        cells = []
        for i, (column, value) in enumerate(zip(table.columns, row, strict=True)):
            shown = cell_text(column.kind, value, options.precision, options.lang)
            if column.kind == "text":
                key = ' class="key"' if i < 3 and numeric else ""
                cells.append(f"<td{key}>{_e(neutralise_formula(shown))}</td>")
            else:
                cells.append(f'<td class="num">{_e(shown)}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<h2>{_e(table.title)}</h2><div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def render(report: Report, options: Options) -> str:
    lang = options.lang
    narrative = report.narrative(options)
    checked, computed = report.target_results(), report.trends()
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="parcalc {_e(__version__)}">',
        f"<title>{_e(narrative.title)}</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{_e(narrative.title)}</h1></header>",
    ]
    # Pictures first: over many periods and units the paragraphs run long, and the charts tell it at once.
    if checked is not None:
        parts += _attainment(checked, options)
    if computed is not None:
        parts += _trends(computed, options)
    if narrative.prose:
        parts += _summary(narrative, lang)
    parts += [_table(t, options) for t in report.tables]
    if any(None in row for t in report.tables for row in t.rows):
        parts.append(f'<p class="legend-note">{_e(no_data_legend(lang))}</p>')
    parts.append(f"<footer>{_e(text('made_by', lang, version=__version__))}</footer></body></html>")
    return "\n".join(parts) + "\n"
