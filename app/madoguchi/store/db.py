"""Engine, sessions and migrations for SQLite (embedded) and PostgreSQL (shared).

The database is injectable (Vorta's ``init_db`` habit): code receives a
:class:`Database`, tests bind a temporary one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from madoguchi.errors import DatabaseTooNew, DatabaseUnavailable

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for every PostgreSQL URL; leave SQLite URLs alone."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def describe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is reported by the caller
        return "<invalid URL>"


def _on_sqlite_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI types
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001
        raise DatabaseUnavailable(
            f"データベースURLの書式が正しくありません: {url!r}。設定の database_url を確認してください。",
            f"the database URL is malformed: {url!r}. Check database_url in the settings.") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            from madoguchi.paths import ensure_dir

            file = Path(database)
            ensure_dir(file.parent)
            if not file.exists():  # created owner-only; SQLite gives its -wal/-shm files the same mode
                os.close(os.open(file, os.O_WRONLY | os.O_CREAT, 0o600))
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False})
        event.listen(engine, "connect", _on_sqlite_connect)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                               connect_args={"connect_timeout": 5})
    return engine


def unavailable_error(url: str, exc: BaseException) -> DatabaseUnavailable:
    where = describe_url(url)
    reason = exc.__class__.__name__
    return DatabaseUnavailable(
        f"データベース {where} に接続できません（{reason}）。ネットワークとデータベースサーバーが動いているか、"
        "設定の database_url が正しいかを確認してください。入力中のデータは失われていません。",
        f"cannot connect to the database {where} ({reason}). Check the network, that the database server "
        "is running and that database_url in the settings is right. Data being entered is not lost.")


class Database:
    """One database: its engine, a session factory and the migration entry point."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_postgresql(self) -> bool:
        return self.dialect == "postgresql"

    def describe(self) -> str:
        return describe_url(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction, committed on success, mapped errors on failure."""
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise unavailable_error(self.url, exc) from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise unavailable_error(self.url, exc) from exc
            raise

    def check_connection(self) -> None:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError) as exc:
            raise unavailable_error(self.url, exc) from exc

    def upgrade(self) -> None:
        """Apply every Alembic migration (all branches) up to the heads."""
        from alembic import command

        self.check_connection()
        self.refuse_newer()
        with self.engine.begin() as connection:
            config = alembic_config(self.url)
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")
        log.info("database migrated (%s)", self.dialect)

    def refuse_newer(self) -> None:
        """A database a newer Madoguchi migrated (a revision this version does not know) is refused
        untouched: an older version installed over a newer one must not write to it."""
        from alembic.script import ScriptDirectory

        from madoguchi import __version__

        known = {script.revision for script in ScriptDirectory.from_config(alembic_config(self.url)).walk_revisions()}
        unknown = sorted(self.current_revisions() - known)
        if unknown:
            where = describe_url(self.url)
            raise DatabaseTooNew(
                f"データベース {where} は、この Madoguchi（{__version__}）より新しい版で更新されています"
                f"（リビジョン {', '.join(unknown)}）。古い版では使えません。新しい版をインストールしてください。"
                "データは変更していません。",
                f"the database {where} was migrated by a newer Madoguchi than this one ({__version__}; revision "
                f"{', '.join(unknown)}). An older version cannot use it: install the newer version. "
                "Nothing in the database was changed.")

    def current_revisions(self) -> set[str]:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())

    def head_revisions(self) -> set[str]:
        from alembic.script import ScriptDirectory

        return set(ScriptDirectory.from_config(alembic_config(self.url)).get_heads())

    def is_up_to_date(self) -> bool:
        return self.current_revisions() == self.head_revisions()

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str):  # noqa: ANN201 - alembic type imported lazily
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def open_database(url: str, *, migrate: bool = True) -> Database:
    database = Database(url)
    if migrate:
        database.upgrade()
    return database
