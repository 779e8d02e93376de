"""``dasbor/``: national results by indicator and year, provinces ranked; ``dasbor/matriks-keselarasan/``.

The open-data files (site_builder.exports) and the chart stylesheet are written with the site through
``BuildContext.extra_files``. Each province page gets this family's section from
generators.province_section (see generators.regions).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable

from .. import exports
from ..charts import CHART_CSS, CHART_CSS_PATH, data_table, esc, stylesheet_link
from ..context import BuildContext, GeneratedPage
from ..formatting import href, md_escape
from ..i18n import _
from ..maps import map_defs
from ..schemas import Identity
from .dashboard_blocks import aggregation_of, aggregation_text, ranking_block, years_block
from .dashboard_completeness import completeness_of, national_block
from .dashboard_map import map_blocks

SRC_URI = "dasbor/index.md"
MATRIX_SRC = "dasbor/matriks-keselarasan.md"
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
    """``dasbor/matriks-keselarasan/``: programmes × planning references (content/_data/rujukan.yml)."""
    lang = ctx.lang
    refs = ctx.corpus.refdata.references
    indicators = ctx.corpus.refdata.indicators
    page = GeneratedPage(MATRIX_SRC, _("matrix_title", lang), "")
    programmes = sorted(ctx.by_type.get("program", []), key=lambda d: (d.title.casefold(), d.slug))
    parts = [f"# {md_escape(page.title)}\n\n{md_escape(_('matrix_intro', lang))}\n\n"]
    if not programmes:
        parts.append(f"{md_escape(_('no_programmes', lang))}\n\n")
    else:
        headers = [_("programme", lang)] + [r.label_in(lang) for r in refs.values()] + [_("indicators", lang)]
        rows = []
        counts = dict.fromkeys(refs, 0)
        aligned_cell = f'<span aria-hidden="true">✓</span> {esc(_("aligned", lang))}'
        for doc in programmes:
            alignment = set(doc.meta.get("alignment") or [])
            for ref_id in alignment & set(refs):
                counts[ref_id] += 1
            inds = dict.fromkeys(t.get("indicator") for t in doc.meta.get("targets") or [])
            ind_names = ", ".join(indicators[i].name_in(lang) for i in inds if i in indicators)
            link = f'<a href="{esc(href(page.url, doc.url))}">{esc(doc.title)}</a>'
            rows.append([link] + [aligned_cell if r in alignment else "" for r in refs] + [esc(ind_names)])
        rows.append([esc(_("total", lang))] + [str(counts[r]) for r in refs] + [""])
        numeric = [False] + [False] * len(refs) + [False]
        table = data_table(_("matrix_caption", lang), headers, rows, numeric, "matriks-keselarasan")
        # Wider than a phone: it scrolls inside its own box (pokja.js makes the box a focusable region).
        parts.append(ctx.raw_block(f'<div class="pokja-scroll">{table}</div>') + "\n\n")
    parts.append(f"## {_('references', lang)}\n\n")
    items = "".join(
        f"<dt>{esc(r.label_in(lang))}</dt><dd>{esc(r.description.get(lang) or r.description.get('id') or '')}</dd>"
        for r in refs.values()
    )
    parts.append(f"<dl>{items}</dl>\n\n")
    parts.append(_("back_to_dashboard", lang, url=md_link(MATRIX_SRC, SRC_URI)) + "\n")
    page.markdown = "".join(parts)
    return page


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
    yield _lazy(MATRIX_SRC, _("matrix_title", ctx.lang), lambda: matrix_page(ctx))


def touched(ctx: BuildContext) -> set[str] | None:
    """Both pages (and the open data) when a programme or a Pokja profile changed, none otherwise."""
    if ctx.changes is None or any(doc is not None and doc.type in FIGURE_TYPES for c in ctx.changes for doc in c):
        return None
    return set()


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """The dashboard in the navigation."""
    return [{_("dashboard", ctx.lang): SRC_URI}]
