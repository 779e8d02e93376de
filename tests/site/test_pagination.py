"""Long listings in pages: every document on exactly one page of its listing, page links that work, newest first."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from site_builder.build import build_site, publish_documents
from site_builder.content import load
from site_builder.listing import chunk, page_of
from tests.conftest import base_meta, write_doc

from .conftest import make_site_tree, write_config
from .test_incremental import assert_same_site

PER_PAGE = 3
LESSONS = 11  # with the small tree's two: 13 lessons, pages of 3 → first page 4, then pages 3, 2, 1


def lesson(i: int, **extra: object) -> dict[str, object]:
    """A valid lesson dated ``i`` days after 1 January 2023 (so each has its own place in the order)."""
    meta = base_meta(
        f"Pelajaran Uji {i:02d}",
        contributor={"name": "Ani"},
        stakeholder_group="penerima",
        date=dt.date(2023, 1, 1) + dt.timedelta(days=i),
        tags=["pembiayaan"] if i % 2 else ["koordinasi"],
        region=["35"] if i % 3 == 0 else ["33"],
    )
    meta.update(extra)
    return meta


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The small tree with eleven more lessons, built with three documents a page: (config, content, site)."""
    base = tmp_path_factory.mktemp("paged")
    content = make_site_tree(base / "content")
    for i in range(LESSONS):
        write_doc(content, "pembelajaran", f"pelajaran-uji-{i:02d}", lesson(i))
    config = write_config(base, per_page=PER_PAGE)
    build_site(config, content_dir=content, site_dir=base / "site", strict=True)
    return config, content, base / "site"


def html_of(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text(encoding="utf-8") if url.strip("/") else ""


def table_links(html: str) -> list[str]:
    """The document links in the rows of a page's listing table, in order."""
    body = re.search(r'<table class="pokja-table">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, "no listing table"
    return re.findall(r'<tr [^>]*><td><a href="([^"]+)">', body.group(1))


def pager_links(html: str) -> dict[str, str]:
    """The pager's links: label → href."""
    nav = re.search(r'<nav class="pokja-pager"[^>]*>(.*?)</nav>', html, re.S)
    return (
        {}
        if nav is None
        else {label: ref for ref, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1))}
    )


def resolve(url: str, ref: str) -> str:
    """A relative link from the page at site URL ``url`` (directory URLs) to a site URL."""
    parts = [p for p in url.strip("/").split("/") if p]
    for piece in ref.split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts) + "/"


def walk_listing(site: Path, first_url: str) -> list[tuple[str, list[str]]]:
    """Follow "Lebih lama »" from a listing's first page to its last: (page URL, document URLs) per page."""
    out = []
    url = first_url
    seen = set()
    while url not in seen:
        seen.add(url)
        html = html_of(site, url)
        out.append((url, [resolve(url, ref) for ref in table_links(html)]))
        older = pager_links(html).get("Lebih lama »")
        if older is None:
            break
        url = resolve(url, older)
        assert (site / url / "index.html").is_file(), url
    return out


def test_chunks_cut_from_the_oldest_end() -> None:
    docs = list(range(13))  # newest first
    pages = chunk(docs, 3)  # type: ignore[arg-type]
    assert pages == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]
    assert [page_of(i, 13, 3) for i in range(13)] == [0, 0, 0, 0, 3, 3, 3, 2, 2, 2, 1, 1, 1]
    # One newer document: only the first page changes.
    assert chunk([-1, *docs], 3)[1:] == pages[1:]  # type: ignore[list-item]
    # Fewer than two pages' worth: one page.
    assert chunk(docs[:5], 3) == [docs[:5]] and chunk([], 3) == [[]]  # type: ignore[arg-type]


