"""The Indonesian analyzer: affixes, spelling variants, regulation references, same at query time."""

from __future__ import annotations

import pytest

from search.analysis import analyze, indonesian_analyzer, stem_word


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("membangun", "bangun"),
        ("pembangunan", "bangun"),
        ("bangunan", "bangun"),
        ("perumahan", "rumah"),
        ("rumahnya", "rumah"),
        ("perencanaan", "rencana"),
        ("pembiayaan", "biaya"),
        ("berpenghasilan", "hasil"),
    ],
)
def test_affixes_are_removed(word: str, root: str) -> None:
    assert analyze(word) == [root]


@pytest.mark.parametrize(
    ("variant", "standard"),
    [
        ("pemukiman", "permukiman"),
        ("praktek", "praktik"),
        ("mempraktekkan", "praktik"),
        ("resiko", "risiko"),
        ("analisa", "analisis"),
        ("propinsi", "provinsi"),
    ],
)
def test_spelling_variants_are_one_word(variant: str, standard: str) -> None:
    assert analyze(variant) == analyze(standard)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("PP 14/2016", ["pp", "14", "2016"]),
        ("PP No. 14 Tahun 2016", ["pp", "14", "2016"]),
        ("UU No. 1 Tahun 2011", ["uu", "1", "2011"]),
        ("UU Nomor 1 Tahun 2011", ["uu", "1", "2011"]),
        ("Permen PUPR 29/PRT/M/2018", ["permen", "pupr", "29", "prt", "m", "2018"]),
    ],
)
def test_regulation_references_keep_their_numbers(text: str, terms: list[str]) -> None:
    assert analyze(text) == terms


def test_acronyms_are_not_stemmed() -> None:
    # Sastrawi would read "perkim" as per- + "kim".
    assert analyze("Dinas Perkim Bappeda RTLH") == ["dinas", "perkim", "bappeda", "rtlh"]


def test_lowercase_and_stop_words() -> None:
    assert analyze("Rumah DAN Kawasan yang Layak") == ["rumah", "kawasan", "layak"]


def test_query_mode_gives_the_same_terms_as_index_mode() -> None:
    analyzer = indonesian_analyzer()
    text = "Pembangunan pemukiman menurut PP No. 14 Tahun 2016"
    index_terms = [t.text for t in analyzer(text, mode="index")]
    query_terms = [t.text for t in analyzer(text, mode="query")]
    assert index_terms == query_terms == ["bangun", "mukim", "turut", "pp", "14", "2016"]


def test_positions_and_chars_follow_the_text() -> None:
    # Whoosh reuses one token object, so read each as it comes.
    tokens = indonesian_analyzer()("Membangun rumah", positions=True, chars=True)
    assert [(t.text, t.pos, t.startchar, t.endchar) for t in tokens] == [
        ("bangun", 0, 0, 9),
        ("rumah", 1, 10, 15),
    ]


def test_stemming_is_cached_per_word() -> None:
    stem_word.cache_clear()
    stem_word("pembangunan")
    stem_word("pembangunan")
    info = stem_word.cache_info()
    assert (info.hits, info.misses) == (1, 1)
