"""Form definitions as data: ``forms/<form-id>/form.yaml`` (+ optional ``background.pdf``).

Validated data (PyPDFForm's habit: the layout is checked against a schema with
``additionalProperties: false``, through :mod:`madoguchi.datafile`'s one loader).
:func:`load_form_file` reads one form with every problem found; the folder of forms and its
life-event rules are loaded and checked together by :mod:`madoguchi.forms.catalogue`.

Coordinates are millimetres from the **top-left** corner of the page (as a ruler on the
paper form reads them); ``box`` is ``[x, y, width, height]``.

A field's ``source`` is one of

- ``resident.<attr>`` with list items, e.g. ``resident.address``, ``resident.members[0].given_name``,
  ``resident.persons[{i}].full_name`` (``persons`` = the resident then the members moving with
  them; ``{i}`` is the row of a ``repeat``);
- ``answer.<question-id>`` — a question the clerk answers, declared in the form's ``questions``;
- ``today`` — the day of filing (届出日/請求日).

Field kinds: ``text``, ``kana`` (katakana or hiragana), ``date`` (Western or 和暦, the era
printed or circled), ``checkbox``, ``circle-one``, ``digits`` (one character per printed box),
``multiline``. See ``forms/README.md`` for the full reference.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from madoguchi.datafile import dump_yaml, read_data_file, schema_problems
from madoguchi.errors import ExitCode, MadoguchiError, Problem
from madoguchi.visit import Member, Resident
from madoguchi.wareki import ERA_BY_NAME

FORM_FILE = "form.yaml"
BACKGROUND_FILE = "background.pdf"
#: caps no real form comes near (a municipal form has a few pages and a few hundred fields)
MAX_PAGES = 20
MAX_FIELDS = 500
MAX_DRAWING = 3000
MAX_QUESTIONS = 100

#: paper sizes in mm (portrait width, height)
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "A3": (297.0, 420.0),
    "B4": (257.0, 364.0),
    "B5": (182.0, 257.0),
}
KINDS = ("text", "kana", "date", "checkbox", "circle-one", "digits", "multiline")
FONTS = ("gothic", "mincho")
DATE_STYLES = ("western", "wareki", "wareki-circle")
QUESTION_KINDS = ("text", "choice", "multi", "bool", "number", "date")

#: attributes a source may name on the resident besides the stored ones (computed in render)
VIRTUAL_RESIDENT_ATTRS = {
    "full_name": str, "full_name_kana": str, "address_full": str, "age": str, "person_count": str,
    "persons": list, "children": list, "elders": list, "moving_to": str, "moving_to_postal_code": str, "moving_from": str,
    "moving_from_postal_code": str,
}
VIRTUAL_MEMBER_ATTRS = {"full_name": str, "full_name_kana": str}
#: ``persons``: the resident then the members; ``children``: members under 18 (児童手当 covers
#: children up to 高校生年代); ``elders``: persons 75 or older (後期高齢者医療), on the day of filing
LIST_ATTRS = {"members", "persons", "children", "elders"}
CHILD_AGE_LIMIT = 18
ELDER_AGE = 75
#: fields that only a form which declares ``requires_individual_number`` may print
RESTRICTED_ATTRS = {"individual_number"}

_BOX = {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4}
_POINT = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
_ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}

_OPTION = {
    "type": "object", "additionalProperties": False, "required": ["value", "box"],
    "properties": {"value": {"type": ["string", "number", "boolean"]}, "label": {"type": "string"}, "box": _BOX},
}
_FIELD = {
    "type": "object", "additionalProperties": False, "required": ["id", "kind", "box"],
    "properties": {
        "id": _ID,
        "kind": {"enum": list(KINDS)},
        "source": {"type": "string"},
        "box": _BOX,
        "label": {"type": "string"},
        "font": {"enum": list(FONTS)},
        "font_size": {"type": "number", "exclusiveMinimum": 0, "maximum": 72},
        "min_font_size": {"type": "number", "exclusiveMinimum": 0, "maximum": 72},
        "align": {"enum": ["left", "center", "right"]},
        "valign": {"enum": ["top", "middle", "bottom"]},
        "width": {"enum": ["as-is", "full", "half"]},
        "wrap": {"type": "boolean"},
        "script": {"enum": ["katakana", "hiragana"]},
        "date_style": {"enum": list(DATE_STYLES)},
        "eras": {"type": "object", "additionalProperties": _BOX},
        "options": {"type": "array", "items": _OPTION, "minItems": 1},
        "checked_when": {"type": ["string", "number", "boolean", "array"]},
        "digits": {"type": "integer", "minimum": 1, "maximum": 64},
        "repeat": {
            "type": "object", "additionalProperties": False, "required": ["count", "step"],
            "properties": {"count": {"type": "integer", "minimum": 1, "maximum": 50}, "step": _POINT},
        },
        "frame": {"type": "boolean"},
    },
}
_DRAWING = {
    "type": "object", "additionalProperties": False, "required": ["type"],
    "properties": {
        "type": {"enum": ["text", "title", "box", "line", "cell", "table", "note", "seal"]},
        "text": {"type": "string"},
        "at": _POINT,
        "box": _BOX,
        "from": _POINT,
        "to": _POINT,
        "size": {"type": "number", "exclusiveMinimum": 0, "maximum": 72},
        "font": {"enum": list(FONTS)},
        "align": {"enum": ["left", "center", "right"]},
        "line_width": {"type": "number", "minimum": 0, "maximum": 5},
        "dash": {"type": "boolean"},
        "fill": {"enum": ["none", "label", "shade", "dark"]},
        "label_width": {"type": "number", "minimum": 0},
        "label_position": {"enum": ["left", "top"]},
        "vertical": {"type": "boolean"},
        "columns": {"type": "array", "items": {"type": "number", "exclusiveMinimum": 0}},
        "rows": {"type": "integer", "minimum": 1, "maximum": 60},
        "header": {"type": "array", "items": {"type": "string"}},
        "header_height": {"type": "number", "exclusiveMinimum": 0},
    },
}
_QUESTION = {
    "type": "object", "additionalProperties": False, "required": ["id", "label", "kind"],
    "properties": {
        "id": _ID, "label": {"type": "string"}, "kind": {"enum": list(QUESTION_KINDS)},
        "choices": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "default": {"type": ["string", "number", "boolean"]},
        "help": {"type": "string"},
    },
}
FORM_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["id", "title", "procedure", "pages"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z][a-z0-9_-]*$"},
        "title": {"type": "string", "minLength": 1},
        "procedure": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "paper": {"enum": list(PAPER_SIZES)},
        "orientation": {"enum": ["portrait", "landscape"]},
        "font": {"enum": list(FONTS)},
        "label_font": {"enum": list(FONTS)},
        "background": {"enum": ["drawn", "pdf"]},
        "requires_individual_number": {"type": "boolean"},
        "order": {"type": "integer"},
        "questions": {"type": "array", "items": _QUESTION, "maxItems": MAX_QUESTIONS},
        "pages": {
            "type": "array", "minItems": 1, "maxItems": MAX_PAGES,
            "items": {
                "type": "object", "additionalProperties": False,
                "properties": {"drawing": {"type": "array", "items": _DRAWING, "maxItems": MAX_DRAWING},
                               "fields": {"type": "array", "items": _FIELD, "maxItems": MAX_FIELDS}},
            },
        },
    },
}


class FormDefinitionError(MadoguchiError):
    """A form definition (or the life-event rules) cannot be used; ``problems`` lists all of them."""

    exit_code = ExitCode.CONFIG

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        shown = self.problems[:5]
        more = len(self.problems) - len(shown)
        ja = "様式定義に問題があります。修正してください:\n" + "\n".join(p.message("ja") for p in shown)
        en = "A form definition has problems; fix them:\n" + "\n".join(p.message("en") for p in shown)
        if more:
            ja += f"\n…ほか {more} 件（madoguchi forms check で全件表示）"
            en += f"\n… and {more} more (madoguchi forms check lists all)"
        super().__init__(ja, en)


@dataclass(frozen=True)
class Question:
    id: str
    label: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    default: Any = None
    help: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Question:
        return cls(id=data["id"], label=data["label"], kind=data["kind"], choices=tuple(data.get("choices", ())),
                   default=data.get("default"), help=data.get("help", ""))


Box = tuple[float, float, float, float]  # x, y, w, h in mm from the top-left


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    box: Box


@dataclass(frozen=True)
class FieldDefinition:
    """One value placed on a page. Repeated fields are expanded: ``id`` is then ``name[i]``."""

    id: str
    kind: str
    box: Box
    page: int = 0
    source: str = ""
    label: str = ""
    font: str = "gothic"
    font_size: float = 10.5
    min_font_size: float = 6.0
    align: str = "left"
    valign: str = "middle"
    width: str = "as-is"
    wrap: bool = True
    script: str = "katakana"
    date_style: str = "western"
    eras: tuple[tuple[str, Box], ...] = ()
    options: tuple[Option, ...] = ()
    checked_when: tuple[str, ...] = ()
    digits: int = 0
    frame: bool = False
    #: the id in form.yaml (without the repeat index) and the row of a repeat
    base_id: str = ""
    row: int | None = None


@dataclass
class PageDefinition:
    drawing: list[dict[str, Any]] = field(default_factory=list)
    fields: list[FieldDefinition] = field(default_factory=list)


@dataclass
class FormDefinition:
    id: str
    title: str
    procedure: str
    pages: list[PageDefinition]
    paper: str = "A4"
    orientation: str = "portrait"
    font: str = "gothic"
    label_font: str = "mincho"
    description: str = ""
    requires_individual_number: bool = False
    questions: list[Question] = field(default_factory=list)
    background_pdf: Path | None = None
    order: int = 100
    path: Path | None = None
    #: the parsed YAML, kept for the form designer (it edits and saves the data, not the objects)
    data: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def page_size_mm(self) -> tuple[float, float]:
        width, height = PAPER_SIZES[self.paper]
        return (height, width) if self.orientation == "landscape" else (width, height)

    @property
    def fields(self) -> list[FieldDefinition]:
        return [f for page in self.pages for f in page.fields]

    def field(self, field_id: str) -> FieldDefinition:
        for item in self.fields:
            if item.id == field_id:
                return item
        raise KeyError(field_id)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


# --- sources ---------------------------------------------------------------------------------

_SOURCE_TOKEN = re.compile(r"\.([a-z_][a-z0-9_]*)|\[(\d+|\{i\})\]")


@dataclass(frozen=True)
class SourcePath:
    """A parsed ``source``: ``kind`` is ``resident``, ``answer`` or ``today``."""

    kind: str
    steps: tuple[str | int, ...] = ()  # attribute names and list indexes ("{i}" before expansion)
    text: str = ""


def parse_source(text: str) -> SourcePath:
    """Parse and check a source path; raises ValueError with an English explanation."""
    if text == "today":
        return SourcePath("today", (), text)
    if text.startswith("answer."):
        name = text[len("answer."):]
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ValueError(f"bad question id in {text!r}")
        return SourcePath("answer", (name,), text)
    if not text.startswith("resident"):
        raise ValueError(f"{text!r} must start with 'resident', 'answer.' or be 'today'")
    rest = text[len("resident"):]
    steps: list[str | int] = []
    position = 0
    while position < len(rest):
        match = _SOURCE_TOKEN.match(rest, position)
        if match is None:
            raise ValueError(f"cannot read {text!r} at {rest[position:]!r}")
        if match.group(1):
            steps.append(match.group(1))
        else:
            index = match.group(2)
            steps.append(index if index == "{i}" else int(index))
        position = match.end()
    _check_steps(text, steps)
    return SourcePath("resident", tuple(steps), text)


def _resident_attrs() -> dict[str, type]:
    attrs = {f.name: (list if f.name == "members" else str) for f in fields(Resident) if f.name != "extra"}
    attrs.update(VIRTUAL_RESIDENT_ATTRS)
    return attrs


def _member_attrs() -> dict[str, type]:
    attrs = {f.name: str for f in fields(Member)}
    attrs.update(VIRTUAL_MEMBER_ATTRS)
    return attrs


def _check_steps(text: str, steps: list[str | int]) -> None:
    if not steps:
        raise ValueError(f"{text!r} names no resident field")
    known = _resident_attrs()
    first = steps[0]
    if not isinstance(first, str) or first not in known:
        raise ValueError(f"unknown resident field {first!r} in {text!r} (known: {', '.join(sorted(known))})")
    if first in LIST_ATTRS:
        if len(steps) != 3 or (isinstance(steps[1], str) and steps[1] != "{i}") or not isinstance(steps[2], str):
            raise ValueError(f"{text!r}: a list needs an index and a field, e.g. resident.{first}[0].given_name")
        member_known = _member_attrs()
        if steps[2] not in member_known:
            raise ValueError(f"unknown member field {steps[2]!r} in {text!r} "
                             f"(known: {', '.join(sorted(member_known))})")
    elif len(steps) != 1:
        raise ValueError(f"{text!r}: {first} has no sub-fields")


def answer_is_yes(value: Any) -> bool:
    """A clerk's answer read as yes/no: True, "yes", "はい", "1", any other text → yes;
    False, "", "no", "いいえ", "なし", "0" → no."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false", "no", "0", "いいえ", "なし")
    return bool(value)


