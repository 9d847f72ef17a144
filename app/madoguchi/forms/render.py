"""Fill forms from one resident record: a print-ready PDF packet, and each form alone.

The packet is drawn on one reportlab canvas, page sizes from each definition's paper, so
the fonts are embedded once: for each form, first the background the project draws from the
definition (boxes, labels, tables, in a coloured "ink" like the ward's paper forms), then
the values in black. A form with ``background: pdf`` has its ward PDF merged under its pages
with pypdf instead (PyPDFForm's habit). Each form alone (``Packet.parts``) is rendered the
same way on its own canvas, when first asked for.

Rules the engine keeps, whatever the definition says:

- Text never overflows its box: shrink down to the field's ``min_font_size``, then wrap;
  if it still cannot fit, the field is left blank and reported in ``Packet.problems``.
- A kana reading listed in ``Resident.kana_unconfirmed`` (a suggestion the clerk has not
  accepted) is never printed: the field stays blank and is reported, unless the caller
  passes ``print_unconfirmed_kana=True`` (the clerk said so).
- The individual number is read only for a form with ``requires_individual_number``, and
  printed only with a correct check digit.
- Nothing wrong is printed (madoguchi.validation): control and bidi characters, implausible
  dates, a bad individual number, and characters no embedded font has leave the field blank
  with a problem naming the character — never an empty box ☒.
- IPAex Gothic/Mincho are embedded (subset) in every PDF; IPAmj明朝 for the characters of
  names and addresses they lack.

Fonts and ward backgrounds are loaded once per process.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from typing import Any

from madoguchi import validation
from madoguchi.errors import EngineUnavailable, InputError, Problem
from madoguchi.forms.definition import (
    CHILD_AGE_LIMIT,
    ELDER_AGE,
    LIST_ATTRS,
    Box,
    FieldDefinition,
    FormDefinition,
    PageDefinition,
    answer_is_yes,
    parse_source,
    source_names_individual_number,
)
from madoguchi.forms.text import is_kana, to_full_width, to_half_width, to_hiragana, to_katakana, wrap_text
from madoguchi.visit import Member, Resident
from madoguchi.wareki import WarekiError, to_wareki

MM = 72.0 / 25.4
FONT_NAMES = {"gothic": "IPAexGothic", "mincho": "IPAexMincho"}
FONT_FILES = {"gothic": "ipaexg.ttf", "mincho": "ipaexm.ttf"}
#: colour of the drawn form (ink) and of the label cells; values are printed in black
INK = (0.05, 0.35, 0.30)
LABEL_FILL = (0.90, 0.955, 0.935)
SHADE_FILL = (0.95, 0.95, 0.95)
PAD_X = 1.0  # mm inside a box left and right
PAD_Y = 0.8
LINE_HEIGHT = 1.2
#: where the em box's centre sits above the baseline for IPAex (ascent .88, descent -.12)
CENTRE_RISE = 0.38


@dataclass(frozen=True)
class Placed:
    """One value on the page: the field it came from, the text printed, and where (mm, top-left)."""

    form_id: str
    field_id: str
    value: str
    box: Box
    font_size: float = 0.0
    lines: tuple[str, ...] = ()


@dataclass
class PlacedPage:
    form_id: str
    form_page: int  # 0-based page within its form
    size_mm: tuple[float, float]
    placed: list[Placed] = field(default_factory=list)


@dataclass
class Packet:
    pdf: bytes
    #: each form alone (a mapping form id → PDF bytes, rendered on first access)
    parts: Mapping[str, bytes]
    pages: list[PlacedPage]
    problems: list[Problem]
    #: fields left blank because there was nothing to print (form id, field id)
    empty: list[tuple[str, str]] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.pages)


# --- fonts -----------------------------------------------------------------------------------


@cache
def register_fonts() -> dict[str, str]:
    """Register IPAex Gothic and Mincho with reportlab once; the names by role."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from madoguchi.paths import resource_path

    for role, name in FONT_NAMES.items():
        path = resource_path("fonts", FONT_FILES[role])
        if not path.is_file():
            raise EngineUnavailable(
                f"フォント {FONT_FILES[role]} が見つかりません（{path}）。インストールをやり直してください。",
                f"font {FONT_FILES[role]} not found ({path}); reinstall Madoguchi.")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return dict(FONT_NAMES)


#: IPAmj明朝 (文字情報基盤, ~58,000 glyphs made for residents' names): every character of a name
#: or an address that IPAex lacks (𠮷, 髙, 﨑 …) is printed in it. Shipped beside the IPAex fonts
#: or from Debian's fonts-ipamj-mincho.
MJ_FONT = "IPAmjMincho"
MJ_FILE = "ipamjm.ttf"
MJ_SYSTEM_PATHS = ("/usr/share/fonts/truetype/ipamj/ipamjm.ttf",)


