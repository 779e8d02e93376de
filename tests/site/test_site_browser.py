"""The built site in headless Chromium: every request stays on the local host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser import chromium, serve_directory


@pytest.fixture
def served(small_site: Path) -> Iterator[str]:
    """The small site on 127.0.0.1 (a free port), stopped after the test."""
    with serve_directory(small_site) as base:
        yield base


@pytest.mark.browser
def test_pages_load_only_local_resources(served: str) -> None:
    hosts: list[str] = []
    failed: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda req: hosts.append(urlsplit(req.url).hostname or req.url))
        page.on("requestfailed", lambda req: failed.append(req.url))
        for path in ("/", "/pedoman/", "/program/program-rtlh/", "/wilayah/33/"):
            response = page.goto(served + path, wait_until="networkidle")
            assert response is not None and response.status == 200, path
            assert page.locator("#pokja-q").count() == 1
        # The listing filter works without a server.
        page.goto(served + "/pedoman/", wait_until="networkidle")
        page.select_option(".pokja-filter__region", "35")
        visible = page.locator("table.pokja-table tbody tr:not([hidden])")
        assert visible.count() == 1 and "Pedoman Pendataan Terbaru" in visible.inner_text()
        # The header form sends the query to the service's search page.
        page.fill("#pokja-q", "rtlh")
        page.press("#pokja-q", "Enter")
        page.wait_for_url("**/cari?q=rtlh")
    assert hosts and set(hosts) == {"127.0.0.1"}, sorted(set(hosts))
    assert [u for u in failed if "/cari" not in u] == []
