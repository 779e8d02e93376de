"""Issue #13, Why 8: sessions end at logout, one-time links are used once and a new one revokes the old."""

from __future__ import annotations

import threading

from sqlalchemy import select

from flask_app.auth import PasswordLink, User, create_user, issue_password_link
from flask_app.db import session_scope
from tests.flask.conftest import csrf_from, login

INVALID = "Tautan ini tidak berlaku: sudah dipakai, kedaluwarsa, atau salah."


def test_a_cookie_copied_before_logout_fails_after_it(app, client, make_user):
    make_user("anggota", email="siti@contoh.id")
    assert login(client, "siti@contoh.id").status_code == 302
    copy = app.test_client()
    with client.session_transaction() as source, copy.session_transaction() as target:
        target.update(dict(source))
    assert copy.get("/akun").status_code == 200
    token = csrf_from(client.get("/akun").get_data(as_text=True))
    assert client.post("/akun/keluar", data={"csrf_token": token}).status_code == 302
    after = copy.get("/akun")
    assert after.status_code == 302 and after.headers["Location"].startswith("/akun/masuk")


def test_six_concurrent_uses_of_one_link_give_one_success(app):
    with app.app_context():
        _user, path = create_user("baru@contoh.id", "anggota", "Budi")
    clients = [app.test_client() for _ in range(6)]
    tokens = [csrf_from(c.get(path).get_data(as_text=True)) for c in clients]
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def use(n: int) -> None:
        barrier.wait()
        data = {"password": f"sandi-baru-{n}00", "password2": f"sandi-baru-{n}00", "csrf_token": tokens[n]}
        statuses.append(clients[n].post(path, data=data).status_code)

    threads = [threading.Thread(target=use, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [302] + [400] * 5
    with app.app_context(), session_scope() as db:
        assert db.scalar(select(User).where(User.email == "baru@contoh.id")).session_version == 1


def test_a_new_link_revokes_the_older_ones(app, client):
    with app.app_context():
        user, first = create_user("lupa@contoh.id", "anggota", "Lupa")
        with session_scope() as db:
            second = issue_password_link(db.get(User, user.id), db)
            assert len(db.scalars(select(PasswordLink).where(PasswordLink.used_at.is_(None))).all()) == 1
    old = client.get(first)
    assert old.status_code == 400 and INVALID in old.get_data(as_text=True)
    assert client.get(second).status_code == 200
