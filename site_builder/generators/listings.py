"""``<type>/``: the documents of one type, the schema's listing columns, newest first, 50 a page."""

from __future__ import annotations

from collections.abc import Iterable

from ..context import HTML_SLOT, BuildContext, GeneratedPage
from ..formatting import listing_src, md_escape
from ..i18n import _
from ..listing import paged_listing, touched_numbers, touched_srcs
from ..schemas import Schema


def type_listing(ctx: BuildContext, schema: Schema) -> list[GeneratedPage]:
    """The listing pages of one document type: ``<type>/`` (the newest) and ``<type>/halaman/<n>/``."""
    docs = ctx.by_type.get(schema.type, [])
    title = schema.plural_in(ctx.lang)
    paged = paged_listing(
        ctx, listing_src(schema.type), title, docs, columns=list(schema.listing), query=f"type={schema.type}"
    )

    def fill(page: GeneratedPage) -> None:
        description = schema.description.get(ctx.lang) or schema.description.get("id") or ""
        count = _("all_of_type", ctx.lang, count=len(docs))
        page.markdown = f"# {md_escape(page.title)}\n\n{md_escape(description)} {count}\n\n{HTML_SLOT}\n"
        page.html = paged.first_html()

    return [GeneratedPage(listing_src(schema.type), title, lazy=fill), *paged.older]


def pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """The listing pages of every document type."""
    for schema in ctx.corpus.schemas.values():
        yield from type_listing(ctx, schema)


def touched(ctx: BuildContext) -> set[str] | None:
    """The listing pages a publication's changes alter."""
    if ctx.changes is None:
        return None
    out: set[str] = set()
    for doc_type in ctx.corpus.schemas:
        numbers = touched_numbers(
            lambda t=doc_type: ctx.by_type.get(t, []), ctx.changes, lambda d, t=doc_type: d.type == t, ctx.per_page
        )
        out |= touched_srcs(listing_src(doc_type), numbers)
    return out


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """One navigation entry per document type, in schema order."""
    return [{s.plural_in(ctx.lang): listing_src(s.type)} for s in ctx.corpus.schemas.values()]
