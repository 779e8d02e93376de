"""The home page (``/``) when content/index.md does not exist: sections and the newest documents."""

from __future__ import annotations

import html
from collections.abc import Iterable

from ..context import HTML_SLOT, BuildContext, GeneratedPage, templates
from ..formatting import HOME_SRC, REGIONS_SRC, TAGS_SRC, href, listing_src, src_url
from ..i18n import _
from ..listing import doc_table

SRC_URI = HOME_SRC


def pages(ctx: BuildContext) -> Iterable[GeneratedPage]:
    """The home page, unless the content has its own index.md."""
    if (ctx.corpus.root / SRC_URI).exists():
        return
    lang = ctx.lang
    page = GeneratedPage(SRC_URI, _("home", lang), "")
    sections = [
        (href(page.url, src_url(listing_src(s.type))), s.plural_in(lang), len(ctx.by_type.get(s.type, [])))
        for s in ctx.corpus.schemas.values()
    ]
    sections += [
        (href(page.url, src_url(REGIONS_SRC)), _("regions", lang), len(ctx.corpus.refdata.provinces())),
        (href(page.url, src_url(TAGS_SRC)), _("tags", lang), len(ctx.corpus.refdata.tags)),
    ]
    counts = (
        templates().get_template("counts.html").render(rows=sections, headers=[_("sections", lang), _("count", lang)])
    )
    recent = ctx.recently_updated(10)
    page.html = counts + f"<h2>{html.escape(_('recent', lang))}</h2>" + doc_table(ctx, recent, page.url)
    page.html += identity_block(ctx)
    page.markdown = f"# {ctx.corpus.refdata.identity.site_name}\n\n{_('home_intro', lang)}\n\n{HTML_SLOT}\n"
    yield page


def identity_block(ctx: BuildContext) -> str:
    """The Pokja's identity and how to contribute, on the home page (content/_data/identitas.yml)."""
    lang = ctx.lang
    who = ctx.corpus.refdata.identity
    esc = html.escape
    lines = [f"<strong>{esc(who.name)}</strong>"]
    if who.address:
        lines.append(esc(who.address))
    contact = []
    if who.email:
        contact.append(f'<a href="mailto:{esc(who.email)}">{esc(who.email)}</a>')
    if who.phone:
        contact.append(esc(who.phone))
    if contact:
        lines.append(" · ".join(contact))
    return (
        f'<section class="pokja-home-about" aria-labelledby="pokja-contribute">'
        f'<h2 id="pokja-contribute">{esc(_("home_contribute_title", lang))}</h2>'
        f"<p>{esc(_('home_contribute_text', lang))}</p>"
        f'<p><a class="md-button md-button--primary" href="/kontribusi">{esc(_("nav_contribute", lang))}</a> '
        f'<a class="md-button" href="/akun">{esc(_("nav_login", lang))}</a></p>'
        f"<address>{'<br>'.join(lines)}</address>"
        "</section>"
    )


def nav(ctx: BuildContext) -> list[dict[str, str]]:
    """The home page's navigation entry (the content's own index.md has the same address)."""
    return [{_("home", ctx.lang): SRC_URI}]
