"""Build Madoguchi's offline installers: ``python installer/build.py COMMAND``.

Everything a ward PC needs goes inside the installer, because LGWAN PCs have no internet;
only the build machine downloads (from PyPI).

- ``wheelhouse --platform win_amd64|manylinux``: every runtime dependency from
  pyproject.toml as binary wheels for CPython 3.11 on that platform, our own wheel, the
  compiled translations, and ``manifest.json`` + ``SHA256SUMS`` with every file's hash,
  into ``build/wheelhouse-<platform>/``.
- ``windows --python-embed PATH``: the NSIS installer ``build/madoguchi-<version>-setup.exe``
  (private CPython runtime + the win_amd64 wheelhouse, installed offline on the PC).
  ``--stand-in`` builds it with a tiny labelled dummy payload instead, only to prove that the
  script compiles.
- ``msi --python-embed PATH | --stand-in``: ``build/madoguchi-<version>.msi``, the same payload as
  the .exe as a Windows Installer package (wixl, msitools) for group policy and ``msiexec /qn``
  (installer/windows/madoguchi.wxs says what it does and which properties it takes).
- ``deb``: ``build/madoguchi_<version>_amd64.deb``: a venv in /opt/madoguchi made from the
  manylinux wheelhouse with Debian's python3, /usr/bin/madoguchi, a .desktop file and icon.
  ``--minimal`` puts only our own wheel in the venv (for tests of the package's shape).
- ``icon``: (re)draw resources/icons/madoguchi.{svg,png,ico}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
BUILD = ROOT / "build"
PYTHON_VERSION = "3.11"
#: extras installed on ward PCs (pyscard for the IC card reader)
EXTRAS = ("ic",)

# Debian 12 has glibc 2.36, Ubuntu 22.04 2.35: accept every manylinux wheel up to that.
_MANYLINUX = [f"manylinux_2_{minor}_x86_64" for minor in range(35, 16, -1)] + [
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]
PLATFORMS: dict[str, list[str]] = {"win_amd64": ["win_amd64"], "manylinux": _MANYLINUX}

# pip evaluates environment markers (``; sys_platform == "win32"``) for the machine it runs
# on, not for --platform, so the wheelhouse's dependency closure is walked again with the
# target's marker environment (see closure()).
_MARKERS_COMMON = {"python_version": PYTHON_VERSION, "python_full_version": f"{PYTHON_VERSION}.9",
                   "implementation_name": "cpython", "implementation_version": f"{PYTHON_VERSION}.9",
                   "platform_python_implementation": "CPython", "platform_release": "", "platform_version": ""}
TARGET_MARKERS: dict[str, dict[str, str]] = {
    "win_amd64": {**_MARKERS_COMMON, "os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
                  "platform_machine": "AMD64"},
    "manylinux": {**_MARKERS_COMMON, "os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
                  "platform_machine": "x86_64"},
}

#: Dependencies whose declared requirements are more than what the app uses of them at run time:
#: the installers carry only these (measured: `python installer/deps.py`; the app's name split with
#: BasicNameDivider imports numpy, pandas and regex; lightgbm (and scipy) serve only GBDTNameDivider,
#: typer and rich only namedivider's command line). The wheels are installed with --no-deps from
#: the wheelhouse's requirements.txt, so pip does not ask for the rest.
RUNTIME_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "namedivider_python": ("numpy", "pandas", "regex"),
}

# The runtime files of a Windows CPython "embeddable package" (python.org), by name.
_EMBED_FILE = re.compile(r"^(python[0-9]*\.(exe|dll|zip|cat)|pythonw\.exe|python3\d+\._pth|[^/]+\.pyd|"
                         r"(lib|vcruntime|sqlite|libcrypto|libssl|libffi)[^/]*\.dll|LICENSE\.txt)$", re.I)


class BuildError(Exception):
    """A build step failed; the message says which and what to do."""


# ---------------------------------------------------------------- helpers

def run(command: Sequence[str | Path], **kwargs: object) -> subprocess.CompletedProcess:
    printable = " ".join(str(part) for part in command)
    print(f"+ {printable}", flush=True)
    completed = subprocess.run([str(part) for part in command], check=False, **kwargs)  # type: ignore[call-overload]
    if completed.returncode != 0:
        raise BuildError(f"command failed (exit {completed.returncode}): {printable}")
    return completed


def project() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]


def version() -> str:
    return project()["version"]


def requirements(extras: Iterable[str] = EXTRAS) -> list[str]:
    """The runtime requirements from pyproject.toml, with the given extras."""
    meta = project()
    wanted = list(meta["dependencies"])
    for extra in extras:
        wanted += meta.get("optional-dependencies", {}).get(extra, [])
    return wanted


def requirement_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def runtime_packages() -> list[str]:
    text = (INSTALLER / "debian" / "runtime-packages.txt").read_text(encoding="utf-8")
    return [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]


# ---------------------------------------------------------------- wheelhouse

def _pip_download(platform: str, specs: Sequence[str], dest: Path, no_deps: bool = False) -> None:
    command: list[str | Path] = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check",
                                 "--only-binary=:all:", "--python-version", PYTHON_VERSION, "-d", dest]
    for tag in PLATFORMS[platform]:
        command += ["--platform", tag]
    if no_deps:
        command.append("--no-deps")
    run([*command, *specs])


def missing_wheels(platform: str, specs: Sequence[str]) -> list[str]:
    """Requirements that have no binary wheel for this platform and CPython 3.11."""
    missing = []
    with tempfile.TemporaryDirectory() as folder:
        for spec in specs:
            try:
                _pip_download(platform, [spec], Path(folder), no_deps=True)
            except BuildError:
                missing.append(spec)
    return missing


def _wheel_requires(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        metadata = archive.read(name).decode("utf-8")
    return [line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")]


def closure(folder: Path, platform: str, roots: Sequence[str],
            overrides: dict[str, tuple[str, ...]] = RUNTIME_REQUIREMENTS) -> tuple[set[str], list[str]]:
    """Walk the requirements from ``roots`` through the wheels in ``folder`` with the target's markers
    (and a wheel's requirements replaced by ``overrides``, RUNTIME_REQUIREMENTS).

    Returns the normalised names of the wheels needed and the requirements no wheel satisfies.
    """
    from packaging.requirements import Requirement

    wheels = {normalise(path.name.split("-")[0]): path for path in folder.glob("*.whl")}
    environment = TARGET_MARKERS[platform]
    needed: set[str] = set()
    seen: set[tuple[str, frozenset[str]]] = set()
    gaps: list[str] = []
    pending = [Requirement(spec) for spec in roots]
    while pending:
        requirement = pending.pop()
        name = normalise(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        wheel = wheels.get(name)
        version_text = wheel.name.split("-")[1] if wheel else ""
        if wheel is None or not requirement.specifier.contains(version_text, prereleases=True):
            gaps.append(str(requirement).split(";")[0].strip())
            continue
        needed.add(name)
        for text in overrides.get(name, _wheel_requires(wheel)):
            dependency = Requirement(text)
            extras = ("", *requirement.extras)
            if dependency.marker is None or any(dependency.marker.evaluate({**environment, "extra": e}) for e in extras):
                dependency.marker = None
                pending.append(dependency)
    return needed, sorted(set(gaps))


def complete_for_target(folder: Path, platform: str, roots: Sequence[str]) -> None:
    """Add what the target needs but pip skipped (markers), and drop what only the build machine needs."""
    for _round in range(5):
        needed, gaps = closure(folder, platform, roots)
        if not gaps:
            break
        print(f"for {platform} also: {', '.join(gaps)}")
        _pip_download(platform, gaps, folder)
    else:
        raise BuildError(f"the {platform} wheelhouse is still missing: {', '.join(gaps)}")
    keep = needed | {"pip", "madoguchi"}
    # what the wheelhouse would hold with every declared requirement (for the size report)
    declared, _ = closure(folder, platform, roots, overrides={})
    dropped = sorted(p for p in folder.glob("*.whl") if normalise(p.name.split("-")[0]) in declared - keep)
    (folder / "dropped.json").write_text(json.dumps(
        {"wheels": [p.name for p in dropped], "bytes": sum(p.stat().st_size for p in dropped)}, indent=1) + "\n",
        encoding="utf-8")
    for path in folder.glob("*.whl"):
        if normalise(path.name.split("-")[0]) not in keep:
            print(f"not needed on {platform}: {path.name}")
            path.unlink()


def host_builds_for(platform: str) -> bool:
    """Can a wheel built from source on this machine serve ``platform`` (pyscard has no manylinux wheel)?"""
    import platform as host

    return (platform == "manylinux" and sys.platform == "linux" and host.machine() == "x86_64"
            and f"{sys.version_info[0]}.{sys.version_info[1]}" == PYTHON_VERSION)


def own_wheel(dest: Path) -> Path:
    """Build our own wheel (no dependencies) into ``dest``."""
    for old in dest.glob("madoguchi-*.whl"):
        old.unlink()
    run([sys.executable, "-m", "pip", "wheel", "--disable-pip-version-check", "--no-deps", "-w", dest, ROOT])
    wheels = sorted(dest.glob("madoguchi-*.whl"))
    if not wheels:
        raise BuildError(f"pip wheel made no madoguchi wheel in {dest}")
    return wheels[-1]


def compile_translations() -> None:
    run([sys.executable, INSTALLER / "i18n.py", "build"], cwd=ROOT)


@dataclass(frozen=True)
class WheelInfo:
    file: str
    name: str
    tags: str
    size: int
    sha256: str


def wheel_info(path: Path) -> WheelInfo:
    parts = path.name[:-4].split("-")
    return WheelInfo(path.name, normalise(parts[0]), "-".join(parts[-3:]), path.stat().st_size, sha256(path))


def write_manifest(folder: Path, platform: str) -> dict:
    wheels = [wheel_info(path) for path in sorted(folder.glob("*.whl"))]
    manifest = {
        "project": "madoguchi",
        "version": version(),
        "platform": platform,
        "python": PYTHON_VERSION,
        "requirements": requirements(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "wheels": [w.__dict__ for w in wheels],
        "total_bytes": sum(w.size for w in wheels),
    }
    dropped = folder / "dropped.json"
    if dropped.exists():  # declared by a dependency but not used at run time (RUNTIME_REQUIREMENTS)
        manifest["not_shipped"] = json.loads(dropped.read_text(encoding="utf-8"))
        dropped.unlink()
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (folder / "SHA256SUMS").write_text("".join(f"{w.sha256}  {w.file}\n" for w in wheels), encoding="utf-8")
    (folder / REQUIREMENTS_FILE).write_text(requirements_text(wheels), encoding="utf-8")
    return manifest


#: every wheel of the wheelhouse pinned, installed with ``pip install --no-index --no-deps -r``
REQUIREMENTS_FILE = "requirements.txt"


def requirements_text(wheels: Iterable[WheelInfo]) -> str:
    """The wheelhouse as pinned requirements: exactly these wheels, nothing resolved on the PC
    (the closure was walked at build time, with RUNTIME_REQUIREMENTS), pip itself excepted."""
    lines = [f"{w.name}=={w.file.split('-')[1]}" for w in wheels if w.name != "pip"]
    return "# installer/build.py: every wheel of this wheelhouse, installed with --no-deps\n" + "\n".join(lines) + "\n"


def wheelhouse_dir(platform: str) -> Path:
    return BUILD / f"wheelhouse-{platform}"


def build_wheelhouse(platform: str, dest: Path | None = None) -> Path:
    dest = dest or wheelhouse_dir(platform)
    dest.mkdir(parents=True, exist_ok=True)
    specs = requirements()
    try:
        # pip: the Windows installer bootstraps the private runtime's pip from this wheel
        _pip_download(platform, [*specs, "pip"], dest)
    except BuildError as error:
        missing = missing_wheels(platform, specs)
        if not missing or not host_builds_for(platform):
            raise BuildError(f"{error}\nno {platform} wheel for CPython {PYTHON_VERSION}: "
                             f"{', '.join(missing) or '(none found one by one; see pip output above)'}") from error
        for spec in missing:
            print(f"no {platform} wheel on PyPI for {spec}: building it here from source")
            run([sys.executable, "-m", "pip", "wheel", "--disable-pip-version-check", "--no-deps", "-w", dest, spec])
        _pip_download(platform, [*(s for s in specs if s not in missing), "pip"], dest)
    own_wheel(dest)
    complete_for_target(dest, platform, [*specs, f"madoguchi[{','.join(EXTRAS)}]", "pip"])
    compile_translations()
    manifest = write_manifest(dest, platform)
    print(platform_report(manifest))
    return dest


def platform_report(manifest: dict) -> str:
    """One line per requirement: which wheel serves it, and whether it is platform-specific."""
    by_name = {w["name"]: w for w in manifest["wheels"]}
    lines = [f"wheelhouse {manifest['platform']}: {len(manifest['wheels'])} wheels, "
             f"{manifest['total_bytes'] / 1e6:.0f} MB"]
    if manifest.get("not_shipped"):
        skipped = manifest["not_shipped"]
        lines.append(f"  not shipped (not used at run time): {len(skipped['wheels'])} wheels, "
                     f"{skipped['bytes'] / 1e6:.0f} MB: {', '.join(w.split('-')[0] for w in skipped['wheels'])}")
    for spec in manifest["requirements"]:
        wheel = by_name.get(normalise(requirement_name(spec)))
        lines.append(f"  {spec:<32} {wheel['file'] if wheel else 'MISSING'}")
    return "\n".join(lines)


# ---------------------------------------------------------------- icon

def build_icon() -> None:
    run([sys.executable, INSTALLER / "icon.py"], cwd=ROOT)


def icon_file(suffix: str) -> Path:
    path = ROOT / "resources" / "icons" / f"madoguchi.{suffix}"
    if not path.exists():
        raise BuildError(f"{path} is missing; run `python installer/build.py icon`")
    return path


# ---------------------------------------------------------------- shared payload

def copy_shipped(dest: Path) -> None:
    """resources/ and forms/ as the app finds them under ``<prefix>/share/madoguchi``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.ts")
    for name in ("resources", "forms"):
        target = dest / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ROOT / name, target, ignore=ignore)


