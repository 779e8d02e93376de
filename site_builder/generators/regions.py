"""``wilayah/``: provinces with counts and national documents; ``wilayah/<code>/``: one province's page.

Both document lists are paged (listing.paged_listing): ``wilayah/halaman/<n>/`` for older national
documents, ``wilayah/<code>/halaman/<n>/`` for a province's.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..context import HTML_SLOT, BuildContext, GeneratedPage, templates
from ..formatting import NATIONAL_ANCHOR, REGIONS_SRC, href, md_escape, province_src, src_url
from ..i18n import _
from ..listing import paged_listing, touched_numbers, touched_srcs
from ..schemas import Region
from . import province_section

SRC_URI = REGIONS_SRC

# A section a province page shows after its documents: ``section(ctx, region) -> Markdown``.
ProvinceSection = Callable[[BuildContext, Region], str]
# The sections of every province page, in order (results, programmes and profile from the dashboard).
PROVINCE_SECTIONS: tuple[ProvinceSection, ...] = (province_section.province_section,)
# The document types those sections draw on, wherever the documents are (a programme's target rows
# name other regions): a change of one of them makes again the first page of every province whose
# sections' inputs (PROVINCE_INPUTS) it changed (touched). A section that reads another type must add it here.
SECTION_TYPES = frozenset({"program", "profil"})
# What PROVINCE_SECTIONS are made of, per province code (equal inputs, equal sections): a publication of a
# SECTION_TYPES document makes again only the province pages whose inputs changed.
PROVINCE_INPUTS: tuple[Callable[[BuildContext], dict[str, Any]], ...] = (province_section.section_inputs,)


def section_inputs(ctx: BuildContext, code: str) -> tuple[Any, ...]:
    """The inputs of PROVINCE_SECTIONS for one province."""
    return tuple(inputs(ctx).get(code) for inputs in PROVINCE_INPUTS)


def province_pages(ctx: BuildContext, region: Region, sections: Sequence[ProvinceSection] = ()) -> list[GeneratedPage]:
    """``wilayah/<code>/``: a province's newest documents, then ``sections``; older ones 50 a page.

    With PROVINCE_SECTIONS the page records what they were made of (``BuildContext.inputs``).
    """
    lang = ctx.lang
    docs = ctx.by_province.get(region.code, [])
    title = _("province_title", lang, name=region.name)
    paged = paged_listing(ctx, province_src(region.code), title, docs, query=f"region={region.code}")

    made: list[str] = []

    def fill(page: GeneratedPage) -> None:
        # The listing is made again when the page is written (GeneratedPage.release); the sections,
        # charts and tables of the province's results, only once.
        if not made:
            intro = _("province_intro", lang, name=region.name, count=len(docs))
            markdown = f"# {md_escape(page.title)}\n\n{md_escape(intro)}\n\n{HTML_SLOT}\n\n"
            made.append(markdown + "".join(section(ctx, region) for section in sections))
            if sections is PROVINCE_SECTIONS:
                ctx.inputs[page.src_uri] = section_inputs(ctx, region.code)
        page.html = paged.first_html()
        page.markdown = made[0]

    return [GeneratedPage(province_src(region.code), title, lazy=fill), *paged.older]


def province_page(ctx: BuildContext, region: Region, sections: Sequence[ProvinceSection] = ()) -> GeneratedPage:
    """``wilayah/<code>/``: the first page of a province (its newest documents and ``sections``)."""
    return province_pages(ctx, region, sections)[0]


def pages(ctx: BuildContext, sections: Sequence[ProvinceSection] = PROVINCE_SECTIONS) -> Iterable[GeneratedPage]:
    """The regions index and one page per province, each with ``sections``."""
    lang = ctx.lang
    index = GeneratedPage(SRC_URI, _("regions", lang), "")
    provinces = ctx.corpus.refdata.provinces()
    rows = [
        (href(index.url, src_url(province_src(p.code))), p.name, len(ctx.by_province.get(p.code, [])))
        for p in provinces
    ]
    counts = templates().get_template("counts.html").render(rows=rows, headers=[_("province", lang), _("count", lang)])
    heading = _("national_docs", lang)
    national = paged_listing(ctx, SRC_URI, heading, ctx.by_province.get("00", []), query="region=00")
    index.markdown = f"# {md_escape(index.title)}\n\n{_('regions_intro', lang)}\n\n{HTML_SLOT}\n"
    index.html = f'{counts}<h2 id="{NATIONAL_ANCHOR}">{html.escape(heading)}</h2>{national.first_html()}'
    yield index
    yield from national.older
    for province in provinces:
        yield from province_pages(ctx, province, sections)


def touched(ctx: BuildContext) -> set[str] | None:
    """The pages a publication's changes alter: the index, the pages of the provinces the changed
    documents are about, and the first page of every province whose sections' inputs a document of
    SECTION_TYPES changed (all of them when the last build left no inputs)."""
    if ctx.changes is None:
        return None
    changed = [doc for change in ctx.changes for doc in change if doc is not None]
    out = {SRC_URI}
    if any(doc.type in SECTION_TYPES for doc in changed):
        last = ctx.last_inputs
        for p in ctx.corpus.refdata.provinces():
            src = province_src(p.code)
            if src not in last or last[src] != section_inputs(ctx, p.code):
                out.add(src)
    codes = {c for doc in changed for c in ctx.provinces_of(doc)}
    for code in sorted(codes):
        numbers = touched_numbers(
            lambda c=code: ctx.by_province.get(c, []),
            ctx.changes,
            lambda d, c=code: c in ctx.provinces_of(d),
            ctx.per_page,
        )
        out |= touched_srcs(SRC_URI if code == "00" else province_src(code), numbers)
    return out


def warm(ctx: BuildContext) -> dict[str, Any]:
    """The inputs each province page's sections were made of in the last build (that build's corpus)."""
    return {province_src(p.code): section_inputs(ctx, p.code) for p in ctx.corpus.refdata.provinces()}


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """The regions index in the navigation."""
    return [{_("regions", ctx.lang): SRC_URI}]
