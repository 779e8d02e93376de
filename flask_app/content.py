"""The content service: schemas, reference data, the corpus and the Markdown configuration of CONTENT_DIR.

One per app (``init_app``, kept in ``app.extensions``), with one cache policy: every part is read again
only when the content tree's fingerprint changed (``TreeFingerprint``: files, newest modification, total
size), or after ``invalidate()``; after the publisher's own writes, ``written()`` reads only the files it
wrote into the snapshot. Views and the publisher take one ``Snapshot`` per request (the publisher one per
batch) and read everything from it; nothing else walks content/. The Markdown configuration is read once
from the site's mkdocs.yml.
"""

from __future__ import annotations

import bisect
import logging
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from markupsafe import escape

from site_builder.content import Corpus, ParseCache, iter_markdown, load, load_one
from site_builder.i18n import _
from site_builder.render import MarkdownConfig, RenderRefused, render_member_markdown
from site_builder.schemas import RefData, Schema, load_refdata, load_schemas

EXTENSION = "pokja_content"
logger = logging.getLogger(__name__)
FINGERPRINTED = (".md", ".yml")


# Seconds between two full walks of the tree by TreeFingerprint: a file rewritten in place (not renamed
# into place, which moves its folder's time) is seen within this long.
FULL_EVERY = 5.0
# A folder time this close to now may move again within the same clock tick: walk it again next time.
SETTLE_NS = 2_000_000_000


class TreeFingerprint:
    """(files, newest modification, total size) of every Markdown, schema and reference file of a tree.

    What site_builder.content.CorpusCache.fingerprint says, from os.scandir instead of Path.rglob: 0.12 s
    instead of 0.96 s at 10,000 documents, and every request and publication takes one (issue #14). At
    100,000 documents that walk is 0.22 s, so it is made again only when a folder's modification time moved
    (a file added, removed or renamed into place: every writer of this project, git's checkouts and most
    editors) or ``full_every`` seconds after the last one; in between, one stat() per folder.
    """

    def __init__(self, root: Path, full_every: float = FULL_EVERY) -> None:
        self.root = root
        self.full_every = full_every
        self._lock = threading.Lock()
        # The last walk: its fingerprint, when it was made, each folder's time taken before it was read.
        self._last: tuple[int, int, int] | None = None
        self._at = 0.0
        self._folders: dict[str, int] = {}

    def fingerprint(self, full: bool = False) -> tuple[int, int, int]:
        """The tree's fingerprint now (a file removed while it is walked is left out).

        ``full``: walk the tree whatever the folders say (the publisher, which decides by what it reads).
        """
        with self._lock:
            last, at, folders = self._last, self._at, self._folders
        if not full and last is not None and time.monotonic() - at < self.full_every and _unmoved(folders):
            return last
        started = time.monotonic()
        fingerprint, folders = self.walk()
        with self._lock:
            self._last, self._at, self._folders = fingerprint, started, folders
        return fingerprint

    def forget(self) -> None:
        """Walk the whole tree on the next call."""
        with self._lock:
            self._last = None

    def walk(self) -> tuple[tuple[int, int, int], dict[str, int]]:
        """The fingerprint from a stat() of every file, and the folders' times (-1: too recent to trust)."""
        count = newest = size = 0
        folders = [str(self.root)]
        times: dict[str, int] = {}
        while folders:
            folder = folders.pop()
            try:
                # Taken before reading: a change made while the folder is read moves its time past this one.
                mtime = os.stat(folder).st_mtime_ns
                entries = list(os.scandir(folder))
            except OSError:  # removed while the tree is walked
                continue
            times[folder] = -1 if time.time_ns() - mtime < SETTLE_NS else mtime
            for entry in entries:
                name = entry.name
                try:
                    # Like rglob: into real folders, never through a link to one (which counts as a file).
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    if not name.endswith(FINGERPRINTED) or name in FINGERPRINTED:
                        continue
                    st = entry.stat()  # follows a link, as os.stat of its path did
                except OSError:
                    continue
                count, size = count + 1, size + st.st_size
                if st.st_mtime_ns > newest:
                    newest = st.st_mtime_ns
        return (count, newest, size), times


