"""The account and audit store on SQLite and on a real PostgreSQL server (POKJA_TEST_DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from flask_app.auth import LoginFailure, User, create_user, failures_left_minutes, valid_link
from flask_app.db import AuditEvent, audit, get_engine, get_session, session_scope, utcnow
from tests.flask.conftest import login


def test_tables_are_created_at_start(db_app):
    with db_app.app_context():
        tables = set(inspect(get_engine()).get_table_names())
    assert {"users", "password_links", "login_failures", "audit_events"} <= tables


def test_sqlite_default_lives_in_the_instance_folder_with_wal(make_app, tmp_path):
    app = make_app(DATABASE_URL="")
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'pokja.db'}"
    with app.app_context():
        with get_engine().connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        get_engine().dispose()
    assert (tmp_path / "instance" / "pokja.db").is_file()


def test_user_round_trip_and_unique_email(db_app):
    with db_app.app_context():
        user, path = create_user("Siti@Contoh.id", "pelatih", "Siti")
        assert path.startswith("/akun/sandi/")
        assert valid_link(path.rsplit("/", 1)[1]) is not None
        get_session().commit()
    with db_app.app_context():
        stored = get_session().scalar(select(User).where(User.email == "siti@contoh.id"))
        assert (stored.role, stored.name, stored.active) == ("pelatih", "Siti", True)
        assert stored.created_at.tzinfo is dt.UTC
        assert abs(stored.created_at - utcnow()) < dt.timedelta(minutes=1)
        with pytest.raises(IntegrityError), session_scope() as db:
            db.add(User(email="siti@contoh.id", role="anggota", created_at=utcnow()))
    assert user.id == stored.id


def test_session_scope_commits_or_rolls_back(db_app):
    with db_app.app_context():
        with session_scope() as db:
            db.add(User(email="a@contoh.id", role="anggota", created_at=utcnow()))
        with pytest.raises(RuntimeError), session_scope() as db:
            db.add(User(email="b@contoh.id", role="anggota", created_at=utcnow()))
            raise RuntimeError("batal")
        with session_scope() as db:
            assert db.scalars(select(User.email)).all() == ["a@contoh.id"]


def test_audit_events_record_actor_action_target(db_app):
    with db_app.app_context():
        with session_scope() as db:
            actor = User(email="admin@contoh.id", role="admin", created_at=utcnow())
            db.add(actor)
        audit(actor, "user_role", "x@contoh.id", "anggota -> pelatih")
        audit(None, "user_create", "y@contoh.id")
        events = get_session().scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.actor_id, e.action, e.target, e.detail) for e in events] == [
            (actor.id, "user_role", "x@contoh.id", "anggota -> pelatih"),
            (None, "user_create", "y@contoh.id", ""),
        ]
        assert events[0].at.tzinfo is dt.UTC


def test_session_scope_works_from_threads(db_app):
    errors: list[BaseException] = []

    def add(n: int) -> None:
        try:
            with db_app.app_context(), session_scope() as db:
                db.add(User(email=f"t{n}@contoh.id", role="anggota", created_at=utcnow()))
        except BaseException as exc:  # collected: a thread's exception must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with db_app.app_context(), session_scope() as db:
        assert db.scalar(select(func.count()).select_from(User)) == 8


def test_rate_limit_counts_failures_in_the_database(db_app):
    with db_app.app_context():
        with session_scope() as db:
            user = User(email="a@contoh.id", role="anggota", created_at=utcnow())
            db.add(user)
        client = db_app.test_client()
        for _ in range(5):
            login(client, "a@contoh.id", "salah-sekali-123")
        db = get_session()
        assert db.scalar(select(func.count()).select_from(LoginFailure)) == 5
        assert failures_left_minutes("a@contoh.id", "127.0.0.1", db) == 15
        # Counted per address from any client (many clients guessing one account), not per pair.
        assert failures_left_minutes("a@contoh.id", "10.0.0.9", db) == 15
        assert failures_left_minutes("b@contoh.id", "10.0.0.9", db) == 0
