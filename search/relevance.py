"""Relevance of a query set: recall@k, MRR and nDCG@k (used by a test and the benchmark)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .query import SearchRequest, Vocabulary, parse_request, search


@dataclass
class Judgement:
    """One query of the set with what it found and missed in the first ``k`` results."""

    q: str
    kind: str
    expect: list[str]
    found: list[str]

    @property
    def missed(self) -> list[str]:
        """Expected documents not in the first k results."""
        return [s for s in self.expect if s not in self.found]

    @property
    def recall(self) -> float:
        """Share of the expected documents found."""
        return (len(self.expect) - len(self.missed)) / len(self.expect)

    @property
    def reciprocal_rank(self) -> float:
        """1 / rank of the first expected document (0 when none is in the first k)."""
        for rank, slug in enumerate(self.found, start=1):
            if slug in self.expect:
                return 1 / rank
        return 0.0

    @property
    def ndcg(self) -> float:
        """Binary-gain nDCG of the first k results against the expected documents."""
        dcg = sum(1 / math.log2(rank + 1) for rank, slug in enumerate(self.found, start=1) if slug in self.expect)
        ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(self.expect), len(self.found) or 1) + 1))
        return dcg / ideal if ideal else 0.0


def load_set(path: Path | str) -> list[dict[str, Any]]:
    """The queries of a relevance file."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return list(data["queries"])


def judge(searcher: Any, vocabulary: Vocabulary, queries: list[dict[str, Any]], k: int = 10) -> list[Judgement]:
    """Run every query (as /cari would: all words, falling back to any word) and compare."""
    out = []
    for item in queries:
        args = {"q": item["q"], **(item.get("filters") or {})}
        request = parse_request(args, vocabulary) if item.get("filters") else SearchRequest(q=item["q"])
        request.per_page = k
        result = search(searcher, request, vocabulary)
        out.append(Judgement(item["q"], item.get("kind", ""), list(item["expect"]), [h.slug for h in result.hits]))
    return out


def mean_recall(judgements: list[Judgement]) -> float:
    """recall@k averaged over the queries."""
    return sum(j.recall for j in judgements) / len(judgements)


def mean_reciprocal_rank(judgements: list[Judgement]) -> float:
    """MRR over the queries."""
    return sum(j.reciprocal_rank for j in judgements) / len(judgements)


def mean_ndcg(judgements: list[Judgement]) -> float:
    """nDCG@k averaged over the queries."""
    return sum(j.ndcg for j in judgements) / len(judgements)
