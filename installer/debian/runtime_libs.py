"""Prove that installer/debian/runtime-packages.txt is enough for the installed wheels.

``python installer/debian/runtime_libs.py [--python VENV/bin/python] [--json]``

1. Runs probe_libs.py in that Python: it starts Qt (offscreen) with multimedia, PDF, print support and
   text-to-speech, and loads OpenCV, Tesseract, ONNX Runtime, psycopg, cryptography …; every shared
   object the process loaded is listed (``/proc/self/maps``).
2. Adds the Qt plugins a counter PC loads that the probe cannot (the xcb platform of a real desktop
   and its GL integrations, the speech-dispatcher engine, input methods, icon engines).
3. Resolves every library those need (``ldd``): one that is not found is an error.
4. Maps each system library to the Debian package that ships it (``dpkg -S``) and checks that the
   package is in runtime-packages.txt, or is installed by one of them (Depends/Pre-Depends, from
   ``apt-cache depends --recurse``), or is part of every Debian system (Essential / Priority required).

Exit status 0 when the list is enough, 1 with the missing packages and the libraries that need them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNTIME_PACKAGES = HERE / "runtime-packages.txt"
PROBE = HERE / "probe_libs.py"

#: Qt plugins a counter PC can load beyond what an offscreen probe loads, by folder and file pattern
#: (platformthemes/gtk3 is left out: Qt uses it only when GTK is there and falls back without it;
#: tls/ and the gstreamer media backend are not used by the app).
EXTRA_PLUGINS: dict[str, str] = {
    "platforms": r"libq(xcb|offscreen)\.so",
    "xcbglintegrations": r".*\.so",
    "multimedia": r"libffmpegmediaplugin\.so",
    "printsupport": r".*\.so",
    "texttospeech": r"libqtexttospeech_speechd\.so",
    "imageformats": r".*\.so",
    "iconengines": r".*\.so",
    "platforminputcontexts": r"lib(compose|ibus)platforminputcontextplugin\.so",
}


class CheckError(Exception):
    """The check could not run (not Debian, the probe failed): the message says why."""


@dataclass
class Report:
    objects: list[str]
    #: system library path → the objects that need it
    libraries: dict[str, set[str]] = field(default_factory=dict)
    #: library soname → the objects that need it but find no such library
    not_found: dict[str, set[str]] = field(default_factory=dict)
    #: system library path → Debian package
    package_of: dict[str, str] = field(default_factory=dict)
    unowned: list[str] = field(default_factory=list)
    #: package → why it is present ("listed", "base", or "via <listed package>")
    allowed: dict[str, str] = field(default_factory=dict)
    not_installed: list[str] = field(default_factory=list)

    @property
    def missing_packages(self) -> dict[str, list[str]]:
        """Package → the libraries of it that are needed but that runtime-packages.txt does not bring."""
        missing: dict[str, list[str]] = {}
        for library, package in sorted(self.package_of.items()):
            if package not in self.allowed:
                missing.setdefault(package, []).append(library)
        return missing

    @property
    def ok(self) -> bool:
        return not self.missing_packages and not self.not_found and not self.unowned

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "objects_checked": len(self.objects),
            "libraries": {lib: {"package": self.package_of.get(lib), "why": self.allowed.get(self.package_of.get(lib, ""))}
                          for lib in sorted(self.libraries)},
            "missing_packages": self.missing_packages,
            "not_found": {name: sorted(users) for name, users in sorted(self.not_found.items())},
            "unowned": self.unowned,
            "not_installed": self.not_installed,
        }


def read_packages(path: Path = RUNTIME_PACKAGES) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]


def _run(command: Sequence[str], check: bool = True, **kwargs: object) -> subprocess.CompletedProcess:
    try:
        completed = subprocess.run(list(command), capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    except FileNotFoundError as error:
        raise CheckError(f"{command[0]} is not installed (this check runs on Debian/Ubuntu)") from error
    if check and completed.returncode != 0:
        raise CheckError(f"{' '.join(command)} failed (exit {completed.returncode}): {completed.stderr[-2000:]}")
    return completed


def probe(python: Path) -> dict:
    """Run probe_libs.py in ``python`` (offscreen); its JSON report."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_LOGGING_RULES": "*.debug=false;qt.multimedia.*=false"}
    completed = _run([str(python), str(PROBE)], env=env, timeout=300)
    lines = completed.stdout.strip().splitlines()
    if not lines:
        raise CheckError(f"{PROBE.name} printed nothing: {completed.stderr[-2000:]}")
    return json.loads(lines[-1])


