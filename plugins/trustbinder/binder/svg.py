"""Inline SVG charts written by hand: no JavaScript, no chart library, nothing fetched from elsewhere.

Every label is escaped. Colour is never the only signal: each heatmap cell also carries a symbol and a
tooltip, and each bar segment a tooltip; the pages repeat the figures as text next to each chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

COLOURS = {
    "good": "#2e7d32",
    "warn": "#b26a00",
    "bad": "#c62828",
    "info": "#1565c0",
    "muted": "#8a8a8a",
}
HEAT = {
    "covered": ("#2e7d32", "✓"),
    "partial": ("#b26a00", "◐"),
    "missing": ("#c62828", "✗"),
    "pending": ("#9e9e9e", "·"),
}


@dataclass(frozen=True)
class Segment:
    label: str
    value: int
    tone: str  # a key of COLOURS


@dataclass(frozen=True)
class Bar:
    label: str
    segments: Sequence[Segment]


def stacked_bars(title: str, bars: Sequence[Bar], width: int = 640) -> Markup:
    label_width, row, bar_height = 150, 34, 20
    area = width - label_width - 60
    height = row * len(bars) + 10
    parts = [
        f'<svg class="tb-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = 5 + index * row
        total = sum(s.value for s in bar.segments)
        parts.append(
            f'<text x="0" y="{y + bar_height - 5}" fill="currentColor" font-size="13">{escape(bar.label)}</text>'
        )
        x = float(label_width)
        for segment in bar.segments:
            if not segment.value:
                continue
            w = area * segment.value / total
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                f'fill="{COLOURS.get(segment.tone, COLOURS["muted"])}" stroke="#ffffff" stroke-width="1">'
                f"<title>{escape(bar.label)}: {escape(segment.label)} {segment.value}</title></rect>"
            )
            if w >= 24:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + bar_height - 6}" fill="#ffffff" font-size="12" '
                    f'text-anchor="middle">{segment.value}</text>'
                )
            x += w
        if not total:
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{area}" height="{bar_height}" fill="none" '
                f'stroke="{COLOURS["muted"]}"><title>{escape(bar.label)}: none</title></rect>'
            )
        parts.append(
            f'<text x="{label_width + area + 8}" y="{y + bar_height - 5}" fill="currentColor" '
            f'font-size="13">{total}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def heatmap(title: str, rows: Sequence[tuple[str, Sequence[str]]], columns: Sequence[str]) -> Markup:
    """Rows of (label, one state per column); states are keys of HEAT."""
    label_width = min(200, 16 + 8 * max((len(label) for label, _ in rows), default=4))
    cell_w, cell_h, top = 56, 20, 24
    width = label_width + cell_w * len(columns) + 4
    height = top + cell_h * len(rows) + 4
    parts = [
        f'<svg class="tb-heatmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, column in enumerate(columns):
        x = label_width + index * cell_w + cell_w / 2
        parts.append(
            f'<text x="{x:.0f}" y="16" fill="currentColor" font-size="12" text-anchor="middle">{escape(column)}</text>'
        )
    for row_index, (label, states) in enumerate(rows):
        y = top + row_index * cell_h
        parts.append(f'<text x="0" y="{y + 14}" fill="currentColor" font-size="12">{escape(label)}</text>')
        for index, state in enumerate(states):
            colour, symbol = HEAT.get(state, HEAT["pending"])
            x = label_width + index * cell_w
            parts.append(
                f"<g><title>{escape(label)} {escape(columns[index])}: {escape(state)}</title>"
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{colour}"/>'
                f'<text x="{x + cell_w / 2:.0f}" y="{y + 14}" fill="#ffffff" font-size="12" '
                f'text-anchor="middle">{symbol}</text></g>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
