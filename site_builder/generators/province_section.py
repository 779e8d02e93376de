"""The dashboard section of each province page: its indicators (charts and tables), programmes, Pokja profile."""

from __future__ import annotations

from typing import Any

from ..charts import data_table, esc, stylesheet_link
from ..content import Document
from ..context import BuildContext, reused
from ..formatting import fmt_date, href, md_escape, province_src, region_url
from ..i18n import _
from ..listing import search_link
from ..schemas import Indicator, Region
from . import dashboard
from .dashboard_blocks import (
    aggregation_of,
    aggregation_text,
    cached,
    fmt_figure,
    fmt_pct,
    note,
    realization_cell,
    reason_text,
    years_block,
)
from .dashboard_completeness import completeness_of, province_block

# The order of each type's list on a province page: programmes by title; the province's own Pokja first,
# then its districts'.
_ORDER = {
    "program": lambda d: (d.title.casefold(), d.slug),
    "profil": lambda d: (d.meta.get("level") != "provinsi", d.title.casefold(), d.slug),
}


# The provinces each document is about, kept by the publisher's process (a document changed is a new object).
_provinces_of: dict[str, tuple[Any, dict[int, tuple[Document, frozenset[str]]]]] = {}


def _by_province(ctx: BuildContext, doc_type: str) -> dict[str, list[Document]]:
    """Documents of one type per province they are about (a programme also by its target rows), in order.

    Made once per set of documents: a publication of another type (a lesson) reuses the last ones.
    """

    def make() -> dict[str, list[Document]]:
        regions = ctx.corpus.refdata.regions
        out: dict[str, list[Document]] = {}
        refdata, last = _provinces_of.get(doc_type, (None, {}))
        if refdata is not ctx.corpus.refdata:
            last = {}
        now: dict[int, tuple[Document, frozenset[str]]] = {}
        for doc in ctx.by_type.get(doc_type, []):
            found = last.get(id(doc))
            if found is None or found[0] is not doc:
                codes = set(doc.regions) | {str(t.get("region")) for t in doc.meta.get("targets") or []}
                found = (doc, frozenset(str(p) for c in codes if c in regions and (p := regions[c].province_code)))
            now[id(doc)] = found
            for province in found[1]:
                out.setdefault(province, []).append(doc)
        _provinces_of[doc_type] = (ctx.corpus.refdata, now)
        for docs in out.values():
            docs.sort(key=_ORDER[doc_type])
        return out

    inputs = (ctx.corpus.refdata, ctx.lang, *ctx.by_type.get(doc_type, []))
    return cached(ctx, f"by-province-{doc_type}", lambda: reused(f"by-province-{doc_type}", inputs, make))


# Programmes and Pokja profiles listed on a province page: a province has at most 39 Pokja (its own and
# its districts'); more (a national corpus over a decade) go through the search, keeping the page light.
SECTION_LIMIT = 40
# Years of reporting completeness shown on a province page (the latest ones; the dashboard shows them all).
COMPLETENESS_YEARS = 3


def _programmes_in(ctx: BuildContext, province: str) -> list[Document]:
    return _by_province(ctx, "program").get(province, [])


def _profiles_in(ctx: BuildContext, province: str) -> list[Document]:
    return _by_province(ctx, "profil").get(province, [])


def _left_out(ctx: BuildContext) -> dict[tuple[str, str], list[Any]]:
    """District rows left out of their province's figure, by (indicator, province)."""

    def make() -> dict[tuple[str, str], list[Any]]:
        out: dict[tuple[str, str], list[Any]] = {}
        for r in aggregation_of(ctx).rows:
            if r.level == "kabkota" and r.not_counted:
                out.setdefault((r.indicator, r.province or ""), []).append(r)
        return out

    return cached(ctx, "left-out", make)


