"""Headless Chromium: a secretariat records a meeting with three decisions (rows added in the page), a
moderator approves, the decisions are on the page and the open-decisions page; a draft survives a reload,
a lost session and a file too large for the service."""

from __future__ import annotations

import re

import pytest

from tests.flask.test_flow_browser import app, browser, built_app, log_in, served  # noqa: F401 - shared fixtures
from tests.flask.test_publish import pub_app  # noqa: F401 - shared fixture

pytestmark = pytest.mark.browser


def watch(page, problems: list[str]) -> None:
    """Collect script errors and every request that left the page (a row button must not post)."""
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)


def open_meeting_form(page, base: str, title: str, summary: str, kind: str) -> None:
    """From /kontribusi/ to the meeting form, its title, summary, kind, place and region (Banyumas) filled."""
    page.goto(f"{base}/kontribusi/")
    page.click("text=Kirim Keputusan rapat")
    assert page.url.endswith("/kontribusi/keputusan/baru")
    page.fill('[name="title"]', title)
    page.fill('[name="summary"]', summary)
    page.select_option('[name="meeting.kind"]', kind)
    page.fill('[name="meeting.place"]', "Purwokerto")
    # The region list (552 entries) is a filter box: type, arrow down, Enter; Escape closes.
    page.fill("#f-region", "banyumas")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.eval_on_selector('select[name="region"]', "s => [...s.selectedOptions].map(o => o.value)") == ["33.02"]


def test_secretariat_records_a_meeting_with_three_decisions_and_they_are_published(served, browser, make_user):  # noqa: F811
    secretariat, moderator = make_user("sekretariat"), make_user("moderator")
    problems: list[str] = []
    context = browser.new_context()
    page = context.new_page()
    watch(page, problems)
    log_in(page, served, secretariat.email)
    open_meeting_form(
        page,
        served,
        "Rapat pleno Pokja PKP Banyumas Maret 2026",
        "Pleno pertama tahun ini: pendataan, forum CSR, rapat berikutnya.",
        "pleno",
    )
    assert "Banyumas" in page.inner_text("#f-region-plain + .svc-combo .svc-chips")
    page.evaluate("window.__samePage = true")  # lost if a row button posted the form
    decisions = [
        ("1", "Pendataan RTLH Banyumas diperbarui bersama desa.", "terbuka"),
        ("2", "Forum CSR perumahan dibentuk.", "selesai"),
        ("3", "Rapat teknis pembiayaan digelar bulan depan.", "terbuka"),
    ]
    for i, (no, text, status) in enumerate(decisions):
        if i:
            page.click("#rows-decisions .svc-row-add")
            assert page.locator(f'[name="decisions.{i}.text"]').is_visible()
            # the focus moves to the new row's first control
            assert page.evaluate("document.activeElement.name") == f"decisions.{i}.no"
        page.fill(f'[name="decisions.{i}.no"]', no)
        page.fill(f'[name="decisions.{i}.text"]', text)
        page.select_option(f'[name="decisions.{i}.status"]', status)
    page.fill('[name="decisions.2.owner"]', "Bappeda")
    assert page.evaluate("window.__samePage") is True
    assert [t.strip() for t in page.locator("#rows-decisions .svc-row > legend").all_inner_texts()] == [
        "Baris 1",
        "Baris 2",
        "Baris 3",
    ]
    # a fourth row added and removed again in the page
    page.click("#rows-decisions .svc-row-add")
    page.click('#rows-decisions .svc-row[data-row="3"] .svc-row-remove')
    assert page.locator("#rows-decisions .svc-row").count() == 3
    page.fill('[name="body"]', "## Jalannya rapat\n\nDibuka oleh Ketua Pokja.")
    page.click('button[value="submit"]:visible')
    page.wait_for_selector("#sent-message")
    assert "tersimpan dan menunggu pemeriksaan moderator" in page.inner_text("#sent-message")
    # the draft of the sent form is gone
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('pokja-draft:'))") == []
    context.close()

    context = browser.new_context()
    page = context.new_page()
    watch(page, problems)
    log_in(page, served, moderator.email)
    page.goto(f"{served}/moderasi/")
    page.click("text=Rapat pleno Pokja PKP Banyumas Maret 2026")
    page.click("#approve")
    page.wait_for_load_state("load")
    # The publisher works off the request: the review page reloads itself until it says where.
    page.wait_for_selector("#published", timeout=90_000)
    published = page.inner_text("#published")
    path = re.search(r"keputusan/([a-z0-9-]+)\.md", published)
    assert path, published
    response = page.goto(f"{served}/keputusan/{path.group(1)}/")
    assert response.status == 200
    article = page.inner_text("article")
    for _no, text, _status in decisions:
        assert text in article
    page.goto(f"{served}/keputusan-terbuka/")
    open_page = page.inner_text("article")
    assert decisions[0][1] in open_page and decisions[2][1] in open_page
    assert decisions[1][1] not in open_page  # selesai: not open
    context.close()
    assert problems == []