@cache
def _cmap(font_name: str) -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


@cache
def mj_font() -> str | None:
    """Register IPAmj明朝 on first need; its name, or None when it is not installed."""
    from pathlib import Path

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from madoguchi.paths import resource_path

    for candidate in (resource_path("fonts", MJ_FILE), *map(Path, MJ_SYSTEM_PATHS)):
        if candidate.is_file():
            pdfmetrics.registerFont(TTFont(MJ_FONT, str(candidate)))
            return MJ_FONT
    return None


def _in_font(char: str, font_name: str) -> bool:
    return ord(char) in _cmap(font_name) or char in " \u3000\n"


def font_runs(text: str, role: str) -> list[tuple[str, str]]:
    """``text`` as (font name, run) pieces: the role's font, and IPAmj明朝 for what it lacks.
    A character in neither stays in the role's font (:func:`missing_glyphs` refuses it first)."""
    register_fonts()
    primary = FONT_NAMES[role]
    if all(_in_font(char, primary) for char in text):
        return [(primary, text)] if text else []
    fallback = mj_font()
    runs: list[tuple[str, str]] = []
    for char in text:
        name = primary if _in_font(char, primary) or fallback is None or not _in_font(char, fallback) else fallback
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + char)
        else:
            runs.append((name, char))
    return runs


def missing_glyphs(text: str, role: str) -> list[str]:
    """Characters of ``text`` that no embedded font has (they would print as ☒)."""
    register_fonts()
    primary = FONT_NAMES[role]
    lacking = [char for char in dict.fromkeys(text) if not _in_font(char, primary)]
    if not lacking:
        return []
    fallback = mj_font()
    return [char for char in lacking if fallback is None or not _in_font(char, fallback)]


def text_width(text: str, role: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(run, name, size) for name, run in font_runs(text, role)) / MM  # in mm


# --- fitting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    size: float
    lines: tuple[str, ...]


def fit_text(text: str, role: str, width: float, height: float, size: float, min_size: float,
             wrap: bool) -> Fit | None:
    """The largest size ≥ ``min_size`` at which ``text`` fits ``width``×``height`` mm on one
    line; failing that, wrapped lines at the largest size that fits; None if nothing fits."""
    inner_w, inner_h = width - 2 * PAD_X, height - 2 * PAD_Y
    sizes = _sizes(size, min_size)
    base = text_width(text, role, 1.0)
    for current in sizes:
        if base * current <= inner_w and current / MM <= inner_h + 0.01:
            return Fit(current, (text,))
    if not wrap:
        return None
    for current in sizes:
        line_h = current * LINE_HEIGHT / MM
        lines = wrap_text(text, inner_w, lambda s, c=current: text_width(s, role, c))
        if len(lines) * line_h - (LINE_HEIGHT - 1) * current / MM <= inner_h + 0.01 and all(
                text_width(line, role, current) <= inner_w + 0.01 for line in lines):
            return Fit(current, tuple(lines))
    return None


def _sizes(size: float, min_size: float) -> list[float]:
    sizes, current = [], size
    while current >= min_size - 1e-9:
        sizes.append(round(current, 2))
        current -= 0.5
    if not sizes or sizes[-1] > min_size:
        sizes.append(min_size)
    return sizes


# --- values ----------------------------------------------------------------------------------


def _persons(resident: Resident) -> list[Member]:
    me = Member(**{f.name: getattr(resident, f.name) for f in fields(Member)})  # the resident as one of the persons
    return [me, *resident.members]


def _people(resident: Resident, name: str, today: date) -> list[tuple[int, Member]]:
    """The people of a list source with their index in ``members`` (-1 for the resident)."""
    everyone = list(enumerate(_persons(resident), start=-1))
    if name == "members":
        return everyone[1:]
    if name == "persons":
        return everyone

    if name == "children":
        return [(i, m) for i, m in everyone[1:] if (a := m.age_on(today)) is not None and a < CHILD_AGE_LIMIT]
    return [(i, m) for i, m in everyone if (a := m.age_on(today)) is not None and a >= ELDER_AGE]


_KANA_PARTS = {"full_name_kana": ("family_name_kana", "given_name_kana")}


def _kana_paths(prefix: str, attr: str) -> set[str]:
    return {prefix + part for part in _KANA_PARTS.get(attr, (attr,)) if part.endswith("_kana")}


@dataclass
class _Context:
    resident: Resident
    answers: dict[str, Any]
    form: FormDefinition
    today: date


