"""Issue #13, Why 1 and 3: a failed build never empties the site; a reserved slug never clashes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.build import SiteBuildError, build_site
from tests.site.conftest import make_site_tree, write_config


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_a_failed_full_build_keeps_the_last_good_site_and_leaves_no_folder_behind(tmp_path: Path) -> None:
    content = make_site_tree(tmp_path / "content")
    config = write_config(tmp_path)
    site = tmp_path / "site"
    build_site(config, content_dir=content, site_dir=site)
    before = pages(site)
    assert "pembelajaran/index.html" in before
    # A lesson named index (the type's generated listing) and a 245-deep list: the strict build fails.
    lesson = next((content / "pembelajaran").glob("*.md"))
    shutil.copy(lesson, content / "pembelajaran" / "index.md")
    with pytest.raises(SiteBuildError) as failed:
        build_site(config, content_dir=content, site_dir=site, strict=True)
    assert "nama berkas 'index' dipakai oleh halaman yang dibuat situs sendiri" in str(failed.value)
    assert pages(site) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []
    # Not strict: the reserved document is left out and the listing stays the generated one.
    build_site(config, content_dir=content, site_dir=site)
    assert pages(site) == before
    listing = (site / "pembelajaran" / "index.html").read_text(encoding="utf-8")
    assert lesson.stem in listing
