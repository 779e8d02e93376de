"""The service's query path over arrays: match sets, BM25 of the shown page, facet counts without scoring.

Whoosh's own collector walks every posting of every query word in Python and scores every match
(79 % of a query). Here each index segment's postings of a word are read once into numpy arrays
(document numbers and term frequencies, kept per segment, so a publication that adds a small
segment keeps the big segment's arrays), a query is evaluated as array intersections and unions,
scores are BM25 exactly as Whoosh's BM25F computes them (same idf, average length and lossy
field lengths), only the page's top documents are ordered, and facet values are counted by one
``bincount`` of each facet column over the match set. Phrases are verified on positions only for
the documents that already hold every word of the query, rarest phrase first; positions are
decoded a whole posting list at once and kept per segment like postings (search.positions).
Queries this module does not know (anything but words, phrases, all-of and any-of) raise
:class:`Unsupported` and take Whoosh's path.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from whoosh.query import And, Every, NullQuery, Or, Phrase, Term

from search.positions import PositionTable, WordPositions, phrase_mask, position_table, read_positions

# BM25F's defaults in Whoosh (the scores stay Whoosh's, so the relevance set keeps its order).
B, K1 = 0.75, 1.2
# Postings kept per segment (document numbers and frequencies, 8 bytes each): about 64 MB at most.
MAX_CACHED_POSTINGS = 8_000_000
# Decoded positions and position tables kept per segment, in 8-byte entries: 96 MB at most, apart from
# the postings (a phrase of common words does not push out the postings of the words people search).
# Eight phrases of the most common words hold 37 MB a segment of 50,000 documents, so about 74 MB in
# one of 100,000 (with less room, each such query would decode everything again: seconds).
MAX_CACHED_POSITIONS = 12_000_000
# Facet values a document may hold for its facet to be counted from rows (one row a document).
MAX_FACET_WIDTH = 8
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_TF = np.zeros(0, dtype=np.float32)
# A cached word too sparse for a position table (so the test is not made again).
_NO_TABLE = object()


class Unsupported(Exception):
    """A query node this evaluator does not handle (the caller uses Whoosh's search)."""


def _segment_key(reader: Any) -> tuple[str, int]:
    segment = reader.segment()
    return (segment.segment_id(), reader.doc_count_all())


class SegmentData:
    """What one segment's queries read, cached across searchers: postings, lengths, columns, facets."""

    def __init__(self, reader: Any, text_field: str) -> None:
        self.text_field = text_field
        self.size = reader.doc_count_all()
        # Cached values by key with their cost in 8-byte entries, oldest first: postings by word in
        # _terms, positions ("\0" + word) and position tables ("\1" + word) in _positions.
        self._terms: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._positions: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._cached = {False: 0, True: 0}  # by whether positional
        self._lock = threading.Lock()
        self.lengths = np.array(
            [reader.doc_field_length(d, text_field) or 0 for d in range(self.size)], dtype=np.float32
        )
        self._dates: np.ndarray | None = None
        self._facets: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        self._rows: dict[str, np.ndarray | None] = {}

    def postings(self, reader: Any, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (in the segment) and frequencies of ``text`` in the text field."""
        found = self._terms.get(text)
        if found is not None:
            return found[0]
        postings = _read_postings(reader, self.text_field, text)
        self._store(text, postings, len(postings[0]))
        return postings

    def positions(self, reader: Any, text: str) -> WordPositions | None:
        """Where ``text`` stands in each of its documents; None when Whoosh's reading must do."""
        found = self._positions.get("\0" + text)
        if found is not None:
            return found[0]
        ids = self.postings(reader, text)[0]
        if len(ids):
            decoded = read_positions(_leaf_matcher(reader, self.text_field, text), ids)
        else:  # not in this segment
            decoded = WordPositions(ids, np.zeros(1, dtype=np.uint32), np.zeros(0, dtype=np.uint16))
        if decoded is not None:
            self._store("\0" + text, decoded, -(-decoded.nbytes // 8))
        return decoded

    def table(self, text: str, word: WordPositions) -> PositionTable | None:
        """The position table of ``text`` (its decoded ``word``), made the first time a phrase looks it up."""
        found = self._positions.get("\1" + text)
        if found is not None:
            return None if found[0] is _NO_TABLE else found[0]
        table = position_table(word, self.size)
        self._store("\1" + text, _NO_TABLE if table is None else table, 1 if table is None else -(-table.nbytes // 8))
        return table

    def _store(self, key: str, value: Any, cost: int) -> None:
        positional = key[:1] in ("\0", "\1")
        cache = self._positions if positional else self._terms
        limit = MAX_CACHED_POSITIONS if positional else MAX_CACHED_POSTINGS
        with self._lock:
            if key in cache:
                return
            cache[key] = (value, cost)
            self._cached[positional] += cost
            while self._cached[positional] > limit and len(cache) > 1:
                _, (_value, freed) = cache.popitem(last=False)
                self._cached[positional] -= freed

    def dates(self, reader: Any) -> np.ndarray:
        """The sortable date column as integers (0 where a document has none)."""
        if self._dates is None:
            if "date" in reader.schema.names() and reader.has_column("date"):
                values = reader.column_reader("date", translate=False)
                self._dates = np.array([v or 0 for v in values], dtype=np.int64)
            else:
                self._dates = np.zeros(self.size, dtype=np.int64)
        return self._dates

    def facet(self, reader: Any, index_field: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Values of a facet field, and (document, value number) pairs as two arrays."""
        if index_field not in self._facets:
            values: list[str] = []
            docs: list[np.ndarray] = []
            numbers: list[np.ndarray] = []
            if index_field in reader.schema.names():
                for raw in reader.lexicon(index_field):
                    value = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                    ids, _tf = _read_postings(reader, index_field, value)
                    docs.append(ids)
                    numbers.append(np.full(len(ids), len(values), dtype=np.int32))
                    values.append(value)
            self._facets[index_field] = (
                values,
                np.concatenate(docs) if docs else _EMPTY_IDS,
                np.concatenate(numbers) if numbers else np.zeros(0, dtype=np.int32),
            )
        return self._facets[index_field]

    def facet_rows(self, reader: Any, index_field: str) -> np.ndarray | None:
        """The facet's values by document (see _facet_rows), kept with the segment across searchers."""
        if index_field not in self._rows:
            _values, docs, numbers = self.facet(reader, index_field)
            self._rows[index_field] = _facet_rows(self.size, docs, numbers)
        return self._rows[index_field]


def _facet_rows(size: int, docs: np.ndarray, numbers: np.ndarray) -> np.ndarray | None:
    """Each document's value numbers plus one as a row (0 pads); None when a document holds many."""
    per_doc = np.bincount(docs, minlength=size) if len(docs) else np.zeros(size, dtype=np.int64)
    width = int(per_doc.max()) if len(per_doc) else 0
    if width > MAX_FACET_WIDTH:
        return None
    order = np.argsort(docs, kind="stable")
    ordered = docs[order]
    column = np.arange(len(ordered)) - np.searchsorted(ordered, ordered)  # the pair's place in its row
    rows = np.zeros((size, max(width, 1)), dtype=np.int32)
    rows[ordered, column] = numbers[order] + 1
    return rows


def _leaf_matcher(reader: Any, field_name: str, text: str) -> Any:
    """The segment's own posting matcher, deleted documents included (Engine.live excludes them)."""
    matcher = reader.postings(field_name, text)
    while not hasattr(matcher, "format") and hasattr(matcher, "child"):
        matcher = matcher.child  # the FilterMatcher of a segment with deletions
    return matcher


def _read_postings(reader: Any, field_name: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """A posting list as arrays, block by block (Whoosh's per-posting calls cost more than the read)."""
    if (field_name, text) not in reader:
        return _EMPTY_IDS, _EMPTY_TF
    matcher = _leaf_matcher(reader, field_name, text)
    ids: list[int] = []
    weights: list[float] = []
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    else:  # another codec: the public, slower walk
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)


def _table(data: SegmentData, words: list[str], found: list[WordPositions], i: int) -> PositionTable | None:
    return data.table(words[i], found[i])


# Segment data by segment id and size: shared by every searcher that holds the segment.
_segments: OrderedDict[tuple[str, int], SegmentData] = OrderedDict()
_segments_lock = threading.Lock()
MAX_SEGMENTS = 32


def _segment_data(reader: Any, text_field: str) -> SegmentData:
    key = _segment_key(reader)
    data = _segments.get(key)
    if data is None:
        data = SegmentData(reader, text_field)
        with _segments_lock:
            data = _segments.setdefault(key, data)
            while len(_segments) > MAX_SEGMENTS:
                _segments.popitem(last=False)
    return data


@dataclass
class Matches:
    """Matching documents (global numbers, ascending) with their scores."""

    ids: np.ndarray
    scores: np.ndarray


@dataclass
class Engine:
    """One searcher's segments with their offsets, live documents and global statistics."""

    searcher: Any
    text_field: str
    leaves: list[tuple[Any, int, SegmentData]]
    size: int
    live: np.ndarray
    _terms: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)
    _lengths: np.ndarray | None = None
    _dates: np.ndarray | None = None
    _facets: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = field(default_factory=dict)
    _remaps: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def term(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Global document numbers, frequencies and BM25 contributions of one word."""
        found = self._terms.get(text)
        if found is None:
            parts = [(data.postings(reader, text), offset) for reader, offset, data in self.leaves]
            ids = np.concatenate([p[0] + offset for p, offset in parts]) if parts else _EMPTY_IDS
            tf = np.concatenate([p[1] for p, _ in parts]) if parts else _EMPTY_TF
            if len(self._terms) > 4096:
                self._terms.clear()
            found = (ids, tf, self._bm25(text, ids, tf))
            self._terms[text] = found
        return found

    def _bm25(self, text: str, ids: np.ndarray, tf: np.ndarray) -> np.ndarray:
        if not len(ids):
            return np.zeros(0)
        searcher = self.searcher
        df = searcher.doc_frequency(self.text_field, text)
        idf = np.log(searcher.doc_count_all() / (df + 1)) + 1
        avgfl = (searcher.field_length(self.text_field) / (searcher.doc_count() or 1)) or 1
        lengths = self.lengths()[ids]
        return (idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths / avgfl))).astype(np.float64)

    def lengths(self) -> np.ndarray:
        """Text field length of every document."""
        if self._lengths is None:
            self._lengths = np.concatenate([data.lengths for _, _, data in self.leaves] or [_EMPTY_TF])
        return self._lengths

    def dates(self) -> np.ndarray:
        """The date column of every document."""
        if self._dates is None:
            self._dates = np.concatenate([data.dates(reader) for reader, _, data in self.leaves] or [_EMPTY_IDS])
        return self._dates

    def facet(self, index_field: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """A facet's values and its (document, value number) pairs over all segments."""
        if index_field not in self._facets:
            values: dict[str, int] = {}
            docs, numbers, remaps = [], [], []
            for reader, offset, data in self.leaves:
                names, seg_docs, seg_numbers = data.facet(reader, index_field)
                remap = np.array([values.setdefault(name, len(values)) for name in names], dtype=np.int32)
                remaps.append(remap)
                docs.append(seg_docs + offset)
                numbers.append(remap[seg_numbers] if len(names) else seg_numbers)
            self._facets[index_field] = (
                list(values),
                np.concatenate(docs) if docs else _EMPTY_IDS,
                np.concatenate(numbers) if numbers else np.zeros(0, dtype=np.int32),
            )
            self._remaps[index_field] = remaps
        return self._facets[index_field]

    def facet_mask(self, index_field: str, wanted: list[str]) -> np.ndarray:
        """Documents holding any of ``wanted`` values of a facet."""
        values, docs, numbers = self.facet(index_field)
        picked = [k for k, v in enumerate(values) if v in wanted]
        mask = np.zeros(self.size, dtype=bool)
        if picked:
            mask[docs[np.isin(numbers, picked)]] = True
        return mask

    def _counts_from_rows(self, index_field: str, ids: np.ndarray, size: int) -> np.ndarray | None:
        """Counts of each value among ``ids`` (ascending) from the segments' rows; None when one has none."""
        rows = [data.facet_rows(reader, index_field) for reader, _offset, data in self.leaves]
        if any(r is None for r in rows):
            return None
        counts = np.zeros(size + 1, dtype=np.int64)
        # The matches are ascending: each segment's are one slice (no mask over them per segment).
        bounds = np.searchsorted(ids, [offset for _reader, offset, _data in self.leaves] + [self.size])
        leaves = zip(self.leaves, rows, self._remaps[index_field], strict=True)
        for k, ((_reader, offset, _data), seg_rows, remap) in enumerate(leaves):
            local = ids[bounds[k] : bounds[k + 1]] - offset
            if len(local):
                # Segment value number + 1 -> global value number + 1 (0 stays the padding).
                plus = np.concatenate([[0], remap + 1]).astype(np.int64)
                counts += np.bincount(plus[seg_rows[local]].ravel(), minlength=size + 1)
        return counts[1:]

    def facet_counts(self, index_field: str, match: np.ndarray, ids: np.ndarray | None = None) -> dict[str, int]:
        """value -> number of matching documents holding it, for the values some match holds.

        With ``ids`` (the matches) only their rows of values are read (kept per segment, so a
        publication builds only the new segment's): the cost follows the matches, not a pass over
        every (document, value) pair (seven facets over 100,000 documents were most of a frequent
        word's query at national scale).
        """
        values, docs, numbers = self.facet(index_field)
        counts = self._counts_from_rows(index_field, ids, len(values)) if ids is not None else None
        if counts is None:
            counts = np.bincount(numbers[match[docs]], minlength=len(values))
        held = np.flatnonzero(counts)
        return dict(zip([values[k] for k in held.tolist()], counts[held].tolist(), strict=True))

    # Evaluation

    def matches(self, query: Any, allowed: np.ndarray) -> Matches:
        """The matches of ``query`` among ``allowed`` documents; Whoosh's own scoring for other queries."""
        try:
            return self.evaluate(query, allowed)
        except Unsupported:
            results = self.searcher.search(query, limit=None)
            pairs = sorted((docnum, score) for score, docnum in results.top_n if allowed[docnum])
            ids = np.array([d for d, _ in pairs], dtype=np.int64)
            return Matches(ids, np.array([s for _, s in pairs], dtype=np.float64))

    def evaluate(self, query: Any, allowed: np.ndarray) -> Matches:
        """The matches of ``query`` among ``allowed`` documents (a boolean array)."""
        if isinstance(query, Every):
            ids = np.flatnonzero(allowed)
            return Matches(ids, np.zeros(len(ids)))
        if query is NullQuery or isinstance(query, type(NullQuery)):
            return Matches(_EMPTY_IDS, np.zeros(0))
        if isinstance(query, (Term, Phrase)):
            return self._all_of([query], allowed)
        if isinstance(query, And):
            return self._all_of(list(query.subqueries), allowed)
        if isinstance(query, Or):
            return self._any_of(list(query.subqueries), allowed)
        raise Unsupported(type(query).__name__)

    def _words(self, node: Any) -> list[str]:
        if isinstance(node, Term) and node.fieldname == self.text_field and isinstance(node.text, str):
            return [node.text]
        if isinstance(node, Phrase) and node.fieldname == self.text_field and node.slop == 1:
            return list(node.words)
        raise Unsupported(type(node).__name__)

    def _all_of(self, nodes: list[Any], allowed: np.ndarray) -> Matches:
        """Documents with every word of every node; phrases then checked on those only."""
        for node in nodes:
            if not isinstance(node, (Term, Phrase)):
                return self._nested(nodes, allowed, all_of=True)
        words = list(dict.fromkeys(w for node in nodes for w in self._words(node)))
        terms = [self.term(w) for w in words]
        phrases = [list(node.words) for node in nodes if isinstance(node, Phrase) and len(node.words) > 1]
        if len(terms) == 1 and not phrases:
            ids, _tf, contribution = terms[0]
            keep = allowed[ids]
            return Matches(ids[keep], contribution[keep])
        match = allowed.copy()
        for ids, _tf, _contribution in sorted(terms, key=lambda t: len(t[0])):
            held = np.zeros(self.size, dtype=bool)
            held[ids] = True
            match &= held
        # The phrase with the rarest word first: it leaves the fewest candidates to the others.
        for phrase in sorted(phrases, key=lambda ws: min(len(self.term(w)[0]) for w in ws)):
            if match.any():
                match &= self._phrase_holds(phrase, match)
        ids = np.flatnonzero(match)
        score = np.zeros(len(ids))
        for word_ids, _tf, contribution in terms:  # summed in the words' order, as Whoosh's scores were
            score += contribution[np.searchsorted(word_ids, ids)]
        return Matches(ids, score)

    def _any_of(self, nodes: list[Any], allowed: np.ndarray) -> Matches:
        """Documents with any node; each matching node adds its score."""
        score = np.zeros(self.size, dtype=np.float64)
        hit = np.zeros(self.size, dtype=bool)
        for node in nodes:
            found = self.evaluate(node, allowed) if not isinstance(node, Term) else None
            if found is None:
                ids, _tf, contribution = self.term(self._words(node)[0])
                keep = allowed[ids]
                found = Matches(ids[keep], contribution[keep])
            hit[found.ids] = True
            score[found.ids] += found.scores
        ids = np.flatnonzero(hit)
        return Matches(ids, score[ids])

    def _nested(self, nodes: list[Any], allowed: np.ndarray, all_of: bool) -> Matches:
        mask = allowed.copy()
        score = np.zeros(self.size, dtype=np.float64)
        for node in nodes:
            found = self.evaluate(node, mask)
            inside = np.zeros(self.size, dtype=bool)
            inside[found.ids] = True
            mask &= inside
            score[found.ids] += found.scores
        ids = np.flatnonzero(mask)
        return Matches(ids, score[ids])

    def _phrase_holds(self, words: list[str], candidates: np.ndarray) -> np.ndarray:
        """The ``candidates`` (a mask over all documents) in which ``words`` occur one after another."""
        held = np.zeros(self.size, dtype=bool)
        for reader, offset, data in self.leaves:
            wanted = candidates[offset : offset + data.size]
            if not wanted.any():
                continue
            found = [data.positions(reader, w) for w in words]
            if any(f is None for f in found):
                raise Unsupported("positions")  # not readable as keys: Whoosh's own phrase matching
            tables = partial(_table, data, words, found)
            held[offset : offset + data.size] = phrase_mask(found, tables, wanted)
        return held

    def top(self, found: Matches, count: int, by_date: bool) -> np.ndarray:
        """The ``count`` best matches, best first: by score (ties by document number) or newest first."""
        if not len(found.ids) or count <= 0:
            return _EMPTY_IDS
        key = -self.dates()[found.ids].astype(np.float64) if by_date else -found.scores
        if len(key) > count:
            part = np.argpartition(key, count - 1)[:count]
            # Documents tied with the last one kept must not depend on argpartition's choice.
            cut = key[part].max()
            part = np.flatnonzero(key <= cut)
        else:
            part = np.arange(len(key))
        order = np.lexsort((found.ids[part], key[part]))
        return found.ids[part[order]][:count]


_engines: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def engine(searcher: Any, text_field: str) -> Engine:
    """The array view of an open searcher (built once per searcher from its segments' cached data)."""
    found = _engines.get(searcher)
    if found is None:
        reader = searcher.reader()
        leaves = []
        live_parts = []
        for leaf, offset in reader.leaf_readers():
            if leaf.segment() is None:  # an index without documents (EmptyReader)
                continue
            data = _segment_data(leaf, text_field)
            leaves.append((leaf, offset, data))
            alive = np.ones(data.size, dtype=bool)
            if leaf.has_deletions():
                alive[np.fromiter(leaf.segment().deleted_docs(), dtype=np.int64)] = False
            live_parts.append(alive)
        live = np.concatenate(live_parts) if live_parts else np.zeros(0, dtype=bool)
        found = Engine(searcher, text_field, leaves, len(live), live)
        _engines[searcher] = found
    return found
