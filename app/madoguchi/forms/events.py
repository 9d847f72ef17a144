"""Life events → the forms a visit needs (``forms/events.yaml``; rules are data).

Each event lists its base forms and rules that add (or remove) forms when the resident's
situation says so, e.g. a person under 15 moving in → 児童手当, national health insurance →
国保, 75 or older → 後期高齢者医療. A rule's ``when`` holds conditions that must all be true:

- ``answer: <question>`` — the clerk answered yes (or anything non-empty);
- ``answer_equals: {<question>: <value>}`` / ``answer_includes: {<question>: <value>}``;
- ``person_under: N`` / ``person_at_least: N`` — someone moving (the resident or a member) is
  under N / at least N years old on the day;
- ``resident_at_least: N`` / ``resident_under: N``;
- ``has_members: true|false``.

The clerk can add or remove forms after this suggestion; the result is only a starting list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from madoguchi.datafile import read_data_file, schema_errors, schema_problem
from madoguchi.errors import InputError, Problem
from madoguchi.forms.definition import FORM_FILE, QUESTION_KINDS, FormDefinitionError, Question, answer_is_yes
from madoguchi.paths import forms_dir
from madoguchi.visit import Resident

EVENTS_FILE = "events.yaml"
#: what a move's new address is: ``in`` the resident's new address (転入・転居), ``out`` the destination (転出)
MOVE_KINDS = ("in", "out")

_FORM_IDS = {"type": "array", "items": {"type": "string", "pattern": "^[a-z][a-z0-9_-]*$"}}
_CONDITION = {
    "type": "object", "additionalProperties": False, "minProperties": 1,
    "properties": {
        "answer": {"type": "string"},
        "answer_equals": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
        "answer_includes": {"type": "object", "additionalProperties": {"type": "string"}},
        "person_under": {"type": "integer", "minimum": 0},
        "person_at_least": {"type": "integer", "minimum": 0},
        "resident_under": {"type": "integer", "minimum": 0},
        "resident_at_least": {"type": "integer", "minimum": 0},
        "has_members": {"type": "boolean"},
    },
}
EVENTS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["events"],
    "properties": {
        "questions": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["id", "label", "kind"],
            "properties": {"id": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}, "label": {"type": "string"},
                           "kind": {"enum": list(QUESTION_KINDS)},
                           "choices": {"type": "array", "items": {"type": "string"}},
                           "default": {"type": ["string", "number", "boolean"]}, "help": {"type": "string"}}}},
        "events": {"type": "object", "minProperties": 1, "additionalProperties": {
            "type": "object", "additionalProperties": False, "required": ["forms"],
            "properties": {
                "label": {"type": "string"},
                "description": {"type": "string"},
                "move": {"enum": list(MOVE_KINDS)},
                "forms": _FORM_IDS,
                "questions": {"type": "array", "items": {"type": "string"}},
                "answers": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
                "rules": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False, "required": ["when"],
                    "properties": {"when": _CONDITION, "add": _FORM_IDS, "remove": _FORM_IDS,
                                   "note": {"type": "string"}}}},
            }}},
    },
}


@dataclass(frozen=True)
class Rule:
    when: dict[str, Any]
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    note: str = ""


@dataclass
class Event:
    name: str
    forms: list[str]
    questions: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    description: str = ""
    #: answers the event implies for the forms' own questions (e.g. 届出の種類 = 転入)
    answers: dict[str, Any] = field(default_factory=dict)
    #: what the clerk picks on the counter's What step (default: the name)
    label: str = ""
    #: '' (no move), 'in' or 'out' (see MOVE_KINDS)
    move: str = ""


@dataclass
class EventRules:
    questions: dict[str, Question]
    events: dict[str, Event]


def _default_file() -> Path:
    return forms_dir() / EVENTS_FILE


def _parse(path: Path, known_forms: set[str] | None) -> tuple[EventRules | None, list[Problem]]:
    data, problems = read_data_file(path)
    if problems:
        return None, problems
    # each event is checked on its own so that one broken event does not hide the others' problems
    bad_events: set[str] = set()
    for error in schema_errors(data, EVENTS_SCHEMA):
        problems.append(schema_problem(path, data, error))
        steps = list(error.absolute_path)
        if len(steps) >= 2 and steps[0] == "events":
            bad_events.add(str(steps[1]))
        else:
            bad_events.add("*")
    if "*" in bad_events:
        return None, problems
    questions = {q["id"]: Question.from_data(q) for q in data.get("questions", ())}
    events: dict[str, Event] = {}
    for name, raw in data["events"].items():
        if name in bad_events:
            events[name] = Event(name, [])
            continue
        event = Event(name, list(raw["forms"]), list(raw.get("questions", ())),
                      [Rule(r["when"], tuple(r.get("add", ())), tuple(r.get("remove", ())), r.get("note", ""))
                       for r in raw.get("rules", ())], raw.get("description", ""), dict(raw.get("answers", {})),
                      raw.get("label", ""), raw.get("move", ""))
        events[name] = event
        problems += _event_problems(path, event, questions, known_forms)
    return (None if problems else EventRules(questions, events)), problems


def _event_problems(path: Path, event: Event, questions: dict[str, Question],
                    known_forms: set[str] | None) -> list[Problem]:
    problems = []
    where = str(path)
    referenced = [(f"events.{event.name}.forms", f) for f in event.forms]
    for index, rule in enumerate(event.rules):
        key = f"events.{event.name}.rules[{index}]"
        referenced += [(key + ".add", f) for f in rule.add] + [(key + ".remove", f) for f in rule.remove]
        named = [rule.when.get("answer"), *list(rule.when.get("answer_equals", {})), *list(rule.when.get("answer_includes", {}))]
        for question in filter(None, named):
            if question not in questions:
                problems.append(Problem(where, key + ".when", f"質問 {question} が questions に定義されていません。",
                                        f"question {question!r} is not declared under questions."))
            elif question not in event.questions:
                problems.append(Problem(where, key + ".when", f"質問 {question} がこのイベントの questions にありません。",
                                        f"question {question!r} is not listed in this event's questions."))
    for question in event.questions:
        if question not in questions:
            problems.append(Problem(where, f"events.{event.name}.questions", f"質問 {question} が定義されていません。",
                                    f"question {question!r} is not declared under questions."))
    if known_forms is not None:
        for key, form_id in referenced:
            if form_id not in known_forms:
                problems.append(Problem(where, key, f"様式 {form_id} がありません（forms/{form_id}/{FORM_FILE}）。",
                                        f"no such form {form_id!r} (forms/{form_id}/{FORM_FILE})."))
    return problems


def check_event_rules(path: Path | None = None, known_forms: set[str] | None = None) -> list[Problem]:
    """Every problem in the life-event rules (``known_forms``: the form ids that exist)."""
    path = path or _default_file()
    if known_forms is None:
        known_forms = {p.name for p in path.parent.iterdir() if (p / FORM_FILE).is_file()}
    return _parse(path, known_forms)[1]


_CACHE: dict[Path, tuple[float, EventRules]] = {}


def load_event_rules(path: Path | None = None) -> EventRules:
    """The life-event rules, validated (form ids must exist beside them); cached until the file changes."""
    path = (path or _default_file()).resolve()
    try:
        stamp = path.stat().st_mtime
    except OSError:
        raise FormDefinitionError([Problem(str(path), "(file)", "ライフイベントの規則ファイルがありません。",
                                           "the life-event rules file does not exist.")]) from None
    cached = _CACHE.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    known = {p.name for p in path.parent.iterdir() if (p / FORM_FILE).is_file()}
    rules, problems = _parse(path, known)
    if rules is None:
        raise FormDefinitionError(problems)
    _CACHE[path] = (stamp, rules)
    return rules


def _event(event: str, rules: EventRules) -> Event:
    if event not in rules.events:
        raise InputError(f"ライフイベント {event} はありません（{'、'.join(rules.events)}）。",
                         f"no life event {event!r} (known: {', '.join(rules.events)}).")
    return rules.events[event]


def questions_for_event(event: str, rules: EventRules | None = None) -> list[Question]:
    """The few questions the clerk answers so the rules can choose the forms."""
    rules = rules or load_event_rules()
    return [rules.questions[q] for q in _event(event, rules).questions]


def answers_for_event(event: str, answers: dict[str, Any] | None = None,
                      rules: EventRules | None = None) -> dict[str, Any]:
    """The clerk's answers with what the event implies filled in (the clerk's own answers win)."""
    rules = rules or load_event_rules()
    return {**_event(event, rules).answers, **(answers or {})}


def _ages(resident: Resident, day: date) -> list[int]:
    return [age for person in (resident, *resident.members) if (age := person.age_on(day)) is not None]


def condition_holds(when: dict[str, Any], resident: Resident, answers: dict[str, Any], day: date) -> bool:
    ages = _ages(resident, day)
    own = resident.age_on(day)
    checks = {
        "answer": lambda v: answer_is_yes(answers.get(v)),
        "answer_equals": lambda v: all(str(answers.get(k)).lower() == str(x).lower() for k, x in v.items()),
        "answer_includes": lambda v: all(x in (answers.get(k) or ()) for k, x in v.items()),
        "person_under": lambda v: any(age < v for age in ages),
        "person_at_least": lambda v: any(age >= v for age in ages),
        "resident_under": lambda v: own is not None and own < v,
        "resident_at_least": lambda v: own is not None and own >= v,
        "has_members": lambda v: bool(resident.members) == v,
    }
    return all(checks[key](value) for key, value in when.items())


def forms_for_event(event: str, resident: Resident, answers: dict[str, Any] | None = None, *,
                    today: date | None = None, rules: EventRules | None = None) -> list[str]:
    """The form ids a visit for ``event`` needs, in order: base forms, then what the rules add."""
    rules = rules or load_event_rules()
    answers = dict(answers or {})
    chosen = _event(event, rules)
    day = today or date.today()
    result = list(chosen.forms)
    for rule in chosen.rules:
        if condition_holds(rule.when, resident, answers, day):
            result += [f for f in rule.add if f not in result]
            result = [f for f in result if f not in rule.remove]
    return result
