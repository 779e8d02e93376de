"""Formatting of the generated pages: dates and numbers in Indonesian, and the site's addresses.

The addresses of the page families that other pages link to (type listings, tags, regions) are
declared here once, for the generators that make those pages and for the panels and tables that link
to them: a leaf module, so neither side imports the other.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a leaf module: the field types (below the content model) use it too
    from .content import Document
    from .schemas import Region

MONTHS = {
    "id": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split(),
    "en": "January February March April May June July August September October November December".split(),
}

# Source paths (as MkDocs knows them) of the generated pages that other pages link to.
HOME_SRC = "index.md"
REGIONS_SRC = "wilayah/index.md"
TAGS_SRC = "tag/index.md"
# The folder of the numbered pages of a long listing (formatting.paged_src).
PAGES_FOLDER = "halaman"
# The anchor of the national documents on the regions page.
NATIONAL_ANCHOR = "nasional"


def fmt_date(value: dt.date, lang: str = "id") -> str:
    """``1 Maret 2024``."""
    return f"{value.day} {MONTHS.get(lang, MONTHS['id'])[value.month - 1]} {value.year}"


def fmt_datetime(value: dt.datetime, lang: str = "id", tz: dt.tzinfo | None = None) -> str:
    """``1 Maret 2024 14.05 WIB``: the site's date with the time in the Pokja's time zone (naive values are UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(tz or dt.UTC)
    # Indonesian writes the time with a period (14.05); English with a colon.
    clock = f"{local.hour:02d}.{local.minute:02d}" if lang == "id" else f"{local.hour:02d}:{local.minute:02d}"
    return f"{fmt_date(local.date(), lang)} {clock} {local.tzname() or 'UTC'}"


def fmt_number(value: float, lang: str = "id", decimals: int | None = None) -> str:
    """A number with Indonesian separators (``1.500.000``, ``90,5``)."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 2
    text = f"{value:,.{decimals}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def md_escape(text: str) -> str:
    """Escape text for a Markdown paragraph or heading (no markup from titles)."""
    escaped = html.escape(text, quote=False)
    for ch in "\\`*_[]#!|":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped


# --- addresses -----------------------------------------------------------------------------------


def src_url(src_uri: str) -> str:
    """The site URL of a source path (directory URLs: ``a/b.md`` and ``a/b/index.md`` are ``a/b/``)."""
    # String operations, not PurePosixPath: every generated page and link asks (issue #14).
    folder, _slash, name = src_uri.rpartition("/")
    dot = name.rfind(".")
    stem = name[:dot] if dot > 0 else name
    if stem == "index":
        return f"{folder}/" if folder else ""
    return f"{folder}/{stem}/" if folder else f"{stem}/"


def href(from_url: str, to_url: str) -> str:
    """A relative link from one site URL to another (directory URLs, both relative to the site root)."""
    # Up to the root, then down: no path arithmetic per link (hundreds of thousands at national scale).
    return ("../" * from_url.count("/") + to_url) or "./"


def doc_url(doc: Document) -> str:
    """A document's site URL (as Document.url, without path objects: it is asked for very often)."""
    return rel_path_url(doc.rel_path)


def rel_path_url(rel_path: str) -> str:
    """The site URL of a document's file (``pedoman/x.md`` is ``pedoman/x/``)."""
    return rel_path.removesuffix(".md") + "/"


def listing_src(doc_type: str) -> str:
    """The source path of a type's listing page."""
    return f"{doc_type}/index.md"


def tag_src(tag_id: str) -> str:
    """The source path of one tag's page."""
    return f"tag/{tag_id}.md"


def paged_src(base_src: str, number: int) -> str:
    """The source path of page ``number`` of a long listing whose first page is ``base_src``.

    ``pedoman/index.md`` → ``pedoman/halaman/3.md``; ``tag/rtlh.md`` → ``tag/rtlh/halaman/3.md``
    (``halaman`` is a reserved slug, so no document takes that address).
    """
    folder = base_src.removesuffix("index.md").removesuffix(".md").rstrip("/")
    return f"{folder}/{PAGES_FOLDER}/{number}.md" if folder else f"{PAGES_FOLDER}/{number}.md"


def province_src(code: str) -> str:
    """The source path of one province's page."""
    return f"wilayah/{code}.md"


def region_url(region: Region) -> str:
    """The page listing a region's documents (a district's province page, at its anchor)."""
    if region.level == "nasional":
        return f"{src_url(REGIONS_SRC)}#{NATIONAL_ANCHOR}"
    if region.level == "provinsi":
        return src_url(province_src(region.code))
    return src_url(province_src(str(region.province)))