def resolve(source_text: str, ctx: _Context) -> tuple[Any, set[str]]:
    """The raw value of a field's source and the resident paths of kana it depends on."""
    source = parse_source(source_text)
    if source.kind == "today":
        return ctx.today.isoformat(), set()
    if source.kind == "answer":
        name = str(source.steps[0])
        if name in ctx.answers:
            return ctx.answers[name], set()
        if name in ctx.resident.extra:
            return ctx.resident.extra[name], set()
        question = ctx.form.question(name)
        return (question.default if question else None), set()
    if source_names_individual_number(source) and not ctx.form.requires_individual_number:
        return None, set()  # the loader refuses this; a hand-built definition still gets nothing
    resident = ctx.resident
    first = str(source.steps[0])
    if first in LIST_ATTRS:
        index, attr = int(source.steps[1]), str(source.steps[2])
        people = _people(resident, first, ctx.today)
        if index >= len(people):
            return None, set()
        prefix = "" if people[index][0] < 0 else f"members[{people[index][0]}]."
        return getattr(people[index][1], attr), _kana_paths(prefix, attr)
    if first == "address_full":
        return "\u3000".join(p for p in (resident.address, resident.building) if p), set()
    if first == "age":
        age = resident.age_on(ctx.today)
        return (str(age) if age is not None else None), set()
    if first.startswith("moving_"):
        return _moving(resident, first), set()
    if first == "person_count":
        return str(1 + len(resident.members)), set()
    return getattr(resident, first), _kana_paths("", first)


def _moving(resident: Resident, attr: str) -> str:
    """The addresses of a move whatever its kind: a record with ``new_address`` is a 転出
    (from the current address to the new one), otherwise 転入/転居 (from the previous one)."""
    outgoing = bool(resident.new_address)
    values = {
        "moving_to": resident.new_address if outgoing else "\u3000".join(
            p for p in (resident.address, resident.building) if p),
        "moving_to_postal_code": resident.new_postal_code if outgoing else resident.postal_code,
        "moving_from": "\u3000".join(p for p in (resident.address, resident.building) if p) if outgoing
        else resident.previous_address,
        "moving_from_postal_code": resident.postal_code if outgoing else resident.previous_postal_code,
    }
    return values[attr]


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        return None
    return date.fromisoformat(str(value))


def _matches(value: Any, wanted: tuple[str, ...]) -> bool:
    values = value if isinstance(value, list | tuple | set) else [value]
    texts = {str(v).lower() if isinstance(v, bool) else str(v) for v in values}
    return bool(texts & set(wanted))


def _apply_width(text: str, width: str) -> str:
    if width == "full":
        return to_full_width(text)
    if width == "half":
        return to_half_width(text)
    return text


# --- drawing ---------------------------------------------------------------------------------


