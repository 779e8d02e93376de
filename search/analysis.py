"""The Indonesian analyzer: the same chain at index and query time.

Tokens keep numbers and regulation references findable ("PP 14/2016", "UU No. 1 Tahun 2011",
"Permen PUPR 29/PRT/M/2018" all become runs of short tokens such as ``pp 14 2016``, whichever way
the reference is written); words are lowercased, their Indonesian affixes removed with the
dictionary-based Sastrawi stemmer (cached per word), and the field's spelling variants folded.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Token, Tokenizer

# Words with letters or digits; "/" "." "-" inside a token split it (14/2016 -> 14, 2016), so a
# reference is findable however the number is punctuated. Underscores are not word characters here.
TOKEN_PATTERN = r"[^\W_]+"

# Noise words, and the joining words of regulation references ("No.", "Nomor", "Tahun"), so that
# "UU No. 1 Tahun 2011" and "UU 1/2011" analyse to the same tokens (uu 1 2011).
STOP_WORDS = frozenset(
    """
    yang dan di ke dari untuk dengan pada dalam ini itu atau oleh sebagai adalah akan juga
    bagi serta telah para tersebut agar karena secara the of
    no nomor tahun thn
    """.split()
)

# Common spelling variants in housing and planning texts: every form maps to the standard (KBBI) one.
VARIANTS: dict[str, str] = {
    "pemukiman": "permukiman",
    "praktek": "praktik",
    "resiko": "risiko",
    "kwalitas": "kualitas",
    "kwantitas": "kuantitas",
    "sistim": "sistem",
    "aktifitas": "aktivitas",
    "kreatifitas": "kreativitas",
    "efektifitas": "efektivitas",
    "produktifitas": "produktivitas",
    "analisa": "analisis",
    "ijin": "izin",
    "propinsi": "provinsi",
    "tehnik": "teknik",
    "tekhnik": "teknik",
    "obyek": "objek",
    "subyek": "subjek",
    "standarisasi": "standardisasi",
    "ekstrim": "ekstrem",
    "frekwensi": "frekuensi",
    "kongkrit": "konkret",
    "nasehat": "nasihat",
    "jaman": "zaman",
    "merubah": "mengubah",
    "rubah": "ubah",
    "perduli": "peduli",
    "tehnis": "teknis",
    "tekhnis": "teknis",
    "koordinir": "koordinasi",
    "apotik": "apotek",
    "sekertariat": "sekretariat",
}

# Acronyms and names the stemmer would mangle ("perkim" -> "kim"): kept as they are.
PROTECTED = frozenset(
    """
    perkim pokja pkp bappeda bappenas kemendagri kemenkeu kementerian pupr permen perpres perda
    pergub perbup perwal kepmen keppres inpres rtlh mbr dprd skpd rpjmn rpjmd rpjpd renstra renja
    apbn apbd dak bpn bpbd pnpm kotaku bsps flpp sdg sdgs lsm ngo bumn bumd kabupaten kota
    """.split()
)

_stemmer_lock = threading.Lock()
_stemmer: Any = None


def _get_stemmer() -> Any:
    """Build the Sastrawi stemmer once per process, on first use (its dictionary takes a while)."""
    global _stemmer
    if _stemmer is None:
        with _stemmer_lock:
            if _stemmer is None:
                from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

                _stemmer = StemmerFactory().create_stemmer()
    return _stemmer


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """The root of one lowercased word, its spelling variant folded; numbers and acronyms kept."""
    word = VARIANTS.get(word, word)
    if len(word) <= 3 or word in PROTECTED or not word.isalpha():
        return word
    root = _get_stemmer().stem(word) or word
    # Sastrawi's dictionary holds both forms of some variants ("mempraktekkan" -> "praktek").
    return VARIANTS.get(root, root)


class IndonesianAnalyzer(Tokenizer):
    """Tokenize, lowercase, drop stop words and stem in one pass (the chain, fused for speed).

    Equivalent to ``RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter(STOP_WORDS,
    minsize=1) | <variants and Sastrawi>``, but one generator instead of four: indexing and
    highlighting run it over every token, so the stages' overhead counted.
    """

    is_morph = True

    def __init__(self) -> None:
        self.pattern = re.compile(TOKEN_PATTERN)

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
        """Yield the tokens of ``value`` (one reused Token object, as Whoosh's tokenizers do)."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = self.pattern.finditer(value) if tokenize else [re.match(r".*", value, re.S)]
        pos = start_pos
        for match in matches:
            if match is None:
                continue
            original = match.group()
            word = original.lower()
            stop = word in STOP_WORDS
            if stop and removestops:
                continue  # positions close up over stop words, as StopFilter's renumber does
            token.stopped = stop
            token.text = word if (stop or no_morph) else stem_word(word)
            token.boost = 1.0
            if keeporiginal:
                token.original = original
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


def indonesian_analyzer() -> Any:
    """The analyzer used by every text field, at index and at query time."""
    return IndonesianAnalyzer()


def analyze(text: str) -> list[str]:
    """The terms ``text`` becomes (for tests and for reading what the index holds)."""
    return [token.text for token in indonesian_analyzer()(text)]
