"""Alembic's environment: the models' metadata, and the connection the service hands over (or the settings' URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from flask_app.db import make_engine, model_metadata

config = context.config
target_metadata = model_metadata()


def _configure(connection: Connection) -> None:
    # Batch mode: SQLite can only alter a table by copying it; Alembic does that for us.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    from flask_app import settings

    return config.get_main_option("sqlalchemy.url") or settings.resolve()["DATABASE_URL"]


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    _configure(config.attributes["connection"])
else:
    engine = make_engine(_url())
    try:
        with engine.begin() as connection:
            _configure(connection)
    finally:
        engine.dispose()
