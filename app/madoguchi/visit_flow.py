"""The counter visit as a workflow: who → card → check → what → preview → print → done.

Qt-free (napari's habit: the model never imports Qt; thin views subscribe to its events), so
the whole visit is testable without a display. The views forward the clerk's intent here; the
model validates, completes (postal code ↔ address, furigana suggestions), chooses forms and
keeps what the clerk already entered whatever goes wrong (a failed IC read, a printer off).

Nothing here logs a resident's data; :meth:`VisitFlow.to_draft` is the only serialisation,
and the caller encrypts it (``madoguchi.privacy.drafts``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from madoguchi.errors import InputError
from madoguchi.forms.validation import date_problem, text_problem
from madoguchi.ids.model import Box, DocumentType, IdReading
from madoguchi.visit import Resident, Visit

#: below this OCR confidence a field is highlighted and visited first
LOW_CONFIDENCE = 0.80


class Step(StrEnum):
    WHO = "who"
    CARD = "card"
    CHECK = "check"
    WHAT = "what"
    PREVIEW = "preview"
    PRINT = "print"
    DONE = "done"


STEPS: tuple[Step, ...] = tuple(Step)


class Event:
    """A plain-Python event (napari's EventedModel idea, in ten lines): views connect callbacks."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[..., Any]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        for callback in list(self._callbacks):
            callback(*args)


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the Resident attribute
    label_ja: str
    kind: str  # text | kana | date | sex | postal | address
    reading_key: str  # the IdReading field it comes from ("" = derived)
    required: bool = True


CHECK_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("family_name", "氏", "text", "name"),
    FieldSpec("given_name", "名", "text", "name", required=False),
    FieldSpec("family_name_kana", "氏（フリガナ）", "kana", "name_kana"),
    FieldSpec("given_name_kana", "名（フリガナ）", "kana", "name_kana", required=False),
    FieldSpec("birth_date", "生年月日", "date", "birth_date"),
    FieldSpec("sex", "性別", "sex", "sex", required=False),
    FieldSpec("postal_code", "郵便番号", "postal", "", required=False),
    FieldSpec("address", "住所", "address", "address"),
)
SPEC_BY_NAME = {spec.name: spec for spec in CHECK_FIELDS}

#: life events offered on the What step, in the order clerks meet them (key = forms' event id)
LIFE_EVENTS: tuple[tuple[str, str], ...] = (
    ("転入", "転入（他の市区町村から）"),
    ("転居", "転居（区内の引っ越し）"),
    ("転出", "転出（他の市区町村へ）"),
    ("出生", "出生"),
    ("証明書の交付", "証明書の交付"),
)
#: events whose new address the clerk enters on the What step (the card shows the old one)
MOVE_EVENTS = ("転入", "転居", "転出")


@dataclass
class FieldState:
    """One field on the Check step: value, where it came from, and what needs the clerk's eye."""

    name: str
    value: str = ""
    confidence: float = 1.0
    box: Box | None = None
    source: str = ""  # ocr | ic | clerk | postal | suggested | ""
    problem: str = ""  # why the value is not acceptable yet (ja), "" when fine
    suggestion: str = ""  # a furigana / postal suggestion not accepted yet
    edited: bool = False
    confirmed_by_clerk: bool = False  # a low-confidence value the clerk looked at and kept

    @property
    def spec(self) -> FieldSpec:
        return SPEC_BY_NAME[self.name]

    @property
    def low_confidence(self) -> bool:
        return self.source in ("ocr", "") and bool(self.value) and self.confidence < LOW_CONFIDENCE \
            and not self.edited and not self.confirmed_by_clerk

    @property
    def needs_attention(self) -> bool:
        return bool(self.problem) or self.low_confidence or bool(self.suggestion)


# --- validation as you type ----------------------------------------------------------------------
_KANA_OK = re.compile(r"^[\u30A0-\u30FF\u3000 ]*$")


