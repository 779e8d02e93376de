"""Words: the token pattern, stop words, spelling variants, protected acronyms and the stemmer."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

# Words with letters or digits; "/" "." "-" inside a token split it (14/2016 -> 14, 2016), so a
# reference is findable however the number is punctuated. Underscores are not word characters here,
# except in the one reference token of a regulation (reg_pp_14_2016, see search/singkatan.py).
TOKEN_PATTERN = r"reg_[a-z]+_\d+_\d{4}(?![^\W_])|[^\W_]+"

# Noise words, and the joining words of regulation references ("No.", "Nomor", "Tahun"), so that
# "UU No. 1 Tahun 2011" and "UU 1/2011" analyse to the same tokens (uu 1 2011).
STOP_WORDS = frozenset(
    """
    yang dan di ke dari untuk dengan pada dalam ini itu atau oleh sebagai adalah akan juga
    bagi serta telah para tersebut agar karena secara the of
    no nomor tahun thn th
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
    rusunawa rusunami permendagri kepmendagri rp3kp rtrw
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
