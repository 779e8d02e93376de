"""``dasbor/``: national results by indicator and year, provinces ranked; ``dasbor/matriks-keselarasan/``
(generators.dashboard_matrix).

The open-data files (site_builder.exports) and the chart stylesheet are written with the site through
``BuildContext.extra_files``. Each province page gets this family's section from
generators.province_section (see generators.regions).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from typing import Any

from .. import exports
from ..charts import CHART_CSS, CHART_CSS_PATH, data_table, esc, stylesheet_link
from ..context import BuildContext, GeneratedPage
from ..formatting import href, md_escape
from ..i18n import _
from ..maps import map_defs
from ..schemas import Identity
from . import dashboard_matrix
from .dashboard_blocks import aggregation_of, aggregation_text, ranking_block, years_block
from .dashboard_completeness import completeness_of, national_block
from .dashboard_map import map_blocks

SRC_URI = "dasbor/index.md"
MATRIX_SRC = dashboard_matrix.MATRIX_SRC
# The types whose documents the figures, the completeness tables and the open data are made of.
FIGURE_TYPES = frozenset({"program", "profil"})


def md_link(from_src: str, to_src: str) -> str:
    """A Markdown link target from one source page to another (MkDocs resolves and checks it)."""
    return posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")


def open_data_markdown(lang: str, page_url: str, identity: Identity | None = None) -> str:
    """The open-data section: licence, file links and the data dictionary, from ``exports.DATA_DICTIONARY``."""
    parts = [f"## {_('open_data', lang)}\n\n<p>{esc(_('open_data_intro', lang))}</p>\n\n"]
    if identity is not None and identity.license_url:
        parts.append(
            f'<p class="pokja-license">{esc(_("open_data_license", lang, publisher=identity.name))} '
            f'<a href="{esc(identity.license_url)}" rel="license">{esc(identity.license_name)}</a>.</p>\n\n'
        )
    rows = []
    for name, (title, _columns) in exports.DATA_DICTIONARY.items():
        links = " · ".join(
            f'<a href="{esc(href(page_url, f"{exports.DATA_DIR}/{name}.{ext}"))}" download>{ext.upper()}</a>'
            for ext in ("csv", "json")
        )
        rows.append([f"<code>{esc(name)}</code>", esc(title), links])
    parts.append(
        data_table(_("open_data", lang), [_("file", lang), _("description", lang), "CSV / JSON"], rows, [False] * 3)
    )
    parts.append(f"\n\n### {_('dictionary', lang)}\n\n")
    seen: set[int] = set()
    for columns in (c for _title, c in exports.DATA_DICTIONARY.values()):
        if id(columns) in seen:
            continue
        seen.add(id(columns))
        users = [n for n, (_t, c) in exports.DATA_DICTIONARY.items() if c is columns]
        caption = ", ".join(f"{n}.csv/.json" for n in users)
        rows = [[f"<code>{esc(c.name)}</code>", esc(c.type), esc(c.description)] for c in columns]
        parts.append(
            data_table(
                caption, [_("column", lang), _("dashboard.type", lang), _("description", lang)], rows, [False] * 3
            )
        )
        parts.append("\n\n")
    return "".join(parts)


# --- pages -----------------------------------------------------------------------------------------


def dashboard_page(ctx: BuildContext) -> GeneratedPage:
    """``dasbor/``: per indicator, national target vs realisation by year and provinces by achievement."""
    lang = ctx.lang
    agg = aggregation_of(ctx)
    refdata = ctx.corpus.refdata
    page = GeneratedPage(SRC_URI, _("dashboard.title", lang), "")
    parts = [f"# {md_escape(page.title)}\n\n{stylesheet_link(page.url)}\n\n{md_escape(_('intro', lang))}\n\n"]
    if any(a.example for a in agg.aggregates):
        parts.append(
            f'!!! note "{_("dashboard.example", lang).capitalize()}"\n\n    {md_escape(_("examples", lang))}\n\n'
        )
    parts.append(_("matrix_link", lang, url=md_link(SRC_URI, MATRIX_SRC)) + "\n\n")
    indicators = agg.indicators_with_data()
    if not indicators:
        parts.append(f"{md_escape(_('no_data', lang))}\n\n")
    national = refdata.regions["00"]
    if any(agg.ranking_year(i) is not None for i in indicators):
        parts.append(ctx.raw_block(map_defs([r.code for r in refdata.provinces()])) + "\n\n")
    for ind_id in indicators:
        indicator = refdata.indicators[ind_id]
        parts.append(f"## {md_escape(indicator.name_in(lang))}\n\n")
        how = aggregation_text(indicator, lang)
        parts.append(f"{md_escape(_('indicator_line', lang, unit=indicator.unit, how=how))}\n\n")
        parts.append(f"### {md_escape(_('national_heading', lang))}\n\n")
        block = years_block(ctx, indicator, national, agg.at("nasional", ind_id), f"nasional-{ind_id}")
        parts.append(ctx.raw_block(block) + "\n\n")
        for year in completeness_of(ctx).years(ind_id):
            parts.append(f"### {md_escape(_('completeness.heading', lang, year=year))}\n\n")
            block = national_block(ctx, indicator, year, page.url, f"kelengkapan-{ind_id}-{year}")
            parts.append(ctx.raw_block(block) + "\n\n")
        year = agg.ranking_year(ind_id)
        if year is None:
            parts.append(f"{md_escape(_('ranking_none', lang))}\n\n")
        else:
            parts.append(f"### {md_escape(_('ranking_heading', lang, year=year))}\n\n")
            parts.append(ctx.raw_block(ranking_block(ctx, indicator, year, page.url, f"peringkat-{ind_id}")) + "\n\n")
            parts.append(f"### {md_escape(_('map_heading', lang, year=year))}\n\n")
            parts.append(ctx.raw_block(map_blocks(ctx, indicator, year, page.url, f"peta-{ind_id}")) + "\n\n")
    parts.append(f"## {_('rule_heading', lang)}\n\n{_('rule', lang)}\n\n")
    parts.append(open_data_markdown(lang, page.url, ctx.corpus.refdata.identity))
    page.markdown = "".join(parts)
    return page


def matrix_page(ctx: BuildContext) -> GeneratedPage:
    """``dasbor/matriks-keselarasan/``: its first page (generators.dashboard_matrix)."""
    return dashboard_matrix.first_page(
        ctx, dashboard_matrix.matrix_listing(ctx, _("matrix_title", ctx.lang)), _back(ctx)
    )


def _back(ctx: BuildContext) -> str:
    return _("back_to_dashboard", ctx.lang, url=md_link(MATRIX_SRC, SRC_URI))


def _lazy(src_uri: str, title: str, make: Callable[[], GeneratedPage]) -> GeneratedPage:
    """A page made only when the build asks for it (a publication of a lesson never does)."""

    made: list[GeneratedPage] = []

    def fill(page: GeneratedPage) -> None:
        # Made once: asked again when the page is written (GeneratedPage.release), the page is kept.
        if not made:
            made.append(make())
        page.markdown, page.html = made[0].markdown, made[0].html

    return GeneratedPage(src_uri, title, lazy=fill)


# One per process: the publisher encodes again only the records a publication changed.
_exporter = exports.Exporter()


def pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """The dashboard and the alignment matrix; the dashboard puts the open-data files into the build."""

    def make_dashboard() -> GeneratedPage:
        # The open-data files change with the dashboard's figures, and only then (see ``touched``).
        ctx.extra_files.update(_exporter(aggregation_of(ctx), ctx.corpus.refdata, completeness_of(ctx)))
        ctx.extra_files[CHART_CSS_PATH] = CHART_CSS.encode("utf-8")
        return dashboard_page(ctx)

    yield _lazy(SRC_URI, _("dashboard.title", ctx.lang), make_dashboard)
    title = _("matrix_title", ctx.lang)
    matrix = dashboard_matrix.matrix_listing(ctx, title)
    yield _lazy(MATRIX_SRC, title, lambda: dashboard_matrix.first_page(ctx, matrix, _back(ctx)))
    yield from matrix.older


def touched(ctx: BuildContext) -> set[str] | None:
    """The dashboard (and the open data) when a programme or a Pokja profile changed; the matrix pages a
    changed programme is on, and the matrix's first page (its totals)."""
    if ctx.changes is None:
        return None
    changed = [doc for change in ctx.changes for doc in change if doc is not None]
    out = {SRC_URI} if any(doc.type in FIGURE_TYPES for doc in changed) else set()
    return out | dashboard_matrix.touched(ctx)


def warm(ctx: BuildContext) -> dict[str, Any]:
    """The aggregation, completeness and open-data lines of the last build's corpus (no page inputs)."""
    _exporter(aggregation_of(ctx), ctx.corpus.refdata, completeness_of(ctx))
    return {}


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """The dashboard in the navigation."""
    return [{_("dashboard", ctx.lang): SRC_URI}]
