"""Madoguchi (窓口): the counter desktop app for Japanese municipal offices."""

from __future__ import annotations

__version__ = "0.1.0"
APP_NAME = "Madoguchi"
APP_ID = "madoguchi"
