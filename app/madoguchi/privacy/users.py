"""Staff accounts, roles and what each role may open. Passwords are argon2 hashes only.

Roles: clerk (窓口職員), supervisor (係長: dashboard, form designer), admin (管理者:
settings, audit, users; an admin may do everything). :data:`PERMISSIONS` is the one table
of who may open which workspace and run which CLI command; the UI and the CLI both ask
:func:`allowed` / :func:`require`.

Login is by password, or — with the setting ``login_mode = os_user`` — by the name of the
OS (Windows) account, mapped to a staff account's ``os_user``. The first start with no
account creates the first admin (UI dialog, ``madoguchi users create-admin``).
"""

from __future__ import annotations

import getpass
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from madoguchi.errors import InputError, PermissionDenied

log = logging.getLogger(__name__)

_hasher = PasswordHasher()
# a hash to verify against when the login does not exist, so the time taken does not
# reveal which logins exist
_DUMMY_HASH = _hasher.hash("madoguchi-no-such-user")

MIN_PASSWORD = 8
#: sign-in back-off: after FREE_FAILURES wrong passwords within FAILURE_WINDOW, each further
#: attempt waits BACKOFF_BASE seconds, doubling, up to BACKOFF_MAX
FREE_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
BACKOFF_BASE = 30
BACKOFF_MAX = 900
_LOGIN = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


