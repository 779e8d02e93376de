"""The Whoosh index: its schema (from the content model), full rebuild, one-document updates, check.

One writer at a time: every write takes the index's lock with a bounded wait and raises
:class:`IndexBusy` when it cannot; readers never wait (Whoosh commits a new generation atomically,
so searches keep working during a write, and a writer killed half-way leaves the last generation).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import writing
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.util.filelock import try_for

from site_builder.content import Corpus, Document
from site_builder.fields import kind_of
from site_builder.i18n import _
from site_builder.schemas import Field
from site_builder.schemas import Schema as DocumentSchema

from . import attachments as attachment_text
from .analysis import indonesian_analyzer
from .singkatan import Table

INDEX_NAME = "MAIN"
LOCK_NAME = "WRITELOCK"
# How long a full rebuild waits for another writer (a publisher's update takes well under a second).
REBUILD_TIMEOUT = 10.0
# Rebuilds of this many documents or more use this many processes (the service runs on 2 cores).
PARALLEL_FROM = 2000
PROCS = 2
# Fields searched by words, with their weight at query time (the title counts most).
TEXT_FIELD = "content"
# Facets every document has, whatever its schema: facet name -> index field. The others come
# from the schemas' ``facets:`` (the field's ``facet:`` names the filter parameter) and are
# indexed as ``facet_<name>``; a field's ``boost:`` says how many times its words count.
STRUCTURAL_FACETS = {"type": "type", "year": "year"}
FACET_PREFIX = "facet_"
# Fields searched before the body (the rest follow it), so a quoted phrase reads as the page does.
LEAD_FIELDS = ("title", "summary")
_SPELL_WORD = re.compile(r"[^\W\d_]{3,}")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKERS = re.compile(r"^[ \t]*(?:#{1,6}|>|[-*+]|\d+\.)[ \t]+|[*_`|]+|^[ \t]*[-=:|]{3,}[ \t]*$", re.M)


class IndexBusy(Exception):
    """Another writer holds the index lock longer than the bounded wait."""

    def __init__(self, timeout: float) -> None:
        super().__init__(_("index_busy", timeout=f"{timeout:g}"))
        self.timeout = timeout


def facet_names(schemas: Mapping[str, DocumentSchema]) -> list[str]:
    """Every facet, structural ones first, then the schemas' in the order they are declared."""
    names = list(STRUCTURAL_FACETS)
    for schema in schemas.values():
        for field_name in schema.facets:
            name = schema.fields[field_name].facet_name
            if name not in names:
                names.append(name)
    return names


def facet_field(name: str) -> str:
    """The index field that holds facet ``name``."""
    return STRUCTURAL_FACETS.get(name) or FACET_PREFIX + name


def _schema_facets(schemas: Mapping[str, DocumentSchema] | None) -> list[str]:
    return [n for n in facet_names(schemas or {}) if n not in STRUCTURAL_FACETS]


def build_schema(schemas: Mapping[str, DocumentSchema] | None = None, table: Table | None = None) -> Schema:
    """The Whoosh schema: two text fields with the Indonesian analyzer, facets as keywords.

    Title, summary, body and the searchable front-matter share one field ("content"): a query word
    reads one posting list, which halved the latency of broad queries against a field per part.
    The stored "passage" (summary and body) is what snippets are cut from. ``table`` (the content's
    acronyms) travels with the analyzer in the index, so queries use what indexing used.
    """
    analyzer = indonesian_analyzer(table)
    schema = Schema(
        slug=ID(stored=True, unique=True),
        type=ID(stored=True),
        content=TEXT(analyzer=analyzer, multitoken_query="phrase"),
        title=STORED(),
        summary=STORED(),
        passage=STORED(),
        # Unstemmed words: the dictionary "Maksud Anda" suggests from (see document_fields).
        vocab=KEYWORD(lowercase=True),
        tags=STORED(),
        regions=STORED(),
        year=KEYWORD(commas=True),
        status=STORED(),
        date=DATETIME(stored=True, sortable=True),
        updated=DATETIME(stored=True),
        url=STORED(),
        rel_path=STORED(),
        contributed=STORED(),
        digest=STORED(),
        attachments=STORED(),  # attachment pages' text: where a word stood (search/attachments.py)
    )
    for name in _schema_facets(schemas):
        schema.add(facet_field(name), KEYWORD(commas=True))
    return schema


