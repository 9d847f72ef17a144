"""Error types shared by the whole application.

Every error the user can meet is a :class:`MadoguchiError` carrying a Japanese and an
English message that says what happened and what to do, plus the exit code the CLI
returns for it (OCRmyPDF's habit). The core raises them; only the edges (UI, CLI)
catch and show them. Messages must never contain a resident's personal data.
"""

from __future__ import annotations

from dataclasses import dataclass


class ExitCode:
    OK = 0
    FAILED = 1  # a requested operation failed on some input (e.g. one image of several)
    USAGE = 2
    CONFIG = 3
    DATABASE = 4
    INPUT = 5
    ENGINE = 6
    PRINTER = 7
    PERMISSION = 8
    CARD = 9
    INTERNAL = 70


class MadoguchiError(Exception):
    """Base of every error that is shown to a user.

    ``message_ja`` is what the UI shows by default; ``message_en`` the English text.
    """

    exit_code: int = ExitCode.FAILED

    def __init__(self, message_ja: str, message_en: str, *, exit_code: int | None = None) -> None:
        super().__init__(message_en)
        self.message_ja = message_ja
        self.message_en = message_en
        if exit_code is not None:
            self.exit_code = exit_code

    def message(self, language: str = "ja") -> str:
        return self.message_ja if language == "ja" else self.message_en


class ConfigError(MadoguchiError):
    exit_code = ExitCode.CONFIG


class DatabaseUnavailable(MadoguchiError):
    exit_code = ExitCode.DATABASE


class DatabaseTooNew(MadoguchiError):
    """The database was migrated by a newer Madoguchi: this (older) version must not touch it."""

    exit_code = ExitCode.DATABASE


class InputError(MadoguchiError):
    """A file or value given by the user cannot be used."""

    exit_code = ExitCode.INPUT


class EngineUnavailable(MadoguchiError):
    """A required engine (OCR, fonts, Qt plugin …) is missing or broken."""

    exit_code = ExitCode.ENGINE


class PrinterUnavailable(MadoguchiError):
    exit_code = ExitCode.PRINTER


class PermissionDenied(MadoguchiError):
    exit_code = ExitCode.PERMISSION


@dataclass(frozen=True)
class Problem:
    """One problem found while validating a data file (config, form, layout …).

    ``where`` names the file, ``key`` the field inside it (dotted path), ``message`` what is
    wrong and what is expected.
    """

    where: str
    key: str
    message_ja: str
    message_en: str

    def message(self, language: str = "ja") -> str:
        text = self.message_ja if language == "ja" else self.message_en
        return f"{self.where}: {self.key}: {text}"
