"""recall@10, MRR and nDCG@10 of the relevance set over the starter content and the field documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from search import index
from search.query import Vocabulary
from search.relevance import Judgement, judge, load_set, mean_ndcg, mean_recall, mean_reciprocal_rank
from site_builder.content import load
from tests.conftest import CONTENT
from tests.search.field_docs import FIELD_DOCS, write_field_docs

RELEVANCE = Path(__file__).with_name("relevance.yml")


@pytest.fixture(scope="module")
def relevance_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the starter content with the field documents added (the real content is never written)."""
    root = tmp_path_factory.mktemp("relevance") / "content"
    shutil.copytree(CONTENT, root)
    write_field_docs(root)
    return root


def test_relevance_set_is_well_formed(relevance_tree: Path) -> None:
    queries = load_set(RELEVANCE)
    kinds = {q["kind"] for q in queries}
    assert len(queries) >= 80
    assert {"affix", "variant", "reference", "acronym", "typo", "phrase", "filter"} <= kinds
    slugs = {d.slug for d in load(relevance_tree).documents}
    assert set(FIELD_DOCS) <= slugs
    assert not [s for q in queries for s in q["expect"] if s not in slugs]


def test_metrics_of_known_rankings() -> None:
    perfect = Judgement("q", "topic", ["a", "b"], ["a", "b", "c"])
    late = Judgement("q", "topic", ["a"], ["x", "y", "a"])
    missed = Judgement("q", "topic", ["a"], ["x"])
    assert (perfect.recall, perfect.reciprocal_rank, perfect.ndcg) == (1.0, 1.0, 1.0)
    assert late.reciprocal_rank == pytest.approx(1 / 3) and late.ndcg == pytest.approx(0.5)
    assert (missed.recall, missed.reciprocal_rank, missed.ndcg) == (0.0, 0.0, 0.0)


def test_recall_mrr_and_ndcg_reach_their_thresholds(relevance_tree: Path, tmp_path: Path) -> None:
    index.rebuild(load(relevance_tree), tmp_path / "index")
    with index.open_index(tmp_path / "index").searcher() as searcher:
        judgements = judge(searcher, Vocabulary.from_content(relevance_tree), load_set(RELEVANCE))
    misses = {j.q: j.missed for j in judgements if j.missed}
    assert mean_recall(judgements) >= 0.95, misses
    late = {j.q: j.found[:3] for j in judgements if j.reciprocal_rank < 1}
    assert mean_reciprocal_rank(judgements) >= 0.8, late
    assert mean_ndcg(judgements) >= 0.8, late