def plain_text(markdown_text: str) -> str:
    """Markdown source without its markup, for indexing and snippets (never rendered as HTML)."""
    return _MD_MARKERS.sub(" ", _MD_LINK.sub(r"\1", markdown_text))


def digest(doc: Document) -> str:
    """A fingerprint of what the index holds for ``doc``; a changed file changes it."""
    files = attachment_text.fingerprint(doc)
    payload = json.dumps([doc.rel_path, doc.meta, doc.body, *files], default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def _as_datetime(value: dt.date) -> dt.datetime:
    return dt.datetime(value.year, value.month, value.day)


def _by_facet(schema: DocumentSchema) -> dict[str, Field]:
    return {spec.facet_name: spec for spec in schema.fields.values()}


def document_fields(
    doc: Document,
    seen_words: set[str] | None = None,
    facets: Iterable[str] | None = None,
    attachments: attachment_text.Cache | None = None,
) -> dict[str, Any]:
    """The index fields of one document; ``seen_words`` (a rebuild's) keeps the spelling words new only.

    ``facets`` are the index's schema facets (default: those of the document's own schema); each
    one the document's schema has a field for gets the field type's facet values.
    """
    words = dict.fromkeys(_SPELL_WORD.findall(f"{doc.title} {doc.summary} {doc.body}".lower()))
    if seen_words is not None:
        # The spelling dictionary needs each word once, not once per document: a rebuild gives a
        # word to the first document that has it, which keeps this field nearly free to index.
        words = {w: None for w in words if w not in seen_words}
        seen_words.update(words)
    schema = doc.schema
    specs = schema.fields if schema is not None else {}
    # The searched text: each field's words, as many times as its boost (a title of boost 2
    # weighs more through BM25's term frequency, without a second field for queries to read).
    lead: list[str] = []
    rest: list[str] = []
    for name, spec in specs.items():
        value = doc.meta.get(name)
        if spec.boost > 0 and value not in (None, "", []):
            text = " ".join(kind_of(spec).search_text(spec, value))
            if text:
                (lead if name in LEAD_FIELDS else rest).extend([text] * spec.boost)
    status = doc.meta.get("status")
    passage = plain_text(doc.body)
    if attachments is not None:
        found, stored = attachments.index_fields(doc)
        rest.append(found)
    fields: dict[str, Any] = {
        "slug": doc.slug,
        "type": doc.type,
        "title": doc.title,
        "content": "\n\n".join([*lead, passage, " ".join(rest)]),
        "passage": f"{doc.summary}\n\n{passage}",
        "summary": doc.summary,
        "vocab": " ".join(words),
        "tags": ",".join(doc.tags),
        "regions": doc.regions,
        "year": ",".join(str(y) for y in doc.years),
        "date": _as_datetime(doc.date),
        "updated": _as_datetime(doc.updated),
        "url": doc.url,
        "rel_path": doc.rel_path,
        "contributed": doc.contributed,
        "digest": digest(doc),
    }
    if attachments is not None and stored:
        fields["attachments"] = stored
    if isinstance(status, str):
        fields["status"] = status
    if schema is not None:
        by_facet = _by_facet(schema)
        wanted = facets if facets is not None else _schema_facets({doc.type: schema})
        for name in wanted:
            spec = by_facet.get(name)
            value = doc.meta.get(spec.name) if spec is not None else None
            if spec is not None and value not in (None, "", []):
                fields[facet_field(name)] = ",".join(kind_of(spec).facet_values(spec, value))
    return fields


def attachment_cache(index_dir: Path | str) -> attachment_text.Cache:
    """The attachment text cache kept in the index folder (by file hash; see search/attachments.py)."""
    return attachment_text.Cache(Path(index_dir) / attachment_text.CACHE_FOLDER)


def exists(index_dir: Path | str) -> bool:
    """Whether ``index_dir`` holds an index."""
    path = Path(index_dir)
    return path.is_dir() and whoosh_index.exists_in(str(path), indexname=INDEX_NAME)


def open_index(index_dir: Path | str) -> Any:
    """Open the index for reading (raises whoosh's EmptyIndexError when there is none)."""
    return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)


