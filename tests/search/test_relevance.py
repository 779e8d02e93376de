"""recall@10 of the relevance set against the starter content, indexed into tmp_path."""

from __future__ import annotations

from pathlib import Path

from search import index
from search.query import Vocabulary
from search.relevance import judge, load_set, mean_recall
from site_builder.content import load
from tests.conftest import CONTENT

RELEVANCE = Path(__file__).with_name("relevance.yml")


def test_relevance_set_is_well_formed() -> None:
    queries = load_set(RELEVANCE)
    kinds = {q["kind"] for q in queries}
    assert len(queries) >= 25
    assert {"affix", "variant", "reference"} <= kinds
    slugs = {d.slug for d in load(CONTENT).documents}
    assert not [s for q in queries for s in q["expect"] if s not in slugs]


def test_recall_at_10_is_at_least_0_9(tmp_path: Path) -> None:
    # Reads the real content (never writes it); the index lives in tmp_path.
    corpus = load(CONTENT)
    index.rebuild(corpus, tmp_path / "index")
    with index.open_index(tmp_path / "index").searcher() as searcher:
        judgements = judge(searcher, Vocabulary.from_content(CONTENT), load_set(RELEVANCE))
    misses = {j.q: j.missed for j in judgements if j.missed}
    assert mean_recall(judgements) >= 0.9, misses
