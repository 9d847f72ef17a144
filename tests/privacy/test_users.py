"""Accounts, passwords, OS-user mapping and the permission table."""

from __future__ import annotations

import pytest

from madoguchi.errors import InputError, PermissionDenied
from madoguchi.privacy import users
from madoguchi.store.db import Database


def test_create_and_authenticate(database: Database) -> None:
    assert not users.has_users(database)
    user = users.create_user(database, "tanaka", "田中", "clerk", "correct horse")
    assert user.role == "clerk" and users.has_users(database) and not users.has_admin(database)
    assert users.authenticate(database, "tanaka", "correct horse") == user
    assert users.authenticate(database, "tanaka", "wrong password") is None
    assert users.authenticate(database, "nobody", "correct horse") is None
    with pytest.raises(InputError):
        users.create_user(database, "tanaka", "x", "clerk", "another one")
    with pytest.raises(InputError):
        users.create_user(database, "short", "x", "clerk", "1234")
    with pytest.raises(InputError):
        users.create_user(database, "bad login!", "x", "clerk", "long enough")
    with pytest.raises(InputError):
        users.create_user(database, "r", "x", "boss", "long enough")


def test_password_is_stored_as_argon2_only(database: Database) -> None:
    from sqlalchemy import text

    users.create_user(database, "suzuki", "鈴木", "admin", "a very secret")
    with database.engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM staff_user WHERE login='suzuki'")).scalar()
    assert stored.startswith("$argon2") and "a very secret" not in stored


def test_inactive_account_cannot_sign_in_and_last_admin_stays(database: Database) -> None:
    users.create_user(database, "boss", "管理", "admin", "admin password")
    users.create_user(database, "clerk1", "職員", "clerk", "clerk password")
    with pytest.raises(InputError, match="last admin"):
        users.update_user(database, "boss", active=False)
    with pytest.raises(InputError):
        users.update_user(database, "boss", role="clerk")
    users.update_user(database, "clerk1", active=False)
    assert users.authenticate(database, "clerk1", "clerk password") is None
    users.update_user(database, "clerk1", active=True, password="new password")
    assert users.authenticate(database, "clerk1", "new password") is not None


def test_os_user_mapping(database: Database) -> None:
    users.create_user(database, "sato", "佐藤", "supervisor", None, os_user="CITY\\Sato")
    assert users.user_for_os_user(database, "city\\sato").login == "sato"  # Windows names ignore case
    assert users.user_for_os_user(database, "someone") is None
    assert users.authenticate(database, "sato", "") is None  # no password set: password sign-in impossible
    with pytest.raises(InputError):
        users.create_user(database, "other", "x", "clerk", None, os_user="CITY\\Sato")
    with pytest.raises(InputError):
        users.create_user(database, "nobody", "x", "clerk", None)


@pytest.mark.parametrize(("role", "permission", "expected"), [
    ("clerk", "workspace.counter", True),
    ("clerk", "workspace.supervisor", False),
    ("clerk", "workspace.designer", False),
    ("clerk", "workspace.settings", False),
    ("clerk", "workspace.audit", False),
    ("clerk", "cli.audit", False),
    ("supervisor", "workspace.supervisor", True),
    ("supervisor", "workspace.designer", True),
    ("supervisor", "workspace.audit", False),
    ("admin", "workspace.audit", True),
    ("admin", "cli.users", True),
    ("admin", "some.future.permission", True),
    ("clerk", "some.future.permission", False),
    (None, "workspace.counter", False),
    ("root", "workspace.counter", False),
])
def test_permissions(role, permission: str, expected: bool) -> None:  # noqa: ANN001
    assert users.allowed(role, permission) is expected


def test_require_names_who_may() -> None:
    clerk = users.User(1, "c", "職員", "clerk")
    with pytest.raises(PermissionDenied) as info:
        users.require(clerk, "workspace.audit")
    assert info.value.exit_code == 8 and "管理者" in info.value.message_ja
    assert users.require(users.User(2, "a", "管理", "admin"), "workspace.audit").login == "a"


def test_main_window_roles_agree_with_the_permission_table() -> None:
    from madoguchi.ui.main_window import WORKSPACES

    for spec in WORKSPACES:
        permission = f"workspace.{spec.key}"
        if permission not in users.PERMISSIONS:
            continue
        shown_to = {role for role in ("clerk", "supervisor", "admin")
                    if not spec.roles or role == "admin" or role in spec.roles}
        assert shown_to == set(users.roles_for(permission)), spec.key
