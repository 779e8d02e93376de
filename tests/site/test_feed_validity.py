"""The feeds validate (RSS 2.0 as feed readers parse it, JSON Feed 1.1) with absolute links; the sitemap
lists the pages people search for and not the offline fallback page."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser

from flask_app.settings import site_url

from .conftest import sitemap_text

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_rss_feed_parses_cleanly_with_absolute_links(small_site: Path) -> None:
    data = (small_site / "feed.xml").read_bytes()
    parsed = feedparser.parse(data)
    # bozo: feedparser's flag for a feed that is not well-formed or breaks its format.
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    base = site_url()
    assert base.startswith(("http://", "https://"))
    assert parsed.feed.link == base
    assert parsed.entries and all(entry.link.startswith(base) for entry in parsed.entries)
    channel = ET.fromstring(data).find("channel")
    assert channel is not None
    # What the W3C validator asks of RSS 2.0: title, link, description; the feed's own address as atom:link.
    for required in ("title", "link", "description"):
        assert (channel.findtext(required) or "").strip(), required
    self_link = channel.find(f"{ATOM}link")
    assert self_link is not None and self_link.get("rel") == "self" and self_link.get("href") == f"{base}feed.xml"
    for item in channel.findall("item"):
        assert item.findtext("title") and item.findtext("guid")
        assert parsedate_to_datetime(item.findtext("pubDate") or "").tzinfo is not None  # RFC 822 with a zone


def test_the_json_feed_has_what_version_1_1_requires(small_site: Path) -> None:
    feed = json.loads((small_site / "feed.json").read_text(encoding="utf-8"))
    base = site_url()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"] == f"{base}feed.json"
    ids = [item["id"] for item in feed["items"]]
    assert ids and len(ids) == len(set(ids))  # every item has a unique id
    assert all(
        item["url"].startswith(base) and (item.get("content_text") or item.get("content_html"))
        for item in feed["items"]
    )


def test_the_sitemap_leaves_out_the_offline_page(small_site: Path) -> None:
    sitemap = sitemap_text(small_site)
    assert f"<loc>{site_url()}</loc>" in sitemap  # the home page
    assert "/luring/" not in sitemap
    assert (small_site / "luring" / "index.html").is_file()  # still built, for the service worker
