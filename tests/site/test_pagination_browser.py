"""Paged listings in Chromium at phone width: the page links work without JavaScript and fit 360 px."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import chromium, serve_directory

from .test_pagination import paged  # noqa: F401  (the module's built site, reused)

pytestmark = pytest.mark.browser


def test_page_links_work_without_javascript_and_fit_a_phone(paged: tuple[Path, Path, Path]) -> None:  # noqa: F811
    _config, _content, site = paged
    with serve_directory(site) as base, chromium() as browser:
        context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
        page = context.new_page()
        page.goto(f"{base}/pembelajaran/", wait_until="load")
        visited = []
        while True:
            visited.append(page.url.removeprefix(base))
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, (page.url, width)
            pager = page.locator("nav.pokja-pager")
            assert pager.count() == 1 and pager.bounding_box()["width"] <= 360
            older = pager.get_by_role("link", name="Lebih lama »")
            if older.count() == 0:
                break
            older.click()
            page.wait_for_load_state("load")
        assert visited == [
            "/pembelajaran/",
            "/pembelajaran/halaman/3/",
            "/pembelajaran/halaman/2/",
            "/pembelajaran/halaman/1/",
        ]
        page.get_by_role("link", name="Terbaru").click()
        page.wait_for_load_state("load")
        assert page.url == f"{base}/pembelajaran/"
        link = page.locator("p.pokja-search-all a")
        assert link.get_attribute("href") == "../cari?type=pembelajaran"
        context.close()
