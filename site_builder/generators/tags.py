"""``tag/``: every tag with its count; ``tag/<id>/``: its documents."""

from __future__ import annotations

from collections.abc import Iterable

from ..context import HTML_SLOT, BuildContext, GeneratedPage, templates
from ..formatting import TAGS_SRC, href, md_escape, src_url, tag_src
from ..listing import doc_table
from ..site_ui import ui

SRC_URI = TAGS_SRC


def pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """The tag index and one page per tag."""
    lang = ctx.lang
    tags = ctx.corpus.refdata.tags
    index = GeneratedPage(SRC_URI, ui("tags", lang), "")
    rows = [
        (href(index.url, src_url(tag_src(tid))), tag.label_in(lang), len(ctx.by_tag.get(tid, [])))
        for tid, tag in tags.items()
    ]
    index.markdown = f"# {md_escape(index.title)}\n\n{ui('tags_intro', lang)}\n\n{HTML_SLOT}\n"
    index.html = (
        templates().get_template("counts.html").render(rows=rows, headers=[ui("tags", lang), ui("count", lang)])
    )
    yield index
    for tid, tag in tags.items():
        label = tag.label_in(lang)
        docs = ctx.by_tag.get(tid, [])
        page = GeneratedPage(tag_src(tid), ui("tag_title", lang, label=label), "")
        intro = ui("tag_intro", lang, count=len(docs), label=label)
        page.markdown = f"# {md_escape(page.title)}\n\n{md_escape(intro)}\n\n{HTML_SLOT}\n"
        page.html = doc_table(ctx, docs, page.url)
        yield page


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """The tag index in the navigation."""
    return [{ui("tags", ctx.lang): SRC_URI}]
