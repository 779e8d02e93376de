"""``keputusan-terbuka/``: every meeting decision with status terbuka, by due date (none last), 50 a page."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

from ..content import Document
from ..context import HTML_SLOT, BuildContext, GeneratedPage, region_names, reused, templates
from ..formatting import doc_url, fmt_date, href, md_escape, paged_src
from ..i18n import _
from ..listing import IN_ORDER, pager

SRC_URI = "keputusan-terbuka/index.md"


def pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """The open-decisions pages: 50 a page, the nearest due dates on ``keputusan-terbuka/``."""
    lang = ctx.lang
    title = _("open_decisions", lang)
    # (sort key, meeting record, decision): a row's cells are made only for the page it lands on (fill).
    # Made again only when a meeting record changed (a running publisher's lesson reuses them).
    rows = _kept_rows(ctx)
    # In due-date order from the nearest: a new decision (usually due later than the open ones) changes
    # the last pages only. Page 1 is the page's own address.
    chunks = [rows[i : i + ctx.per_page] for i in range(0, len(rows), ctx.per_page)] or [[]]
    targets = [(SRC_URI, "1")] + [(paged_src(SRC_URI, n), str(n)) for n in range(2, len(chunks) + 1)]

    def fill(page: GeneratedPage, pos: int) -> None:
        chunk = chunks[pos]
        if pos == 0:
            intro = _("open_intro", lang, count=len(rows))
        else:
            first = pos * ctx.per_page + 1
            intro = md_escape(_("decisions_page_intro", lang, first=first, last=first + len(chunk) - 1))
        page.markdown = f"# {md_escape(page.title)}\n\n{intro}\n\n{HTML_SLOT}\n"
        shown = [_row(ctx, doc, decision, page.url) for _key, doc, decision in chunk]
        page.html = templates().get_template("decisions.html").render(
            rows=shown,
            headers=[_(k, lang) for k in ("due", "decision", "owner", "meeting", "region")],
            overdue=_("overdue", lang),
            empty=_("none", lang),
        ) + pager(targets, pos, page.url, lang, IN_ORDER)

    for pos, (src, _label) in enumerate(targets):
        name = title if pos == 0 else _("page_title", lang, title=title, number=pos + 1)
        yield GeneratedPage(src, name, lazy=functools.partial(fill, pos=pos))


def _open_rows(meetings: list[Document]) -> list[tuple[tuple[dt.date, str, int], Document, dict]]:
    """(sort key, meeting record, decision) of every open decision, in due-date order."""
    rows = []
    for doc in meetings:
        for decision in doc.meta.get("decisions") or []:
            if decision.get("status") == "terbuka":
                rows.append(((decision.get("due") or dt.date.max, doc.slug, decision.get("no", 0)), doc, decision))
    rows.sort(key=lambda r: r[0])
    return rows


def _row(ctx: BuildContext, doc: Document, decision: dict, page_url: str) -> dict[str, object]:
    due = decision.get("due")
    return {
        "due": fmt_date(due, ctx.lang) if due else _("no_due", ctx.lang),
        "overdue": bool(due and due < ctx.today),
        "text": str(decision.get("text", "")),
        "owner": str(decision.get("owner") or ""),
        "meeting": (href(page_url, doc_url(doc)), doc.title),
        "region": region_names(ctx, doc.regions),
    }


def _kept_rows(ctx: BuildContext) -> list[tuple[tuple[dt.date, str, int], Document, dict]]:
    """The open decisions, made again only when a meeting record changed (a running publisher keeps them)."""
    meetings = ctx.by_type.get("keputusan", [])
    return reused("open-decisions", tuple(meetings), lambda: _open_rows(meetings))


def warm(ctx: BuildContext) -> dict[str, object]:
    """The open decisions of the last build's meeting records, sorted before the publisher's first job."""
    _kept_rows(ctx)
    return {}


def touched(ctx: BuildContext) -> set[str] | None:
    """All the open-decision pages when a meeting record changed, none otherwise."""
    if ctx.changes is None or any(doc is not None and doc.type == "keputusan" for c in ctx.changes for doc in c):
        return None
    return set()


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """The open-decisions page in the navigation."""
    return [{_("open_decisions", ctx.lang): SRC_URI}]
