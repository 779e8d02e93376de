"""Phones and slow links in Chromium: every page type fits 360 px, axe-core finds nothing serious, a
document page's first visit stays under 100 KB on the wire, a saved guideline opens offline, and a
logged-in member sees their name in the site's header."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium, serve_app
from tests.conftest import CONTENT
from tests.flask.conftest import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
DOCUMENT = "/pedoman/pengertian-pokja-pkp/"
GUIDELINE = "/pedoman/penyusunan-program-kerja-pokja-pkp/"
# One page of every type of the site, and the service's pages (the logged-in ones need an admin).
SITE_PAGES = [
    "/",
    DOCUMENT,
    "/pedoman/",
    "/program/",
    "/program/peningkatan-kualitas-rtlh-jawa-tengah/",
    "/keputusan/rapat-pleno-pokja-pkp-jawa-tengah-2025/",
    "/keputusan-terbuka/",
    "/profil/pokja-pkp-provinsi-jawa-tengah/",
    "/modul/pendataan-dan-verifikasi-rtlh/",
    "/dasbor/",
    "/dasbor/matriks-keselarasan/",
    "/wilayah/",
    "/wilayah/33/",
    "/tag/",
    "/pedoman-tinjau-ulang/",
    "/luring/",
    "/cari?q=rumah",
    "/cari",
    "/akun/masuk",
]
MEMBER_PAGES = ["/akun", "/kontribusi", "/kontribusi/saya", "/moderasi", "/admin"]
LIMIT_BYTES = 100_000


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter content built once (pre-compressed, as `pokja build` does)."""
    from site_builder.build import build_site

    base = tmp_path_factory.mktemp("phones")
    shutil.copytree(CONTENT, base / "content")
    build_site(Path(__file__).resolve().parents[2] / "mkdocs.yml", content_dir=base / "content", site_dir=base / "site")
    return base / "site"


@pytest.fixture
def site_dir(built_site: Path) -> Path:
    """make_app serves the built starter site."""
    return built_site


@pytest.fixture
def served(app: Any) -> Iterator[str]:
    with serve_app(app) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/akun/masuk")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', DEFAULT_PASSWORD)
    page.click('form:has(input[name="password"]) button[type="submit"]')
    page.wait_for_load_state("load")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the open page (the vendored copy, injected)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def check_pages(page: Any, base: str, urls: list[str]) -> dict[str, Any]:
    """Open each URL at 360 and 1280 px: what is wider than the screen, and what axe-core reports."""
    problems: dict[str, Any] = {}
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        for url in urls:
            response = page.goto(base + url)
            assert response is not None and response.status == 200, url
            page.wait_for_load_state("load")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems[f"{url} @{width}: width"] = scroll
            found = axe_violations(page)
            if found:
                problems[f"{url} @{width}: axe"] = found
    return problems


LONG_TITLE = "Pembelajaran pendampingan masyarakat berpenghasilan rendah di Kabupaten Kepulauan Selayar dan sekitarnya"


def submit_as(app: Any, author_id: int, token: str) -> int:
    """A lesson with a long title sent by ``author_id`` (in the queue and in the author's own list)."""
    from flask_app.db import session_scope
    from flask_app.submissions import create_submission
    from tests.flask.test_publish import lesson

    with app.app_context(), session_scope() as db:
        sub, _created = create_submission(
            db,
            doc_type="pembelajaran",
            data=lesson(title=LONG_TITLE),
            body="Isi pelajaran yang panjang.\n",
            author_id=author_id,
            form_token=token,
            region="33",
        )
        return sub.id


def test_every_page_type_fits_a_phone_and_passes_axe(
    app: Any, served: str, browser: Any, make_user: Callable[..., Any]
) -> None:
    admin = make_user("admin")
    # The member pages with rows in them: a phone must fit a long title in a table, not only the empty state.
    sid = submit_as(app, admin.id, "phones-1")
    submit_as(app, admin.id, "phones-2")
    # bypass_csp: axe-core is injected as an inline script; the pages' own scripts run as always.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        problems = check_pages(page, served, SITE_PAGES)
        log_in(page, served, admin.email)
        problems.update(check_pages(page, served, [*MEMBER_PAGES, f"/kontribusi/{sid}", f"/moderasi/{sid}"]))
        page.goto(served + "/kontribusi/saya")
        assert LONG_TITLE in page.content()
        page.goto(served + "/moderasi")
        assert LONG_TITLE in page.content()
    finally:
        context.close()
    assert problems == {}, json.dumps(problems, indent=1)


def test_chart_text_is_at_least_12_px(served: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(served + "/dasbor/")
            sizes = page.evaluate(
                """() => Array.from(document.querySelectorAll('svg.pokja-chart-svg text')).map(t =>
                     parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""
            )
            assert sizes and min(sizes) >= 12, (width, min(sizes))
    finally:
        context.close()


def first_visit_bytes(browser: Any, url: str) -> tuple[int, int]:
    """(bytes over the wire, requests) of a first visit, as Chromium's network layer counts them."""
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    try:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return sum(sizes.values()), len(sizes)


def test_first_visit_of_a_document_page_stays_under_100_kb(served: str, browser: Any) -> None:
    total, requests = first_visit_bytes(browser, served + DOCUMENT)
    print(f"first visit of {DOCUMENT}: {total} bytes over the wire in {requests} requests")
    assert total <= LIMIT_BYTES, (total, requests)


def test_a_saved_guideline_opens_offline_with_its_attachment(served: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(served + GUIDELINE)
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_selector("[data-pokja-offline]:not([hidden])")
        attachment = page.eval_on_selector(
            ".pokja-panel a[href$='.pdf']", "a => new URL(a.getAttribute('href'), location.href).href"
        )
        page.click("[data-pokja-offline-button]")
        page.wait_for_selector("[data-pokja-offline][data-saved='1']")
        context.set_offline(True)
        page.goto(served + GUIDELINE)
        assert page.locator("h1").first.inner_text() == "Penyusunan Program Kerja Tahunan Pokja PKP"
        status = page.evaluate("async (u) => (await fetch(u)).status", attachment)
        assert status == 200
        # A page never opened: the offline page instead of the browser's error.
        page.goto(served + "/pedoman/pengertian-pokja-pkp/")
        assert "Anda sedang luring" in page.content()
    finally:
        context.close()


def test_logged_in_member_sees_their_name_in_the_site_header(
    served: str, browser: Any, make_user: Callable[..., Any]
) -> None:
    member = make_user("anggota")
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(served + DOCUMENT)
        assert page.inner_text(".pokja-account") == "Masuk"
        log_in(page, served, member.email)
        page.goto(served + DOCUMENT)
        page.wait_for_selector(".pokja-account__name")
        assert page.inner_text(".pokja-account__name") == member.display_name
        assert page.get_attribute(".pokja-account a[href='/kontribusi']", "href") == "/kontribusi"
    finally:
        context.close()
