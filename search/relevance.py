"""recall@k of a relevance set: queries and the documents each must find (used by a test and the benchmark)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .query import SearchRequest, Vocabulary, search


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


def load_set(path: Path | str) -> list[dict[str, Any]]:
    """The queries of a relevance file."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return list(data["queries"])


def judge(searcher: Any, vocabulary: Vocabulary, queries: list[dict[str, Any]], k: int = 10) -> list[Judgement]:
    """Run every query (as /cari would: all words, falling back to any word) and compare."""
    out = []
    for item in queries:
        result = search(searcher, SearchRequest(q=item["q"], per_page=k), vocabulary)
        out.append(Judgement(item["q"], item.get("kind", ""), list(item["expect"]), [h.slug for h in result.hits]))
    return out


def mean_recall(judgements: list[Judgement]) -> float:
    """recall@k averaged over the queries."""
    return sum(j.recall for j in judgements) / len(judgements)