def source_names_individual_number(source: SourcePath) -> bool:
    return source.kind == "resident" and any(step in RESTRICTED_ATTRS for step in source.steps)


# --- loading -------------------------------------------------------------------------------


def _problem(where: Path | str, key: str, ja: str, en: str) -> Problem:
    return Problem(str(where), key, ja, en)


def _box(values: list[float]) -> Box:
    return (float(values[0]), float(values[1]), float(values[2]), float(values[3]))


def _box_problems(where: Path, key: str, box: Box, page: tuple[float, float]) -> list[Problem]:
    x, y, w, h = box
    if w <= 0 or h <= 0:
        return [_problem(where, key, f"枠の幅と高さは正の値にしてください（{w}×{h} mm）。",
                         f"the box needs a positive width and height ({w}×{h} mm).")]
    if x < 0 or y < 0 or x + w > page[0] + 0.01 or y + h > page[1] + 0.01:
        return [_problem(where, key,
                         f"枠 [{x}, {y}, {w}, {h}] mm が用紙（{page[0]:g}×{page[1]:g} mm）の外にはみ出しています。",
                         f"box [{x}, {y}, {w}, {h}] mm lies outside the page ({page[0]:g}×{page[1]:g} mm).")]
    return []


def _shift(box: Box, dx: float, dy: float) -> Box:
    return (box[0] + dx, box[1] + dy, box[2], box[3])


