"""The state a build leaves for incremental publication, kept per document in one SQLite file.

One row per document (pickled without its schema and line numbers, with its listing table rows), per
generated page's fingerprint and per content file's (mtime, size): a publication reads the state and
writes back only the rows its change altered, never the whole corpus again (issue #14).
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import sqlite3
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .content import Corpus, Document

# Bump when the layout or what is kept changes: an older state is ignored (a full build follows).
VERSION = 5

_TABLES = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
    # A document and its listing rows (listing.doc_table) travel together: one row, one read.
    "CREATE TABLE docs (rel_path TEXT PRIMARY KEY, doc BLOB NOT NULL, rows BLOB NOT NULL)",
    "CREATE TABLE pages (src_uri TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)",
    "CREATE TABLE stats (rel_path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL)",
)
Row = tuple[str, frozenset[str]]
# A document's listing rows by their columns (None: the generic columns), by document path.
Rows = dict[str, dict[tuple[str, ...] | None, Row]]


def _pack(obj: Any) -> bytes:
    return zlib.compress(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), 1)


def _unpack(data: bytes) -> Any:
    return pickle.loads(zlib.decompress(data))


def _doc_blob(doc: Document) -> bytes:
    # The schema is the corpus' own (put back on load); line numbers only serve validation messages.
    return _pack(dataclasses.replace(doc, lines={}, schema=None))


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def save_all(
    path: Path,
    corpus: Corpus,
    stats: dict[str, tuple[int, int]],
    fingerprints: dict[str, str],
    rows: Rows,
    today: Any,
) -> None:
    """Write the whole state into a new file swapped in for the old one (a full build)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    db = _connect(tmp)
    try:
        db.execute("BEGIN")
        for statement in _TABLES:
            db.execute(statement)
        skeleton = Corpus(corpus.root, corpus.schemas, corpus.refdata, [], corpus.problems, corpus.files_checked)
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("version", _pack(VERSION)), ("corpus", _pack(skeleton)), ("today", _pack(today))],
        )
        db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?)",
            ((d.rel_path, _doc_blob(d), _pack(rows.get(d.rel_path, {}))) for d in corpus.documents),
        )
        db.executemany("INSERT INTO pages VALUES (?, ?)", fingerprints.items())
        db.executemany("INSERT INTO stats VALUES (?, ?, ?)", ((rel, *st) for rel, st in stats.items()))
        db.execute("COMMIT")
    finally:
        db.close()
    os.replace(tmp, path)


def save_changes(
    path: Path,
    corpus: Corpus,
    changed_docs: Iterable[Document],
    stat_changes: Iterable[tuple[str, tuple[int, int]]],
    stats_gone: Iterable[str],
    fingerprints: dict[str, str],
    old_fingerprints: dict[str, str],
    rows: Rows,
    stale_rows: set[str],
    today: Any,
) -> None:
    """Write back what a publication changed: its documents, their rows, changed fingerprints and stats.

    ``stat_changes``: (path, stats) of the content files whose stats changed; ``stats_gone``: files gone.
    ``stale_rows``: the documents whose rows were dropped before the build and made again.
    """
    db = _connect(path)
    try:
        db.execute("BEGIN IMMEDIATE")
        skeleton = Corpus(corpus.root, corpus.schemas, corpus.refdata, [], corpus.problems, corpus.files_checked)
        db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)", [("corpus", _pack(skeleton)), ("today", _pack(today))]
        )
        by_doc = {rel: rows[rel] for rel in stale_rows if rel in rows}
        docs = {d.rel_path: d for d in changed_docs}
        db.executemany(
            "INSERT OR REPLACE INTO docs VALUES (?, ?, ?)",
            ((rel, _doc_blob(d), _pack(by_doc.get(rel, {}))) for rel, d in docs.items()),
        )
        db.executemany(
            "UPDATE docs SET rows = ? WHERE rel_path = ?",
            ((_pack(by_doc.get(rel, {})), rel) for rel in sorted(stale_rows - set(docs))),
        )
        db.executemany(
            "INSERT OR REPLACE INTO pages VALUES (?, ?)",
            ((uri, fp) for uri, fp in fingerprints.items() if old_fingerprints.get(uri) != fp),
        )
        db.executemany(
            "DELETE FROM pages WHERE src_uri = ?", ((uri,) for uri in set(old_fingerprints) - set(fingerprints))
        )
        db.executemany(
            "INSERT OR REPLACE INTO stats VALUES (?, ?, ?)",
            ((rel, *st) for rel, st in stat_changes),
        )
        db.executemany("DELETE FROM stats WHERE rel_path = ?", ((rel,) for rel in stats_gone))
        db.execute("COMMIT")
    finally:
        db.close()


# The last state this process wrote or read, with the signature of its file then: the publisher is a
# long-running process, and unpickling 10,000 documents was a quarter of each publication (issue #14).
# One slot: a process publishes one site. Another process writing the file changes its signature.
_warm: tuple[str, tuple[int, int, int], dict[str, Any]] | None = None


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def remember(path: Path, value: dict[str, Any]) -> None:
    """Keep ``value`` as the state of the file just written (what ``load`` would read back from it)."""
    global _warm
    signature = _signature(path)
    _warm = None if signature is None else (str(path), signature, {"version": VERSION, **value})


def forget() -> None:
    """Drop the kept state (the next ``load`` reads the file)."""
    global _warm
    _warm = None


def load(path: Path) -> dict[str, Any] | None:
    """The state a previous build left (corpus, stats, fingerprints, today, rows), or None when unusable."""
    if not path.is_file():
        return None
    warm = _warm
    if warm is not None and warm[0] == str(path) and warm[1] == _signature(path):
        return dict(warm[2])
    value = _read(path)
    if value is not None:
        remember(path, value)
    return value


def _read(path: Path) -> dict[str, Any] | None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        meta = {key: _unpack(value) for key, value in db.execute("SELECT key, value FROM meta")}
        if meta.get("version") != VERSION:
            return None
        skeleton: Corpus = meta["corpus"]
        documents = []
        rows: Rows = {}
        for rel, blob, doc_rows in db.execute("SELECT rel_path, doc, rows FROM docs"):
            documents.append(_unpack(blob))
            if per_doc := _unpack(doc_rows):
                rows[rel] = per_doc
        fingerprints = dict(db.execute("SELECT src_uri, fingerprint FROM pages"))
        stats = {rel: (mtime, size) for rel, mtime, size in db.execute("SELECT rel_path, mtime_ns, size FROM stats")}
    except (sqlite3.Error, pickle.UnpicklingError, zlib.error, EOFError, AttributeError, ImportError, KeyError):
        return None
    finally:
        db.close()
    documents.sort(key=lambda d: tuple(d.rel_path.split("/")))
    corpus = Corpus(
        skeleton.root, skeleton.schemas, skeleton.refdata, documents, skeleton.problems, skeleton.files_checked
    )
    return {
        "version": VERSION,
        "corpus": corpus,
        "stats": stats,
        "fingerprints": fingerprints,
        "today": meta.get("today"),
        "rows": rows,
    }
