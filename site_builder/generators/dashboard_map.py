"""Dashboard blocks of the province map: achievement and reporting completeness, each with its table."""

from __future__ import annotations

from ..charts import chart_block, data_table, esc
from ..context import BuildContext
from ..formatting import href, region_url
from ..i18n import _
from ..maps import achievement_class, province_map
from ..schemas import Indicator
from .dashboard_blocks import aggregation_of, fmt_pct
from .dashboard_completeness import completeness_of


def class_label(cls: str, lang: str) -> str:
    """The legend text of a colour class."""
    return _(f"map_class_{cls}", lang)


def _cell(cls: str, lang: str) -> str:
    return f'<span data-kelas="{cls}">{esc(class_label(cls, lang))}</span>'


def map_blocks(ctx: BuildContext, indicator: Indicator, year: int, page_url: str, map_id: str) -> str:
    """Two maps of ``year``: provinces by achievement and by reporting completeness, tables beside them."""
    lang = ctx.lang
    regions = ctx.corpus.refdata.regions
    provinces = {r.code: r.name for r in ctx.corpus.refdata.provinces()}
    cells = {a.region: a for a in aggregation_of(ctx).at("provinsi", indicator.id) if a.year == year}
    achievement = {code: cells[code].achievement_pct if code in cells else None for code in provinces}
    # Completeness counts regions (a province and its districts with targets), not programme rows.
    report = {s.region: s for s in completeness_of(ctx).of("provinsi", indicator.id, year)}
    completeness = {code: s.pct for code, s in report.items()}
    name = indicator.name_in(lang)
    out = []
    for kind, values in (("achievement", achievement), ("completeness", completeness)):
        rows = []
        for code in provinces:
            region = regions[code]
            link = f'<a href="{esc(href(page_url, region_url(region)))}">{esc(region.name)}</a>'
            cls = achievement_class(values.get(code))
            if kind == "achievement":
                rows.append([link, esc(fmt_pct(values.get(code), lang)), _cell(cls, lang)])
            else:
                s = report.get(code)
                shown = f"{s.reported} / {s.regions}" if s else "–"
                rows.append([link, esc(shown), esc(fmt_pct(values.get(code), lang)), _cell(cls, lang)])
        headers = [_("province", lang)]
        if kind == "achievement":
            headers += [_("dashboard.achievement", lang), _("map_class", lang)]
        else:
            headers += [_("map_reported_rows", lang), _("map_completeness", lang), _("map_class", lang)]
        points = "; ".join(f"{provinces[c]} {class_label(achievement_class(v), lang)}" for c, v in values.items())
        svg = province_map(
            f"{map_id}-{kind}",
            _(f"map_{kind}_title", lang, name=name, year=year),
            _("map_desc", lang, points=points),
            provinces,
            values,
            lambda cls: class_label(cls, lang),
        )
        table = data_table(
            _(f"map_{kind}_title", lang, name=name, year=year),
            headers,
            rows,
            [False] + [True] * (len(headers) - 2) + [False],
            f"{map_id}-{kind}-data",
        )
        out.append(f"#### {esc(_(f'map_{kind}_title', lang, name=name, year=year))}\n\n{chart_block(svg, table)}")
    return "\n\n".join(out)
