"""The filterable table of documents that listings, tags, regions and the home page show, and its pages."""

from __future__ import annotations

import bisect
import functools
import html
from collections.abc import Callable
from dataclasses import dataclass

import markupsafe

from .content import Document
from .context import HTML_SLOT, BuildContext, Change, GeneratedPage, newest_first_key, region_names, templates
from .formatting import doc_url, fmt_date, href, md_escape, paged_src, src_url
from .i18n import N_, _
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


# The page address rows are built for (one folder deep; see doc_table).
ROW_URL = "x/"


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
    # A row depends on the document and the columns only: it is built once, for a page one folder deep
    # (its one link starts "../"), and given each page's own way up to the site root here.
    prefix = "../" * page_url.count("/")
    for doc in docs:
        key = tuple(columns) if columns else None
        per_doc = ctx.row_cache.get(doc.rel_path)
        if per_doc is None:
            per_doc = ctx.row_cache[doc.rel_path] = {}
        cached = per_doc.get(key)
        if cached is None:
            cached = per_doc[key] = doc_row(ctx, doc, ROW_URL, columns)
        row, provinces = cached
        provinces_seen |= provinces
        body.append(row if prefix == "../" else row.replace('<a href="../', f'<a href="{prefix}'))
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


# --- pages of a long listing ------------------------------------------------------------------------
#
# A listing of N documents (newest first) is cut from its OLDEST end into pages of ``per_page``:
# page 1 holds the oldest ``per_page``, page 2 the next, and the listing's own address (the first page a
# reader sees) the newest ``per_page`` to ``2 * per_page - 1``. A new document (the newest) therefore
# changes the first page only, and once every ``per_page`` additions one new numbered page appears:
# a publication rebuilds a few pages of each listing, never all of them (issue #14).


def chunk(docs: list[Document], per_page: int) -> list[list[Document]]:
    """``docs`` (newest first) as pages: the first page, then numbered pages F, F-1, ..., 1 (the oldest)."""
    return [chunk_at(docs, pos, per_page) for pos in range(pages_of(len(docs), per_page))]


