"""Alembic migrations of the service database: ``env.py`` and one revision per schema change in ``versions/``."""
