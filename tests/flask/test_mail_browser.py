"""Headless Chromium: "Lupa kata sandi?" → mail from a real SMTP server → link → new password → login."""

from __future__ import annotations

import re

import pytest

from flask_app import mail
from tests.browser import chromium, serve_app
from tests.flask.mailserver import MailServer

pytestmark = pytest.mark.browser
NEW_PASSWORD = "sandi-baru-dari-surel-1"


def test_forgotten_password_is_reset_through_the_mailed_link(make_app, make_user):
    srv = MailServer()
    srv.start()
    try:
        app = make_app(SMTP_URL=srv.url)
        user = make_user("anggota", email="lupa@contoh.id")
        with serve_app(app) as base, chromium() as browser:
            app.config["BASE_URL"] = base  # the address actually served
            page = browser.new_page()
            page.goto(f"{base}/akun/masuk")
            page.click("text=Lupa kata sandi?")
            page.fill('input[name="email"]', user.email)
            page.click('form:has(input[name="email"]) button[type="submit"]')
            page.wait_for_load_state("load")
            assert "Bila alamat itu terdaftar" in page.content()
            assert mail.deliver_due(app) == (1, 0)
            text = srv.inbox.messages[0].get_body(preferencelist=("plain",)).get_content()
            link = re.search(r"http://127\.0\.0\.1:\d+/akun/sandi/[\w-]+", text).group(0)
            page.goto(link)
            page.fill('input[name="password"]', NEW_PASSWORD)
            page.fill('input[name="password2"]', NEW_PASSWORD)
            page.click('form:has(input[name="password2"]) button[type="submit"]')
            page.wait_for_url(f"{base}/akun/masuk")
            page.fill('input[name="email"]', user.email)
            page.fill('input[name="password"]', NEW_PASSWORD)
            page.click('form:has(input[name="password"]) button[type="submit"]')
            page.wait_for_load_state("load")
            page.goto(f"{base}/akun")
            assert page.url == f"{base}/akun"
            assert user.email in page.content()
    finally:
        srv.stop()
