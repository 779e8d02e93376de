"""``dasbor/matriks-keselarasan/``: programmes × planning references (content/_data/rujukan.yml), 50 a page.

The first page counts the programmes aligned with each reference (all of them) and shows the newest
programmes; older ones are on numbered pages as in every listing (listing.paged_listing), so a page stays
light on a phone at any size (410 KB at 10,000 documents and 4 MB at 100,000 when it was one page) and an
edited programme changes its own page and the first one only (issue #14).
"""

from __future__ import annotations

from ..charts import data_table, esc
from ..content import Document
from ..context import HTML_SLOT, BuildContext, GeneratedPage
from ..formatting import href, md_escape
from ..i18n import _
from ..listing import PagedListing, paged_listing, touched_numbers, touched_srcs

MATRIX_SRC = "dasbor/matriks-keselarasan.md"
MATRIX_TABLE_ID = "matriks-keselarasan"
TOTALS_TABLE_ID = "matriks-jumlah"


def _programmes(ctx: BuildContext) -> list[Document]:
    return ctx.by_type.get("program", [])


def matrix_rows(ctx: BuildContext, docs: list[Document], page_url: str) -> str:
    """The matrix of ``docs``: a row per programme, a column per reference, then its indicators."""
    lang = ctx.lang
    refs = ctx.corpus.refdata.references
    indicators = ctx.corpus.refdata.indicators
    headers = [_("programme", lang)] + [r.label_in(lang) for r in refs.values()] + [_("indicators", lang)]
    aligned_cell = f'<span aria-hidden="true">✓</span> {esc(_("aligned", lang))}'
    rows = []
    for doc in docs:
        alignment = set(doc.meta.get("alignment") or [])
        inds = dict.fromkeys(t.get("indicator") for t in doc.meta.get("targets") or [])
        ind_names = ", ".join(indicators[i].name_in(lang) for i in inds if i in indicators)
        link = f'<a href="{esc(href(page_url, doc.url))}">{esc(doc.title)}</a>'
        rows.append([link] + [aligned_cell if r in alignment else "" for r in refs] + [esc(ind_names)])
    numeric = [False] * (len(refs) + 2)
    table = data_table(_("matrix_caption", lang), headers, rows, numeric, MATRIX_TABLE_ID)
    # Wider than a phone: it scrolls inside its own box (pokja.js makes the box a focusable region).
    return f'<div class="pokja-scroll">{table}</div>'


def totals_table(ctx: BuildContext) -> str:
    """How many of all programmes are aligned with each reference."""
    lang = ctx.lang
    refs = ctx.corpus.refdata.references
    programmes = _programmes(ctx)
    counts = dict.fromkeys(refs, 0)
    for doc in programmes:
        for ref_id in set(doc.meta.get("alignment") or []) & set(refs):
            counts[ref_id] += 1
    rows = [[esc(r.label_in(lang)), str(counts[ref_id])] for ref_id, r in refs.items()]
    caption = _("matrix_totals", lang, count=len(programmes))
    return data_table(caption, [_("reference", lang), _("total", lang)], rows, [False, True], TOTALS_TABLE_ID)


def matrix_listing(ctx: BuildContext, title: str) -> PagedListing:
    """The matrix's pages: the newest programmes on the first page, older ones on numbered pages."""
    return paged_listing(
        ctx,
        MATRIX_SRC,
        title,
        _programmes(ctx),
        query="type=program",
        render=lambda docs, url: matrix_rows(ctx, docs, url),
    )


def first_page(ctx: BuildContext, listing: PagedListing, back_link: str) -> GeneratedPage:
    """The matrix's own address: intro, the totals, the newest programmes, the references."""
    lang = ctx.lang
    refs = ctx.corpus.refdata.references
    page = GeneratedPage(MATRIX_SRC, _("matrix_title", lang), "")
    parts = [f"# {md_escape(page.title)}\n\n{md_escape(_('matrix_intro', lang))}\n\n"]
    if not _programmes(ctx):
        parts.append(f"{md_escape(_('no_programmes', lang))}\n\n")
    else:
        parts.append(ctx.raw_block(totals_table(ctx)) + "\n\n")
        parts.append(f"{HTML_SLOT}\n\n")
        page.html = listing.first_html()
    parts.append(f"## {_('references', lang)}\n\n")
    items = "".join(
        f"<dt>{esc(r.label_in(lang))}</dt><dd>{esc(r.description.get(lang) or r.description.get('id') or '')}</dd>"
        for r in refs.values()
    )
    parts.append(f"<dl>{items}</dl>\n\n")
    parts.append(back_link + "\n")
    page.markdown = "".join(parts)
    return page


def touched(ctx: BuildContext) -> set[str]:
    """The matrix pages a publication's changes alter: the first (its totals) and the changed rows' pages."""
    assert ctx.changes is not None
    numbers = touched_numbers(lambda: _programmes(ctx), ctx.changes, lambda d: d.type == "program", ctx.per_page)
    return touched_srcs(MATRIX_SRC, numbers) if numbers else set()
