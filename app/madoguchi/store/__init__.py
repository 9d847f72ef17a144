"""Persistence: SQLAlchemy models, engine/session, Alembic migrations."""
