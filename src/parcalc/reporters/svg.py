"""Inline SVG charts for the HTML report, drawn here so that the report needs no script and no network.

Values arrive as fractions (0..1 for rates) with their display text already formatted; every string is
escaped. Colours come from CSS classes in the page, so that the charts print like the rest of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # a class of the page's stylesheet: the colour of the line and its legend swatch
    values: list[float | None]
    shown: list[str]  # each value as the report formats it, for tooltips


def attainment_bar(actual: float | None, goal: float, top: float, status: str, label: str) -> str:
    """A horizontal bar of the actual value with a mark at the target, on a scale from 0 to ``top``."""
    width, height = 300.0, 22.0

    def x(value: float) -> float:
        return round(max(0.0, min(value / top, 1.0)) * width, 1) if top > 0 else 0.0

    parts = [
        f'<svg class="bar {escape(status)}" viewBox="0 0 {width:g} {height:g}" preserveAspectRatio="none" '
        f'role="img" aria-label="{escape(label)}">',
        f'<rect class="track" x="0" y="5" width="{width:g}" height="12" rx="2"/>',
    ]
    if actual is not None:
        parts.append(f'<rect class="fill" x="0" y="5" width="{x(actual):g}" height="12" rx="2"/>')
    goal_x = x(goal)
    parts.append(f'<line class="goal" x1="{goal_x:g}" x2="{goal_x:g}" y1="1" y2="21"/>')
    parts.append(f"<title>{escape(label)}</title></svg>")
    return "".join(parts)


def _segments(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points: a period without data breaks the line instead of bridging it."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [r for r in runs if r]


def line_chart(x_labels: list[str], series: list[Series], y_ticks: list[tuple[float, str]], title: str) -> str:
    """Rates over periods on a fixed 0..1 scale, one line per series, a dot per value with its tooltip."""
    width, height = 640.0, 240.0
    left, right, top, bottom = 52.0, 16.0, 12.0, 36.0
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(x_labels)

    def px(i: int) -> float:
        return round(left + (plot_w * (i + 0.5) / n), 1)

    def py(value: float) -> float:
        return round(top + plot_h * (1 - max(0.0, min(value, 1.0))), 1)

    parts = [
        f'<svg class="trend" viewBox="0 0 {width:g} {height:g}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for value, text in y_ticks:
        y = py(value)
        parts.append(f'<line class="grid" x1="{left:g}" x2="{width - right:g}" y1="{y:g}" y2="{y:g}"/>')
        parts.append(f'<text class="tick" x="{left - 6:g}" y="{y + 4:g}" text-anchor="end">{escape(text)}</text>')
    step = max(1, -(-n // 12))  # at most 12 period labels, so that they never overlap
    for i, text in enumerate(x_labels):
        if i % step == 0 or i == n - 1:
            y = height - bottom + 18
            parts.append(f'<text class="tick" x="{px(i):g}" y="{y:g}" text-anchor="middle">{escape(text)}</text>')
    for s in series:
        points = [None if v is None else (px(i), py(v)) for i, v in enumerate(s.values)]
        for run in _segments(points):
            coords = " ".join(f"{x:g},{y:g}" for x, y in run)
            parts.append(f'<polyline class="line {escape(s.css)}" points="{coords}"/>')
        for i, point in enumerate(points):
            if point is not None:
                tip = f"{s.name}, {x_labels[i]}: {s.shown[i]}"
                parts.append(
                    f'<circle class="dot {escape(s.css)}" cx="{point[0]:g}" cy="{point[1]:g}" r="3.5">'
                    f"<title>{escape(tip)}</title></circle>"
                )
    parts.append("</svg>")
    return "".join(parts)
