"""Acronyms and expansions find the same documents; regulation references are one form."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from search import index
from search.analysis import analyze
from search.query import SearchRequest, Vocabulary, search
from search.singkatan import Table, rewrite_query
from site_builder.content import load
from site_builder.schemas import SchemaError, load_abbreviations
from tests.conftest import CONTENT
from tests.search.field_docs import FIELD_DOCS, write_field_docs

ENTRIES = load_abbreviations(CONTENT / "_data" / "singkatan.yml")


def _corpus_text() -> str:
    texts = [p.read_text(encoding="utf-8") for p in CONTENT.rglob("*.md")]
    texts += [f"{meta} {body}" for _, meta, body in FIELD_DOCS.values()]
    return "\n".join(texts).lower()


_TEXT = _corpus_text()
OCCURRING = [
    e
    for e in ENTRIES
    if re.search(rf"(?<!\w){re.escape(e.acronym.lower())}(?!\w)", _TEXT) or e.expansion.lower() in _TEXT
]


@pytest.fixture(scope="module")
def field_search(tmp_path_factory: pytest.TempPathFactory):
    """``run(q)``: every hit's slug for ``q`` over the starter content plus the field documents."""
    root = tmp_path_factory.mktemp("singkatan") / "content"
    shutil.copytree(CONTENT, root)
    write_field_docs(root)
    corpus = load(root)
    assert not corpus.errors, [p.format() for p in corpus.errors]
    index.rebuild(corpus, root.parent / "index")
    searcher = index.open_index(root.parent / "index").searcher()
    vocabulary = Vocabulary.from_content(root)

    def run(q: str):
        return search(searcher, SearchRequest(q=q, per_page=1000), vocabulary)

    yield run
    searcher.close()


def test_most_acronyms_of_the_file_occur_in_the_test_documents() -> None:
    assert len(ENTRIES) >= 20
    assert len(OCCURRING) >= 15, [e.acronym for e in ENTRIES if e not in OCCURRING]


@pytest.mark.parametrize("entry", OCCURRING, ids=[e.acronym for e in OCCURRING])
def test_acronym_and_expansion_find_the_same_documents(field_search, entry) -> None:
    by_acronym = field_search(entry.acronym)
    by_expansion = field_search(entry.expansion)
    assert by_acronym.total > 0
    assert {h.slug for h in by_acronym.hits} == {h.slug for h in by_expansion.hits}
    assert not by_acronym.matched_any and not by_expansion.matched_any
    # Phrase-aware both ways: in quotes too.
    assert {h.slug for h in field_search(f'"{entry.expansion}"').hits} == {h.slug for h in by_acronym.hits}


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        (
            ["PP 14/2016", "PP No. 14 Tahun 2016", "Peraturan Pemerintah Nomor 14 Tahun 2016", "PP 14 th 2016"],
            {
                "uji-pp-penyelenggaraan",
                "uji-undang-undang-pkp",
                "pembentukan-pokja-pkp-melalui-sk-kepala-daerah",
                "penyusunan-program-kerja-pokja-pkp",
            },
        ),
        (
            ["UU 1/2011", "UU No. 1 Tahun 2011", "Undang-Undang Nomor 1 Tahun 2011", '"UU 1 th 2011"'],
            {
                "uji-undang-undang-pkp",
                "uji-perpres-percepatan",
                "pembentukan-pokja-pkp-melalui-sk-kepala-daerah",
                "penyusunan-program-kerja-pokja-pkp",
            },
        ),
        (
            [
                "Permen PUPR 7/PRT/M/2018",
                "Permen 7/2018",
                "Permen PUPR No. 7 Tahun 2018",
                "Peraturan Menteri Pekerjaan Umum dan Perumahan Rakyat Nomor 7 Tahun 2018",
            ],
            {"uji-bantuan-rtlh-desa", "uji-rumah-tidak-layak-huni"},
        ),
        (
            ["Perpres 9/2021", "Peraturan Presiden Nomor 9 Tahun 2021", "Perpres No. 9 th 2021"],
            {"uji-perpres-percepatan"},
        ),
        (
            ["Perda 2/2019", "Perda Kota Surabaya No. 2 Tahun 2019", "Peraturan Daerah Nomor 2 Tahun 2019"],
            {"uji-rusunawa-kota"},
        ),
        (["Pergub 45/2021", "Peraturan Gubernur Jawa Tengah Nomor 45 Tahun 2021"], {"uji-rp3kp-provinsi"}),
        (
            ["Perbup 8/2022", "Peraturan Bupati Nomor 8 Tahun 2022", "Perbup No. 8 th 2022"],
            {"uji-rencana-pembangunan-kawasan"},
        ),
        (
            ["Kepmendagri 100.1.1-6117/2022", "Keputusan Menteri Dalam Negeri Nomor 100.1.1-6117 Tahun 2022"],
            {"uji-kepmendagri-kode-wilayah"},
        ),
    ],
)
def test_regulation_forms_find_the_same_documents(field_search, forms: list[str], expected: set[str]) -> None:
    for form in forms:
        result = field_search(form)
        assert {h.slug for h in result.hits} == expected, form
        assert all(h.references for h in result.hits), form