def to_katakana(text: str) -> str:
    """Hiragana → katakana and half-width → full-width, so a clerk may type either."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def normalise_postal(text: str) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    return f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 else text.strip()


def validate(kind: str, text: str, *, required: bool = False) -> tuple[str, str]:
    """(normalised value, problem in Japanese or ''). Never raises: the clerk keeps typing."""
    value = text.strip()
    if not value:
        return "", ("入力してください。" if required else "")
    if refused := text_problem(value):  # bidi and control characters never reach a form
        return value, refused[0]
    if kind == "kana":
        value = to_katakana(value)
        if not _KANA_OK.match(value):
            return value, "カタカナで入力してください。"
        return value, ""
    if kind == "date":
        try:
            day = _parse_date(value)
            return day.isoformat(), (date_problem(day) or ("",))[0]
        except ValueError:
            return value, "日付として読めません（例: 1985-04-12、昭和60年4月12日、S60.4.12）。"
    if kind == "postal":
        value = normalise_postal(value)
        if not re.fullmatch(r"\d{3}-\d{4}", value):
            return value, "郵便番号は7桁の数字です（例: 144-0052）。"
        if not _postal_lookup(value):
            return value, "この郵便番号は見つかりません。確かめてください。"
        return value, ""
    if kind == "sex":
        try:
            return _parse_sex(value), ""
        except ValueError:
            return value, "男 または 女 を入力してください。"
    return unicodedata.normalize("NFKC", value) if kind == "address" else value, ""


def _parse_date(text: str) -> date:
    from madoguchi.ids.parse import parse_date

    return parse_date(text)


def _parse_sex(text: str) -> str:
    if text in ("male", "female"):
        return text
    from madoguchi.ids.parse import parse_sex

    return parse_sex(text)


def _postal_lookup(code: str) -> list[Any]:
    try:
        from madoguchi.postal import lookup_postal_code
    except ImportError:  # pragma: no cover - postal data is a dependency
        return []
    try:
        return lookup_postal_code(code)
    except Exception:  # noqa: BLE001 - a broken postal table must not stop the clerk typing
        return []


def _address_lookup(address: str) -> Any:
    try:
        from madoguchi.postal import find_by_address
    except ImportError:  # pragma: no cover
        return None
    try:
        return find_by_address(address)
    except Exception:  # noqa: BLE001
        return None


def display_value(name: str, value: str) -> str:
    """How the Check step shows a stored value (sex as 男/女)."""
    if SPEC_BY_NAME[name].kind == "sex":
        return {"male": "男", "female": "女"}.get(value, value)
    return value


# --- the workflow --------------------------------------------------------------------------------
@dataclass
class PrintOutcome:
    ok: bool
    message_ja: str = ""
    message_en: str = ""
    job_name: str = ""


@dataclass
class FlowState:
    """What is saved as a draft: enough to resume the visit exactly, nothing derived, no images."""

    visit: dict[str, Any] = field(default_factory=dict)
    step: str = Step.WHO.value
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    ticket_label: str = ""
    new_address: dict[str, str] = field(default_factory=dict)
    forms_added: list[str] = field(default_factory=list)
    forms_removed: list[str] = field(default_factory=list)
    document_type: str = ""


class VisitFlow:
    """One visit at a time. Views call the verbs and subscribe to the events."""

    def __init__(self, forms: FormsAdapter | None = None) -> None:
        self.forms = forms or FormsAdapter()
        self.step_changed = Event()  # (Step)
        self.fields_changed = Event()  # ()
        self.forms_changed = Event()  # (list[str])
        self.changed = Event()  # () anything the draft holds changed
        self._reset()

    def _reset(self) -> None:
        self.visit: Visit | None = None
        self.step = Step.WHO
        self.reading: IdReading | None = None
        self.card_image: Any = None
        self.fields: dict[str, FieldState] = {spec.name: FieldState(spec.name) for spec in CHECK_FIELDS}
        self.ticket: Any = None
        self.ticket_label = ""
        #: the move itself: new (or destination) address, 異動日, and the household it joins
        self.new_address: dict[str, str] = {"postal_code": "", "address": "", "building": "", "move_date": "",
                                            "household_head": "", "relationship": ""}
        self.forms_added: list[str] = []
        self.forms_removed: list[str] = []
        self.packet: Any = None
        self.outcome: PrintOutcome | None = None
        self.document_type = ""

    # --- who ------------------------------------------------------------------------------------
    def start(self, ticket: Any = None, ticket_label: str = "") -> Visit:
        """A new visit: for a called ticket, or a walk-in (ticket None)."""
        self._reset()
        self.visit = Visit()
        self.ticket = ticket
        self.ticket_label = ticket_label
        if ticket is not None:
            self.visit.ticket_id = getattr(ticket, "id", None)
        self._go(Step.CARD)
        return self.visit

    @property
    def active(self) -> bool:
        return self.visit is not None

    def _go(self, step: Step) -> None:
        self.step = step
        self.step_changed.emit(step)
        self.changed.emit()

    def go_back(self) -> Step:
        order = list(STEPS)
        index = order.index(self.step)
        if index > 1 and self.step != Step.DONE:
            self._go(order[index - 1])
        return self.step

    def go_to(self, step: Step) -> None:
        """Jump to a step already reached (a click on the step bar)."""
        if self.visit is None:
            return
        self._go(step)

    # --- card -----------------------------------------------------------------------------------
    def set_reading(self, reading: IdReading) -> None:
        """Merge a reading into the fields. A field the clerk edited, or that an earlier source read
        and this one lacks, is kept (an IC read that failed half way, then OCR)."""
        if self.visit is None:
            self.start()
        self.reading = reading
        if reading.card_image is not None:
            self.card_image = reading.card_image
        self.document_type = reading.document_type.value if isinstance(reading.document_type, DocumentType) \
            else str(reading.document_type)
        name = reading.fields.get("name")
        if name is not None and name.value:
            family, given, score = _split(name.value)
            self._take("family_name", family, min(name.confidence, max(score, 0.5)), name.box, name.source)
            self._take("given_name", given, min(name.confidence, max(score, 0.5)), name.box, name.source)
        kana = reading.fields.get("name_kana")
        if kana is not None and kana.value:
            family_kana, given_kana, _score = _split(to_katakana(kana.value))
            self._take("family_name_kana", family_kana, kana.confidence, kana.box, kana.source)
            self._take("given_name_kana", given_kana, kana.confidence, kana.box, kana.source)
        for spec in CHECK_FIELDS:
            if spec.reading_key in ("name", "name_kana", ""):
                continue
            found = reading.fields.get(spec.reading_key)
            if found is None or not found.value:
                continue
            value, problem = validate(spec.kind, found.value, required=spec.required)
            if not found.valid and found.problem:
                problem = problem or found.problem
            self._take(spec.name, value, found.confidence, found.box, found.source, problem)
        self._complete_postal_from_address()
        self._suggest_furigana()
        self.fields_changed.emit()
        if self.step in (Step.WHO, Step.CARD):
            self._go(Step.CHECK)
        else:
            self.changed.emit()

    def _take(self, name: str, value: str, confidence: float, box: Box | None, source: str,
              problem: str = "") -> None:
        state = self.fields[name]
        if state.edited and state.value:
            return
        state.value, state.confidence, state.box, state.source = value, float(confidence), box, source
        state.problem, state.suggestion, state.confirmed_by_clerk = problem, "", False
        if not state.problem and not value and state.spec.required:
            state.problem = "入力してください。"

    def _complete_postal_from_address(self) -> None:
        postal, address = self.fields["postal_code"], self.fields["address"]
        if postal.value or not address.value:
            return
        entry = _address_lookup(address.value)
        if entry is not None:
            postal.value, postal.source, postal.confidence, postal.problem = entry.postal_code, "postal", 1.0, ""

    def _suggest_furigana(self) -> None:
        """Furigana suggestions for empty kana fields; unconfirmed until the clerk accepts them."""
        empty = [n for n in ("family_name_kana", "given_name_kana") if not self.fields[n].value]
        if not empty:
            return
        suggestions = self.forms.suggest_kana(self._resident_from_fields())
        for name in empty:
            suggestion = suggestions.get(name, "")
            if suggestion:
                self.fields[name].suggestion = to_katakana(suggestion)
                self.fields[name].problem = ""

    # --- check ----------------------------------------------------------------------------------
    def review_order(self) -> list[str]:
        """The fields in the order the clerk visits them: those needing attention first, then the screen's."""
        names = [spec.name for spec in CHECK_FIELDS]
        return sorted(names, key=lambda n: (not self.fields[n].needs_attention, names.index(n)))

    def edit(self, name: str, text: str) -> FieldState:
        """The clerk typed: validate now, complete what follows from it (postal code ↔ address)."""
        spec = SPEC_BY_NAME[name]
        state = self.fields[name]
        value, problem = validate(spec.kind, text, required=spec.required)
        state.value, state.problem, state.edited, state.source = value, problem, True, "clerk"
        state.suggestion = ""
        if spec.kind == "postal" and not problem:
            self._complete_address_from_postal(value)
        elif spec.kind == "address" and not problem:
            entry = _address_lookup(value)
            postal = self.fields["postal_code"]
            if entry is not None and not (postal.edited and postal.value):
                postal.value, postal.source, postal.problem = entry.postal_code, "postal", ""
            elif entry is not None and postal.value != entry.postal_code:
                postal.suggestion = entry.postal_code  # the clerk's code disagrees: shown, the clerk decides
        self.fields_changed.emit()
        self.changed.emit()
        return state

    def _complete_address_from_postal(self, code: str) -> None:
        entries = _postal_lookup(code)
        address = self.fields["address"]
        if not entries:
            return
        prefix = entries[0].address
        if not address.value:
            address.value, address.source, address.problem = prefix, "postal", ""
            address.suggestion = ""
        elif not unicodedata.normalize("NFKC", address.value).startswith(prefix):
            address.suggestion = prefix  # shown beside the field; the clerk decides

    def keep_value(self, name: str) -> None:
        """The clerk compared a low-confidence value with the card and keeps it."""
        self.fields[name].confirmed_by_clerk = True
        self.fields_changed.emit()
        self.changed.emit()

    def accept_suggestion(self, name: str) -> None:
        state = self.fields[name]
        if not state.suggestion:
            return
        if state.spec.kind == "address" and state.value:
            state.value = state.suggestion + state.value  # the town from the postal code, banchi kept
        else:
            state.value = state.suggestion
        state.suggestion, state.source, state.edited, state.problem = "", "clerk", True, ""
        self.fields_changed.emit()
        self.changed.emit()

    def accept_all_suggestions(self) -> int:
        names = [n for n, s in self.fields.items() if s.suggestion and s.spec.kind == "kana"]
        for name in names:
            self.accept_suggestion(name)
        return len(names)

    def problems(self) -> list[tuple[str, str]]:
        """(field, problem) still blocking the confirmation."""
        found = []
        for spec in CHECK_FIELDS:
            state = self.fields[spec.name]
            if state.problem:
                found.append((spec.name, state.problem))
            elif spec.required and not state.value and not state.suggestion:
                found.append((spec.name, "入力してください。"))
        return found

    def confirm(self) -> Resident:
        """The one key on the Check step: low-confidence values the clerk saw are kept, furigana
        suggestions stay unconfirmed unless accepted (the forms engine never prints them)."""
        if self.visit is None:
            raise InputError("来庁が始まっていません。", "no visit has been started.")
        blocking = self.problems()
        if blocking:
            labels = "、".join(SPEC_BY_NAME[name].label_ja for name, _ in blocking)
            raise InputError(f"確認が必要な項目があります: {labels}", f"{len(blocking)} field(s) need attention")
        for state in self.fields.values():
            if state.low_confidence:
                state.confirmed_by_clerk = True
        resident = self._resident_from_fields()
        self.visit.resident = resident
        self._go(Step.WHAT)
        self.forms_changed.emit(self.form_ids())
        return resident

    def _resident_from_fields(self) -> Resident:
        values = {name: state.value for name, state in self.fields.items()}
        unconfirmed = []
        for name in ("family_name_kana", "given_name_kana"):
            state = self.fields[name]
            if not state.value and state.suggestion:
                values[name] = state.suggestion
                unconfirmed.append(name)
        resident = Resident(**values)
        resident.kana_unconfirmed = unconfirmed
        previous = self.visit.resident if self.visit is not None else None
        if previous is not None:
            resident.members = previous.members
            resident.extra = dict(previous.extra)
        return resident

    # --- what -----------------------------------------------------------------------------------
    def life_events(self) -> list[tuple[str, str]]:
        return self.forms.life_events()

    def choose_event(self, event: str) -> list[str]:
        if self.visit is None:
            raise InputError("来庁が始まっていません。", "no visit has been started.")
        self.visit.life_event = event
        self.forms_added, self.forms_removed = [], []
        for question in self.questions():
            if question["id"] in self.visit.answers:
                continue
            if question["id"] == "mynumber_card" and self.document_type == DocumentType.MYNUMBER_CARD.value:
                self.visit.answers[question["id"]] = True  # the card was just read: asked once only
            elif question.get("default") is not None:
                self.visit.answers[question["id"]] = question["default"]
        self._apply_new_address()
        return self._forms_updated()

    def questions(self) -> list[dict[str, Any]]:
        if self.visit is None or not self.visit.life_event:
            return []
        return self.forms.questions_for_event(self.visit.life_event)

    def answer(self, question_id: str, value: Any) -> list[str]:
        if self.visit is None:
            raise InputError("来庁が始まっていません。", "no visit has been started.")
        self.visit.answers[question_id] = value
        return self._forms_updated()

    def set_new_address(self, *, postal_code: str | None = None, address: str | None = None,
                        building: str | None = None) -> tuple[str, str]:
        """The new address of a move, with postal code ↔ address completion; (postal problem, address problem)."""
        postal_problem = address_problem = ""
        if postal_code is not None:
            value, postal_problem = validate("postal", postal_code)
            self.new_address["postal_code"] = value
            if not postal_problem and value:
                entries = _postal_lookup(value)
                current = self.new_address["address"]
                if entries and not unicodedata.normalize("NFKC", current).startswith(entries[0].address):
                    self.new_address["address"] = entries[0].address
        if address is not None:
            value, address_problem = validate("address", address)
            self.new_address["address"] = value
            if value and not self.new_address["postal_code"]:
                entry = _address_lookup(value)
                if entry is not None:
                    self.new_address["postal_code"] = entry.postal_code
        if building is not None:
            self.new_address["building"] = building.strip()
        self._apply_new_address()
        self.changed.emit()
        return postal_problem, address_problem

    def set_move_date(self, text: str) -> str:
        """The day of the move (異動日), in any form the clerk types it; returns the problem or ''."""
        value, problem = validate("date", text)
        if not problem and value and date.fromisoformat(value) > date.today():
            problem = "異動日が未来の日付です。確かめてください。"
        self.new_address["move_date"] = "" if problem else value
        self._apply_new_address()
        self.changed.emit()
        return problem

    def set_household(self, *, head: str | None = None, relationship: str | None = None) -> None:
        """世帯主 and 続柄 of the moving resident (by default: their own household)."""
        if head is not None:
            self.new_address["household_head"] = head.strip()
        if relationship is not None:
            self.new_address["relationship"] = relationship.strip()
        self._apply_new_address()
        self.changed.emit()

    def household_defaults(self) -> tuple[str, str]:
        """Who heads the household unless the clerk says otherwise: the resident, as 世帯主."""
        resident = self.visit.resident if self.visit else None
        name = resident.full_name if resident else ""
        return (self.new_address["household_head"] or name,
                self.new_address["relationship"] or ("世帯主" if name else ""))

    def _apply_new_address(self) -> None:
        """Put the move's addresses where the forms read them: for 転入/転居 the card shows the old
        address (previous_address) and the new one becomes the address; for 転出 the card's is the
        current address and the new one is the destination."""
        if self.visit is None or self.visit.life_event not in MOVE_EVENTS:
            return
        resident = self.visit.resident
        card_address = self.fields["address"].value
        card_postal = self.fields["postal_code"].value
        new = self.new_address
        if self.visit.life_event == "転出":
            resident.address, resident.postal_code = card_address, card_postal
            resident.new_address, resident.new_postal_code = new["address"], new["postal_code"]
        else:
            # the forms engine reads a record without new_address as 転入/転居 (madoguchi.forms.render._moving)
            resident.previous_address, resident.previous_postal_code = card_address, card_postal
            resident.address, resident.postal_code = new["address"], new["postal_code"]
            resident.new_address, resident.new_postal_code = "", ""
        resident.building = new["building"]
        resident.move_date = new["move_date"]
        resident.household_head, resident.relationship = self.household_defaults()

    def needs_new_address(self) -> bool:
        return self.visit is not None and self.visit.life_event in MOVE_EVENTS

    def add_form(self, form_id: str) -> list[str]:
        if form_id in self.forms_removed:
            self.forms_removed.remove(form_id)
        elif form_id not in self.forms_added:
            self.forms_added.append(form_id)
        return self._forms_updated()

    def remove_form(self, form_id: str) -> list[str]:
        if form_id in self.forms_added:
            self.forms_added.remove(form_id)
        elif form_id not in self.forms_removed:
            self.forms_removed.append(form_id)
        return self._forms_updated()

    def form_ids(self) -> list[str]:
        if self.visit is None:
            return []
        chosen = self.forms.forms_for_event(self.visit.life_event, self.visit.resident, self.visit.answers) \
            if self.visit.life_event else []
        ids = [f for f in chosen if f not in self.forms_removed]
        ids += [f for f in self.forms_added if f not in ids]
        return ids

    def _forms_updated(self) -> list[str]:
        ids = self.form_ids()
        if self.visit is not None:
            self.visit.form_ids = ids
        self.packet = None
        self.forms_changed.emit(ids)
        self.changed.emit()
        return ids

    def what_problems(self) -> list[str]:
        found = []
        if self.visit is None or (not self.visit.life_event and not self.forms_added):
            found.append("手続を選んでください。")
        if self.needs_new_address() and not self.new_address["address"]:
            found.append("新しい住所を入力してください。")
        if self.needs_new_address() and not self.new_address["move_date"]:
            found.append("異動日を入力してください。")
        if self.visit is not None and not self.form_ids():
            found.append("帳票が選ばれていません。")
        return found

    def to_preview(self) -> None:
        problems = self.what_problems()
        if problems:
            raise InputError("".join(problems), "the procedure is not complete")
        self._apply_new_address()
        self._go(Step.PREVIEW)

    # --- preview / print ------------------------------------------------------------------------
    def render(self) -> Any:
        """Fill the packet (call off the UI thread). Returns the forms engine's Packet."""
        if self.visit is None:
            raise InputError("来庁が始まっていません。", "no visit has been started.")
        self._apply_new_address()
        # what the event implies (届出の種類 = 転入 …) fills the forms too; the clerk's answers win
        answers = self.forms.answers_for_event(self.visit.life_event, self.visit.answers)
        return self.forms.render(self.visit.resident, self.form_ids(), answers)

    def set_packet(self, packet: Any) -> None:
        self.packet = packet
        self.changed.emit()

    def to_print(self) -> None:
        self.outcome = None
        self._go(Step.PRINT)

    def printed(self, outcome: PrintOutcome) -> None:
        self.outcome = outcome
        if outcome.ok and self.visit is not None:
            self.visit.state = "printed"
        self.changed.emit()

    # --- done -----------------------------------------------------------------------------------
    def finish(self) -> Visit | None:
        """The visit is over: every trace of the resident leaves this object (the caller deletes the draft)."""
        visit = self.visit
        if visit is not None:
            visit.state = "done"
        self._reset()
        self.step = Step.DONE
        self.step_changed.emit(Step.DONE)
        self.fields_changed.emit()
        return visit

    def discard(self) -> None:
        self._reset()
        self.step_changed.emit(Step.WHO)
        self.fields_changed.emit()

    # --- drafts ---------------------------------------------------------------------------------
    def to_draft(self) -> bytes:
        if self.visit is None:
            return b""
        visit = asdict(self.visit)
        state = FlowState(visit=visit, step=self.step.value,
                          fields={name: asdict(s) for name, s in self.fields.items()},
                          ticket_label=self.ticket_label, new_address=dict(self.new_address),
                          forms_added=list(self.forms_added), forms_removed=list(self.forms_removed),
                          document_type=self.document_type)
        return json.dumps(asdict(state), ensure_ascii=False).encode("utf-8")

    def resume(self, payload: bytes) -> Visit:
        try:
            data = json.loads(payload.decode("utf-8"))
            state = FlowState(**data)
            visit_data = dict(state.visit)
            resident = Resident.from_json(visit_data.pop("resident") or {}, "draft")
            visit = Visit(**visit_data, resident=resident)
            fields_ = {name: FieldState(**{**values, "box": tuple(values["box"]) if values.get("box") else None})
                       for name, values in state.fields.items() if name in SPEC_BY_NAME}
        except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
            raise InputError("保存された来庁データを読めません。破棄してください。",
                             f"the saved visit cannot be read ({exc.__class__.__name__}); discard it.") from exc
        self._reset()
        self.visit = visit
        self.fields.update(fields_)
        self.ticket_label = state.ticket_label
        self.new_address.update(state.new_address)
        self.forms_added, self.forms_removed = list(state.forms_added), list(state.forms_removed)
        self.document_type = state.document_type
        step = Step(state.step)
        # a packet is re-rendered from the data, never kept in the draft: resume at Preview at the latest
        if step in (Step.PRINT, Step.DONE):
            step = Step.PREVIEW
        self.fields_changed.emit()
        self._go(step)
        return visit