def _expand_field(raw: dict[str, Any], page_index: int, defaults: dict[str, Any]) -> list[FieldDefinition]:
    repeat = raw.get("repeat")
    count, (dx, dy) = (repeat["count"], repeat["step"]) if repeat else (1, (0.0, 0.0))
    kind = raw["kind"]
    checked = raw.get("checked_when", ())
    if not isinstance(checked, list | tuple):
        checked = (checked,)
    result = []
    for row in range(count):
        sx, sy = dx * row, dy * row
        source = raw.get("source", "")
        if repeat:
            source = source.replace("{i}", str(row))
        result.append(FieldDefinition(
            id=f"{raw['id']}[{row}]" if repeat else raw["id"],
            base_id=raw["id"], row=row if repeat else None,
            kind=kind, box=_shift(_box(raw["box"]), sx, sy), page=page_index, source=source,
            label=raw.get("label", ""), font=raw.get("font", defaults["font"]),
            font_size=float(raw.get("font_size", 10.5)),
            min_font_size=float(raw.get("min_font_size", min(6.0, float(raw.get("font_size", 10.5))))),
            align=raw.get("align", "center" if kind == "digits" else "left"),
            valign=raw.get("valign", "top" if kind == "multiline" else "middle"),
            width=raw.get("width", "as-is"), wrap=raw.get("wrap", kind in ("text", "multiline")),
            script=raw.get("script", "katakana"), date_style=raw.get("date_style", "western"),
            eras=tuple((name, _shift(_box(b), sx, sy)) for name, b in (raw.get("eras") or {}).items()),
            options=tuple(Option(str(o["value"]), o.get("label", str(o["value"])), _shift(_box(o["box"]), sx, sy))
                          for o in raw.get("options", ())),
            checked_when=tuple(str(v) for v in checked), digits=int(raw.get("digits", 0)),
            frame=bool(raw.get("frame", kind == "multiline" and False)),
        ))
    return result


