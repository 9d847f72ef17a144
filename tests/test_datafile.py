"""The shared YAML loader refuses what our data files never need."""

from __future__ import annotations

import pytest
import yaml

from madoguchi.datafile import dump_yaml, load_yaml


def test_plain_yaml_loads() -> None:
    assert load_yaml("a: 1\nb: [x, 住所]\n") == {"a": 1, "b": ["x", "住所"]}


def test_billion_laughs_is_refused_fast() -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 9):
        prev = chr(ord("a") + n - 1)
        name = chr(ord("a") + n)
        levels.append(f"{name}: &{name} [{','.join('*' + prev for _ in range(9))}]")
    with pytest.raises(yaml.YAMLError) as info:
        load_yaml("\n".join(levels))
    assert "aliases" in str(info.value)
    assert info.value.problem_mark is not None


def test_python_objects_are_refused() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']")


def test_dump_never_writes_aliases_and_round_trips() -> None:
    shared = [1, 2]
    data = {"x": shared, "y": shared, "名": "窓口"}
    text = dump_yaml(data)
    assert "&" not in text and "*" not in text
    assert load_yaml(text) == data
