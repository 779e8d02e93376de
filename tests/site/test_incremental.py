"""Incremental publish: one changed or added document gives the same site as a full build."""

from __future__ import annotations

import datetime as dt
import filecmp
import shutil
from pathlib import Path

import pytest

from site_builder import tree_scan
from site_builder.build import SiteBuildError, build_site, publish_documents
from tests.conftest import CONTENT, base_meta, write_doc

from .conftest import SITE_DOCS, make_site_tree, write_config


def site_files(site: Path) -> dict[str, Path]:
    """Every file of a built site by relative path."""
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


def assert_same_site(a: Path, b: Path) -> None:
    """Both sites hold the same files with the same bytes."""
    files_a, files_b = site_files(a), site_files(b)
    assert sorted(files_a) == sorted(files_b)
    different = [name for name in files_a if not filecmp.cmp(files_a[name], files_b[name], shallow=False)]
    assert different == []


def test_publish_changed_and_added_documents_equals_full_build(built: tuple[Path, Path, Path], tmp_path: Path) -> None:
    config, content, site = built
    meta = dict(SITE_DOCS[("program", "program-rtlh")], title="Program RTLH Jawa Tengah (revisi)")
    meta["updated"] = dt.date(2025, 5, 1)
    changed = write_doc(content, "program", "program-rtlh", meta, body="## Latar belakang\n\nIsi baru.\n")
    added = write_doc(
        content,
        "pembelajaran",
        "pelajaran-baru",
        base_meta(
            "Pelajaran Baru Jawa Timur",
            contributor={"name": "Ani"},
            stakeholder_group="penyedia",
            region=["35"],
            tags=["pembiayaan"],
            related=["modul-dasar"],
            date=dt.date(2025, 4, 1),
        ),
    )
    written = publish_documents([changed, added], config_file=config, content_dir=content, site_dir=site)

    assert "program/program-rtlh/index.html" in written
    assert "pembelajaran/pelajaran-baru/index.html" in written
    # Pages that show the changed or added document: backlinks, related, listings, tags, provinces, feeds.
    for touched in (
        "pedoman/pedoman-koordinasi/index.html",  # lists the programme as related
        "pembelajaran/pelajaran-rtlh/index.html",  # names the programme as its programme
        "modul/modul-dasar/index.html",  # now referred to by the new lesson
        "program/index.html",
        "pembelajaran/index.html",
        "tag/pembiayaan/index.html",
        "wilayah/35/index.html",
        "wilayah/33/index.html",
        "feed.xml",
        "feed.json",
        "sitemap-pembelajaran.xml",  # the sitemap file of the new page's folder, not the others
    ):
        assert touched in written, touched
    assert "profil/pokja-jateng/index.html" not in written
    assert "keputusan/rapat-pleno/index.html" not in written
    assert "sitemap-keputusan.xml" not in written and "sitemap.xml" not in written
    assert "Program RTLH Jawa Tengah (revisi)" in (site / "pedoman/pedoman-koordinasi/index.html").read_text()

    fresh = tmp_path / "fresh"
    build_site(config, content_dir=content, site_dir=fresh)
    assert_same_site(site, fresh)