def test_every_document_is_on_exactly_one_page_of_its_type_listing(paged: tuple[Path, Path, Path]) -> None:
    _config, content, site = paged
    for doc_type in ("pembelajaran", "pedoman"):
        walked = walk_listing(site, f"{doc_type}/")
        linked = [doc for _url, docs in walked for doc in docs]
        expected = sorted(f"{doc_type}/{p.stem}/" for p in (content / doc_type).glob("*.md"))
        assert sorted(linked) == expected  # each once: no duplicates, none missing
    walked = walk_listing(site, "pembelajaran/")
    assert [url for url, _docs in walked] == [
        "pembelajaran/",
        "pembelajaran/halaman/3/",
        "pembelajaran/halaman/2/",
        "pembelajaran/halaman/1/",
    ]
    assert [len(docs) for _url, docs in walked] == [4, 3, 3, 3]
    # Newest first across the pages: the test lessons are dated in slug order.
    order = [d for _url, docs in walked for d in docs if "pelajaran-uji" in d]
    assert order == [f"pembelajaran/pelajaran-uji-{i:02d}/" for i in range(LESSONS - 1, -1, -1)]


def test_tag_and_province_pages_are_paged_too(paged: tuple[Path, Path, Path]) -> None:
    _config, content, site = paged
    corpus = load(content)
    for first_url, belongs in (
        ("tag/pembiayaan/", lambda d: "pembiayaan" in d.tags),
        ("tag/koordinasi/", lambda d: "koordinasi" in d.tags),
        ("wilayah/35/", lambda d: any(c.split(".")[0] == "35" for c in d.regions)),
    ):
        linked = [d for _url, docs in walk_listing(site, first_url) for d in docs]
        assert sorted(linked) == sorted(doc.url for doc in corpus.documents if belongs(doc)), first_url
    older = html_of(site, "tag/koordinasi/halaman/1/")
    assert "<h1" in older and "Tag: Koordinasi — halaman 1" in older
    assert "Dokumen ke-1 sampai ke-3, dihitung dari yang terlama; terbaru lebih dulu." in older


def test_page_links_work_both_ways_and_mark_the_current_page(paged: tuple[Path, Path, Path]) -> None:
    _config, _content, site = paged
    first = {k: resolve("pembelajaran/", v) for k, v in pager_links(html_of(site, "pembelajaran/")).items()}
    assert first == {
        "Terbaru": "pembelajaran/",
        "3": "pembelajaran/halaman/3/",
        "2": "pembelajaran/halaman/2/",
        "Lebih lama »": "pembelajaran/halaman/3/",
        "Terlama": "pembelajaran/halaman/1/",
    }
    middle_html = html_of(site, "pembelajaran/halaman/2/")
    middle = pager_links(middle_html)
    assert resolve("pembelajaran/halaman/2/", middle["« Lebih baru"]) == "pembelajaran/halaman/3/"
    assert resolve("pembelajaran/halaman/2/", middle["Terbaru"]) == "pembelajaran/"
    assert resolve("pembelajaran/halaman/2/", middle["Lebih lama »"]) == "pembelajaran/halaman/1/"
    assert '<a href="../../../pembelajaran/halaman/2/" aria-current="page">2</a>' in middle_html
    for url in ("pembelajaran/halaman/3/", "pembelajaran/halaman/1/"):
        for ref in pager_links(html_of(site, url)).values():
            assert (site / resolve(url, ref) / "index.html").is_file(), (url, ref)
    # A listing of one page has no pager.
    assert pager_links(html_of(site, "modul/")) == {}


def test_each_listing_links_to_the_search_with_its_filter(paged: tuple[Path, Path, Path]) -> None:
    _config, _content, site = paged
    assert '<a href="../cari?type=pembelajaran">Cari dan saring' in html_of(site, "pembelajaran/")
    assert '<a href="../../../cari?type=pembelajaran">' in html_of(site, "pembelajaran/halaman/2/")
    assert '<a href="../../cari?tag=pembiayaan">' in html_of(site, "tag/pembiayaan/")
    assert '<a href="../../cari?region=35">' in html_of(site, "wilayah/35/")
    assert '<a href="../cari?region=00">' in html_of(site, "wilayah/")


