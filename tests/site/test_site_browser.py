"""The built site in headless Chromium: every request stays on the local host."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(small_site: Path) -> Iterator[str]:
    """The small site on 127.0.0.1 (a free port), stopped after the test."""
    handler = functools.partial(_QuietHandler, directory=str(small_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.browser
def test_pages_load_only_local_resources(served: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    hosts: list[str] = []
    failed: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
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
        finally:
            browser.close()
    assert hosts and set(hosts) == {"127.0.0.1"}, sorted(set(hosts))
    assert [u for u in failed if "/cari" not in u] == []
