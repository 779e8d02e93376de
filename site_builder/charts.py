"""Static SVG bar charts drawn at build time, each with its data table beside it.

No script, no external font or stylesheet, no inline ``style`` (the service's CSP forbids it).
Text uses ``currentColor`` and the page's font, so the charts follow the theme (light or dark),
and they scale to any width through their ``viewBox``. Every chart is ``role="img"`` named by its
``<title>`` and described by its ``<desc>``; the table next to it carries the same numbers for
screen readers and for copying.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 440  # viewBox units; the SVG scales to its container (CHART_CSS caps it on wide screens)
# 17 units: at 360 px the chart is ~330 px wide for a 440-unit viewBox, so 17 units stay >= 12 px on screen.
FONT = 17
TARGET_COLOUR = "#607d8b"  # blue grey, 4.4:1 on white
REALISED_COLOUR = "#1565c0"  # blue, 5.8:1 on white
REFERENCE_COLOUR = "#c62828"


# The charts' stylesheet, shipped as a file of the site (CSP: no inline style).
CHART_CSS = """/* Dashboard charts (site_builder/charts.py): chart and table side by side when there is room. */
.pokja-chart { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: flex-start; margin: 0 0 1.5em; }
.pokja-chart__figure { flex: 1 1 16rem; max-width: 28rem; min-width: 0; }
.pokja-chart .pokja-listing { flex: 1 1 20rem; min-width: 0; }
.pokja-chart-svg { display: block; width: 100%; height: auto; }
.md-typeset .pokja-chart-table caption { text-align: left; font-weight: 700; padding: 0 0 .3em; }
.md-typeset .pokja-chart-table { font-size: .68rem; }
"""
CHART_CSS_PATH = "assets/pokja/dasbor.css"


def stylesheet_link(page_url: str) -> str:
    """A raw-HTML block linking CHART_CSS from a page at ``page_url`` (a site URL with directory URLs)."""
    depth = len([p for p in page_url.split("/") if p])
    return f'<div class="pokja-chart-style"><link rel="stylesheet" href="{"../" * depth}{CHART_CSS_PATH}"></div>'


def esc(text: object) -> str:
    """HTML/XML-escaped text."""
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class YearBars:
    """One year's pair of bars: target and realisation (None: not reported yet)."""

    year: int
    target: float | None
    realization: float | None


