"""``keputusan-terbuka/``: every meeting decision with status terbuka, by due date (none last)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..context import HTML_SLOT, BuildContext, GeneratedPage, region_names, templates
from ..formatting import doc_url, fmt_date, href, md_escape
from ..i18n import _

SRC_URI = "keputusan-terbuka/index.md"


def pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """The open-decisions page."""
    lang = ctx.lang
    page = GeneratedPage(SRC_URI, _("open_decisions", lang), "")
    rows = []
    for doc in ctx.corpus.documents:
        if doc.type != "keputusan":
            continue
        for decision in doc.meta.get("decisions") or []:
            if decision.get("status") != "terbuka":
                continue
            due = decision.get("due")
            rows.append(
                {
                    "sort": (due or dt.date.max, doc.slug, decision.get("no", 0)),
                    "due": fmt_date(due, lang) if due else _("no_due", lang),
                    "overdue": bool(due and due < ctx.today),
                    "text": str(decision.get("text", "")),
                    "owner": str(decision.get("owner") or ""),
                    "meeting": (href(page.url, doc_url(doc)), doc.title),
                    "region": region_names(ctx, doc.regions),
                }
            )
    rows.sort(key=lambda r: r["sort"])
    page.markdown = f"# {md_escape(page.title)}\n\n{_('open_intro', lang, count=len(rows))}\n\n{HTML_SLOT}\n"
    page.html = (
        templates()
        .get_template("decisions.html")
        .render(
            rows=rows,
            headers=[_(k, lang) for k in ("due", "decision", "owner", "meeting", "region")],
            overdue=_("overdue", lang),
            empty=_("none", lang),
        )
    )
    yield page


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """The open-decisions page in the navigation."""
    return [{_("open_decisions", ctx.lang): SRC_URI}]
