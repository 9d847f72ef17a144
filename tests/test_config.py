"""Per-PC settings: file, environment overrides, and clear problems for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from madoguchi import config, paths
from madoguchi.errors import ConfigError


def test_defaults_without_a_file(madoguchi_home: Path) -> None:
    settings = config.load_settings()
    assert settings.source == madoguchi_home / "config" / "settings.toml"
    assert settings.problems == ()
    assert settings.language == "ja"
    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.effective_database_url.endswith("/data/madoguchi.sqlite3")


def test_values_from_file_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text('counter_number = 3\nbranch_name = "蒲田特別出張所"\nlarge_text = true\n', encoding="utf-8")
    monkeypatch.setenv("MADOGUCHI_COUNTER_NUMBER", "7")
    monkeypatch.setenv("MADOGUCHI_DATABASE_URL", "postgresql://db.example/madoguchi")
    settings = config.load_settings()
    assert settings.counter_number == 7  # environment wins over the file
    assert settings.branch_name == "蒲田特別出張所"
    assert settings.large_text is True
    assert settings.effective_database_url == "postgresql://db.example/madoguchi"
    assert settings.problems == ()


def test_bad_values_are_reported_with_file_and_key_and_defaults_used() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text('counter_number = "three"\nlanguage = "fr"\npaper = "A4"\ncolour = "blue"\n', encoding="utf-8")
    settings = config.load_settings()
    assert settings.counter_number == 1 and settings.language == "ja"
    by_key = {p.key: p for p in settings.problems}
    assert set(by_key) == {"counter_number", "language", "colour"}
    for problem in settings.problems:
        assert problem.where == str(path)
    assert "整数" in by_key["counter_number"].message_ja
    assert "an integer" in by_key["counter_number"].message_en
    assert "ja / en" in by_key["language"].message("en")
    assert str(path) in by_key["language"].message("ja")


def test_broken_toml_is_a_problem_not_a_crash() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text("counter_number = = 3\n[[[", encoding="utf-8")
    settings = config.load_settings()
    assert settings.counter_number == 1
    assert len(settings.problems) == 1
    problem = settings.problems[0]
    assert problem.where == str(path) and problem.key == "(file)"
    assert "TOML" in problem.message_ja and "fix or delete" in problem.message_en


def test_bad_environment_value_is_reported() -> None:
    settings = config.load_settings(environ={"MADOGUCHI_PUBLIC_PORT": "99999"})
    assert settings.public_port == 8080
    assert settings.problems[0].where == "$MADOGUCHI_PUBLIC_PORT"


def test_set_value_validates_and_writes() -> None:
    settings = config.set_value("counter_number", "4")
    assert settings.counter_number == 4
    assert "counter_number = 4" in paths.config_file().read_text(encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        config.set_value("counter_number", "0")
    assert "counter_number" in info.value.message_ja
    with pytest.raises(ConfigError) as info:
        config.set_value("no_such_key", "1")
    assert "no_such_key" in info.value.message_en
    assert config.load_settings().counter_number == 4  # the refused values changed nothing


def test_every_spec_has_a_dataclass_field_with_the_same_default() -> None:
    defaults = config.Settings()
    for spec in config.SPECS:
        assert getattr(defaults, spec.key) == spec.default, spec.key
        value, problem = config._coerce(spec, spec.default, "x")
        assert problem is None and value == spec.default, spec.key


def test_a_settings_file_that_cannot_be_written_is_a_message(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="OS administrator"):
        config.set_value("counter_number", "3", blocker / "settings.toml")
