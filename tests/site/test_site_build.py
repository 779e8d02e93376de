"""The static site: metadata panels, generated pages, feeds, failures, on a small tree and the starter content."""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from flask_app.settings import site_url
from site_builder import cli
from site_builder.build import SiteBuildError, build_site
from site_builder.content import load
from tests.conftest import CONTENT, base_meta, write_doc

from .conftest import make_site_tree, page, sitemap_text, write_config


def panel(html: str) -> str:
    """The metadata panel of a document page."""
    match = re.search(r'<aside class="pokja-panel".*?</aside>', html, re.S)
    assert match, "no metadata panel"
    return match.group(0)


def text(html: str) -> str:
    """Visible text with tags dropped and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def rows(html: str, table_class: str = "pokja-table") -> list[str]:
    """Text of each body row of the first table with ``table_class``."""
    table = re.search(rf'<table class="{table_class}[^"]*">.*?</table>', html, re.S)
    assert table, f"no table {table_class}"
    return [text(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0).split("<tbody>")[1], re.S)]


def test_program_panel_shows_period_agency_funding_and_targets(small_site: Path) -> None:
    p = text(panel(page(small_site, "program/program-rtlh")))
    assert "Periode 2023–2024" in p
    assert "Instansi pelaksana Dinas Perkim Provinsi Jawa Tengah" in p
    assert "APBD provinsi Rp 1.500.000.000" in p and "DAK Rp 500.000" in p and "Total Rp 1.500.500.000" in p
    assert "Wilayah Jawa Tengah , Kota Semarang" in p
    # Indikator, Wilayah, Tahun, Satuan, Baseline, Target, Realisasi, Capaian (%)
    assert "Rumah tidak layak huni yang ditangani Kota Semarang 2023 unit rumah 50 100 80 80,0" in p
    assert "Capaian (%)" in p


def test_keputusan_panel_shows_meeting_attendees_and_decisions(small_site: Path) -> None:
    p = text(panel(page(small_site, "keputusan/rapat-pleno")))
    assert "Rapat Jenis rapat: pleno · Tempat: Semarang" in p
    assert "Peserta Bappeda Provinsi Jawa Tengah BPN" in p
    assert "No. Keputusan Penanggung jawab Tenggat Status" in p
    assert "2 Keputusan tenggat akhir. Dinas Perkim 1 Desember 2025 terbuka" in p
    assert "1 Keputusan yang sudah selesai. Bappeda selesai" in p


def test_modul_panel_shows_objectives_audience_level_duration_sessions(small_site: Path) -> None:
    p = text(panel(page(small_site, "modul/modul-dasar")))
    assert "Tujuan pembelajaran Memahami peran Pokja" in p
    assert "Peserta sasaran Anggota Pokja baru" in p
    assert "Tingkat dasar" in p and "Durasi (menit) 180" in p
    assert "Rencana sesi Sesi Menit Metode Pengantar 60 ceramah Diskusi 120" in p


def test_pedoman_panel_shows_issuer_basis_version_status_review(small_site: Path) -> None:
    p = text(panel(page(small_site, "pedoman/pedoman-koordinasi")))
    assert "Penerbit Kementerian PKP" in p
    assert "Dasar hukum UU No. 1 Tahun 2011 PP No. 14 Tahun 2016" in p
    assert "Versi 1.2" in p and "Status berlaku" in p
    assert "Tinjau ulang paling lambat 1 Januari 2025" in p
    assert "Tanggal 10 Januari 2024" in p


def test_profil_panel_groups_members_by_stakeholder_group(small_site: Path) -> None:
    p = text(panel(page(small_site, "profil/pokja-jateng")))
    assert (
        "Surat Keputusan Nomor SK: 050/12/2023 · Tanggal SK: 1 Februari 2023 · Penerbit SK: Gubernur Jawa Tengah" in p
    )
    assert (
        "Regulator Jabatan Lembaga ketua Bappeda Provinsi Jawa Tengah "
        "Penyedia jasa Jabatan Lembaga anggota DPD REI Jawa Tengah "
        "Penerima manfaat Jabatan Lembaga anggota Forum BKM"
    ) in p


def test_related_and_backlinks(small_site: Path) -> None:
    program = page(small_site, "program/program-rtlh")
    back = re.search(r'<ul class="pokja-backlinks">(.*?)</ul>', program, re.S)
    assert back and ">Dirujuk oleh<" in program
    # Newest first: the lesson (May 2024) before the guideline (January 2024).
    assert text(back.group(1)) == "Pelajaran dari Penanganan RTLH Pembelajaran Pedoman Koordinasi Pokja Pedoman"
    assert 'href="../../pedoman/pedoman-koordinasi/"' in back.group(1)
    pedoman = page(small_site, "pedoman/pedoman-koordinasi")
    related = re.search(r'<ul class="pokja-related">(.*?)</ul>', pedoman, re.S)
    assert related and 'href="../../program/program-rtlh/"' in related.group(1)


def test_type_listing_uses_schema_columns_newest_first(small_site: Path) -> None:
    html = page(small_site, "pedoman")
    headers = re.search(r"<thead><tr>(.*?)</tr></thead>", html, re.S)
    assert headers and text(headers.group(1)) == "Judul Penerbit Status Versi Tanggal"
    assert rows(html) == [
        "Pedoman Pendataan Terbaru Dinas Perkim draf 1 September 2024",
        "Pedoman Koordinasi Pokja Kementerian PKP berlaku 1.2 10 Januari 2024",
    ]
    assert 'data-region="35"' in html and 'class="pokja-filter__region"' in html
    assert "<title>Pedoman - Rumah Pengetahuan Pokja PKP</title>" in html


def test_province_pages_list_their_documents(small_site: Path) -> None:
    jateng = page(small_site, "wilayah/33")
    assert "<h1" in jateng and "Provinsi Jawa Tengah" in jateng
    titles = [r.split(" Pedoman")[0] for r in rows(jateng)]
    assert len(titles) == 7 and "Pedoman Pendataan Terbaru" not in text(jateng)
    assert "Program RTLH Jawa Tengah Program Jawa Tengah, Kota Semarang" in " | ".join(rows(jateng))
    jatim = page(small_site, "wilayah/35")
    assert rows(jatim) == ["Pedoman Pendataan Terbaru Pedoman Jawa Timur 1 September 2024"]
    assert "Belum ada dokumen." in page(small_site, "wilayah/11")
    index = page(small_site, "wilayah")
    assert "Jawa Tengah 7" in " | ".join(rows(index, "pokja-table pokja-counts"))


def test_open_decisions_by_due_date(small_site: Path) -> None:
    html = page(small_site, "keputusan-terbuka")
    assert rows(html, "pokja-table pokja-decisions") == [
        "1 Maret 2025 lewat tenggat Keputusan tenggat awal. BPN Rapat Pleno Pokja Jawa Tengah Jawa Tengah",
        "1 Desember 2025 Keputusan tenggat akhir. Dinas Perkim Rapat Pleno Pokja Jawa Tengah Jawa Tengah",
    ]
    assert "Keputusan yang sudah selesai." not in html


def test_overdue_guidelines_page(small_site: Path) -> None:
    html = page(small_site, "pedoman-tinjau-ulang")
    assert rows(html) == ["Pedoman Koordinasi Pokja Kementerian PKP berlaku 1 Januari 2025"]
    assert "per 1 Juni 2025 (1 pedoman)" in html


def test_tag_pages(small_site: Path) -> None:
    html = page(small_site, "tag/data-informasi")
    assert rows(html) == ["Pedoman Pendataan Terbaru Pedoman Jawa Timur 1 September 2024"]
    assert "Data dan informasi 1" in " | ".join(rows(page(small_site, "tag"), "pokja-table pokja-counts"))


def test_feeds_list_new_and_updated_documents(small_site: Path) -> None:
    rss = ET.fromstring((small_site / "feed.xml").read_bytes())
    items = rss.findall("./channel/item")
    assert len(items) == 8
    assert items[0].findtext("title") == "Pedoman Pendataan Terbaru"
    # Absolute, from POKJA_BASE_URL (mkdocs.yml sets no site_url): a feed reader needs the full address.
    assert items[0].findtext("link") == site_url() + "pedoman/pedoman-baru/"
    assert rss.findtext("./channel/language") == "id"
    feed = json.loads((small_site / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["title"] for i in feed["items"]][:2] == ["Pedoman Pendataan Terbaru", "Pelajaran dari Penanganan RTLH"]
    assert feed["items"][0]["date_modified"] == "2024-09-01T00:00:00+00:00"


def test_sitemap_lists_every_page(small_site: Path) -> None:
    sitemap = sitemap_text(small_site)
    base = site_url()
    assert f"<loc>{base}program/program-rtlh/</loc>" in sitemap and f"<loc>{base}wilayah/33/</loc>" in sitemap
    # An index of one file per top-level folder, with absolute addresses.
    index = (small_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<sitemapindex" in index and f"<loc>{base}sitemap-program.xml</loc>" in index
    assert f"<loc>{base}program/program-rtlh/</loc>" in (small_site / "sitemap-program.xml").read_text("utf-8")


def test_a_sitemap_file_holds_at_most_its_limit_of_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder import feeds

    monkeypatch.setattr(feeds, "SITEMAP_URLS", 2)
    parts = feeds.sitemap_parts(feeds.group_urls(["a/3/", "b/1/", "a/1/"]), feeds.group_urls(["", "a/2/"]))
    assert parts == {
        "sitemap-a.xml": ["a/1/", "a/2/"],
        "sitemap-a-2.xml": ["a/3/"],
        "sitemap-b.xml": ["b/1/"],
        "sitemap-situs.xml": [""],
    }


def test_contributed_document_is_sanitised(small_site: Path) -> None:
    html = page(small_site, "pembelajaran/kiriman-anggota")
    # No element anywhere (body, table of contents, title) carries a handler or a script.
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", html) and "<script>alert" not in html
    assert "javascript:" not in html
    assert "Kutipan &lt;img src=x onerror=alert(5)&gt;" in html  # text stays text
    article = html.split('<aside class="pokja-panel"')[1]
    assert "Dikirim oleh anggota (Budi)" in article


def test_no_lunr_search_no_cdn_and_search_form_goes_to_cari(small_site: Path) -> None:
    html = page(small_site, "program/program-rtlh")
    assert '<form class="pokja-search" action="/cari" method="get" role="search">' in html
    assert '<input id="pokja-q" class="pokja-search__input" type="search" name="q"' in html
    assert not (small_site / "search").exists()
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html.split("<body")[1].split('<div class="md-content"')[0])
    assert '<html lang="id"' in html
    assert not (small_site / "_schemas").exists() and not (small_site / "_data").exists()


def test_metadata_values_are_escaped(tmp_path: Path) -> None:
    content = make_site_tree(tmp_path / "content")
    meta = base_meta('Judul <img src=x onerror="alert(1)">', contributor={"name": "<b>Eve</b>"})
    meta.update(stakeholder_group="penerima", contribution={"submission": 9, "contributor": "<script>x</script>"})
    write_doc(content, "pembelajaran", "judul-jahat", meta)
    build_site(write_config(tmp_path), content_dir=content, site_dir=tmp_path / "site")
    html = page(tmp_path / "site", "pembelajaran/judul-jahat")
    assert "<img src=x" not in html and "<b>Eve</b>" not in html and "<script>x" not in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html


def _tree_with_a_bad_document(tmp_path: Path) -> tuple[Path, str]:
    """The small tree plus one guideline with an invalid status; returns (content, its check line)."""
    content = make_site_tree(tmp_path / "content")
    write_doc(content, "pedoman", "rusak", base_meta("Rusak", issuer="X", status="usang"))
    problem = next(p for p in load(content).errors if p.path == "pedoman/rusak.md")
    assert problem.format() == "pedoman/rusak.md:10: status: 'usang' tidak termasuk pilihan: draf, berlaku, dicabut"
    return content, problem.format()


def test_bad_document_is_reported_and_left_out(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    content, line = _tree_with_a_bad_document(tmp_path)
    site = tmp_path / "site"
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        build_site(write_config(tmp_path), content_dir=content, site_dir=site)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [m for m in warnings if "rusak" in m] == [f"{content.as_posix()}/{line}"]
    # the rest of the site is built; the bad document is nowhere in it
    assert "Pedoman Koordinasi Pokja" in page(site, "pedoman/pedoman-koordinasi")
    assert len(rows(page(site, "pedoman"))) == 2 and "Rusak" not in page(site, "pedoman")
    assert not (site / "pedoman" / "rusak").exists()
    assert "rusak" not in sitemap_text(site)
    assert "rusak" not in (site / "feed.json").read_text(encoding="utf-8")


def test_strict_build_fails_on_a_bad_document_with_the_check_message(tmp_path: Path) -> None:
    content, line = _tree_with_a_bad_document(tmp_path)
    with pytest.raises(SiteBuildError) as err:
        build_site(write_config(tmp_path), content_dir=content, site_dir=tmp_path / "site", strict=True)
    assert err.value.messages == [f"{content.as_posix()}/{line}"]
    assert not (tmp_path / "site" / "pedoman").exists()


@pytest.mark.parametrize("strict", [True, False])
def test_pokja_build_strict_fails_on_a_bad_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], strict: bool
) -> None:
    content, line = _tree_with_a_bad_document(tmp_path)
    config = write_config(tmp_path)  # its docs_dir, content, is the tree beside it
    args = argparse.Namespace(config=str(config), site_dir=str(tmp_path / "site"), strict=strict, lang="id")
    code = cli.cmd_build(args)
    err = capsys.readouterr().err
    if strict:
        assert code == 1
        assert err.splitlines() == ["Pembangunan situs gagal:", f"{content.as_posix()}/{line}"]
    else:
        assert code == 0 and (tmp_path / "site" / "pedoman" / "pedoman-koordinasi" / "index.html").is_file()


def test_strict_fails_on_a_link_to_a_missing_document(tmp_path: Path) -> None:
    content = make_site_tree(tmp_path / "content")
    write_doc(
        content,
        "pedoman",
        "tautan",
        base_meta("Tautan", issuer="X", status="berlaku"),
        "Lihat [x](../modul/hilang.md).\n",
    )
    config = write_config(tmp_path)
    build_site(config, content_dir=content, site_dir=tmp_path / "site")  # not strict: builds
    with pytest.raises(SiteBuildError) as err:
        build_site(config, content_dir=content, site_dir=tmp_path / "site", strict=True)
    assert any("pedoman/tautan.md" in m and "../modul/hilang.md" in m for m in err.value.messages), err.value.messages


def test_starter_content_builds_strict(tmp_path: Path) -> None:
    if not any(CONTENT.glob("*/*.md")):
        pytest.skip("starter content not written yet")
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    site = tmp_path / "site"
    build_site(write_config(tmp_path), content_dir=content, site_dir=site, strict=True)
    corpus = load(content)
    for doc in corpus.documents:
        html = page(site, doc.url)
        assert 'class="pokja-panel"' in html, doc.rel_path
    for doc_type in corpus.schemas:
        assert len(rows(page(site, doc_type))) == len(corpus.of_type(doc_type)) or not corpus.of_type(doc_type)
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    assert len(feed["items"]) == min(50, len(corpus.documents))


def test_404_page_is_indonesian(small_site: Path) -> None:
    html = (small_site / "404.html").read_text(encoding="utf-8")
    assert "<h1>404 - Halaman tidak ditemukan</h1>" in html and "Not found" not in html