# ---------------------------------------------------------------- Windows

STAND_IN_NOTE = ("STAND-IN PAYLOAD - NOT A WORKING INSTALLER.\r\n"
                 "Built by `installer/build.py windows --stand-in` only to prove that madoguchi.nsi compiles.\r\n"
                 "It contains no Python runtime and no wheels.\r\n")


def embed_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Runtime file name → member name, for a python.org embeddable zip or a wheel that wraps one."""
    found: dict[str, str] = {}
    folders = {name.rsplit("/", 1)[0] if "/" in name else "" for name in archive.namelist()
               if re.search(r"(^|/)python\.exe$", name)}
    if len(folders) != 1:
        raise BuildError("the --python-embed archive must hold exactly one python.exe "
                         f"(found {len(folders)}); give the python.org 'Windows embeddable package (64-bit)' zip")
    folder = folders.pop()
    prefix = folder + "/" if folder else ""
    for name in archive.namelist():
        if name.startswith(prefix) and "/" not in name[len(prefix):] and _EMBED_FILE.match(name[len(prefix):]):
            found[name[len(prefix):]] = name
    return found


def python_tag(files: Iterable[str]) -> str:
    for name in files:
        match = re.fullmatch(r"python(3\d+)\.dll", name, re.I)
        if match:
            return match.group(1)
    raise BuildError("no python3XY.dll in the runtime: not a CPython embeddable package")


def stage_runtime(embed: Path, dest: Path) -> str:
    """Unpack the Windows runtime into ``dest``; return its tag (``311``)."""
    with zipfile.ZipFile(embed) as archive:
        members = embed_members(archive)
        tag = python_tag(members)
        if tag != PYTHON_VERSION.replace(".", ""):
            raise BuildError(f"the runtime is CPython {tag[0]}.{tag[1:]} but the wheelhouse is for {PYTHON_VERSION}")
        dest.mkdir(parents=True, exist_ok=True)
        for name, member in members.items():
            if not name.endswith("._pth"):
                (dest / name).write_bytes(archive.read(member))
    # Our own ._pth: the stdlib zip, the install folder and site-packages, and `import site`
    # so that pip and the installed packages work (the embeddable default leaves site off).
    (dest / f"python{tag}._pth").write_text(f"python{tag}.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n",
                                            encoding="ascii")
    return tag


def unpack_wheel(wheel: Path, site_packages: Path) -> None:
    """Install a pure-Python wheel by unpacking it (how get-pip bootstraps pip)."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site_packages)