def _unmoved(folders: dict[str, int]) -> bool:
    """Whether every folder still has the time it had when it was read."""
    try:
        return all(mtime >= 0 and os.stat(folder).st_mtime_ns == mtime for folder, mtime in folders.items())
    except OSError:
        return False


@dataclass
class Snapshot:
    """The content tree as of one fingerprint; the corpus and the file list are loaded on first use."""

    root: Path
    fingerprint: tuple[int, int, int]
    schemas: dict[str, Schema]
    refdata: RefData
    # The service's parsed files: a new snapshot parses only the files that changed (ParseCache).
    cache: ParseCache | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _corpus: Corpus | None = field(default=None, repr=False)
    _paths: list[Path] | None = field(default=None, repr=False)

    @property
    def corpus(self) -> Corpus:
        """Every valid document, loaded with this snapshot's schemas and reference data."""
        with self._lock:
            if self._corpus is None:
                self._corpus = load(self.root, schemas=self.schemas, refdata=self.refdata, cache=self.cache)
            return self._corpus

    @property
    def paths(self) -> list[Path]:
        """Every Markdown file of the tree (valid or not), as the content model lists them."""
        with self._lock:
            if self._paths is None:
                self._paths = list(iter_markdown(self.root))
            return self._paths

    def slugs(self, doc_type: str) -> list[str]:
        """Slugs of the files directly in ``content/<doc_type>/``, sorted (valid or not)."""
        folder = self.root / doc_type
        return sorted(p.stem for p in self.paths if p.parent == folder)

    def taken_slugs(self) -> set[str]:
        """Slugs of every file in a type folder: a new document may not take one (even of a broken file)."""
        return {p.stem for p in self.paths if p.parent.parent == self.root}

    def slug_taken(self, slug: str) -> bool:
        """Whether a file of a type folder holds ``slug`` now (even a broken one): one stat per folder.

        What ``taken_slugs`` says of one slug, without listing the 10,000 files of the tree (issue #14).
        """
        with os.scandir(self.root) as entries:
            folders = [e.name for e in entries if e.is_dir() and not e.name.startswith(("_", "."))]
        return any((self.root / folder / f"{slug}.md").is_file() for folder in folders)


