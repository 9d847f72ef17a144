"""The forms engine as the visit needs it: forms, life events and their questions, typed.

Loaded once per flow (the forms engine caches definitions until a file changes); a ward's
``forms/events.yaml`` is the only place life events, their labels and their questions live.
"""

from __future__ import annotations

from typing import Any

from madoguchi.forms.catalogue import load_forms
from madoguchi.forms.definition import FormDefinition, Question
from madoguchi.forms.events import (
    EventRules,
    answers_for_event,
    forms_for_event,
    load_event_rules,
    questions_for_event,
)
from madoguchi.forms.furigana import suggest_kana
from madoguchi.forms.render import Packet, render_packet
from madoguchi.visit import Resident


class FormsCatalogue:
    """Forms and life-event rules; ``forms`` and ``rules`` may be given (tests, another ward's folder)."""

    def __init__(self, forms: dict[str, FormDefinition] | None = None, rules: EventRules | None = None) -> None:
        self._forms = forms
        self._rules = rules

    @property
    def definitions(self) -> dict[str, FormDefinition]:
        if self._forms is None:
            self._forms = load_forms()
        return self._forms

    @property
    def rules(self) -> EventRules:
        return self._rules if self._rules is not None else load_event_rules()

    def all_forms(self) -> list[tuple[str, str]]:
        """(form id, title) of every form the clerk may add by hand."""
        return [(form_id, form.title) for form_id, form in self.definitions.items()]

    def title(self, form_id: str) -> str:
        form = self.definitions.get(form_id)
        return form.title if form is not None else form_id

    def life_events(self) -> list[tuple[str, str]]:
        """(event, label) in the order the ward's rules list them."""
        return [(name, event.label or name) for name, event in self.rules.events.items()]

    def move_kind(self, event: str) -> str:
        """'in' (the new address becomes the resident's), 'out' (it is the destination) or ''."""
        found = self.rules.events.get(event)
        return found.move if found is not None else ""

    def questions_for_event(self, event: str) -> list[Question]:
        return questions_for_event(event, self.rules)

    def forms_for_event(self, event: str, resident: Resident, answers: dict[str, Any]) -> list[str]:
        return forms_for_event(event, resident, answers, rules=self.rules)

    def answers_for_event(self, event: str, answers: dict[str, Any]) -> dict[str, Any]:
        if not event:
            return dict(answers)
        return answers_for_event(event, answers, self.rules)

    def render(self, resident: Resident, form_ids: list[str], answers: dict[str, Any]) -> Packet:
        return render_packet(resident, form_ids, self.definitions, answers)

    def suggest_kana(self, resident: Resident) -> dict[str, str]:
        return {path: suggestion.value for path, suggestion in suggest_kana(resident).items()}
