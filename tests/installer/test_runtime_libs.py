"""installer/debian/runtime-packages.txt is enough for what the installed wheels load
(installer/debian/runtime_libs.py: probe, ldd, dpkg -S, apt's dependency graph)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.installer.conftest import load_script
from tests.support.requirements import require_executable

ROOT = Path(__file__).resolve().parents[2]
DEBIAN = ROOT / "installer" / "debian"

pytestmark = pytest.mark.slow


def _load() -> ModuleType:
    return load_script("installer/debian/runtime_libs.py")


@pytest.fixture(scope="module")
def runtime_libs() -> ModuleType:
    for tool, package in (("ldd", "libc-bin"), ("dpkg-query", "dpkg"), ("apt-cache", "apt")):
        require_executable(tool, package)
    return _load()


@pytest.fixture(scope="module")
def probed(runtime_libs: ModuleType) -> dict:
    """What this environment's app loads (Qt offscreen, multimedia, PDF, print, OCR, ONNX Runtime …)."""
    return runtime_libs.probe(Path(sys.executable))


def test_every_library_the_app_loads_comes_from_the_runtime_packages(runtime_libs: ModuleType, probed: dict) -> None:
    report = runtime_libs.check(Path(sys.executable), probed=probed)
    assert report.ok, runtime_libs.describe(report)
    assert report.not_installed == [], "the test environment has every runtime wheel"
    names = {Path(obj).name for obj in report.objects}
    # the plugins the issue names were checked, loaded or not
    for plugin in ("libqxcb.so", "libqoffscreen.so", "libqxcb-glx-integration.so", "libffmpegmediaplugin.so",
                   "libcupsprintersupport.so", "libqtexttospeech_speechd.so", "libqpdf.so"):
        assert plugin in names, f"{plugin} was not checked"
    assert any(name.startswith("libQt6Pdf.so") for name in names)
    assert any(name.startswith("onnxruntime_pybind11_state") for name in names), "ONNX Runtime was not loaded"
    assert any(name.startswith("cv2") for name in names), "OpenCV was not loaded"
    # every system library was mapped to its package, and the X libraries are there
    packages = set(report.package_of.values())
    assert {"libxcb-icccm4", "libxcb-keysyms1", "libxcb1", "libgl1", "libcups2", "libc6"} <= packages
    assert all(report.allowed[p] for p in packages)


def test_a_list_without_the_xcb_packages_fails_and_names_them(runtime_libs: ModuleType, probed: dict,
                                                              tmp_path: Path) -> None:
    """The issue's fresh machine: libxcb-icccm4 and libxcb-keysyms1 were missing from the list."""
    listed = [p for p in runtime_libs.read_packages() if p not in ("libxcb-icccm4", "libxcb-keysyms1")]
    trimmed = tmp_path / "runtime-packages.txt"
    trimmed.write_text("\n".join(listed) + "\n", encoding="utf-8")
    report = runtime_libs.check(Path(sys.executable), trimmed, probed=probed)
    assert not report.ok
    missing = report.missing_packages
    assert set(missing) == {"libxcb-icccm4", "libxcb-keysyms1"}
    assert any("libxcb-icccm.so.4" in lib for lib in missing["libxcb-icccm4"])
    text = runtime_libs.describe(report)
    assert "MISSING: libxcb-icccm4" in text and "libqxcb.so" in text


def test_a_library_that_is_not_installed_at_all_is_reported(runtime_libs: ModuleType) -> None:
    report = runtime_libs.Report(objects=[])
    so = Path(_pyside_plugins()) / "platforms" / "libqxcb.so"
    runtime_libs.resolve([str(so)], [], report)
    assert report.libraries and not report.not_found  # this machine has them all ...
    report.not_found["libxcb-icccm.so.4"] = {str(so)}  # ... so a fresh machine's ldd line is fed in
    assert not report.ok
    assert "NOT FOUND: libxcb-icccm.so.4 (needed by libqxcb.so)" in runtime_libs.describe(report)


def _pyside_plugins() -> str:
    from PySide6.QtCore import QLibraryInfo

    return QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)


def test_ci_installs_everything_the_app_needs_at_run_time() -> None:
    """CI installs test-packages.txt: it must hold every runtime package, or CI tests another machine."""
    runtime_libs = _load()
    runtime = set(runtime_libs.read_packages())
    test = set(runtime_libs.read_packages(DEBIAN / "test-packages.txt"))
    assert runtime - test == set()