class _Page:
    """Drawing helpers on one reportlab canvas page, in mm from the top-left."""

    def __init__(self, canvas: Any, size_mm: tuple[float, float]) -> None:
        self.c = canvas
        self.height = size_mm[1]

    def y(self, y_mm: float) -> float:
        return (self.height - y_mm) * MM

    def rect(self, box: Box, *, line_width: float = 0.5, fill: tuple[float, float, float] | None = None,
             stroke: bool = True, dash: bool = False) -> None:
        x, y, w, h = box
        with self._pen(line_width, dash):
            if fill:
                self.c.setFillColorRGB(*fill)
            self.c.rect(x * MM, self.y(y + h), w * MM, h * MM, stroke=int(stroke), fill=int(fill is not None))

    def line(self, start: tuple[float, float], end: tuple[float, float], *, line_width: float = 0.5,
             dash: bool = False) -> None:
        with self._pen(line_width, dash):
            self.c.line(start[0] * MM, self.y(start[1]), end[0] * MM, self.y(end[1]))

    @contextmanager
    def _pen(self, line_width: float, dash: bool) -> Iterator[None]:
        """The form's ink for lines, restored afterwards."""
        c = self.c
        c.saveState()
        c.setLineWidth(line_width)
        c.setStrokeColorRGB(*INK)
        if dash:
            c.setDash(2, 1.5)
        try:
            yield
        finally:
            c.restoreState()

    def text(self, text: str, x: float, y_mid: float, *, size: float, role: str, align: str = "left",
             ink: bool = True, bold: bool = False) -> None:
        c = self.c
        c.saveState()
        if ink:
            c.setFillColorRGB(*INK)
            c.setStrokeColorRGB(*INK)
        c.setFont(FONT_NAMES[role], size)
        if bold:  # IPAex has no bold face: fill and stroke the outline thinly
            c._code.append("2 Tr")
            c.setLineWidth(size * 0.03)
        baseline = self.y(y_mid) - size * CENTRE_RISE
        runs = font_runs(text, role)
        if len(runs) <= 1:
            if align == "center":
                c.drawCentredString(x * MM, baseline, text)
            elif align == "right":
                c.drawRightString(x * MM, baseline, text)
            else:
                c.drawString(x * MM, baseline, text)
        else:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            widths = [stringWidth(run, name, size) for name, run in runs]
            left = x * MM - (sum(widths) / 2 if align == "center" else sum(widths) if align == "right" else 0)
            for (name, run), width in zip(runs, widths, strict=True):
                c.setFont(name, size)
                c.drawString(left, baseline, run)
                left += width
        c.restoreState()

    def lines_in_box(self, lines: tuple[str, ...] | list[str], box: Box, *, size: float, role: str, align: str,
                     valign: str, ink: bool) -> None:
        x, y, w, h = box
        line_h = size * LINE_HEIGHT / MM
        block = line_h * (len(lines) - 1) + size / MM
        if valign == "top":
            top = y + PAD_Y
        elif valign == "bottom":
            top = y + h - PAD_Y - block
        else:
            top = y + (h - block) / 2
        for index, line in enumerate(lines):
            mid = top + index * line_h + size / MM / 2
            if align == "center":
                self.text(line, x + w / 2, mid, size=size, role=role, align="center", ink=ink)
            elif align == "right":
                self.text(line, x + w - PAD_X, mid, size=size, role=role, align="right", ink=ink)
            else:
                self.text(line, x + PAD_X, mid, size=size, role=role, ink=ink)

    def ellipse(self, box: Box, *, line_width: float = 0.9, ink: bool = False) -> None:
        x, y, w, h = box
        c = self.c
        c.saveState()
        c.setLineWidth(line_width)
        if ink:
            c.setStrokeColorRGB(*INK)
        c.ellipse(x * MM, self.y(y + h), (x + w) * MM, self.y(y))
        c.restoreState()

    def tick(self, box: Box) -> None:
        x, y, w, h = box
        c = self.c
        c.saveState()
        c.setLineWidth(1.2)
        path = c.beginPath()
        path.moveTo((x + w * 0.18) * MM, self.y(y + h * 0.5))
        path.lineTo((x + w * 0.42) * MM, self.y(y + h * 0.8))
        path.lineTo((x + w * 0.85) * MM, self.y(y + h * 0.15))
        c.drawPath(path, stroke=1, fill=0)
        c.restoreState()


_FILLS = {"none": None, "label": LABEL_FILL, "shade": SHADE_FILL, "dark": INK}


def _draw_label(page: _Page, text: str, box: Box, role: str, size: float, vertical: bool = False) -> None:
    """A label centred in its cell, shrunk and wrapped as needed (labels are short)."""
    x, y, w, h = box
    if vertical and len(text) > 1:
        step = min(size / MM * 1.1, (h - 2 * PAD_Y) / len(text))
        start = y + (h - step * len(text)) / 2 + step / 2
        for index, char in enumerate(text):
            page.text(char, x + w / 2, start + index * step, size=min(size, step * MM / 1.1), role=role,
                      align="center")
        return
    fit = fit_text(text, role, w, h, size, min(5.0, size), True)
    if fit is None:
        return
    page.lines_in_box(fit.lines, box, size=fit.size, role=role, align="center", valign="middle", ink=True)


def draw_background(page: _Page, form: FormDefinition, definition: PageDefinition) -> None:
    """The form as printed paper: drawing elements, then each field's static parts."""
    role = form.label_font
    for item in definition.drawing:
        _draw_item(page, item, role)
    for item in definition.fields:
        _draw_field_static(page, item, role)


def _draw_item(page: _Page, item: dict[str, Any], role: str) -> None:
    kind = item["type"]
    font = item.get("font", role)
    width = item.get("line_width", 0.5)
    if kind in ("text", "title"):
        size = item.get("size", 18 if kind == "title" else 9)
        align = item.get("align", "center" if kind == "title" else "left")
        x, y = item["at"]
        for index, line in enumerate(item["text"].split("\n")):
            page.text(line, x, y + index * size * LINE_HEIGHT / MM, size=size, role=font, align=align,
                      bold=kind == "title")
    elif kind == "box":
        page.rect(tuple(item["box"]), line_width=width, fill=_FILLS[item.get("fill", "none")],
                  dash=item.get("dash", False))
    elif kind == "line":
        page.line(tuple(item["from"]), tuple(item["to"]), line_width=width, dash=item.get("dash", False))
    elif kind == "cell":
        _draw_cell(page, item, font, width)
    elif kind == "table":
        _draw_table(page, item, font, width)
    elif kind == "note":
        box = tuple(item["box"])
        size = item.get("size", 7)
        fit = fit_text(item["text"], font, box[2], box[3], size, min(4.5, size), True)
        if fit is not None:
            page.lines_in_box(fit.lines, box, size=fit.size, role=font, align=item.get("align", "left"),
                              valign="top", ink=True)
    elif kind == "seal":
        box = tuple(item["box"])
        page.ellipse(box, line_width=0.5, ink=True)
        if item.get("text"):
            _draw_label(page, item["text"], box, font, item.get("size", 8))


