"""The one way to read the YAML data files a ward may edit (forms, layouts, rules, texts).

Safe loading only (no Python objects), and no anchors/aliases: a handful of nested aliases
expands to billions of nodes ("billion laughs"), and our data files never need them.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_YAML_BYTES = 2_000_000


class YamlRefused(yaml.YAMLError):
    """The text is valid YAML but uses something our data files do not allow."""

    def __init__(self, problem: str, mark: Any = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


def load_yaml(text: str) -> Any:
    """Parse ``text`` safely; raise ``yaml.YAMLError`` (with a mark where known) when it is refused."""
    if len(text.encode("utf-8", errors="replace")) > MAX_YAML_BYTES:
        raise YamlRefused(f"the file is larger than {MAX_YAML_BYTES // 1_000_000} MB")
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlRefused("anchors and aliases (& and *) are not allowed in data files", event.start_mark)
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any, *, width: int = 110) -> str:
    """YAML text that :func:`load_yaml` reads back (never writes anchors or aliases)."""
    return yaml.dump(data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, default_flow_style=None,
                     width=width)
