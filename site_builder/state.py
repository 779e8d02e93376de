"""The state a build leaves for incremental publication, kept per document in one SQLite file.

One row per document (pickled without its schema and line numbers), per table row of a listing, per
generated page's fingerprint and per content file's (mtime, size): a publication reads the state and
writes back only the rows its change altered, never the whole corpus again (issue #14).
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import sqlite3
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .content import Corpus, Document

# Bump when the layout or what is kept changes: an older state is ignored (a full build follows).
VERSION = 4

_TABLES = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
    "CREATE TABLE docs (rel_path TEXT PRIMARY KEY, doc BLOB NOT NULL)",
    "CREATE TABLE rows (rel_path TEXT NOT NULL, columns TEXT NOT NULL, row TEXT NOT NULL, provinces TEXT NOT NULL,"
    " PRIMARY KEY (rel_path, columns))",
    "CREATE TABLE pages (src_uri TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)",
    "CREATE TABLE stats (rel_path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL)",
)
RowKey = tuple[str, tuple[str, ...] | None]
Row = tuple[str, frozenset[str]]


def _pack(obj: Any) -> bytes:
    return zlib.compress(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), 1)


def _unpack(data: bytes) -> Any:
    return pickle.loads(zlib.decompress(data))


def _doc_blob(doc: Document) -> bytes:
    # The schema is the corpus' own (put back on load); line numbers only serve validation messages.
    return _pack(dataclasses.replace(doc, lines={}, schema=None))


def _columns(key: tuple[str, ...] | None) -> str:
    return "" if key is None else json.dumps(list(key))


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
    rows: dict[RowKey, Row],
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
        db.executemany("INSERT INTO docs VALUES (?, ?)", ((d.rel_path, _doc_blob(d)) for d in corpus.documents))
        _put_rows(db, rows.items())
        db.executemany("INSERT INTO pages VALUES (?, ?)", fingerprints.items())
        db.executemany("INSERT INTO stats VALUES (?, ?, ?)", ((rel, *st) for rel, st in stats.items()))
        db.execute("COMMIT")
    finally:
        db.close()
    os.replace(tmp, path)


def _put_rows(db: sqlite3.Connection, rows: Iterable[tuple[RowKey, Row]]) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?)",
        ((rel, _columns(cols), row, " ".join(sorted(provinces))) for (rel, cols), (row, provinces) in rows),
    )


def save_changes(
    path: Path,
    corpus: Corpus,
    changed_docs: Iterable[Document],
    stats: dict[str, tuple[int, int]],
    old_stats: dict[str, tuple[int, int]],
    fingerprints: dict[str, str],
    old_fingerprints: dict[str, str],
    rows: dict[RowKey, Row],
    stale_rows: set[str],
    today: Any,
) -> None:
    """Write back what a publication changed: its documents, their rows, changed fingerprints and stats."""
    db = _connect(path)
    try:
        db.execute("BEGIN IMMEDIATE")
        skeleton = Corpus(corpus.root, corpus.schemas, corpus.refdata, [], corpus.problems, corpus.files_checked)
        db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)", [("corpus", _pack(skeleton)), ("today", _pack(today))]
        )
        db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?)", ((d.rel_path, _doc_blob(d)) for d in changed_docs))
        # Rows of the documents whose pages changed were dropped before the build and made again.
        db.executemany("DELETE FROM rows WHERE rel_path = ?", ((rel,) for rel in sorted(stale_rows)))
        _put_rows(db, ((key, row) for key, row in rows.items() if key[0] in stale_rows))
        db.executemany(
            "INSERT OR REPLACE INTO pages VALUES (?, ?)",
            ((uri, fp) for uri, fp in fingerprints.items() if old_fingerprints.get(uri) != fp),
        )
        db.executemany(
            "DELETE FROM pages WHERE src_uri = ?", ((uri,) for uri in set(old_fingerprints) - set(fingerprints))
        )
        db.executemany(
            "INSERT OR REPLACE INTO stats VALUES (?, ?, ?)",
            ((rel, *st) for rel, st in stats.items() if old_stats.get(rel) != st),
        )
        db.executemany("DELETE FROM stats WHERE rel_path = ?", ((rel,) for rel in set(old_stats) - set(stats)))
        db.execute("COMMIT")
    finally:
        db.close()


def load(path: Path) -> dict[str, Any] | None:
    """The state a previous build left (corpus, stats, fingerprints, today, rows), or None when unusable."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        meta = {key: _unpack(value) for key, value in db.execute("SELECT key, value FROM meta")}
        if meta.get("version") != VERSION:
            return None
        skeleton: Corpus = meta["corpus"]
        documents = [_unpack(blob) for (blob,) in db.execute("SELECT doc FROM docs")]
        rows: dict[RowKey, Row] = {
            (rel, tuple(json.loads(cols)) if cols else None): (row, frozenset(provinces.split()))
            for rel, cols, row, provinces in db.execute("SELECT rel_path, columns, row, provinces FROM rows")
        }
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