def _draw_cell(page: _Page, item: dict[str, Any], role: str, width: float) -> None:
    x, y, w, h = item["box"]
    label = item.get("text", "")
    fill = _FILLS[item.get("fill", "label")]
    size = item.get("size", 9)
    if label and item.get("label_position", "left") == "top":
        lh = item.get("label_width", 5.0)
        page.rect((x, y, w, lh), line_width=width, fill=fill)
        _draw_label(page, label, (x, y, w, lh), role, size)
        page.rect((x, y + lh, w, h - lh), line_width=width)
    elif label:
        lw = item.get("label_width", 25.0)
        page.rect((x, y, lw, h), line_width=width, fill=fill)
        _draw_label(page, label, (x, y, lw, h), role, size, item.get("vertical", False))
        page.rect((x + lw, y, w - lw, h), line_width=width)
    else:
        page.rect((x, y, w, h), line_width=width)


def _draw_table(page: _Page, item: dict[str, Any], role: str, width: float) -> None:
    x, y, w, h = item["box"]
    header = item.get("header", [])
    header_h = item.get("header_height", 7.0) if header else 0.0
    rows = item["rows"]
    row_h = (h - header_h) / rows
    size = item.get("size", 8.5)
    if header:
        page.rect((x, y, w, header_h), line_width=width, fill=LABEL_FILL)
    page.rect((x, y, w, h), line_width=width * 1.4)
    for row in range(1, rows + (1 if header else 0)):
        yy = y + header_h + (row - (1 if header else 0)) * row_h if header else y + row * row_h
        page.line((x, yy), (x + w, yy), line_width=width * 0.8)
    cx = x
    for index, col_w in enumerate(item["columns"]):
        if header and index < len(header):
            _draw_label(page, header[index], (cx, y, col_w, header_h), role, size)
        cx += col_w
        if index < len(item["columns"]) - 1:
            page.line((cx, y), (cx, y + h), line_width=width * 0.8)


def _draw_field_static(page: _Page, item: FieldDefinition, role: str) -> None:
    if item.frame:
        page.rect(item.box, line_width=0.4)
    if item.kind == "digits":
        x, y, w, h = item.box
        cell = w / item.digits
        page.rect(item.box, line_width=0.5)
        for index in range(1, item.digits):
            page.line((x + index * cell, y), (x + index * cell, y + h), line_width=0.3, dash=True)
    elif item.kind == "checkbox":
        page.rect(item.box, line_width=0.5)
        if item.label:
            x, y, w, h = item.box
            page.text(item.label, x + w + 1.0, y + h / 2, size=8.5, role=role)
    elif item.kind == "circle-one":
        for option in item.options:
            _draw_label(page, option.label, option.box, role, 9)
    elif item.kind == "date" and item.date_style == "wareki-circle":
        for name, box in item.eras:
            _draw_label(page, name, box, role, 8.5)


# --- filling ---------------------------------------------------------------------------------


@dataclass
class _Outcome:
    placed: list[Placed] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    empty: list[tuple[str, str]] = field(default_factory=list)


def _problem(form: FormDefinition, item: FieldDefinition, ja: str, en: str) -> Problem:
    return Problem(form.id, item.id, ja, en)


def _format_date(item: FieldDefinition, day: date) -> tuple[str, str | None]:
    """The printed text and, for wareki-circle, the era to circle."""
    if item.date_style == "western":
        return f"{day.year}年{day.month}月{day.day}日", None
    era, year = to_wareki(day)
    year_text = "元" if year == 1 else str(year)
    if item.date_style == "wareki":
        return f"{era.name}{year_text}年{day.month}月{day.day}日", None
    return f"{year_text}年{day.month}月{day.day}日", era.name


def fill_field(page: _Page, item: FieldDefinition, ctx: _Context, outcome: _Outcome,
               print_unconfirmed_kana: bool) -> None:
    form = ctx.form
    value, kana_paths = resolve(item.source, ctx)
    if value is None or value == "" or value == []:
        outcome.empty.append((form.id, item.id))
        return
    unconfirmed = kana_paths & set(ctx.resident.kana_unconfirmed)
    if unconfirmed and not print_unconfirmed_kana:
        outcome.problems.append(_problem(
            form, item, "ふりがなが未確認のため印字していません。確認してから印刷してください。",
            "the kana reading is an unconfirmed suggestion and was not printed; confirm it first."))
        return
    refusal = _refusal(item, value, ctx.today)
    if refusal is not None:
        outcome.problems.append(_problem(form, item, f"{refusal[0]} 印字していません。", f"{refusal[1]} Not printed."))
        return
    handler = _FILLERS[item.kind]
    handler(page, item, value, ctx, outcome)


