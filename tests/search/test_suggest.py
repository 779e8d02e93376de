"""'Maksud Anda' over the starter content: slips of the corpus's words, and the bounded cost."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from search import index
from search.suggest import MAX_SUGGESTED_WORDS, suggest, weighted_distance
from site_builder.content import load
from tests.conftest import CONTENT

# (typed, meant): one- and two-letter slips of words of the starter content.
SLIPS = [
    ("kumh", "kumuh"),
    ("kumu", "kumuh"),
    ("pendampinan", "pendampingan"),
    ("verifkasi", "verifikasi"),
    ("sanitsi", "sanitasi"),
    ("pembanguan", "pembangunan"),
    ("rumha", "rumah"),
    ("kawsan", "kawasan"),
    ("permukmian", "permukiman"),
    ("koordinsai", "koordinasi"),
    ("perencnaan", "perencanaan"),
    ("pemantuan", "pemantauan"),
    ("anggran", "anggaran"),
    ("swadya", "swadaya"),
    ("kelmpok", "kelompok"),
    ("pedoamn", "pedoman"),
    ("realiasi", "realisasi"),
    ("masyarkat", "masyarakat"),
    ("perumahn", "perumahan"),
    ("bantaun", "bantuan"),
    ("pengembnag", "pengembang"),
    ("indikatro", "indikator"),
    ("rapaat", "rapat"),
    ("provinsu", "provinsi"),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory):
    """A searcher over the starter content, indexed into a temporary folder."""
    target = tmp_path_factory.mktemp("suggest") / "index"
    index.rebuild(load(CONTENT), target)
    searcher = index.open_index(target).searcher()
    yield searcher
    searcher.close()


def test_at_least_18_of_the_slips_are_corrected(searcher) -> None:
    assert len(SLIPS) >= 20
    wrong = {typed: suggest(searcher, typed) for typed, meant in SLIPS if suggest(searcher, typed) != meant}
    assert len(SLIPS) - len(wrong) >= 18, wrong


def test_the_meaning_that_changes_less_wins(searcher) -> None:
    assert suggest(searcher, "kumh") == "kumuh"  # not "rumah"
    assert suggest(searcher, "kumu") == "kumuh"  # not "umum"
    assert suggest(searcher, "penanganan kumh") == "penanganan kumuh"


def test_no_suggestion_for_a_word_that_matches_documents(searcher) -> None:
    for q in ("rumah", "kumuh", "rtlh", "pembangunan kawasan"):
        assert suggest(searcher, q) is None, q


def test_weighted_distance_favours_neighbouring_keys_and_keeps_the_first_letter() -> None:
    assert weighted_distance("kumh", "kumuh") == 1.0
    assert weighted_distance("rumsh", "rumah") < weighted_distance("rumlh", "rumah")  # s is next to a
    assert weighted_distance("rmuah", "rumah") < 1.0  # a swap
    assert weighted_distance("kumah", "rumah") > 1.0  # another first letter


def test_only_the_first_unknown_words_get_a_suggestion(searcher) -> None:
    q = "kumh sanitsi swadya rumha kawsan"
    assert suggest(searcher, q) == "kumuh sanitasi swadaya rumha kawsan"
    assert MAX_SUGGESTED_WORDS == 3


def test_many_unknown_words_cost_little(searcher) -> None:
    suggest(searcher, "kumh")  # the candidate table is built once per searcher
    q = " ".join(f"q{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(125))
    started = time.perf_counter()
    suggest(searcher, q)
    assert time.perf_counter() - started < 0.1


def test_the_125_unknown_word_query_answers_within_100_ms(client) -> None:
    client.get("/api/search?q=rumah")  # open the searcher
    q = " ".join(f"x{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(125))
    started = time.perf_counter()
    response = client.get("/api/search", query_string={"q": q})
    assert time.perf_counter() - started < 0.1
    assert response.status_code == 400
    assert response.get_json()["error"] == "Kata pencarian terlalu banyak (125 kata); paling banyak 32 kata."
    q = " ".join(f"x{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(32))
    started = time.perf_counter()
    data = client.get("/api/search", query_string={"q": q}).get_json()
    assert time.perf_counter() - started < 0.1
    assert data["total"] == 0


def test_too_many_phrases_are_refused(client) -> None:
    q = " ".join('"rumah layak"' for _ in range(9))
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 400
    assert response.get_json()["error"] == "Frasa dalam tanda kutip terlalu banyak (9); paling banyak 8."


def test_searches_do_not_wait_for_each_other(app, client) -> None:
    # The service's lock guards only the opening of a searcher: a search runs while it is held.
    client.get("/api/search?q=rumah")
    service = app.extensions["pokja_search"]
    answers: list[int] = []

    def ask() -> None:
        with app.test_client() as other:
            answers.append(other.get("/api/search?q=swadaya").status_code)

    with service._lock:
        thread = threading.Thread(target=ask)
        thread.start()
        thread.join(timeout=5)
        assert answers == [200]


def test_slips_are_data_of_this_corpus() -> None:
    text = " ".join(p.read_text(encoding="utf-8").lower() for p in Path(CONTENT).rglob("*.md"))
    assert not [meant for _, meant in SLIPS if meant not in text]