def stage_windows(stage: Path, embed: Path | None, wheelhouse: Path | None) -> dict[str, str]:
    if stage.exists():
        shutil.rmtree(stage)
    runtime = stage / "runtime"
    defines = {"VERSION": version(), "STAGE": str(stage)}
    if embed is None:  # stand-in
        runtime.mkdir(parents=True)
        (runtime / "STAND-IN.txt").write_text(STAND_IN_NOTE, encoding="ascii")
        with zipfile.ZipFile(runtime / "python311.zip", "w") as dummy:
            dummy.writestr("STAND-IN.txt", STAND_IN_NOTE)
        (stage / "wheelhouse").mkdir()
        (stage / "wheelhouse" / "STAND-IN.txt").write_text(STAND_IN_NOTE, encoding="ascii")
        defines["STAND_IN"] = "1"
    else:
        compile_translations()
        stage_runtime(embed, runtime)
        assert wheelhouse is not None
        pips = sorted(wheelhouse.glob("pip-*.whl"))
        if not pips or not list(wheelhouse.glob("madoguchi-*.whl")) or not (wheelhouse / REQUIREMENTS_FILE).exists():
            raise BuildError(f"{wheelhouse} has no pip or madoguchi wheel; run `build.py wheelhouse --platform win_amd64`")
        unpack_wheel(pips[-1], runtime / "Lib" / "site-packages")
        shutil.copytree(wheelhouse, stage / "wheelhouse")
    copy_shipped(stage / "share")
    shutil.copy2(icon_file("ico"), stage / "madoguchi.ico")
    shutil.copy2(ROOT / "LICENSE", stage / "LICENSE.txt")
    return defines


