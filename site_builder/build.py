"""Build the site in-process (full) and publish changed documents (incremental, same output)."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import secrets
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError

from . import state, tree_scan
from .content import Corpus, Problem, link_targets, load, load_one
from .context import BuildContext, Change
from .plugin import GENERATORS, Incremental, PokjaPlugin
from .publication import build_publication
from .site_files import cache_path, load_state, problem_lines, remove_page
from .views import CorpusViews


class SiteBuildError(Exception):
    """The build failed; ``messages`` holds each error or (strict) warning line MkDocs logged."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages) or "build gagal")
        self.messages = messages


class _Collect(logging.Handler):
    """Collects MkDocs' warnings and errors so a failed build can say what failed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class _DropDirtyWarning(logging.Filter):
    """MkDocs warns that --dirty gives inaccurate nav; ours is sections only and pages are chosen."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


def _config(
    config_file: str | Path, content_dir: str | Path | None, site_dir: str | Path | None, strict: bool = False
) -> MkDocsConfig:
    overrides: dict[str, object] = {"strict": strict}
    if content_dir is not None:
        overrides["docs_dir"] = str(Path(content_dir).resolve())
    if site_dir is not None:
        overrides["site_dir"] = str(Path(site_dir).resolve())
    return load_config(str(config_file), **overrides)


def _plugin(config: MkDocsConfig) -> PokjaPlugin:
    for plugin in config.plugins.values():
        if isinstance(plugin, PokjaPlugin):
            return plugin
    raise SiteBuildError([f"{config.config_file_path}: plugin 'pokja' tidak ada di daftar plugins"])


def _run(config: MkDocsConfig, *, dirty: bool, builder: Callable[[], None] | None = None) -> None:
    """MkDocs' build (or ``builder``, a publication's) with MkDocs' warnings collected for the error."""
    collector = _Collect()
    mkdocs_logger = logging.getLogger("mkdocs")
    build_logger = logging.getLogger("mkdocs.commands.build")
    dirty_filter = _DropDirtyWarning()
    mkdocs_logger.addHandler(collector)
    build_logger.addFilter(dirty_filter)
    try:
        if builder is not None:
            builder()
        else:
            mkdocs_build(config, dirty=dirty)
    except (Abort, BuildError) as exc:
        messages = [m for m in collector.messages if not m.startswith("Aborted")]
        raise SiteBuildError(messages or [str(exc)]) from exc
    finally:
        mkdocs_logger.removeHandler(collector)
        build_logger.removeFilter(dirty_filter)


def build_site(
    config_file: str | Path = "mkdocs.yml",
    *,
    content_dir: str | Path | None = None,
    site_dir: str | Path | None = None,
    strict: bool = False,
) -> None:
    """Full build through MkDocs' API; raises SiteBuildError with MkDocs' messages on failure."""
    config = _config(config_file, content_dir, site_dir, strict)
    _plugin(config).incremental = None
    _build_fresh(config)


def _build_fresh(config: MkDocsConfig) -> None:
    """A full build into a fresh folder next to the site, swapped in only when it succeeded.

    MkDocs empties its site folder before the plugin can refuse anything: building in place, one bad
    document would leave the whole public site answering 404. The last good site keeps serving instead.
    """
    plugin = _plugin(config)
    live = Path(config.site_dir)
    live.parent.mkdir(parents=True, exist_ok=True)
    fresh = live.parent / f".{live.name}.baru-{secrets.token_hex(4)}"
    plugin.live_site_dir = str(live)
    config["site_dir"] = str(fresh)
    try:
        _run(config, dirty=False)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    finally:
        config["site_dir"] = str(live)
        plugin.live_site_dir = None
    swap_in(fresh, live)


def swap_in(fresh: Path, live: Path) -> None:
    """Replace the folder ``live`` by ``fresh`` (two renames on one file system; the old one is removed)."""
    old = live.parent / f".{live.name}.lama-{secrets.token_hex(4)}"
    if live.exists():
        os.rename(live, old)
    os.rename(fresh, live)
    shutil.rmtree(old, ignore_errors=True)


