"""Server-rendered SVG charts: no script, no inline style, a data table always beside them.

Colours use SVG presentation attributes (allowed by the content security policy) and have at
least 3:1 contrast against white (WCAG 2.1 1.4.11); segments are also separated by white
gaps and named in the legend and the table, so colour is never the only carrier.
"""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

COLOURS = {"nytte": "#1f5f99", "alvorlighet": "#a3401c", "ressurs": "#2e6b38"}
LABEL_W = 230
BAR_W = 420
ROW_H = 28


def _svg(title: str, height: int, body: list[str], width: int = LABEL_W + BAR_W + 60) -> SafeString:
    return mark_safe(  # noqa: S308 - every text part below is escaped
        f'<svg class="losen-chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _clip(text: str, n: int = 32) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def stacked_bars(title: str, rows: list[tuple[str, dict[str, float]]], labels: dict) -> SafeString:
    """One horizontal bar per row, one segment per criterion (values 0..1 summing to ≤ 1)."""
    body = []
    y = 10
    for name, parts in rows:
        body.append(
            format_html(
                '<text x="0" y="{}" font-size="13" fill="#1a1a1a">{}</text>', y + 17, _clip(name)
            )
        )
        x = LABEL_W
        for criterion, value in parts.items():
            w = max(value, 0) * BAR_W
            if w > 0:
                body.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="20" fill="{}" stroke="#ffffff" '
                        'stroke-width="1"><title>{}: {}</title></rect>',
                        f"{x:.1f}",
                        y + 3,
                        f"{w:.1f}",
                        COLOURS[criterion],
                        labels[criterion],
                        f"{value:.2f}",
                    )
                )
            x += w
        body.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" fill="#1a1a1a">{}</text>',
                f"{x + 6:.1f}",
                y + 17,
                f"{sum(parts.values()):.2f}",
            )
        )
        y += ROW_H
    lx = LABEL_W
    for criterion, label in labels.items():
        body.append(
            format_html(
                '<rect x="{}" y="{}" width="14" height="14" fill="{}"/>'
                '<text x="{}" y="{}" font-size="12" fill="#1a1a1a">{}</text>',
                lx,
                y + 8,
                COLOURS[criterion],
                lx + 18,
                y + 20,
                label,
            )
        )
        lx += 130
    return _svg(title, y + 30, body)


def intervals(title: str, rows: list[tuple[str, float, float, float]]) -> SafeString:
    """A 0–100 % track per row with a shaded interval [low, high] and a mark at the current."""
    body = []
    y = 10
    for name, low, high, current in rows:
        body.append(
            format_html(
                '<text x="0" y="{}" font-size="13" fill="#1a1a1a">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="8" fill="#d9d9d9"/>'
                '<rect x="{}" y="{}" width="{}" height="14" fill="#1f5f99"/>'
                '<rect x="{}" y="{}" width="3" height="22" fill="#1a1a1a"/>',
                y + 17,
                _clip(name),
                LABEL_W,
                y + 9,
                BAR_W,
                f"{LABEL_W + low * BAR_W:.1f}",
                y + 6,
                f"{max((high - low) * BAR_W, 2):.1f}",
                f"{LABEL_W + current * BAR_W - 1:.1f}",
                y + 2,
            )
        )
        y += ROW_H
    for tick in (0, 25, 50, 75, 100):
        body.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" fill="#1a1a1a" '
                'text-anchor="middle">{} %</text>',
                LABEL_W + tick / 100 * BAR_W,
                y + 12,
                tick,
            )
        )
    return _svg(title, y + 20, body)


def bars(title: str, rows: list[tuple[str, float]]) -> SafeString:
    """Simple horizontal bars for shares 0..1."""
    body = []
    y = 10
    for name, share in rows:
        body.append(
            format_html(
                '<text x="0" y="{}" font-size="13" fill="#1a1a1a">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="20" fill="#1f5f99"/>'
                '<text x="{}" y="{}" font-size="12" fill="#1a1a1a">{} %</text>',
                y + 17,
                _clip(name),
                LABEL_W,
                y + 3,
                f"{share * BAR_W:.1f}",
                f"{LABEL_W + share * BAR_W + 6:.1f}",
                y + 17,
                round(100 * share),
            )
        )
        y += ROW_H
    return _svg(title, y + 10, body)
