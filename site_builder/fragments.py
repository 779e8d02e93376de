"""Parts of Material's page that many pages share, rendered once per build instead of once per page.

Material renders its navigation, header and configuration script into every one of the site's pages:
a quarter of the build's template time at 30,000 documents (benchmarks/bench_site.py). What they print
depends on the page only through its relative links and, for the navigation, through which entries are
active. Two pages in the same folder (``program/a/`` and ``program/b/``) get the same relative link to
every target outside themselves, so each fragment is rendered once per parent folder and set of active
entries, and reused.

A page a fragment could print differently is rendered as Material renders it: a page of the navigation
itself (its entry is marked, its table of contents shown), a page with a navigation target inside its own
folder, a page at the top of the site or under ``assets/``. The templates ask for a fragment with
``{% call pokja_fragment("nav") %}...{% endcall %}`` (theme/partials/nav.html, header.html, main.html).
tests/site/test_incremental.py builds a site with and without the cache and compares every file.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from typing import Any

import jinja2
from markupsafe import Markup

# Material's own templates, reachable under this prefix where the theme overrides them.
MATERIAL_PREFIX = "material"


def _walk(items: list[Any]) -> Iterator[Any]:
    for item in items:
        yield item
        yield from _walk(getattr(item, "children", None) or [])


class _NavFacts:
    """What the cache needs of one navigation: its entries, their targets and its pages."""

    def __init__(self, nav: Any) -> None:
        self.entries = list(_walk(nav.items))
        self.targets = [item.url for item in self.entries if isinstance(getattr(item, "url", None), str)]
        self.pages = {page.file.src_uri for page in nav.pages}


class FragmentCache:
    """Rendered fragments by (name, parent folder, active navigation entries); ``enabled=False`` keeps none."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.done: dict[tuple[Any, ...], Markup] = {}
        self.rendered = 0
        self._nav: tuple[Any, _NavFacts] | None = None

    def facts(self, nav: Any) -> _NavFacts:
        if self._nav is None or self._nav[0] is not nav:
            self._nav = (nav, _NavFacts(nav))
        return self._nav[1]

    def key(self, context: jinja2.runtime.Context) -> tuple[Any, ...] | None:
        """Pages with the same key print the same fragments; None: this page renders its own."""
        page, nav = context.get("page"), context.get("nav")
        url = getattr(page, "url", None)
        if nav is None or not isinstance(url, str) or getattr(page, "file", None) is None:
            return None
        # Relative links are made from the page's folder (as mkdocs.utils.get_relative_url does): the page's
        # own for a directory URL (program/a/), the one it is in otherwise (program/a.html).
        head, tail = posixpath.split(url)
        directory = "." not in tail
        folder = url.strip("/") if directory else head
        if not folder or folder == "assets" or folder.startswith("assets/"):
            return None
        facts = self.facts(nav)
        if page.file.src_uri in facts.pages:
            return None
        # program/a/ and program/b/ link alike to every target outside themselves.
        inside = folder + "/"
        if directory and any(target.strip("/") == folder or target.startswith(inside) for target in facts.targets):
            return None
        active = tuple(i for i, entry in enumerate(facts.entries) if getattr(entry, "active", False))
        return (posixpath.dirname(folder) if directory else folder), directory, active

    def render(self, context: jinja2.runtime.Context, name: str, caller: Callable[[], str]) -> Markup:
        """The fragment ``name`` for this page: made by ``caller`` once per key."""
        key = self.key(context) if self.enabled else None
        if key is None:
            self.rendered += 1
            return Markup(caller())
        out = self.done.get((name, *key))
        if out is None:
            self.rendered += 1
            out = self.done[(name, *key)] = Markup(caller())
        return out


def install(env: jinja2.Environment, enabled: bool = True) -> FragmentCache:
    """Give the theme ``pokja_fragment`` and Material's own templates under ``material/``."""
    import material

    templates = posixpath.join(posixpath.dirname(material.__file__), "templates")
    if not isinstance(env.loader, jinja2.ChoiceLoader) or not any(
        isinstance(loader, jinja2.PrefixLoader) for loader in env.loader.loaders
    ):
        prefixed = jinja2.PrefixLoader({MATERIAL_PREFIX: jinja2.FileSystemLoader(templates)})
        env.loader = jinja2.ChoiceLoader([env.loader, prefixed]) if env.loader is not None else prefixed
    cache = FragmentCache(enabled)

    @jinja2.pass_context
    def pokja_fragment(context: jinja2.runtime.Context, name: str, caller: Callable[[], str]) -> Markup:
        return cache.render(context, name, caller)

    env.globals["pokja_fragment"] = pokja_fragment
    return cache