def plan(
    corpus: Corpus, root: Path, changed: Iterable[str], deleted: Iterable[str], views: CorpusViews | None = None
) -> tuple[Corpus, set[str], list[Change], CorpusViews] | None:
    """Apply changes to a cached corpus; return it, the documents whose pages must be rebuilt, the changes
    and the updated corpus' sorted views (site_builder.views; the build's listings and panels use them).

    ``views``: the views of ``corpus`` a running publisher kept; they are updated in place (made when None).
    Returns None when only a full build is safe (a deletion may break references elsewhere).
    """
    changed, deleted = set(changed), set(deleted)
    if deleted:
        return None
    if views is None:
        views = CorpusViews.of(corpus)
    problems = [p for p in corpus.problems if p.path not in changed]
    errors: list[Problem] = []
    changes: list[Change] = []
    dirty: set[str] = set()
    for rel in sorted(changed):
        path = root / rel
        dirty.add(rel)
        if rel not in views.by_rel and "/" not in rel:  # a plain page such as index.md
            continue
        doc, doc_problems = load_one(corpus, path, by_slug=views.by_slug)
        problems.extend(doc_problems)
        errors.extend(p for p in doc_problems if p.severity == "error")
        if doc is not None:
            changes.append((views.by_rel.get(rel), doc))
    if errors:
        raise SiteBuildError(problem_lines(Corpus(root, {}, corpus.refdata, [], errors), root))
    views.apply(changes)
    # The views keep the documents in path order, as a full load lists them, so every page sorts alike.
    updated = Corpus(
        corpus.root, corpus.schemas, corpus.refdata, views.documents, problems, corpus.files_checked, adopt=False
    )
    updated.problems.sort(key=lambda p: (p.path, p.line, p.field))
    for old, doc in changes:
        slugs = set(link_targets(doc)) | (set(link_targets(old)) if old else set())
        slugs |= {d.slug for d in views.backlinks.get(doc.slug, [])}
        dirty |= {views.by_slug[s].rel_path for s in slugs if s in views.by_slug}
    return updated, dirty, changes, views


def publish_documents(
    changed: list[Path],
    *,
    config_file: str | Path = "mkdocs.yml",
    content_dir: str | Path | None = None,
    site_dir: str | Path | None = None,
    deleted: Iterable[str] = (),
) -> list[str]:
    """Rebuild the pages of changed documents and every page that shows them; return site paths written.

    ``deleted`` are paths relative to the content folder. Falls back to a full build when there is
    no state from a previous build (or the schemas changed); the output is the same either way.
    """
    # A running publisher keeps the whole corpus (site_builder.state): the cyclic garbage collector
    # walking it during a publication cost up to a second at 30,000 documents (issue #14). It is off while
    # the publication runs; afterwards it collects as usual (its full walks grow rarer as the kept state is
    # long-lived). Nothing is frozen: objects frozen while alive would never be collected once garbage.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _publish(changed, config_file, content_dir, site_dir, deleted, collector=enabled)
    except BaseException:
        # The kept views may hold half of this change: the next publication reads the state file again.
        state.forget()
        raise
    finally:
        if enabled:
            gc.enable()


