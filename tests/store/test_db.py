"""The same database code on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from madoguchi.errors import DatabaseTooNew, DatabaseUnavailable
from madoguchi.seed import DEFAULT_SERVICES, seed_defaults, seed_demo
from madoguchi.store.db import Database, describe_url, normalise_url, open_database
from madoguchi.store.models import Branch, Counter, CounterService, Service, StaffUser


def test_migrations_create_every_table_and_are_idempotent(database_url: str) -> None:
    database = open_database(database_url)
    tables = set(database.table_names())
    assert {"branch", "service", "counter", "counter_service", "staff_user", "alembic_version"} <= tables
    assert database.is_up_to_date()
    database.upgrade()  # a second upgrade changes nothing
    assert database.is_up_to_date()
    database.dispose()


def test_defaults_are_seeded_once(database: Database) -> None:
    seed_defaults(database)
    with database.session() as session:
        prefixes = list(session.scalars(select(Service.prefix).order_by(Service.sort_order)))
        assert prefixes == [s.prefix for s in DEFAULT_SERVICES]
        assert prefixes[0] == "A"
        assert session.scalar(select(Service.name).where(Service.prefix == "A")) == "住民異動"
        assert session.get(Branch, "honcho").name == "本庁舎"


def test_demo_seed_has_counters_covering_every_service_and_accounts(database: Database) -> None:
    seed_demo(database)
    seed_demo(database)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Counter)) == 5
        covered = set(session.scalars(select(CounterService.service_id)))
        assert covered == set(session.scalars(select(Service.id)))
        roles = dict(session.execute(select(StaffUser.login, StaffUser.role)).all())
        assert roles == {"clerk": "clerk", "supervisor": "supervisor", "admin": "admin"}
        hashes = list(session.scalars(select(StaffUser.password_hash)))
        assert all(h.startswith("$argon2") for h in hashes)


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(Exception) as info, database.session() as session:
        session.add(Counter(branch_id="no-such-branch", number=99))
    assert "foreign" in str(info.value).lower() or "FOREIGN" in str(info.value)


def test_concurrent_writers_do_not_lose_rows(database: Database) -> None:
    def add_branches(worker: int) -> None:
        for index in range(10):
            with database.session() as session:
                session.add(Branch(id=f"b{worker}-{index}", name=f"出張所{worker}-{index}"))

    threads = [threading.Thread(target=add_branches, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Branch).where(Branch.id.like("b%"))) == 40


def test_sqlite_pragmas(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
    database.dispose()


def test_unreachable_postgresql_raises_a_clear_error() -> None:
    database = Database("postgresql://madoguchi:pw@127.0.0.1:9/nothing")
    with pytest.raises(DatabaseUnavailable) as info:
        database.upgrade()
    assert "127.0.0.1:9" in info.value.message_ja
    assert "pw" not in info.value.message_ja.replace("password", "")
    assert "Check the network" in info.value.message_en


def test_url_helpers() -> None:
    assert normalise_url("postgres://a@h/db") == "postgresql+psycopg://a@h/db"
    assert normalise_url("postgresql://a@h/db") == "postgresql+psycopg://a@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
    assert "secret" not in describe_url("postgresql+psycopg://u:secret@h/db")


@pytest.mark.postgres
def test_server_that_goes_away_is_reported_and_recovers(postgres_server, postgres_url: str) -> None:
    database = open_database(postgres_url)
    seed_defaults(database)
    postgres_server.stop("immediate")
    try:
        with pytest.raises(DatabaseUnavailable), database.session() as session:
            session.scalar(select(func.count()).select_from(Service))
    finally:
        postgres_server.restart()
    with database.session() as session:  # pool_pre_ping reconnects by itself
        assert session.scalar(select(func.count()).select_from(Service)) == len(DEFAULT_SERVICES)
    database.dispose()


def test_a_database_migrated_by_a_newer_version_is_refused_untouched(database_url: str) -> None:
    """An older Madoguchi installed over a newer one (a downgrade) must not write to its database."""
    from sqlalchemy import text

    database = open_database(database_url)
    seed_defaults(database)
    with database.engine.begin() as connection:
        services = connection.execute(text("SELECT count(*) FROM service")).scalar_one()
        # what a newer version's migration leaves behind: a head this version does not know
        connection.execute(text("UPDATE alembic_version SET version_num = 'f0f0_from_the_future' "
                                "WHERE version_num = (SELECT min(version_num) FROM alembic_version)"))
    database.dispose()
    with pytest.raises(DatabaseTooNew) as raised:
        open_database(database_url)
    assert "f0f0_from_the_future" in raised.value.message_en and "newer" in raised.value.message_en
    assert "新しい版" in raised.value.message_ja
    again = Database(database_url)
    with again.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM service")).scalar_one() == services
        assert "f0f0_from_the_future" in {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}
    again.dispose()
