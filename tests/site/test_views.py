"""The views a running publisher keeps (site_builder.views) equal what a fresh load and context compute."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from site_builder.content import Corpus, load, load_one
from site_builder.context import BuildContext
from site_builder.formatting import doc_url
from site_builder.views import CorpusViews
from tests.conftest import base_meta, write_doc

from .conftest import SITE_DOCS, make_site_tree

LISTS = ("newest_first", "by_updated", "documents")
GROUPS = ("by_type", "by_tag", "by_province", "backlinks")


def _rels(docs: list) -> list[str]:
    return [d.rel_path for d in docs]


def assert_views_equal(kept: CorpusViews, fresh: CorpusViews) -> None:
    """The same documents (by path) in the same order in every list and group, the same indexes."""
    for name in LISTS:
        assert _rels(getattr(kept, name)) == _rels(getattr(fresh, name)), name
    for name in GROUPS:
        a, b = getattr(kept, name), getattr(fresh, name)
        assert {k: _rels(v) for k, v in a.items()} == {k: _rels(v) for k, v in b.items()}, name
    assert sorted(kept.by_rel) == sorted(fresh.by_rel)
    assert sorted(kept.by_slug) == sorted(fresh.by_slug)
    assert kept.urls == fresh.urls


def test_kept_views_follow_edits_additions_and_removals_as_a_fresh_load(tmp_path: Path) -> None:
    content = make_site_tree(tmp_path / "content")
    corpus = load(content)
    views = CorpusViews.of(corpus)
    before = {d.rel_path: d for d in corpus.documents}

    # An edit that moves a programme in time, to another province and tag, and drops its related links;
    # a new lesson naming a module as related (a backlink appears); a guideline removed.
    meta = dict(SITE_DOCS[("program", "program-rtlh")], date=dt.date(2020, 1, 1), region=["33", "35"], tags=["mbr"])
    meta["updated"] = dt.date(2026, 1, 1)
    edited = write_doc(content, "program", "program-rtlh", meta)
    added = write_doc(
        content,
        "pembelajaran",
        "pelajaran-views",
        base_meta(
            "Pelajaran Views", contributor={"name": "Ani"}, stakeholder_group="penyedia", related=["modul-dasar"]
        ),
    )
    removed = "pedoman/pedoman-baru.md"
    (content / removed).unlink()
    changes = []
    for path in (edited, added):
        doc, problems = load_one(corpus, path, by_slug=views.by_slug)
        assert doc is not None, problems
        changes.append((before.get(doc.rel_path), doc))
    changes.append((before[removed], None))
    views.apply(changes)

    fresh_corpus = load(content)
    assert_views_equal(views, CorpusViews.of(fresh_corpus))
    # And what the build context would work out from the corpus itself.
    kept_corpus = Corpus(corpus.root, corpus.schemas, corpus.refdata, views.documents, [])
    ctx = BuildContext(corpus=kept_corpus)
    assert _rels(ctx.newest_first) == _rels(views.newest_first)
    for name in ("by_type", "by_tag", "by_province", "backlinks"):
        assert {k: _rels(v) for k, v in getattr(ctx, name).items()} == {
            k: _rels(v) for k, v in getattr(views, name).items()
        }, name
    assert _rels(ctx.recently_updated(5)) == _rels(views.by_updated[:5])
    assert "modul-dasar" in views.backlinks and "pembelajaran/pelajaran-views.md" in _rels(
        views.backlinks["modul-dasar"]
    )
    assert doc_url(before[removed]) not in views.urls


def test_publications_in_turn_keep_their_views_and_give_the_full_build(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Three publications in one process, the kept views carried from one to the next: the same site, byte
    for byte, as a full build, and the kept views equal a fresh load's."""
    from site_builder import state
    from site_builder.build import build_site, publish_documents

    from .test_incremental import assert_same_site

    config, content, site = built
    for k in range(3):
        path = write_doc(
            content,
            "pembelajaran",
            f"pelajaran-giliran-{k}",
            base_meta(f"Pelajaran Giliran {k}", contributor={"name": "Ani"}, stakeholder_group="penyedia"),
        )
        publish_documents([path], config_file=config, content_dir=content, site_dir=site)
    assert state._warm is not None
    kept = state._warm[2]["views"]
    assert_views_equal(kept, CorpusViews.of(load(content)))
    fresh = tmp_path / "fresh"
    build_site(config, content_dir=content, site_dir=fresh)
    assert_same_site(site, fresh)


def test_a_publisher_warmed_up_publishes_as_one_that_ran_before(built: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """warm_up reads the state file into views and a scan of the tree; the publication after it gives the site
    of a full build (a change made before the warm-up included)."""
    from site_builder import state
    from site_builder.build import build_site, publish_documents, warm_up

    from .test_incremental import assert_same_site

    config, content, site = built
    state.forget()  # as a publisher just started: nothing in memory
    earlier = write_doc(
        content, "modul", "modul-dasar", dict(SITE_DOCS[("modul", "modul-dasar")], trainer="Tim Sebelum Mulai")
    )
    assert warm_up(config_file=config, content_dir=content, site_dir=site)
    assert state._warm is not None and {"views", "scan"} <= set(state._warm[2])
    path = write_doc(
        content,
        "pembelajaran",
        "pelajaran-setelah-mulai",
        base_meta("Pelajaran Setelah Mulai", contributor={"name": "Ani"}, stakeholder_group="penyedia"),
    )
    written = publish_documents([path], config_file=config, content_dir=content, site_dir=site)
    assert "modul/modul-dasar/index.html" in written and earlier.exists()
    fresh = tmp_path / "fresh"
    build_site(config, content_dir=content, site_dir=fresh)
    assert_same_site(site, fresh)
    # Without a state file (a site never built there) there is nothing to warm.
    assert not warm_up(config_file=config, content_dir=content, site_dir=tmp_path / "nowhere")
