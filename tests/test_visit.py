"""The resident record: one Person shape for the resident and each member, one age rule."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from madoguchi.visit import Member, Person, Resident, age_on


def test_age_counts_the_birthday_itself_and_leap_days() -> None:
    assert age_on(date(1985, 4, 12), date(2026, 4, 11)) == 40
    assert age_on(date(1985, 4, 12), date(2026, 4, 12)) == 41
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17  # no 29th: the birthday comes on 1 March
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_resident_and_member_share_the_person_fields() -> None:
    shared = [f.name for f in fields(Person)]
    assert [f.name for f in fields(Member)][:len(shared)] == shared
    assert [f.name for f in fields(Resident)][:len(shared)] == shared
    child = Member(family_name="試験", given_name="一郎", birth_date="2020-05-05", relationship="子")
    parent = Resident(family_name="試験", given_name="花子", birth_date="1985-04-12", members=[child])
    assert child.full_name == "試験\u3000一郎" and child.age_on(date(2026, 5, 4)) == 5
    assert parent.age_on(date(2026, 5, 4)) == 41 and Resident().age_on(date(2026, 1, 1)) is None
    assert Resident.from_json(parent.to_json()).members == [child]
