"""What an anonymous /api/search does not do (no database, no session cookie) and its JSON's completeness."""

from __future__ import annotations

import dataclasses

from sqlalchemy import event, text

from flask_app import db
from search.query import Hit, SearchRequest, Vocabulary, search


def test_anonymous_api_search_runs_no_database_statement_and_sets_no_cookie(app, client) -> None:
    statements: list[str] = []
    engine = app.extensions[db.EXTENSION]["engine"]

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get("/api/search", query_string={"q": "pembangunan"})  # the searcher opens here
        response = client.get("/api/search", query_string={"q": "rumah", "tag": "swadaya"})
        client.get("/cari", query_string={"q": "rumah"})
        during_searches = list(statements)
        with app.app_context():  # the listener sees what the app runs
            db.get_session().execute(text("SELECT 1"))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    assert response.get_json()["total"] > 0
    # No session loaded, no account looked up, no rate-limit row: a search reads only the index.
    assert during_searches == []
    assert statements == ["SELECT 1"]
    assert "Set-Cookie" not in response.headers
    # The security headers still apply to the JSON answer.
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_hit_json_is_every_field_of_the_hit(index_dir, search_tree) -> None:
    from search import index

    vocabulary = Vocabulary.from_content(search_tree)
    with index.open_index(index_dir).searcher() as searcher:
        result = search(searcher, SearchRequest(q="rumah"), vocabulary)
    assert result.hits
    for hit in result.hits:
        assert hit.to_json() == dataclasses.asdict(hit)
        # Copies: changing the answer never changes the hit (as asdict's deep copies did not).
        hit.to_json()["regions"].append({"code": "x"})
        assert {"code": "x"} not in hit.regions
    assert [f.name for f in dataclasses.fields(Hit)] == list(result.hits[0].to_json())
    facets = result.to_json()["facets"]
    assert facets == {name: [vars(v) for v in values] for name, values in result.facets.items()}