def build_windows(embed: Path | None, wheelhouse: Path | None = None, out: Path | None = None,
                  compressor: str = "zlib", stage: Path | None = None) -> Path:
    makensis = shutil.which("makensis")
    if makensis is None:
        raise BuildError("makensis is not installed (Debian: apt-get install nsis)")
    stand_in = embed is None
    stage = stage or BUILD / ("windows-stand-in" if stand_in else "windows")
    if not stand_in:
        wheelhouse = wheelhouse or wheelhouse_dir("win_amd64")
    defines = stage_windows(stage, embed, wheelhouse)
    suffix = "-STAND-IN" if stand_in else ""
    out = out or BUILD / f"madoguchi-{version()}{suffix}-setup.exe"
    out.parent.mkdir(parents=True, exist_ok=True)
    defines.update(OUTFILE=str(out.resolve()), COMPRESSOR=compressor)
    run([makensis, "-V2", "-WX", "-INPUTCHARSET", "UTF8", *(f"-D{k}={v}" for k, v in defines.items()),
         INSTALLER / "windows" / "madoguchi.nsi"])
    print(f"built {out} ({out.stat().st_size / 1e6:.1f} MB){'  [STAND-IN: not a working installer]' if stand_in else ''}")
    return out


# ---------------------------------------------------------------- MSI (wixl)

#: never changes: every version of madoguchi.msi upgrades the one before (installer/windows/madoguchi.wxs)
MSI_UPGRADE_CODE = "{6F0B8E0C-5E4D-4C55-9B2A-4D3A1C0A7D21}"
#: the public properties a GPO transform or ``msiexec /i … NAME=value`` can set
MSI_PROPERTIES = ("DATABASE_URL", "BRANCH_ID", "BRANCH_NAME", "COUNTER", "PRINTER", "SCANNER_FOLDER", "FORMS_ROOT",
                  "NODESKTOP", "NOSELFTEST", "PURGE_DATA")
MSI_SETUP = "msi_setup.py"

