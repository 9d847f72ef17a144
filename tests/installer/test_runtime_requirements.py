"""Only what runs goes into the installers: a dependency's declared requirements that the app does
not use at run time (build.RUNTIME_REQUIREMENTS) are left out of the wheelhouse, and the app works
without them."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

#: what namedivider-python declares and the installers leave out (with what those pull in)
NOT_SHIPPED = ("lightgbm", "scipy", "typer", "rich", "click", "shellingham", "pygments", "markdown_it", "mdurl")
NAMES = ("山田太郎", "佐藤花子", "鈴木一郎", "高橋美咲", "渡辺健", "日本花子", "番号太郎")

SPLIT = """
import importlib.abc, json, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not installed on a ward PC")
        return None
BLOCKED = set(sys.argv[1].split(",")) if sys.argv[1] else set()
sys.meta_path.insert(0, Refuse())
from madoguchi.ids.parse import split_name
splits = [[s.family, s.given, round(s.score, 9)] for s in map(split_name, sys.argv[2:])]
print(json.dumps({"splits": splits, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def _split(blocked: tuple[str, ...]) -> dict:
    completed = subprocess.run([sys.executable, "-c", SPLIT, ",".join(blocked), *NAMES], capture_output=True,
                               text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_names_split_the_same_without_what_the_installers_leave_out(build: ModuleType) -> None:
    assert {"lightgbm", "typer"} <= set(NOT_SHIPPED)
    assert set(build.RUNTIME_REQUIREMENTS["namedivider_python"]) == {"numpy", "pandas", "regex"}
    everything = _split(())
    without = _split(NOT_SHIPPED)
    assert without["splits"] == everything["splits"]
    assert [s[:2] for s in without["splits"][:3]] == [["山田", "太郎"], ["佐藤", "花子"], ["鈴木", "一郎"]]
    # what namedivider does load is exactly what RUNTIME_REQUIREMENTS keeps
    assert {"numpy", "pandas", "regex", "namedivider"} <= set(without["modules"])
    assert not set(NOT_SHIPPED) & set(without["modules"])


def _wheel(folder: Path, name: str, version: str, *requires: str) -> None:
    dist = f"{name}-{version}"
    with zipfile.ZipFile(folder / f"{dist}-py3-none-any.whl", "w") as wheel:
        metadata = "".join(f"Requires-Dist: {r}\n" for r in requires)
        wheel.writestr(f"{dist}.dist-info/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{metadata}")


def test_the_closure_leaves_out_what_is_not_used_at_run_time(build: ModuleType, tmp_path: Path) -> None:
    _wheel(tmp_path, "madoguchi", "0.1.0", "namedivider-python>=0.4", "numpy")
    _wheel(tmp_path, "namedivider_python", "0.4.2", "lightgbm", "numpy", "pandas", "regex", "typer")
    _wheel(tmp_path, "lightgbm", "4.6.0", "numpy", "scipy")
    _wheel(tmp_path, "scipy", "1.15.0", "numpy")
    _wheel(tmp_path, "typer", "0.15.0", "click", "rich")
    for name in ("numpy", "pandas", "regex", "click", "rich"):
        _wheel(tmp_path, name, "1.0", *(["numpy"] if name == "pandas" else []))
    shipped, gaps = build.closure(tmp_path, "win_amd64", ["madoguchi"])
    declared, _ = build.closure(tmp_path, "win_amd64", ["madoguchi"], overrides={})
    assert gaps == []
    assert shipped == {"madoguchi", "namedivider_python", "numpy", "pandas", "regex"}
    assert declared - shipped == {"lightgbm", "scipy", "typer", "click", "rich"}
    build.complete_for_target(tmp_path, "win_amd64", ["madoguchi"])
    left = sorted(p.name.split("-")[0] for p in tmp_path.glob("*.whl"))
    assert left == ["madoguchi", "namedivider_python", "numpy", "pandas", "regex"]
    manifest = build.write_manifest(tmp_path, "win_amd64")
    assert sorted(w.split("-")[0] for w in manifest["not_shipped"]["wheels"]) == ["click", "lightgbm", "rich",
                                                                                  "scipy", "typer"]
    pinned = (tmp_path / "requirements.txt").read_text(encoding="utf-8").splitlines()[1:]
    assert pinned == ["madoguchi==0.1.0", "namedivider_python==0.4.2", "numpy==1.0", "pandas==1.0", "regex==1.0"]
    assert "not shipped (not used at run time): 5 wheels" in build.platform_report(manifest)
