"""``madoguchi users create-admin | create | list | set | passwd``: staff accounts.

Also the CLI's sign-in for commands that need a role (``audit``, ``users``, ``purge --all``):
:func:`add_login_argument` adds ``--user LOGIN``; :func:`signed_in_user` asks the password
without echo on a terminal, or reads the first line of standard input otherwise (scripts:
``printf '%s\\n' "$PW" | madoguchi audit verify --user admin``). Without ``--user`` and with
``login_mode = os_user`` the OS account's mapping signs in. Wrong password or role →
exit code 8 (PermissionDenied) and an audit row.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from madoguchi.cli._common import open_configured_database, settings_for
from madoguchi.errors import InputError, PermissionDenied


def add_login_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="LOGIN",
                        help="sign in as LOGIN (password asked without echo, or the first line of stdin "
                             "when it is not a terminal); with login_mode = os_user the OS account is used")


def read_password(prompt: str = "パスワード / password: ", *, confirm: bool = False) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass(prompt)
        if confirm and getpass.getpass("確認 / again: ") != password:
            raise InputError("2回入力したパスワードが一致しません。", "the two passwords differ.")
    else:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        password = line.rstrip("\r\n")
    if not password:
        raise InputError("パスワードが入力されていません。", "no password was given.")
    return password


def signed_in_user(args: argparse.Namespace, database, permission: str):  # noqa: ANN001, ANN201
    """The signed-in user with ``permission``, or PermissionDenied (audited either way)."""
    from madoguchi.privacy import users
    from madoguchi.privacy.audit import Action, AuditLog

    audit = AuditLog(database)
    settings = settings_for(args)
    login = getattr(args, "user", None)
    if login:
        actor = users.login_for_audit(database, login)
        users.check_backoff(database, actor)
        user = users.authenticate(database, login, read_password())
        if user is None:
            audit.record(actor, Action.LOGIN_FAILED, detail_ids={"via": "cli"})
            raise PermissionDenied("ログイン名またはパスワードが違います。", "wrong login or password.")
    elif settings.login_mode == "os_user":
        user = users.user_for_os_user(database)
        if user is None:
            audit.record(users.current_os_user() or "-", Action.LOGIN_FAILED, detail_ids={"via": "cli_os_user"})
            raise PermissionDenied(
                "このOSユーザーはどのアカウントにも割り当てられていません。--user でログインしてください。",
                "this OS user is not mapped to any account; sign in with --user.")
    else:
        raise PermissionDenied("この操作にはログインが必要です。--user ログイン名 を付けてください。",
                               "this needs a signed-in user; add --user LOGIN.")
    if not users.allowed(user.role, permission):
        audit.record(user.login, Action.PERMISSION_DENIED, detail_ids={"permission": permission, "via": "cli"})
    return users.require(user, permission)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("users", help="staff accounts (admin)",
                                   description="Create and change staff accounts. Every action but the first "
                                               "admin's creation needs an admin (--user).")
    sub = parser.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    first = sub.add_parser("create-admin", help="create an admin (the first one needs no sign-in)",
                           description="Create an admin account. While no admin exists (first start) no "
                                       "sign-in is needed; afterwards an admin must sign in with --user.")
    first.add_argument("--login", default="admin")
    first.add_argument("--name", default="管理者", help="display name")
    first.add_argument("--os-user", default=None, help="map this OS user name to the account")
    add_login_argument(first)
    first.set_defaults(func=_create_admin)

    create = sub.add_parser("create", help="create an account")
    create.add_argument("login")
    create.add_argument("--role", choices=("clerk", "supervisor", "admin"), required=True)
    create.add_argument("--name", default=None, help="display name")
    create.add_argument("--os-user", default=None, help="map this OS user name to the account")
    create.add_argument("--no-password", action="store_true", help="OS-user sign-in only (needs --os-user)")
    add_login_argument(create)
    create.set_defaults(func=_create)

    listing = sub.add_parser("list", help="list the accounts")
    add_login_argument(listing)
    listing.set_defaults(func=_list)

    change = sub.add_parser("set", help="change role, active state or OS user of an account")
    change.add_argument("login")
    change.add_argument("--role", choices=("clerk", "supervisor", "admin"))
    change.add_argument("--active", choices=("yes", "no"))
    change.add_argument("--os-user", default=None, help="OS user name ('' removes the mapping)")
    add_login_argument(change)
    change.set_defaults(func=_set)

    passwd = sub.add_parser("passwd", help="set an account's password (the new one is read like the sign-in's, "
                                           "after the admin's own password)")
    passwd.add_argument("login")
    add_login_argument(passwd)
    passwd.set_defaults(func=_passwd)


def _audit(database, actor: str, action: str, **detail) -> None:  # noqa: ANN001, ANN003
    from madoguchi.privacy.audit import AuditLog

    AuditLog(database).record(actor, action, detail_ids=detail)


def _create_admin(args: argparse.Namespace) -> int:
    from madoguchi.privacy import users

    database = open_configured_database(args)
    try:
        # the first admin creates itself; later admins are created by an admin
        actor = signed_in_user(args, database, "cli.users").login if users.has_admin(database) else args.login
        password = read_password("新しいパスワード / new password: ", confirm=True)
        user = users.create_user(database, args.login, args.name, users.Role.ADMIN, password, os_user=args.os_user)
        _audit(database, actor, "user_created", login=user.login, role=user.role)
        print(f"OK admin {user.login}")
        return 0
    finally:
        database.dispose()


def _create(args: argparse.Namespace) -> int:
    from madoguchi.privacy import users

    database = open_configured_database(args)
    try:
        actor = signed_in_user(args, database, "cli.users")
        if args.no_password and not args.os_user:
            raise InputError("--no-password には --os-user が必要です。", "--no-password needs --os-user.")
        password = None if args.no_password else read_password("新しいパスワード / new password: ", confirm=True)
        user = users.create_user(database, args.login, args.name or args.login, args.role, password,
                                 os_user=args.os_user)
        _audit(database, actor.login, "user_created", login=user.login, role=user.role)
        print(f"OK {user.role} {user.login}")
        return 0
    finally:
        database.dispose()


def _list(args: argparse.Namespace) -> int:
    from madoguchi.privacy import users

    database = open_configured_database(args)
    try:
        signed_in_user(args, database, "cli.users")
        for user in users.list_users(database):
            state = "active" if user.active else "inactive"
            print(f"{user.login:<20} {user.role:<10} {state:<8} os_user={user.os_user or '-'}  {user.display_name}")
        return 0
    finally:
        database.dispose()


def _set(args: argparse.Namespace) -> int:
    from madoguchi.privacy import users

    database = open_configured_database(args)
    try:
        actor = signed_in_user(args, database, "cli.users")
        active = None if args.active is None else args.active == "yes"
        user = users.update_user(database, args.login, role=args.role, active=active, os_user=args.os_user)
        _audit(database, actor.login, "user_changed", login=user.login, role=user.role, active=user.active)
        print(f"OK {user.login} {user.role} {'active' if user.active else 'inactive'}")
        return 0
    finally:
        database.dispose()


def _passwd(args: argparse.Namespace) -> int:
    from madoguchi.privacy import users

    database = open_configured_database(args)
    try:
        actor = signed_in_user(args, database, "cli.users")
        password = read_password("新しいパスワード / new password: ", confirm=True)
        users.update_user(database, args.login, password=password)
        _audit(database, actor.login, "user_changed", login=args.login, password=True)
        print(f"OK {args.login}")
        return 0
    finally:
        database.dispose()