def is_outdated(index_dir: Path | str, schemas: Mapping[str, DocumentSchema] | None = None) -> bool:
    """Whether the index at ``index_dir`` has other fields than this version builds from ``schemas``.

    Without ``schemas`` only the fields every index has are compared (its facets are not).
    """
    names = set(open_index(index_dir).schema.names())
    if schemas is None:
        names = {n for n in names if not n.startswith(FACET_PREFIX)}
    return sorted(names) != sorted(build_schema(schemas).names())


@contextmanager
def write_lock(index_dir: Path | str, timeout: float) -> Iterator[FileStorage]:
    """Hold the index's single write lock, waiting at most ``timeout`` seconds (no endless retries)."""
    path = Path(index_dir)
    path.mkdir(parents=True, exist_ok=True)
    storage = FileStorage(str(path))
    lock = storage.lock(f"{INDEX_NAME}_{LOCK_NAME}")
    if not try_for(lock.acquire, timeout=timeout, delay=0.05):
        raise IndexBusy(timeout)
    try:
        yield storage
    finally:
        lock.release()


class IndexOutdated(Exception):
    """The index was built with other fields (an older version): only a full rebuild fits it."""

    def __init__(self) -> None:
        super().__init__(_("index_outdated"))


def _index_for_writing(
    storage: FileStorage, schema: Schema, *, replace_outdated: bool, facets_free: bool = False
) -> Any:
    """The existing index when its fields match; a new empty one when there is none.

    An index with other fields is replaced only by a full rebuild: adding one document to a fresh
    index would leave an index of one document. ``facets_free`` compares only the fields every
    index has (an update writes the facets the index holds).
    """
    if storage.index_exists(INDEX_NAME):
        ix = storage.open_index(INDEX_NAME)
        names = ix.schema.names()
        if facets_free:
            names = [n for n in names if not n.startswith(FACET_PREFIX)]
        # A rebuild also replaces an index whose acronym table is another (singkatan.yml changed).
        same_table = not replace_outdated or _table_of(ix.schema) == _table_of(schema)
        if sorted(names) == sorted(schema.names()) and same_table:
            return ix
        if not replace_outdated:
            raise IndexOutdated()
    return storage.create_index(schema, indexname=INDEX_NAME)


def _table_of(schema: Schema) -> Table | None:
    """The acronym table the schema's analyzer carries (None for an index built without one)."""
    if TEXT_FIELD not in schema.names():
        return None
    return getattr(schema[TEXT_FIELD].analyzer, "table", None)


def table_of(searcher: Any) -> Table | None:
    """The acronym table of an open searcher's index (what its documents were indexed with)."""
    return _table_of(searcher.schema)


def _writer(ix: Any, documents: int = 1) -> Any:
    """A writer for ``documents`` new documents; the lock is already ours (write_lock)."""
    procs = min(PROCS, os.cpu_count() or 1)
    single_threaded = threading.active_count() == 1
    if documents >= PARALLEL_FROM and procs > 1 and single_threaded:
        # Analysis is pure Python: large rebuilds index in sub-processes, each writing its own
        # segment (no merge at commit). Forked children inherit the warm stemmer. Only from a
        # single-threaded process (pokja index): forking a threaded server can copy held locks.
        from whoosh.multiproc import MpWriter

        return MpWriter(
            ix, procs=procs, batchsize=250, subargs={"limitmb": 128}, multisegment=True, _lk=False, limitmb=128
        )
    return ix.writer(_lk=False, limitmb=256)


