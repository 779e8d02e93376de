"""CSRF on every unsafe request; security headers and CSP on Flask pages and on the static site."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from itsdangerous import TimestampSigner

from flask_app import security
from tests.flask.conftest import DEFAULT_PASSWORD, fetch_csrf

CSRF_MESSAGE = "Formulir kedaluwarsa, muat ulang halaman dan kirim lagi."


def page(response) -> str:
    return response.get_data(as_text=True)


def test_post_without_token_is_refused_with_a_clear_message(client, make_user):
    make_user("anggota", email="a@contoh.id")
    client.get("/akun/masuk")
    response = client.post("/akun/masuk", data={"email": "a@contoh.id", "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert CSRF_MESSAGE in page(response)
    assert '<a href="/akun/masuk">Muat ulang formulir</a>' in page(response)
    assert client.get("/akun").status_code == 302


def test_token_of_another_session_is_refused(app, client):
    token = fetch_csrf(app.test_client())
    client.get("/akun/masuk")
    response = client.post("/akun/masuk", data={"email": "a@contoh.id", "password": "x", "csrf_token": token})
    assert response.status_code == 400
    assert CSRF_MESSAGE in page(response)


def test_tampered_token_is_refused(client):
    token = fetch_csrf(client)
    response = client.post("/akun/masuk", data={"email": "a@contoh.id", "password": "x", "csrf_token": token + "x"})
    assert response.status_code == 400
    assert CSRF_MESSAGE in page(response)


def test_expired_token_is_refused(client, make_user, monkeypatch):
    make_user("anggota", email="a@contoh.id")
    token = fetch_csrf(client)
    issued = TimestampSigner.get_timestamp
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: issued(self) + security.DEFAULT_CSRF_TIME_LIMIT + 5
    )
    data = {"email": "a@contoh.id", "password": DEFAULT_PASSWORD, "csrf_token": token}
    response = client.post("/akun/masuk", data=data)
    assert response.status_code == 400
    assert CSRF_MESSAGE in page(response)
    monkeypatch.undo()
    assert client.post("/akun/masuk", data=data).status_code == 302


def test_expired_session_is_refused(app, client):
    token = fetch_csrf(client)
    client.delete_cookie("pokja_session")
    response = client.post("/akun/keluar", data={"csrf_token": token})
    assert response.status_code == 400
    assert CSRF_MESSAGE in page(response)


def test_token_in_header_is_accepted(client, make_user):
    make_user("anggota", email="a@contoh.id")
    token = fetch_csrf(client)
    response = client.post(
        "/akun/masuk", data={"email": "a@contoh.id", "password": DEFAULT_PASSWORD}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 302


def test_deferred_view_gets_the_failure_and_keeps_the_form_data(make_app):
    app = make_app()

    @app.post("/uji-formulir")
    @security.csrf_deferred
    def form_view():
        failure = security.csrf_failure()
        if failure:
            from flask import request

            return f"{failure}|{request.form['judul']}", 400
        return "ok"

    client = app.test_client()
    response = client.post("/uji-formulir", data={"judul": "Pelajaran RTLH"})
    assert response.status_code == 400
    assert page(response) == f"{CSRF_MESSAGE}|Pelajaran RTLH"
    token = fetch_csrf(client)
    assert page(client.post("/uji-formulir", data={"judul": "x", "csrf_token": token})) == "ok"


def _csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in header.split("; ")}


@pytest.mark.parametrize("url", ["/akun/masuk", "/", "/assets/gaya.css", "/tidak-ada/", "/static/service.css"])
def test_security_headers_on_service_pages_and_site_files(client, url):
    with client.get(url) as response:
        response.get_data()
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"].startswith("'self'")
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert csp["style-src"] == "'self'"
    assert csp["img-src"] == "'self' data:"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_service_pages_have_no_inline_script_or_style(client):
    html = page(client.get("/akun/masuk"))
    assert "<script" not in html
    assert "<style" not in html
    assert "style=" not in html
    assert _csp(client.get("/akun/masuk"))["script-src"] == "'self'"


def _sha(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


@pytest.fixture(scope="module")
def material_site(tmp_path_factory):
    """A tiny mkdocs-material site, built once: the theme's inline scripts at several depths."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tmp_path_factory.mktemp("mkdocs")
    docs = root / "docs"
    (docs / "pedoman" / "bagian").mkdir(parents=True)
    (docs / "index.md").write_text("# Beranda\n\nSelamat datang.\n", encoding="utf-8")
    (docs / "pedoman" / "index.md").write_text("# Pedoman\n\nIsi.\n", encoding="utf-8")
    (docs / "pedoman" / "bagian" / "satu.md").write_text('# Satu\n\n=== "A"\n    a\n', encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Uji\ntheme:\n  name: material\n  font: false\n  language: id\n  features: [content.tabs.link]\n"
        "markdown_extensions: [pymdownx.superfences, {pymdownx.tabbed: {alternate_style: true}}]\nplugins: []\n",
        encoding="utf-8",
    )
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    build(config)
    return root / "site"


def test_theme_inline_scripts_are_allowed_by_hash_and_nothing_else(make_app, material_site):
    app = make_app(SITE_DIR=str(material_site))
    client = app.test_client()
    checked = 0
    for url in ["/", "/pedoman/", "/pedoman/bagian/satu/", "/404.html"]:
        with client.get(url) as response:
            html = page(response)
        assert response.status_code == 200, url
        allowed = _csp(response)["script-src"].split()
        scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
        assert scripts, url
        for script in scripts:
            assert _sha(script) in allowed, f"{url}: theme script not allowed by the CSP: {script[:60]}"
            checked += 1
    assert checked >= 8
    assert _sha("alert(1)") not in security.theme_script_hashes()


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda client, token: {}, "missing"),
        (lambda client, token: {"csrf_token": token + "x"}, "invalid"),
        (lambda client, token: client.delete_cookie("pokja_session") or {"csrf_token": token}, "expired"),
    ],
)
def test_the_error_page_is_told_the_reason(app, client, spoil, reason):
    from flask import template_rendered

    token = fetch_csrf(client)
    rendered: list[tuple[str, str]] = []

    def record(_app, template, context, **_extra):
        rendered.append((template.name, context.get("reason")))

    template_rendered.connect(record, app)
    try:
        response = client.post("/akun/keluar", data=spoil(client, token))
    finally:
        template_rendered.disconnect(record, app)
    assert response.status_code == 400
    assert rendered == [("csrf_error.html", reason)]


def test_csrf_can_be_turned_off_by_the_setting(make_app, make_user):
    app = make_app(CSRF_ENABLED=False)
    response = app.test_client().post("/akun/masuk", data={"email": "a@contoh.id", "password": "salah-sekali-123"})
    assert response.status_code == 401
    assert CSRF_MESSAGE not in page(response)
