"""The fragments Material prints alike on many pages are rendered once per folder (site_builder/fragments.py).

That the site is the same with and without the cache: tests/site/test_incremental.py (every file compared).
"""

from __future__ import annotations

from types import SimpleNamespace

import jinja2

from site_builder.fragments import FragmentCache, install


def _page(url: str, src: str | None = None, active: bool = False) -> SimpleNamespace:
    return SimpleNamespace(url=url, file=SimpleNamespace(src_uri=src or url.strip("/") + ".md"), active=active)


def _nav(*entries: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(items=list(entries), pages=[e for e in entries if hasattr(e, "file")])


NAV = _nav(_page("", "index.md"), _page("program/", "program/index.md"), _page("tag/", "tag/index.md"))


def _key(cache: FragmentCache, page: SimpleNamespace, nav: SimpleNamespace = NAV) -> tuple | None:
    return cache.key({"page": page, "nav": nav})  # type: ignore[arg-type]


def test_pages_of_one_folder_share_a_key_other_folders_do_not() -> None:
    cache = FragmentCache()
    a, b = _key(cache, _page("program/a/")), _key(cache, _page("program/b/"))
    assert a is not None and a == b
    assert _key(cache, _page("pedoman/a/")) not in (None, a)
    # Deeper pages (a listing's numbered pages) share theirs; pages without directory URLs too.
    assert _key(cache, _page("program/halaman/2/")) == _key(cache, _page("program/halaman/3/")) != a
    assert _key(cache, _page("program/a.html")) == _key(cache, _page("program/b.html")) not in (None, a)


def test_pages_a_fragment_could_print_differently_render_their_own() -> None:
    cache = FragmentCache()
    # A page of the navigation (its entry is marked), one with a navigation target inside its folder,
    # the top of the site, assets, and a page MkDocs renders without a file (404).
    assert _key(cache, _page("program/", "program/index.md")) is None
    inside = _nav(_page("program/", "program/index.md"), _page("program/a/ringkas/", "program/a/ringkas.md"))
    assert _key(cache, _page("program/a/"), inside) is None
    assert _key(cache, _page("program/b/"), inside) is not None
    assert _key(cache, _page("", "beranda.md")) is None
    assert _key(cache, _page("assets/x/")) is None
    assert cache.key({"page": None, "nav": NAV}) is None  # type: ignore[arg-type]
    assert cache.key({"page": _page("program/a/")}) is None  # type: ignore[arg-type]


def test_the_active_entries_are_part_of_the_key() -> None:
    section = SimpleNamespace(children=[_page("program/", "program/index.md")], active=False)
    nav = _nav(_page("", "index.md"), section)
    cache = FragmentCache()
    quiet = _key(cache, _page("program/a/"), nav)
    section.active = True
    assert _key(cache, _page("program/b/"), nav) not in (None, quiet)


def test_a_fragment_is_rendered_once_per_key_and_every_time_when_disabled() -> None:
    templates = {"nav.html": '{% call pokja_fragment("nav") %}[{{ page.url }}]{% endcall %}'}
    for enabled, expected in ((True, ["[program/a/]", "[program/a/]", "[pedoman/c/]"]), (False, None)):
        env = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True)
        cache = install(env, enabled=enabled)
        pages = [_page("program/a/"), _page("program/b/"), _page("pedoman/c/")]
        out = [env.get_template("nav.html").render(page=page, nav=NAV) for page in pages]
        # Enabled: the second page of program/ gets the first one's fragment, as made for it.
        assert out == (expected or ["[program/a/]", "[program/b/]", "[pedoman/c/]"])
        assert cache.rendered == (2 if enabled else 3)


def test_materials_own_templates_are_reachable_under_its_prefix() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({}))
    install(env)
    install(env)  # a second build's environment is given the loader once
    source, _name, _uptodate = env.loader.get_source(env, "material/partials/nav.html")  # type: ignore[union-attr]
    assert "item.render(nav_item, path, 1)" in source
