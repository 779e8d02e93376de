"""The corpus' sorted views, kept by a running publisher and updated per change instead of made again.

A build sorts the whole corpus for its listings (newest first; per type, tag and province), indexes it by
path and slug and maps its backlinks: at 30,000 documents that was most of a publication's time (issue
#14). ``CorpusViews`` holds the same lists and maps; ``apply`` moves each changed document in them with a
binary search, so a publication costs what it changes. The lists are exactly what
``site_builder.context.BuildContext`` would compute from the corpus (tests/site/test_views.py compares).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .content import Corpus, Document, link_targets
from .context import Change, newest_first_key, province_codes, updated_key
from .feeds import group_urls, url_folder
from .formatting import doc_url
from .schemas import Region


def path_key(doc: Document) -> tuple[str, ...]:
    """The order of a full load: by path, folder by folder."""
    return tuple(doc.rel_path.split("/"))


def _remove(items: list[Document], doc: Document, key: Callable[[Document], Any]) -> None:
    at = bisect.bisect_left(items, key(doc), key=key)
    # Keys are unique per document (type and slug, or the path), so the one found is the document.
    if at < len(items) and items[at] is doc:
        del items[at]
    else:  # never expected; a linear removal keeps the views right
        items.remove(doc)


def _insert(items: list[Document], doc: Document, key: Callable[[Document], Any]) -> None:
    bisect.insort_left(items, doc, key=key)


@dataclass
class CorpusViews:
    """Every document sorted and grouped as the generated pages list them, and the corpus' indexes."""

    documents: list[Document]
    by_rel: dict[str, Document]
    by_slug: dict[str, Document]
    newest_first: list[Document]
    by_type: dict[str, list[Document]]
    by_tag: dict[str, list[Document]]
    by_province: dict[str, list[Document]]
    by_updated: list[Document]
    backlinks: dict[str, list[Document]]
    regions: Mapping[str, Region] = field(repr=False)
    # Every document's site URL by sitemap folder, sorted (feeds.group_urls), and what the sitemaps made so
    # far, by site URL (feeds.sitemap's ``made``).
    urls: dict[str, list[str]] = field(default_factory=dict, repr=False)
    sitemaps: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, corpus: Corpus) -> CorpusViews:
        """The views of a loaded corpus (documents in path order, as a load gives them)."""
        newest = sorted(corpus.documents, key=newest_first_key)
        views = cls(
            documents=list(corpus.documents),
            by_rel={d.rel_path: d for d in corpus.documents},
            by_slug={d.slug: d for d in corpus.documents},
            newest_first=newest,
            by_type={t: [] for t in corpus.schemas},
            by_tag={},
            by_province={},
            by_updated=sorted(corpus.documents, key=updated_key),
            backlinks=corpus.backlinks(),
            regions=corpus.refdata.regions,
            urls=group_urls(doc_url(d) for d in corpus.documents),
        )
        for doc in newest:
            for group, items in views._groups(doc):
                group.setdefault(items, []).append(doc)
        return views

    def _groups(self, doc: Document) -> Iterator[tuple[dict[str, list[Document]], str]]:
        yield self.by_type, doc.type
        for tag in dict.fromkeys(doc.tags):
            yield self.by_tag, tag
        for code in sorted(province_codes(self.regions, doc)):
            yield self.by_province, code

    def apply(self, changes: Iterable[Change]) -> None:
        """Replace, add or remove each changed document (before, after) in every list and map."""
        for old, new in changes:
            if old is not None:
                self._drop(old)
            if new is not None:
                self._add(new)

    def _drop(self, doc: Document) -> None:
        _remove(self.documents, doc, path_key)
        self.by_rel.pop(doc.rel_path, None)
        url = doc_url(doc)
        folder = self.urls.get(url_folder(url), [])
        at = bisect.bisect_left(folder, url)
        if at < len(folder) and folder[at] == url:
            del folder[at]
        if self.by_slug.get(doc.slug) is doc:
            del self.by_slug[doc.slug]
        _remove(self.newest_first, doc, newest_first_key)
        _remove(self.by_updated, doc, updated_key)
        for group, name in self._groups(doc):
            _remove(group[name], doc, newest_first_key)
            if not group[name] and group is not self.by_type:
                del group[name]
        for slug in link_targets(doc):
            _remove(self.backlinks[slug], doc, path_key)
            if not self.backlinks[slug]:
                del self.backlinks[slug]

    def _add(self, doc: Document) -> None:
        _insert(self.documents, doc, path_key)
        self.by_rel[doc.rel_path] = doc
        url = doc_url(doc)
        folder = self.urls.setdefault(url_folder(url), [])
        at = bisect.bisect_left(folder, url)
        if at == len(folder) or folder[at] != url:
            folder.insert(at, url)
        self.by_slug[doc.slug] = doc
        _insert(self.newest_first, doc, newest_first_key)
        _insert(self.by_updated, doc, updated_key)
        for group, name in self._groups(doc):
            _insert(group.setdefault(name, []), doc, newest_first_key)
        for slug in link_targets(doc):
            _insert(self.backlinks.setdefault(slug, []), doc, path_key)
