"""Translation build steps: ``python installer/i18n.py update | build | check``.

- ``update``: run pyside6-lupdate over the Qt layer into resources/i18n/madoguchi_en.ts
  (existing translations are kept; new strings appear as unfinished).
- ``build``: compile every .ts into a .qm beside it (pyside6-lrelease); run by the
  installer build. A source checkout compiles them on first start instead.
- ``check``: exit 1 when a string in the code is missing from the .ts or untranslated.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "app" / "madoguchi" / "ui"
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ("en",)


def _tool(name: str) -> str:
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else name


def ui_sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in UI.rglob("*.py"))


def lupdate(target: Path) -> None:
    subprocess.run([_tool("pyside6-lupdate"), "-silent", "-locations", "none", *ui_sources(), "-ts", str(target)],
                   cwd=ROOT, check=True)


def messages(ts: Path) -> dict[tuple[str, str], str | None]:
    """(context, source) → translation (None when unfinished or empty)."""
    result: dict[tuple[str, str], str | None] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is not None and translation.get("type") in ("vanished", "obsolete"):
                continue
            text = translation.text if translation is not None else None
            unfinished = translation is None or translation.get("type") == "unfinished"
            result[(name, message.findtext("source") or "")] = None if unfinished or not text else text
    return result


def check() -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / "fresh.ts"
        lupdate(fresh)
        wanted = set(messages(fresh))
    for language in LANGUAGES:
        ts = I18N / f"madoguchi_{language}.ts"
        if not ts.exists():
            problems.append(f"{ts.relative_to(ROOT)} is missing")
            continue
        have = messages(ts)
        for key in sorted(wanted):
            if key not in have:
                problems.append(f"{ts.name}: [{key[0]}] {key[1]!r} is not in the .ts (run update)")
            elif have[key] is None:
                problems.append(f"{ts.name}: [{key[0]}] {key[1]!r} has no translation")
    return problems


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "check"
    if action == "update":
        for language in LANGUAGES:
            ts = I18N / f"madoguchi_{language}.ts"
            lupdate(ts)
            # mark the target language for Qt Linguist
            tree = ET.parse(ts)
            tree.getroot().set("language", language)
            tree.getroot().set("sourcelanguage", "ja")
            tree.write(ts, encoding="utf-8", xml_declaration=True)
            print(f"updated {ts.relative_to(ROOT)}")
        return 0
    if action == "build":
        for ts in sorted(I18N.glob("*.ts")):
            subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))],
                           check=True)
            print(f"built {ts.with_suffix('.qm').relative_to(ROOT)}")
        return 0
    if action == "check":
        problems = check()
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
