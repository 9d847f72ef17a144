"""``madoguchi purge [--all]``: delete visit data past the retention.

Without ``--all`` it deletes only what the retention setting says has expired — what the
app's own automatic purge does — so it needs no sign-in and can run as a scheduled task.
``--all`` also deletes data still in its hold (e.g. before handing the PC over) and needs a
supervisor or admin (``--user``).
"""

from __future__ import annotations

import argparse

from madoguchi.cli._common import language_for, open_configured_database, settings_for
from madoguchi.cli.cmd_users import add_login_argument, signed_in_user


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("purge", help="delete visit data past the retention",
                                   description="Delete drafts, packets, temporary files and database rows of "
                                               "visits past the retention (setting retention). --all deletes "
                                               "everything of every visit and needs a supervisor or admin.")
    parser.add_argument("--all", dest="everything", action="store_true",
                        help="also delete data still in its hold (supervisor/admin, --user)")
    add_login_argument(parser)
    parser.set_defaults(func=_purge)


def _purge(args: argparse.Namespace) -> int:
    from madoguchi.privacy import users
    from madoguchi.privacy.retention import purge_and_audit

    settings = settings_for(args)
    database = open_configured_database(args)
    try:
        if args.everything or args.user:
            actor = signed_in_user(args, database, "cli.purge").login
        else:
            actor = users.current_os_user() or "system"
        report = purge_and_audit(database, settings, actor, everything=args.everything)
        print(report.summary(language_for(args)))
        return 0 if not report.errors else 1
    finally:
        database.dispose()