def test_open_decisions_are_paged_by_due_date(tmp_path: Path) -> None:
    content = make_site_tree(tmp_path / "content")
    decisions = [
        {"no": k, "text": f"Keputusan {k}.", "status": "terbuka", "due": dt.date(2026, 1, k)} for k in range(1, 6)
    ]
    write_doc(
        content, "keputusan", "rapat-lagi", base_meta("Rapat Lagi", meeting={"kind": "pleno"}, decisions=decisions)
    )
    config = write_config(tmp_path, per_page=PER_PAGE)
    build_site(config, content_dir=content, site_dir=tmp_path / "site", strict=True)
    site = tmp_path / "site"
    first, second, third = (
        html_of(site, u) for u in ("keputusan-terbuka/", *(f"keputusan-terbuka/halaman/{n}/" for n in (2, 3)))
    )
    due = [re.findall(r"<tr[^>]*><td>([^<]+?)(?: <span|</td>)", h) for h in (first, second, third)]
    # The small tree's two open decisions (March and December 2025) come first, in due-date order.
    assert due == [
        ["1 Maret 2025", "1 Desember 2025", "1 Januari 2026"],
        ["2 Januari 2026", "3 Januari 2026", "4 Januari 2026"],
        ["5 Januari 2026"],
    ]
    links = {k: resolve("keputusan-terbuka/halaman/2/", v) for k, v in pager_links(second).items()}
    assert links == {
        "Awal": "keputusan-terbuka/",
        "« Sebelumnya": "keputusan-terbuka/",
        "2": "keputusan-terbuka/halaman/2/",
        "3": "keputusan-terbuka/halaman/3/",
        "Berikutnya »": "keputusan-terbuka/halaman/3/",
        "Akhir": "keputusan-terbuka/halaman/3/",
    }
    assert 'href="../../../keputusan/rapat-lagi/"' in second


def test_a_new_document_rebuilds_the_first_pages_only(paged: tuple[Path, Path, Path], tmp_path: Path) -> None:
    config, content, site = paged
    newest = write_doc(content, "pembelajaran", "pelajaran-terbaru", lesson(400, tags=["pembiayaan"], region=["35"]))
    try:
        written = set(publish_documents([newest], config_file=config, content_dir=content, site_dir=site))
        assert {"pembelajaran/index.html", "tag/pembiayaan/index.html", "wilayah/35/index.html"} <= written
        # 13 lessons became 14: still a first page and pages 3, 2, 1, which keep their documents.
        assert not [w for w in written if w.startswith("pembelajaran/halaman/")], sorted(written)
        fresh = tmp_path / "fresh"
        build_site(config, content_dir=content, site_dir=fresh)
        assert_same_site(site, fresh)
    finally:
        newest.unlink()
        build_site(config, content_dir=content, site_dir=site)


def test_publications_of_every_kind_of_change_equal_a_full_build(tmp_path: Path) -> None:
    """Generators make only the pages a change touches: backdated, moved, retagged, edited, added rows."""
    content = make_site_tree(tmp_path / "content")
    for i in range(LESSONS):
        write_doc(content, "pembelajaran", f"pelajaran-uji-{i:02d}", lesson(i))
    config = write_config(tmp_path, per_page=PER_PAGE)
    site = tmp_path / "site"
    build_site(config, content_dir=content, site_dir=site)
    steps = [
        # an old lesson's title only: its own page (and no other numbered page) changes
        ("pelajaran-uji-01", lesson(1, title="Pelajaran Uji 01 (revisi)")),
        # a backdated new lesson: every page from the oldest toward the newest shifts
        ("pelajaran-lama", lesson(-30)),
        # a lesson moves from one end to the other and changes tag and province
        ("pelajaran-uji-02", lesson(2, date=dt.date(2025, 1, 1), tags=["pembiayaan"], region=["35"])),
        # three more: one more numbered page appears
        *((f"pelajaran-tambah-{k}", lesson(500 + k)) for k in range(3)),
    ]
    for step, (slug, meta) in enumerate(steps):
        path = write_doc(content, "pembelajaran", slug, meta)
        written = publish_documents([path], config_file=config, content_dir=content, site_dir=site)
        if step == 0:
            # among the oldest: the first numbered page of its type and of its province, nothing newer
            assert [w for w in written if "/halaman/" in w] == [
                "pembelajaran/halaman/1/index.html",
                "wilayah/33/halaman/1/index.html",
            ]
        fresh = tmp_path / f"fresh-{step}"
        build_site(config, content_dir=content, site_dir=fresh)
        assert_same_site(site, fresh)