def _svg_open(chart_id: str, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pokja-chart-svg" id="{esc(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-labelledby="{esc(chart_id)}-title {esc(chart_id)}-desc" '
        f'font-size="{FONT}">'
        f'<title id="{esc(chart_id)}-title">{esc(title)}</title>'
        f'<desc id="{esc(chart_id)}-desc">{esc(desc)}</desc>'
    )


def _legend(y: int, items: Sequence[tuple[str, str]]) -> str:
    parts, x = [], 0
    for colour, label in items:
        parts.append(f'<rect x="{x}" y="{y - 11}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 17}" y="{y}" fill="currentColor">{esc(label)}</text>')
        x += 30 + int(len(label) * FONT * 0.55)
    return "".join(parts)


def year_bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[YearBars],
    fmt: Callable[[float], str],
    labels: dict[str, str],
) -> str:
    """Grouped bars per year, target beside realisation; ``labels`` has target, realization, not_reported."""
    height = 260
    top, bottom, left = 46, 30, 4
    plot_h = height - top - bottom
    values = [v for b in bars for v in (b.target, b.realization) if v is not None]
    peak = max(values, default=0.0) or 1.0
    scale = plot_h / (peak * 1.15)
    group = (WIDTH - left) / max(len(bars), 1)
    bar_w = min(group * 0.36, 70.0)
    # value labels only where they fit above their bar (the table has every number anyway)
    widest = max((len(fmt(v)) for v in values), default=0) * FONT * 0.56
    show_values = widest <= bar_w + 3
    parts = [_svg_open(chart_id, height, title, desc)]
    parts.append(_legend(16, [(TARGET_COLOUR, labels["target"]), (REALISED_COLOUR, labels["realization"])]))
    base_y = top + plot_h
    parts.append(f'<line x1="0" y1="{base_y}" x2="{WIDTH}" y2="{base_y}" stroke="currentColor" stroke-opacity="0.5"/>')
    for i, b in enumerate(bars):
        centre = left + group * i + group / 2
        for offset, value, colour in ((-bar_w - 2, b.target, TARGET_COLOUR), (2, b.realization, REALISED_COLOUR)):
            x = centre + offset
            if value is None:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{base_y - 6}" text-anchor="middle" '
                    f'font-size="{FONT}" fill="currentColor">{esc(labels["not_reported_short"])}</text>'
                )
                continue
            h = value * scale
            parts.append(
                f'<rect x="{x:.1f}" y="{base_y - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}"/>'
            )
            if show_values:
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{base_y - h - 5:.1f}" text-anchor="middle" '
                    f'font-size="{FONT}" fill="currentColor">{esc(fmt(value))}</text>'
                )
        parts.append(
            f'<text x="{centre:.1f}" y="{height - 8}" text-anchor="middle" fill="currentColor">{b.year}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def ranking_chart(
    chart_id: str,
    title: str,
    desc: str,
    items: Sequence[tuple[str, float | None]],
    fmt_pct: Callable[[float], str],
    not_reported: str,
) -> str:
    """Horizontal bars of achievement % per region, in the given order, with a line at 100 %."""
    row_h = 46
    top = 8
    height = top + row_h * max(len(items), 1) + 22
    values = [v for _, v in items if v is not None]
    peak = max([100.0, *values]) * 1.12
    scale = (WIDTH - 85) / peak
    parts = [_svg_open(chart_id, height, title, desc)]
    for i, (label, value) in enumerate(items):
        y = top + row_h * i
        parts.append(f'<text x="0" y="{y + 15}" fill="currentColor">{esc(label)}</text>')
        if value is None:
            parts.append(f'<text x="0" y="{y + 36}" font-size="{FONT}" fill="currentColor">{esc(not_reported)}</text>')
            continue
        w = value * scale
        parts.append(f'<rect x="0" y="{y + 21}" width="{w:.1f}" height="16" fill="{REALISED_COLOUR}"/>')
        parts.append(
            f'<text x="{w + 5:.1f}" y="{y + 34}" font-size="{FONT}" fill="currentColor">{esc(fmt_pct(value))}</text>'
        )
    line_x = 100 * scale
    bottom = top + row_h * max(len(items), 1)
    parts.append(
        f'<line x1="{line_x:.1f}" y1="{top}" x2="{line_x:.1f}" y2="{bottom}" stroke="{REFERENCE_COLOUR}" '
        f'stroke-dasharray="4 3"/>'
    )
    parts.append(
        f'<text x="{line_x:.1f}" y="{bottom + 16}" text-anchor="middle" font-size="{FONT}" '
        f'fill="currentColor">{esc(fmt_pct(100.0))}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def data_table(
    caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool], table_id: str = ""
) -> str:
    """An accessible table: caption, column headers, the first cell of each row a row header.

    Cells are HTML: the caller escapes text (and may pass links).
    """
    ident = f' id="{esc(table_id)}"' if table_id else ""
    num_cls = ' class="pokja-num"'
    head = "".join(
        f'<th scope="col"{num_cls if num else ""}>{esc(h)}</th>' for h, num in zip(headers, numeric, strict=True)
    )
    body = []
    for row in rows:
        cells = []
        for j, (value, num) in enumerate(zip(row, numeric, strict=True)):
            cls = num_cls if num else ""
            tag = "th" if j == 0 else "td"
            scope = ' scope="row"' if j == 0 else ""
            cells.append(f"<{tag}{scope}{cls}>{value}</{tag}>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="pokja-table pokja-chart-table"{ident}><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def chart_block(svg: str, table: str) -> str:
    """The chart, then its table: one raw-HTML block without blank lines, no inline style (CSP)."""
    return (
        f'<div class="pokja-chart"><div class="pokja-chart__figure">{svg}</div>'
        f'<div class="pokja-listing">{table}</div></div>'
    )