def objects_to_check(report: dict, python: Path) -> list[str]:
    """The wheels' shared objects that were loaded, plus EXTRA_PLUGINS; not the interpreter's own."""
    prefixes = _interpreter_prefixes(python)
    chosen = {path for path in report["loaded"] if Path(path).exists()}
    plugins = Path(report["plugins"])
    for folder, pattern in EXTRA_PLUGINS.items():
        for path in sorted((plugins / folder).glob("*.so")):
            if re.fullmatch(pattern, path.name):
                chosen.add(str(path))
    return sorted(p for p in chosen if not any(p.startswith(prefix) for prefix in prefixes) or "site-packages" in p)


def _interpreter_prefixes(python: Path) -> list[str]:
    """The interpreter's own folders (its stdlib extensions are not the wheels' business)."""
    out = _run([str(python), "-c", "import sys, sysconfig; print(sys.base_prefix); print(sysconfig.get_path('platstdlib'))"])
    return [line.rstrip("/") + "/" for line in out.stdout.split() if line and line != "/usr"]


_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(not found|\S+)")


def resolve(objects: Iterable[str], loaded: Iterable[str], report: Report) -> None:
    """System libraries the objects need → report.libraries; unresolved ones → report.not_found.

    What the probe loaded needs no ldd: everything it needed was loaded with it, so it is in the
    list already. The extra plugins were not loaded: ldd resolves their needs.
    """
    site_markers = ("/site-packages/", "/dist-packages/")
    loaded = set(loaded)
    for obj in objects:
        if not any(marker in obj for marker in site_markers):
            report.libraries.setdefault(obj, set()).add("(loaded by the probe)")
            continue
        if obj in loaded:
            continue
        completed = _run(["ldd", obj], check=False)
        for line in completed.stdout.splitlines():
            match = _LDD_LINE.match(line)
            if not match:
                continue
            name, target = match.groups()
            if target == "not found":
                report.not_found.setdefault(name, set()).add(obj)
            elif not any(marker in target for marker in site_markers):
                report.libraries.setdefault(target, set()).add(obj)


def _path_variants(path: str) -> list[str]:
    """Debian 12 is usr-merged: /lib/x → /usr/lib/x; dpkg knows a file by the name its package ships."""
    variants = []
    for candidate in (path, os.path.realpath(path)):
        variants.append(candidate)
        if candidate.startswith("/usr/"):
            variants.append(candidate[4:])
        else:
            variants.append("/usr" + candidate)
    return list(dict.fromkeys(variants))


