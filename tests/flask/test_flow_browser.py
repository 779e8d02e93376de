"""Headless Chromium, the whole flow: a lesson with a PDF is submitted, approved, then on the site and in search."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import chromium, serve_app
from tests.flask.conftest import DEFAULT_PASSWORD
from tests.flask.test_publish import pub_app  # noqa: F401 - shared fixture
from tests.flask.test_uploads import small_pdf

pytestmark = pytest.mark.browser


@pytest.fixture
def built_app(pub_app):  # noqa: F811
    """The app with its site fully built from its content copy before anyone contributes."""
    from site_builder.build import build_site

    build_site(
        pub_app.config["MKDOCS_CONFIG"], content_dir=pub_app.config["CONTENT_DIR"], site_dir=pub_app.config["SITE_DIR"]
    )
    return pub_app


@pytest.fixture
def app(built_app):
    """make_user and logged_in work on the built app."""
    return built_app


def serve(app) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, stopped afterwards."""
    with serve_app(app) as base:
        yield base


@pytest.fixture
def served(app) -> Iterator[str]:
    yield from serve(app)


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/akun/masuk")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', DEFAULT_PASSWORD)
    page.click('form:has(input[name="password"]) button[type="submit"]')
    page.wait_for_load_state("load")


def test_member_submits_moderator_approves_lesson_is_on_the_site_and_in_search(served, browser, make_user, tmp_path):
    member, moderator = make_user("anggota"), make_user("moderator")
    pdf = tmp_path / "Laporan Lapangan.pdf"
    pdf.write_bytes(small_pdf("Laporan"))
    problems: list[str] = []

    context = browser.new_context()
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    log_in(page, served, member.email)
    page.goto(f"{served}/kontribusi/")
    page.click("text=Kirim Pembelajaran")
    page.fill('[name="title"]', "Pelajaran gotong royong bedah rumah Klaten")
    page.fill('[name="summary"]', "Warga dan Dinas Perkim bergotong royong memperbaiki rumah tidak layak huni.")
    page.select_option('[name="tags"]', ["rtlh", "swadaya"])
    page.select_option('[name="region"]', ["33"])
    page.fill('[name="contributor.name"]', "Siti Aminah")
    page.select_option('[name="stakeholder_group"]', "regulator")
    page.fill('[name="body"]', "## Latar belakang\n\nPendataan bersama warga.\n\n## Yang berhasil\n\nGotong royong.")
    page.set_input_files('[name="att_file_0"]', str(pdf))
    page.fill('[name="att_new_title_0"]', "Laporan lapangan")
    page.click('button[value="preview"]')
    assert page.inner_text(".svc-preview h2 + article h2") == "Latar belakang"
    page.click('button[value="submit"]')
    page.wait_for_selector("#sent-message")
    assert "tersimpan dan menunggu pemeriksaan moderator" in page.inner_text("#sent-message")
    context.close()

    context = browser.new_context()  # the moderator logs in now: a fresh login
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    log_in(page, served, moderator.email)
    page.goto(f"{served}/moderasi/")
    page.click("text=Pelajaran gotong royong bedah rumah Klaten")
    assert "Siti Aminah" in page.inner_text("#preview")
    assert "Laporan lapangan" in page.inner_text("#preview .pokja-panel")
    page.click("#approve")
    page.wait_for_load_state("load")
    assert "disetujui; sedang diterbitkan" in page.inner_text(".svc-flash")
    # The review page reloads itself while the publisher works, then says where the lesson is.
    page.wait_for_selector("#published", timeout=90_000)
    assert "diterbitkan: pembelajaran/pelajaran-gotong-royong-bedah-rumah-klaten.md" in page.inner_text("#published")

    response = page.goto(f"{served}/pembelajaran/pelajaran-gotong-royong-bedah-rumah-klaten/")
    assert response.status == 200
    assert page.inner_text("h1") == "Pelajaran gotong royong bedah rumah Klaten"
    assert "Gotong royong." in page.inner_text("article")
    href = page.get_attribute("a:text('Laporan lapangan')", "href")
    attachment = page.request.get(page.url + href if not href.startswith("/") else served + href)
    assert attachment.status == 200 and attachment.body() == small_pdf("Laporan")

    page.goto(f"{served}/pembelajaran/")
    assert "Pelajaran gotong royong bedah rumah Klaten" in page.inner_text("body")
    page.goto(f"{served}/cari?q=gotong+royong+klaten")
    assert "Pelajaran gotong royong bedah rumah Klaten" in page.inner_text("main")
    context.close()
    assert problems == []
