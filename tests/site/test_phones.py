"""Phones and slow links in the built site: pre-compressed files, feeds, identity, licence, offline files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import brotli
import pytest

from flask_app.settings import site_url
from site_builder.build import build_site
from site_builder.compress import MIN_BYTES, compress_tree

from .conftest import make_site_tree, page, write_config


def test_every_text_file_has_identical_compressed_copies(small_site: Path) -> None:
    html = small_site / "pedoman" / "pedoman-baru" / "index.html"
    raw = html.read_bytes()
    assert gzip.decompress(html.with_name("index.html.gz").read_bytes()) == raw
    assert brotli.decompress(html.with_name("index.html.br").read_bytes()) == raw
    # The theme's bundles and the feeds too; a PNG/ZIP never (already compressed).
    bundles = list((small_site / "assets" / "javascripts").glob("bundle.*.min.js"))
    assert bundles and all(b.with_name(b.name + ".gz").is_file() for b in bundles)
    assert (small_site / "feed.xml.br").is_file()
    assert not [p for p in small_site.rglob("*.png.gz")]


def test_compressed_copies_follow_their_file(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<p>isi</p>" * 200, encoding="utf-8")
    (tmp_path / "kecil.css").write_text("p{}", encoding="utf-8")
    stats = compress_tree(tmp_path)
    assert stats.files == 1 and stats.gzip_bytes < stats.raw_bytes
    assert (tmp_path / "a.html.gz").is_file() and not (tmp_path / "kecil.css.gz").exists()
    # The file shrinks below the threshold, then disappears: its copies go with it.
    (tmp_path / "a.html").write_text("x" * (MIN_BYTES - 1), encoding="utf-8")
    compress_tree(tmp_path, ["a.html"])
    assert not (tmp_path / "a.html.gz").exists() and not (tmp_path / "a.html.br").exists()
    (tmp_path / "a.html").write_text("<p>isi</p>" * 200, encoding="utf-8")
    compress_tree(tmp_path, ["a.html"])
    (tmp_path / "a.html").unlink()
    compress_tree(tmp_path, ["a.html"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kecil.css"]


def test_precompress_can_be_switched_off(tmp_path: Path) -> None:
    content = make_site_tree(tmp_path / "content")
    config = write_config(tmp_path, precompress=False)
    build_site(config, content_dir=content, site_dir=tmp_path / "site")
    assert not list((tmp_path / "site").rglob("*.br"))
    # Only the sitemap's own gzip copies, as search engines fetch them (the service compresses nothing else then).
    gz = sorted(p.name for p in (tmp_path / "site").rglob("*.gz"))
    assert gz and all(name.startswith("sitemap") and name.endswith(".xml.gz") for name in gz), gz


def test_feeds_are_announced_and_linked_with_absolute_addresses(small_site: Path) -> None:
    html = page(small_site, "pedoman/pedoman-baru")
    assert '<link rel="alternate" type="application/rss+xml" title="Umpan RSS" href="../../feed.xml">' in html
    assert 'type="application/feed+json"' in html
    assert '<a href="../../feed.xml">Umpan RSS</a>' in html  # the footer
    feed = json.loads((small_site / "feed.json").read_text(encoding="utf-8"))
    assert feed["home_page_url"] == site_url()
    assert all(item["url"].startswith(site_url()) for item in feed["items"])


def test_header_has_a_way_in_and_the_footer_the_identity(small_site: Path) -> None:
    html = page(small_site, "pedoman/pedoman-baru")
    assert '<a class="pokja-account__login" href="/akun">Masuk</a>' in html
    assert "Pokja PKP Provinsi Jawa Tengah" in html and "sekretariat@pokja-pkp.contoh.id" in html
    assert 'rel="license">Creative Commons Atribusi 4.0' in html
    assert 'href="/unduh/situs-luring.zip"' in html
    assert '<img src="../../assets/pokja/logo.svg" alt=""' in html


def test_home_page_says_how_to_contribute(small_site: Path) -> None:
    html = page(small_site, "")
    assert '<h2 id="pokja-contribute">Cara berkontribusi</h2>' in html
    assert 'href="/kontribusi">Kontribusi</a>' in html
    assert "<address><strong>Pokja PKP Provinsi Jawa Tengah</strong>" in html


def test_guidelines_and_modules_offer_offline_saving(small_site: Path) -> None:
    assert "Simpan untuk dibaca luring" in page(small_site, "pedoman/pedoman-baru")
    assert "Simpan untuk dibaca luring" in page(small_site, "modul/modul-dasar")
    assert "Simpan untuk dibaca luring" not in page(small_site, "program/program-rtlh")
    assert "Anda sedang luring" in page(small_site, "luring")
    manifest = json.loads((small_site / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["start_url"] == "./" and manifest["icons"][0]["src"] == "assets/pokja/logo.svg"
    assert 'href="../../manifest.webmanifest"' in page(small_site, "pedoman/pedoman-baru")
    assert "luring/" in (small_site / "sw.js").read_text(encoding="utf-8")


def test_every_export_carries_the_data_licence(small_site: Path) -> None:
    data = small_site / "data"
    for path in data.glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["license"]["id"] == "CC-BY-4.0", path.name
        assert doc["publisher"] == "Pokja PKP Provinsi Jawa Tengah"
    assert "CC BY 4.0" in (data / "LISENSI.txt").read_text(encoding="utf-8")
    assert "Creative Commons Atribusi 4.0" in page(small_site, "dasbor")


@pytest.mark.parametrize("value", ["https://pkp.contoh.id", "https://pkp.contoh.id/"])
def test_site_url_comes_from_pokja_base_url(value: str) -> None:
    assert site_url({"POKJA_BASE_URL": value}) == "https://pkp.contoh.id/"
