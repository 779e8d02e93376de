"""Query features over a small index: words, phrases, filters, facets, sorting, snippets, suggestions, pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from search import index
from search.query import QueryError, SearchRequest, Vocabulary, make_snippet, parse_request, search
from site_builder.content import load
from tests.conftest import CONTENT
from tests.search.conftest import write_search_docs


@pytest.fixture(scope="module")
def shared_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The search tree and its index, built once for this module's read-only tests."""
    root = tmp_path_factory.mktemp("search") / "content"
    root.mkdir()
    shutil.copytree(CONTENT / "_schemas", root / "_schemas")
    shutil.copytree(CONTENT / "_data", root / "_data")
    write_search_docs(root)
    target = root.parent / "index"
    index.rebuild(load(root), target)
    return root, target


@pytest.fixture
def run(shared_tree: tuple[Path, Path]):
    """``run(args)``: parse and search, returning the result."""
    root, index_dir = shared_tree
    vocabulary = Vocabulary.from_content(root)
    searcher = index.open_index(index_dir).searcher()

    def run_search(args: dict, per_page: int = 10):
        request = parse_request(args, vocabulary)
        request.per_page = per_page
        return search(searcher, request, vocabulary)

    yield run_search
    searcher.close()


def slugs(result) -> set[str]:
    return {hit.slug for hit in result.hits}


def test_affixed_forms_find_each_other(run) -> None:
    expected = {"pedoman-penanganan-kumuh", "program-bedah-rumah", "pelajaran-gotong-royong"}
    for word in ("membangun", "pembangunan", "bangunan", "bangun"):
        assert slugs(run({"q": word})) == expected, word


def test_spelling_variants_find_each_other(run) -> None:
    assert slugs(run({"q": "permukiman kumuh"})) == {"pedoman-penanganan-kumuh"}
    assert slugs(run({"q": "praktik"})) == {"pedoman-penanganan-kumuh"}


@pytest.mark.parametrize(
    ("q", "slug"),
    [
        ("PP 14/2016", "pedoman-penanganan-kumuh"),
        ("PP No. 14 Tahun 2016", "pedoman-penanganan-kumuh"),
        ('"Permen PUPR 29/PRT/M/2018"', "pedoman-penanganan-kumuh"),
        ('"UU No. 1 Tahun 2011"', "pedoman-koordinasi-pokja"),
        ("UU 1/2011", "pedoman-koordinasi-pokja"),
    ],
)
def test_regulation_references_are_findable(run, q: str, slug: str) -> None:
    assert slugs(run({"q": q})) == {slug}


def test_all_words_are_required(run) -> None:
    result = run({"q": "koordinasi sekretariat"})
    assert slugs(result) == {"pedoman-koordinasi-pokja"}
    assert not result.matched_any


def test_falls_back_to_any_word_when_nothing_has_all(run) -> None:
    result = run({"q": "sekretariat swadaya"})
    assert result.matched_any
    assert slugs(result) == {"pedoman-koordinasi-pokja", "program-bedah-rumah", "pelajaran-gotong-royong"}


def test_phrases_in_quotes_keep_word_order(run) -> None:
    assert slugs(run({"q": '"rumah swadaya"'})) == {"program-bedah-rumah"}
    result = run({"q": '"swadaya rumah"'})
    assert result.total == 0 and not result.matched_any


def test_title_weighs_more_than_body(run) -> None:
    result = run({"q": "koordinasi"})
    assert result.hits[0].slug == "pedoman-koordinasi-pokja"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"type": "program"}, {"program-bedah-rumah"}),
        ({"region": "33"}, {"program-bedah-rumah", "pedoman-koordinasi-pokja"}),  # with its districts
        ({"region": "33.01"}, {"program-bedah-rumah"}),
        ({"year": "2024"}, {"program-bedah-rumah", "pedoman-koordinasi-pokja"}),
        ({"tag": "swadaya"}, {"program-bedah-rumah", "pelajaran-gotong-royong"}),
        ({"status": "berlaku"}, {"pedoman-penanganan-kumuh"}),
        (
            {"tag": ["swadaya", "regulasi"]},
            {"program-bedah-rumah", "pelajaran-gotong-royong", "pedoman-penanganan-kumuh"},
        ),
        ({"tag": "swadaya", "type": "pembelajaran"}, {"pelajaran-gotong-royong"}),
    ],
)
def test_filters(run, args: dict, expected: set[str]) -> None:
    assert slugs(run(args)) == expected
    assert slugs(run({"q": "rumah", **args})) <= expected


def test_facet_counts_follow_the_answer(run) -> None:
    result = run({"q": "rumah"})
    counts = {name: {v.value: v.count for v in values} for name, values in result.facets.items()}
    assert result.total == 2
    assert counts["type"] == {"program": 1, "pembelajaran": 1}
    assert counts["year"] == {"2022": 1, "2023": 1, "2024": 1}
    assert counts["region"] == {"32": 1, "33": 1, "33.01": 1}
    assert counts["tag"] == {"swadaya": 2, "rtlh": 1}
    assert counts["status"] == {"berjalan": 1}
    labels = {v.value: v.label for v in result.facets["type"]}
    assert labels["pembelajaran"] == "Pembelajaran"
    filtered = run({"q": "rumah", "tag": "swadaya"})
    selected = [v for v in filtered.facets["tag"] if v.selected]
    assert [(v.value, v.count) for v in selected] == [("swadaya", 2)]


