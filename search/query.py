"""Queries: validate a request, parse its words, filter, count facets, sort, highlight, suggest, page."""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.qparser import AndGroup, OrGroup, QueryParser, plugins
from whoosh.query import Every

from site_builder.fields import kind_of
from site_builder.i18n import LANGS, _
from site_builder.schemas import RefData, Schema, load_refdata, load_schemas

from . import attachments
from .analysis import TOKEN_PATTERN
from .engine import Engine, engine
from .index import STRUCTURAL_FACETS, TEXT_FIELD, facet_field, facet_names, table_of
from .singkatan import describe_reference, rewrite_query
from .snippets import make_snippet
from .suggest import suggest

MAX_QUERY_LENGTH = 500
MAX_FILTERS = 30
# Words (and quoted phrases) per query: each is a posting list to read; more is not a question.
MAX_WORDS = 32
MAX_PHRASES = 8
MAX_FREE_VALUE = 100  # a value of a facet without a list of known values (a year, a slug)
PER_PAGE = 10
_TOKEN = re.compile(TOKEN_PATTERN)
SORTS = ("relevansi", "tanggal")
# Query syntax a member would not mean: field:value, wildcards, ranges, boosts, operators, groups.
_REMOVED_PLUGINS = (
    plugins.FieldsPlugin,
    plugins.WildcardPlugin,
    plugins.RangePlugin,
    plugins.GroupPlugin,
    plugins.OperatorsPlugin,
    plugins.BoostPlugin,
    plugins.EveryPlugin,
    plugins.SingleQuotePlugin,
)
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


class QueryError(ValueError):
    """A request that cannot be searched; ``message(lang)`` says why (shown with status 400)."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(_(key, **params))
        self.key, self.params = key, params

    def message(self, lang: str = "id") -> str:
        """The reason in ``lang``."""
        return _(self.key, lang, **self.params)


@dataclass(frozen=True)
class Vocabulary:
    """The facets (from the content schemas), their known values and labels, and their titles."""

    labels: dict[str, dict[str, dict[str, str]]]  # facet -> value -> lang -> label
    facets: tuple[str, ...] = tuple(STRUCTURAL_FACETS)
    titles: dict[str, dict[str, str]] = field(default_factory=dict)  # facet -> lang -> title
    open_facets: frozenset[str] = frozenset()  # facets whose values are not listed (any value)

    @classmethod
    def from_schemas(cls, schemas: Mapping[str, Schema], refdata: RefData) -> Vocabulary:
        """Build from loaded schemas and reference data: each facet field's type gives its values."""
        labels: dict[str, dict[str, dict[str, str]]] = {"type": {name: dict(s.label) for name, s in schemas.items()}}
        titles = {name: {lang: _(f"facet_{name}", lang) for lang in LANGS} for name in STRUCTURAL_FACETS}
        open_facets: set[str] = set()
        for schema in schemas.values():
            for field_name in schema.facets:
                spec = schema.fields[field_name]
                name = spec.facet_name
                titles.setdefault(name, dict(spec.label) or {"id": name})
                known = kind_of(spec).facet_labels(spec, refdata)
                if known is None:
                    open_facets.add(name)
                for value, names in (known or {}).items():
                    labels.setdefault(name, {}).setdefault(value, names)
        return cls(labels, tuple(facet_names(schemas)), titles, frozenset(open_facets))

    @classmethod
    def from_content(cls, root: Path | str) -> Vocabulary:
        """Read a content tree's schemas and reference data."""
        return cls.from_schemas(load_schemas(Path(root)), load_refdata(Path(root)))

    def known(self, facet: str, value: str) -> bool:
        """Whether ``value`` is a valid filter for ``facet``."""
        if facet == "year":
            return value.isascii() and value.isdigit() and 1900 <= int(value) <= 2100
        if facet in self.open_facets and len(value) <= MAX_FREE_VALUE:
            return True
        return value in self.labels.get(facet, {})

    def label(self, facet: str, value: str, lang: str = "id") -> str:
        """The label shown for a facet value."""
        names = self.labels.get(facet, {}).get(value)
        return (names.get(lang) or names.get("id") or value) if names else value

    def title(self, facet: str, lang: str = "id") -> str:
        """The facet's heading."""
        names = self.titles.get(facet) or {}
        return names.get(lang) or names.get("id") or facet


