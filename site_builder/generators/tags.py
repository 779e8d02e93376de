"""``tag/``: every tag with its count; ``tag/<id>/``: its documents, newest first, 50 a page."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from ..context import HTML_SLOT, BuildContext, GeneratedPage, templates
from ..formatting import TAGS_SRC, href, md_escape, src_url, tag_src
from ..i18n import _
from ..listing import paged_listing

SRC_URI = TAGS_SRC


def pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """The tag index and one page per tag."""
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
        page = GeneratedPage(tag_src(tid), _("tag_title", lang, label=label), "")
        intro = _("tag_intro", lang, count=len(docs), label=label)
        page.markdown = f"# {md_escape(page.title)}\n\n{md_escape(intro)}\n\n{HTML_SLOT}\n"
        paged = paged_listing(ctx, page.src_uri, page.title, docs, query=f"tag={quote(tid)}")
        page.html = paged.first_html
        yield page
        yield from paged.older


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """The tag index in the navigation."""
    return [{_("tags", ctx.lang): SRC_URI}]
