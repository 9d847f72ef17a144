"""The demo resident: a made-up family for previews (form designer, benchmarks, demo mode).

Nobody real: the names are the issue's placeholder 番号 family; the address is a ward office's
block with an invented building.
"""

from __future__ import annotations

from typing import Any

from madoguchi.visit import Resident

DEMO_RESIDENT: dict[str, Any] = {
    "family_name": "番号", "given_name": "花子", "family_name_kana": "バンゴウ", "given_name_kana": "ハナコ",
    "birth_date": "1985-03-01", "sex": "female", "postal_code": "144-0052",
    "address": "東京都大田区蒲田五丁目13番14号", "building": "大田マンション301号", "phone": "03-0000-0000",
    "household_head": "番号　太郎", "relationship": "妻",
    "previous_address": "神奈川県川崎市川崎区宮本町1番地", "previous_postal_code": "210-0004",
    "move_date": "2026-11-01", "individual_number": "123456789018",
    "members": [
        {"family_name": "番号", "given_name": "太郎", "family_name_kana": "バンゴウ", "given_name_kana": "タロウ",
         "birth_date": "1950-04-12", "sex": "male", "relationship": "世帯主"},
        {"family_name": "番号", "given_name": "一郎", "family_name_kana": "バンゴウ", "given_name_kana": "イチロウ",
         "birth_date": "2017-06-20", "sex": "male", "relationship": "子"},
        {"family_name": "番号", "given_name": "桜", "family_name_kana": "バンゴウ", "given_name_kana": "サクラ",
         "birth_date": "2019-05-01", "sex": "female", "relationship": "子"},
    ],
}

DEMO_ANSWERS: dict[str, Any] = {
    "ido_kind": "転入", "purpose": "勤務先に提出", "copies": "2", "nhi": True, "seal_registration": True,
    "mynumber_card": True,
}


def demo_resident() -> Resident:
    return Resident.from_json(dict(DEMO_RESIDENT, members=[dict(m) for m in DEMO_RESIDENT["members"]]))
