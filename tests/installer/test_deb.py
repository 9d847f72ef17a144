"""The Debian package: built with dpkg-deb from a venv holding only our own wheel
(the full build with every wheel is done by hand; see installer/README.md)."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.requirements import missing, require_executable

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def deb(build: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    require_executable("dpkg-deb", "dpkg")
    if not Path("/usr/bin/python3").exists():
        missing("/usr/bin/python3 (Debian package python3)")
    folder = tmp_path_factory.mktemp("deb")
    stage = folder / "root"
    return build.build_deb(out=folder / "madoguchi.deb", minimal=True, stage=stage), stage


def dpkg_deb(*args: str) -> str:
    return subprocess.run(["dpkg-deb", *args], capture_output=True, text=True, check=True).stdout


def test_control_names_the_package_and_its_dependencies(deb: tuple[Path, Path], build: ModuleType) -> None:
    package, _ = deb
    with (ROOT / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    assert dpkg_deb("--field", str(package), "Package").strip() == "madoguchi"
    assert dpkg_deb("--field", str(package), "Version").strip() == version
    assert dpkg_deb("--field", str(package), "Architecture").strip() == "amd64"
    depends = [d.strip() for d in dpkg_deb("--field", str(package), "Depends").split(",")]
    for name in build.runtime_packages():
        assert name in depends, f"{name} (installer/debian/runtime-packages.txt) is not in Depends"
    # the venv is made with Debian's python3: its minor version must stay the same
    assert any(d.startswith("python3 (>= 3.") for d in depends)
    assert any(d.startswith("python3 (<< 3.") for d in depends)
    assert "libpcsclite1" in depends
    assert int(dpkg_deb("--field", str(package), "Installed-Size")) > 1000


def test_contents_are_the_app_its_wrapper_and_its_desktop_entry(deb: tuple[Path, Path]) -> None:
    package, _ = deb
    lines = dpkg_deb("--contents", str(package)).splitlines()
    entries = {line.split()[-1] if " -> " not in line else line.split()[-3]: line for line in lines}
    wanted = [
        "./usr/bin/madoguchi",
        "./usr/share/applications/madoguchi.desktop",
        "./usr/share/icons/hicolor/scalable/apps/madoguchi.svg",
        "./usr/share/icons/hicolor/256x256/apps/madoguchi.png",
        "./opt/madoguchi/bin/python",
        "./opt/madoguchi/pyvenv.cfg",
        "./opt/madoguchi/share/madoguchi/resources/fonts/ipaexg.ttf",
    ]
    for path in wanted:
        assert path in entries, f"{path} is not in the package"
    assert entries["./usr/bin/madoguchi"].startswith("-rwxr-xr-x root/root")
    assert all(" root/root " in line for line in lines)
    assert any(p.startswith("./opt/madoguchi/lib/python3.") and p.endswith("/site-packages/madoguchi/__init__.py")
               for p in entries)
    assert any(p.startswith("./opt/madoguchi/share/madoguchi/forms/") and p.endswith("/form.yaml") for p in entries)
    assert not any(p.endswith(".ts") for p in entries), "translation sources are not shipped, only .qm"


def test_the_package_runs_from_opt_not_from_where_it_was_built(deb: tuple[Path, Path], tmp_path: Path) -> None:
    package, stage = deb
    subprocess.run(["dpkg-deb", "-x", str(package), str(tmp_path)], check=True)
    wrapper = (tmp_path / "usr" / "bin" / "madoguchi").read_text()
    assert wrapper.startswith("#!/bin/sh\n")
    assert 'exec /opt/madoguchi/bin/python -m madoguchi "$@"' in wrapper
    venv = tmp_path / "opt" / "madoguchi"
    for script in (venv / "bin").iterdir():
        if script.is_file() and not script.is_symlink():
            assert str(stage) not in script.read_text(errors="replace"), f"{script.name} points at the build stage"
    assert "home = /usr/bin" in (venv / "pyvenv.cfg").read_text()
    assert (venv / "bin" / "python").resolve().parent == Path("/usr/bin").resolve()
    desktop = (tmp_path / "usr" / "share" / "applications" / "madoguchi.desktop").read_text()
    assert "Exec=madoguchi\n" in desktop and "Icon=madoguchi\n" in desktop
    result = subprocess.run([str(venv / "bin" / "python"), "-c", "import madoguchi; print(madoguchi.__version__)"],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == dpkg_deb("--field", str(package), "Version").strip()


def test_an_older_version_over_a_newer_one_is_refused(deb: tuple[Path, Path], tmp_path: Path) -> None:
    """dpkg runs the new package's preinst with ``upgrade OLD-VERSION``: a newer OLD is refused."""
    package, _ = deb
    subprocess.run(["dpkg-deb", "--control", str(package), str(tmp_path / "control")], check=True)
    preinst = tmp_path / "control" / "preinst"
    version = dpkg_deb("--field", str(package), "Version").strip()
    newer = subprocess.run(["sh", str(preinst), "upgrade", "99.0.0"], capture_output=True, text=True, check=False)
    assert newer.returncode == 1
    assert f"refusing to install the older {version}" in newer.stderr
    for args in (["upgrade", "0.0.1"], ["upgrade", version], ["install"]):
        assert subprocess.run(["sh", str(preinst), *args], check=False).returncode == 0, args
