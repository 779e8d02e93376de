"""What every generator and panel works with: the build context, a generated page, the templates."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import jinja2

from .content import Corpus, Document
from .formatting import src_url
from .gitlog import Revision, last_changes
from .i18n import install_jinja

THEME_DIR = Path(__file__).resolve().parent / "theme"
# The panel and listing templates (Jinja, rendered in Python, not through MkDocs' theme).
TEMPLATE_DIR = THEME_DIR / "pokja"

# Where generated content goes into a rendered page: big tables skip the Markdown parser (10,000 rows
# of raw HTML through Python-Markdown would cost more than the rest of the page).
HTML_SLOT = '<div class="pokja-slot"></div>'


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


@dataclass
class GeneratedPage:
    """A page the build adds to the site: Markdown rendered by MkDocs like any page."""

    src_uri: str
    title: str
    markdown: str
    # Ready HTML put where HTML_SLOT stands in the rendered page (appended when there is no slot).
    html: str = ""

    @property
    def url(self) -> str:
        """The page's site URL (directory URLs)."""
        return src_url(self.src_uri)

    def fingerprint(self) -> str:
        """What decides whether the page must be rebuilt."""
        return hashlib.sha256(f"{self.title}\0{self.markdown}\0{self.html}".encode()).hexdigest()


@dataclass
class BuildContext:
    """What generators get: the corpus, the language, the day, and files to write verbatim."""

    corpus: Corpus
    lang: str = "id"
    today: dt.date = field(default_factory=dt.date.today)
    site_url: str = ""
    extra_files: dict[str, bytes] = field(default_factory=dict)
    # Rendered table rows by (document, page depth, columns); see listing.doc_table.
    row_cache: dict[tuple[str, int, tuple[str, ...] | None], tuple[str, frozenset[str]]] = field(
        default_factory=dict, repr=False
    )

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
    def by_province(self) -> dict[str, list[Document]]:
        """Documents per province code ("00" for national ones), newest first."""
        regions = self.corpus.refdata.regions
        out: dict[str, list[Document]] = {}
        for doc in sorted_docs(self.corpus.documents):
            codes = set()
            for code in doc.regions:
                region = regions.get(code)
                if region is not None:
                    codes.add(region.province_code or "00")
            for code in sorted(codes):
                out.setdefault(code, []).append(doc)
        return out

    @cached_property
    def by_tag(self) -> dict[str, list[Document]]:
        """Documents per tag, newest first."""
        out: dict[str, list[Document]] = {}
        for doc in sorted_docs(self.corpus.documents):
            for tag in dict.fromkeys(doc.tags):
                out.setdefault(tag, []).append(doc)
        return out


def sorted_docs(docs: Iterable[Document]) -> list[Document]:
    """Newest first; ties by type and slug so every build orders alike."""
    return sorted(docs, key=lambda d: (-d.date.toordinal(), d.type, d.slug))


def region_names(ctx: BuildContext, codes: Iterable[str]) -> str:
    """Region names joined."""
    regions = ctx.corpus.refdata.regions
    return ", ".join(regions[c].name if c in regions else c for c in codes)