def test_a_result_shows_the_matched_reference(field_search) -> None:
    hit = field_search("Peraturan Pemerintah Nomor 14 Tahun 2016").hits[0]
    assert hit.references == ["PP 14/2016"]
    assert field_search("Permen PUPR No. 7 Tahun 2018").hits[0].references == ["Permen 7/2018"]


def test_other_numbers_of_the_same_type_are_other_references(field_search) -> None:
    assert field_search("PP 15/2016").total == 0 or field_search("PP 15/2016").matched_any


def test_query_rewriting_names_what_was_widened() -> None:
    table = Table.from_entries(ENTRIES)
    assert rewrite_query("pendataan RTLH", table).widened == ["rumah tidak layak huni"]
    rewritten = rewrite_query("pendataan rumah tidak layak huni di desa", table)
    assert (rewritten.q, rewritten.widened) == ("pendataan RTLH di desa", ["RTLH"])
    assert rewrite_query("UU No. 1 Tahun 2011", table).q == "reg_uu_1_2011"
    # Affixed forms of an expansion match it (stems are compared).
    assert "mbr" in analyze("warga masyarakat yang berpenghasilan rendah", table)


def test_cari_says_the_query_was_widened_and_shows_the_reference(client) -> None:
    page = client.get("/cari?q=RTLH").get_data(as_text=True)
    assert "Juga dicari: rumah tidak layak huni" in page
    data = client.get("/api/search?q=rumah+tidak+layak+huni").get_json()
    assert data["also_searched"] == ["RTLH"]
    page = client.get("/cari", query_string={"q": "Peraturan Pemerintah Nomor 14 Tahun 2016"}).get_data(as_text=True)
    assert "Rujukan yang cocok: PP 14/2016" in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abbreviations: {}", "entri singkatan ke-0 tidak sah"),
        ("abbreviations:\n  - {acronym: RTLH}", "entri singkatan ke-1 tidak sah: expansion None"),
        ("abbreviations:\n  - {acronym: 'R T', expansion: rumah}", "entri singkatan ke-1 tidak sah: acronym 'R T'"),
        ("abbreviations:\n  - {acronym: SPM, expansion: x, sumber: y}", "entri singkatan ke-1 tidak sah: sumber"),
        (
            "abbreviations:\n  - {acronym: SPM, expansion: standar}\n  - {acronym: spm, expansion: lain}",
            "singkatan atau kepanjangan 'spm' tercantum dua kali",
        ),
    ],
)
def test_a_bad_singkatan_file_is_refused_with_a_message(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "singkatan.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        load_abbreviations(path)
    assert message in str(info.value)


def test_pokja_check_refuses_a_bad_singkatan_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from flask_app.cli import main

    root = tmp_path / "content"
    shutil.copytree(CONTENT / "_schemas", root / "_schemas")
    shutil.copytree(CONTENT / "_data", root / "_data")
    (root / "_data" / "singkatan.yml").write_text("abbreviations:\n  - {acronym: RTLH}\n", encoding="utf-8")
    assert main(["check", str(root)]) == 2
    captured = capsys.readouterr()
    assert "singkatan.yml: entri singkatan ke-1 tidak sah: expansion None" in captured.out + captured.err