# Custom action types (Windows Installer): 34 = run an exe, working directory in Source;
# +1024 deferred (in the install script), +2048 no impersonation (LocalSystem), +256 rollback,
# +64 ignore the exit code, +8192 hide the command line from the log (DATABASE_URL).
_CA_EXE_DIR, _CA_DEFERRED, _CA_SYSTEM, _CA_ROLLBACK, _CA_IGNORE, _CA_HIDE = 34, 1024, 2048, 256, 64, 8192
# Through cmd.exe, as the NSIS installer runs its commands: msiexec starts an EXE custom action
# without usable standard handles, and Python cannot start so (seen under Wine's msiexec:
# "init_sys_streams: can't initialize sys standard streams"); cmd gives it NUL and a log file.
_SETUP = f'"[System64Folder]cmd.exe" /d /s /c ""[INSTALLDIR]python.exe" "[INSTALLDIR]{MSI_SETUP}"'
_DIRS = '"[INSTALLDIR]|" "[MACHINEDIR]|"'
_TO_LOG = ' < NUL >> "[MACHINEDIR]logs\\install-msi.log" 2>&1"'
_TO_NUL = ' < NUL > NUL 2>&1"'  # removing ProgramData: no log file held open in it
MSI_ACTIONS: tuple[tuple[str, int, str, str, str], ...] = (
    # (action, type, command line, condition, scheduled before this action)
    ("MadoguchiRemove", _CA_EXE_DIR + _CA_DEFERRED + _CA_SYSTEM + _CA_IGNORE,
     f'{_SETUP} remove {_DIRS} "--purge=[PURGE_DATA]|" "--upgrading=[UPGRADINGPRODUCTCODE]|"{_TO_NUL}',
     'REMOVE~="ALL"', "RemoveFiles"),
    ("MadoguchiInstallRollback", _CA_EXE_DIR + _CA_DEFERRED + _CA_SYSTEM + _CA_ROLLBACK + _CA_IGNORE,
     f"{_SETUP} remove {_DIRS}{_TO_NUL}", 'NOT REMOVE~="ALL"', "MadoguchiInstall"),
    ("MadoguchiInstall", _CA_EXE_DIR + _CA_DEFERRED + _CA_SYSTEM + _CA_HIDE,
     f'{_SETUP} install {_DIRS} "[FORMS_ROOT]|" "--database-url=[DATABASE_URL]|" "--branch-id=[BRANCH_ID]|" '
     '"--branch-name=[BRANCH_NAME]|" "--counter=[COUNTER]|" "--printer=[PRINTER]|" '
     f'"--scanner-folder=[SCANNER_FOLDER]|" "--noselftest=[NOSELFTEST]|"{_TO_LOG}',
     'NOT REMOVE~="ALL"', "InstallFinalize"),
)


def _msi_id(prefix: str, relative: str) -> str:
    return f"{prefix}{hashlib.sha1(relative.encode()).hexdigest()[:24]}"


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def payload_wxs(stage: Path) -> tuple[str, list[str]]:
    """The wixl fragment for the staged payload: every file one component, in ComponentGroup "Payload".

    runtime/ → INSTALLDIR, wheelhouse/ → INSTALLDIR/wheelhouse, share/resources/ →
    INSTALLDIR/share/madoguchi/resources, share/forms/ → MACHINEDIR/forms (permanent: the ward's),
    madoguchi.ico, LICENSE.txt, msi_setup.py → INSTALLDIR. Returns the XML and the forms' component ids.
    """
    roots = [("INSTALLDIR", stage / "runtime", ""), ("INSTALLDIR", stage / "wheelhouse", "wheelhouse"),
             ("INSTALLDIR", stage / "share" / "resources", "share/madoguchi/resources"),
             ("MACHINEDIR", stage / "share" / "forms", "forms")]
    singles = [("INSTALLDIR", stage / name) for name in ("madoguchi.ico", "LICENSE.txt", MSI_SETUP)]
    tree: dict[str, dict] = {"INSTALLDIR": {}, "MACHINEDIR": {}}
    for root_id, source, target in roots:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                parts = [*filter(None, target.split("/")), *path.relative_to(source).parts]
                node = tree[root_id]
                for folder in parts[:-1]:
                    node = node.setdefault(folder, {})
                node[parts[-1]] = path
    for root_id, path in singles:
        tree[root_id][path.name] = path
    components: list[str] = []
    forms: list[str] = []
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">',
             "  <Fragment>"]

    def emit(node: dict, where: str, depth: int) -> None:
        pad = "  " * depth
        for name, child in sorted(node.items()):
            relative = f"{where}/{name}"
            if isinstance(child, dict):
                lines.append(f'{pad}<Directory Id="{_msi_id("d", relative)}" Name="{_xml(name)}">')
                emit(child, relative, depth + 1)
                lines.append(f"{pad}</Directory>")
            else:
                component = _msi_id("c", relative)
                components.append(component)
                if relative.startswith("MACHINEDIR/forms/"):
                    forms.append(component)
                source = child.relative_to(stage).as_posix()
                lines.append(f'{pad}<Component Id="{component}" Guid="*" Win64="yes">'
                             f'<File Id="{_msi_id("f", relative)}" Name="{_xml(name)}" Source="{_xml(source)}" '
                             f'KeyPath="yes"/></Component>')

    for root_id in ("INSTALLDIR", "MACHINEDIR"):
        lines.append(f'    <DirectoryRef Id="{root_id}">')
        emit(tree[root_id], root_id, 3)
        lines.append("    </DirectoryRef>")
    lines.append('    <ComponentGroup Id="Payload">')
    lines += [f'      <ComponentRef Id="{c}"/>' for c in components]
    lines += ["    </ComponentGroup>", "  </Fragment>", "</Wix>", ""]
    return "\n".join(lines), forms


