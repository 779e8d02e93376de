"""The offline page (``/luring/``): what the service worker shows for a page the reader never opened."""

from __future__ import annotations

import html
from collections.abc import Iterable

from ..context import BuildContext, GeneratedPage
from ..i18n import _

SRC_URI = "luring.md"


def pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """The one offline page."""
    lang = ctx.lang
    title = _("offline_title", lang)
    text = html.escape(_("offline_text", lang))
    # Only the service worker shows it, in place of a page the reader never opened: not in the sitemap.
    yield GeneratedPage(SRC_URI, title, f"# {title}\n\n{text}\n", in_sitemap=False)


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """Not in the navigation: only the service worker links to it."""
    return []