def _publish(
    changed: list[Path],
    config_file: str | Path,
    content_dir: str | Path | None,
    site_dir: str | Path | None,
    deleted: Iterable[str],
    collector: bool,
) -> list[str]:
    config = _config(config_file, content_dir, site_dir)
    plugin = _plugin(config)
    root = Path(config.docs_dir)
    kept = load_state(cache_path(config, plugin.config))
    deleted = [Path(d).as_posix() for d in deleted]
    rels = {(Path(p) if Path(p).is_absolute() else Path.cwd() / p).resolve() for p in changed}
    changed_rels = {p.relative_to(root.resolve()).as_posix() for p in rels}
    result = None
    if kept is not None and Path(config.site_dir).is_dir():
        # The folders whose time moved since the last look (site_builder.tree_scan), the named files again.
        previous = kept.get("scan")
        scan = tree_scan.rescan(root, previous) if previous is not None else tree_scan.scan(root)
        tree_scan.refresh(root, sorted(changed_rels), scan)
        stats = scan.stats
        old_stats = kept["stats"]
        # Anything else that changed since the last build is published too, never left stale.
        stat_changes = stats.items() - old_stats.items()
        changed_rels |= {rel for rel, _st in stat_changes}
        gone = old_stats.keys() - stats.keys()
        structural = any(rel.startswith(("_schemas/", "_data/")) for rel in changed_rels | gone)
        if not structural:
            result = plan(kept["corpus"], root, changed_rels, set(deleted) | gone, kept.get("views"))
    if result is None:
        if collector:  # a full build manages the collector itself (plugin.on_config)
            gc.enable()
        plugin.incremental = None
        # A full build leaves bad documents out; the ones being published must be valid, as below.
        plugin.must_be_valid = changed_rels
        try:
            _build_fresh(config)
        finally:
            plugin.must_be_valid = set()
        return sorted(set(plugin.written))
    corpus, dirty, changes, views = result
    # Table rows of documents whose pages change are built again; every other row is reused.
    rows = kept.get("rows", {})
    for rel in dirty:
        rows.pop(rel, None)
    plugin.incremental = Incremental(
        corpus=corpus,
        dirty=dirty,
        fingerprints=kept["fingerprints"],
        stats=stats,
        scan=scan,
        rows=rows,
        changes=changes,
        today=kept.get("today"),
        stat_changes=stat_changes,
        stats_gone=gone,
        views=views,
        inputs=kept.get("inputs", {}),
    )
    try:
        # Only the pages the change touches are read and written (site_builder.publication).
        _run(
            config,
            dirty=True,
            builder=lambda: build_publication(
                config, sorted(dirty), generated=plugin.generated.__contains__, left_out=lambda: plugin.left_out
            ),
        )
    finally:
        plugin.incremental = None
    return sorted(set(plugin.written))


def warm_up(
    *, config_file: str | Path = "mkdocs.yml", content_dir: str | Path | None = None, site_dir: str | Path | None = None
) -> bool:
    """Read the last build's state, sort it into views and look at the tree, before the first publication.

    A publisher that has just started calls this so that its first job costs what the next ones do (at
    30,000 documents the first publication otherwise spent six seconds reading). False when there is no
    usable state (the first publication is a full build then).
    """
    config = _config(config_file, content_dir, site_dir)
    path = cache_path(config, _plugin(config).config)
    enabled = gc.isenabled()
    gc.disable()
    try:
        kept = load_state(path)
        if kept is None:
            return False
        kept.setdefault("views", CorpusViews.of(kept["corpus"]))
        kept.setdefault("scan", tree_scan.scan(Path(config.docs_dir)))
        kept.setdefault("inputs", _warm_generators(config, kept))
        state.remember(path, kept)
        return True
    finally:
        if enabled:
            gc.enable()


def _warm_generators(config: MkDocsConfig, kept: dict[str, Any]) -> dict[str, Any]:
    """The generators' ``warm`` over the last build's corpus, in a context as that build's plugin made it."""
    views: CorpusViews = kept["views"]
    ctx = BuildContext(
        corpus=kept["corpus"],
        lang=config.theme.get("language") or "id",
        today=kept.get("today") or dt.date.today(),
        per_page=_plugin(config).config.per_page,
    )
    for name in ("backlinks", "by_slug", "newest_first", "by_type", "by_tag", "by_province"):
        ctx.__dict__[name] = getattr(views, name)
    ctx.by_updated = views.by_updated
    inputs: dict[str, Any] = {}
    for generator in GENERATORS:
        warm = getattr(generator, "warm", None)
        if warm is not None:
            inputs.update(warm(ctx))
    return inputs


def clean_site(site_dir: str | Path) -> None:
    """Remove a built site."""
    shutil.rmtree(site_dir, ignore_errors=True)


__all__ = [
    "SiteBuildError",
    "build_site",
    "clean_site",
    "load",
    "publish_documents",
    "remove_page",
    "swap_in",
    "warm_up",
]
