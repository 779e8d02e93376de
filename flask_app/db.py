"""Accounts, submissions and the audit log in one SQLAlchemy database (SQLite by default, PostgreSQL by URL).

The schema comes from the Alembic revisions in ``flask_app/migrations/versions`` (never from ``create_all``):
``upgrade()`` applies what is pending; ``init_app`` does so by itself only for a new, empty database.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Integer, MetaData, String, Text, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

EXTENSION = "pokja_db"
SQLITE_BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The modules that declare tables on Base: the migrations compare against all of them.
MODEL_MODULES = (
    "flask_app.auth",
    "flask_app.submissions",
    "flask_app.mail",
    "flask_app.notify",
    "flask_app.uploads",
    "flask_app.limits",
    "flask_app.jobs",
)
# The revision that matches the schema create_all made before migrations existed.
INITIAL_REVISION = "0001"
# Any key of the application's advisory locks on PostgreSQL: two nodes starting at once migrate one by one.
_PG_MIGRATION_LOCK = 7_310_001


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and read back timezone-aware, identically on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        """Normalise to naive UTC before storing."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use flask_app.db.utcnow()")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        """Attach UTC again on the way out."""
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of every table of the service."""


class AuditEvent(Base):
    """One administrative or moderation action: who did what to what, and when."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(255))
    detail: Mapped[str] = mapped_column(Text, default="")


def default_url(app: Flask) -> str:
    """The default database: SQLite in the instance folder."""
    return f"sqlite:///{Path(app.instance_path) / 'pokja.db'}"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys on every connection."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    # pool_pre_ping: a restarted PostgreSQL server must not break the next request.
    return create_engine(url, pool_pre_ping=True)


def model_metadata() -> MetaData:
    """The metadata of every table of the service (imports each model module)."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata


@lru_cache(maxsize=1)
def _scripts() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR))


def head_revision() -> str:
    """The newest revision in ``flask_app/migrations/versions``."""
    return _scripts().get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at; None when it has no ``alembic_version`` table (yet)."""
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Any:
    """An Alembic configuration on our migrations, for ``connection`` (or ``url``)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _has_tables(connection: Connection) -> bool:
    """Whether the database already holds tables of the service (made by create_all before migrations)."""
    names = set(inspect(connection).get_table_names())
    return bool(names & set(model_metadata().tables))


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Apply every pending revision up to ``revision``; returns (revision before, revision after).

    A database made by ``create_all`` before migrations (tables, no ``alembic_version``) is stamped at
    the first revision first, so its rows are kept and only later revisions run.
    """
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        before = current_revision(connection)
        config = alembic_config(connection)
        if before is None and _has_tables(connection):
            command.stamp(config, INITIAL_REVISION)
        if before != head_revision() or revision != "head":
            command.upgrade(config, revision)
        return before, current_revision(connection) or ""


def pending(engine: Engine) -> bool:
    """Whether the database is behind the newest revision."""
    with engine.connect() as connection:
        return current_revision(connection) != head_revision()


def init_app(app: Flask) -> None:
    """Create the engine for ``app`` (a new, empty database gets the schema) and close sessions at teardown."""
    url = app.config.get("DATABASE_URL") or default_url(app)
    app.config["DATABASE_URL"] = url
    engine = make_engine(url)
    with engine.connect() as connection:
        fresh = current_revision(connection) is None and not _has_tables(connection)
    if fresh:
        # Nothing to lose in an empty database: every new installation and every test starts at head.
        upgrade(engine)
    elif pending(engine):
        app.logger.warning("the database is behind the code: run `pokja db upgrade` (pokja serve does it)")
    app.extensions[EXTENSION] = {"engine": engine, "factory": sessionmaker(bind=engine, expire_on_commit=False)}

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        session = g.pop("_pokja_db_session", None)
        if session is not None:
            session.close()


def dispose(app: Flask) -> None:
    """Close every pooled connection of ``app``'s engine (end of a CLI command or a test)."""
    app.extensions[EXTENSION]["engine"].dispose()


def get_engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions[EXTENSION]["engine"]


def get_session() -> Session:
    """The session of the current request (or app context), created on first use and closed at teardown."""
    session = g.get("_pokja_db_session")
    if session is None:
        session = current_app.extensions[EXTENSION]["factory"]()
        g._pokja_db_session = session
    return session


@contextmanager
def session_scope() -> Iterator[Session]:
    """A separate session that commits on success and rolls back on error (CLI, threads inside an app context)."""
    session: Session = current_app.extensions[EXTENSION]["factory"]()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def audit(actor: Any, action: str, target: str, detail: str = "", session: Session | None = None) -> AuditEvent:
    """Record an action in the audit log (``actor`` is a User, a user id or None for the system); commits."""
    actor_id = getattr(actor, "id", actor)
    session = session or get_session()
    event_row = AuditEvent(actor_id=actor_id, action=action, target=str(target), detail=detail, at=utcnow())
    session.add(event_row)
    session.commit()
    return event_row