def pages_of(total: int, per_page: int) -> int:
    """How many pages a listing of ``total`` documents has (the first page and the numbered ones)."""
    return max(0, total // per_page - 1) + 1


def chunk_at(docs: list[Document], pos: int, per_page: int) -> list[Document]:
    """The documents of page ``pos`` of chunk(docs) (0: the first page), without slicing the others."""
    full = pages_of(len(docs), per_page) - 1
    if pos == 0:
        return docs[: len(docs) - full * per_page]
    start = len(docs) - (full - pos + 1) * per_page
    return docs[start : start + per_page]


def page_of(position: int, total: int, per_page: int) -> int:
    """The page number (0: the first page) holding the document at ``position`` (0: the newest)."""
    full = max(0, total // per_page - 1)
    from_oldest = total - 1 - position
    number = from_oldest // per_page + 1
    return 0 if number > full else number


# Labels of the pager's links: (first page, toward the first, toward the last, last page).
NEWEST_FIRST = (N_("pager_newest"), N_("pager_newer"), N_("pager_older"), N_("pager_oldest"))
IN_ORDER = (N_("pager_first"), N_("pager_previous"), N_("pager_next"), N_("pager_last"))


def pager(targets: list[tuple[str, str]], current: int, page_url: str, lang: str, labels: tuple[str, ...]) -> str:
    """Plain links (no JavaScript needed) between the pages ``targets`` (source path, label) in reading order.

    ``current``: the position of the page showing it. Empty for a listing of one page.
    """
    if len(targets) < 2:
        return ""
    esc = html.escape
    last = len(targets) - 1

    def link(pos: int, label: str, rel: str = "") -> str:
        rel_attr = f' rel="{rel}"' if rel else ""
        here = ' aria-current="page"' if pos == current else ""
        return f'<a href="{esc(href(page_url, src_url(targets[pos][0])))}"{rel_attr}{here}>{esc(label)}</a>'

    first_label, toward_first, toward_last, last_label = (_(key, lang) for key in labels)
    items = [link(0, first_label)]
    if current > 0:
        items.append(link(current - 1, toward_first, "prev"))
    # A window of nearby pages: on a newest-first listing it depends on the page count only next to the
    # first page, so one more numbered page changes the pages beside it, not every page of the listing.
    items += [link(pos, targets[pos][1]) for pos in range(max(1, current - 2), min(last, current + 2) + 1)]
    if current < last:
        items.append(link(current + 1, toward_last, "next"))
    items.append(link(last, last_label))
    return f'<nav class="pokja-pager" aria-label="{esc(_("pager_label", lang))}">' + " ".join(items) + "</nav>"


def search_link(page_url: str, query: str, lang: str) -> str:
    """A link to the service's search page with this listing's filter preset (``type=pedoman``, ``tag=...``)."""
    target = f"{'../' * page_url.count('/')}cari?{query}" if query else f"{'../' * page_url.count('/')}cari"
    return f'<p class="pokja-search-all"><a href="{html.escape(target)}">{html.escape(_("search_all", lang))}</a></p>'


@dataclass
class PagedListing:
    """One long listing's pages: the first page's HTML (made when called) and the numbered pages (lazy)."""

    first_html: Callable[[], str]
    older: list[GeneratedPage]


def paged_listing(
    ctx: BuildContext,
    base_src: str,
    title: str,
    docs: list[Document],
    *,
    columns: list[str] | None = None,
    query: str = "",
    render: Callable[[list[Document], str], str] | None = None,
) -> PagedListing:
    """The pages of a listing of ``docs`` (newest first) whose first page lives at ``base_src``.

    ``render(docs, page_url)`` makes a page's table (default: ``doc_table`` with ``columns``).
    """
    lang = ctx.lang
    # Each page's documents are sliced when the page is made: a publication makes a few of them.
    full = pages_of(len(docs), ctx.per_page) - 1
    targets = [(base_src, "")] + [(paged_src(base_src, n), str(n)) for n in range(full, 0, -1)]

    def table(pos: int, url: str) -> str:
        here = chunk_at(docs, pos, ctx.per_page)
        rows = render(here, url) if render is not None else doc_table(ctx, here, url, columns)
        return search_link(url, query, lang) + rows + pager(targets, pos, url, lang, NEWEST_FIRST)

    def fill(page: GeneratedPage, pos: int, number: int) -> None:
        first = (number - 1) * ctx.per_page + 1
        intro = _("page_intro", lang, first=first, last=first + len(chunk_at(docs, pos, ctx.per_page)) - 1)
        page.markdown = f"# {md_escape(page.title)}\n\n{md_escape(intro)}\n\n{HTML_SLOT}\n"
        page.html = table(pos, page.url)

    older = [
        GeneratedPage(
            paged_src(base_src, number),
            _("page_title", lang, title=title, number=number),
            lazy=functools.partial(fill, pos=pos, number=number),
        )
        for pos, number in enumerate(range(full, 0, -1), start=1)
    ]
    return PagedListing(functools.partial(table, 0, src_url(base_src)), older)


def touched_numbers(
    docs: Callable[[], list[Document]], changes: list[Change], member: Callable[[Document], bool], per_page: int
) -> set[int]:
    """The pages (0: the first) of one listing that ``changes`` alter; ``docs()``: the listing after them.

    An edited row changes its page; a row added, removed or moved changes every page from its own
    toward the newest (the older pages keep their documents); one page more or fewer changes the page
    links of the pages next to the newest.
    """
    olds = sorted(newest_first_key(o) for o, _n in changes if o is not None and member(o))
    news = sorted(newest_first_key(n) for _o, n in changes if n is not None and member(n))
    if not olds and not news:
        return set()
    listing = docs()
    total_new = len(listing)
    total_old = total_new - len(news) + len(olds)

    def position(key: tuple[int, str, str]) -> int:
        # A binary search of the listing (sorted newest first): no key made for every document.
        return bisect.bisect_left(listing, key, key=newest_first_key)

    def position_before(key: tuple[int, str, str]) -> int:
        # The listing before = after - news + olds: count the keys before ``key`` in it.
        return position(key) - bisect.bisect_left(news, key) + bisect.bisect_left(olds, key)

    pages = {0}
    shifted: list[int] = []
    for old, new in changes:
        was, now = old is not None and member(old), new is not None and member(new)
        if was and now and newest_first_key(old) == newest_first_key(new):  # type: ignore[arg-type]
            pages.add(page_of(position(newest_first_key(new)), total_new, per_page))  # type: ignore[arg-type]
            continue
        if was:
            shifted.append(page_of(position_before(newest_first_key(old)), total_old, per_page))  # type: ignore[arg-type]
        if now:
            shifted.append(page_of(position(newest_first_key(new)), total_new, per_page))  # type: ignore[arg-type]
    full_old, full_new = (max(0, total // per_page - 1) for total in (total_old, total_new))
    if full_old != full_new:
        shifted.append(max(1, min(full_old, full_new) - 2))
    numbered = [p for p in shifted if p >= 1]
    if numbered:
        pages |= set(range(min(numbered), full_new + 1))
    return pages


def touched_srcs(base_src: str, numbers: set[int]) -> set[str]:
    """The source paths of pages ``numbers`` of the listing at ``base_src``."""
    return {base_src if n == 0 else paged_src(base_src, n) for n in numbers}
