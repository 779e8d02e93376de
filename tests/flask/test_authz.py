"""Authorization matrix: every route of the app × every role and anonymous, against a declared table.

Walks ``app.url_map``, so every new route is covered as soon as its blueprint is registered; a route
missing from ACCESS fails with a message saying where to declare it.
"""

from __future__ import annotations

import secrets
import shutil

import pytest
from flask import Flask

from flask_app import create_app
from tests.conftest import CONTENT
from tests.flask.conftest import csrf_from, password_hash, sign_in

PUBLIC = "public"
MEMBERS = ("anggota", "pelatih", "sekretariat", "moderator", "admin")
MODERATORS = ("moderator", "admin")
ADMINS = ("admin",)
WHO = ("anonymous", *MEMBERS)

# endpoint -> method -> PUBLIC or the roles that may reach it. Declare every new endpoint here.
ACCESS: dict[str, dict[str, str | tuple[str, ...]]] = {
    "static": {"GET": PUBLIC},
    "site": {"GET": PUBLIC},
    "auth.login": {"GET": PUBLIC, "POST": PUBLIC},
    "auth.logout": {"POST": PUBLIC},
    "auth.set_password_page": {"GET": PUBLIC, "POST": PUBLIC},
    "auth.account": {"GET": MEMBERS, "POST": MEMBERS},
    "admin.index": {"GET": ADMINS},
    "admin.create": {"POST": ADMINS},
    "admin.new_link": {"POST": ADMINS},
    "admin.set_active": {"POST": ADMINS},
    "admin.set_role": {"POST": ADMINS},
    "search.search_page": {"GET": PUBLIC},
    "search.api_search": {"GET": PUBLIC},
    "reader.status": {"GET": PUBLIC},
    "reader.download_site": {"GET": PUBLIC},
    "contribute.index": {"GET": MEMBERS},
    "contribute.new": {"GET": MEMBERS, "POST": MEMBERS},
    "contribute.sent": {"GET": MEMBERS},
    "contribute.mine": {"GET": MEMBERS},
    "contribute.detail": {"GET": MEMBERS},
    "contribute.revise": {"GET": MEMBERS, "POST": MEMBERS},
    "moderate.queue": {"GET": MODERATORS},
    "moderate.review": {"GET": MODERATORS},
    "moderate.approve": {"POST": MODERATORS},
    "moderate.retry": {"POST": MODERATORS},
    "moderate.send_back": {"POST": MODERATORS},
    "moderate.reject": {"POST": MODERATORS},
    "admin.resend_mail": {"POST": ADMINS},
    "notify.unsubscribe": {"GET": PUBLIC, "POST": PUBLIC},
    "notify.forgot_password": {"GET": PUBLIC, "POST": PUBLIC},
    "notify.preferences": {"GET": MEMBERS, "POST": MEMBERS},
    "notify.follow": {"GET": MEMBERS, "POST": MEMBERS},
    # The publisher's call: no session role reaches it, only POKJA_SYNC_SECRET (tests/flask/test_sync.py);
    # every caller of the matrix gets 404.
    "sync.sync_now": {"POST": PUBLIC},
    "report.form": {"GET": MEMBERS, "POST": MEMBERS},
    # A Word file fills a contribution form: members only (the type's own roles are checked inside).
    "docx_import.from_word": {"POST": MEMBERS},
    # The PDF of any published document, as public as its page.
    "pdf.document_pdf": {"GET": PUBLIC},
    # Edits: any member reaches the form; whether they may edit that document (its schema's
    # contribute list, or its own author) is decided per document (tests/flask/test_wiki_edits.py).
    "edits.edit": {"GET": MEMBERS, "POST": MEMBERS},
    "edits.quick": {"GET": MEMBERS, "POST": MEMBERS},
    "edits.withdraw": {"GET": MEMBERS, "POST": MEMBERS},
    "edits.revise": {"GET": MEMBERS, "POST": MEMBERS},
    "history.revisions": {"GET": PUBLIC},
    "history.compare": {"GET": PUBLIC},
    "history.restore": {"POST": MODERATORS},
    "moderate.attachment": {"GET": MODERATORS},
}

# Values for URL arguments: ids that do not exist, so an allowed request touches nothing shared.
SAMPLE_ARGS = {
    "path": "",
    "filename": "service.css",
    "token": "tautan-tidak-ada",
    "user_id": 999_999,
    "submission_id": 999_999,
    "doc_type": "pembelajaran",
    "mail_id": 999_999,
    "slug": "tidak-ada",
    "year": 2025,
    "stored_name": "tidak-ada.pdf",
}


