"""Login, logout, rate limit, disabled accounts, one-time links, fresh login, cookie flags."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import select

from flask_app.auth import PasswordLink, User, create_user
from flask_app.db import dispose, get_session, session_scope, utcnow
from tests.flask.conftest import DEFAULT_PASSWORD, csrf_from, fetch_csrf, login, password_hash, sign_in


def page(response) -> str:
    return response.get_data(as_text=True)


def test_login_then_account_page_then_logout(client, make_user):
    user = make_user("anggota", email="siti@contoh.id")
    response = login(client, "Siti@Contoh.id ", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    account = client.get("/akun")
    assert account.status_code == 200
    assert "siti@contoh.id" in page(account)
    assert "Selamat datang, Uji anggota." in page(account)
    token = csrf_from(page(account))
    out = client.post("/akun/keluar", data={"csrf_token": token})
    assert out.status_code == 302
    after = client.get("/akun")
    assert after.status_code == 302
    assert after.headers["Location"].startswith("/akun/masuk?next=/akun")
    assert user.id


def test_login_returns_to_next_but_never_off_site(client, make_user):
    make_user("anggota", email="a@contoh.id")
    token = fetch_csrf(client)
    data = {"email": "a@contoh.id", "password": DEFAULT_PASSWORD, "csrf_token": token, "next": "/akun"}
    assert client.post("/akun/masuk", data=data).headers["Location"] == "/akun"
    other = make_user("anggota", email="b@contoh.id")
    fresh = client.application.test_client()
    for evil in ("https://jahat.example/", "//jahat.example/", "/\\jahat.example"):
        # A login starts a new session, so every attempt needs a freshly fetched token.
        token = fetch_csrf(fresh)
        data = {"email": other.email, "password": DEFAULT_PASSWORD, "csrf_token": token, "next": evil}
        assert fresh.post("/akun/masuk", data=data).headers["Location"] == "/"


def test_wrong_password_message(client, make_user):
    make_user("anggota", email="a@contoh.id")
    response = login(client, "a@contoh.id", "salah-sekali-123")
    assert response.status_code == 401
    assert "Surel atau kata sandi salah." in page(response)
    unknown = login(client, "tidak-ada@contoh.id", "apa-saja-1234")
    assert "Surel atau kata sandi salah." in page(unknown)
    assert client.get("/akun").status_code == 302


def test_rate_limit_after_five_failures_blocks_even_the_right_password(client, make_user):
    make_user("anggota", email="a@contoh.id")
    for _ in range(4):
        assert login(client, "a@contoh.id", "salah-sekali-123").status_code == 401
    fifth = login(client, "a@contoh.id", "salah-sekali-123")
    assert fifth.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit." in page(fifth)
    right = login(client, "a@contoh.id", DEFAULT_PASSWORD)
    assert right.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal." in page(right)
    assert client.get("/akun").status_code == 302


def test_rate_limit_is_per_email_and_lifts_after_the_window(app, client, make_user):
    from flask_app.auth import LoginFailure

    make_user("anggota", email="a@contoh.id")
    make_user("anggota", email="b@contoh.id")
    for _ in range(5):
        login(client, "a@contoh.id", "salah-sekali-123")
    assert login(client, "b@contoh.id", DEFAULT_PASSWORD).status_code == 302
    with app.app_context():
        db = get_session()
        for failure in db.scalars(select(LoginFailure)):
            failure.at = utcnow() - dt.timedelta(minutes=16)
        db.commit()
    other = app.test_client()
    assert login(other, "a@contoh.id", DEFAULT_PASSWORD).status_code == 302


def test_disabled_account_cannot_log_in_and_its_session_stops(app, client, make_user):
    user = make_user("moderator", email="m@contoh.id")
    assert login(client, "m@contoh.id").status_code == 302
    assert client.get("/akun").status_code == 200
    with app.app_context():
        db = get_session()
        db.get(User, user.id).active = False
        db.commit()
    assert client.get("/akun").status_code == 302
    again = login(app.test_client(), "m@contoh.id")
    assert again.status_code == 403
    assert "Akun ini dinonaktifkan. Hubungi admin Pokja." in page(again)


def test_set_password_link_is_single_use(app, client):
    with app.app_context():
        user, path = create_user("baru@contoh.id", "pelatih", "Budi")
    assert path.startswith("/akun/sandi/")
    # No password yet: the account cannot log in.
    assert login(client, "baru@contoh.id", "apa-saja-1234").status_code == 401
    form = client.get(path)
    assert form.status_code == 200
    token = csrf_from(page(form))
    short = client.post(path, data={"password": "pendek", "password2": "pendek", "csrf_token": token})
    assert short.status_code == 400
    assert "Kata sandi minimal 10 karakter." in page(short)
    differ = client.post(path, data={"password": "sandi-baru-123", "password2": "sandi-baru-124", "csrf_token": token})
    assert "Kedua kata sandi tidak sama." in page(differ)
    done = client.post(path, data={"password": "sandi-baru-123", "password2": "sandi-baru-123", "csrf_token": token})
    assert done.status_code == 302
    assert done.headers["Location"] == "/akun/masuk"
    reuse = client.get(path)
    assert reuse.status_code == 400
    assert "Tautan ini tidak berlaku: sudah dipakai, kedaluwarsa, atau salah." in page(reuse)
    assert login(client, "baru@contoh.id", "sandi-baru-123").status_code == 302
    assert user.email == "baru@contoh.id"


def test_set_password_link_expires(app, client):
    with app.app_context():
        _user, path = create_user("lama@contoh.id", "anggota")
        db = get_session()
        link = db.scalar(select(PasswordLink))
        link.expires_at = utcnow() - dt.timedelta(seconds=1)
        db.commit()
    expired = client.get(path)
    assert expired.status_code == 400
    assert "Tautan ini tidak berlaku" in page(expired)
    assert client.get("/akun/sandi/tebakan-acak").status_code == 400


def test_create_user_refuses_bad_input(app):
    with app.app_context():
        create_user("ada@contoh.id", "anggota")
        cases = [
            (("bukan-surel", "anggota"), "Alamat surel 'bukan-surel' tidak sah."),
            (
                ("x@contoh.id", "raja"),
                "Peran 'raja' tidak dikenal; pilih salah satu: anggota, pelatih, sekretariat, moderator, admin.",
            ),
            (("ADA@contoh.id", "anggota"), "Akun dengan surel ada@contoh.id sudah ada."),
        ]
        for args, message in cases:
            try:
                create_user(*args)
            except ValueError as exc:
                assert str(exc) == message
            else:
                raise AssertionError(f"{args} accepted")


def test_fresh_login_required_for_admin_pages(client, make_user):
    admin = make_user("admin")
    sign_in(client, admin, login_at=time.time() - 901)
    stale = client.get("/admin/")
    assert stale.status_code == 302
    assert stale.headers["Location"].startswith("/akun/masuk?next=/admin/")
    assert "Untuk tindakan ini, masuk lagi dengan kata sandi Anda." in page(client.get("/akun/masuk"))
    # The ordinary account page does not need a fresh login.
    assert client.get("/akun").status_code == 200
    assert login(client, admin.email).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_password_change_ends_other_sessions(app, make_user):
    user = make_user("anggota", email="a@contoh.id")
    first, second = app.test_client(), app.test_client()
    login(first, user.email)
    login(second, user.email)
    token = csrf_from(page(first.get("/akun")))
    data = {"current_password": "salah-salah-12", "password": "sandi-baru-123", "password2": "sandi-baru-123"}
    wrong = first.post("/akun", data={**data, "csrf_token": token})
    assert "Kata sandi sekarang salah." in page(wrong)
    data["current_password"] = DEFAULT_PASSWORD
    changed = first.post("/akun", data={**data, "csrf_token": token})
    assert changed.status_code == 302
    assert first.get("/akun").status_code == 200
    assert second.get("/akun").status_code == 302


def test_session_cookie_flags(app, make_user):
    make_user("anggota", email="a@contoh.id")
    client = app.test_client()
    response = login(client, "a@contoh.id")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("pokja_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_secure_cookie_flag_from_config(make_app, make_user):
    app = make_app(SECURE_COOKIES=True)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/akun/masuk")
    assert "; Secure" in response.headers["Set-Cookie"]


def test_english_through_lang_parameter_is_remembered(client):
    english = client.get("/akun/masuk?lang=en")
    assert "<h1>Log in</h1>" in page(english)
    assert '<html lang="en">' in page(english)
    assert "<h1>Log in</h1>" in page(client.get("/akun/masuk"))
    assert "<h1>Masuk</h1>" in page(client.get("/akun/masuk?lang=id"))


def test_login_limits_come_from_the_settings(make_app, make_user):
    app = make_app(LOGIN_MAX_FAILURES=2, LOGIN_FAILURE_MINUTES=30)
    client = app.test_client()
    with app.app_context(), session_scope() as db:
        db.add(
            User(
                email="a@contoh.id", role="anggota", created_at=utcnow(), password_hash=password_hash(DEFAULT_PASSWORD)
            )
        )
    assert login(client, "a@contoh.id", "salah-sekali-123").status_code == 401
    second = login(client, "a@contoh.id", "salah-sekali-123")
    assert second.status_code == 429
    assert "Coba lagi dalam 30 menit." in page(second)
    dispose(app)


def test_fresh_login_age_comes_from_the_settings(make_app):
    app = make_app(FRESH_LOGIN_SECONDS=60)
    with app.app_context(), session_scope() as db:
        admin = User(
            email="admin@contoh.id", role="admin", created_at=utcnow(), password_hash=password_hash(DEFAULT_PASSWORD)
        )
        db.add(admin)
        db.flush()
        db.expunge(admin)
    assert sign_in(app.test_client(), admin, login_at=time.time() - 120).get("/admin/").status_code == 302
    assert sign_in(app.test_client(), admin, login_at=time.time() - 30).get("/admin/").status_code == 200
    dispose(app)


def test_the_session_holds_the_account_and_its_version_and_survives_the_own_password_change(app, make_user):
    admin = make_user("admin", email="admin@contoh.id")
    client = app.test_client()
    login(client, admin.email)
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{admin.id}:0"
        login_at = session["login_at"]
    data = {"current_password": DEFAULT_PASSWORD, "password": "sandi-baru-123", "password2": "sandi-baru-123"}
    token = csrf_from(page(client.get("/akun")))
    assert client.post("/akun", data={**data, "csrf_token": token}).status_code == 302
    with client.session_transaction() as session:
        assert (session["_user_id"], session["login_at"]) == (f"{admin.id}:1", login_at)
    # Still the same, still fresh login: the admin pages open without asking for the password again.
    assert client.get("/admin/").status_code == 200


def test_a_session_of_an_unknown_form_is_anonymous_and_cleared(app, make_user):
    user = make_user("anggota")
    client = sign_in(app.test_client(), user)
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:x"
    assert client.get("/akun").status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session
        assert "login_at" not in session
