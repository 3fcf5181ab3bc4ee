"""Trajectory charts as server-rendered SVG (no script, no inline style: CSP-safe).

The marks come from :func:`losen.domain.careplan.trajectory`: bands are shaded, the clinical
cut-off is a dashed line, points with reliable improvement or deterioration (from the first
measurement) get their own shape, and points that crossed the cut-off are ringed. The same
facts are in the data table under the chart, so nothing is told by colour or shape alone.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from losen.domain.careplan import Trajectory

WIDTH = 640
HEIGHT = 260
LEFT = 44
RIGHT = 16
TOP = 12
BOTTOM = 36


def _n(value: float) -> str:
    return f"{value:.1f}"


def trajectory_svg(trajectory: Trajectory, name: str, chart_id: str) -> SafeString:
    """Return the SVG of one trajectory; ``chart_id`` makes the title and desc ids unique."""
    lowest = min((b[2] for b in trajectory.bands), default=0)
    highest = max((b[3] for b in trajectory.bands), default=1)
    span = max(highest - lowest, 1)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    points = trajectory.points

    def y_of(value: float) -> float:
        return TOP + plot_h - (value - lowest) / span * plot_h

    def x_of(index: int) -> float:
        if len(points) <= 1:
            return LEFT + plot_w / 2
        return LEFT + index * plot_w / (len(points) - 1)

    parts: list[str] = []
    for index, (_code, label, low, high) in enumerate(trajectory.bands):
        top = y_of(high + 0.5 if high < highest else high)
        bottom = y_of(low - 0.5 if low > lowest else low)
        parts.append(
            format_html(
                '<rect class="losen-chart__band losen-chart__band--{}" x="{}" y="{}" '
                'width="{}" height="{}"><title>{}</title></rect>',
                index % 5,
                LEFT,
                _n(top),
                plot_w,
                _n(bottom - top),
                f"{label} ({low}–{high})",
            )
        )
        parts.append(
            format_html(
                '<text class="losen-chart__tick" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT - 6,
                _n(y_of(low) - 2),
                low,
            )
        )
    if trajectory.clinical_cutoff is not None:
        y = y_of(trajectory.clinical_cutoff)
        parts.append(
            format_html(
                '<line class="losen-chart__cutoff" x1="{}" x2="{}" y1="{}" y2="{}"/>',
                LEFT,
                LEFT + plot_w,
                _n(y),
                _n(y),
            )
        )
    if len(points) > 1:
        path = " ".join(f"{x_of(i):.1f},{y_of(p.total):.1f}" for i, p in enumerate(points))
        parts.append(format_html('<polyline class="losen-chart__line" points="{}"/>', path))
    for index, point in enumerate(points):
        x, y = x_of(index), y_of(point.total)
        if point.reliable_improvement:
            kind, label = "better", _("pålitelig bedring")
        elif point.reliable_deterioration:
            kind, label = "worse", _("pålitelig forverring")
        else:
            kind, label = "same", _("ingen pålitelig endring")
        title = f"{point.taken_on.isoformat()}: {point.total:g} ({point.band_label}; {label})"
        if kind == "worse":
            shape = format_html(
                '<rect class="losen-chart__point losen-chart__point--worse" x="{}" '
                'y="{}" width="10" height="10"><title>{}</title></rect>',
                _n(x - 5),
                _n(y - 5),
                title,
            )
        else:
            shape = format_html(
                '<circle class="losen-chart__point losen-chart__point--{}" cx="{}" '
                'cy="{}" r="5"><title>{}</title></circle>',
                kind,
                _n(x),
                _n(y),
                title,
            )
        parts.append(shape)
        if point.crossed_cutoff:
            parts.append(
                format_html(
                    '<circle class="losen-chart__crossed" cx="{}" cy="{}" r="9"/>', _n(x), _n(y)
                )
            )
        parts.append(
            format_html(
                '<text class="losen-chart__tick" x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(x),
                HEIGHT - 12,
                point.taken_on.strftime("%d.%m.%y"),
            )
        )
    description = _(
        "%(name)s: %(count)s målinger. Skyggelagte felt er båndene, stiplet linje er klinisk "
        "grense. Sirkel med fyll: pålitelig bedring; firkant: pålitelig forverring; ring rundt "
        "punktet: krysset klinisk grense. Tallene står i tabellen under."
    ) % {"name": name, "count": len(points)}
    head = format_html(
        '<svg class="losen-chart" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-tittel {}-beskrivelse" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-tittel">{}</title><desc id="{}-beskrivelse">{}</desc>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        _("Forløp for %(name)s") % {"name": name},
        chart_id,
        description,
    )
    return mark_safe(head + "".join(str(p) for p in parts) + "</svg>")  # noqa: S308 - every part escaped above
