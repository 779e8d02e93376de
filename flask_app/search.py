"""/cari (the search page) and /api/search (JSON), over one searcher kept open across requests.

Both take the same GET parameters: ``q`` (words; "quoted phrases"; all words required, any word
when no document has all), filters ``type``, ``year`` and the schemas' ``facets:`` (``region``,
``tag``, ``status``, ...; each may repeat; values from content/_schemas and content/_data),
``urut`` (``relevansi`` or ``tanggal``) and ``hal`` (page, from 1). /api/search answers::

    {"ok": true, "query": "...", "filters": {"tag": ["rtlh"]}, "sort": "relevansi", "total": 12,
     "matched_any_word": false, "suggestion": "pembangunan" | null,
     "also_searched": ["rumah tidak layak huni"] (other forms of the query's acronyms searched too),
     "paging": {"page": 1, "pages": 2, "per_page": 10, "total": 12},
     "hits": [{"slug", "type", "type_label", "title", "url", "date", "summary",
               "snippet" (HTML: escaped text with <mark> around matches; every other field is plain
               text), "regions": [{"code", "name"}], "tags": [{"id", "label"}], "status",
               "contributed", "references" (the query's regulation references it cites: "PP 14/2016")}],
     "facets": {"type" | "year" | <each schema facet>: [{"value", "label", "count", "selected"}]}}

and every error in one shape, with the HTTP status repeated::

    {"ok": false, "error": "<pesan dalam bahasa Indonesia>", "status": 400}

400 for a bad request (unbalanced quotes, text over 500 characters or 32 words or 8 phrases,
control characters, an unknown filter value, a bad or too large page number), 503 when the index is missing or busy.
"""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template, request, url_for

from search import index as search_index
from search.query import MAX_QUERY_LENGTH, QueryError, SearchRequest, SearchResult, Vocabulary, parse_request, search
from search.refresh import latest_searcher
from site_builder.i18n import _

bp = Blueprint("search", __name__)

EXTENSION = "pokja_search"


class IndexUnavailable(Exception):
    """The index does not exist and may not be built here."""


class SearchService:
    """One index, opened lazily; one searcher shared by requests and refreshed after each commit."""

    def __init__(self, index_dir: Path, content_dir: Path, auto_build: bool) -> None:
        self.index_dir, self.content_dir, self.auto_build = index_dir, content_dir, auto_build
        self._lock = threading.Lock()
        self._searcher: Any = None
        self._vocabulary: Vocabulary | None = None

    def vocabulary_schemas(self) -> dict[str, Any]:
        """The content's schemas (what the index is built from)."""
        from site_builder.schemas import load_schemas

        return load_schemas(self.content_dir)

    @property
    def vocabulary(self) -> Vocabulary:
        """Filter values and labels from the content's schemas and reference data."""
        if self._vocabulary is None:
            self._vocabulary = Vocabulary.from_content(self.content_dir)
        return self._vocabulary

    def _current_searcher(self) -> Any:
        """The shared searcher, brought to the latest generation when a writer committed.

        A Whoosh searcher is safe to share for reading, so searches run side by side. Only the
        first opening makes requests wait; a refresh is done by one request while the others
        keep answering from the searcher they have (the previous generation, a moment old).
        The refresh reuses the open segments (search.refresh), so it costs only the new ones.
        """
        searcher = self._searcher
        if searcher is not None and searcher.up_to_date():
            return searcher
        if searcher is not None and not self._lock.acquire(blocking=False):
            return searcher  # another request is refreshing it
        if searcher is None:
            self._lock.acquire()
        try:
            if self._searcher is None:
                schemas = self.vocabulary_schemas()
                if not search_index.exists(self.index_dir) or search_index.is_outdated(self.index_dir, schemas):
                    if not self.auto_build:
                        raise IndexUnavailable(_("index_missing"))
                    from site_builder.content import load

                    search_index.rebuild(load(self.content_dir), self.index_dir)
            self._searcher = latest_searcher(self._searcher, self.index_dir)
            return self._searcher
        finally:
            self._lock.release()

    def run(self, search_request: SearchRequest, lang: str = "id") -> SearchResult:
        """Search without a lock: requests share the searcher for reading."""
        return search(self._current_searcher(), search_request, self.vocabulary, lang)

    def close(self) -> None:
        """Close the searcher (tests and shutdown)."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None


def init_app(app: Flask) -> None:
    """Attach the search service; nothing is opened until the first search."""
    app.config.setdefault("SEARCH_AUTO_BUILD", True)
    app.extensions[EXTENSION] = SearchService(
        Path(app.config["INDEX_DIR"]), Path(app.config["CONTENT_DIR"]), bool(app.config["SEARCH_AUTO_BUILD"])
    )


def service() -> SearchService:
    """The current app's search service."""
    return current_app.extensions[EXTENSION]


def _lang() -> str:
    from flask_app.messages import current_lang

    return current_lang()


def _error_json(message: str, status: int):
    """The one error shape of the API."""
    return jsonify({"ok": False, "error": message, "status": status}), status


@bp.get("/api/search")
def api_search():
    """Search as JSON: hits, facets, suggestion and paging; errors as {ok, error, status}."""
    lang = _lang()
    try:
        result = service().run(parse_request(request.args, service().vocabulary), lang)
    except QueryError as exc:
        return _error_json(exc.message(lang), 400)
    except (IndexUnavailable, search_index.IndexBusy) as exc:
        return _error_json(str(exc), 503)
    return jsonify(result.to_json())


@bp.get("/cari")
def search_page():
    """The search page: works without JavaScript; facets are links; the query stays in the box."""
    lang = _lang()
    # The box shows back what was typed, without control characters and within the length limit.
    q = "".join(c for c in request.args.get("q", "") if unicodedata.category(c) != "Cc")[:MAX_QUERY_LENGTH]
    context: dict[str, Any] = {"lang": lang, "query": q, "vocabulary": service().vocabulary}
    try:
        search_request = parse_request(request.args, service().vocabulary)
        result = service().run(search_request, lang)
    except QueryError as exc:
        return render_template("search/cari.html", error=exc.message(lang), result=None, **context), 400
    except (IndexUnavailable, search_index.IndexBusy) as exc:
        return render_template("search/cari.html", error=str(exc), result=None, **context), 503
    context["query"] = search_request.q
    return render_template(
        "search/cari.html", error=None, result=result, link=_link, search_request=search_request, **context
    )


def _link(params: dict[str, Any]) -> str:
    return url_for("search.search_page", **params)
