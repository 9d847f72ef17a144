"""Synthetic residents for the forms tests (made up from lists; nobody real)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from madoguchi.mynumber import make_valid
from madoguchi.visit import Resident

FAMILY = [("山田", "ヤマダ"), ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("渡辺", "ワタナベ"),
          ("伊藤", "イトウ"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("長谷川", "ハセガワ"), ("番号", "バンゴウ")]
GIVEN = [("太郎", "タロウ", "male"), ("花子", "ハナコ", "female"), ("一郎", "イチロウ", "male"),
         ("陽菜", "ヒナ", "female"), ("蓮", "レン", "male"), ("結衣", "ユイ", "female"), ("翔太", "ショウタ", "male"),
         ("さくら", "サクラ", "female")]
ADDRESSES = [("144-0052", "東京都大田区蒲田五丁目13番14号"), ("146-0082", "東京都大田区池上一丁目2番3号"),
             ("143-0023", "東京都大田区山王二丁目5番6号"), ("145-0064", "東京都大田区上池台四丁目1番22号")]
PREVIOUS = [("210-0004", "神奈川県川崎市川崎区宮本町1番地"), ("330-0063", "埼玉県さいたま市浦和区高砂三丁目15番1号")]


def _birth(rng: random.Random, start: date, end: date) -> str:
    return (start + timedelta(days=rng.randrange((end - start).days))).isoformat()


def make_resident(seed: int, *, members: int = 2, children: int = 1) -> Resident:
    """A made-up resident with ``members`` adults/elders and ``children`` children moving with them."""
    rng = random.Random(seed)
    family, family_kana = rng.choice(FAMILY)
    given, given_kana, sex = rng.choice(GIVEN)
    postal, address = rng.choice(ADDRESSES)
    previous_postal, previous = rng.choice(PREVIOUS)
    data: dict[str, Any] = {
        "family_name": family, "given_name": given, "family_name_kana": family_kana, "given_name_kana": given_kana,
        "birth_date": _birth(rng, date(1950, 1, 1), date(1995, 12, 31)), "sex": sex, "postal_code": postal,
        "address": address, "building": f"テスト荘{rng.randint(101, 309)}号", "phone": f"03-{rng.randint(1000, 9999)}-0000",
        "household_head": f"{family}　{given}", "relationship": "世帯主", "previous_address": previous,
        "previous_postal_code": previous_postal, "move_date": "2026-11-01",
        "individual_number": make_valid("".join(str(rng.randint(0, 9)) for _ in range(11))), "members": [],
    }
    for index in range(members):
        g, gk, s = rng.choice(GIVEN)
        data["members"].append({"family_name": family, "given_name": g, "family_name_kana": family_kana,
                                "given_name_kana": gk, "birth_date": _birth(rng, date(1940, 1, 1), date(1990, 1, 1)),
                                "sex": s, "relationship": ("妻" if s == "female" else "夫") if index == 0 else ("母" if s == "female" else "父")})
    for _ in range(children):
        g, gk, s = rng.choice(GIVEN)
        data["members"].append({"family_name": family, "given_name": g, "family_name_kana": family_kana,
                                "given_name_kana": gk, "birth_date": _birth(rng, date(2012, 1, 1), date(2025, 1, 1)),
                                "sex": s, "relationship": "子"})
    return Resident.from_json(data)