def _sql(text: str) -> str:
    if "'" in text:
        raise BuildError(f"a single quote cannot go into the MSI's SQL: {text}")
    return f"'{text}'"


def msi_queries(forms: Sequence[str]) -> list[str]:
    """What wixl 0.101 cannot express, set in the built database (see madoguchi.wxs)."""
    queries = []
    for action, kind, command, _condition, _before in MSI_ACTIONS:
        queries.append("INSERT INTO CustomAction (Action, Type, Source, Target) VALUES "
                       f"({_sql(action)}, {kind}, 'INSTALLDIR', {_sql(command)})")
    # sequence numbers: each action just before the one it names (filled in by _sequence_numbers)
    queries.append("UPDATE Component SET Condition = 'NODESKTOP <> \"1\"' WHERE Component = 'DesktopShortcut'")
    # 64-bit + permanent: ProgramData\Madoguchi (the forms, the logs folder) is the ward's
    queries += [f"UPDATE Component SET Attributes = 272 WHERE Component = {_sql(c)}" for c in [*forms, "LogsFolder"]]
    secure = ";".join(["WIX_DOWNGRADE_DETECTED", "WIX_UPGRADE_DETECTED", *MSI_PROPERTIES])
    queries.append(f"UPDATE Property SET Value = {_sql(secure)} WHERE Property = 'SecureCustomProperties'")
    queries.append("INSERT INTO Property (Property, Value) VALUES ('MsiHiddenProperties', 'DATABASE_URL')")
    return queries


def msi_table(msi: Path, table: str) -> list[dict[str, str]]:
    """A table of the MSI as rows (msiinfo export)."""
    out = subprocess.run(["msiinfo", "export", str(msi), table], capture_output=True, check=True).stdout
    lines = out.decode("utf-8", errors="replace").split("\r\n")
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"), strict=False)) for line in lines[3:] if line]


def _sequence_queries(msi: Path) -> list[str]:
    sequence = {row["Action"]: int(row["Sequence"]) for row in msi_table(msi, "InstallExecuteSequence")}
    queries = [f"UPDATE InstallExecuteSequence SET Sequence = {sequence['InstallInitialize'] + 1} "
               "WHERE Action = 'RemoveExistingProducts'"]  # the old version goes first, whole
    placed: dict[str, int] = {}
    for action, _kind, _command, condition, before in reversed(MSI_ACTIONS):
        number = (placed.get(before) or sequence[before]) - 1
        while number in sequence.values() or number in placed.values():
            number -= 1
        placed[action] = number
        queries.append("INSERT INTO InstallExecuteSequence (Action, Condition, Sequence) VALUES "
                       f"({_sql(action)}, {_sql(condition)}, {number})")
    return queries


def build_msi(embed: Path | None, wheelhouse: Path | None = None, out: Path | None = None,
              stage: Path | None = None) -> Path:
    """madoguchi.msi from the same stage as the NSIS installer (wixl + msibuild, msitools)."""
    for tool, package in (("wixl", "wixl"), ("msibuild", "msitools"), ("msiinfo", "msitools")):
        if shutil.which(tool) is None:
            raise BuildError(f"{tool} is not installed (Debian: apt-get install {package})")
    stand_in = embed is None
    stage = stage or BUILD / ("msi-stand-in" if stand_in else "msi")
    if not stand_in:
        wheelhouse = wheelhouse or wheelhouse_dir("win_amd64")
    stage_windows(stage, embed, wheelhouse)
    shutil.copy2(INSTALLER / "windows" / MSI_SETUP, stage / MSI_SETUP)
    fragment, forms = payload_wxs(stage)
    (stage / "payload.wxs").write_text(fragment, encoding="utf-8")
    shutil.copy2(INSTALLER / "windows" / "madoguchi.wxs", stage / "madoguchi.wxs")
    suffix = "-STAND-IN" if stand_in else ""
    out = (out or BUILD / f"madoguchi-{version()}{suffix}.msi").resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    run(["wixl", "-a", "x64", "-D", f"Version={version()}", "-D", f"StandIn={int(stand_in)}", "-o", out,
         "madoguchi.wxs", "payload.wxs"], cwd=stage)
    queries = msi_queries(forms) + _sequence_queries(out)
    for start in range(0, len(queries), 50):
        run(["msibuild", out, *(arg for q in queries[start:start + 50] for arg in ("-q", q))])
    print(f"built {out} ({out.stat().st_size / 1e6:.1f} MB){'  [STAND-IN: installs nothing]' if stand_in else ''}")
    return out


