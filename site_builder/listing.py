"""The filterable table of documents that listings, tags, regions and the home page show."""

from __future__ import annotations

import html

import markupsafe

from .content import Document
from .context import BuildContext, region_names, templates
from .formatting import doc_url, fmt_date, href
from .i18n import _
from .panel import Cell, listing_cell


def doc_row(ctx: BuildContext, doc: Document, page_url: str, columns: list[str] | None) -> tuple[str, frozenset[str]]:
    """One table row as escaped HTML (built in Python, not Jinja: rows are the bulk of generated HTML)."""
    lang = ctx.lang
    refdata = ctx.corpus.refdata
    if columns is None:
        cells: list[Cell] = [
            (href(page_url, doc_url(doc)), doc.title),
            ctx.corpus.schemas[doc.type].label_in(lang),
            region_names(ctx, doc.regions),
            fmt_date(doc.date, lang),
        ]
    else:
        cells = [listing_cell(ctx, doc, c, page_url) for c in columns]
    provinces = frozenset(refdata.regions[c].province_code or "00" for c in doc.regions if c in refdata.regions)
    esc = html.escape
    tds = "".join(
        f'<td><a href="{esc(c[0])}">{esc(c[1])}</a></td>' if isinstance(c, tuple) else f"<td>{esc(c)}</td>"
        for c in cells
    )
    row = (
        f'<tr data-region="{esc(" ".join(sorted(provinces | set(doc.regions))))}"'
        f' data-tags="{esc(" ".join(doc.tags))}" data-years="{" ".join(str(y) for y in doc.years)}"'
        f' data-text="{esc(f"{doc.title} {doc.summary}".lower())}">{tds}</tr>\n'
    )
    return row, provinces


def doc_table(ctx: BuildContext, docs: list[Document], page_url: str, columns: list[str] | None = None) -> str:
    """A filterable table of documents: the schema's listing columns, or title/type/region/date."""
    lang = ctx.lang
    refdata = ctx.corpus.refdata
    schemas = ctx.corpus.schemas
    if columns is None:
        headers = [_("title", lang), _("type", lang), _("region", lang), _("date", lang)]
    else:
        fields = schemas[docs[0].type].fields if docs else {}
        headers = [fields[c].label_in(lang) if c in fields else c for c in columns]
    provinces_seen: set[str] = set()
    body = []
    depth = page_url.count("/")
    for doc in docs:
        # A row depends on the document, the page's depth and the columns only: tag and province
        # pages (all at depth 2) share it, so each document's row is built about once per build.
        key = (doc.rel_path, depth, tuple(columns) if columns else None)
        cached = ctx.row_cache.get(key)
        if cached is None:
            cached = ctx.row_cache[key] = doc_row(ctx, doc, page_url, columns)
        row, provinces = cached
        provinces_seen |= provinces
        body.append(row)
    years = sorted({y for d in docs for y in d.years}, reverse=True)
    tags = sorted({t for d in docs for t in d.tags})
    provinces = [r for r in refdata.provinces() if r.code in provinces_seen]
    return (
        templates()
        .get_template("table.html")
        .render(
            headers=headers,
            body=markupsafe.Markup("".join(body)),
            empty=_("none", lang),
            filters=len(docs) > 1,
            provinces=[(r.code, r.name) for r in provinces],
            tags=[(t, refdata.tags[t].label_in(lang) if t in refdata.tags else t) for t in tags],
            years=years,
            lang=lang,
            total=len(docs),
        )
    )
