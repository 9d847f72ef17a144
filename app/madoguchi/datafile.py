"""The one way to read the data files a ward or a clerk hands us: YAML (forms, layouts, rules,
texts) and JSON (resident records, answers).

YAML: safe loading only (no Python objects), and no anchors/aliases: a handful of nested
aliases expands to billions of nodes ("billion laughs"), and our data files never need them.
Both: a size cap, a nesting-depth cap (no RecursionError) and a cap on the digits of a number
(no 100,000-digit integers), each refused with a message; a UTF-8 byte-order mark is allowed.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_YAML_BYTES = 2_000_000
MAX_JSON_BYTES = 2_000_000
#: nesting deeper than this is no data file of ours (forms nest ~6 deep)
MAX_DEPTH = 64
#: digits a number may have (a date or a count, never a 100,000-digit integer)
MAX_NUMBER_DIGITS = 30
_BOM = "\ufeff"
_PLAIN_NUMBER = re.compile(r"^[-+]?[0-9_]*\.?[0-9_]*(e[-+]?[0-9]+)?$", re.IGNORECASE)


class DataRefused(ValueError):
    """The text is refused: too big, too deep, a number too long, or not valid JSON."""

    def __init__(self, problem: str, line: int = 0) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


def load_json(text: str) -> Any:
    """Parse JSON ``text`` within the limits; raise :class:`DataRefused` naming the problem
    (and the line where known). A leading byte-order mark is skipped."""
    text = text.removeprefix(_BOM)
    if len(text) > MAX_JSON_BYTES:
        raise DataRefused(f"the file is larger than {MAX_JSON_BYTES // 1_000_000} MB")
    _check_depth(text)
    try:
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise DataRefused(f"not valid JSON ({exc.msg})", exc.lineno) from None
    except RecursionError:
        raise DataRefused(f"nested deeper than {MAX_DEPTH} levels") from None


def _check_depth(text: str) -> None:
    """Refuse nesting beyond MAX_DEPTH before the parser recurses (strings skipped; linear)."""
    depth, in_string, escaped = 0, False, False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise DataRefused(f"nested deeper than {MAX_DEPTH} levels", text.count("\n", 0, index) + 1)
        elif char in "]}":
            depth -= 1


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise DataRefused(f"a number with more than {MAX_NUMBER_DIGITS} digits")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS + 10:
        raise DataRefused(f"a number with more than {MAX_NUMBER_DIGITS} digits")
    return float(text)


def _constant(name: str) -> Any:
    raise DataRefused(f"{name} is not a number JSON allows")


class YamlRefused(yaml.YAMLError):
    """The text is valid YAML but uses something our data files do not allow."""

    def __init__(self, problem: str, mark: Any = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


def load_yaml(text: str) -> Any:
    """Parse ``text`` safely; raise ``yaml.YAMLError`` (with a mark where known) when it is refused."""
    text = text.removeprefix(_BOM)
    if len(text.encode("utf-8", errors="replace")) > MAX_YAML_BYTES:
        raise YamlRefused(f"the file is larger than {MAX_YAML_BYTES // 1_000_000} MB")
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlRefused("anchors and aliases (& and *) are not allowed in data files", event.start_mark)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlRefused(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif (isinstance(event, yaml.ScalarEvent) and not event.style and len(event.value) > MAX_NUMBER_DIGITS
              and _PLAIN_NUMBER.match(event.value)):
            raise YamlRefused(f"a number with more than {MAX_NUMBER_DIGITS} digits", event.start_mark)
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any, *, width: int = 110) -> str:
    """YAML text that :func:`load_yaml` reads back (never writes anchors or aliases)."""
    return yaml.dump(data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, default_flow_style=None,
                     width=width)