def _refusal(item: FieldDefinition, value: Any, today: date) -> tuple[str, str] | None:
    """Why ``value`` must not be printed in ``item`` (madoguchi.validation), or None."""
    texts = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
    for text in texts:
        refusal = validation.text_problem(text, allow_newline=item.kind == "multiline")
        if refusal is not None:
            return refusal
    if item.kind == "digits" and source_names_individual_number(parse_source(item.source)):
        return validation.individual_number_problem(str(value))
    if item.kind == "date":
        try:
            day = _as_date(value) if not isinstance(value, list) else None
        except ValueError:
            day = None  # _fill_date names a value that is no date
        if day is not None:
            return validation.date_problem(day, birth="birth" in item.source, today=today)
    return None


def _fill_text_like(page: _Page, item: FieldDefinition, text: str, outcome: _Outcome, form: FormDefinition) -> None:
    text = _apply_width(text, item.width)
    missing = missing_glyphs(text, item.font)
    if missing:
        names = "、".join(validation.char_name(char) for char in missing[:5])
        outcome.problems.append(_problem(
            form, item, f"文字 {names} を印字できるフォントがないため印字していません。手書きしてください。",
            f"no embedded font has the character {names}; not printed (write it by hand)."))
        return
    fit = fit_text(text, item.font, item.box[2], item.box[3], item.font_size, item.min_font_size, item.wrap)
    if fit is None:
        outcome.problems.append(_problem(
            form, item, f"枠に収まらないため印字していません（{len(text)} 文字）。手書きするか様式の枠を広げてください。",
            f"the value does not fit its box ({len(text)} characters) and was not printed; write it by hand "
            f"or widen the box."))
        return
    page.lines_in_box(fit.lines, item.box, size=fit.size, role=item.font, align=item.align,
                      valign=item.valign, ink=False)
    outcome.placed.append(Placed(form.id, item.id, text, item.box, fit.size, fit.lines))


def _fill_text(page: _Page, item: FieldDefinition, value: Any, ctx: _Context, outcome: _Outcome) -> None:
    text = value if isinstance(value, str) else ("、".join(map(str, value)) if isinstance(value, list) else str(value))
    _fill_text_like(page, item, text.strip(), outcome, ctx.form)


def _fill_kana(page: _Page, item: FieldDefinition, value: Any, ctx: _Context, outcome: _Outcome) -> None:
    text = str(value).strip()
    text = to_hiragana(text) if item.script == "hiragana" else to_katakana(text)
    if not is_kana(text):
        # a kanji or a letter in a reading is a typing slip; printing it would look confirmed
        outcome.problems.append(_problem(ctx.form, item, "ふりがなにカナ以外の文字があるため印字していません。",
                                         "the reading contains characters other than kana; not printed."))
        return
    _fill_text_like(page, item, text, outcome, ctx.form)


def _fill_date(page: _Page, item: FieldDefinition, value: Any, ctx: _Context, outcome: _Outcome) -> None:
    try:
        day = _as_date(value)
        assert day is not None
        text, era = _format_date(item, day)
    except (ValueError, WarekiError):
        outcome.problems.append(_problem(ctx.form, item, "日付として読めないため印字していません。",
                                         "the value is not a date and was not printed."))
        return
    if era is not None:
        boxes = dict(item.eras)
        if era not in boxes:
            outcome.problems.append(_problem(
                ctx.form, item, f"元号 {era} の欄がこの様式にないため印字していません。",
                f"the form has no place for the era {era}; the date was not printed."))
            return
        page.ellipse(boxes[era])
        outcome.placed.append(Placed(ctx.form.id, item.id + ".era", era, boxes[era]))
    _fill_text_like(page, item, text, outcome, ctx.form)


def _fill_checkbox(page: _Page, item: FieldDefinition, value: Any, ctx: _Context, outcome: _Outcome) -> None:
    checked = _matches(value, item.checked_when) if item.checked_when else answer_is_yes(value)
    if checked:
        page.tick(item.box)
        outcome.placed.append(Placed(ctx.form.id, item.id, "✓", item.box))


