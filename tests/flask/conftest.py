"""Fixtures of the Flask service: a fresh app per test (content, site, index, database in tmp_path)."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import CONTENT

DEFAULT_PASSWORD = "kata-sandi-uji-123"
ROLES = ("anggota", "pelatih", "sekretariat", "moderator", "admin")
_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@lru_cache(maxsize=4)
def password_hash(password: str) -> str:
    """scrypt is deliberately slow (~0.15 s): hash each test password once per run."""
    from flask_app.auth import hash_password

    return hash_password(password)


def csrf_from(html: str) -> str:
    """The CSRF token of the first form in ``html``."""
    match = _CSRF_RE.search(html)
    assert match, "no csrf_token field in the page"
    return match.group(1)


def fetch_csrf(client: FlaskClient, url: str = "/akun/masuk") -> str:
    """GET ``url`` and return the CSRF token of its form (as a browser would)."""
    return csrf_from(client.get(url).get_data(as_text=True))


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    """A tiny stand-in for the built site."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Beranda</title><p>Beranda</p>", encoding="utf-8")
    (site / "assets").mkdir()
    (site / "assets" / "gaya.css").write_text("body { color: #111; }", encoding="utf-8")
    return site


@pytest.fixture
def make_app(tmp_path: Path, site_dir: Path) -> Callable[..., Flask]:
    """``make_app(**config)``: a fresh app on a copy of the real content in tmp_path, CSRF on."""
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(CONTENT, content)

    def make(**overrides: Any) -> Flask:
        from flask_app import create_app

        config: dict[str, Any] = {
            "TESTING": True,
            "SECRET_KEY": "uji-" + secrets.token_hex(8),
            "CONTENT_DIR": str(content),
            "SITE_DIR": str(site_dir),
            "INDEX_DIR": str(tmp_path / "index"),
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'pokja.db'}",
            "BASE_URL": "http://127.0.0.1:8000",
        }
        config.update(overrides)
        app = create_app(config)
        return app

    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """A fresh app with its own SQLite database; the engine is disposed afterwards."""
    application = make_app()
    yield application
    _dispose(application)


def _dispose(app: Flask) -> None:
    from flask_app.db import dispose

    dispose(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of ``app``."""
    return app.test_client()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., Any]:
    """``make_user(role, email=None, password=DEFAULT_PASSWORD, active=True)`` → the stored User."""
    counter = iter(range(1, 10_000))

    def make(role: str, email: str | None = None, password: str = DEFAULT_PASSWORD, active: bool = True) -> Any:
        from flask_app.auth import User
        from flask_app.db import session_scope, utcnow

        email = email or f"{role}{next(counter)}@contoh.id"
        with app.app_context(), session_scope() as db:
            user = User(email=email, name=f"Uji {role}", role=role, active=active, created_at=utcnow())
            user.password_hash = password_hash(password)
            db.add(user)
            db.flush()
            db.expunge(user)
        return user

    return make


def login(client: FlaskClient, email: str, password: str = DEFAULT_PASSWORD) -> Any:
    """Log in through the real form (fetching its CSRF token first); returns the response."""
    token = fetch_csrf(client, "/akun/masuk")
    return client.post("/akun/masuk", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture(name="login")
def login_fixture() -> Callable[..., Any]:
    """The ``login(client, email, password)`` helper as a fixture."""
    return login


def sign_in(client: FlaskClient, user: Any, login_at: float | None = None) -> FlaskClient:
    """Put ``user`` into the client's session directly (fast; the login form has its own tests)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()  # Flask-Login's key: the account id and its session version
        session["_fresh"] = True
        session["login_at"] = time.time() if login_at is None else login_at
    return client


@pytest.fixture
def logged_in(app: Flask, make_user: Callable[..., Any]) -> Callable[[str], FlaskClient]:
    """``logged_in(role)`` → a new client logged in (fresh) with a new account of that role, as ``client.user``."""

    def make(role: str) -> FlaskClient:
        client = app.test_client()
        client.user = make_user(role)  # type: ignore[attr-defined]
        return sign_in(client, client.user)  # type: ignore[attr-defined]

    return make


def _postgres_url() -> str:
    url = os.environ.get("POKJA_TEST_DATABASE_URL", "")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but POKJA_TEST_DATABASE_URL is unset: run the tests through scripts/run-tests.sh")
        pytest.skip("POKJA_TEST_DATABASE_URL is unset (scripts/run-tests.sh starts a local PostgreSQL)")
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL: SQLite in tmp_path, and PostgreSQL in a fresh schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db-test.db'}"
        return
    import sqlalchemy as sa

    base = _postgres_url()
    schema = f"t_{secrets.token_hex(6)}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db_app(make_app: Callable[..., Flask], db_url: str) -> Iterator[Flask]:
    """A fresh app on ``db_url`` (SQLite, then PostgreSQL)."""
    application = make_app(DATABASE_URL=db_url)
    yield application
    _dispose(application)
