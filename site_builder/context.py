"""What every generator and panel works with: the build context, a generated page, the templates."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import heapq
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

from .content import Corpus, Document
from .formatting import src_url
from .gitlog import Revision, last_changes
from .i18n import install_jinja
from .schemas import Region

# A changed document in a publication: (before, after); None where it did not or does not exist.
Change = tuple[Document | None, Document | None]

THEME_DIR = Path(__file__).resolve().parent / "theme"
# The panel and listing templates (Jinja, rendered in Python, not through MkDocs' theme).
TEMPLATE_DIR = THEME_DIR / "pokja"

# Where generated content goes into a rendered page: big tables skip the Markdown parser (10,000 rows
# of raw HTML through Python-Markdown would cost more than the rest of the page).
HTML_SLOT = '<div class="pokja-slot"></div>'


# A block of ready HTML in a generated page's Markdown, put in when the page is rendered (raw_block):
# Python-Markdown's HTML block parser cost a fifth of a publication on the province pages' tables.
RAW_BLOCK = re.compile(r"<!--pokja:raw:([0-9a-f]{24})-->")


def templates(folder: Path = TEMPLATE_DIR) -> jinja2.Environment:
    """The Jinja environment of the panel and listing templates in ``folder`` (autoescaped, made once)."""
    return _environment(folder)


# Cached by folder (a Path: immutable), not held in a module global; templates() passes the folder
# explicitly so the default and the same folder named share one environment.
@functools.lru_cache(maxsize=8)
def _environment(folder: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        # Templates ship with the package: no stat() per render (tens of thousands at national scale).
        auto_reload=False,
    )
    # Jinja's i18n extension with the one catalogue: ``{{ _('key') }}`` in the language of the ``lang`` variable.
    install_jinja(env)
    return env


class GeneratedPage:
    """A page the build adds to the site: Markdown rendered by MkDocs like any page.

    ``lazy(page)`` fills ``markdown`` and ``html`` the first time either is read: a publication asks
    only for the pages its change touches, the other pages of a long listing are never made (issue #14).
    ``release()`` forgets the HTML (keeping the fingerprint); a lazy page makes it again when it is read
    next, so a build holds one page's table at a time, not the tables of every page (build memory).
    """

    def __init__(
        self,
        src_uri: str,
        title: str,
        markdown: str = "",
        html: str = "",
        lazy: Callable[[GeneratedPage], None] | None = None,
        in_sitemap: bool = True,
    ) -> None:
        self.src_uri = src_uri
        self.title = title
        # Whether search engines should find it: the sitemap lists it (the offline fallback page is not for them).
        self.in_sitemap = in_sitemap
        self._markdown = markdown
        # Ready HTML put where HTML_SLOT stands in the rendered page (appended when there is no slot).
        self._html = html
        self._lazy = lazy
        self._filled = lazy is None
        self._fingerprint: str | None = None

    def _fill(self) -> None:
        if not self._filled:
            self._filled = True
            assert self._lazy is not None
            self._lazy(self)

    @property
    def markdown(self) -> str:
        """The page's Markdown (made on first use)."""
        self._fill()
        return self._markdown

    @markdown.setter
    def markdown(self, value: str) -> None:
        self._markdown = value

    @property
    def html(self) -> str:
        """The page's ready HTML (made on first use)."""
        self._fill()
        return self._html

    @html.setter
    def html(self, value: str) -> None:
        self._html = value

    @property
    def url(self) -> str:
        """The page's site URL (directory URLs)."""
        return src_url(self.src_uri)

    def fingerprint(self) -> str:
        """What decides whether the page must be rebuilt (computed once)."""
        if self._fingerprint is None:
            self._fingerprint = hashlib.sha256(f"{self.title}\0{self.markdown}\0{self.html}".encode()).hexdigest()
        return self._fingerprint

    def release(self) -> None:
        """Forget the ready HTML (its fingerprint is kept); a lazy page makes it again when asked."""
        self.fingerprint()
        if self._lazy is not None:
            self._html = ""
            self._filled = False

    def __repr__(self) -> str:
        return f"GeneratedPage({self.src_uri!r}, {self.title!r})"


@dataclass
class BuildContext:
    """What generators get: the corpus, the language, the day, and files to write verbatim."""

    corpus: Corpus
    lang: str = "id"
    today: dt.date = field(default_factory=dt.date.today)
    site_url: str = ""
    extra_files: dict[str, bytes] = field(default_factory=dict)
    # Documents on one page of a long listing (listing.chunk; the plugin's ``per_page`` option).
    per_page: int = 50
    # A publication: each changed document as (before, after), None for "not there"; None for a full
    # build. Generators with ``touched(ctx)`` make only the pages these change (generators/__init__.py).
    changes: list[Change] | None = None
    # Rendered table rows by document, then by columns; see listing.doc_table.
    row_cache: dict[str, dict[tuple[str, ...] | None, tuple[str, frozenset[str]]]] = field(
        default_factory=dict, repr=False
    )
    # The HTML of raw_block lines by their key (the hash of the HTML).
    raw_blocks: dict[str, str] = field(default_factory=dict, repr=False)
    # Every document by last change (site_builder.views, a running publisher's), else worked out here.
    by_updated: list[Document] | None = field(default=None, repr=False)
    # What a generated page was made from, by src_uri, for the pages whose generator says so (province
    # pages): a publication leaves a page as it is when its inputs equal the last build's (``last_inputs``).
    inputs: dict[str, Any] = field(default_factory=dict, repr=False)
    last_inputs: dict[str, Any] = field(default_factory=dict, repr=False)

    def kept_inputs(self, untouched: set[str]) -> dict[str, Any]:
        """The inputs to keep for the next publication: this build's, and the last ones of pages left as
        they were. Kept in memory only: after a restart the first publication makes those pages again."""
        last = self.last_inputs
        return {**{uri: last[uri] for uri in untouched if uri in last}, **self.inputs}

    def raw_block(self, html: str) -> str:
        """A Markdown line standing for ``html``, which the page gets as it is (put_raw_blocks)."""
        key = hashlib.sha256(html.encode()).hexdigest()[:24]
        self.raw_blocks[key] = html
        return f"<!--pokja:raw:{key}-->"

    def put_raw_blocks(self, content: str) -> str:
        """A rendered generated page with each raw_block line replaced by its HTML."""
        if "<!--pokja:raw:" not in content:
            return content
        return RAW_BLOCK.sub(lambda m: self.raw_blocks[m[1]], content)

    @cached_property
    def last_changes(self) -> dict[str, Revision]:
        """The last git revision of every document file (empty outside a repository), read once."""
        return last_changes(self.corpus.root)

    @cached_property
    def backlinks(self) -> dict[str, list[Document]]:
        """Documents pointing at each slug, computed once."""
        return self.corpus.backlinks()

    @cached_property
    def by_slug(self) -> dict[str, Document]:
        """Documents by slug, computed once."""
        return self.corpus.by_slug

    @cached_property
    def newest_first(self) -> list[Document]:
        """Every document, newest first (sorted once per build)."""
        return sorted_docs(self.corpus.documents)

    @cached_property
    def by_type(self) -> dict[str, list[Document]]:
        """Documents per type, newest first."""
        out: dict[str, list[Document]] = {t: [] for t in self.corpus.schemas}
        for doc in self.newest_first:
            out.setdefault(doc.type, []).append(doc)
        return out

    def recently_updated(self, count: int) -> list[Document]:
        """The ``count`` documents changed last (publication date when never updated), without sorting all."""
        if self.by_updated is not None:
            return self.by_updated[:count]
        made = self.__dict__.setdefault("_recently_updated", {})
        if count not in made:
            made[count] = heapq.nsmallest(count, self.corpus.documents, key=updated_key)
        return made[count]

    def provinces_of(self, doc: Document) -> set[str]:
        """The province codes a document is listed under ("00" for a national one)."""
        return province_codes(self.corpus.refdata.regions, doc)

    @cached_property
    def by_province(self) -> dict[str, list[Document]]:
        """Documents per province code ("00" for national ones), newest first."""
        out: dict[str, list[Document]] = {}
        for doc in self.newest_first:
            for code in sorted(self.provinces_of(doc)):
                out.setdefault(code, []).append(doc)
        return out

    @cached_property
    def by_tag(self) -> dict[str, list[Document]]:
        """Documents per tag, newest first."""
        out: dict[str, list[Document]] = {}
        for doc in self.newest_first:
            for tag in dict.fromkeys(doc.tags):
                out.setdefault(tag, []).append(doc)
        return out


# What this process made last, by name, with the inputs it came from: a publication that changes none of
# them (a lesson, a module: no programme) reuses it, as the publisher is long-running (issue #14).
_last: dict[str, tuple[tuple[Any, ...], Any]] = {}


def reused(name: str, inputs: tuple[Any, ...], make: Any) -> Any:
    """``make()``, or what it gave last time for the same ``inputs`` (the same objects, or equal ones)."""
    last = _last.get(name)
    same = last is not None and len(last[0]) == len(inputs)
    if last is not None and same and all(a is b or a == b for a, b in zip(last[0], inputs, strict=True)):
        return last[1]
    made = make()
    _last[name] = (inputs, made)
    return made


def province_codes(regions: Mapping[str, Region], doc: Document) -> set[str]:
    """The province codes ``doc`` is listed under ("00" for a national one)."""
    return {regions[c].province_code or "00" for c in doc.regions if c in regions}


def newest_first_key(doc: Document) -> tuple[int, str, str]:
    """The order of every listing: newest first; ties by type and slug so every build orders alike."""
    return (-doc.date.toordinal(), doc.type, doc.slug)


def updated_key(doc: Document) -> tuple[int, str, str]:
    """The order of "recently updated": newest change first, ties by type and slug."""
    return (-doc.updated.toordinal(), doc.type, doc.slug)


def sorted_docs(docs: Iterable[Document]) -> list[Document]:
    """Newest first (newest_first_key)."""
    return sorted(docs, key=newest_first_key)


def region_names(ctx: BuildContext, codes: Iterable[str]) -> str:
    """Region names joined."""
    regions = ctx.corpus.refdata.regions
    return ", ".join(regions[c].name if c in regions else c for c in codes)
