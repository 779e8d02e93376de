"""Building blocks of the dashboard family: the aggregation once per build, figures, charts with their tables.

Shared by the dashboard page (generators.dashboard) and the province sections (generators.province_section).
"""

from __future__ import annotations

from typing import Any

from .. import i18n
from ..aggregate import Aggregate, Aggregation, Aggregator
from ..charts import YearBars, chart_block, data_table, esc, ranking_chart, year_bar_chart
from ..context import BuildContext, reused
from ..formatting import fmt_number, href, region_url
from ..i18n import _
from ..schemas import Indicator, Region


def cached(ctx: BuildContext, key: str, make: Any) -> Any:
    """A value computed once per build context and corpus."""
    store = vars(ctx).setdefault("_pokja_dashboard", {})
    found = store.get(key)
    if found is None or found[0] is not ctx.corpus:
        found = (ctx.corpus, make())
        store[key] = found
    return found[1]


# One per process: the publisher's publications re-aggregate only the slices their programmes report in.
_aggregator = Aggregator()


def _aggregate(ctx: BuildContext) -> Aggregation:
    programmes = ctx.by_type.get("program", [])
    return reused("aggregation", (ctx.corpus.refdata, *programmes), lambda: _aggregator(ctx.corpus, programmes))


def aggregation_of(ctx: BuildContext) -> Aggregation:
    """The corpus' aggregation, computed once per build context (province sections ask 38 times)."""
    return cached(ctx, "aggregation", lambda: _aggregate(ctx))


# --- number formatting (Indonesian on pages; exports keep machine numbers) -------------------------


def fmt_figure(value: float | None, lang: str = "id") -> str:
    """``1.234,5``: up to two decimals, none for whole numbers; "–" for no value."""
    if value is None:
        return "–"
    decimals = 0 if float(value).is_integer() else (1 if round(value, 1) == round(value, 2) else 2)
    return fmt_number(value, lang, decimals)


def fmt_pct(value: float | None, lang: str = "id") -> str:
    """``104,3 %``."""
    return "–" if value is None else f"{fmt_figure(value, lang)}\u00a0%"


# --- building blocks -------------------------------------------------------------------------------


def aggregation_text(indicator: Indicator, lang: str) -> str:
    """How an indicator is combined, in words."""
    if indicator.aggregation == "weighted_mean":
        base = indicator.base.get(lang) or indicator.base.get("id") or "basis"
        return _("aggregation_weighted_mean", lang, base=base)
    return _("aggregation_sum", lang)


def note(a: Aggregate, lang: str) -> str:
    """The Notes cell of one aggregate: reporting, where its figure comes from, example."""
    notes = []
    if not a.reported:
        notes.append(_("not_reported", lang))
    elif a.rows_reported < a.rows:
        notes.append(_("partial", lang, reported=a.rows_reported, rows=a.rows))
    if a.level != "kabkota":
        source = {"kabkota": "from_districts", "provinsi": "from_provinces" if a.level == "nasional" else "own_figure"}
        notes.append(_(source.get(a.source_level, "own_figure"), lang))
    if a.example:
        notes.append(_("dashboard.example", lang))
    return "; ".join(notes)


def realization_cell(a: Aggregate, lang: str) -> str:
    """The realisation as escaped HTML, or "not yet reported"."""
    return esc(fmt_figure(a.realization, lang)) if a.reported else esc(_("not_reported", lang))


def years_block(ctx: BuildContext, indicator: Indicator, region: Region, cells: list[Aggregate], chart_id: str) -> str:
    """Chart of target vs realisation by year for one region, and its table."""
    lang = ctx.lang
    name = indicator.name_in(lang)
    bars = [YearBars(a.year, a.target, a.realization) for a in cells]
    points = "; ".join(
        _(
            "chart_point",
            lang,
            year=a.year,
            target=fmt_figure(a.target, lang),
            realization=fmt_figure(a.realization, lang) if a.reported else _("not_reported", lang),
        )
        for a in cells
    )
    labels = {
        "target": _("dashboard.target", lang),
        "realization": _("realization", lang),
        "not_reported_short": _("not_reported_short", lang),
    }
    svg = year_bar_chart(
        chart_id,
        _("chart_years_title", lang, name=name, region=region.name),
        _("chart_years_desc", lang, points=points),
        bars,
        lambda v: fmt_figure(v, lang),
        labels,
    )
    headers = [
        _("year", lang),
        f"{_('dashboard.target', lang)} ({indicator.unit})",
        f"{_('realization', lang)} ({indicator.unit})",
        _("dashboard.achievement", lang),
        _("rows_reported", lang),
        _("notes", lang),
    ]
    rows = [
        [
            str(a.year),
            esc(fmt_figure(a.target, lang)),
            realization_cell(a, lang),
            esc(fmt_pct(a.achievement_pct, lang)),
            f"{a.rows_reported}/{a.rows}",
            esc(note(a, lang)),
        ]
        for a in cells
    ]
    caption = _("table_years", lang, name=name, region=region.name, unit=indicator.unit)
    table = data_table(caption, headers, rows, [False, True, True, True, True, False], f"{chart_id}-data")
    return chart_block(svg, table)


def ranking_block(ctx: BuildContext, indicator: Indicator, year: int, page_url: str, chart_id: str) -> str:
    """Provinces ranked by achievement in ``year``: chart and table."""
    lang = ctx.lang
    regions = ctx.corpus.refdata.regions
    agg = aggregation_of(ctx)
    ranked = agg.ranking(indicator.id, year)
    name = indicator.name_in(lang)
    items = [(regions[a.region].name, a.achievement_pct) for a in ranked]
    points = "; ".join(
        f"{label} {fmt_pct(v, lang) if v is not None else _('not_reported', lang)}" for label, v in items
    )
    svg = ranking_chart(
        chart_id,
        _("chart_rank_title", lang, name=name, year=year),
        _("chart_rank_desc", lang, points=points),
        items,
        lambda v: fmt_pct(v, lang),
        _("not_reported", lang),
    )
    rows = []
    rank = 0
    for a in ranked:
        rank += 1 if a.achievement_pct is not None else 0
        region = regions[a.region]
        link = f'<a href="{esc(href(page_url, region_url(region)))}">{esc(region.name)}</a>'
        rows.append(
            [
                str(rank) if a.achievement_pct is not None else "–",
                link,
                esc(fmt_figure(a.target, lang)),
                realization_cell(a, lang),
                esc(fmt_pct(a.achievement_pct, lang)),
                esc(note(a, lang)),
            ]
        )
    headers = [
        _("rank", lang),
        _("province", lang),
        f"{_('dashboard.target', lang)} ({indicator.unit})",
        f"{_('realization', lang)} ({indicator.unit})",
        _("dashboard.achievement", lang),
        _("notes", lang),
    ]
    table = data_table(
        _("table_rank", lang, name=name, year=year),
        headers,
        rows,
        [True, False, True, True, True, False],
        f"{chart_id}-data",
    )
    return chart_block(svg, table)


def reason_text(reason: str, lang: str) -> str:
    """Why a row was not added, in words (the reason itself when it has no message)."""
    return _(reason, lang) if i18n.has(reason) else reason
