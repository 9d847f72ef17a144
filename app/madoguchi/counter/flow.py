"""The counter visit's state machine: who → card → check → what → preview → print → done.

The views forward the clerk's intent here; the flow validates, completes (postal code ↔ address,
furigana suggestions), chooses forms and keeps what the clerk already entered whatever goes
wrong (a failed IC read, a printer off). Views subscribe to its signals (napari's habit).

Nothing here logs a resident's data; :meth:`VisitFlow.to_draft` is the only serialisation,
and the caller encrypts it (``madoguchi.privacy.drafts``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from madoguchi.counter import drafts
from madoguchi.counter.catalogue import FormsCatalogue
from madoguchi.counter.check import (
    CHECK_FIELDS,
    NO_BANCHI,
    SPEC_BY_NAME,
    FieldState,
    address_problem,
    split_full_name,
    to_katakana,
    validate,
)
from madoguchi.counter.move import apply_move, empty_move, household_defaults
from madoguchi.counter.signals import Signal
from madoguchi.errors import InputError
from madoguchi.forms.definition import Question
from madoguchi.forms.render import Packet
from madoguchi.ids.model import Box, DocumentType, IdReading
from madoguchi.postal import find_by_address, lookup_postal_code
from madoguchi.visit import Resident, Visit

#: the forms' answer naming the identity document seen at the counter (a DocumentType value)
ID_DOCUMENT = "id_document"


class Step(StrEnum):
    WHO = "who"
    CARD = "card"
    CHECK = "check"
    WHAT = "what"
    PREVIEW = "preview"
    PRINT = "print"
    DONE = "done"


STEPS: tuple[Step, ...] = tuple(Step)


@dataclass
class PrintOutcome:
    ok: bool
    message_ja: str = ""
    message_en: str = ""
    job_name: str = ""


class VisitFlow:
    """One visit at a time. Views call the verbs and subscribe to the events."""

    def __init__(self, forms: FormsCatalogue | None = None) -> None:
        self.forms = forms or FormsCatalogue()
        self.step_changed = Signal()  # (Step)
        self.fields_changed = Signal()  # ()
        self.forms_changed = Signal()  # (list[str])
        self.changed = Signal()  # () anything the draft holds changed
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
        self.new_address: dict[str, str] = empty_move()
        self.forms_added: list[str] = []
        self.forms_removed: list[str] = []
        self.packet: Packet | None = None
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
            family, given, score = split_full_name(name.value)
            self._take("family_name", family, min(name.confidence, max(score, 0.5)), name.box, name.source)
            self._take("given_name", given, min(name.confidence, max(score, 0.5)), name.box, name.source)
        kana = reading.fields.get("name_kana")
        if kana is not None and kana.value:
            family_kana, given_kana, _score = split_full_name(to_katakana(kana.value))
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
        entry = find_by_address(address.value)
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
            entry = find_by_address(value)
            postal = self.fields["postal_code"]
            if entry is not None and not (postal.edited and postal.value):
                postal.value, postal.source, postal.problem = entry.postal_code, "postal", ""
            elif entry is not None and postal.value != entry.postal_code:
                postal.suggestion = entry.postal_code  # the clerk's code disagrees: shown, the clerk decides
        self.fields_changed.emit()
        self.changed.emit()
        return state

    def _complete_address_from_postal(self, code: str) -> None:
        entries = lookup_postal_code(code)
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
            if question.id in self.visit.answers:
                continue
            if question.id == "mynumber_card" and self.document_type == DocumentType.MYNUMBER_CARD.value:
                self.visit.answers[question.id] = True  # the card was just read: asked once only
            elif question.default is not None:
                self.visit.answers[question.id] = question.default
        self._apply_new_address()
        return self._forms_updated()

    def questions(self) -> list[Question]:
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
                entries = lookup_postal_code(value)
                current = self.new_address["address"]
                if entries and not unicodedata.normalize("NFKC", current).startswith(entries[0].address):
                    self.new_address["address"] = entries[0].address
        if address is not None:
            value, address_problem = validate("address", address)
            self.new_address["address"] = value
            if value and not self.new_address["postal_code"]:
                entry = find_by_address(value)
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
        return household_defaults(self.new_address, self.visit.resident if self.visit else None)

    def move_kind(self) -> str:
        """'in', 'out' or '' for the chosen life event (events.yaml's ``move``)."""
        return self.forms.move_kind(self.visit.life_event) if self.visit is not None and self.visit.life_event else ""

    def _apply_new_address(self) -> None:
        kind = self.move_kind()
        if kind and self.visit is not None:
            apply_move(self.visit.resident, kind, self.fields["address"].value, self.fields["postal_code"].value,
                       self.new_address)

    def needs_new_address(self) -> bool:
        return bool(self.move_kind())

    def new_address_lacks_banchi(self) -> bool:
        """The new address is the town the postal code gave, the 番地 still to come (the clerk's next keys go there)."""
        return bool(self.new_address["address"]) and address_problem(self.new_address["address"]) == NO_BANCHI

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
        elif self.needs_new_address():
            found += [problem for problem in (address_problem(self.new_address["address"]),) if problem]
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
        if self.document_type and self.document_type != DocumentType.UNKNOWN.value:
            # the 本人確認 the forms ask for is the card just read (answer.id_document: its document type)
            answers.setdefault(ID_DOCUMENT, self.document_type)
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
        return drafts.encode(drafts.FlowState(
            visit=asdict(self.visit), step=self.step.value,
            fields={name: asdict(s) for name, s in self.fields.items()}, ticket_label=self.ticket_label,
            new_address=dict(self.new_address), forms_added=list(self.forms_added),
            forms_removed=list(self.forms_removed), document_type=self.document_type))

    def resume(self, payload: bytes) -> Visit:
        """The visit of a draft, at the step it was left (Preview at the latest: a packet is re-rendered)."""
        state, visit, fields = drafts.decode(payload)
        self._reset()
        self.visit = visit
        self.fields.update(fields)
        self.ticket_label = state.ticket_label
        self.new_address.update(state.new_address)
        self.forms_added, self.forms_removed = list(state.forms_added), list(state.forms_removed)
        self.document_type = state.document_type
        step = Step(state.step)
        if step in (Step.PRINT, Step.DONE):
            step = Step.PREVIEW
        self.fields_changed.emit()
        self._go(step)
        return visit


def warm_up(catalogue: FormsCatalogue | None = None) -> None:
    """Load what the first reading needs (postal tables, name splitter, kana dictionary) before the
    first card arrives, so the first resident of the day waits no longer than the next."""
    lookup_postal_code("100-0013")
    find_by_address("東京都千代田区霞が関1-1")
    split_full_name("試験 花子")
    split_full_name("試験花子")
    (catalogue or FormsCatalogue()).suggest_kana(
        Resident(family_name="試験", given_name="花子", address="東京都千代田区霞が関"))