def _district_table(ctx: BuildContext, indicator: Indicator, province: Region, table_id: str) -> str:
    lang = ctx.lang
    agg = aggregation_of(ctx)
    regions = ctx.corpus.refdata.regions
    reasons: dict[tuple[str, int], set[str]] = {}
    for r in _left_out(ctx).get((indicator.id, province.code), []):
        reasons.setdefault((r.region, r.year), set()).add(r.not_counted)
    cells = [a for a in agg.at("kabkota", indicator.id) if regions[a.region].province == province.code]
    if not cells:
        return ""
    rows = []
    for a in sorted(cells, key=lambda a: (a.region, a.year)):
        notes = [reason_text(x, lang) for x in sorted(reasons.get((a.region, a.year), ()))]
        text = "; ".join(filter(None, [note(a, lang), *notes]))
        rows.append(
            [
                esc(regions[a.region].name),
                str(a.year),
                esc(fmt_figure(a.target, lang)),
                realization_cell(a, lang),
                esc(fmt_pct(a.achievement_pct, lang)),
                esc(text),
            ]
        )
    headers = [
        _("district", lang),
        _("year", lang),
        f"{_('dashboard.target', lang)} ({indicator.unit})",
        f"{_('realization', lang)} ({indicator.unit})",
        _("dashboard.achievement", lang),
        _("notes", lang),
    ]
    caption = _("district_detail", lang, name=indicator.name_in(lang))
    table = data_table(caption, headers, rows, [False, False, True, True, True, False], table_id)
    return f'<div class="pokja-listing">{table}</div>'


def province_section(ctx: BuildContext, region: Region) -> str:
    """Markdown for a province page: its indicators (charts and tables), its programmes, its Pokja profile."""
    lang = ctx.lang
    agg = aggregation_of(ctx)
    page_url = region_url(region)
    refdata = ctx.corpus.refdata
    parts = [f"## {md_escape(_('province_results', lang))}\n\n{stylesheet_link(page_url)}\n\n"]
    indicators = [i for i in refdata.indicators if agg.at("provinsi", i, region.code)]
    if not indicators:
        parts.append(f"{md_escape(_('province_no_targets', lang))}\n\n")
    for ind_id in indicators:
        indicator = refdata.indicators[ind_id]
        parts.append(f"### {md_escape(indicator.name_in(lang))}\n\n")
        how = aggregation_text(indicator, lang)
        parts.append(f"{md_escape(_('indicator_line', lang, unit=indicator.unit, how=how))}\n\n")
        cells = agg.at("provinsi", ind_id, region.code)
        parts.append(ctx.raw_block(years_block(ctx, indicator, region, cells, f"provinsi-{region.code}-{ind_id}")))
        parts.append("\n\n")
        detail = _district_table(ctx, indicator, region, f"kabkota-{region.code}-{ind_id}")
        if detail:
            parts.append(ctx.raw_block(detail) + "\n\n")
        years = completeness_of(ctx).years(ind_id)
        if len(years) > COMPLETENESS_YEARS:
            # A decade of targets would make the page heavy for a phone: the dashboard has every year.
            first, last = years[0], years[-COMPLETENESS_YEARS - 1]
            older = _("completeness.older_years", lang, years=f"{first}–{last}" if first != last else str(first))
            parts.append(f"{md_escape(older)}\n\n")
        for year in years[-COMPLETENESS_YEARS:]:
            block = province_block(ctx, indicator, year, region, f"kelengkapan-{region.code}-{ind_id}-{year}")
            if block:
                heading = md_escape(_("completeness.heading", lang, year=year))
                parts.append(f"#### {heading}\n\n{ctx.raw_block(block)}\n\n")
    # a link to the source file: MkDocs resolves and checks it
    to_dashboard = dashboard.md_link(province_src(region.code), dashboard.SRC_URI)
    parts.append(_("see_dashboard", lang, url=to_dashboard) + "\n\n")

    parts.append(f"## {md_escape(_('province_programmes', lang))}\n\n")
    programmes = _programmes_in(ctx, region.code)
    if not programmes:
        parts.append(f"{md_escape(_('province_no_programmes', lang))}\n\n")
    else:
        rows = []
        for doc in programmes[:SECTION_LIMIT]:
            period = doc.meta.get("period") or {}
            inds = dict.fromkeys(t.get("indicator") for t in doc.meta.get("targets") or [])
            rows.append(
                [
                    f'<a href="{esc(href(page_url, doc.url))}">{esc(doc.title)}</a>',
                    esc(doc.meta.get("lead_agency") or ""),
                    esc(f"{period.get('start', '')}–{period.get('end', '')}"),
                    esc(doc.meta.get("status") or ""),
                    esc(", ".join(refdata.indicators[i].name_in(lang) for i in inds if i in refdata.indicators)),
                ]
            )
        headers = [_(k, lang) for k in ("programme", "lead_agency", "period", "status", "indicators")]
        table = data_table(_("province_programmes", lang), headers, rows, [False] * 5)
        parts.append(ctx.raw_block(f'<div class="pokja-listing">{table}</div>') + "\n\n")
        parts.append(_more(page_url, len(programmes), f"type=program&region={region.code}", lang))

    parts.append(f"## {md_escape(_('province_profile', lang))}\n\n")
    profiles = _profiles_in(ctx, region.code)
    if not profiles:
        parts.append(f"{md_escape(_('province_no_profile', lang))}\n\n")
    items = []
    for doc in profiles[:SECTION_LIMIT]:
        sk = doc.meta.get("sk") or {}
        lines = [f'<a href="{esc(href(page_url, doc.url))}">{esc(doc.title)}</a>']
        if sk:
            date = fmt_date(sk["date"], lang) if sk.get("date") else "–"
            lines.append(esc(_("sk", lang, number=sk.get("number", "–"), date=date, issuer=sk.get("issuer", "–"))))
        members = doc.meta.get("members") or []
        if members:
            counts: dict[str, int] = {}
            for m in members:
                counts[m.get("stakeholder_group", "")] = counts.get(m.get("stakeholder_group", ""), 0) + 1
            groups = ", ".join(
                f"{refdata.groups[g].label_in(lang) if g in refdata.groups else g} {n}" for g, n in counts.items()
            )
            lines.append(esc(_("members", lang, count=len(members), groups=groups)))
        if doc.example:
            lines.append(esc(_("dashboard.example", lang)))
        items.append(f"<li>{'<br>'.join(lines)}</li>")
    if items:
        parts.append(ctx.raw_block(f"<ul>{''.join(items)}</ul>") + "\n\n")
        parts.append(_more(page_url, len(profiles), f"type=profil&region={region.code}", lang))
    return "".join(parts)


