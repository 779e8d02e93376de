"""'Maksud Anda': spelling suggestions for query words the index does not know, at a bounded cost.

Candidates come from a symmetric-delete table of the index's words (built once per segment): a
word's one-letter deletions map back to it, so a query word's deletions up to two letters find
every word within two edits in a few dictionary look-ups, instead of Whoosh's automaton walk over
the whole word list (about 8 ms a word). Candidates are ranked by a weighted edit distance (a
neighbouring key or a swapped pair costs less, a changed first letter more) and then by how often
the word occurs in the corpus, so that "kumh" becomes "kumuh" (one letter added), not "rumah".
"""

from __future__ import annotations

import math
import re
import threading
from typing import Any

from .analysis import analyze
from .index import TEXT_FIELD

# Only the first few unknown words of a query get a suggestion: each costs look-ups, and a query
# of a hundred unknown words is not a misspelling.
MAX_SUGGESTED_WORDS = 3
MAX_WORD_LENGTH = 30
_WORD = re.compile(r"[^\W\d_]{3,}")
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_POS = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}
# Tables by segment (id, size): a searcher of the next generation shares its old segments' tables.
_tables: dict[Any, dict[str, set[str]]] = {}
MAX_TABLES = 32
_tables_lock = threading.Lock()


def _neighbours(a: str, b: str) -> bool:
    """Whether two letters are next to each other on a QWERTY keyboard."""
    pa, pb = _POS.get(a), _POS.get(b)
    return bool(pa and pb and abs(pa[0] - pb[0]) <= 1 and abs(pa[1] - pb[1]) <= 1)


def weighted_distance(a: str, b: str) -> float:
    """Optimal-string-alignment distance: a neighbouring key or a swap costs 0.6, the first letter 0.5 more."""
    rows = [[0.0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = float(i)
    for j in range(len(b) + 1):
        rows[0][j] = float(j)
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            sub = 0.0 if a[i - 1] == b[j - 1] else 0.6 if _neighbours(a[i - 1], b[j - 1]) else 1.0
            best = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + sub)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, rows[i - 2][j - 2] + 0.6)
            rows[i][j] = best
    first = 0.5 if a[:1] != b[:1] else 0.0
    return rows[-1][-1] + first


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _segment_table(leaf: Any) -> dict[str, set[str]]:
    """deletion (or word) -> words of one segment, kept per segment across searchers.

    A publication adds a small segment: only its table is built, not the whole dictionary's.
    """
    key = (leaf.segment().segment_id(), leaf.doc_count_all()) if leaf.segment() is not None else id(leaf)
    table = _tables.get(key)
    if table is None:
        with _tables_lock:
            table = _tables.get(key)
            if table is None:
                table = {}
                for raw in leaf.lexicon("vocab"):
                    word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                    if len(word) > MAX_WORD_LENGTH:
                        continue
                    for deletion in (word, *_deletes(word)):
                        table.setdefault(deletion, set()).add(word)
                _tables[key] = table
                while len(_tables) > MAX_TABLES:
                    _tables.pop(next(iter(_tables)))
    return table


def _tables_of(searcher: Any) -> list[dict[str, set[str]]]:
    return [_segment_table(leaf) for leaf, _offset in searcher.reader().leaf_readers() if leaf.segment() is not None]


def candidates(searcher: Any, word: str) -> list[str]:
    """Words of the index within about two edits of ``word``, best first."""
    tables = _tables_of(searcher)
    keys = {word} | _deletes(word)
    keys |= {d2 for d in list(keys) for d2 in _deletes(d)}
    found: set[str] = set()
    for table in tables:
        for key in keys:
            found |= table.get(key, set())
    reader = searcher.reader()
    scored = []
    for cand in found:
        distance = weighted_distance(word, cand)
        if distance > 2.0:
            continue
        terms = analyze(cand)
        freq = reader.doc_frequency(TEXT_FIELD, terms[0]) if terms else 0
        # Frequency breaks near-ties only: it can never outweigh a whole edit.
        scored.append((distance - 0.1 * math.log1p(freq), cand))
    return [cand for _, cand in sorted(scored)]


def suggest(searcher: Any, q: str) -> str | None:
    """``q`` with its first unknown words replaced by their best candidate; None when nothing changes."""
    reader = searcher.reader()
    suggestion, changed, tried = q, False, 0
    for word in dict.fromkeys(_WORD.findall(q)):
        lowered = word.lower()
        terms = analyze(lowered)
        if not terms or len(lowered) > MAX_WORD_LENGTH or reader.doc_frequency(TEXT_FIELD, terms[0]):
            continue
        if tried == MAX_SUGGESTED_WORDS:
            break
        tried += 1
        found = candidates(searcher, lowered)
        if found:
            suggestion = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", found[0], suggestion, count=1)
            changed = True
    return suggestion if changed else None