def _routes() -> list[tuple[str, str, str]]:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://", "INSTANCE_DIR": "/tmp"})
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule.rule))
    app.extensions["pokja_db"]["engine"].dispose()
    return found


ROUTES = _routes()


@pytest.fixture(scope="module")
def matrix_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One app for the whole matrix (requests use ids that do not exist, so they change nothing shared)."""
    from flask_app.auth import User
    from flask_app.db import EXTENSION, session_scope, utcnow

    root = tmp_path_factory.mktemp("authz")
    shutil.copytree(CONTENT, root / "content")
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("<!doctype html><title>Beranda</title>", encoding="utf-8")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": secrets.token_hex(8),
            "CONTENT_DIR": str(root / "content"),
            "SITE_DIR": str(root / "site"),
            "INDEX_DIR": str(root / "index"),
            "INSTANCE_DIR": str(root / "instance"),
            "DATABASE_URL": f"sqlite:///{root / 'pokja.db'}",
        }
    )
    with app.app_context(), session_scope() as db:
        for role in MEMBERS:
            db.add(User(email=f"{role}@contoh.id", role=role, active=True, created_at=utcnow()))
            db.flush()
        for user in db.query(User):
            user.password_hash = password_hash("kata-sandi-uji-123")
    yield app
    app.extensions[EXTENSION]["engine"].dispose()


def _user(app: Flask, role: str):
    from flask_app.auth import find_user

    with app.app_context():
        return find_user(f"{role}@contoh.id")


def _url(endpoint: str, rule: str, app: Flask) -> str:
    from flask import url_for

    (found,) = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == rule]
    missing = [arg for arg in found.arguments if arg not in SAMPLE_ARGS and arg not in (found.defaults or {})]
    assert not missing, f"add a sample value for URL argument(s) {missing} to SAMPLE_ARGS in {__file__}"
    if found.defaults:
        # A rule with defaults (the site's "/") has no free arguments: its path is the URL.
        return rule
    args = {arg: SAMPLE_ARGS[arg] for arg in found.arguments}
    with app.test_request_context():
        return url_for(endpoint, **args)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("endpoint", "method", "rule"), ROUTES, ids=[f"{m} {r}" for _e, m, r in ROUTES])
def test_route_access(matrix_app: Flask, endpoint: str, method: str, rule: str, who: str) -> None:
    declared = ACCESS.get(endpoint, {}).get(method)
    assert declared is not None, (
        f"{method} {rule} (endpoint {endpoint!r}) is not declared: add it to ACCESS in {__file__} "
        f"with PUBLIC or the roles allowed to reach it"
    )
    client = matrix_app.test_client()
    if who != "anonymous":
        sign_in(client, _user(matrix_app, who))
    url = _url(endpoint, rule, matrix_app)
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_from(client.get("/akun/masuk").get_data(as_text=True))
        response = client.open(url, method=method, data={"csrf_token": token})
    response.close()
    location = response.headers.get("Location", "")
    to_login = response.status_code == 302 and location.startswith("/akun/masuk")
    allowed = declared == PUBLIC or who in declared
    if allowed:
        assert response.status_code != 403, f"{who} refused on {method} {url}"
        assert not to_login, f"{who} sent to login on {method} {url}"
        assert response.status_code < 500, f"{method} {url} as {who}: {response.status_code}"
    elif who == "anonymous":
        assert to_login, f"anonymous {method} {url}: expected a redirect to login, got {response.status_code}"
    else:
        assert response.status_code == 403, f"{who} {method} {url}: expected 403, got {response.status_code}"


def test_every_declared_endpoint_exists() -> None:
    """A stale entry in ACCESS (a renamed or removed route) is a mistake too."""
    present = {(endpoint, method) for endpoint, method, _rule in ROUTES}
    stale = [(e, m) for e, methods in ACCESS.items() for m in methods if (e, m) not in present]
    assert stale == [], f"ACCESS declares routes that no longer exist: {stale}"


def test_matrix_covers_at_least_the_foundation() -> None:
    endpoints = {endpoint for endpoint, _m, _r in ROUTES}
    assert {"auth.login", "auth.account", "admin.index", "admin.set_role", "site"} <= endpoints
