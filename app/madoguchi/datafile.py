r"""The one way to read the data files a ward or a clerk hands us: YAML (forms, layouts, rules,
texts) and JSON (resident records, answers).

YAML: safe loading only (no Python objects), and no anchors/aliases: a handful of nested
aliases expands to billions of nodes ("billion laughs"), and our data files never need them.
Both: a size cap, a nesting-depth cap (no RecursionError) and a cap on the digits of a number
(no 100,000-digit integers), each refused with a message; a UTF-8 byte-order mark is allowed.
:func:`read_data_file` and :func:`schema_problems` are the one validating loader: every data
file's problems come out as :class:`~madoguchi.errors.Problem`\ s in one format (file, key, what
is wrong and what is allowed), whoever loads it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from madoguchi.errors import Problem

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
    return yaml.load(text, Loader=_LOADER)  # a safe loader


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any, *, width: int = 110) -> str:
    """YAML text that :func:`load_yaml` reads back (never writes anchors or aliases)."""
    return yaml.dump(data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, default_flow_style=None,
                     width=width)


def read_data_file(path: Path) -> tuple[Any, list[Problem]]:
    """The parsed YAML/JSON of ``path``, or the problem (with line and column) that stops reading it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(str(path), "(file)",
                              f"読めません（{exc.__class__.__name__}）。UTF-8 のファイルか確認してください。",
                              f"cannot be read ({exc.__class__.__name__}); is it a UTF-8 file?")]
    try:
        return load_yaml(text), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(str(path), where, f"YAML の書式エラー: {reason}", f"YAML syntax error: {reason}")]


def schema_key(path: Iterable[Any], data: Any) -> str:
    """A readable key for a jsonschema error path: ``pages[0].fields[3](name).kind``."""
    parts: list[str] = []
    node = data
    for step in path:
        if isinstance(step, int):
            label = f"[{step}]"
            if isinstance(node, list) and step < len(node) and isinstance(node[step], dict) and "id" in node[step]:
                label += f"({node[step]['id']})"
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(step))
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
    return "".join(parts) or "(top)"


def schema_errors(data: Any, schema: dict[str, Any]) -> list[Any]:
    """jsonschema's errors for ``data``, in document order (for a caller that also needs their paths)."""
    # imported here: jsonschema costs 0.16 s, and the app starts without validating anything
    from jsonschema import Draft202012Validator

    return sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])


def schema_problem(where: Path | str, data: Any, error: Any) -> Problem:
    """One jsonschema error in plain words, naming the file and the key."""
    key = schema_key(error.absolute_path, data)
    where = str(where)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return Problem(where, key, f"必須の項目 {missing} がありません。", f"required key {missing!r} is missing.")
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return Problem(where, key, f"{error.instance!r} は使えません（使える値: {allowed}）。",
                       f"{error.instance!r} is not allowed (allowed: {allowed}).")
    if error.validator == "additionalProperties":
        return Problem(where, key, f"不明な項目があります: {error.message}", f"unknown key: {error.message}")
    return Problem(where, key, f"形式が正しくありません: {error.message}", f"invalid value: {error.message}")


def schema_problems(where: Path | str, data: Any, schema: dict[str, Any]) -> list[Problem]:
    """Every way ``data`` breaks ``schema`` (JSON Schema 2020-12), as problems naming file and key."""
    return [schema_problem(where, data, error) for error in schema_errors(data, schema)]
