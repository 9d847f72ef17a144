"""Skip a test locally when a system part is missing, but fail it on CI.

`.ci/run` installs every part, so on CI (``CI=true``) a missing part is a failure, never a
silent skip. Set ``MADOGUCHI_REQUIRE_ALL=1`` to get the same strictness locally.
"""

from __future__ import annotations

import os
import shutil

import pytest


def strict() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("MADOGUCHI_REQUIRE_ALL") == "1"


def missing(reason: str) -> None:
    if strict():
        pytest.fail(f"required for this test but missing: {reason}", pytrace=False)
    pytest.skip(f"missing: {reason}")


def require_executable(name: str, package: str = "") -> str:
    path = shutil.which(name)
    if path is None:
        missing(f"`{name}` (Debian package {package or name})")
    return path  # type: ignore[return-value]
