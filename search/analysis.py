"""The Indonesian analyzer: the same chain at index and query time.

Tokens keep numbers and regulation references findable ("PP 14/2016", "UU No. 1 Tahun 2011",
"Permen PUPR 29/PRT/M/2018" all become runs of short tokens such as ``pp 14 2016``, whichever way
the reference is written); words are lowercased, their Indonesian affixes removed with the
dictionary-based Sastrawi stemmer (cached per word), and the field's spelling variants folded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer

from .singkatan import Table, find_spans
from .words import PROTECTED, STOP_WORDS, TOKEN_PATTERN, VARIANTS, stem_word

__all__ = ["PROTECTED", "STOP_WORDS", "TOKEN_PATTERN", "VARIANTS", "IndonesianAnalyzer", "analyze", "stem_word"]


class IndonesianAnalyzer(Tokenizer):
    """Tokenize, lowercase, drop stop words and stem in one pass (the chain, fused for speed).

    Equivalent to ``RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter(STOP_WORDS,
    minsize=1) | <variants and Sastrawi>``, but one generator instead of four: indexing and
    highlighting run it over every token, so the stages' overhead counted.
    """

    is_morph = True

    def __init__(self, table: Table | None = None) -> None:
        self.pattern = re.compile(TOKEN_PATTERN)
        # The acronyms of the content the index was built from: pickled with the index's schema,
        # so queries read the same table as indexing did.
        self.table = table

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        no_morph: bool = False,
        **kwargs: Any,
    ) -> Iterator[Token]:
        """Yield the tokens of ``value`` (one reused Token object, as Whoosh's tokenizers do).

        Outside query mode an expansion spelt out also yields its acronym and a regulation
        reference its reference token, at the position of the span's last word (so "pp 14 2016"
        and "peraturan pemerintah 14 2016" read alike in a phrase); queries are rewritten to these
        forms before parsing (search.singkatan.rewrite_query).
        """
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = self.pattern.finditer(value) if tokenize else [re.match(r".*", value, re.S)]
        items: list[tuple[str, Any, bool]] = []
        for match in matches:
            if match is None:
                continue
            word = match.group().lower()
            stop = word in STOP_WORDS
            if stop and removestops:
                continue  # positions close up over stop words, as StopFilter's renumber does
            items.append((word if (stop or no_morph) else stem_word(word), match, stop))
        extras: dict[int, list[tuple[str, int]]] = {}
        table = getattr(self, "table", None)
        if table is not None and mode != "query" and not no_morph:
            live = [k for k, item in enumerate(items) if not item[2]]
            for span in find_spans([items[k][0] for k in live], table):
                extras.setdefault(live[span.end - 1], []).append((span.token, live[span.start]))
        pos = start_pos
        for k, (text, match, stop) in enumerate(items):
            token.stopped = stop
            token.text = text
            token.boost = 1.0
            if keeporiginal:
                token.original = match.group()
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token
            for extra, first in extras.get(k, ()):
                token.stopped = False
                token.text = extra
                if keeporiginal:
                    token.original = extra
                if chars:
                    token.startchar = start_char + items[first][1].start()
                yield token
            pos += 1


def indonesian_analyzer(table: Table | None = None) -> Any:
    """The analyzer used by every text field, at index and at query time."""
    return IndonesianAnalyzer(table)


def analyze(text: str, table: Table | None = None) -> list[str]:
    """The terms ``text`` becomes (for tests and for reading what the index holds)."""
    return [token.text for token in indonesian_analyzer(table)(text)]
