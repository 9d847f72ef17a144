"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import sys

from madoguchi.config import Settings, load_settings
from madoguchi.errors import MadoguchiError, Problem


def settings_for(args: argparse.Namespace) -> Settings:
    cached = getattr(args, "_settings", None)
    if cached is None:
        cached = load_settings()
        args._settings = cached
    return cached


def language_for(args: argparse.Namespace) -> str:
    if getattr(args, "lang", None):
        return args.lang
    try:
        return settings_for(args).language
    except Exception:  # noqa: BLE001 - language is best effort when reporting another error
        return "ja"


def print_error(error: MadoguchiError, language: str) -> None:
    prefix = "エラー" if language == "ja" else "error"
    print(f"madoguchi: {prefix}: {error.message(language)}", file=sys.stderr)


def print_problems(problems: tuple[Problem, ...] | list[Problem], language: str) -> None:
    label = "設定の問題" if language == "ja" else "settings problem"
    for problem in problems:
        print(f"madoguchi: {label}: {problem.message(language)}", file=sys.stderr)


def open_configured_database(args: argparse.Namespace, *, migrate: bool = True):  # noqa: ANN201
    """The database of the settings (or $MADOGUCHI_DATABASE_URL), migrated, with defaults seeded."""
    from madoguchi.seed import seed_defaults
    from madoguchi.store.db import open_database

    settings = settings_for(args)
    database = open_database(settings.effective_database_url, migrate=migrate)
    if migrate:
        seed_defaults(database, settings.branch_id, settings.branch_name)
    return database
