"""Server-rendered SVG line charts for the dashboard.

The page's content security policy forbids inline scripts and styles, so charts are plain SVG
with classes (colours in ``static/insight/insight.css``). They do not rely on colour: each
series has its own marker shape (circle, square, triangle) and line pattern (solid, dashed,
dotted), the legend repeats both with the series name, and every figure has a data table beside
it. A missing or suppressed value leaves a gap in the line and its status symbol on the axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from losen.domain import indicators as ind
from losen.domain.indicators.harmonise import NO_NUMBER

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 16, 44
SERIES = ("m", "g", "c")


@dataclass(frozen=True)
class Series:
    """One line: its role (``m`` municipality, ``g`` group, ``c`` country) and name."""

    role: str
    name: str


def number(obs: ind.Observation | None) -> Decimal | None:
    if obs is None or obs.value is None or obs.status in NO_NUMBER:
        return None
    return obs.value


def _nice_top(value: Decimal) -> Decimal:
    """A round number at or above *value* for the top of the axis (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for step in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        top = step.scaleb(exponent)
        if top >= value:
            return top
    return Decimal(10).scaleb(exponent)


def _marker(role: str, x: float, y: float) -> str:
    css = f"insight-chart__marker insight-chart__marker--{role}"
    if role == "m":
        return f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="5"/>'
    if role == "g":
        return f'<rect class="{css}" x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9"/>'
    points = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y + 4.5:.1f} {x - 6:.1f},{y + 4.5:.1f}"
    return f'<polygon class="{css}" points="{points}"/>'


def legend_icon(role: str) -> SafeString:
    """A small SVG showing a series' line pattern and marker, for the legend."""
    return mark_safe(  # noqa: S308 -- built from fixed markup and numbers only
        '<svg class="insight-legend__icon" width="36" height="14" viewBox="0 0 36 14" '
        'aria-hidden="true" focusable="false">'
        f'<line class="insight-chart__line insight-chart__line--{role}" '
        'x1="2" y1="7" x2="34" y2="7"/>'
        f"{_marker(role, 18, 7)}</svg>"
    )


def line_chart(
    comparison: ind.Comparison,
    series: Sequence[Series],
    *,
    label: str,
    format_value,
) -> SafeString:
    """Draw the municipality, group and country over the comparison's periods.

    Args:
        comparison: From :func:`losen.domain.indicators.compare`.
        series: Which roles to draw and their names.
        label: The accessible name of the chart.
        format_value: Formats a Decimal for the axis and the point titles.
    """
    points = comparison.points
    periods = [p.period for p in points]
    values = [
        number(getattr(p, {"m": "municipality", "g": "group", "c": "country"}[s.role]))
        for p in points
        for s in series
    ]
    numbers = [v for v in values if v is not None]
    top = _nice_top(max(numbers)) if numbers else Decimal(1)
    bottom = min(Decimal(0), min(numbers)) if numbers else Decimal(0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(i: int) -> float:
        return LEFT + (plot_w / 2 if len(periods) == 1 else plot_w * i / (len(periods) - 1))

    def y_of(v: Decimal) -> float:
        return TOP + plot_h * float((top - v) / (top - bottom))

    parts = [
        f'<svg class="insight-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" focusable="false">'
    ]
    for k in range(5):
        v = bottom + (top - bottom) * k / 4
        y = y_of(v)
        parts.append(
            f'<line class="insight-chart__grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y:.1f}"/><text class="insight-chart__tick" x="{LEFT - 8}" y="{y + 4:.1f}" '
            f'text-anchor="end" aria-hidden="true">{escape(format_value(v))}</text>'
        )
    for i, period in enumerate(periods):
        parts.append(
            f'<text class="insight-chart__tick" x="{x_of(i):.1f}" y="{HEIGHT - BOTTOM + 20}" '
            f'text-anchor="middle" aria-hidden="true">{escape(period)}</text>'
        )
    for s in series:
        attribute = {"m": "municipality", "g": "group", "c": "country"}[s.role]
        segment: list[str] = []
        segments: list[list[str]] = []
        markers: list[str] = []
        for i, point in enumerate(points):
            obs = getattr(point, attribute)
            v = number(obs)
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                if obs is not None and obs.status:
                    offset = {"m": 0, "g": 11, "c": 22}[s.role]
                    markers.append(
                        f'<text class="insight-chart__status insight-chart__status--{s.role}" '
                        f'x="{x_of(i):.1f}" y="{HEIGHT - BOTTOM - 4 - offset}" '
                        f'text-anchor="middle">{escape(obs.status)}'
                        f"<title>{escape(s.name)} {escape(point.period)}: "
                        f"{escape(obs.status)}</title></text>"
                    )
                continue
            x, y = x_of(i), y_of(v)
            segment.append(f"{x:.1f},{y:.1f}")
            markers.append(
                f"<g>{_marker(s.role, x, y)}<title>{escape(s.name)} {escape(point.period)}: "
                f"{escape(format_value(v))}</title></g>"
            )
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                parts.append(
                    f'<polyline class="insight-chart__line insight-chart__line--{s.role}" '
                    f'points="{" ".join(seg)}"/>'
                )
        parts.extend(markers)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text part is escaped above


def demand_chart(projection: ind.DemandProjection, *, format_value) -> SafeString:
    """Demand (solid line, circles) against capacity (dashed line, squares) by year."""
    years = projection.years
    top = _nice_top(max(max(y.demand for y in years), max(y.capacity for y in years)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(i: int) -> float:
        return LEFT + plot_w * i / max(len(years) - 1, 1)

    def y_of(v: Decimal) -> float:
        return TOP + plot_h * float((top - v) / top)

    parts = [
        f'<svg class="insight-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(_demand_label(projection))}" focusable="false">'
    ]
    for k in range(5):
        v = top * k / 4
        y = y_of(v)
        parts.append(
            f'<line class="insight-chart__grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y:.1f}"/><text class="insight-chart__tick" x="{LEFT - 8}" y="{y + 4:.1f}" '
            f'text-anchor="end" aria-hidden="true">{escape(format_value(v))}</text>'
        )
    step = 1 if len(years) <= 8 else 2
    for i, year in enumerate(years):
        if i % step == 0 or i == len(years) - 1:
            parts.append(
                f'<text class="insight-chart__tick" x="{x_of(i):.1f}" y="{HEIGHT - BOTTOM + 20}" '
                f'text-anchor="middle" aria-hidden="true">{year.year}</text>'
            )
    for role, attribute in (("g", "capacity"), ("m", "demand")):
        points = [(x_of(i), y_of(getattr(y, attribute))) for i, y in enumerate(years)]
        parts.append(
            f'<polyline class="insight-chart__line insight-chart__line--{role}" '
            f'points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}"/>'
        )
        for (x, y), year in zip(points, years, strict=True):
            parts.append(
                f"<g>{_marker(role, x, y)}<title>{year.year}: "
                f"{escape(format_value(getattr(year, attribute)))}</title></g>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- numbers and escaped text only


def _demand_label(projection: ind.DemandProjection) -> str:
    first, last = projection.years[0].year, projection.years[-1].year
    return f"Linjediagram: behov og kapasitet {first}–{last}. Tallene står i tabellen."
