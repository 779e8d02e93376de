"""The snippets' fast word scan finds exactly the tokens the tokenizer's own scan finds."""

from __future__ import annotations

import random

import pytest

from search.snippets import _TOKEN, _surface_stem, make_snippet, matched_spans

TEXTS = [
    "Rumah-rumah warga; RUMAH! rumah_x perumahan, rumah.",
    "Dasar hukum: reg_pp_14_2016 dan rumah (reg_uu_1_2011) rumah",
    "x²rumah 2rumah rumah2 rumah\u00a0rumah\trumah\nrumah",
    "İstanbul rumah İ",  # a letter whose lower case is longer
    "Membangun pembangunan dibangun bangunan: bangun!",
    "PP 14/2016 dan UU No. 1 Tahun 2011 tentang perumahan",
    "",
]


def _scan(lowered: str, terms: set[str]) -> list[tuple[int, int]]:
    """The tokenizer's own scan (what matched_spans must equal)."""
    return [m.span() for m in _TOKEN.finditer(lowered) if _surface_stem(m.group()) in terms]


@pytest.mark.parametrize("text", TEXTS)
def test_matched_spans_are_the_tokenizer_scans(text: str) -> None:
    words = {_surface_stem(w) for w in _TOKEN.findall(text.lower())} - {""}
    for terms in [{w} for w in sorted(words)] + [words, {"tidakada"}]:
        lowered = text.lower() if len(text.lower()) == len(text) else text
        assert matched_spans(lowered, terms) == _scan(lowered, terms), terms


def test_matched_spans_on_random_text_and_the_snippet_marks_them() -> None:
    rng = random.Random(3)
    pieces = ["rumah", "perumahan", "Bangun", "reg_pp_14_2016", "14", "kumuh.", "(layak)", "huni-", "_", "²", "é"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) + rng.choice([" ", "", ", ", "\n"]) for _ in range(rng.randint(1, 40)))
        lowered = text.lower()
        for terms in ({"rumah"}, {"bangun", "14"}, {"kumuh", "layak", "huni"}):
            assert matched_spans(lowered, terms) == _scan(lowered, terms), text
    snippet = make_snippet("Program perumahan: bedah rumah warga.", {"rumah"})
    assert snippet == "Program <mark>perumahan</mark>: bedah <mark>rumah</mark> warga."
