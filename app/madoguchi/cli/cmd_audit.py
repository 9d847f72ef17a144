"""``madoguchi audit verify | export --from --to``: the audit chain (admin only)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from madoguchi.cli._common import language_for, open_configured_database, settings_for
from madoguchi.cli.cmd_users import add_login_argument, signed_in_user
from madoguchi.errors import InputError


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (yyyy-mm-dd): {text!r}") from exc


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("audit", help="verify or export the audit log (admin)",
                                   description="Check the audit log's hash chain or export it as CSV for the "
                                               "ward's auditors. Needs an admin (--user, or the OS-user mapping).")
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser("verify", help="check that no row was edited or deleted (exit 1 if one was)")
    add_login_argument(verify)
    verify.set_defaults(func=_verify)
    export = sub.add_parser("export", help="write the rows of a date range as CSV")
    export.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD", help="first day (local time)")
    export.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD", help="last day, inclusive")
    export.add_argument("-o", "--output", type=Path, help="CSV file (UTF-8 with BOM); default: standard output")
    add_login_argument(export)
    export.set_defaults(func=_export)
    rotate = sub.add_parser("rotate-key", help="start signing with a new audit key (older rows keep verifying)")
    add_login_argument(rotate)
    rotate.set_defaults(func=_rotate)


def _verify(args: argparse.Namespace) -> int:
    from madoguchi.privacy.audit import Action, AuditLog

    database = open_configured_database(args)
    try:
        user = signed_in_user(args, database, "cli.audit")
        log = AuditLog(database, settings_for(args))
        result = log.verify()
        log.record(user.login, Action.AUDIT_VERIFIED, detail_ids={"rows": result.rows, "ok": result.ok})
        print(result.summary(language_for(args)))
        return 0 if result.ok else 1
    finally:
        database.dispose()


def _export(args: argparse.Namespace) -> int:
    from madoguchi.privacy.audit import Action, AuditLog

    if args.start and args.end and args.start > args.end:
        raise InputError("--from が --to より後です。", "--from is after --to.")
    database = open_configured_database(args)
    try:
        user = signed_in_user(args, database, "cli.audit")
        log = AuditLog(database, settings_for(args))
        if args.output:
            count = log.export_csv_file(args.output, args.start, args.end)
            print(f"OK {count} rows → {args.output}", file=sys.stderr)
        else:
            count = log.export_csv(sys.stdout, args.start, args.end)
        log.record(user.login, Action.EXPORT, detail_ids={"what": "audit_csv", "rows": count})
        return 0
    finally:
        database.dispose()


def _rotate(args: argparse.Namespace) -> int:
    from madoguchi.privacy.audit import AuditLog

    database = open_configured_database(args)
    try:
        user = signed_in_user(args, database, "cli.audit")
        key_id = AuditLog(database, settings_for(args)).rotate_key(user.login)
        print(f"OK audit key {key_id}")
        return 0
    finally:
        database.dispose()