def section_inputs(ctx: BuildContext) -> dict[str, tuple[Any, ...]]:
    """What each province's section is made of, by province code: equal inputs make an equal section.

    A publication compares them with the last build's (``BuildContext.last_inputs``) and makes again only
    the province pages whose figures, completeness, programmes or profiles changed: an edited programme
    reports in a few provinces, not 38 (issue #14). Everything ``province_section`` reads is here.
    """

    def make() -> dict[str, tuple[Any, ...]]:
        agg, report, refdata = aggregation_of(ctx), completeness_of(ctx), ctx.corpus.refdata
        regions = refdata.regions
        parts: dict[str, list[Any]] = {}
        for a in agg.aggregates:
            if a.level == "provinsi":
                parts.setdefault(a.region, []).append(a)
            elif a.level == "kabkota":
                parts.setdefault(regions[a.region].province or "", []).append(a)
        for (_indicator, province), rows in _left_out(ctx).items():
            parts.setdefault(province, []).extend(rows)
        for status in report.statuses:
            parts.setdefault(status.province or "", []).append(status)
        for summary in report.summaries:
            parts.setdefault(summary.region, []).append(summary)
        # The years every province page lists are the nation's (Completeness.years).
        years = tuple((i, tuple(report.years(i))) for i in refdata.indicators)
        programmes, profiles = _by_province(ctx, "program"), _by_province(ctx, "profil")
        out = {}
        for province in refdata.provinces():
            code = province.code
            mine, theirs = programmes.get(code, []), profiles.get(code, [])
            listed = (len(mine), *mine[:SECTION_LIMIT], len(theirs), *theirs[:SECTION_LIMIT])
            out[code] = (refdata, ctx.lang, years, *parts.get(code, ()), listed)
        return out

    return cached(ctx, "section-inputs", make)


def _more(page_url: str, total: int, query: str, lang: str) -> str:
    """Under a list cut at SECTION_LIMIT: how many it shows, and the search with the rest."""
    if total <= SECTION_LIMIT:
        return ""
    shown = esc(_("province_shown", lang, shown=SECTION_LIMIT, total=total))
    return f'<p class="pokja-more">{shown}</p>\n{search_link(page_url, query, lang)}\n\n'
