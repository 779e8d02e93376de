"""Headless Chromium: the built site's header box -> /cari -> a facet -> a result page."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import chromium, serve_app
from tests.conftest import CONTENT, REPO

pytestmark = pytest.mark.browser


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """The starter content built into tmp_path and served by the app on a free local port."""
    from flask_app import create_app
    from site_builder.build import build_site

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    config = tmp_path / "mkdocs.yml"
    shutil.copy(REPO / "mkdocs.yml", config)
    build_site(config, content_dir=content, site_dir=tmp_path / "site")
    app = create_app(
        {
            "SECRET_KEY": "browser",
            "CONTENT_DIR": str(content),
            "SITE_DIR": str(tmp_path / "site"),
            "INDEX_DIR": str(tmp_path / "index"),  # absent: built on the first search
            "INSTANCE_DIR": str(tmp_path / "instance"),
        }
    )
    with serve_app(app) as base:
        yield base


def test_header_search_facet_and_result(served: str) -> None:
    with chromium() as browser:
        page = browser.new_page()
        page.goto(served + "/", wait_until="load")
        page.fill("#pokja-q", "pemukiman kumuh")
        page.press("#pokja-q", "Enter")
        page.wait_for_url("**/cari?q=pemukiman+kumuh")
        assert page.input_value("#srch-q") == "pemukiman kumuh"
        assert page.locator(".srch-hit").count() >= 4
        # Narrow by a facet link: the programme type.
        page.locator('[data-facet="type"] a', has_text="Program").first.click()
        page.wait_for_url("**/cari?q=pemukiman+kumuh&type=program")
        types = page.locator(".srch-type").all_inner_texts()
        assert types and set(types) == {"Program"}
        assert page.locator('[data-facet="type"] a.selected').count() == 1
        # Open the first result: the built site's page of that document.
        first = page.locator(".srch-hit h3 a").first
        title = first.inner_text()
        first.click()
        page.wait_for_url("**/program/**")
        assert title in page.locator("h1").first.inner_text()