class Role(StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


ROLE_NAMES_JA = {Role.CLERK: "窓口職員", Role.SUPERVISOR: "係長", Role.ADMIN: "管理者"}

_ALL = frozenset(Role)
_SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
_ADMINS = frozenset({Role.ADMIN})

#: permission → roles that have it
PERMISSIONS: dict[str, frozenset[Role]] = {
    "workspace.reception": _ALL,
    "workspace.counter": _ALL,
    "workspace.display": _ALL,
    "workspace.supervisor": _SUPERVISORS,
    "workspace.designer": _SUPERVISORS,
    "workspace.settings": _ADMINS,
    "workspace.audit": _ADMINS,
    "number.reveal": _ALL,
    "cli.audit": _ADMINS,
    "cli.users": _ADMINS,
    "cli.purge": _SUPERVISORS,
    "cli.settings": _ADMINS,
    "cli.designer": _SUPERVISORS,
    "cli.dashboard": _SUPERVISORS,
    "cli.queue_supervisor": _SUPERVISORS,
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class User:
    id: int | None
    login: str
    display_name: str
    role: str
    os_user: str | None = None
    active: bool = True

    def can(self, permission: str) -> bool:
        return allowed(self.role, permission)


def allowed(role: str | None, permission: str) -> bool:
    """True when ``role`` has ``permission``; unknown permissions are admin-only."""
    if role is None:
        return False
    try:
        role = Role(role)
    except ValueError:
        return False
    return role in PERMISSIONS.get(permission, _ADMINS)


def roles_for(permission: str) -> tuple[str, ...]:
    return tuple(r.value for r in Role if r in PERMISSIONS.get(permission, _ADMINS))


def require(user: User | None, permission: str) -> User:
    """The user, or :class:`PermissionDenied` naming the roles that may do it."""
    if user is not None and allowed(user.role, permission):
        return user
    names = "・".join(ROLE_NAMES_JA[Role(r)] for r in roles_for(permission))
    names_en = ", ".join(roles_for(permission))
    who = f"{user.login}（{user.role}）" if user else "未ログイン"
    raise PermissionDenied(f"{who} にはこの操作の権限がありません。{names} のアカウントでログインしてください。",
                           f"{user.login + ' (' + user.role + ')' if user else 'nobody signed in'} may not do this; "
                           f"sign in with a {names_en} account.")


# --- accounts in the database -------------------------------------------------------------------
def _user(row) -> User:  # noqa: ANN001 - StaffUser
    return User(row.id, row.login, row.display_name, row.role, row.os_user, bool(row.active))


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"パスワードは {MIN_PASSWORD} 文字以上にしてください。",
                         f"the password must have at least {MIN_PASSWORD} characters.")


def create_user(database, login: str, display_name: str, role: str | Role, password: str | None = None, *,
                os_user: str | None = None, check_password: bool = True) -> User:  # noqa: ANN001
    """A new active account; a password, an OS user, or both. Raises InputError when taken."""
    from madoguchi.store.models import StaffUser

    if not _LOGIN.match(login or ""):
        raise InputError("ログイン名は英数字と . _ - @ で 64 文字までです。",
                         "the login may use letters, digits and . _ - @ (up to 64).")
    try:
        role = Role(role)
    except ValueError as exc:
        raise InputError(f"役割 {role!r} はありません（clerk / supervisor / admin）。",
                         f"there is no role {role!r} (clerk / supervisor / admin).") from exc
    if password is None and not os_user:
        raise InputError("パスワードかOSユーザー名のどちらかが必要です。", "a password or an OS user name is needed.")
    if password is not None and check_password:
        check_new_password(password)
    with database.session() as session:
        if session.scalar(select(StaffUser.id).where(StaffUser.login == login)) is not None:
            raise InputError(f"ログイン名 {login} は使われています。", f"the login {login} is taken.")
        if os_user and session.scalar(select(StaffUser.id).where(StaffUser.os_user == os_user)) is not None:
            raise InputError(f"OSユーザー {os_user} は別のアカウントに割り当て済みです。",
                             f"the OS user {os_user} is mapped to another account.")
        row = StaffUser(login=login, display_name=display_name or login, role=role.value,
                        password_hash=hash_password(password) if password is not None else None,
                        os_user=os_user or None, active=True)
        session.add(row)
        session.flush()
        user = _user(row)
    log.info("user created: %s (%s)", login, role.value)
    return user


def authenticate(database, login: str, password: str) -> User | None:  # noqa: ANN001
    """The active account whose password matches, else None (same time either way)."""
    from madoguchi.store.models import StaffUser

    with database.session() as session:
        row = session.scalar(select(StaffUser).where(StaffUser.login == login))
        user = _user(row) if row is not None else None
        stored = row.password_hash if row is not None else None
    if not verify_password(stored or _DUMMY_HASH, password) or stored is None:
        return None
    if user is None or not user.active:
        return None
    return user


def current_os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


def backoff_seconds(failures: int) -> int:
    """How long to wait after the last of ``failures`` recent failed sign-ins."""
    if failures < FREE_FAILURES:
        return 0
    return min(BACKOFF_BASE * 2 ** min(failures - FREE_FAILURES, 10), BACKOFF_MAX)


def check_backoff(database, actor: str, now: datetime | None = None) -> None:  # noqa: ANN001
    """PermissionDenied naming the wait when ``actor`` failed too often just now."""
    from madoguchi.privacy.audit import AuditLog

    now = now or datetime.now(UTC)
    failures, last = AuditLog(database).failures_since(actor, now - FAILURE_WINDOW)
    wait = backoff_seconds(failures)
    if last is None or wait == 0:
        return
    left = int(wait - (now - last).total_seconds())
    if left > 0:
        raise PermissionDenied(f"ログインの失敗が続いたため、あと {left} 秒待ってからやり直してください。",
                               f"too many failed sign-ins; try again in {left} seconds.")


def is_os_admin() -> bool:
    """True when this process runs as root (POSIX) or elevated (Windows)."""
    import os
    import sys

    if sys.platform == "win32":
        try:
            import ctypes

            return bool(ctypes.windll.shell32.IsUserAnAdmin())  # type: ignore[attr-defined]
        except (AttributeError, OSError):
            return False
    return os.geteuid() == 0


def login_for_audit(database, login: str) -> str:  # noqa: ANN001
    """What a failed sign-in records as its actor: the login when such an account exists, else
    "unknown" — a typed password, number or formula never reaches the audit log."""
    from madoguchi.privacy.audit import UNKNOWN_ACTOR

    if not login or not _LOGIN.match(login):
        return UNKNOWN_ACTOR
    return login if get_user(database, login) is not None else UNKNOWN_ACTOR


def user_for_os_user(database, os_user: str | None = None) -> User | None:  # noqa: ANN001
    """The active account mapped to the OS user (``login_mode = os_user``)."""
    from madoguchi.store.models import StaffUser

    name = os_user if os_user is not None else current_os_user()
    if not name:
        return None
    with database.session() as session:
        # Windows user names are case-insensitive
        row = session.scalar(select(StaffUser).where(func.lower(StaffUser.os_user) == name.lower()))
        return _user(row) if row is not None and row.active else None


def get_user(database, login: str) -> User | None:  # noqa: ANN001
    from madoguchi.store.models import StaffUser

    with database.session() as session:
        row = session.scalar(select(StaffUser).where(StaffUser.login == login))
        return _user(row) if row is not None else None


def list_users(database) -> list[User]:  # noqa: ANN001
    from madoguchi.store.models import StaffUser

    with database.session() as session:
        return [_user(row) for row in session.scalars(select(StaffUser).order_by(StaffUser.login))]


def has_users(database) -> bool:  # noqa: ANN001
    from madoguchi.store.models import StaffUser

    with database.session() as session:
        return session.scalar(select(StaffUser.id).where(StaffUser.active.is_(True)).limit(1)) is not None


def has_admin(database) -> bool:  # noqa: ANN001
    from madoguchi.store.models import StaffUser

    with database.session() as session:
        return session.scalar(select(StaffUser.id).where(StaffUser.active.is_(True),
                                                          StaffUser.role == Role.ADMIN.value).limit(1)) is not None


def update_user(database, login: str, *, password: str | None = None, role: str | None = None,
                active: bool | None = None, os_user: str | None = None, display_name: str | None = None) -> User:  # noqa: ANN001
    """Change one account. ``os_user=""`` removes the mapping. The last active admin stays."""
    from madoguchi.store.models import StaffUser

    if password is not None:
        check_new_password(password)
    if role is not None:
        try:
            role = Role(role).value
        except ValueError as exc:
            raise InputError(f"役割 {role!r} はありません。", f"there is no role {role!r}.") from exc
    with database.session() as session:
        row = session.scalar(select(StaffUser).where(StaffUser.login == login))
        if row is None:
            raise InputError(f"アカウント {login} はありません。", f"there is no account {login}.")
        losing_admin = row.role == Role.ADMIN.value and row.active and (
            (role is not None and role != Role.ADMIN.value) or active is False)
        if losing_admin:
            admins = session.scalar(select(func.count(StaffUser.id)).where(
                StaffUser.active.is_(True), StaffUser.role == Role.ADMIN.value))
            if (admins or 0) <= 1:
                raise InputError("最後の管理者は外せません。先に別の管理者を作ってください。",
                                 "the last admin cannot be removed; create another admin first.")
        if password is not None:
            row.password_hash = hash_password(password)
        if role is not None:
            row.role = role
        if active is not None:
            row.active = active
        if os_user is not None:
            row.os_user = os_user or None
        if display_name is not None:
            row.display_name = display_name
        session.flush()
        return _user(row)