@pytest.mark.parametrize("how", ["renamed into place", "rewritten in place"])
def test_publish_picks_up_other_unpublished_changes(
    built: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """A file written by rename (git, the publisher, most editors) is seen by the folder's time; one rewritten
    in place by the next whole walk of the tree (tree_scan.FULL_EVERY), not before."""
    config, content, site = built
    first = write_doc(content, "modul", "modul-dasar", dict(SITE_DOCS[("modul", "modul-dasar")], trainer="Tim Baru"))
    staging = tmp_path / "staging"
    staging.mkdir()
    meta = dict(SITE_DOCS[("profil", "pokja-jateng")], title="Profil Baru")
    if how == "renamed into place":
        other = write_doc(staging, "profil", "pokja-jateng", meta).replace(content / "profil" / "pokja-jateng.md")
    else:
        other = write_doc(content, "profil", "pokja-jateng", meta)
        written = publish_documents([first], config_file=config, content_dir=content, site_dir=site)
        assert "profil/pokja-jateng/index.html" not in written
        monkeypatch.setattr(tree_scan, "FULL_EVERY", 0.0)
    written = publish_documents([first], config_file=config, content_dir=content, site_dir=site)
    assert "profil/pokja-jateng/index.html" in written and other.exists()
    fresh = tmp_path / "fresh"
    build_site(config, content_dir=content, site_dir=fresh)
    assert_same_site(site, fresh)


def test_publish_deleted_document_removes_its_page(built: tuple[Path, Path, Path], tmp_path: Path) -> None:
    config, content, site = built
    (content / "modul" / "modul-dasar.md").unlink()
    publish_documents([], config_file=config, content_dir=content, site_dir=site, deleted=["modul/modul-dasar.md"])
    assert not (site / "modul" / "modul-dasar").exists()
    fresh = tmp_path / "fresh"
    build_site(config, content_dir=content, site_dir=fresh)
    assert_same_site(site, fresh)


def test_publish_invalid_document_fails_with_the_check_message(built: tuple[Path, Path, Path]) -> None:
    config, content, site = built
    before = (site / "pedoman/index.html").read_bytes()
    bad = write_doc(content, "pedoman", "rusak", base_meta("Rusak", issuer="X", status="usang"))
    with pytest.raises(SiteBuildError) as err:
        publish_documents([bad], config_file=config, content_dir=content, site_dir=site)
    assert err.value.messages == [
        f"{content.as_posix()}/pedoman/rusak.md:10: status: 'usang' tidak termasuk pilihan: draf, berlaku, dicabut"
    ]
    assert (site / "pedoman/index.html").read_bytes() == before
    assert not (site / "pedoman/rusak").exists()


def test_publish_invalid_document_without_previous_build_is_refused(tmp_path: Path) -> None:
    """The full build a publish falls back on leaves other bad documents out, never the one published."""
    content = make_site_tree(tmp_path / "content")
    config = write_config(tmp_path, cache_dir=str(tmp_path / "cache"))
    bad = write_doc(content, "pedoman", "rusak", base_meta("Rusak", issuer="X", status="usang"))
    with pytest.raises(SiteBuildError) as err:
        publish_documents([bad], config_file=config, content_dir=content, site_dir=tmp_path / "site")
    assert err.value.messages == [
        f"{content.as_posix()}/pedoman/rusak.md:10: status: 'usang' tidak termasuk pilihan: draf, berlaku, dicabut"
    ]
    assert not (tmp_path / "site" / "pedoman").exists()


def test_full_build_with_a_bad_document_then_publish_equals_full_build(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, content, site = built
    write_doc(content, "pedoman", "rusak", base_meta("Rusak", issuer="X", status="usang"))
    build_site(config, content_dir=content, site_dir=site)  # the bad document is left out
    changed = write_doc(content, "modul", "modul-dasar", dict(SITE_DOCS[("modul", "modul-dasar")], trainer="Tim B"))
    written = publish_documents([changed], config_file=config, content_dir=content, site_dir=site)
    assert "modul/modul-dasar/index.html" in written
    assert not (site / "pedoman" / "rusak").exists()
    fresh = tmp_path / "fresh"
    build_site(config, content_dir=content, site_dir=fresh)
    assert_same_site(site, fresh)


def test_publish_without_previous_build_does_a_full_build(tmp_path: Path) -> None:
    content = make_site_tree(tmp_path / "content")
    config = write_config(tmp_path, cache_dir=str(tmp_path / "cache"))
    written = publish_documents(
        [content / "modul" / "modul-dasar.md"], config_file=config, content_dir=content, site_dir=tmp_path / "site"
    )
    assert "wilayah/33/index.html" in written and (tmp_path / "cache").is_dir()
    shutil.rmtree(tmp_path / "site")


def test_reused_converter_and_fragments_give_the_same_site(tmp_path: Path) -> None:
    """The plugin's one reused converter and its shared fragments (navigation, header, configuration
    script) render exactly what MkDocs' converter per page and Material's templates per page do."""
    content = make_site_tree(tmp_path / "content")
    for path in CONTENT.glob("*/*.md"):  # the starter content: richer Markdown (tables, links, lists)
        target = content / path.relative_to(CONTENT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    for folder in CONTENT.glob("*/lampiran"):
        shutil.copytree(folder, content / folder.relative_to(CONTENT), dirs_exist_ok=True)
    write_doc(
        content,
        "pedoman",
        "catatan-kaki",
        base_meta("Catatan Kaki", issuer="X", status="berlaku"),
        "Teks[^1] dan tabel.\n\n[^1]: Catatan.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n!!! note\n    Isi.\n",
    )
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    build_site(write_config(tmp_path / "a"), content_dir=content, site_dir=tmp_path / "reused")
    fresh = write_config(tmp_path / "b", reuse_markdown=False, reuse_fragments=False)
    build_site(fresh, content_dir=content, site_dir=tmp_path / "fresh")
    assert_same_site(tmp_path / "reused", tmp_path / "fresh")
