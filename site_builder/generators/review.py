"""``pedoman-tinjau-ulang/``: guidelines past their review date (revoked ones excepted)."""

from __future__ import annotations

from collections.abc import Iterable

from ..context import HTML_SLOT, BuildContext, GeneratedPage, templates
from ..formatting import doc_url, fmt_date, href, md_escape
from ..i18n import _

SRC_URI = "pedoman-tinjau-ulang/index.md"


def pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """The guidelines-due-for-review page (made when the build asks for it: see ``touched``)."""
    yield GeneratedPage(SRC_URI, _("review_title", ctx.lang), lazy=lambda page: fill(ctx, page))


def touched(ctx: BuildContext) -> set[str] | None:
    """The page when a guideline changed, nothing otherwise (a new day makes every page again)."""
    if ctx.changes is None or any(doc is not None and doc.type == "pedoman" for c in ctx.changes for doc in c):
        return None
    return set()


def fill(ctx: BuildContext, page: GeneratedPage) -> None:
    """The table of the guidelines past their review date."""
    lang = ctx.lang
    docs = [
        d
        for d in ctx.corpus.documents
        if d.type == "pedoman"
        and d.meta.get("review_by")
        and d.meta["review_by"] < ctx.today
        and d.meta.get("status") != "dicabut"
    ]
    docs.sort(key=lambda d: (d.meta["review_by"], d.slug))
    rows = [
        [
            (href(page.url, doc_url(d)), d.title),
            str(d.meta.get("issuer") or ""),
            str(d.meta.get("status") or ""),
            fmt_date(d.meta["review_by"], lang),
        ]
        for d in docs
    ]
    intro = _("review_intro", lang, today=fmt_date(ctx.today, lang), count=len(docs))
    page.markdown = f"# {md_escape(page.title)}\n\n{intro}\n\n{HTML_SLOT}\n"
    page.html = (
        templates()
        .get_template("simple_table.html")
        .render(
            headers=[_(k, lang) for k in ("title", "issuer", "status", "review_by")], rows=rows, empty=_("none", lang)
        )
    )


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """The review page in the navigation."""
    return [{_("review_title", ctx.lang): SRC_URI}]
