"""``madoguchi db upgrade | status``."""

from __future__ import annotations

import argparse

from madoguchi.cli._common import open_configured_database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="database migrations",
                                   description="Apply or inspect the database migrations of the configured "
                                               "database (MADOGUCHI_DATABASE_URL overrides the setting).")
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = sub.add_parser("upgrade", help="apply every migration and seed the default services")
    upgrade.set_defaults(func=_upgrade)
    status = sub.add_parser("status", help="show the current and the latest revisions")
    status.set_defaults(func=_status)


def _upgrade(args: argparse.Namespace) -> int:
    database = open_configured_database(args)
    print(f"OK {database.describe()}: {', '.join(sorted(database.current_revisions()))}")
    database.dispose()
    return 0


def _status(args: argparse.Namespace) -> int:
    database = open_configured_database(args, migrate=False)
    database.check_connection()
    current, heads = database.current_revisions(), database.head_revisions()
    print(f"database: {database.describe()}")
    print(f"current:  {', '.join(sorted(current)) or '(empty)'}")
    print(f"latest:   {', '.join(sorted(heads))}")
    database.dispose()
    return 0 if current == heads else 1
