"""The resident record and the visit it belongs to.

A :class:`Resident` is what the clerk confirmed: the card's reading plus what the clerk
added once (ワンスオンリー). It is exchanged as JSON with the keys of the issue's minimal
shape; more keys are kept in ``extra``.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from madoguchi.errors import InputError

SEXES = ("male", "female")


def age_on(born: date, day: date) -> int:
    """Completed years on ``day`` (the one age rule: the birthday itself counts)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class Person:
    """What the resident and each household member moving with them share."""

    family_name: str = ""
    given_name: str = ""
    family_name_kana: str = ""
    given_name_kana: str = ""
    birth_date: str = ""  # ISO yyyy-mm-dd
    sex: str = ""  # male | female | ""

    @property
    def full_name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}".strip("\u3000")

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana}\u3000{self.given_name_kana}".strip("\u3000")

    def birth(self) -> date | None:
        return date.fromisoformat(self.birth_date) if self.birth_date else None

    def age_on(self, day: date) -> int | None:
        born = self.birth()
        return None if born is None else age_on(born, day)


@dataclass
class Member(Person):
    """A household member moving with the resident."""

    relationship: str = ""


@dataclass
class Resident(Person):
    postal_code: str = ""  # NNN-NNNN
    address: str = ""
    building: str = ""
    phone: str = ""
    household_head: str = ""
    relationship: str = ""
    previous_address: str = ""
    previous_postal_code: str = ""
    move_date: str = ""
    new_address: str = ""
    new_postal_code: str = ""
    nationality: str = ""
    individual_number: str = ""
    #: reading of the address (町域 from the postal data), printed where a form asks for it
    address_kana: str = ""
    members: list[Member] = field(default_factory=list)
    #: kana values that are suggestions the clerk has not confirmed yet, as paths such as
    #: ``family_name_kana``, ``members[0].given_name_kana``, ``address_kana``. The forms
    #: engine never prints these (madoguchi.forms.furigana); confirming removes the path.
    kana_unconfirmed: list[str] = field(default_factory=list)
    #: answers to forms' own questions (purpose, copies …) and any other keys
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("extra")
        data.update(extra)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str = "resident") -> Resident:
        if not isinstance(data, dict):
            raise InputError(f"{where}: 来庁者データは JSON オブジェクトである必要があります。",
                             f"{where}: the resident record must be a JSON object.")
        known = {f.name for f in fields(cls)} - {"extra", "members", "kana_unconfirmed"}
        values: dict[str, Any] = {}
        extra: dict[str, Any] = dict(data.get("extra") or {}) if isinstance(data.get("extra"), dict) else {}
        for key, value in data.items():
            if key in known:
                if value is None:
                    value = ""
                if not isinstance(value, str):
                    raise InputError(f"{where}: {key} は文字列である必要があります。",
                                     f"{where}: {key} must be a string.")
                values[key] = value
            elif key not in ("members", "extra", "kana_unconfirmed"):
                extra[key] = value
        members_raw = data.get("members") or []
        if not isinstance(members_raw, list):
            raise InputError(f"{where}: members は配列である必要があります。", f"{where}: members must be an array.")
        members = []
        member_keys = {f.name for f in fields(Member)}
        for index, item in enumerate(members_raw):
            if not isinstance(item, dict):
                raise InputError(f"{where}: members[{index}] はオブジェクトである必要があります。",
                                 f"{where}: members[{index}] must be an object.")
            unknown = set(item) - member_keys
            if unknown:
                raise InputError(f"{where}: members[{index}] に不明な項目 {sorted(unknown)} があります。",
                                 f"{where}: members[{index}] has unknown keys {sorted(unknown)}.")
            if not all(isinstance(v, str) for v in item.values()):
                raise InputError(f"{where}: members[{index}] の値は文字列である必要があります。",
                                 f"{where}: values of members[{index}] must be strings.")
            members.append(Member(**item))
        unconfirmed = data.get("kana_unconfirmed") or []
        if not isinstance(unconfirmed, list) or not all(isinstance(v, str) for v in unconfirmed):
            raise InputError(f"{where}: kana_unconfirmed は文字列の配列である必要があります。",
                             f"{where}: kana_unconfirmed must be an array of strings.")
        resident = cls(**values, members=members, extra=extra, kana_unconfirmed=list(unconfirmed))
        resident.validate(where)
        return resident

    @classmethod
    def from_json_text(cls, text: str, where: str = "resident") -> Resident:
        from madoguchi.datafile import DataRefused, load_json

        try:
            data = load_json(text)
        except DataRefused as exc:
            raise InputError(f"{where}: JSON として読めません（{exc.problem}）。",
                             f"{where}: not valid JSON ({exc.problem}).") from None
        return cls.from_json(data, where)

    def validate(self, where: str = "resident") -> None:
        self._validate_format(where)
        from madoguchi.validation import resident_problems

        for path, (ja, en) in resident_problems(self)[:1]:
            raise InputError(f"{where}: {path}: {ja}", f"{where}: {path}: {en}")

    def _validate_format(self, where: str) -> None:
        for key in ("birth_date", "move_date"):
            value = getattr(self, key)
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError as exc:
                    raise InputError(f"{where}: {key} は yyyy-mm-dd 形式の実在する日付である必要があります。",
                                     f"{where}: {key} must be an existing date as yyyy-mm-dd.") from exc
        if self.sex and self.sex not in SEXES:
            raise InputError(f"{where}: sex は male または female です。", f"{where}: sex must be male or female.")
        for index, member in enumerate(self.members):
            if member.birth_date:
                try:
                    date.fromisoformat(member.birth_date)
                except ValueError as exc:
                    raise InputError(
                        f"{where}: members[{index}].birth_date は yyyy-mm-dd 形式の実在する日付である必要があります。",
                        f"{where}: members[{index}].birth_date must be an existing date as yyyy-mm-dd.") from exc
            if member.sex and member.sex not in SEXES:
                raise InputError(f"{where}: members[{index}].sex は male または female です。",
                                 f"{where}: members[{index}].sex must be male or female.")


@dataclass
class Visit:
    """One resident's visit at the counter: the record, the chosen procedures, the ticket."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    resident: Resident = field(default_factory=Resident)
    ticket_id: int | None = None
    life_event: str = ""
    form_ids: list[str] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    state: str = "open"  # open | printed | done
