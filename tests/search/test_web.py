"""/cari and /api/search: the page, the JSON, bad queries as 400s, escaping, and a refreshed searcher."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from search import index
from site_builder.content import load, load_one
from tests.conftest import base_meta, write_doc

BAD_QUERIES = [
    ({"q": '"rumah'}, 'Tanda kutip tidak berpasangan; tutup frasa dengan tanda kutip (").'),
    ({"q": "x" * 10_000}, "Kata pencarian terlalu panjang (10000 karakter); paling banyak 500 karakter."),
    ({"q": "rumah\x07"}, "Kata pencarian mengandung karakter kendali yang tidak diizinkan."),
    ({"q": "rumah", "type": "resep"}, "Nilai saring 'resep' untuk 'type' tidak dikenal."),
    ({"q": "rumah", "hal": "50"}, "Halaman 50 tidak ada; hasil pencarian hanya 1 halaman."),
]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def test_api_search_answers_hits_facets_suggestion_and_paging(client) -> None:
    response = client.get("/api/search", query_string={"q": "pembangunan", "tag": "swadaya"})
    assert response.status_code == 200
    data = response.get_json()
    assert data["ok"] is True
    assert data["query"] == "pembangunan"
    assert data["filters"] == {"tag": ["swadaya"]}
    assert data["paging"] == {"page": 1, "pages": 1, "per_page": 10, "total": 2}
    assert {h["slug"] for h in data["hits"]} == {"program-bedah-rumah", "pelajaran-gotong-royong"}
    hit = next(h for h in data["hits"] if h["slug"] == "program-bedah-rumah")
    assert hit["url"] == "/program/program-bedah-rumah/"
    assert hit["type_label"] == "Program"
    assert hit["regions"] == [{"code": "33.01", "name": "Kabupaten Cilacap"}]
    assert "<mark" in hit["snippet"]
    # type and year for every document, the others as the schemas' facets: declare them.
    assert set(data["facets"]) == {"type", "region", "year", "tag", "status", "stakeholder_group", "level"}
    assert data["suggestion"] is None


def test_api_suggestion(client) -> None:
    data = client.get("/api/search?q=pembanguan").get_json()
    assert (data["total"], data["suggestion"]) == (0, "pembangunan")


@pytest.mark.parametrize(("args", "message"), BAD_QUERIES)
def test_api_bad_query_has_the_one_error_shape(client, args: dict, message: str) -> None:
    response = client.get("/api/search", query_string=args)
    assert response.status_code == 400
    assert response.get_json() == {"ok": False, "error": message, "status": 400}


@pytest.mark.parametrize(("args", "message"), BAD_QUERIES)
def test_cari_bad_query_shows_the_message_with_400(client, args: dict, message: str) -> None:
    response = client.get("/cari", query_string=args)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'<p class="srch-error" role="alert">{escape(message)}</p>' in page


def test_cari_page_keeps_the_query_and_links_facets(client) -> None:
    response = client.get("/cari?q=rumah")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="srch-q" type="search" name="q" value="rumah"' in page
    assert 'id="svc-q"' not in page  # one search box on /cari: the header's is left out there
    assert "2 hasil untuk “rumah”" in page
    assert 'href="/program/program-bedah-rumah/"' in page
    facet_links = re.findall(r'<a href="(/cari\?[^"]+)"', page)
    assert "/cari?q=rumah&amp;tag=swadaya" in facet_links
    narrowed = client.get("/cari?q=rumah&tag=swadaya").get_data(as_text=True)
    assert 'class="selected" aria-current="true"' in narrowed
    assert '<input type="hidden" name="tag" value="swadaya">' in narrowed


def test_cari_without_words_lists_everything_newest_first(client) -> None:
    page = client.get("/cari").get_data(as_text=True)
    assert "5 dokumen" in page
    assert page.index("Cerita Kontribusi Warga") < page.index("Pedoman Penanganan Pemukiman Kumuh")


def test_cari_suggestion_and_pages(client) -> None:
    page = client.get("/cari?q=pembanguan").get_data(as_text=True)
    assert 'Maksud Anda: <a href="/cari?q=pembangunan">pembangunan</a>?' in page


def test_contributed_markup_is_never_executable(client) -> None:
    response = client.get("/cari", query_string={"q": "alert"})
    page = response.get_data(as_text=True)
    assert "Cerita Kontribusi Warga" in page
    assert "&lt;script&gt;" in page  # shown as text
    # The results alone: the service's own header carries the Pokja's logo (an img of ours).
    results = page[page.index('class="srch-results"') :]
    found = elements(results)
    assert not [tag for tag, _ in found if tag in ("script", "img", "iframe", "object")]
    assert not [attrs for _, attrs in found if any(name.startswith("on") for name in attrs)]
    api = client.get("/api/search", query_string={"q": "alert"}).get_json()
    snippet = api["hits"][0]["snippet"]
    assert {tag for tag, _ in elements(snippet)} <= {"mark"}


def test_searcher_stays_open_and_sees_updates(app, client, search_tree, index_dir) -> None:
    assert client.get("/api/search?q=sanitasi").get_json()["total"] == 0
    searcher = app.extensions["pokja_search"]._searcher
    path = write_doc(
        search_tree, "pedoman", "pedoman-sanitasi", base_meta("Pedoman Sanitasi", issuer="X", status="draf")
    )
    doc, problems = load_one(load(search_tree), path)
    assert doc is not None, problems
    client.get("/api/search?q=rumah")
    assert app.extensions["pokja_search"]._searcher is searcher  # no change, same searcher
    index.update_documents(index_dir, [doc])
    assert client.get("/api/search?q=sanitasi").get_json()["total"] == 1
    index.update_documents(index_dir, [], deleted_slugs=["pedoman-sanitasi"])
    assert client.get("/api/search?q=sanitasi").get_json()["total"] == 0


def test_missing_index_is_built_on_first_search(tmp_path, search_tree) -> None:
    from flask_app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "CONTENT_DIR": str(search_tree),
            "INDEX_DIR": str(tmp_path / "new-index"),
            "INSTANCE_DIR": str(tmp_path / "instance"),
        }
    )
    assert app.test_client().get("/api/search?q=rumah").get_json()["total"] == 2
    app.extensions["pokja_search"].close()


def test_cari_error_page_shows_the_query_without_control_characters(client) -> None:
    page = client.get("/cari", query_string={"q": "rumah\x00layak"}).get_data(as_text=True)
    assert 'name="q" value="rumahlayak"' in page
    assert "\x00" not in page


def test_an_index_of_another_version_is_rebuilt_on_first_search(tmp_path, search_tree) -> None:
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, Schema

    from flask_app import create_app

    old = tmp_path / "old-index"
    old.mkdir()
    whoosh_index.create_in(str(old), Schema(slug=ID(stored=True)), indexname=index.INDEX_NAME)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "CONTENT_DIR": str(search_tree),
            "INDEX_DIR": str(old),
            "INSTANCE_DIR": str(tmp_path / "instance"),
        }
    )
    assert app.test_client().get("/api/search?q=rumah").get_json()["total"] == 2
    app.extensions["pokja_search"].close()
