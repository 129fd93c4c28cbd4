"""Server-rendered SVG plots: history, forecast and its 80 % range, readable at 360 px.

No JavaScript and no build step: the page gets one ``<svg>`` per plot, scaled to the width of
the screen (``viewBox``), with a title and a description for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 30, 8, 12, 22


@dataclass(frozen=True)
class Point:
    week: date
    units: float


@dataclass(frozen=True)
class Ahead:
    week: date
    expected: float
    low: float
    high: float


def forecast_svg(
    history: list[Point], ahead: list[Ahead], *, title: str, description: str, labels: dict
) -> Markup:
    """History as a line with dots, the forecast dashed, its 80 % range a band. ``labels``:
    translated "history", "forecast", "range"."""
    weeks = [p.week for p in history] + [a.week for a in ahead]
    if not weeks:
        return Markup("")
    top = max([p.units for p in history] + [a.high for a in ahead] + [1.0])
    top = _nice(top)
    count = len(weeks)

    def x(index: int) -> float:
        span = WIDTH - LEFT - RIGHT
        return LEFT + (span * index / (count - 1) if count > 1 else span / 2)

    def y(units: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - units / top)

    parts = [
        f'<svg class="plot" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
        # Axes: 0 and the top, the first and last week.
        f'<line x1="{LEFT}" y1="{y(0):.1f}" x2="{WIDTH - RIGHT}" y2="{y(0):.1f}" '
        f'stroke="#999" stroke-width="1"/>',
        f'<text x="{LEFT - 4}" y="{y(top) + 4:.1f}" text-anchor="end" font-size="10">'
        f"{_number(top)}</text>",
        f'<text x="{LEFT - 4}" y="{y(0) + 4:.1f}" text-anchor="end" font-size="10">0</text>',
        f'<text x="{LEFT}" y="{HEIGHT - 6}" font-size="10">{weeks[0]:%m-%d}</text>',
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" text-anchor="end" font-size="10">'
        f"{weeks[-1]:%m-%d}</text>",
    ]
    start = len(history)
    if ahead:
        band = [(x(start + i), y(a.high)) for i, a in enumerate(ahead)] + [
            (x(start + i), y(a.low)) for i, a in reversed(list(enumerate(ahead)))
        ]
        if len(ahead) == 1:
            (hx, hy), (lx, ly) = band
            band = [(hx - 4, hy), (hx + 4, hy), (lx + 4, ly), (lx - 4, ly)]
        parts.append(
            f'<polygon points="{_points(band)}" fill="#f4a26155" stroke="none">'
            f"<title>{escape(labels['range'])}</title></polygon>"
        )
    if history:
        line = [(x(i), y(p.units)) for i, p in enumerate(history)]
        parts.append(
            f'<polyline points="{_points(line)}" fill="none" stroke="#2a6f97" stroke-width="2">'
            f"<title>{escape(labels['history'])}</title></polyline>"
        )
    if ahead:
        joined = ([(x(start - 1), y(history[-1].units))] if history else []) + [
            (x(start + i), y(a.expected)) for i, a in enumerate(ahead)
        ]
        parts.append(
            f'<polyline points="{_points(joined)}" fill="none" stroke="#d1495b" '
            f'stroke-width="2" stroke-dasharray="5 3">'
            f"<title>{escape(labels['forecast'])}</title></polyline>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in points)


def _nice(value: float) -> float:
    """A round top for the axis: 1, 2, 5 × 10ⁿ at or above ``value``."""
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return step * factor
    return value


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 1 else f"{value:.1f}"


def lines_svg(
    series: dict[str, list[tuple[date, float]]], *, title: str, colours: tuple[str, ...]
) -> Markup:
    """A few lines over the same weeks (oldest left), each labelled in a legend below."""
    weeks = sorted({week for points in series.values() for week, _ in points})
    if not weeks:
        return Markup("")
    top = _nice(max([v for points in series.values() for _, v in points] + [1.0]))
    index = {week: i for i, week in enumerate(weeks)}
    legend = 14 * len(series)

    def x(i: int) -> float:
        span = WIDTH - LEFT - RIGHT
        return LEFT + (span * i / (len(weeks) - 1) if len(weeks) > 1 else span / 2)

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)

    parts = [
        f'<svg class="plot" viewBox="0 0 {WIDTH} {HEIGHT + legend}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{y(0):.1f}" x2="{WIDTH - RIGHT}" y2="{y(0):.1f}" '
        f'stroke="#999" stroke-width="1"/>',
        f'<text x="{LEFT - 4}" y="{y(top) + 4:.1f}" text-anchor="end" font-size="10">'
        f"{_number(top)}</text>",
        f'<text x="{LEFT - 4}" y="{y(0) + 4:.1f}" text-anchor="end" font-size="10">0</text>',
        f'<text x="{LEFT}" y="{HEIGHT - 6}" font-size="10">{weeks[0]:%m-%d}</text>',
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" text-anchor="end" font-size="10">'
        f"{weeks[-1]:%m-%d}</text>",
    ]
    for n, ((label, points), colour) in enumerate(zip(series.items(), colours, strict=False)):
        line = [(x(index[week]), y(value)) for week, value in sorted(points)]
        parts.append(
            f'<polyline points="{_points(line)}" fill="none" stroke="{colour}" '
            f'stroke-width="2"><title>{escape(label)}</title></polyline>'
        )
        ly = HEIGHT + 10 + 14 * n
        parts.append(
            f'<line x1="{LEFT}" y1="{ly - 4}" x2="{LEFT + 16}" y2="{ly - 4}" stroke="{colour}" '
            f'stroke-width="2"/><text x="{LEFT + 22}" y="{ly}" font-size="11">{escape(label)}'
            f"</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
