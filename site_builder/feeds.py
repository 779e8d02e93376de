"""RSS and JSON feeds of new and updated documents, and the sitemap of every page (an index and its files)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterable
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from .compress import drop_siblings
from .content import Document
from .context import BuildContext
from .formatting import doc_url
from .i18n import _

FEED_SIZE = 50
SITE_TITLE = "Rumah Pengetahuan Pokja PKP"


def absolute(ctx: BuildContext, url: str) -> str:
    """A site URL made absolute with ``site_url`` (root-relative when the site has none)."""
    base = ctx.site_url.rstrip("/") if ctx.site_url else ""
    return f"{base}/{url.lstrip('/')}"


def feed_documents(ctx: BuildContext) -> list[Document]:
    """The newest documents by date of last change (publication when never updated)."""
    return ctx.recently_updated(FEED_SIZE)


def _stamp(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def rss(ctx: BuildContext) -> bytes:
    """RSS 2.0 of the newest documents."""
    lang = ctx.lang
    docs = feed_documents(ctx)
    items = []
    for doc in docs:
        link = absolute(ctx, doc_url(doc))
        category = escape(ctx.corpus.schemas[doc.type].label_in(lang))
        items.append(
            "  <item>\n"
            f"    <title>{escape(doc.title)}</title>\n"
            f"    <link>{escape(link)}</link>\n"
            f'    <guid isPermaLink="false">{escape(doc.rel_path)}</guid>\n'
            f"    <description>{escape(doc.summary)}</description>\n"
            f"    <category>{category}</category>\n"
            f"    <pubDate>{format_datetime(_stamp(doc.updated))}</pubDate>\n"
            "  </item>\n"
        )
    newest = format_datetime(_stamp(docs[0].updated)) if docs else ""
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        # The feed's own address: what feed validators ask of RSS 2.0 (readers use it to follow a move).
        f'  <atom:link href="{escape(absolute(ctx, "feed.xml"))}" rel="self" type="application/rss+xml"/>\n'
        f"  <title>{escape(SITE_TITLE)}: {escape(_('feed_title', lang))}</title>\n"
        f"  <link>{escape(absolute(ctx, ''))}</link>\n"
        f"  <description>{escape(_('home_intro', lang))}</description>\n"
        f"  <language>{lang}</language>\n"
        + (f"  <lastBuildDate>{newest}</lastBuildDate>\n" if newest else "")
        + "".join(items)
        + "</channel>\n</rss>\n"
    )
    return text.encode("utf-8")


def json_feed(ctx: BuildContext) -> bytes:
    """JSON Feed 1.1 of the newest documents."""
    lang = ctx.lang
    items = [
        {
            "id": doc.rel_path,
            "url": absolute(ctx, doc_url(doc)),
            "title": doc.title,
            "summary": doc.summary,
            "content_text": doc.summary,
            "date_published": _stamp(doc.date).isoformat(),
            "date_modified": _stamp(doc.updated).isoformat(),
            "tags": doc.tags,
            "_pokja": {"type": doc.type, "region": doc.regions},
        }
        for doc in feed_documents(ctx)
    ]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{SITE_TITLE}: {_('feed_title', lang)}",
        "home_page_url": absolute(ctx, ""),
        "feed_url": absolute(ctx, "feed.json"),
        "language": lang,
        "items": items,
    }
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# URLs in one sitemap file: the protocol allows 50,000; a national corpus has more, so the sitemap is an
# index of one file per top-level folder (split further past this many), and a publication rewrites (and
# compresses) only the files its pages are in.
SITEMAP_URLS = 40_000
SITEMAP_PART = "sitemap-{name}.xml"
ROOT_PART = "situs"


def url_folder(url: str) -> str:
    """The sitemap file a site URL goes in: its top-level folder (ROOT_PART for pages at the root)."""
    return url.split("/", 1)[0] if "/" in url else ROOT_PART


def group_urls(urls: Iterable[str]) -> dict[str, list[str]]:
    """Site URLs by url_folder, each folder's sorted (once each)."""
    groups: dict[str, list[str]] = {}
    for url in set(urls):
        groups.setdefault(url_folder(url), []).append(url)
    for group in groups.values():
        group.sort()
    return groups


def sitemap_parts(*grouped: dict[str, list[str]]) -> dict[str, list[str]]:
    """The URLs of each sitemap file by its name: one per folder, cut at SITEMAP_URLS.

    ``grouped``: URLs by folder, each sorted (group_urls), from different sources (documents, generated
    pages): a URL is in one of them only.
    """
    parts: dict[str, list[str]] = {}
    for folder in sorted({f for groups in grouped for f in groups}):
        runs = [groups[folder] for groups in grouped if folder in groups]
        # Sorted runs one after another: the sort merges them in one pass.
        group = runs[0] if len(runs) == 1 else sorted(url for run in runs for url in run)
        for k in range(0, len(group), SITEMAP_URLS):
            name = folder if k == 0 else f"{folder}-{k // SITEMAP_URLS + 1}"
            parts[SITEMAP_PART.format(name=name)] = group[k : k + SITEMAP_URLS]
    return parts


def sitemap(
    ctx: BuildContext,
    grouped: Iterable[dict[str, list[str]]],
    with_gzip: bool = True,
    made: dict[str, Any] | None = None,
) -> dict[str, bytes]:
    """sitemap.xml, an index of the sitemap files of every page (documents included), and those files.

    ``grouped``: every page's URL by folder (group_urls), from one or more sources (sitemap_parts).

    ``with_gzip=False`` when the build pre-compresses every file (site_builder.compress): its .gz are the ones.
    ``made``: what an earlier sitemap of the same site made (a running publisher keeps it): each URL's line
    and each file's bytes with its URLs, so a file whose URLs stayed the same is not made again.
    """
    made = {} if made is None else made
    lines_made: dict[str, str] = made.setdefault("lines", {})
    files_made: dict[str, tuple[list[str], bytes]] = made.setdefault("files", {})
    out: dict[str, bytes] = {}
    for name, part in sitemap_parts(*grouped).items():
        known = files_made.get(name)
        if known is not None and known[0] == part:
            out[name] = known[1]
            continue
        lines = [_XML, '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        for url in part:
            line = lines_made.get(url)
            if line is None:
                line = lines_made[url] = f"  <url><loc>{escape(absolute(ctx, url))}</loc></url>"
            lines.append(line)
        lines.append("</urlset>\n")
        out[name] = "\n".join(lines).encode("utf-8")
        files_made[name] = (part, out[name])
    index = [_XML, '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    index += [f"  <sitemap><loc>{escape(absolute(ctx, name))}</loc></sitemap>" for name in out]
    out["sitemap.xml"] = "\n".join([*index, "</sitemapindex>\n"]).encode("utf-8")
    if with_gzip:
        # mtime=0 keeps the gzip byte-identical between a full build and an incremental publish.
        out.update({f"{name}.gz": gzip.compress(data, mtime=0) for name, data in list(out.items())})
    return out


_XML = '<?xml version="1.0" encoding="UTF-8"?>'


def drop_sitemaps(site_dir: str | Path, keep: set[str]) -> list[str]:
    """Remove the sitemap files not in ``keep`` (a folder no page is in any more); returns their names."""
    gone = []
    for old in Path(site_dir).glob(SITEMAP_PART.format(name="*")):
        if old.name not in keep:
            old.unlink()
            drop_siblings(old)
            gone.append(old.name)
    return gone


def feed_files(ctx: BuildContext) -> dict[str, bytes]:
    """feed.xml and feed.json."""
    return {"feed.xml": rss(ctx), "feed.json": json_feed(ctx)}