def test_a_draft_comes_back_after_a_reload_a_lost_session_and_a_file_too_large(
    served,  # noqa: F811
    browser,  # noqa: F811
    make_user,
    app,  # noqa: F811
    tmp_path,
):
    secretariat = make_user("sekretariat")
    app.config["MAX_UPLOAD_BYTES"] = 100_000  # read per request: a small file is "too large" here
    problems: list[str] = []
    context = browser.new_context()
    page = context.new_page()
    watch(page, problems)
    log_in(page, served, secretariat.email)
    url = f"{served}/kontribusi/program/baru"
    page.goto(url)
    page.fill('[name="title"]', "Program bedah rumah Banyumas 2026")
    page.fill('[name="lead_agency"]', "Dinas Perkim Banyumas")
    page.click("#rows-targets .svc-row-add")
    page.select_option('[name="targets.1.indicator"]', "rtlh-ditangani")
    page.fill('[name="targets.1.target"]', "1.250")
    page.fill('[name="body"]', "Catatan program yang panjang.")
    page.wait_for_timeout(600)  # the draft is written a moment after typing stops

    page.reload()
    page.wait_for_selector("#draft-offer")
    assert "belum terkirim" in page.inner_text("#draft-offer")
    assert page.input_value('[name="title"]') == ""
    page.click("#draft-restore")
    assert page.input_value('[name="title"]') == "Program bedah rumah Banyumas 2026"
    assert page.input_value('[name="targets.1.target"]') == "1.250"
    assert page.input_value('[name="targets.1.indicator"]') == "rtlh-ditangani"
    assert page.input_value('[name="body"]') == "Catatan program yang panjang."

    # The session ends (cookies gone): log in again, come back to the form, the draft is offered.
    context.clear_cookies()
    page.goto(url)
    assert "/akun/masuk" in page.url
    page.fill('input[name="email"]', secretariat.email)
    from tests.flask.conftest import DEFAULT_PASSWORD

    page.fill('input[name="password"]', DEFAULT_PASSWORD)
    page.click('form:has(input[name="password"]) button[type="submit"]')
    page.wait_for_selector("#draft-offer")
    assert page.url == url
    page.click("#draft-restore")
    assert page.input_value('[name="lead_agency"]') == "Dinas Perkim Banyumas"

    # A file over the limit is refused in the page, before anything is sent (no 413, nothing lost).
    big = tmp_path / "Laporan besar.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * 200_000)
    page.set_input_files('[name="att_file_0"]', str(big))
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.click('button[value="submit"]:visible')
    page.wait_for_selector("#err-size:visible")
    assert "Berkas 'Laporan besar.pdf' terlalu besar" in page.inner_text("#err-size")
    assert "isian Anda tetap tersimpan" in page.inner_text("#err-size")
    assert sent == [] and page.url == url
    assert page.input_value('[name="title"]') == "Program bedah rumah Banyumas 2026"
    context.close()
    assert problems == []