@dataclass
class SearchRequest:
    """A validated search: words, filters, sort order and page."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevansi"
    page: int = 1
    per_page: int = PER_PAGE

    def params(self, **changes: Any) -> dict[str, Any]:
        """URL parameters of this request (with ``changes``), for links that keep the rest."""
        data: dict[str, Any] = {"q": self.q, **{k: list(v) for k, v in self.filters.items()}}
        if self.sort != default_sort(self.q):
            data["urut"] = self.sort
        if self.page > 1:
            data["hal"] = self.page
        data.update(changes)
        return {k: v for k, v in data.items() if v not in ("", [], None, 1) or k == "q"}

    def toggled(self, facet: str, value: str) -> dict[str, Any]:
        """Parameters with ``value`` of ``facet`` added or removed, back on page 1."""
        values = list(self.filters.get(facet, []))
        values = [v for v in values if v != value] if value in values else [*values, value]
        return self.params(**{facet: values, "hal": None})


def default_sort(q: str) -> str:
    """Relevance for words, newest first when browsing without words."""
    return "relevansi" if q.strip() else "tanggal"


def _getlist(args: Any, name: str) -> list[str]:
    if hasattr(args, "getlist"):
        return [str(v) for v in args.getlist(name)]
    value = args.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def parse_request(args: Any, vocabulary: Vocabulary) -> SearchRequest:
    """Validate URL arguments (``q``, filters, ``urut``, ``hal``); raise QueryError for bad ones."""
    q = (_getlist(args, "q") or [""])[0]
    if any(unicodedata.category(c) == "Cc" for c in q):
        raise QueryError("query_control_chars")
    if len(q) > MAX_QUERY_LENGTH:
        raise QueryError("query_too_long", length=len(q), limit=MAX_QUERY_LENGTH)
    q = q.translate(_QUOTES).strip()
    if q.count('"') % 2:
        raise QueryError("query_unbalanced_quotes")
    words = len(_TOKEN.findall(q))
    if words > MAX_WORDS:
        raise QueryError("query_too_many_words", count=words, limit=MAX_WORDS)
    if q.count('"') // 2 > MAX_PHRASES:
        raise QueryError("query_too_many_phrases", count=q.count('"') // 2, limit=MAX_PHRASES)
    filters: dict[str, list[str]] = {}
    count = 0
    for facet in vocabulary.facets:
        for value in _getlist(args, facet):
            value = value.strip()
            if not value:
                continue
            if any(unicodedata.category(c) == "Cc" for c in value):
                raise QueryError("query_control_chars")
            if not vocabulary.known(facet, value):
                raise QueryError("unknown_filter_value", name=facet, value=value[:50])
            if value not in filters.setdefault(facet, []):
                filters[facet].append(value)
                count += 1
    if count > MAX_FILTERS:
        raise QueryError("too_many_filters", limit=MAX_FILTERS)
    sort = (_getlist(args, "urut") or [""])[0] or default_sort(q)
    if sort not in SORTS:
        raise QueryError("bad_sort", value=sort[:30])
    raw_page = (_getlist(args, "hal") or ["1"])[0].strip() or "1"
    if not (raw_page.isascii() and raw_page.isdigit()) or len(raw_page) > 6 or int(raw_page) < 1:
        raise QueryError("bad_page", value=raw_page[:20])
    return SearchRequest(q=q, filters={k: v for k, v in filters.items() if v}, sort=sort, page=int(raw_page))


@dataclass
class FacetValue:
    """One value of a facet with its count among the current results."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Hit:
    """A result card: everything drawn comes from stored fields. ``snippet`` is safe HTML."""

    slug: str
    type: str
    type_label: str
    title: str
    url: str
    date: str
    summary: str
    snippet: str
    regions: list[dict[str, str]]
    tags: list[dict[str, str]]
    status: str | None
    contributed: bool
    references: list[str] = field(default_factory=list)  # the query's regulation references it cites
    attachment: str = ""  # "di lampiran: Laporan.pdf, hlm. 3" when the words stood only in an attachment

    def to_json(self) -> dict[str, Any]:
        """The hit as /api/search sends it (dataclasses.asdict's deep copies cost 3 ms a page)."""
        return {
            "slug": self.slug,
            "type": self.type,
            "type_label": self.type_label,
            "title": self.title,
            "url": self.url,
            "date": self.date,
            "summary": self.summary,
            "snippet": self.snippet,
            "regions": [dict(region) for region in self.regions],
            "tags": [dict(tag) for tag in self.tags],
            "status": self.status,
            "contributed": self.contributed,
            "references": list(self.references),
            "attachment": self.attachment,
        }


@dataclass
class SearchResult:
    """One page of answers, with facets, suggestion and paging."""

    request: SearchRequest
    total: int
    pages: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    matched_any: bool = False
    widened: list[str] = field(default_factory=list)  # other forms searched ("rumah tidak layak huni")

    def to_json(self) -> dict[str, Any]:
        """The /api/search answer."""
        return {
            "ok": True,
            "query": self.request.q,
            "filters": self.request.filters,
            "sort": self.request.sort,
            "total": self.total,
            "matched_any_word": self.matched_any,
            "suggestion": self.suggestion,
            "also_searched": self.widened,
            "paging": {
                "page": self.request.page,
                "pages": self.pages,
                "per_page": self.request.per_page,
                "total": self.total,
            },
            "hits": [hit.to_json() for hit in self.hits],
            "facets": {
                name: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in values]
                for name, values in self.facets.items()
            },
        }


def _query_terms(query: Any) -> set[str]:
    """The analysed words of a parsed query (what snippets mark)."""
    try:
        return {text for field, text in query.iter_all_terms() if field == TEXT_FIELD and isinstance(text, str)}
    except AttributeError:
        return set()


_parsers: dict[tuple[int, str], QueryParser] = {}


