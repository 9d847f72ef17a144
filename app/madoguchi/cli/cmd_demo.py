"""``madoguchi demo`` and ``madoguchi app``: start the desktop app."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="start the desktop app on a throw-away demo database",
                                 description="Start the desktop app on a fresh demo database (embedded SQLite "
                                             "in the user's data directory, recreated at each start) with demo "
                                             "services, counters and accounts (clerk/clerk, supervisor/supervisor,"
                                             " admin/admin).")
    demo.set_defaults(func=lambda args: _run(demo=True))
    app = subparsers.add_parser("app", help="start the desktop app (the same as no subcommand)",
                                description="Start the desktop app on the configured database.")
    app.set_defaults(func=lambda args: _run(demo=False))


def _run(*, demo: bool) -> int:
    from madoguchi.ui.app import run_app

    return run_app(demo=demo)
