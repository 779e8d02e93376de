"""Accounts, submissions and the audit log in one SQLAlchemy database (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Integer, String, Text, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

EXTENSION = "pokja_db"
SQLITE_BUSY_TIMEOUT_MS = 10_000


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


def init_app(app: Flask) -> None:
    """Create the engine and the tables for ``app`` and close the request's session at teardown."""
    url = app.config.get("DATABASE_URL") or default_url(app)
    app.config["DATABASE_URL"] = url
    engine = make_engine(url)
    Base.metadata.create_all(engine)
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
