"""What a self-check found: plain facts a probe returns, worded by ``madoguchi selftest``.

A floor-1 module (it imports nothing of the project), so any part — the OCR engines, the IC
reader, the key store — can return a :class:`CheckResult` without importing the self-test.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    OK = "OK"
    NG = "NG"
    WARN = "注意"


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    detail_ja: str
    detail_en: str
    fix_ja: str = ""
    fix_en: str = ""

    def line(self, language: str = "ja") -> str:
        status = self.status.value if language == "ja" or self.status != Status.WARN else "WARN"
        detail = self.detail_ja if language == "ja" else self.detail_en
        fix = self.fix_ja if language == "ja" else self.fix_en
        text = f"{status:<4} {self.name}: {detail}"
        if fix and self.status != Status.OK:
            text += (" → 対処: " if language == "ja" else " → what to do: ") + fix
        return text