def test_sort_by_date_or_relevance(run) -> None:
    by_date = run({"q": "", "urut": "tanggal"})
    assert [h.date for h in by_date.hits] == sorted((h.date for h in by_date.hits), reverse=True)
    assert by_date.total == 5
    by_relevance = run({"q": "koordinasi", "urut": "relevansi"})
    assert by_relevance.request.sort == "relevansi"


def test_snippets_are_highlighted(run) -> None:
    hit = run({"q": "triwulan"}).hits[0]
    assert "diselenggarakan setiap <mark>triwulan</mark> oleh sekretariat." in hit.snippet
    # Another form of the word is marked as it is written.
    bedah = next(h for h in run({"q": "membangun"}).hits if h.slug == "program-bedah-rumah")
    assert "<mark>Pembangunan</mark> rumah swadaya" in bedah.snippet


def test_snippet_escapes_text_and_keeps_two_passages() -> None:
    text = "awal " + "isi " * 40 + "<b>rumah</b> tengah " + "isi " * 40 + "rumah & kota " + "isi " * 40 + "rumah akhir"
    snippet = make_snippet(text, {"rumah"})
    assert snippet.count("<mark>") == 2
    assert "&lt;b&gt;<mark>rumah</mark>&lt;/b&gt;" in snippet
    assert "<mark>rumah</mark> &amp; kota" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert make_snippet("tidak ada", {"rumah"}) == ""


def test_suggestion_for_a_misspelt_word(run) -> None:
    result = run({"q": "pembanguan"})
    assert result.total == 0
    assert result.suggestion == "pembangunan"
    assert run({"q": "pembangunan"}).suggestion is None


def test_pagination(run) -> None:
    first = run({"q": ""}, per_page=2)
    second = run({"q": "", "hal": "2"}, per_page=2)
    third = run({"q": "", "hal": "3"}, per_page=2)
    assert (first.total, first.pages) == (5, 3)
    assert len(first.hits) == len(second.hits) == 2 and len(third.hits) == 1
    assert len(slugs(first) | slugs(second) | slugs(third)) == 5


def test_page_beyond_the_end(run) -> None:
    with pytest.raises(QueryError) as info:
        run({"q": "rumah", "hal": "9"})
    assert info.value.message() == "Halaman 9 tidak ada; hasil pencarian hanya 1 halaman."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"q": '"rumah layak'}, 'Tanda kutip tidak berpasangan; tutup frasa dengan tanda kutip (").'),
        ({"q": "a" * 10_000}, "Kata pencarian terlalu panjang (10000 karakter); paling banyak 500 karakter."),
        ({"q": "rumah\x00layak"}, "Kata pencarian mengandung karakter kendali yang tidak diizinkan."),
        ({"q": "rumah\x1b[31m"}, "Kata pencarian mengandung karakter kendali yang tidak diizinkan."),
        ({"type": "resep"}, "Nilai saring 'resep' untuk 'type' tidak dikenal."),
        ({"region": "99"}, "Nilai saring '99' untuk 'region' tidak dikenal."),
        ({"year": "dua ribu"}, "Nilai saring 'dua ribu' untuk 'year' tidak dikenal."),
        ({"tag": "<b>"}, "Nilai saring '<b>' untuk 'tag' tidak dikenal."),
        ({"status": "hilang"}, "Nilai saring 'hilang' untuk 'status' tidak dikenal."),
        ({"hal": "-1"}, "Nomor halaman '-1' tidak sah; gunakan bilangan bulat mulai 1."),
        ({"hal": "dua"}, "Nomor halaman 'dua' tidak sah; gunakan bilangan bulat mulai 1."),
        ({"urut": "acak"}, "Urutan 'acak' tidak dikenal; gunakan 'relevansi' atau 'tanggal'."),
    ],
)
def test_bad_requests_are_refused_with_a_message(shared_tree: tuple[Path, Path], args: dict, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_request(args, Vocabulary.from_content(shared_tree[0]))
    assert info.value.message() == message


def test_query_syntax_is_plain_words(run) -> None:
    # Field names, wildcards and operators are not syntax here: no error, no surprise.
    # Each answers as its words alone would (punctuation is no syntax; "AND", "NOT" are words).
    for q, words in (
        ("title:rumah", '"title rumah"'),  # one word of two tokens: a phrase
        ("rum*", "rum"),
        ("rumah AND NOT kumuh", "rumah and not kumuh"),
        ("(rumah", "rumah"),
        ("rumah^5", '"rumah 5"'),
    ):
        result = run({"q": q})
        assert slugs(result) == slugs(run({"q": words})), q
        assert result.total == run({"q": words}).total, q
    assert slugs(run({"q": "(rumah"})) == {"program-bedah-rumah", "pelajaran-gotong-royong"}
    assert run({"q": "rum*"}).total == 0


def test_params_keep_the_rest_of_the_request() -> None:
    request = SearchRequest(q="rumah", filters={"tag": ["swadaya"]}, sort="tanggal", page=2)
    assert request.params(hal=3) == {"q": "rumah", "tag": ["swadaya"], "urut": "tanggal", "hal": 3}
    assert request.toggled("tag", "swadaya") == {"q": "rumah", "urut": "tanggal"}
    assert request.toggled("type", "modul") == {"q": "rumah", "tag": ["swadaya"], "type": ["modul"], "urut": "tanggal"}
