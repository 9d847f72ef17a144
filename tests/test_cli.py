"""The ``madoguchi`` command as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SUBCOMMANDS = ("config", "db", "demo", "selftest")


def run_cli(*args: str, home: Path, env: dict[str, str] | None = None, input: str | None = None
            ) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ, MADOGUCHI_HOME=str(home), QT_QPA_PLATFORM="offscreen", **(env or {}))
    return subprocess.run([sys.executable, "-m", "madoguchi", *args], capture_output=True, text=True,
                          env=full_env, timeout=180, input=input, check=False)


def test_help_lists_the_subcommands(madoguchi_home: Path) -> None:
    result = run_cli("--help", home=madoguchi_home)
    assert result.returncode == 0
    for name in SUBCOMMANDS:
        assert f"    {name}" in result.stdout


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help(name: str, madoguchi_home: Path) -> None:
    result = run_cli(name, "--help", home=madoguchi_home)
    assert result.returncode == 0, result.stderr
    assert "usage: madoguchi" in result.stdout


def test_config_set_and_show(madoguchi_home: Path) -> None:
    assert run_cli("config", "set", "counter_number", "5", home=madoguchi_home).returncode == 0
    shown = run_cli("config", "show", "--json", home=madoguchi_home)
    assert shown.returncode == 0
    data = json.loads(shown.stdout)
    assert data["counter_number"] == 5
    assert data["_file"] == str(madoguchi_home / "config" / "settings.toml")
    refused = run_cli("--lang", "en", "config", "set", "counter_number", "many", home=madoguchi_home)
    assert refused.returncode == 3
    assert "counter_number" in refused.stderr and "an integer" in refused.stderr


def test_broken_config_names_file_and_key(madoguchi_home: Path) -> None:
    config_file = madoguchi_home / "config" / "settings.toml"
    config_file.parent.mkdir(parents=True)
    config_file.write_text('paper = "A9"\n', encoding="utf-8")
    result = run_cli("config", "show", home=madoguchi_home)
    assert result.returncode == 1
    assert str(config_file) in result.stderr and "paper" in result.stderr and "A4" in result.stderr


def test_db_upgrade_and_status(madoguchi_home: Path) -> None:
    upgraded = run_cli("db", "upgrade", home=madoguchi_home)
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.startswith("OK sqlite")
    status = run_cli("db", "status", home=madoguchi_home)
    assert status.returncode == 0, status.stdout + status.stderr


def test_unreachable_database_gives_a_clear_message(madoguchi_home: Path) -> None:
    # port 9 on loopback: nothing listens there
    env = {"MADOGUCHI_DATABASE_URL": "postgresql://madoguchi:secret@127.0.0.1:9/madoguchi"}
    result = run_cli("db", "upgrade", home=madoguchi_home, env=env)
    assert result.returncode == 4
    assert "データベース" in result.stderr and "接続できません" in result.stderr
    assert "secret" not in result.stderr  # the password is never shown
    english = run_cli("--lang", "en", "db", "upgrade", home=madoguchi_home, env=env)
    assert "cannot connect to the database" in english.stderr
    assert "Traceback" not in result.stderr + english.stderr


@pytest.mark.slow
def test_selftest_passes_on_this_machine(madoguchi_home: Path) -> None:
    result = run_cli("selftest", home=madoguchi_home)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for name in ("Qt", "ocr", "fonts", "database"):
        assert any(line.startswith("OK") and f" {name}:" in line for line in lines), (name, result.stdout)
    assert any("jpn.traineddata" in line for line in lines)


def test_selftest_fails_when_a_required_part_fails(madoguchi_home: Path) -> None:
    env = {"MADOGUCHI_DATABASE_URL": "postgresql://u@127.0.0.1:9/x"}
    result = run_cli("--lang", "en", "selftest", home=madoguchi_home, env=env)
    assert result.returncode == 1
    assert any(line.startswith("NG") and " database:" in line for line in result.stdout.splitlines())
    assert "what to do" in result.stdout