def warm_up() -> None:
    """Load what the first reading needs (postal tables, name splitter, kana dictionary) before the
    first card arrives, so the first resident of the day waits no longer than the next."""
    from madoguchi.visit import Resident as _Resident

    _postal_lookup("100-0013")
    _address_lookup("東京都千代田区霞が関1-1")
    _split("試験 花子")
    _split("試験花子")
    FormsAdapter().suggest_kana(_Resident(family_name="試験", given_name="花子", address="東京都千代田区霞が関"))


def _split(text: str) -> tuple[str, str, float]:
    try:
        from madoguchi.ids.parse import ParseError, split_name
    except ImportError:  # pragma: no cover
        parts = text.split()
        return (parts[0] if parts else "", " ".join(parts[1:]), 0.5)
    try:
        split = split_name(text)
    except ParseError:
        return text.strip(), "", 0.0
    return split.family, split.given, split.score


class FormsAdapter:
    """The forms engine as the flow needs it (madoguchi.forms), loaded once, imported lazily."""

    def __init__(self, forms: Any = None) -> None:
        self._forms = forms

    @property
    def definitions(self) -> Any:
        if self._forms is None:
            from madoguchi.forms.definition import load_forms

            self._forms = load_forms()
        return self._forms

    def all_forms(self) -> list[tuple[str, str]]:
        """(form id, title) of every form the clerk may add by hand."""
        forms = self.definitions
        items = forms.items() if isinstance(forms, dict) else ((f.id, f) for f in forms)
        return [(form_id, getattr(form, "title", form_id)) for form_id, form in items]

    def title(self, form_id: str) -> str:
        return dict(self.all_forms()).get(form_id, form_id)

    def life_events(self) -> list[tuple[str, str]]:
        """(event, label): the events the ward's rules define, the common ones first."""
        from madoguchi.forms.events import load_event_rules

        defined = load_event_rules().events
        labels = dict(LIFE_EVENTS)
        names = [name for name, _ in LIFE_EVENTS if name in defined]
        names += [name for name in defined if name not in names]
        return [(name, labels.get(name, name)) for name in names]

    def questions_for_event(self, event: str) -> list[dict[str, Any]]:
        from madoguchi.forms.events import questions_for_event

        return [_question_dict(q) for q in questions_for_event(event)]

    def forms_for_event(self, event: str, resident: Resident, answers: dict[str, Any]) -> list[str]:
        from madoguchi.forms.events import forms_for_event

        return list(forms_for_event(event, resident, answers))

    def answers_for_event(self, event: str, answers: dict[str, Any]) -> dict[str, Any]:
        if not event:
            return dict(answers)
        from madoguchi.forms.events import answers_for_event

        return answers_for_event(event, answers)

    def render(self, resident: Resident, form_ids: list[str], answers: dict[str, Any]) -> Any:
        from madoguchi.forms.render import render_packet

        return render_packet(resident, form_ids, self.definitions, answers)

    def suggest_kana(self, resident: Resident) -> dict[str, str]:
        try:
            from madoguchi.forms.furigana import suggest_kana
        except ImportError:
            return {}
        return {path: getattr(s, "value", s) for path, s in suggest_kana(resident).items()}


def _question_dict(question: Any) -> dict[str, Any]:
    if isinstance(question, dict):
        return question
    return {"id": question.id, "label": getattr(question, "label", question.id),
            "kind": getattr(question, "kind", "bool"), "choices": list(getattr(question, "choices", []) or []),
            "default": getattr(question, "default", None)}
