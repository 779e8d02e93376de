"""Build the site in-process (full) and publish changed documents (incremental, same output)."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError

from .content import Corpus, Document, Problem, load, load_one
from .context import Change
from .plugin import Incremental, PokjaPlugin
from .publication import build_publication
from .site_files import cache_path, load_state, problem_lines, remove_page, tree_stats


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


def _targets(doc: Document) -> set[str]:
    """Slugs whose pages show ``doc`` (its related documents and programme list it as a backlink)."""
    targets = set(doc.related)
    if isinstance(doc.meta.get("program"), str):
        targets.add(doc.meta["program"])
    return targets


def plan(
    corpus: Corpus, root: Path, changed: Iterable[str], deleted: Iterable[str]
) -> tuple[Corpus, set[str], list[Change], dict[str, list[Document]]] | None:
    """Apply changes to a cached corpus; return it, the documents whose pages must be rebuilt, the changes
    and the updated corpus' backlinks (the build's panels use them too).

    Returns None when only a full build is safe (a deletion may break references elsewhere).
    """
    changed, deleted = set(changed), set(deleted)
    if deleted:
        return None
    old_by_rel = {d.rel_path: d for d in corpus.documents}
    documents = list(corpus.documents)
    index = {d.rel_path: i for i, d in enumerate(documents)}
    problems = [p for p in corpus.problems if p.path not in changed]
    updated = Corpus(corpus.root, corpus.schemas, corpus.refdata, documents, problems, corpus.files_checked)
    errors: list[Problem] = []
    new_docs: list[Document] = []
    dirty: set[str] = set()
    for rel in sorted(changed):
        path = root / rel
        dirty.add(rel)
        if rel not in old_by_rel and "/" not in rel:  # a plain page such as index.md
            continue
        doc, doc_problems = load_one(updated, path)
        problems.extend(doc_problems)
        errors.extend(p for p in doc_problems if p.severity == "error")
        if doc is None:
            continue
        if rel in index:
            documents[index[rel]] = doc
        else:
            index[rel] = len(documents)
            documents.append(doc)
        new_docs.append(doc)
    if errors:
        raise SiteBuildError(problem_lines(Corpus(root, {}, corpus.refdata, [], errors), root))
    # A full load lists documents in path order: keep that order so every page sorts alike.
    documents.sort(key=lambda d: tuple(d.rel_path.split("/")))
    updated.problems.sort(key=lambda p: (p.path, p.line, p.field))
    by_slug = {d.slug: d for d in documents}
    backlinks = updated.backlinks()
    for doc in new_docs:
        old = old_by_rel.get(doc.rel_path)
        slugs = _targets(doc) | (_targets(old) if old else set())
        slugs |= {d.slug for d in backlinks.get(doc.slug, [])}
        dirty |= {by_slug[s].rel_path for s in slugs if s in by_slug}
    changes = [(old_by_rel.get(doc.rel_path), doc) for doc in new_docs]
    return updated, dirty, changes, backlinks


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
    config = _config(config_file, content_dir, site_dir)
    plugin = _plugin(config)
    root = Path(config.docs_dir)
    state = load_state(cache_path(config, plugin.config))
    deleted = [Path(d).as_posix() for d in deleted]
    rels = {(Path(p) if Path(p).is_absolute() else Path.cwd() / p).resolve() for p in changed}
    changed_rels = {p.relative_to(root.resolve()).as_posix() for p in rels}
    result = None
    if state is not None and Path(config.site_dir).is_dir():
        stats = tree_stats(root)
        old_stats = state["stats"]
        # Anything else that changed since the last build is published too, never left stale.
        changed_rels |= {rel for rel, st in stats.items() if old_stats.get(rel) != st}
        gone = set(old_stats) - set(stats)
        structural = any(rel.startswith(("_schemas/", "_data/")) for rel in changed_rels | gone)
        if not structural:
            result = plan(state["corpus"], root, changed_rels, set(deleted) | gone)
    if result is None:
        plugin.incremental = None
        # A full build leaves bad documents out; the ones being published must be valid, as below.
        plugin.must_be_valid = changed_rels
        try:
            _build_fresh(config)
        finally:
            plugin.must_be_valid = set()
        return sorted(set(plugin.written))
    corpus, dirty, changes, backlinks = result
    # Table rows of documents whose pages change are built again; every other row is reused.
    rows = {key: row for key, row in state.get("rows", {}).items() if key[0] not in dirty}
    plugin.incremental = Incremental(
        corpus=corpus,
        dirty=dirty,
        fingerprints=state["fingerprints"],
        stats=stats,
        rows=rows,
        changes=changes,
        today=state.get("today"),
        old_stats=old_stats,
        backlinks=backlinks,
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


def clean_site(site_dir: str | Path) -> None:
    """Remove a built site."""
    shutil.rmtree(site_dir, ignore_errors=True)


__all__ = ["SiteBuildError", "build_site", "clean_site", "load", "publish_documents", "remove_page", "swap_in"]
