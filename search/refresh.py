"""A searcher for the index's latest generation that keeps the segments it already has open.

Opening every segment afresh after each commit cost 31 ms at 10,000 documents and 121 ms at
30,000 (and emptied the query caches of search.engine). Whoosh's ``Searcher.refresh()`` reuses
segment readers but keys them by segment id alone: it misses deletions committed without new
documents (3.54.0) and re-adds segments a merge removed. Here each segment of the new table of
contents reuses the open reader of the same segment when there is one, as a light copy that
carries the new generation and, when they changed, the segment's new deletions; only new
segments are opened. Searchers still running on the old generation are never touched.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from .index import open_index


def _deleted(segment: Any) -> frozenset[int]:
    return frozenset(segment.deleted_docs()) if segment.has_deletions() else frozenset()


def _reuse(reader: Any, segment: Any, generation: int) -> Any:
    """A copy of an open segment reader for ``segment`` (the same files, maybe new deletions)."""
    clone = copy.copy(reader)
    clone._gen = generation
    if _deleted(reader.segment()) != _deleted(segment):
        clone._segment = segment
        clone._perdoc = copy.copy(reader._perdoc)
        clone._perdoc._segment = segment
    return clone


def latest_searcher(searcher: Any | None, index_dir: Path | str) -> Any:
    """A searcher of the latest generation, reusing ``searcher``'s open segments (None: open all)."""
    ix = open_index(index_dir)
    if searcher is None:
        return ix.searcher()
    toc = ix._read_toc()
    if toc.generation == searcher.reader().generation():
        return searcher
    open_leaves = {}
    for leaf, _offset in searcher.reader().leaf_readers():
        if isinstance(leaf, SegmentReader) and not leaf.is_closed:
            open_leaves[leaf.segment().segment_id()] = leaf
    readers = []
    for segment in toc.segments:
        leaf = open_leaves.get(segment.segment_id())
        if leaf is not None and hasattr(leaf, "_perdoc"):
            readers.append(_reuse(leaf, segment, toc.generation))
        else:
            readers.append(SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation))
    if not readers:
        reader: Any = EmptyReader(toc.schema)
    elif len(readers) == 1:
        reader = readers[0]
    else:
        reader = MultiReader(readers, generation=toc.generation)
    return Searcher(reader, fromindex=ix)
