"""Every type's form in Chromium at 360 and 1280 px: nothing wider than the screen, axe-core finds nothing
serious, with the page's script on (filter boxes, rows added, a filter list open)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import chromium, serve_app
from tests.flask.test_phones_browser import axe_violations, log_in

pytestmark = pytest.mark.browser
TYPES = ["keputusan", "program", "profil", "pedoman", "modul", "pembelajaran"]


@pytest.fixture
def served(app: Any) -> Iterator[str]:
    with serve_app(app) as base:
        yield base


def test_every_form_fits_a_phone_and_passes_axe_with_its_script(served: str, make_user: Any) -> None:
    admin = make_user("admin")  # an admin may create every type
    problems: dict[str, Any] = {}
    errors: list[str] = []
    with chromium() as browser:
        context = browser.new_context(bypass_csp=True)  # axe-core is injected as an inline script
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        log_in(page, served, admin.email)
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            for doc_type in TYPES:
                response = page.goto(f"{served}/kontribusi/{doc_type}/baru")
                assert response is not None and response.status == 200, doc_type
                for add in page.locator(".svc-row-add").all():
                    add.click()  # a row added by the script
                page.fill("#f-region", "kota")  # the region filter box, open
                assert page.locator(".svc-combo-list:visible li").count() > 3
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    problems[f"{doc_type} @{width}: width"] = scroll
                found = axe_violations(page)
                if found:
                    problems[f"{doc_type} @{width}: axe"] = found
        context.close()
    assert problems == {}, json.dumps(problems, indent=1)
    assert errors == []