def _field_problems(where: Path, key: str, raw: dict[str, Any], expanded: list[FieldDefinition],
                    form: FormDefinition, question_ids: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    kind = raw["kind"]
    source_text = raw.get("source", "")
    if not source_text:
        problems.append(_problem(where, key + ".source", "値の取得元 (source) がありません。",
                                 "the field has no source (resident.<field>, answer.<question> or today)."))
    else:
        if "{i}" in source_text and "repeat" not in raw:
            problems.append(_problem(where, key + ".source", "{i} は repeat のある項目でだけ使えます。",
                                     "{i} is only allowed in a field with repeat."))
        try:
            parsed = parse_source(source_text)
        except ValueError as exc:
            problems.append(_problem(where, key + ".source", f"取得元が正しくありません: {exc}", f"bad source: {exc}"))
        else:
            if parsed.kind == "answer" and parsed.steps[0] not in question_ids:
                problems.append(_problem(
                    where, key + ".source", f"質問 {parsed.steps[0]} が questions に定義されていません。",
                    f"question {parsed.steps[0]!r} is not declared in the form's questions."))
            if source_names_individual_number(parsed) and not form.requires_individual_number:
                problems.append(_problem(
                    where, key + ".source",
                    "個人番号は requires_individual_number: true の様式でだけ印字できます。",
                    "the individual number may only be printed on a form with requires_individual_number: true."))
    if kind == "circle-one" and not raw.get("options"):
        problems.append(_problem(where, key + ".options", "circle-one には options（選択肢と枠）が必要です。",
                                 "a circle-one field needs options (value and box each)."))
    if kind == "digits" and not raw.get("digits"):
        problems.append(_problem(where, key + ".digits", "digits には桁数 (digits) が必要です。",
                                 "a digits field needs the number of boxes (digits)."))
    if kind == "date" and raw.get("date_style") == "wareki-circle":
        eras = raw.get("eras") or {}
        if not eras:
            problems.append(_problem(where, key + ".eras", "wareki-circle には元号ごとの枠 (eras) が必要です。",
                                     "a wareki-circle date needs a box per era (eras)."))
        for name in eras:
            if name not in ERA_BY_NAME:
                problems.append(_problem(where, f"{key}.eras.{name}", f"不明な元号 {name} です。",
                                         f"unknown era {name!r} (known: {', '.join(ERA_BY_NAME)})."))
    if "min_font_size" in raw and raw["min_font_size"] > raw.get("font_size", 10.5):
        problems.append(_problem(where, key + ".min_font_size", "最小文字サイズが文字サイズより大きくなっています。",
                                 "min_font_size is larger than font_size."))
    page_size = form.page_size_mm
    for item in expanded:
        label = key if item.row is None else f"{key}(row {item.row})"
        problems += _box_problems(where, label + ".box", item.box, page_size)
        for option in item.options:
            problems += _box_problems(where, f"{label}.options({option.value}).box", option.box, page_size)
        for name, era_box in item.eras:
            problems += _box_problems(where, f"{label}.eras.{name}", era_box, page_size)
    return problems


def _drawing_problems(where: Path, key: str, item: dict[str, Any], page: tuple[float, float]) -> list[Problem]:
    needs = {"text": ("at", "text"), "title": ("at", "text"), "box": ("box",), "line": ("from", "to"),
             "cell": ("box",), "table": ("box", "columns", "rows"), "note": ("box", "text"), "seal": ("box",)}
    problems = [_problem(where, key, f"{item['type']} には {name} が必要です。", f"{item['type']} needs {name!r}.")
                for name in needs[item["type"]] if name not in item]
    if "box" in item:
        problems += _box_problems(where, key + ".box", _box(item["box"]), page)
    for name in ("at", "from", "to"):
        if name in item:
            x, y = item[name]
            if not (0 <= x <= page[0] and 0 <= y <= page[1]):
                problems.append(_problem(where, f"{key}.{name}", f"座標 ({x}, {y}) mm が用紙の外です。",
                                         f"point ({x}, {y}) mm lies outside the page."))
    if item["type"] == "table" and "columns" in item and "box" in item:
        total = sum(item["columns"])
        if abs(total - item["box"][2]) > 0.5:
            problems.append(_problem(where, key + ".columns", f"列幅の合計 {total:g} mm が表の幅 {item['box'][2]:g} mm と一致しません。",
                                     f"the columns add up to {total:g} mm, not the table's width {item['box'][2]:g} mm."))
    return problems


def _non_finite(data: Any, key: str = "") -> list[str]:
    """Keys of NaN or infinite numbers (``.nan``, ``.inf`` in YAML pass a schema's "number")."""
    if isinstance(data, float) and not math.isfinite(data):
        return [key or "(top)"]
    if isinstance(data, dict):
        return [k for name, value in data.items() for k in _non_finite(value, f"{key}.{name}" if key else str(name))]
    if isinstance(data, list):
        return [k for index, value in enumerate(data) for k in _non_finite(value, f"{key}[{index}]")]
    return []


def check_background_pdf(path: Path, pages: int) -> list[Problem]:
    """``background.pdf`` opens as a PDF whose pages can be drawn under the form's."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        count = len(reader.pages)
        for page in reader.pages[:pages]:
            _ = page.mediabox.width, page.mediabox.height
            page.get_contents()
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for a broken file
        return [_problem(path, "background", f"背景 PDF を読めません（{exc.__class__.__name__}）。PDF を作り直してください。",
                         f"the background PDF cannot be read ({exc.__class__.__name__}); make it again.")]
    if count == 0 or count > MAX_PAGES:
        return [_problem(path, "background", f"背景 PDF のページ数 {count} は使えません（1〜{MAX_PAGES}）。",
                         f"the background PDF has {count} pages (1-{MAX_PAGES} allowed).")]
    return []


def parse_form(data: Any, path: Path, directory: Path | None = None) -> tuple[FormDefinition | None, list[Problem]]:
    """Turn parsed YAML into a :class:`FormDefinition`, with every problem found."""
    problems = schema_problems(path, data, FORM_SCHEMA)
    problems += [_problem(path, key, "数値が NaN または無限大です。有限の数にしてください。",
                          "the number is NaN or infinite; use a finite number.") for key in _non_finite(data)]
    if problems:
        return None, problems
    form = FormDefinition(
        id=data["id"], title=data["title"], procedure=data["procedure"], pages=[],
        paper=data.get("paper", "A4"), orientation=data.get("orientation", "portrait"),
        font=data.get("font", "gothic"), label_font=data.get("label_font", "mincho"),
        description=data.get("description", ""),
        requires_individual_number=bool(data.get("requires_individual_number", False)),
        questions=[Question.from_data(q) for q in data.get("questions", ())],
        order=int(data.get("order", 100)), path=path, data=data,
    )
    if directory is not None and directory.name != form.id:
        problems.append(_problem(path, "id", f"id {form.id} がフォルダ名 {directory.name} と一致しません。",
                                 f"id {form.id!r} does not match the folder name {directory.name!r}."))
    if data.get("background") == "pdf":
        candidate = (directory or path.parent) / BACKGROUND_FILE
        if not candidate.is_file():
            problems.append(_problem(path, "background", f"背景 PDF {BACKGROUND_FILE} がありません。",
                                     f"background: pdf, but {BACKGROUND_FILE} is missing beside form.yaml."))
        else:
            problems += check_background_pdf(candidate, len(data["pages"]))
        form.background_pdf = candidate
    question_ids = [q.id for q in form.questions]
    for dup in {q for q in question_ids if question_ids.count(q) > 1}:
        problems.append(_problem(path, f"questions({dup})", "質問 id が重複しています。", "duplicate question id."))
    seen: set[str] = set()
    for page_index, raw_page in enumerate(data["pages"]):
        page = PageDefinition(drawing=list(raw_page.get("drawing", ())))
        for draw_index, item in enumerate(page.drawing):
            problems += _drawing_problems(path, f"pages[{page_index}].drawing[{draw_index}]", item, form.page_size_mm)
        for field_index, raw in enumerate(raw_page.get("fields", ())):
            key = f"pages[{page_index}].fields[{field_index}]({raw['id']})"
            if raw["id"] in seen:
                problems.append(_problem(path, key + ".id", f"項目 id {raw['id']} が重複しています。",
                                         f"duplicate field id {raw['id']!r}."))
            seen.add(raw["id"])
            expanded = _expand_field(raw, page_index, {"font": form.font})
            problems += _field_problems(path, key, raw, expanded, form, set(question_ids))
            page.fields.extend(expanded)
        form.pages.append(page)
    return (None if problems else form), problems


def load_form_file(path: Path) -> tuple[FormDefinition | None, list[Problem]]:
    data, problems = read_data_file(path)
    if problems:
        return None, problems
    return parse_form(data, path, path.parent)


def dump_form(data: dict[str, Any]) -> str:
    """YAML text of a definition (the designer saves through this, then reloads it through the loader)."""
    return dump_yaml(data)
