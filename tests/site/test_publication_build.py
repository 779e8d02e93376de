"""A publication's own build loop, the publisher's warm state and the compressing process (issue #14)."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import mkdocs.commands.build
import pytest

from site_builder import compress, state
from site_builder.build import build_site, publish_documents
from site_builder.content import load
from tests.conftest import base_meta, write_doc

from .conftest import make_site_tree, write_config
from .test_incremental import assert_same_site, site_files

PDF = b"%PDF-1.4\n% lampiran uji\n" + b"0" * 2048


def new_lesson(content: Path, slug: str, body: str, **extra: object) -> Path:
    meta = base_meta(
        f"Pelajaran {slug}",
        contributor={"name": "Ani"},
        stakeholder_group="penyedia",
        date=dt.date(2025, 4, 1),
        **extra,
    )
    return write_doc(content, "pembelajaran", slug, meta, body=body)


def test_a_publication_builds_only_its_pages_and_links_resolve_as_in_a_full_build(
    built: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, content, site = built
    # MkDocs' walk of every file must not run: a publication's files are its own, the rest found on demand.
    monkeypatch.setattr(mkdocs.commands.build, "get_files", lambda config: pytest.fail("walked every file"))
    (content / "pembelajaran" / "lampiran").mkdir(parents=True, exist_ok=True)
    (content / "pembelajaran" / "lampiran" / "laporan-baru.pdf").write_bytes(PDF)
    body = (
        "## Latar belakang\n\nLihat [modul dasar](../modul/modul-dasar.md), "
        "[laporan](lampiran/laporan-baru.pdf) dan [yang hilang](../modul/tidak-ada.md).\n"
    )
    lesson = new_lesson(
        content,
        "pelajaran-bertaut",
        body,
        attachments=[{"file": "lampiran/laporan-baru.pdf", "title": "Laporan baru"}],
    )
    before = {name for name in site_files(site)}
    written = publish_documents([lesson], config_file=config, content_dir=content, site_dir=site)

    page = (site / "pembelajaran/pelajaran-bertaut/index.html").read_text(encoding="utf-8")
    assert 'href="../../modul/modul-dasar/"' in page  # resolved through a file found on demand
    assert 'href="../modul/tidak-ada.md"' in page  # a missing target stays as written, as in a full build
    assert (site / "pembelajaran/lampiran/laporan-baru.pdf").read_bytes() == PDF  # copied with its page
    # Only the touched pages were written, not the site: far fewer than the pages it has.
    pages = [name for name in written if name.endswith("index.html")]
    assert "pembelajaran/pelajaran-bertaut/index.html" in pages
    assert "modul/modul-dasar/index.html" not in pages  # a link to it is no backlink
    assert len(pages) < len([n for n in before if n.endswith("index.html")]) / 2

    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    build_site(config, content_dir=content, site_dir=fresh)
    assert_same_site(site, fresh)


def test_the_publisher_keeps_the_state_it_wrote_and_reads_a_state_written_elsewhere(
    built: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, content, site = built
    reads: list[Path] = []
    real_read = state._read
    monkeypatch.setattr(state, "_read", lambda path: reads.append(path) or real_read(path))

    first = new_lesson(content, "pelajaran-satu", "Isi satu.\n", tags=["pembiayaan"])
    publish_documents([first], config_file=config, content_dir=content, site_dir=site)
    second = new_lesson(content, "pelajaran-dua", "Isi dua.\n", related=["pelajaran-satu"])
    publish_documents([second], config_file=config, content_dir=content, site_dir=site)
    # The full build and the first publication left the state in memory: neither publication read it.
    assert reads == []

    # Another process (another publisher, `pokja build`) rewrote the file: it is read again.
    state.forget()
    state_file = next((tmp_path / ".cache" / "pokja").glob("*.sqlite"))
    kept = real_read(state_file)
    assert kept is not None
    state.save_all(state_file, kept["corpus"], kept["stats"], kept["fingerprints"], kept["rows"], kept["today"])
    third = new_lesson(content, "pelajaran-tiga", "Isi tiga.\n")
    publish_documents([third], config_file=config, content_dir=content, site_dir=site)
    assert reads == [state_file]

    fresh = tmp_path / "fresh"
    build_site(config, content_dir=content, site_dir=fresh)
    assert_same_site(site, fresh)


def test_a_document_body_released_after_its_page_is_read_back_from_its_file(tmp_path: Path) -> None:
    content = make_site_tree(tmp_path / "content")
    corpus = load(content)
    doc = corpus.by_slug["modul-dasar"]
    body = doc.body
    doc.body = None
    assert body is not None and body.strip() == "## Latar belakang\n\nIsi dokumen."
    assert doc.markdown_body() == body


def test_a_big_build_compresses_in_a_process_with_the_same_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = make_site_tree(tmp_path / "content")
    config = write_config(tmp_path)
    build_site(config, content_dir=content, site_dir=tmp_path / "inline")
    monkeypatch.setattr(compress, "PROCESS_FROM", 0)
    started: list[list[str]] = []
    real_popen = compress.subprocess.Popen
    monkeypatch.setattr(compress.subprocess, "Popen", lambda args, **kw: started.append(args) or real_popen(args, **kw))
    build_site(config, content_dir=content, site_dir=tmp_path / "process")
    assert len(started) == 1 and started[0][1:3] == ["-m", "site_builder.compress"]  # this build's process
    assert_same_site(tmp_path / "inline", tmp_path / "process")
    page = tmp_path / "process" / "modul" / "modul-dasar" / "index.html"
    assert gzip.decompress((page.parent / "index.html.gz").read_bytes()) == page.read_bytes()


def test_a_copy_that_cannot_be_written_fails_the_compressor_with_its_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compress, "PROCESS_FROM", 0)
    site = tmp_path / "situs"
    (site / "baik").mkdir(parents=True)
    (site / "baik" / "index.html").write_bytes(b"<p>isi</p>" * 100)
    (site / "buruk").write_text("bukan folder")  # a file where the page's folder should be
    compressor = compress.Compressor(site, pages=1)
    compressor.submit("baik/index.html", "")
    compressor.submit("buruk/index.html", "")
    compressor.submit("baik/index.html", "")  # the one before is sent once "written"
    with pytest.raises(compress.CompressError, match="Not a directory"):
        compressor.finish()
    assert (site / "baik" / "index.html.gz").is_file()


def test_pages_keep_their_titles_once_their_markdown_is_dropped(built: tuple[Path, Path, Path]) -> None:
    _config, _content, site = built
    # A generated page outside the navigation takes its title from its first heading (kept from rendering).
    tag_page = (site / "tag/pembiayaan/index.html").read_text(encoding="utf-8")
    assert "<title>Tag: Pembiayaan perumahan - " in tag_page
    assert "<title>Modul Dasar Pokja - " in (site / "modul/modul-dasar/index.html").read_text(encoding="utf-8")
