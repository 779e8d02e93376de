"""``<type>/``: every document of one type, the schema's listing columns, newest first."""

from __future__ import annotations

from collections.abc import Iterable

from ..context import HTML_SLOT, BuildContext, GeneratedPage, sorted_docs
from ..formatting import listing_src, md_escape
from ..i18n import _
from ..listing import doc_table
from ..schemas import Schema


def type_listing(ctx: BuildContext, schema: Schema) -> GeneratedPage:
    """The listing page of one document type."""
    page = GeneratedPage(listing_src(schema.type), schema.plural_in(ctx.lang), "")
    docs = sorted_docs(ctx.corpus.of_type(schema.type))
    description = schema.description.get(ctx.lang) or schema.description.get("id") or ""
    count = _("all_of_type", ctx.lang, count=len(docs))
    page.markdown = f"# {md_escape(page.title)}\n\n{md_escape(description)} {count}\n\n{HTML_SLOT}\n"
    page.html = doc_table(ctx, docs, page.url, list(schema.listing))
    return page


def pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """One listing page per document type."""
    for schema in ctx.corpus.schemas.values():
        yield type_listing(ctx, schema)


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """One navigation entry per document type, in schema order."""
    return [{s.plural_in(ctx.lang): listing_src(s.type)} for s in ctx.corpus.schemas.values()]