def owners(paths: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Library path → Debian package (``dpkg -S``), and the paths no package owns."""
    paths = sorted(set(paths))
    variants = {path: _path_variants(path) for path in paths}
    everything = sorted({v for vs in variants.values() for v in vs})
    owned: dict[str, str] = {}
    for start in range(0, len(everything), 200):
        completed = _run(["dpkg-query", "-S", *everything[start:start + 200]], check=False)
        for line in completed.stdout.splitlines():
            packages, _, owned_path = line.partition(": ")
            if "," in packages or packages.startswith("diversion"):
                continue
            owned[owned_path.strip()] = packages.split(":")[0].strip()
    package_of: dict[str, str] = {}
    unowned = []
    for path in paths:
        package = next((owned[v] for v in variants[path] if v in owned), None)
        if package is None:
            unowned.append(path)
        else:
            package_of[path] = package
    return package_of, unowned


def base_packages() -> list[str]:
    """Packages on every Debian system: Essential, or Priority required (from the apt lists)."""
    out = _run(["dpkg-query", "-W", "-f", "${Package}\t${Essential}\t${Priority}\n"]).stdout
    return [name for name, essential, priority in (line.split("\t") for line in out.splitlines() if line.count("\t") == 2)
            if essential == "yes" or priority == "required"]


def dependency_graph(roots: Sequence[str]) -> dict[str, set[str]]:
    """Package → the packages it needs (Depends, Pre-Depends, a virtual package's providers), for
    everything that installing ``roots`` installs (one ``apt-cache depends --recurse``)."""
    out = _run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                "--no-breaks", "--no-replaces", "--no-enhances", *roots]).stdout
    graph: dict[str, set[str]] = {}
    current: set[str] = set()
    for line in out.splitlines():
        if not line.strip():
            continue
        text = line.strip()
        if line[0].isspace() and ": " in text:  # "  Depends: x", "  PreDepends: <x>"
            text = text.split(": ", 1)[1]
        name = text.strip("<>").split(":")[0]  # a "name:arch" is the package name
        if not line[0].isspace():
            current = graph.setdefault(name, set())
        else:
            current.add(name)  # a dependency, or "    provider" of a virtual one
    return graph


def _reachable(graph: dict[str, set[str]], root: str) -> set[str]:
    seen, pending = set(), [root]
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            pending.extend(graph.get(name, ()))
    return seen


def allowed_packages(listed: Sequence[str]) -> dict[str, str]:
    """Package → why a fresh machine with the listed packages has it."""
    allowed: dict[str, str] = {}
    base = base_packages()
    base_graph = dependency_graph(base)
    for root in base:
        for name in _reachable(base_graph, root):
            allowed.setdefault(name, "base system")
    graph = dependency_graph(listed)
    for root in listed:
        for name in sorted(_reachable(graph, root)):
            if name not in allowed:
                allowed[name] = f"via {root}"
    for name in listed:
        allowed[name] = "listed"
    return allowed


def check(python: Path, packages_file: Path = RUNTIME_PACKAGES, probed: dict | None = None) -> Report:
    """``probed``: probe(python)'s result, when the caller has it already."""
    probed = probed or probe(python)
    report = Report(objects=objects_to_check(probed, python), not_installed=probed.get("not_installed", []))
    resolve(report.objects, probed["loaded"], report)
    report.package_of, report.unowned = owners(report.libraries)
    report.allowed = allowed_packages(read_packages(packages_file))
    return report


def describe(report: Report) -> str:
    lines = [f"{len(report.objects)} shared objects checked, {len(report.libraries)} system libraries, "
             f"{len(set(report.package_of.values()))} Debian packages"]
    for library in sorted(report.package_of):
        package = report.package_of[library]
        lines.append(f"  {library:<60} {package:<28} {report.allowed.get(package, 'MISSING')}")
    for package, libraries in report.missing_packages.items():
        users = sorted({Path(u).name for lib in libraries for u in report.libraries[lib]})
        lines.append(f"MISSING: {package} (for {', '.join(Path(lib).name for lib in libraries)}; "
                     f"needed by {', '.join(users[:6])}{' …' if len(users) > 6 else ''}): "
                     f"add it to installer/debian/runtime-packages.txt")
    for name, users in sorted(report.not_found.items()):
        lines.append(f"NOT FOUND: {name} (needed by {', '.join(sorted(Path(u).name for u in users))}): "
                     "install the Debian package that has it and add it to runtime-packages.txt")
    for path in report.unowned:
        lines.append(f"NO PACKAGE: {path} is not from a Debian package")
    if report.not_installed:
        lines.append(f"(not installed in this environment, not checked: {', '.join(report.not_installed)})")
    lines.append("OK: runtime-packages.txt is enough" if report.ok else "FAILED: runtime-packages.txt is not enough")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="installer/debian/runtime_libs.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", type=Path, default=Path(sys.executable),
                        help="the Python of the environment to check (default: this one)")
    parser.add_argument("--packages", type=Path, default=RUNTIME_PACKAGES, help="the package list to check")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        report = check(args.python, args.packages)
    except CheckError as error:
        print(f"runtime_libs: {error}", file=sys.stderr)
        return 2
    print(json.dumps(report.as_dict(), indent=1) if args.json else describe(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