class ContentService:
    """The one reader of a content tree for the service, with one cache policy for every part."""

    def __init__(self, root: Path | str, mkdocs_config: Path | str) -> None:
        self.root = Path(root)
        self.mkdocs_config = Path(mkdocs_config)
        self._fingerprints = TreeFingerprint(self.root)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._markdown: MarkdownConfig | None = None
        # Parsed files kept between snapshots while the schemas and reference data stay the same: after a
        # publication only the new file is parsed, not the 10,000 others (issue #14).
        self._cache = ParseCache()
        self._definitions: tuple[tuple[str, int, int], ...] | None = None
        self._schemas: dict[str, Schema] | None = None
        self._refdata: RefData | None = None
        # The corpus of the snapshot before the current one, for pages that only show (recent_corpus).
        self._last_corpus: Corpus | None = None

    def _definitions_now(self) -> tuple[tuple[str, int, int], ...]:
        """(path, mtime, size) of every schema and reference-data file."""
        out = []
        for folder in ("_schemas", "_data"):
            for path in sorted((self.root / folder).rglob("*")):
                if path.is_file():
                    st = path.stat()
                    out.append((path.relative_to(self.root).as_posix(), st.st_mtime_ns, st.st_size))
        return tuple(out)

    def current(self, full: bool = False) -> Snapshot:
        """The snapshot of the tree as it is now: one stat() per folder when nothing changed.

        ``full``: a stat() of every file, so that a file rewritten in place within the last ``FULL_EVERY``
        seconds is seen too: the publisher writes by what it reads (once per batch).
        """
        fingerprint = self._fingerprints.fingerprint(full)
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None or snapshot.fingerprint != fingerprint:
                definitions = self._definitions_now()
                if snapshot is not None and snapshot._corpus is not None:
                    self._last_corpus = snapshot._corpus
                if definitions != self._definitions or self._schemas is None or self._refdata is None:
                    self._schemas, self._refdata = load_schemas(self.root), load_refdata(self.root)
                    self._definitions = definitions
                    self._cache.clear()
                    self._last_corpus = None  # other schemas or reference data: an older corpus is not shown
                snapshot = Snapshot(self.root, fingerprint, self._schemas, self._refdata, cache=self._cache)
                self._snapshot = snapshot
            return snapshot

    def recent_corpus(self) -> Corpus:
        """A corpus to show, not to decide by: the current snapshot's when it is loaded, else the last loaded.

        A page that previews a submission does not load the whole tree again after each publication (at
        100,000 documents that load took seconds per moderator's page while approvals were coming in).
        Validation and publication take ``current().corpus``.
        """
        snapshot = self.current()
        if snapshot._corpus is not None or self._last_corpus is None:
            return snapshot.corpus
        return self._last_corpus

    def schema_types(self) -> frozenset[str]:
        """The document types of the definitions loaded last: no walk of the tree once they are loaded."""
        schemas = self._schemas if self._schemas is not None else self.current().schemas
        return frozenset(schemas)

    def invalidate(self, paths: Iterable[Path | str] | None = None) -> None:
        """Forget the snapshot after a write: the next ``current()`` reads the tree again.

        ``paths``: the files written (only they are parsed again); without them every file is.
        """
        self._fingerprints.forget()
        with self._lock:
            self._snapshot = None
            if paths is None:
                self._definitions = None
                self._cache.clear()
                return
            for path in paths:
                path = Path(path)
                try:
                    rel = (path.resolve().relative_to(self.root.resolve()) if path.is_absolute() else path).as_posix()
                except ValueError:  # named another way than the tree: parse every file again, to be sure
                    self._cache.clear()
                    return
                self._cache.entries.pop(rel, None)

    def written(self, paths: Iterable[Path | str], base: Snapshot | None = None) -> Snapshot:
        """After the publisher wrote ``paths``: the snapshot with only those files read again.

        The loaded corpus gets the new documents in place of a reload of the tree (issue #14: 2.4 s per
        publication at 10,000 documents), with their own references and attachments checked. Whenever
        that could differ from a full load (a file was removed, broken or not loaded yet, another file
        names the new slug, the new file has an error or a slug another file holds) it falls back to
        ``invalidate(paths)``: the next ``current()`` loads again. The snapshot's fingerprint is the old
        one moved by these files only, so a change made by anyone else still makes ``current()`` reload.
        ``base``: the snapshot the writer validated against (default the service's latest); a request that
        took a new snapshot between the write and this call does not cost the writer a full load.
        """
        paths = [Path(p) for p in paths]
        with self._lock:
            updated = self._updated(base or self._snapshot, paths)
            if updated is not None:
                self._snapshot = updated
                return updated
        self.invalidate(paths)
        return self.current()

    def _updated(self, old: Snapshot | None, paths: list[Path]) -> Snapshot | None:
        """``old`` with ``paths`` read again, or None when only a full load gives the right corpus."""
        if old is None or old._corpus is None:
            return None
        corpus = old._corpus
        count, newest, size = old.fingerprint
        docs, problems, added = list(corpus.documents), list(corpus.problems), 0
        for path in paths:
            rel = self._rel(path)
            entry = self._cache.entries.pop(rel, None) if rel is not None else None
            if rel is None or path.suffix != ".md" or not path.is_file():
                return None
            if any(p.path == rel and p.severity == "error" for p in problems):
                return None  # it was broken: whoever named it was left silent, only a full load knows
            st = path.stat()
            if entry is None:  # a new file (a file that was there is always in the cache after a load)
                if any(p.path == rel for p in problems) or any(d.rel_path == rel for d in docs):
                    return None
                count, size, added = count + 1, size + st.st_size, added + 1
            else:
                size += st.st_size - entry[0][1]
            newest = max(newest, st.st_mtime_ns)
            rest = [d for d in docs if d.rel_path != rel]
            partial = Corpus(corpus.root, corpus.schemas, corpus.refdata, rest, [], adopt=False)
            doc, doc_problems = load_one(partial, self.root / rel)
            if doc is None or any(p.severity == "error" for p in doc_problems):
                return None
            before = {d.slug for d in docs if d.rel_path == rel}
            if doc.slug not in before and self._slug_named_elsewhere(doc.slug, rel, problems):
                return None
            problems = [p for p in problems if p.path != rel] + doc_problems
            # In the order a full load gives (the sorted paths of the tree).
            bisect.insort(rest, doc, key=lambda d: Path(d.rel_path).parts)
            docs = rest
        problems.sort(key=lambda p: (p.path, p.line, p.field))
        new = Corpus(
            corpus.root, corpus.schemas, corpus.refdata, docs, problems, corpus.files_checked + added, adopt=False
        )
        paths_now = None if old._paths is None else sorted({*old._paths, *(self.root / self._rel(p) for p in paths)})
        return Snapshot(
            old.root, (count, newest, size), old.schemas, old.refdata, cache=self._cache, _corpus=new, _paths=paths_now
        )

    def _rel(self, path: Path) -> str | None:
        """``path`` relative to the tree (POSIX), or None when it is named another way."""
        try:
            return (path.resolve().relative_to(self.root.resolve()) if path.is_absolute() else path).as_posix()
        except ValueError:
            return None

    def _slug_named_elsewhere(self, slug: str, rel: str, problems: list[Any]) -> bool:
        """Whether a new slug is held by another file (a broken one too) or named by a document as unknown."""
        for p in problems:
            if p.path != rel and (Path(p.path).stem == slug or (p.params or {}).get("value") == slug):
                return True
        return False

    @property
    def markdown(self) -> MarkdownConfig:
        """The site's Markdown configuration, read from mkdocs.yml on first use."""
        with self._lock:
            if self._markdown is None:
                try:
                    self._markdown = MarkdownConfig.from_mkdocs(self.mkdocs_config)
                except Exception as exc:  # MkDocs reports a bad file in many ways; the site build says which
                    # Previews still work (MkDocs' own defaults); the build of the site will fail on the file.
                    logger.warning("cannot read %s (%s); previews use MkDocs' defaults", self.mkdocs_config, exc)
                    self._markdown = MarkdownConfig.mkdocs_defaults()
            return self._markdown

    def render_body(self, body: str) -> str:
        """A member's Markdown as the site renders a contributed page's body: the site's extensions, sanitised."""
        try:
            return render_member_markdown(body, config=self.markdown)
        except RenderRefused as exc:
            # A body past the limits (or too slow) is shown as why, never as a 500 or a held thread.
            return f'<p class="render-refused">{escape(_(exc.key, **exc.params))}</p>'

    def render_refusal(self, body: str) -> str | None:
        """Why a member's body cannot be rendered within the limits (the message), else None."""
        try:
            render_member_markdown(body, config=self.markdown)
        except RenderRefused as exc:
            return _(exc.key, **exc.params)
        return None


def mkdocs_config_path(config: Any) -> Path:
    """The MkDocs configuration file the site is built with (the MKDOCS_CONFIG setting)."""
    return Path(config["MKDOCS_CONFIG"])


def init_app(app: Flask) -> None:
    """Attach the content service of CONTENT_DIR; nothing is read until the first request asks."""
    app.extensions[EXTENSION] = ContentService(app.config["CONTENT_DIR"], mkdocs_config_path(app.config))


def get_content(app: Flask | None = None) -> ContentService:
    """The content service of ``app`` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION]  # type: ignore[union-attr]