def configure_msi(msi: Path, out: Path, values: dict[str, str]) -> Path:
    """A copy of ``msi`` with public properties set in it (for group policy, which passes no
    command line): what a transform (.mst) made with Orca does, without Windows."""
    unknown = sorted(set(values) - set(MSI_PROPERTIES))
    if unknown:
        raise BuildError(f"{', '.join(unknown)}: not a property of madoguchi.msi (known: {', '.join(MSI_PROPERTIES)})")
    queries = [f"INSERT INTO Property (Property, Value) VALUES ({_sql(name)}, {_sql(text)})"
               for name, text in values.items() if text != ""]
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(msi, out)
    info = subprocess.run(["msiinfo", "suminfo", str(msi)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(": ", 1) for line in info.splitlines() if ": " in line)
    # a different package is a different package code (Windows Installer caches packages by it)
    package_code = "{" + str(uuid.uuid4()).upper() + "}"
    run(["msibuild", out, *(arg for q in queries for arg in ("-q", q))])
    run(["msibuild", out, "-s", fields.get("Subject", "Madoguchi"), fields.get("Author", "Madoguchi developers"),
         fields.get("Template", "x64;1033"), package_code])
    print(f"configured {out}: {', '.join(f'{k}=…' if k == 'DATABASE_URL' else f'{k}={v}' for k, v in values.items())}")
    return out


# ---------------------------------------------------------------- Debian

DEB_PREFIX = "/opt/madoguchi"

WRAPPER = """#!/bin/sh
# Madoguchi: the venv in /opt/madoguchi. A machine-wide settings file, if the ward made one,
# is used unless MADOGUCHI_CONFIG says otherwise.
if [ -z "${MADOGUCHI_CONFIG:-}" ] && [ -f /etc/madoguchi/settings.toml ]; then
    MADOGUCHI_CONFIG=/etc/madoguchi/settings.toml
    export MADOGUCHI_CONFIG
fi
exec /opt/madoguchi/bin/python -m madoguchi "$@"
"""

DESKTOP = """[Desktop Entry]
Type=Application
Name=Madoguchi
Name[ja]=窓口 Madoguchi
GenericName=Counter app for municipal offices
GenericName[ja]=窓口支援
Comment=Read the ID card once, fill every form, print; queue tickets and lobby display
Comment[ja]=本人確認書類を一度読み取り、申請書を記入・印刷。整理券とロビー表示
Exec=madoguchi
Icon=madoguchi
Terminal=false
Categories=Office;
StartupWMClass=madoguchi
"""

POSTRM = """#!/bin/sh
set -e
# Python writes __pycache__ files that dpkg does not know about.
if [ "$1" = remove ] || [ "$1" = purge ]; then
    rm -rf /opt/madoguchi
fi
"""


PREINST = """#!/bin/sh
set -e
# An older Madoguchi over a newer one is refused: the newer one may have migrated the database
# (the app refuses such a database too, untouched; see Database.refuse_newer).
if [ "$1" = upgrade ] && [ -n "$2" ] && dpkg --compare-versions "$2" gt "{version}"; then
    echo "madoguchi: $2 is installed; refusing to install the older {version} over it" >&2
    echo "madoguchi: (its database may have been migrated by $2). To go back anyway: apt remove madoguchi first." >&2
    exit 1
fi
"""


def debian_python() -> Path:
    python = Path("/usr/bin/python3")
    if not python.exists():
        raise BuildError("/usr/bin/python3 is missing: the .deb's venv is made with the distribution's python3")
    return python


def python_minor(python: Path) -> str:
    out = subprocess.run([str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def control_file(installed_kib: int, minor: str) -> str:
    major, low = minor.split(".")
    # libpcsclite1: pyscard's wheel is built here from source and links to it (IC card reader)
    depends = [f"python3 (>= {minor})", f"python3 (<< {major}.{int(low) + 1})", *runtime_packages(), "libpcsclite1"]
    return (f"Package: madoguchi\nVersion: {version()}\nArchitecture: amd64\nSection: misc\nPriority: optional\n"
            f"Maintainer: Madoguchi developers <madoguchi@localhost>\nInstalled-Size: {installed_kib}\n"
            f"Depends: {', '.join(dict.fromkeys(depends))}\n"
            "Recommends: pcscd\n"
            "Description: counter app for Japanese municipal offices (窓口)\n"
            " Reads the resident's ID card once (OCR or IC chip), fills every form the visit\n"
            " needs and prints them; queue tickets, lobby display and supervisor dashboard.\n"
            " Everything it needs is inside the package: it installs without internet.\n")


def _rewrite_shebangs(bin_dir: Path, staged: str, final: str) -> None:
    """pip wrote the stage's path into the scripts; the package lives at ``final``."""
    for script in bin_dir.iterdir():
        if script.is_file() and not script.is_symlink():
            data = script.read_bytes()
            if staged.encode() in data:
                script.write_bytes(data.replace(staged.encode(), final.encode()))


def _tree_kib(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) // 1024 + 1


def stage_deb(stage: Path, wheelhouse: Path, minimal: bool) -> str:
    if stage.exists():
        shutil.rmtree(stage)
    venv = stage / DEB_PREFIX.lstrip("/")
    python = debian_python()
    minor = python_minor(python)
    run([python, "-m", "venv", "--without-pip", venv])
    install = [sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install",
               "--disable-pip-version-check", "--no-index", "--find-links", wheelhouse, "--no-warn-script-location"]
    run([*install, "--no-deps", "madoguchi"] if minimal
        else [*install, "--no-deps", "-r", wheelhouse / REQUIREMENTS_FILE])
    _rewrite_shebangs(venv / "bin", str(venv), DEB_PREFIX)
    copy_shipped(venv / "share" / "madoguchi")
    usr = stage / "usr"
    (usr / "bin").mkdir(parents=True)
    (usr / "bin" / "madoguchi").write_text(WRAPPER, encoding="utf-8")
    (usr / "bin" / "madoguchi").chmod(0o755)
    (usr / "share" / "applications").mkdir(parents=True)
    (usr / "share" / "applications" / "madoguchi.desktop").write_text(DESKTOP, encoding="utf-8")
    for size_dir, suffix in (("scalable", "svg"), ("256x256", "png")):
        target = usr / "share" / "icons" / "hicolor" / size_dir / "apps"
        target.mkdir(parents=True)
        shutil.copy2(icon_file(suffix), target / f"madoguchi.{suffix}")
    debian = stage / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(control_file(_tree_kib(stage), minor), encoding="utf-8")
    (debian / "postrm").write_text(POSTRM, encoding="utf-8")
    (debian / "preinst").write_text(PREINST.format(version=version()), encoding="utf-8")
    for script in ("postrm", "preinst"):
        (debian / script).chmod(0o755)
    return minor


def build_deb(wheelhouse: Path | None = None, out: Path | None = None, minimal: bool = False,
              stage: Path | None = None) -> Path:
    dpkg_deb = shutil.which("dpkg-deb")
    if dpkg_deb is None:
        raise BuildError("dpkg-deb is not installed (Debian package dpkg)")
    stage = stage or BUILD / ("deb-minimal" if minimal else "deb") / "root"
    with tempfile.TemporaryDirectory() as folder:
        if minimal:
            wheelhouse = Path(folder)
            own_wheel(wheelhouse)
        else:
            compile_translations()
            wheelhouse = wheelhouse or wheelhouse_dir("manylinux")
            if not list(wheelhouse.glob("madoguchi-*.whl")) or not (wheelhouse / REQUIREMENTS_FILE).exists():
                raise BuildError(f"{wheelhouse} has no madoguchi wheel or no {REQUIREMENTS_FILE}; "
                                 "run `build.py wheelhouse --platform manylinux`")
        stage_deb(stage, wheelhouse, minimal)
    suffix = "-minimal" if minimal else ""
    out = out or BUILD / f"madoguchi_{version()}{suffix}_amd64.deb"
    out.parent.mkdir(parents=True, exist_ok=True)
    run([dpkg_deb, "--root-owner-group", "-Zgzip", "--build", stage, out])
    print(f"built {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return out


# ---------------------------------------------------------------- command line

def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="installer/build.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    wheelhouse = commands.add_parser("wheelhouse", help="download every runtime wheel for one platform")
    wheelhouse.add_argument("--platform", choices=sorted(PLATFORMS), required=True)
    wheelhouse.add_argument("--out", type=Path, help="folder (default build/wheelhouse-<platform>)")
    for name, what in (("windows", "the NSIS installer (.exe)"),
                       ("msi", "the Windows Installer package (.msi) for group policy")):
        windows = commands.add_parser(name, help=what)
        source = windows.add_mutually_exclusive_group(required=True)
        source.add_argument("--python-embed", type=Path, metavar="ZIP",
                            help="the Windows CPython 3.11 embeddable package (64-bit) zip")
        source.add_argument("--stand-in", action="store_true",
                            help="a tiny labelled dummy payload: proves that it builds, installs nothing")
        windows.add_argument("--wheelhouse", type=Path, help="default build/wheelhouse-win_amd64")
        windows.add_argument("--out", type=Path)
    commands.choices["windows"].add_argument(
        "--compressor", choices=("zlib", "bzip2", "lzma"), default="zlib",
        help="NSIS compressor (the wheels are compressed already; lzma is slow)")
    configure = commands.add_parser("msi-configure", help="a copy of the MSI with properties set (group policy)")
    configure.add_argument("msi", type=Path)
    configure.add_argument("out", type=Path)
    configure.add_argument("values", nargs="+", metavar="NAME=VALUE", help=f"one of {', '.join(MSI_PROPERTIES)}")
    deb = commands.add_parser("deb", help="the Debian/Ubuntu package (.deb)")
    deb.add_argument("--wheelhouse", type=Path, help="default build/wheelhouse-manylinux")
    deb.add_argument("--out", type=Path)
    deb.add_argument("--minimal", action="store_true", help="only our own wheel in the venv (tests)")
    commands.add_parser("icon", help="draw resources/icons/madoguchi.{svg,png,ico}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    try:
        if args.command == "wheelhouse":
            build_wheelhouse(args.platform, args.out)
        elif args.command == "windows":
            build_windows(args.python_embed, args.wheelhouse, args.out, args.compressor)
        elif args.command == "msi":
            build_msi(args.python_embed, args.wheelhouse, args.out)
        elif args.command == "msi-configure":
            pairs = [v.partition("=") for v in args.values]
            if any(not sep for _, sep, _ in pairs):
                raise BuildError("give each property as NAME=VALUE")
            configure_msi(args.msi, args.out, {name: text for name, _, text in pairs})
        elif args.command == "deb":
            build_deb(args.wheelhouse, args.out, args.minimal)
        elif args.command == "icon":
            build_icon()
    except BuildError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
