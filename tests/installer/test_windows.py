"""The Windows installer: the runtime staging, and makensis compiling madoguchi.nsi."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement

from tests.support.requirements import require_executable

ROOT = Path(__file__).resolve().parents[2]
NSI = ROOT / "installer" / "windows" / "madoguchi.nsi"
README = ROOT / "installer" / "README.md"
# A python.org embeddable package as some PyPI wheels wrap it: one folder with python.exe.
WRAPPED = "SDK/python311/"


def fake_embeddable(path: Path, dll: str = "python311.dll", prefix: str = WRAPPED, extra: str = "") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("python.exe", "pythonw.exe", dll, "python3.dll", "python311.zip", "_ssl.pyd",
                     "vcruntime140.dll", "libcrypto-3.dll", "LICENSE.txt"):
            archive.writestr(prefix + name, f"fake {name}")
        archive.writestr(prefix + "python311._pth", "python311.zip\r\n.\r\n#import site\r\n")
        archive.writestr(prefix + "Lib/site-packages/other/__init__.py", "")
        archive.writestr(prefix + "Scripts/pip.exe", "")
        archive.writestr("SDK/tkinter311/DLLs/tk86t.dll", "")
        if extra:
            archive.writestr(extra + "python.exe", "second")
    return path


def test_the_runtime_is_staged_from_an_embeddable_package(build: ModuleType, tmp_path: Path) -> None:
    runtime = tmp_path / "runtime"
    tag = build.stage_runtime(fake_embeddable(tmp_path / "embed.zip"), runtime)
    assert tag == "311"
    names = sorted(p.name for p in runtime.iterdir())
    assert names == sorted(["python.exe", "pythonw.exe", "python311.dll", "python3.dll", "python311.zip",
                            "_ssl.pyd", "vcruntime140.dll", "libcrypto-3.dll", "LICENSE.txt", "python311._pth"])
    # only the runtime: none of the wrapper's own packages, scripts or Tk
    pth = (runtime / "python311._pth").read_text(encoding="ascii").splitlines()
    assert pth == ["python311.zip", ".", "Lib\\site-packages", "import site"]


def test_the_plain_python_org_zip_works_too(build: ModuleType, tmp_path: Path) -> None:
    runtime = tmp_path / "runtime"
    assert build.stage_runtime(fake_embeddable(tmp_path / "embed.zip", prefix=""), runtime) == "311"
    assert (runtime / "python.exe").read_text() == "fake python.exe"


def test_a_runtime_of_another_python_is_refused(build: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(build.BuildError, match=r"CPython 3\.12 but the wheelhouse is for 3\.11"):
        build.stage_runtime(fake_embeddable(tmp_path / "embed.zip", dll="python312.dll"), tmp_path / "rt")


def test_an_archive_with_two_pythons_is_refused(build: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(build.BuildError, match=r"exactly one python\.exe"):
        build.stage_runtime(fake_embeddable(tmp_path / "embed.zip", extra="other/"), tmp_path / "rt")


def test_windows_only_dependencies_are_kept_for_windows(build: ModuleType) -> None:
    # pip evaluates markers for the build machine; the wheelhouse closure uses the target's
    requirement = Requirement('pywin32-ctypes>=0.2.0; sys_platform == "win32"')
    assert requirement.marker is not None
    assert requirement.marker.evaluate({**build.TARGET_MARKERS["win_amd64"], "extra": ""})
    assert not requirement.marker.evaluate({**build.TARGET_MARKERS["manylinux"], "extra": ""})


def nsi_options() -> list[str]:
    text = NSI.read_text(encoding="utf-8-sig")
    return re.findall(r'!insertmacro Read(?:Option|Flag) "([A-Z_]+)"', text)


def test_every_command_line_option_is_documented_for_it_staff() -> None:
    options = nsi_options()
    assert {"DATABASE_URL", "BRANCH_ID", "COUNTER", "NODESKTOP"} <= set(options)
    readme = README.read_text(encoding="utf-8")
    for option in options:
        assert f"/{option}" in readme, f"/{option} is not in installer/README.md"


def test_makensis_refuses_the_script_without_its_stage() -> None:
    makensis = require_executable("makensis", "nsis")
    result = subprocess.run([makensis, "-INPUTCHARSET", "UTF8", "-DVERSION=0.0.0", str(NSI)],
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "define STAGE" in result.stdout + result.stderr


@pytest.mark.slow
def test_makensis_compiles_the_installer_with_a_stand_in_payload(build: ModuleType, tmp_path: Path) -> None:
    require_executable("makensis", "nsis")
    out = build.build_windows(None, out=tmp_path / "madoguchi-stand-in.exe", stage=tmp_path / "stage")
    data = out.read_bytes()
    assert data[:2] == b"MZ"
    (pe_offset,) = struct.unpack_from("<I", data, 0x3C)
    assert data[pe_offset:pe_offset + 4] == b"PE\0\0"
    (machine,) = struct.unpack_from("<H", data, pe_offset + 4)
    assert machine == 0x8664, "the installer is built for 64-bit Windows"
    assert b"NullsoftInst" in data
    # the stand-in is labelled as such in what it carries
    assert "STAND-IN" in (tmp_path / "stage" / "runtime" / "STAND-IN.txt").read_text()
    assert (tmp_path / "stage" / "share" / "resources" / "fonts" / "ipaexg.ttf").exists()
    assert any((tmp_path / "stage" / "share" / "forms").glob("*/form.yaml"))
    assert len(data) > 5_000_000  # fonts and forms are inside


HARNESS_EXPECTED = [
    "DATABASE_URL=[postgresql://madoguchi:pw@db.example.lg.jp/madoguchi?sslmode=require]",
    "COUNTER=[3]",
    "BRANCH_NAME=[北 出張所]",
    "BRANCH_NAME=[北 出張所]",
    "COUNTER=[5]",
    "DATABASE_URL=[]",
    "FORMS_ROOT=[\\\\server\\madoguchi]",
    "BRANCH_NAME=[北 出張所]",
    "PRINTER=[Counter3-A4]",
]


def test_the_option_parser_compiles_and_reads_urls_and_quoted_values(tmp_path: Path) -> None:
    """options.nsh: compiled always; run only where Wine is installed (an optional by-hand check,
    not a CI requirement), since the parser is NSIS code that runs on Windows."""
    makensis = require_executable("makensis", "nsis")
    harness = tmp_path / "options-harness.exe"
    subprocess.run([makensis, "-V2", "-WX", "-INPUTCHARSET", "UTF8", f"-DOUTFILE={harness}",
                    str(ROOT / "installer" / "windows" / "options-harness.nsi")], check=True, capture_output=True)
    assert harness.read_bytes()[:2] == b"MZ"
    wine = shutil.which("wine")
    if wine is None:
        return
    env = {**os.environ, "WINEPREFIX": str(tmp_path / "wine"), "WINEDEBUG": "-all"}
    subprocess.run([wine, str(harness)], env=env, check=True, capture_output=True, timeout=300)
    subprocess.run(["wineserver", "-w"], env=env, check=False, timeout=60)
    lines = (tmp_path / "result.txt").read_bytes().decode("utf-16-le").splitlines()
    assert lines == HARNESS_EXPECTED
