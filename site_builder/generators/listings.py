"""``<type>/``: the documents of one type, the schema's listing columns, newest first, 50 a page."""

from __future__ import annotations

from collections.abc import Iterable

from ..context import HTML_SLOT, BuildContext, GeneratedPage, sorted_docs
from ..formatting import listing_src, md_escape
from ..i18n import _
from ..listing import paged_listing
from ..schemas import Schema


def type_listing(ctx: BuildContext, schema: Schema) -> list[GeneratedPage]:
    """The listing pages of one document type: ``<type>/`` (the newest) and ``<type>/halaman/<n>/``."""
    page = GeneratedPage(listing_src(schema.type), schema.plural_in(ctx.lang), "")
    docs = sorted_docs(ctx.corpus.of_type(schema.type))
    description = schema.description.get(ctx.lang) or schema.description.get("id") or ""
    count = _("all_of_type", ctx.lang, count=len(docs))
    page.markdown = f"# {md_escape(page.title)}\n\n{md_escape(description)} {count}\n\n{HTML_SLOT}\n"
    paged = paged_listing(
        ctx, page.src_uri, page.title, docs, columns=list(schema.listing), query=f"type={schema.type}"
    )
    page.html = paged.first_html
    return [page, *paged.older]


def pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """The listing pages of every document type."""
    for schema in ctx.corpus.schemas.values():
        yield from type_listing(ctx, schema)


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """One navigation entry per document type, in schema order."""
    return [{s.plural_in(ctx.lang): listing_src(s.type)} for s in ctx.corpus.schemas.values()]
