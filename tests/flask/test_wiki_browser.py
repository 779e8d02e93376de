"""Headless Chromium: a secretariat marks a decision done, a moderator approves the diff, history and restore."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.browser import chromium, serve_app
from tests.conftest import REPO
from tests.flask.test_flow_browser import log_in
from tests.flask.wiki_helpers import prepare_content

pytestmark = pytest.mark.browser

MEETING = "keputusan/rapat-pleno-pokja-pkp-jawa-tengah-2025"
DECISION_2 = "Mengusulkan kenaikan alokasi bantuan stimulan RTLH provinsi"


@pytest.fixture
def app(make_app: Callable[..., Flask], tmp_path: Path) -> Iterator[Flask]:
    """An app on a content tree in git (secretariat types open to sekretariat), its site built first."""
    from site_builder.build import build_site

    prepare_content(tmp_path / "content")
    config = tmp_path / "mkdocs.yml"
    shutil.copy(REPO / "mkdocs.yml", config)
    application = make_app(MKDOCS_CONFIG=str(config), SITE_DIR=str(tmp_path / "built"), PUBLISH_LOCK_TIMEOUT=5)
    build_site(str(config), content_dir=application.config["CONTENT_DIR"], site_dir=application.config["SITE_DIR"])
    yield application
    from flask_app.db import dispose

    dispose(application)


def test_quick_edit_diff_approval_open_decisions_history_and_restore(app, make_user):
    secretary, moderator, second = make_user("sekretariat"), make_user("moderator"), make_user("moderator")
    problems: list[str] = []
    with serve_app(app) as base, chromium() as browser:
        page = browser.new_context().new_page()
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(f"{base}/keputusan-terbuka/")
        assert DECISION_2 in page.inner_text("article")
        # The document page says when and by whom it last changed, and leads to the edit form.
        page.goto(f"{base}/{MEETING}/")
        assert "Terakhir diubah" in page.inner_text(".pokja-wiki") and "oleh Awal" in page.inner_text(".pokja-wiki")
        page.click("text=Sunting halaman ini")
        page.wait_for_load_state("load")
        assert "/akun/masuk" in page.url  # logged out: asked to log in, then back to the form
        page.fill('input[name="email"]', secretary.email)
        page.fill('input[name="password"]', "kata-sandi-uji-123")
        page.click('form:has(input[name="password"]) button[type="submit"]')
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/sunting/{MEETING}")
        assert page.input_value('[name="title"]') == "Rapat Pleno Pokja PKP Provinsi Jawa Tengah Semester II 2025"
        page.click("#quick-link")
        page.fill("#q-no", "2")
        page.select_option("#q-status", "selesai")
        page.fill("#q-done", "2026-11-30")
        page.click("#quick-send")
        page.wait_for_selector("#sent-message")
        page.context.close()

        page = browser.new_context().new_page()
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        log_in(page, base, moderator.email)
        page.goto(f"{base}/moderasi/")
        page.click("text=Rapat Pleno Pokja PKP Provinsi Jawa Tengah Semester II 2025")
        rows = page.locator("#diff-fields tbody tr")
        assert rows.count() == 2
        assert [rows.nth(i).get_attribute("data-field") for i in range(2)] == ["decisions.2.status", "decisions.2.done"]
        assert "terbuka" in rows.nth(0).inner_text() and "selesai" in rows.nth(0).inner_text()
        # Approve, send back and reject look different; reject asks to confirm.
        colours = {
            b: page.eval_on_selector(b, "e => getComputedStyle(e).backgroundColor")
            for b in ("#approve", "#send-back", "#reject")
        }
        assert len(set(colours.values())) == 3, colours
        assert page.get_attribute("#reject-confirm", "required") is not None
        page.click("#approve")
        page.wait_for_load_state("load")
        # Publication runs off the request: the review page reloads itself until it says it is published.
        page.wait_for_selector("#published", timeout=90_000)
        page.goto(f"{base}/keputusan-terbuka/")
        assert DECISION_2 not in page.inner_text("article")
        assert "Memfasilitasi pembentukan atau pengaktifan kembali Pokja PKP" in page.inner_text("article")

        # History: both revisions with their authors, and the diff between them.
        page.goto(f"{base}/{MEETING}/")
        page.click(".pokja-wiki__history")
        page.wait_for_load_state("load")
        revisions = page.locator("#revisions tbody tr")
        assert revisions.count() == 2
        assert "Uji sekretariat" in revisions.nth(0).inner_text() and "Awal" in revisions.nth(1).inner_text()
        page.click("#compare")
        page.wait_for_load_state("load")
        assert page.locator("#diff-fields tbody tr").count() == 2
        assert "Keputusan › 2 › Status" in page.inner_text("#diff-fields")
        # The moderator restores the first revision: a proposal that another moderator approves.
        page.goto(f"{base}/riwayat/{MEETING}")
        page.click("text=Pulihkan revisi ini")
        page.wait_for_load_state("load")
        assert "Pemulihan diusulkan sebagai kiriman" in page.inner_text(".svc-flash")
        page.context.close()

        page = browser.new_context().new_page()
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        log_in(page, base, second.email)
        page.goto(f"{base}/moderasi/")
        page.click("text=Rapat Pleno Pokja PKP Provinsi Jawa Tengah Semester II 2025")
        assert page.get_attribute("#edit-kind", "data-kind") == "pulihkan"
        page.click("#approve")
        page.wait_for_load_state("load")
        # Publication runs off the request: the review page reloads itself until it says it is published.
        page.wait_for_selector("#published", timeout=90_000)
        page.goto(f"{base}/keputusan-terbuka/")
        assert DECISION_2 in page.inner_text("article")
        page.goto(f"{base}/riwayat/{MEETING}")
        assert page.locator("#revisions tbody tr").count() == 3
        page.context.close()
    assert problems == []