def _parser(schema: Any, group: str) -> QueryParser:
    key = (id(schema), group)
    if key not in _parsers:
        parser = QueryParser(TEXT_FIELD, schema, group=AndGroup if group == "and" else OrGroup)
        for plugin in _REMOVED_PLUGINS:
            parser.remove_plugin_class(plugin)
        if len(_parsers) > 8:  # a few schemas at most (tests open several indexes)
            _parsers.clear()
        _parsers[key] = parser
    return _parsers[key]


def _allowed(arrays: Engine, filters: dict[str, list[str]]) -> np.ndarray:
    """Live documents within the filters: any value of a facet, every facet."""
    allowed = arrays.live.copy()
    for facet, values in filters.items():
        if values:
            allowed &= arrays.facet_mask(facet_field(facet), values)
    return allowed


def search(searcher: Any, request: SearchRequest, vocabulary: Vocabulary, lang: str = "id") -> SearchResult:
    """Run ``request`` against an open searcher; raise QueryError for a page beyond the end.

    Matching, counting and ordering run on arrays (search.engine); only the shown page's
    documents are read, ordered and given a snippet.
    """
    arrays = engine(searcher, TEXT_FIELD)
    allowed = _allowed(arrays, request.filters)
    matched_any = False
    table = table_of(searcher)
    # Expansions become their acronym, references their one token (as the index holds them).
    rewritten = rewrite_query(request.q, table)
    query = _parser(searcher.schema, "and").parse(rewritten.q) if request.q else Every()
    found = arrays.matches(query, allowed)
    if not len(found.ids) and request.q:
        any_query = _parser(searcher.schema, "or").parse(rewritten.q)
        if any_query != query:
            query = any_query
            found = arrays.matches(query, allowed)
            matched_any = bool(len(found.ids))
    total = len(found.ids)
    pages = max(1, math.ceil(total / request.per_page))
    if request.page > pages:
        raise QueryError("page_out_of_range", page=request.page, pages=pages)
    start = (request.page - 1) * request.per_page
    shown = arrays.top(found, start + request.per_page, by_date=request.sort == "tanggal")[start:]
    terms = _query_terms(query) if total else set()
    cited = {ref: arrays.term(ref)[0] for ref in rewritten.references}
    hits: list[Hit] = []
    for docnum in shown.tolist():
        hit = _hit(searcher.stored_fields(docnum), terms, vocabulary, lang)
        hit.references = [describe_reference(ref, table) for ref, docs in cited.items() if _holds(docs, docnum)]
        hits.append(hit)
    match = np.zeros(arrays.size, dtype=bool)
    match[found.ids] = True
    return SearchResult(
        request=request,
        total=total,
        pages=pages,
        hits=hits,
        facets=_facets(arrays, match, found.ids, request, vocabulary, lang),
        suggestion=suggest(searcher, request.q) if request.q else None,
        matched_any=matched_any,
        widened=rewritten.widened,
    )


def _holds(docs: np.ndarray, docnum: int) -> bool:
    """Whether the ascending array ``docs`` holds ``docnum``."""
    at = int(np.searchsorted(docs, docnum))
    return at < len(docs) and int(docs[at]) == docnum


def _hit(fields: dict[str, Any], terms: set[str], vocabulary: Vocabulary, lang: str) -> Hit:
    snippet = make_snippet(fields.get("passage", ""), terms) if terms else ""
    where = attachments.locate(fields.get("attachments"), terms, make_snippet, lang) if terms and not snippet else None
    if where:
        snippet = where[1]
    if not snippet:
        snippet = html.escape(fields.get("summary", ""), quote=False)
    date = fields.get("date")
    return Hit(
        slug=fields["slug"],
        type=fields["type"],
        type_label=vocabulary.label("type", fields["type"], lang),
        title=fields.get("title", ""),
        url="/" + fields.get("url", "").lstrip("/"),
        date=date.date().isoformat() if date else "",
        summary=fields.get("summary", ""),
        snippet=snippet,
        regions=[{"code": c, "name": vocabulary.label("region", c, lang)} for c in fields.get("regions") or []],
        tags=[{"id": t, "label": vocabulary.label("tag", t, lang)} for t in (fields.get("tags") or "").split(",") if t],
        status=fields.get("status"),
        contributed=bool(fields.get("contributed")),
        attachment=where[0] if where else "",
    )


def _facets(
    arrays: Engine, match: np.ndarray, ids: np.ndarray, request: SearchRequest, vocabulary: Vocabulary, lang: str
) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {}
    names = set(arrays.searcher.schema.names())
    for facet in vocabulary.facets:
        index_field = facet_field(facet)
        if index_field not in names:  # an index built before the facet was declared
            continue
        selected = request.filters.get(facet, [])
        counts = arrays.facet_counts(index_field, match, ids)
        for value in selected:
            counts.setdefault(value, 0)
        values = [
            FacetValue(value, vocabulary.label(facet, value, lang), count, value in selected)
            for value, count in counts.items()
        ]
        if facet == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.label))
        facets[facet] = values
    return facets
