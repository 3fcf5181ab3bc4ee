"""Server-rendered SVG charts of self-assessment results, each shown with its data table.

As in the other modules' charts: no script and no inline style (the content security policy
forbids both); colours are SVG presentation attributes with at least 3:1 contrast against white
(WCAG 2.1 1.4.11), segments are parted by white gaps and carry their own ``<title>``, and the
legend and the table beside the chart say the same in words, so colour is never the only carrier.
"""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

#: Status -> colour (the order is the order of the segments).
COLOURS = {
    "oppfylt": "#2e6b38",
    "delvis": "#9a6700",
    "ikke-oppfylt": "#a3401c",
    "ikke-relevant": "#5c5c5c",
}
LABEL_W, BAR_W, ROW_H = 240, 400, 28


def _svg(title: str, width: int, height: int, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every text part is escaped by format_html or escape
        f'<svg class="losen-chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _clip(text: str, n: int = 34) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def status_bars(
    title: str, rows: list[tuple[str, dict[str, int]]], labels: dict[str, str]
) -> SafeString:
    """One bar per row, one segment per status, as a share of the row's answered points."""
    body: list[str] = []
    y = 8
    for name, counts in rows:
        total = sum(counts.get(status, 0) for status in COLOURS)
        body.append(
            format_html(
                '<text x="0" y="{}" font-size="13" fill="#1a1a1a">{}</text>', y + 17, _clip(name)
            )
        )
        x = float(LABEL_W)
        for status, colour in COLOURS.items():
            count = counts.get(status, 0)
            if not total or not count:
                continue
            width = count / total * BAR_W
            body.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="20" fill="{}" stroke="#ffffff" '
                    'stroke-width="2"><title>{}: {}</title></rect>',
                    f"{x:.1f}",
                    y + 3,
                    f"{width:.1f}",
                    colour,
                    labels[status],
                    count,
                )
            )
            x += width
        y += ROW_H
    return _svg(title, LABEL_W + BAR_W + 20, y + 8, body)


def share_columns(title: str, points: list[tuple[str, float | None]]) -> SafeString:
    """One column per assessment, oldest first: the share met, 0–100 %."""
    height, top, bottom, left, step = 220, 12, 40, 44, 90
    plot = height - top - bottom
    body: list[str] = []
    for tick in (0, 50, 100):
        y = top + plot * (1 - tick / 100)
        body.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#8c8c8c" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="11" fill="#1a1a1a" text-anchor="end">{} %</text>',
                left,
                f"{y:.1f}",
                left + step * max(len(points), 1),
                f"{y:.1f}",
                left - 6,
                f"{y + 4:.1f}",
                tick,
            )
        )
    for index, (label, share) in enumerate(points):
        x = left + index * step + 20
        if share is not None:
            h = plot * share
            body.append(
                format_html(
                    '<rect x="{}" y="{}" width="50" height="{}" fill="#1f5f99">'
                    "<title>{}: {} %</title></rect>",
                    x,
                    f"{top + plot - h:.1f}",
                    f"{h:.1f}",
                    label,
                    round(100 * share),
                )
            )
        body.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" fill="#1a1a1a" text-anchor="middle">{}</text>',
                x + 25,
                height - bottom + 16,
                _clip(label, 14),
            )
        )
    return _svg(title, left + step * max(len(points), 1) + 10, height, body)
