"""Issue 13's attacks on the CLI, as tests: no way round sign-in, no secret printed, nothing
typed at a failed sign-in in the audit log, back-off after failed sign-ins."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

from madoguchi import config
from madoguchi.privacy.audit import Action, AuditLog
from madoguchi.store.db import open_database
from tests.test_cli import run_cli

PASSWORD = "correct horse"


def _admin(home: Path, login: str = "boss") -> None:
    done = run_cli("users", "create-admin", "--login", login, home=home, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert done.returncode == 0, done.stderr


def _audit_rows(home: Path) -> list:
    database = open_database(config.load_settings().effective_database_url)
    try:
        return AuditLog(database).entries()
    finally:
        database.dispose()


def test_config_set_of_the_database_needs_an_admin(madoguchi_home: Path, tmp_path: Path) -> None:
    _admin(madoguchi_home)
    other = "sqlite:///" + (tmp_path / "other.sqlite3").as_posix()
    refused = run_cli("--lang", "en", "config", "set", "database_url", other, home=madoguchi_home)
    assert refused.returncode == 8, refused.stderr
    assert "--user" in refused.stderr
    assert config.load_settings().database_url == ""  # nothing changed
    # … so the attacker's own database with its own first admin never becomes this PC's
    wrong = run_cli("config", "set", "database_url", other, "--user", "boss", home=madoguchi_home,
                    input="wrong password\n")
    assert wrong.returncode == 8
    assert config.load_settings().database_url == ""
    done = run_cli("config", "set", "counter_number", "7", "--user", "boss", home=madoguchi_home,
                   input=f"{PASSWORD}\n")
    assert done.returncode == 0, done.stderr
    assert config.load_settings().counter_number == 7
    rows = _audit_rows(madoguchi_home)
    changed = [r for r in rows if r.action == Action.SETTINGS_CHANGED]
    assert [(r.actor, r.detail["key"]) for r in changed] == [("boss", "counter_number")]


def test_display_preferences_need_no_sign_in(madoguchi_home: Path) -> None:
    _admin(madoguchi_home)
    done = run_cli("config", "set", "large_text", "true", home=madoguchi_home)
    assert done.returncode == 0, done.stderr
    assert config.load_settings().large_text is True


def test_config_show_masks_the_database_password(madoguchi_home: Path) -> None:
    path = madoguchi_home / "config" / "settings.toml"
    path.parent.mkdir(parents=True)
    path.write_text('database_url = "postgresql://madoguchi:s3cret-pw@db.example:5432/madoguchi"\n',
                    encoding="utf-8")
    shown = run_cli("config", "show", home=madoguchi_home)
    as_json = run_cli("config", "show", "--json", home=madoguchi_home)
    for result in (shown, as_json):
        assert "s3cret-pw" not in result.stdout + result.stderr
    assert json.loads(as_json.stdout)["database_url"] == "postgresql://madoguchi:***@db.example:5432/madoguchi"


def test_unreachable_database_rescue_is_an_os_administrators(madoguchi_home: Path, monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    from madoguchi.cli import cmd_config
    from madoguchi.errors import PermissionDenied
    from madoguchi.privacy import audit_keys, users

    config.set_value("database_url", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    fixed = "sqlite:///" + (tmp_path / "fixed.sqlite3").as_posix()
    args = argparse.Namespace(key="database_url", value=fixed, user=None, lang="en")
    monkeypatch.setattr(users, "is_os_admin", lambda: False)
    with pytest.raises(PermissionDenied, match="OS administrator"):
        cmd_config._set(args)
    assert config.load_settings().database_url.startswith("postgresql://nobody")
    monkeypatch.setattr(users, "is_os_admin", lambda: True)
    assert cmd_config._set(argparse.Namespace(key="database_url", value=fixed, user=None, lang="en")) == 0
    assert config.load_settings().database_url == fixed
    note = audit_keys.anchor_file().read_text(encoding="utf-8")
    assert "settings_changed key=database_url by=os-admin:" in note


def test_a_failed_sign_in_records_only_a_login_that_exists(madoguchi_home: Path) -> None:
    _admin(madoguchi_home)
    formula = '=HYPERLINK("http://evil.example","x")'
    for typed in (formula, "123456789018", "boss"):
        result = run_cli("users", "list", "--user", typed, home=madoguchi_home, input="nope\n")
        assert result.returncode == 8
    failed = [r.actor for r in _audit_rows(madoguchi_home) if r.action == Action.LOGIN_FAILED]
    assert failed == ["unknown", "unknown", "boss"]


def test_sign_in_backs_off_after_repeated_failures(madoguchi_home: Path) -> None:
    _admin(madoguchi_home)
    database = open_database(config.load_settings().effective_database_url)
    try:
        log = AuditLog(database)
        for _ in range(5):
            log.record("boss", Action.LOGIN_FAILED, detail_ids={"via": "cli"})
    finally:
        database.dispose()
    # the right password now waits: the back-off is checked before the password is asked
    result = run_cli("--lang", "en", "users", "list", "--user", "boss", home=madoguchi_home, input=f"{PASSWORD}\n")
    assert result.returncode == 8
    assert "try again in" in result.stderr


def test_backoff_grows_and_is_bounded() -> None:
    from madoguchi.privacy.users import BACKOFF_MAX, backoff_seconds

    waits = [backoff_seconds(n) for n in range(12)]
    assert waits[:5] == [0] * 5
    assert waits[5] < waits[6] < waits[7]
    assert max(waits) <= BACKOFF_MAX


@pytest.mark.parametrize("argv", [["queue", "void", "A-001", "--reason", "x"],
                                  ["queue", "prioritise", "A-001", "--reason", "x"],
                                  ["queue", "kpi"]])
def test_supervisor_queue_actions_need_a_supervisor(madoguchi_home: Path, argv: list[str]) -> None:
    _admin(madoguchi_home)
    database = open_database(config.load_settings().effective_database_url)
    try:
        from madoguchi.privacy import users

        users.create_user(database, "mado", "窓口", "clerk", PASSWORD)
    finally:
        database.dispose()
    assert run_cli(*argv, home=madoguchi_home).returncode == 8  # nobody signed in
    clerk = run_cli(*argv, "--user", "mado", home=madoguchi_home, input=f"{PASSWORD}\n")
    assert clerk.returncode == 8
    denied = [r for r in _audit_rows(madoguchi_home) if r.action == Action.PERMISSION_DENIED]
    assert denied and denied[-1].actor == "mado"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes (Windows: ACLs set by the installer)")
def test_files_holding_data_are_owner_only(madoguchi_home: Path, tmp_path: Path) -> None:
    from tests.forms.residents import make_resident

    _admin(madoguchi_home)  # creates the database, the log, the audit key and anchor
    assert run_cli("config", "set", "counter_number", "3", "--user", "boss", home=madoguchi_home,
                   input=f"{PASSWORD}\n").returncode == 0
    resident = tmp_path / "r.json"
    resident.write_text(json.dumps(make_resident(1).to_json(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "packet.pdf"
    filled = run_cli("fill", "--resident", str(resident), "--form", "juminhyo", "--out", str(out), home=madoguchi_home)
    assert filled.returncode == 0, filled.stderr
    files = [madoguchi_home / "data" / "madoguchi.sqlite3", madoguchi_home / "log" / "madoguchi.log",
             madoguchi_home / "config" / "settings.toml", out]
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o600, path
    for folder in ("data", "log", "config"):
        assert (madoguchi_home / folder).stat().st_mode & 0o777 == 0o700, folder
