"""Card layouts as data: one YAML file per document type, loaded through one validating loader.

A layout names the document type, the keywords that identify it, the printed labels used as
anchors, and each field's prior box (x0, x1, y0, y1 as fractions of the card face), kind and
character set. A ward can adjust a box without touching code; a bad file is refused with the
file, the key and what is expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from madoguchi.datafile import load_yaml, schema_problems
from madoguchi.errors import ConfigError, Problem
from madoguchi.ids.model import DocumentType

HERE = Path(__file__).resolve().parent

KINDS = ("name_ja", "name_spaced", "name_latin", "address", "date", "sex", "license_number", "residence_number",
         "nationality", "mrz", "text")
CHARSETS = ("", "date_ja", "date_western", "date_pair", "license_number", "residence_number", "latin_name", "mrz",
            "sex")

_BOX = {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}, "minItems": 4, "maxItems": 4}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["document_type", "keywords", "fields"],
    "properties": {
        "document_type": {"enum": [t.value for t in DocumentType if t is not DocumentType.UNKNOWN]},
        "keywords": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
        "title": {"type": "object", "additionalProperties": False, "required": ["box", "keywords"],
                  "properties": {"box": _BOX, "lang": {"enum": ["jpn", "eng"]}, "psm": {"enum": [6, 7, 11]},
                                 "keywords": {"type": "array", "items": {"type": "string", "minLength": 1},
                                              "minItems": 1}}},
        "anchors": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["label", "box"],
            "properties": {"label": {"type": "string", "minLength": 1}, "box": _BOX}}},
        "fields": {"type": "object", "minProperties": 1, "additionalProperties": {
            "type": "object", "additionalProperties": False, "required": ["box", "kind"],
            "properties": {
                "box": _BOX, "kind": {"enum": list(KINDS)}, "charset": {"enum": list(CHARSETS)},
                "lang": {"enum": ["jpn", "eng"]}, "anchor": {"type": "string"}, "lines": {"type": "integer", "minimum": 1,
                                                                                          "maximum": 3},
                "optional": {"type": "boolean"},
                "margin": {"type": "number", "minimum": 0, "maximum": 0.1}}}},
    },
}


@dataclass(frozen=True)
class Anchor:
    label: str
    box: tuple[float, float, float, float]  # x0, x1, y0, y1


@dataclass(frozen=True)
class Title:
    """Where the text that identifies the document is printed, and what it says."""

    box: tuple[float, float, float, float]
    keywords: tuple[str, ...]
    lang: str = "jpn"
    psm: int = 7


@dataclass(frozen=True)
class FieldSpec:
    name: str
    box: tuple[float, float, float, float]  # x0, x1, y0, y1
    kind: str
    charset: str = ""
    lang: str = "jpn"
    anchor: str = ""
    lines: int = 1
    optional: bool = False
    #: how far left and right of the prior box to look (card fraction)
    margin: float = 0.01


@dataclass(frozen=True)
class Layout:
    document_type: DocumentType
    keywords: tuple[str, ...]
    anchors: tuple[Anchor, ...] = ()
    fields: tuple[FieldSpec, ...] = field(default_factory=tuple)
    source: str = ""
    title: Title | None = None


def _problems(data: object, where: str) -> list[Problem]:
    problems = schema_problems(where, data, SCHEMA)
    if not problems and isinstance(data, dict):
        for name, spec in data["fields"].items():
            x0, x1, y0, y1 = spec["box"]
            if not (x0 < x1 and y0 < y1):
                problems.append(Problem(where, f"fields.{name}.box", "箱は x0 < x1, y0 < y1 の順です",
                                        "a box is x0, x1, y0, y1 with x0 < x1 and y0 < y1"))
            anchor = spec.get("anchor")
            if anchor and anchor not in {a["label"] for a in data.get("anchors", [])}:
                problems.append(Problem(where, f"fields.{name}.anchor", f"アンカー {anchor} が anchors にありません",
                                        f"anchor {anchor} is not listed under anchors"))
    return problems


def load_layout(path: Path) -> Layout:
    """One layout file, validated; raises ConfigError naming file, key and problem."""
    where = str(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"レイアウト {where} を読めません: {exc}", f"cannot read the layout {where}: {exc}") from exc
    problems = _problems(data, where)
    if problems:
        raise ConfigError("カードのレイアウトに誤りがあります: " + "; ".join(p.message("ja") for p in problems),
                          "the card layout is invalid: " + "; ".join(p.message("en") for p in problems))
    return Layout(
        DocumentType(data["document_type"]), tuple(data["keywords"]),
        tuple(Anchor(a["label"], tuple(a["box"])) for a in data.get("anchors", [])),
        tuple(FieldSpec(name, tuple(spec["box"]), spec["kind"], spec.get("charset", ""), spec.get("lang", "jpn"),
                        spec.get("anchor", ""), spec.get("lines", 1), spec.get("optional", False),
                        spec.get("margin", 0.01))
              for name, spec in data["fields"].items()),
        where,
        Title(tuple(data["title"]["box"]), tuple(data["title"]["keywords"]), data["title"].get("lang", "jpn"),
              data["title"].get("psm", 7)) if "title" in data else None)


@lru_cache(maxsize=4)
def load_layouts(folder: Path = HERE) -> dict[DocumentType, Layout]:
    layouts = {}
    for path in sorted(folder.glob("*.yaml")):
        layout = load_layout(path)
        layouts[layout.document_type] = layout
    return layouts
