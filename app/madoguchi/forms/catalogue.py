"""The folder of forms as one catalogue: every ``<id>/form.yaml`` and the life-event rules beside them.

:func:`check_forms` reports *every* problem in every form and in ``events.yaml``;
:func:`load_forms` refuses a folder with any problem, raising :class:`FormDefinitionError`
naming the file, the field and the problem. Definitions (:mod:`.definition`) and rules
(:mod:`.events`) know nothing of each other; this module is where they meet.
"""

from __future__ import annotations

from pathlib import Path

from madoguchi.errors import Problem
from madoguchi.forms.definition import FORM_FILE, FormDefinition, FormDefinitionError, load_form_file
from madoguchi.forms.events import EVENTS_FILE, check_event_rules
from madoguchi.paths import forms_dir


def _form_files(directory: Path) -> list[Path]:
    return sorted(p / FORM_FILE for p in directory.iterdir() if p.is_dir() and (p / FORM_FILE).is_file())


def _default_directory(directory: Path | None) -> Path:
    return Path(directory) if directory is not None else forms_dir()


def _missing_folder(directory: Path) -> Problem:
    return Problem(str(directory), "(folder)", "様式フォルダがありません。", "the forms folder does not exist.")


def check_forms(directory: Path | None = None) -> list[Problem]:
    """Every problem in every form of ``directory`` (and in its ``events.yaml``), not just the first."""
    directory = _default_directory(directory)
    if not directory.is_dir():
        return [_missing_folder(directory)]
    problems: list[Problem] = []
    forms: dict[str, FormDefinition] = {}
    files = _form_files(directory)
    if not files:
        problems.append(Problem(str(directory), "(folder)", f"様式（<id>/{FORM_FILE}）が 1 つもありません。",
                                f"no forms (<id>/{FORM_FILE}) found."))
    for path in files:
        form, found = load_form_file(path)
        problems += found
        if form is not None:
            forms[form.id] = form
    events_file = directory / EVENTS_FILE
    if events_file.is_file():
        problems += check_event_rules(events_file, known_forms=set(forms) if not problems else
                                      {p.parent.name for p in files})
    return problems


_CACHE: dict[Path, tuple[tuple[tuple[str, float], ...], dict[str, FormDefinition]]] = {}


def load_forms(directory: Path | None = None) -> dict[str, FormDefinition]:
    """All forms of ``directory`` (default: the shipped ``forms/``) by id, in their ``order``.

    Raises :class:`FormDefinitionError` listing every problem when any form is bad. The result
    is cached per directory until a form.yaml changes (the counter loads forms for each visit).
    """
    directory = _default_directory(directory).resolve()
    if not directory.is_dir():
        raise FormDefinitionError([_missing_folder(directory)])
    files = _form_files(directory)
    stamp = tuple((str(p), p.stat().st_mtime) for p in files)
    cached = _CACHE.get(directory)
    if cached is not None and cached[0] == stamp:
        return dict(cached[1])
    problems: list[Problem] = []
    forms: list[FormDefinition] = []
    for path in files:
        form, found = load_form_file(path)
        problems += found
        if form is not None:
            forms.append(form)
    if problems:
        raise FormDefinitionError(problems)
    result = {form.id: form for form in sorted(forms, key=lambda f: (f.order, f.id))}
    _CACHE[directory] = (stamp, result)
    return dict(result)