def _fill_circle(page: _Page, item: FieldDefinition, value: Any, ctx: _Context, outcome: _Outcome) -> None:
    chosen = [o for o in item.options if _matches(value, (o.value,))]
    if not chosen:
        outcome.problems.append(_problem(
            ctx.form, item, "値が選択肢のどれにも当たらないため〇を付けていません。",
            "the value matches none of the options; nothing was circled."))
        return
    for option in chosen[:1]:
        x, y, w, h = option.box
        # a little larger than the label, like a pen circle
        page.ellipse((x - 0.3, y - 0.3, w + 0.6, h + 0.6))
        outcome.placed.append(Placed(ctx.form.id, item.id, option.label, option.box))


def _fill_digits(page: _Page, item: FieldDefinition, value: Any, ctx: _Context, outcome: _Outcome) -> None:
    text = "".join(c for c in to_half_width(str(value)) if c.isalnum())
    if len(text) > item.digits:
        outcome.problems.append(_problem(
            ctx.form, item, f"{len(text)} 桁あり、{item.digits} 桁の欄に収まらないため印字していません。",
            f"{len(text)} characters do not fit {item.digits} boxes; not printed."))
        return
    x, y, w, h = item.box
    cell = w / item.digits
    start = item.digits - len(text) if item.align == "right" else 0
    size = min(item.font_size, h * MM * 0.75, cell * MM * 0.9)
    for index, char in enumerate(text):
        cx = x + (start + index + 0.5) * cell
        page.text(char, cx, y + h / 2, size=size, role=item.font, align="center", ink=False)
    outcome.placed.append(Placed(ctx.form.id, item.id, text, item.box, size, (text,)))


_FILLERS: dict[str, Callable[[_Page, FieldDefinition, Any, _Context, _Outcome], None]] = {
    "text": _fill_text, "multiline": _fill_text, "kana": _fill_kana, "date": _fill_date,
    "checkbox": _fill_checkbox, "circle-one": _fill_circle, "digits": _fill_digits,
}


# --- forms and packets -----------------------------------------------------------------------


@cache
def _background_bytes(path: str, mtime: float) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _new_canvas(buffer: io.BytesIO, form: FormDefinition, title: str) -> Any:
    from reportlab.pdfgen.canvas import Canvas

    register_fonts()
    width, height = form.page_size_mm
    # initialFontName: otherwise reportlab names Helvetica on every page, a font not embedded
    canvas = Canvas(buffer, pagesize=(width * MM, height * MM), pageCompression=1,
                    initialFontName=FONT_NAMES["gothic"], initialFontSize=10)
    canvas.setTitle(title)
    canvas.setCreator("Madoguchi")
    return canvas


def _draw_form(canvas: Any, resident: Resident | None, form: FormDefinition, answers: dict[str, Any] | None,
               today: date | None, print_unconfirmed_kana: bool, grid: bool,
               outcome: _Outcome) -> list[PlacedPage]:
    """Draw every page of ``form`` on ``canvas`` (which may already hold other forms)."""
    size_mm = form.page_size_mm
    ctx = _Context(resident or Resident(), dict(answers or {}), form, today or date.today())
    pages: list[PlacedPage] = []
    for index, definition in enumerate(form.pages):
        canvas.setPageSize((size_mm[0] * MM, size_mm[1] * MM))
        page = _Page(canvas, size_mm)
        if form.background_pdf is None:
            draw_background(page, form, definition)
        placed_page = PlacedPage(form.id, index, size_mm)
        if resident is not None:
            before = len(outcome.placed)
            for item in definition.fields:
                fill_field(page, item, ctx, outcome, print_unconfirmed_kana)
            placed_page.placed = outcome.placed[before:]
        if grid:
            _draw_grid(page, size_mm)
        pages.append(placed_page)
        canvas.showPage()
    return pages


def render_form(resident: Resident | None, form: FormDefinition, answers: dict[str, Any] | None = None, *,
                today: date | None = None, print_unconfirmed_kana: bool = False,
                grid: bool = False) -> tuple[bytes, list[PlacedPage], _Outcome]:
    """One form as PDF bytes. ``resident=None`` gives the blank form (designer, calibration);
    ``grid`` prints a 10 mm coordinate grid over it (PyPDFForm's calibration habit)."""
    buffer = io.BytesIO()
    canvas = _new_canvas(buffer, form, form.title)
    outcome = _Outcome()
    pages = _draw_form(canvas, resident, form, answers, today, print_unconfirmed_kana, grid, outcome)
    canvas.save()
    data = buffer.getvalue()
    if form.background_pdf is not None:
        data = _merge_under(data, {index: (form, index) for index in range(len(form.pages))})
    return data, pages, outcome


