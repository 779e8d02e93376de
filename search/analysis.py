"""The Indonesian analyzer: the same chain at index and query time.

Tokens keep numbers and regulation references findable ("PP 14/2016", "UU No. 1 Tahun 2011",
"Permen PUPR 29/PRT/M/2018" all become runs of short tokens such as ``pp 14 2016``, whichever way
the reference is written); words are lowercased, their Indonesian affixes removed with the
dictionary-based Sastrawi stemmer (cached per word), and the field's spelling variants folded.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter

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


class IndonesianStemFilter(Filter):
    """Folds spelling variants and removes Indonesian affixes (a morphological filter)."""

    is_morph = True

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        """Replace each token's text by its root."""
        for token in tokens:
            if not token.stopped:
                token.text = stem_word(token.text)
            yield token


def indonesian_analyzer() -> Any:
    """The analyzer used by every text field, at index and at query time."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        # minsize=1 keeps one-digit numbers ("UU No. 1") and one-letter reference parts ("M").
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | IndonesianStemFilter()
    )


def analyze(text: str) -> list[str]:
    """The terms ``text`` becomes (for tests and for reading what the index holds)."""
    return [token.text for token in indonesian_analyzer()(text)]
