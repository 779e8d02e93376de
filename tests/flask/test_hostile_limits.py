"""Login throttling per address and per client, counted atomically; rate limits on previews and submissions."""

from __future__ import annotations

import datetime as dt
import re
import threading

from sqlalchemy import func, select

from flask_app import auth
from flask_app.db import session_scope, utcnow
from flask_app.limits import LoginFailure, RateEvent
from tests.flask.conftest import DEFAULT_PASSWORD, csrf_from, login, sign_in
from tests.flask.test_contribute import post_form, text

PARALLEL = 40


def _counting(monkeypatch) -> list[str]:
    """Record every password actually tested (thread-safe append)."""
    tested: list[str] = []
    real = auth._password_matches

    def counted(user, password):
        tested.append(password)
        return real(user, password)

    monkeypatch.setattr(auth, "_password_matches", counted)
    return tested


def _parallel_logins(app, attempts: list[tuple[str, str]]) -> list[int]:
    """Post every (email, client address) at once from its own client; the status codes."""
    clients = []
    for _email, _ip in attempts:
        client = app.test_client()
        clients.append((client, csrf_from(client.get("/akun/masuk").get_data(as_text=True))))
    barrier = threading.Barrier(len(attempts))
    statuses: list[int] = []

    def attempt(n: int) -> None:
        client, token = clients[n]
        email, ip = attempts[n]
        barrier.wait(timeout=60)
        response = client.post(
            "/akun/masuk",
            data={"email": email, "password": "salah-sekali-123", "csrf_token": token},
            environ_base={"REMOTE_ADDR": ip},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == len(attempts)
    return statuses


def test_forty_parallel_wrong_attempts_never_test_more_than_the_limit(db_app, monkeypatch):
    from flask_app.auth import User
    from tests.flask.conftest import password_hash

    app = db_app  # SQLite, then PostgreSQL (whose concurrent transactions do not serialise by themselves)
    with app.app_context(), session_scope() as db:
        user = User(email="korban@contoh.id", name="Korban", role="anggota", active=True, created_at=utcnow())
        user.password_hash = password_hash(DEFAULT_PASSWORD)
        db.add(user)
    tested = _counting(monkeypatch)
    # Forty clients at once, each from its own address: the limit of the account holds.
    statuses = _parallel_logins(app, [("korban@contoh.id", f"10.0.0.{n}") for n in range(PARALLEL)])
    assert len(tested) <= 5, len(tested)
    assert statuses.count(429) >= PARALLEL - 5
    assert set(statuses) <= {401, 429}
    # In-flight attempts count as failures, so the burst may test fewer than five; never more, in all.
    later = app.test_client()
    while login(later, "korban@contoh.id", "salah-lagi-1234").status_code == 401:
        assert len(tested) <= 5
    assert len(tested) == 5
    right = login(app.test_client(), "korban@contoh.id", DEFAULT_PASSWORD)
    assert right.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit." in text(right)


def test_one_client_guessing_many_accounts_is_throttled_per_client(app, make_user, monkeypatch):
    tested = _counting(monkeypatch)
    statuses = _parallel_logins(app, [(f"akun{n}@contoh.id", "192.0.2.7") for n in range(30)])
    assert len(tested) <= 20, len(tested)
    assert statuses.count(429) >= 10
    # Another client is not held by that one's failures.
    make_user("anggota", email="lain@contoh.id")
    other = app.test_client()
    token = csrf_from(other.get("/akun/masuk").get_data(as_text=True))
    ok = other.post(
        "/akun/masuk",
        data={"email": "lain@contoh.id", "password": DEFAULT_PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "198.51.100.1"},
    )
    assert ok.status_code == 302


def test_old_login_attempts_are_purged(app, make_user):
    make_user("anggota", email="a@contoh.id")
    client = app.test_client()
    for _ in range(3):
        login(client, "a@contoh.id", "salah-sekali-123")
    with app.app_context(), session_scope() as db:
        for row in db.scalars(select(LoginFailure)):
            row.at = utcnow() - dt.timedelta(minutes=16)
    login(client, "a@contoh.id", "salah-sekali-123")
    with app.app_context(), session_scope() as db:
        assert db.scalar(select(func.count()).select_from(LoginFailure)) == 1  # the three old rows are gone


def test_previews_are_limited_per_account_and_the_message_says_when(make_app, make_user):
    app = make_app(PREVIEWS_PER_HOUR=3)

    with app.app_context(), session_scope() as db:
        from flask_app.auth import User

        users = [User(email=f"p{n}@contoh.id", name=f"Uji {n}", role="anggota", created_at=utcnow()) for n in (1, 2)]
        for user in users:
            user.password_hash = "x"
        db.add_all(users)
        db.flush()
        for user in users:
            db.expunge(user)
    client = sign_in(app.test_client(), users[0])
    for _ in range(3):
        assert post_form(client, action="preview").status_code == 200
    refused = post_form(client, action="preview")
    assert refused.status_code == 429
    page = text(refused)
    assert "Terlalu banyak pratinjau: batasnya 3 per jam. Coba lagi dalam 60 menit" in page
    assert "Pelajaran dari bedah rumah swadaya" in page  # what was typed stays
    # Another account is not limited by the first one's previews.
    assert post_form(sign_in(app.test_client(), users[1]), action="preview").status_code == 200
    # The limit lifts an hour after the oldest counted preview.
    with app.app_context(), session_scope() as db:
        oldest = db.scalars(select(RateEvent).where(RateEvent.user_id == users[0].id).order_by(RateEvent.at)).first()
        oldest.at = utcnow() - dt.timedelta(minutes=61)
    assert post_form(client, action="preview").status_code == 200


def test_submissions_are_limited_per_account_but_a_replayed_form_is_not_counted(make_app):
    app = make_app(SUBMISSIONS_PER_HOUR=2)
    with app.app_context(), session_scope() as db:
        from flask_app.auth import User

        user = User(email="k@contoh.id", name="Uji Kirim", role="anggota", created_at=utcnow(), password_hash="x")
        db.add(user)
        db.flush()
        db.expunge(user)
    client = sign_in(app.test_client(), user)
    first = post_form(client, title="Kiriman pertama")
    assert first.status_code == 303
    assert post_form(client, title="Kiriman kedua").status_code == 303
    third = post_form(client, title="Kiriman ketiga")
    assert third.status_code == 429
    assert "Terlalu banyak kiriman: batasnya 2 per jam. Coba lagi dalam" in text(third)
    from flask_app.submissions import Submission

    with app.app_context(), session_scope() as db:
        assert sorted(db.scalars(select(Submission.data["title"].as_string()))) == ["Kiriman kedua", "Kiriman pertama"]
        token = db.scalars(select(Submission.form_token)).first()
    # A double click on an already stored form finds its row, limit or not.
    replay = post_form(client, form_token=token, title="Kiriman pertama")
    assert replay.status_code == 303 and re.search(r"again=1", replay.headers["Location"])
