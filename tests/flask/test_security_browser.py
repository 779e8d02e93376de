"""Headless Chromium: the built Material site and the service pages run under the CSP without violations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import chromium, serve_app
from tests.flask.test_security import material_site  # noqa: F401 - the shared module-scoped fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def served(make_app, material_site) -> Iterator[str]:  # noqa: F811
    """The app on the built Material site, on a free port of 127.0.0.1, stopped afterwards."""
    app = make_app(SITE_DIR=str(material_site))
    with serve_app(app) as base:
        yield base


@pytest.fixture
def browser_page():
    """A phone-sized Chromium page that records CSP violations and script errors."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 740})
        page.problems = []  # type: ignore[attr-defined]
        page.on(
            "console",
            lambda msg: (
                page.problems.append(msg.text)  # type: ignore[attr-defined]
                if msg.type == "error" or "Content Security Policy" in msg.text
                else None
            ),
        )
        page.on("pageerror", lambda exc: page.problems.append(str(exc)))  # type: ignore[attr-defined]
        yield page


def test_material_pages_run_under_the_csp(served, browser_page):
    for path in ["/", "/pedoman/bagian/satu/"]:
        browser_page.goto(served + path)
        browser_page.wait_for_load_state("load")
        # The theme's inline helper script ran (allowed by hash), and so did its bundle.
        assert browser_page.evaluate("typeof __md_get") == "function", path
        assert browser_page.evaluate("typeof document$") == "object", path
    assert browser_page.problems == []  # type: ignore[attr-defined]


def test_service_pages_run_under_the_csp_on_a_phone(served, browser_page):
    browser_page.goto(served + "/akun/masuk")
    assert browser_page.locator("h1").inner_text() == "Masuk"
    # The stylesheet applied (not blocked): the header has the site's green (Material green 800).
    colour = browser_page.evaluate("getComputedStyle(document.querySelector('.svc-header')).backgroundColor")
    assert colour == "rgb(46, 125, 50)"
    width = browser_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    browser_page.fill("#email", "a@contoh.id")
    browser_page.fill("#password", "salah-sekali-123")
    browser_page.click("form.svc-form button[type=submit]")
    assert "Surel atau kata sandi salah." in browser_page.inner_text("main")
    # The 401 of the refused login and the missing favicon are reported as failed loads; nothing else may be.
    problems = [p for p in browser_page.problems if not p.startswith("Failed to load resource")]  # type: ignore[attr-defined]
    assert problems == []