def _draw_grid(page: _Page, size_mm: tuple[float, float]) -> None:
    c = page.c
    c.saveState()
    c.setStrokeColorRGB(0.85, 0.2, 0.2)
    c.setFillColorRGB(0.85, 0.2, 0.2)
    c.setFont(FONT_NAMES["gothic"], 5)
    for x in range(0, int(size_mm[0]) + 1, 10):
        c.setLineWidth(0.4 if x % 50 == 0 else 0.15)
        c.line(x * MM, 0, x * MM, size_mm[1] * MM)
        c.drawString(x * MM + 0.5, page.y(2.5), str(x))
    for y in range(0, int(size_mm[1]) + 1, 10):
        c.setLineWidth(0.4 if y % 50 == 0 else 0.15)
        c.line(0, page.y(y), size_mm[0] * MM, page.y(y))
        c.drawString(0.5 * MM, page.y(y) + 0.5, str(y))
    c.restoreState()


def _merge_under(overlay: bytes, backgrounds: dict[int, tuple[FormDefinition, int]]) -> bytes:
    """Put page ``k`` of a form's ward PDF under page ``i`` of ``overlay`` for each ``i: (form, k)``."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(overlay)))
    readers: dict[str, Any] = {}
    for page_index, (form, form_page) in backgrounds.items():
        assert form.background_pdf is not None
        if form.id not in readers:
            try:
                stat = form.background_pdf.stat()
                readers[form.id] = PdfReader(io.BytesIO(_background_bytes(str(form.background_pdf), stat.st_mtime)))
            except Exception as exc:  # noqa: BLE001 - pypdf raises many types for a broken file
                raise InputError(
                    f"様式 {form.id} の背景 PDF を読めません（{exc.__class__.__name__}）。",
                    f"cannot read the background PDF of form {form.id} ({exc.__class__.__name__}).") from exc
        background = readers[form.id]
        try:
            if form_page < len(background.pages):
                writer.pages[page_index].merge_page(background.pages[form_page], over=False)
        except Exception as exc:  # noqa: BLE001 - a background that opened but cannot be drawn
            raise InputError(
                f"様式 {form.id} の背景 PDF を重ねられません（{exc.__class__.__name__}）。`madoguchi forms check` で確かめてください。",
                f"the background PDF of form {form.id} cannot be drawn ({exc.__class__.__name__}); run "
                "`madoguchi forms check`.") from exc
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class LazyParts(Mapping[str, bytes]):
    """Each form of a packet alone, rendered the first time it is asked for (printing one form
    again is rare; the packet itself is drawn on one canvas so the fonts are embedded once)."""

    def __init__(self, form_ids: list[str], render: Callable[[str], bytes]) -> None:
        self._ids = list(form_ids)
        self._render = render
        self._done: dict[str, bytes] = {}

    def __getitem__(self, form_id: str) -> bytes:
        if form_id not in self._ids:
            raise KeyError(form_id)
        if form_id not in self._done:
            self._done[form_id] = self._render(form_id)
        return self._done[form_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def render_packet(resident: Resident, form_ids: list[str], forms: dict[str, FormDefinition],
                  answers: dict[str, Any] | None = None, *, today: date | None = None,
                  print_unconfirmed_kana: bool = False) -> Packet:
    """Fill ``form_ids`` (in that order) for ``resident``: the whole packet and each form alone."""
    unknown = [form_id for form_id in form_ids if form_id not in forms]
    if unknown:
        raise InputError(f"様式 {', '.join(unknown)} がありません（madoguchi forms list で確認できます）。",
                         f"no such form: {', '.join(unknown)} (see madoguchi forms list).")
    if not form_ids:
        raise InputError("印刷する様式が選ばれていません。", "no forms were chosen.")
    unique = list(dict.fromkeys(form_ids))
    buffer = io.BytesIO()
    canvas = _new_canvas(buffer, forms[unique[0]], " / ".join(forms[f].title for f in unique))
    outcome = _Outcome()
    pages: list[PlacedPage] = []
    backgrounds: dict[int, tuple[FormDefinition, int]] = {}
    for form_id in unique:
        form = forms[form_id]
        if form.background_pdf is not None:
            backgrounds.update({len(pages) + k: (form, k) for k in range(len(form.pages))})
        pages += _draw_form(canvas, resident, form, answers, today, print_unconfirmed_kana, False, outcome)
    canvas.save()
    pdf = buffer.getvalue()
    if backgrounds:
        pdf = _merge_under(pdf, backgrounds)

    def part(form_id: str) -> bytes:
        return render_form(resident, forms[form_id], answers, today=today,
                           print_unconfirmed_kana=print_unconfirmed_kana)[0]

    return Packet(pdf=pdf, parts=LazyParts(unique, part), pages=pages, problems=outcome.problems,
                  empty=outcome.empty)
