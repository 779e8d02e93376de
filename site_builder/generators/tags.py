"""``tag/``: every tag with its count; ``tag/<id>/``: its documents, newest first, 50 a page."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from ..context import HTML_SLOT, BuildContext, GeneratedPage, templates
from ..formatting import TAGS_SRC, href, md_escape, src_url, tag_src
from ..i18n import _
from ..listing import PagedListing, paged_listing, touched_numbers, touched_srcs

SRC_URI = TAGS_SRC


def pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """The tag index and the pages of every tag."""
    lang = ctx.lang
    tags = ctx.corpus.refdata.tags
    index = GeneratedPage(SRC_URI, _("tags", lang), "")
    rows = [
        (href(index.url, src_url(tag_src(tid))), tag.label_in(lang), len(ctx.by_tag.get(tid, [])))
        for tid, tag in tags.items()
    ]
    index.markdown = f"# {md_escape(index.title)}\n\n{_('tags_intro', lang)}\n\n{HTML_SLOT}\n"
    index.html = templates().get_template("counts.html").render(rows=rows, headers=[_("tags", lang), _("count", lang)])
    yield index
    for tid, tag in tags.items():
        label = tag.label_in(lang)
        docs = ctx.by_tag.get(tid, [])
        title = _("tag_title", lang, label=label)
        paged = paged_listing(ctx, tag_src(tid), title, docs, query=f"tag={quote(tid)}")

        def fill(page: GeneratedPage, count: int = len(docs), label: str = label, paged: PagedListing = paged) -> None:
            intro = _("tag_intro", lang, count=count, label=label)
            page.markdown = f"# {md_escape(page.title)}\n\n{md_escape(intro)}\n\n{HTML_SLOT}\n"
            page.html = paged.first_html()

        yield GeneratedPage(tag_src(tid), title, lazy=fill)
        yield from paged.older


def touched(ctx: BuildContext) -> set[str] | None:
    """The tag index and the tag pages a publication's changes alter."""
    if ctx.changes is None:
        return None
    out = {SRC_URI}
    tags = {t for change in ctx.changes for doc in change if doc is not None for t in doc.tags}
    for tid in sorted(tags & set(ctx.corpus.refdata.tags)):
        numbers = touched_numbers(
            lambda t=tid: ctx.by_tag.get(t, []), ctx.changes, lambda d, t=tid: t in d.tags, ctx.per_page
        )
        out |= touched_srcs(tag_src(tid), numbers)
    return out


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """The tag index in the navigation."""
    return [{_("tags", ctx.lang): SRC_URI}]
