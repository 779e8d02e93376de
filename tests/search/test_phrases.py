"""Phrases on arrays (search.positions) against Whoosh's own Phrase query, and the bulk positions decoder."""

from __future__ import annotations

import random

import numpy as np
import pytest
from whoosh import fields
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.query import And, Or, Phrase, Term

from search import engine as search_engine
from search import positions as search_positions

WORDS = ["rumah", "layak", "huni", "swadaya", "warga"]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_bulk_decoder_reads_what_whoosh_reads(seed) -> None:
    fmt = Positions()
    rng = random.Random(seed)
    lists = [[0], [255], [256], [5, 5, 5], [0, 65535, 65536, 70000, 2**31 - 1], list(range(1001)), list(range(3000))]
    for _ in range(3000):
        count = rng.choice([1, 2, 3, 7, 40, 999, 1000, 1001]) if rng.random() < 0.05 else rng.randint(1, 30)
        top = rng.choice([100, 255, 256, 400, 65535, 65536, 200_000])
        lists.append(sorted(rng.randint(0, top) for _ in range(count)))
    values = [fmt.encode(p) for p in lists]
    values.append(values[1][:-1])  # no closing "." (Whoosh's decoder adds it): the format's decoder reads it
    lists.append(lists[1])
    rng.shuffle(pairs := list(zip(values, lists, strict=True)))
    values, lists = [v for v, _ in pairs], [p for _, p in pairs]
    counts, found = search_positions.decode_values(values, fmt)
    assert counts.tolist() == [len(p) for p in lists]
    assert found.tolist() == [x for v in values for x in fmt.decode_positions(v)]


def _text(rng: random.Random, size: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(size))


def _phrase_index(tmp_path):
    """Three segments with deletions; documents that start and end with a phrase, long ones, repeats."""
    schema = fields.Schema(slug=fields.ID(stored=True, unique=True), content=fields.TEXT(phrase=True))
    ix = FileStorage(str(tmp_path)).create_index(schema)
    rng = random.Random(7)
    slugs = []
    for batch in range(3):
        writer = ix.writer()
        for k in range(40):
            slug = f"d{batch}-{k}"
            if k == 0:
                text = "rumah layak huni " + _text(rng, 20)  # a phrase at the first position of a segment
            elif k == 39:
                text = _text(rng, 20) + " rumah layak huni"  # ... at the last of its last document
            elif k % 13 == 5:
                # Gaps beyond one and two bytes (pickle's "M" and "J" items), positions past 65,535.
                text = "rumah layak " + "kata " * (300, 70_000, 1000)[k // 13] + "rumah layak huni"
            else:
                text = _text(rng, rng.randint(1, 40))
            writer.add_document(slug=slug, content=text)
            slugs.append(slug)
        writer.commit(merge=False)
        writer = ix.writer()
        for slug in rng.sample([s for s in slugs if not s.endswith(("-0", "-39"))], 6):  # some in closed segments
            writer.delete_by_term("slug", slug)
            slugs.remove(slug)
        writer.commit(merge=False)
    return ix


PHRASES = [
    ["rumah", "layak"],
    ["layak", "rumah"],
    ["rumah", "layak", "huni"],
    ["rumah", "rumah"],
    ["huni", "rumah", "huni"],
    ["rumah", "rumah", "rumah"],
    ["warga", "swadaya", "warga", "layak"],
    ["layak", "kata"],
    ["kata", "rumah", "layak"],
    ["kata", "kata", "kata", "kata"],
    ["rumah", "tidakada"],
]


@pytest.mark.parametrize("table_bytes", [0, 16, 10**6])  # never, when dense, always a position table
def test_phrases_on_arrays_match_whooshs_phrase_query(tmp_path, monkeypatch, table_bytes) -> None:
    monkeypatch.setattr(search_positions, "TABLE_BYTES_PER_POSITION", table_bytes)
    monkeypatch.setattr(search_engine, "_segments", search_engine.OrderedDict())
    ix = _phrase_index(tmp_path)
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 3 and searcher.reader().has_deletions()
        arrays = search_engine.engine(searcher, "content")
        queries = [Phrase("content", words) for words in PHRASES]
        queries += [And(queries[:2]), And([queries[2], Term("content", "warga")]), Or(queries[3:6])]
        for query in queries:
            expected = sorted(hit.docnum for hit in searcher.search(query, limit=None))
            assert arrays.evaluate(query, arrays.live).ids.tolist() == expected, query
        # Matches in each segment's first and last document (the numbers move by the segment's offset).
        borders = {offset + k for _leaf, offset in searcher.reader().leaf_readers() for k in (0, 39)}
        assert borders <= set(arrays.evaluate(queries[2], arrays.live).ids.tolist())


def test_positions_within_a_small_cache_stay_right(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(search_engine, "MAX_CACHED_POSTINGS", 50)
    monkeypatch.setattr(search_engine, "MAX_CACHED_POSITIONS", 200)
    monkeypatch.setattr(search_engine, "_segments", search_engine.OrderedDict())
    ix = _phrase_index(tmp_path)
    with ix.searcher() as searcher:
        arrays = search_engine.engine(searcher, "content")
        for _ in range(2):
            for words in PHRASES:
                query = Phrase("content", words)
                expected = sorted(hit.docnum for hit in searcher.search(query, limit=None))
                assert arrays.evaluate(query, arrays.live).ids.tolist() == expected
        for _reader, _offset, data in arrays.leaves:
            assert data._cached[False] <= 50 or len(data._terms) == 1
            assert data._cached[True] <= 200 or len(data._positions) == 1
            assert data._cached[True] == sum(cost for _value, cost in data._positions.values())


def test_a_phrase_reads_the_rows_of_candidate_documents_only() -> None:
    word = search_positions.WordPositions(
        np.array([2, 5, 9]), np.array([0, 2, 3, 6], dtype=np.uint32), np.array([1, 4, 0, 2, 3, 7], dtype=np.uint16)
    )
    wanted = np.zeros(10, dtype=bool)
    wanted[[5, 9]] = True
    docs, places = word.occurrences(wanted)
    assert docs.tolist() == [5, 9, 9, 9] and places.tolist() == [0, 2, 3, 7]
    assert word.keys().tolist() == [(d << 32) | p for d, p in [(2, 1), (2, 4), (5, 0), (9, 2), (9, 3), (9, 7)]]
    table = search_positions.position_table(word, 10)
    assert table is not None
    probes = np.array([2, 2, 2, 5, 5, 9, 9, 3, 0])
    at = np.array([1, 2, 4, 0, 1, 7, 8, 0, -1])
    expected = [True, False, True, True, False, True, False, False, False]
    assert table.holds(probes, at).tolist() == expected
    assert word.holds(probes, at, 10).tolist() == expected
