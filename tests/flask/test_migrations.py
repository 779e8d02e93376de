"""Alembic migrations: a fresh database starts at head, rows survive an upgrade, old create_all databases are
recognised, and the models never drift from the migrated schema (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from flask_app.auth import User
from flask_app.cli import main
from flask_app.db import (
    INITIAL_REVISION,
    AuditEvent,
    alembic_config,
    dispose,
    get_engine,
    get_session,
    head_revision,
    make_engine,
    model_metadata,
    upgrade,
)
from flask_app.submissions import Submission
from tests.flask.conftest import login, password_hash

NOW = "2026-11-30 08:00:00"


def _revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _write_rows(engine: sa.Engine) -> None:
    """Rows in every kind of table, written with SQL as an installation at that revision holds them."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO users (id, email, name, role, password_hash, active, created_at, session_version)"
                " VALUES (7, 'lama@contoh.id', 'Lama', 'moderator', :hash, :yes, :now, 0)"
            ),
            {"hash": password_hash("kata-sandi-uji-123"), "yes": True, "now": NOW},
        )
        conn.execute(
            sa.text(
                "INSERT INTO submissions (id, type, status, data, body, author_id, reasons, created_at,"
                " updated_at, form_token, revision)"
                " VALUES (3, 'pembelajaran', 'diajukan', :data, 'Isi lama.', 7, '', :now, :now, 'tok-lama', 1)"
            ),
            {"data": json.dumps({"title": "Pelajaran lama"}), "now": NOW},
        )
        conn.execute(
            sa.text("INSERT INTO audit_events (at, actor_id, action, target, detail) VALUES (:now, 7, 'x', 'y', '')"),
            {"now": NOW},
        )


def _assert_rows_through_the_app(app) -> None:
    with app.app_context():
        db = get_session()
        user = db.get(User, 7)
        assert (user.email, user.role, user.created_at) == (
            "lama@contoh.id",
            "moderator",
            dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC),
        )
        submission = db.get(Submission, 3)
        assert (submission.title, submission.author_id, submission.body) == ("Pelajaran lama", 7, "Isi lama.")
        assert [(e.actor_id, e.action) for e in db.scalars(select(AuditEvent))] == [(7, "x")]
    assert login(app.test_client(), "lama@contoh.id").status_code == 302


def test_a_new_database_starts_at_the_newest_revision(db_app):
    with db_app.app_context():
        assert _revision(get_engine()) == head_revision()
        assert upgrade(get_engine()) == (head_revision(), head_revision())


def test_rows_written_at_the_first_revision_survive_the_upgrade(make_app, db_url):
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), INITIAL_REVISION)
        _write_rows(engine)
        assert upgrade(engine) == (INITIAL_REVISION, head_revision())
    finally:
        engine.dispose()
    app = make_app(DATABASE_URL=db_url)
    try:
        _assert_rows_through_the_app(app)
    finally:
        dispose(app)


# The tables create_all made before migrations existed (revision 0001); later revisions add their own.
TABLES_OF_0001 = (
    "audit_events",
    "login_failures",
    "users",
    "password_links",
    "submissions",
    "submission_attachments",
    "submission_events",
)
# Indexes later revisions added to those tables (0005_hostile: login attempts counted per client and purged).
INDEXES_AFTER_0001 = ("ix_login_failures_ip", "ix_login_failures_at")


def _create_all_of_0001(engine):
    """What create_all made back then: only the tables of revision 0001, not those of later revisions."""
    metadata = model_metadata()
    model_metadata().create_all(engine, tables=[metadata.tables[name] for name in TABLES_OF_0001])
    with engine.begin() as conn:
        for index in INDEXES_AFTER_0001:  # today's models index these tables further than 0001 did
            conn.execute(sa.text(f"DROP INDEX IF EXISTS {index}"))


def test_a_database_made_by_create_all_is_stamped_and_keeps_its_rows(make_app, db_url, caplog):
    engine = make_engine(db_url)
    try:
        _create_all_of_0001(engine)
        _write_rows(engine)
    finally:
        engine.dispose()
    app = make_app(DATABASE_URL=db_url)
    try:
        with app.app_context():
            # create_app leaves an existing database alone and says what to run.
            assert _revision(get_engine()) is None
            assert "pokja db upgrade" in caplog.text
            assert upgrade(get_engine()) == (None, head_revision())
            assert _revision(get_engine()) == head_revision()
        _assert_rows_through_the_app(app)
    finally:
        dispose(app)


def test_the_migrated_schema_matches_the_models(db_app):
    with db_app.app_context(), get_engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), model_metadata())
    assert diff == [], "a model changed without a migration: add a revision in flask_app/migrations/versions"


def test_pokja_db_upgrade_upgrades_an_old_database_then_reports_it_current(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'lama.db'}"
    engine = make_engine(url)
    _create_all_of_0001(engine)
    engine.dispose()
    monkeypatch.setenv("POKJA_DATABASE_URL", url)
    monkeypatch.setenv("POKJA_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("POKJA_SECRET_KEY", "rahasia-uji")
    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Basis data: {url}",
        f"Basis data dimutakhirkan dari revisi kosong ke {head_revision()}.",
    ]
    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"Basis data sudah pada revisi terbaru {head_revision()}."