def rebuild(
    corpus: Corpus,
    index_dir: Path | str,
    progress: Callable[[list], Iterable] | None = None,
    attachments: attachment_text.Cache | None = None,
) -> int:
    """Index every document of ``corpus`` afresh; readers keep the old generation until the commit."""
    attachments = attachments or attachment_cache(index_dir)
    documents = list(corpus.documents)
    facets = _schema_facets(corpus.schemas)
    attachments.prepare(documents)  # slow reads before the lock: other writers wait only for the index
    with write_lock(index_dir, timeout=REBUILD_TIMEOUT) as storage:
        table = Table.from_entries(corpus.refdata.abbreviations)
        ix = _index_for_writing(storage, build_schema(corpus.schemas, table), replace_outdated=True)
        writer = _writer(ix, len(documents))
        try:
            seen_words: set[str] = set()
            for doc in documents if progress is None else progress(documents):
                writer.add_document(**document_fields(doc, seen_words, facets, attachments))
        except BaseException:
            writer.cancel()
            raise
        # CLEAR replaces every old segment in the same atomic commit.
        writer.commit(mergetype=writing.CLEAR)
    return len(documents)


def update_documents(
    index_dir: Path | str,
    documents: list[Document],
    deleted_slugs: Iterable[str] = (),
    timeout: float = 10.0,
    attachments: attachment_text.Cache | None = None,
) -> None:
    """Add or replace ``documents`` and remove ``deleted_slugs`` in one commit (one writer at a time).

    Raises IndexBusy after ``timeout`` seconds of another writer, IndexOutdated when the index has
    other fields than this version's or lacks a facet the documents' schemas declare
    (``pokja index`` or ``check(repair=True)`` rebuilds it).
    """
    attachments = attachments or attachment_cache(index_dir)
    attachments.prepare(documents)
    with write_lock(index_dir, timeout=timeout) as storage:
        ix = _index_for_writing(storage, build_schema(), replace_outdated=False, facets_free=True)
        facets = [n.removeprefix(FACET_PREFIX) for n in ix.schema.names() if n.startswith(FACET_PREFIX)]
        for doc in documents:
            if doc.schema is not None and any(n not in facets for n in _schema_facets({doc.type: doc.schema})):
                raise IndexOutdated()
        writer = _writer(ix)
        try:
            for slug in deleted_slugs:
                writer.delete_by_term("slug", slug)
            for doc in documents:
                writer.update_document(**document_fields(doc, facets=facets, attachments=attachments))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()


@dataclass
class CheckReport:
    """What differs between the index and the content: slugs missing, stale, or orphaned."""

    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    repaired: bool = False

    @property
    def ok(self) -> bool:
        """Whether index and content agree."""
        return not (self.missing or self.stale or self.orphaned)

    def lines(self) -> list[str]:
        """The report in Indonesian, one line per finding and a summary."""
        out = [_("check_missing", slug=s) for s in self.missing]
        out += [_("check_stale", slug=s) for s in self.stale]
        out += [_("check_orphaned", slug=s) for s in self.orphaned]
        key = "check_ok" if self.ok else ("check_repaired" if self.repaired else "check_differs")
        out.append(_(key, missing=len(self.missing), stale=len(self.stale), orphaned=len(self.orphaned)))
        return out


def indexed_digests(index_dir: Path | str) -> dict[str, str]:
    """Slug -> digest of every document in the index (empty when there is no index)."""
    if not exists(index_dir):
        return {}
    with open_index(index_dir).searcher() as searcher:
        return {f["slug"]: f.get("digest", "") for f in searcher.all_stored_fields()}


def check(
    corpus: Corpus, index_dir: Path | str, repair: bool = False, attachments: attachment_text.Cache | None = None
) -> CheckReport:
    """Compare index and content; with ``repair``, index what is missing or stale and drop orphans."""
    indexed = indexed_digests(index_dir)
    wanted = {doc.slug: doc for doc in corpus.documents}
    report = CheckReport(
        missing=sorted(s for s in wanted if s not in indexed),
        stale=sorted(s for s, d in wanted.items() if s in indexed and indexed[s] != digest(d)),
        orphaned=sorted(s for s in indexed if s not in wanted),
    )
    if repair and (not exists(index_dir) or is_outdated(index_dir, corpus.schemas)):
        rebuild(corpus, index_dir, attachments=attachments)
        report.repaired = True
    elif repair and not report.ok:
        docs = [wanted[s] for s in report.missing + report.stale]
        update_documents(index_dir, docs, report.orphaned, attachments=attachments)
        report.repaired = True
    return report
