"""``madoguchi config show | set KEY VALUE | path``.

Machine-wide settings (everything but the display preferences in ``config.DISPLAY_KEYS``)
change only with an admin's sign-in (``--user``, or the OS-user mapping) and leave an audit
row naming the key (never the value). While no admin exists yet (first start, the installer)
no sign-in is needed. When the configured database cannot be reached, an OS administrator
(root / an elevated prompt) may still change ``database_url`` — the rescue path — and that
change is written to the audit anchor and the system log instead.
``config show`` never prints a password.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from madoguchi import config, paths
from madoguchi.cli._common import language_for, open_configured_database, print_problems, settings_for
from madoguchi.cli.cmd_users import add_login_argument, signed_in_user
from madoguchi.errors import DatabaseUnavailable, PermissionDenied

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("config", help="show or change this PC's settings",
                                   description="Show or change this PC's settings (TOML file; "
                                               "MADOGUCHI_<KEY> environment variables override it).")
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    show = sub.add_parser("show", help="print every setting and where it came from (passwords masked)")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(func=_show)
    setter = sub.add_parser("set", help="set one setting in the settings file (admin, --user)",
                            description="Set one setting. All but language, large_text and high_contrast "
                                        "need an admin (--user, or the OS-user mapping) and are audited.")
    setter.add_argument("key", choices=[spec.key for spec in config.SPECS], metavar="KEY")
    setter.add_argument("value", metavar="VALUE")
    add_login_argument(setter)
    setter.set_defaults(func=_set)
    where = sub.add_parser("path", help="print the settings file's path")
    where.set_defaults(func=lambda args: print(paths.config_file()) or 0)


def _show(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    language = language_for(args)
    if args.json:
        data = {key: config.display_value(key, value) for key, value in settings.as_dict().items()}
        data["_file"] = str(settings.source)
        data["_problems"] = [p.message(language) for p in settings.problems]
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(f"# {settings.source}")
        width = max(len(spec.key) for spec in config.SPECS)
        for spec in config.SPECS:
            value = config.display_value(spec.key, getattr(settings, spec.key))
            if spec.key == "database_url" and not value:
                value = f"(embedded) {settings.effective_database_url}"
            note = spec.help_ja if language == "ja" else spec.help_en
            print(f"{spec.key.ljust(width)} = {value!s:<30} # {note}")
    print_problems(settings.problems, language)
    return 1 if settings.problems else 0


def _set(args: argparse.Namespace) -> int:
    if args.key in config.DISPLAY_KEYS:
        return _write(args)
    from madoguchi.privacy import users
    from madoguchi.privacy.audit import Action, AuditLog

    try:
        database = open_configured_database(args)
    except DatabaseUnavailable:
        return _rescue(args)
    try:
        if users.has_admin(database):
            actor = signed_in_user(args, database, "cli.settings").login
        else:
            actor = users.current_os_user() or "first-start"
        code = _write(args)
        AuditLog(database, settings_for(args)).record(actor, Action.SETTINGS_CHANGED,
                                                      detail_ids={"key": args.key, "via": "cli"})
        return code
    finally:
        database.dispose()


def _rescue(args: argparse.Namespace) -> int:
    """The configured database is unreachable: only an OS administrator may repoint it."""
    from madoguchi.privacy import audit_keys, users

    if args.key != "database_url" or not users.is_os_admin():
        raise PermissionDenied(
            "データベースに接続できないため、サインインを確認できません。接続先（database_url）の修正は"
            "OSの管理者（管理者として実行したコマンドプロンプト / root）だけが行えます。",
            "the database cannot be reached, so no sign-in can be checked. Only an OS administrator "
            "(an elevated command prompt / root) may correct database_url.")
    code = _write(args)
    who = users.current_os_user() or "os-admin"
    log.warning("database_url changed by the OS administrator while the database was unreachable")
    audit_keys.write_note(audit_keys.anchor_file(settings_for(args)),
                          f"settings_changed key=database_url by=os-admin:{who} database=unreachable")
    print("madoguchi: database_url をOS管理者として変更しました（監査アンカーとシステムログに記録）。"
          if language_for(args) == "ja" else
          "madoguchi: database_url changed as the OS administrator (recorded in the audit anchor and system log).",
          file=sys.stderr)
    return code


def _write(args: argparse.Namespace) -> int:
    settings = config.set_value(args.key, args.value)
    print(f"{args.key} = {config.display_value(args.key, getattr(settings, args.key))}  ({settings.source})")
    return 0
