"""Synthetic card holders for the IC tests (generated, never real people)."""

from __future__ import annotations

import random
from typing import Any

from madoguchi.mynumber import make_valid

FAMILY = ["試験", "見本", "仮野", "例田", "架空"]
GIVEN = ["花子", "太郎", "一郎", "陽子", "翔"]
ADDRESSES = ["東京都千代田区霞が関二丁目１番２号", "大阪府大阪市北区中之島一丁目３番２０号　例示ハイツ１０１号",
             "北海道札幌市中央区北一条西二丁目"]


def mynumber_holder(seed: int = 1, **overrides: Any) -> dict[str, Any]:
    rng = random.Random(seed)
    card = {
        "type": "mynumber",
        "pin": "".join(rng.choice("0123456789") for _ in range(4)),
        "tries": 3,
        "name": f"{rng.choice(FAMILY)}\u3000{rng.choice(GIVEN)}",
        "address": rng.choice(ADDRESSES),
        "birth_date": f"{rng.randint(1930, 2010)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
        "sex": rng.choice("12"),
        "individual_number": make_valid("".join(rng.choice("0123456789") for _ in range(11))),
    }
    card.update(overrides)
    return card


def license_holder(seed: int = 1, **overrides: Any) -> dict[str, Any]:
    rng = random.Random(seed)
    card = {
        "type": "license",
        "pin1": "".join(rng.choice("0123456789") for _ in range(4)),
        "pin2": "".join(rng.choice("0123456789") for _ in range(4)),
        "tries": 3,
        "name": "見本　{外字1}子",  # one 外字 in the given name
        "name_kana": "ミホン　ハナコ",
        "address": "東京都千代田区霞が関２－１－{欠字}",  # one missing character
        "birth": "3610501",  # 昭和61年5月1日
        "issue": "5010507",  # 令和元年5月7日
        "expiry": "5080601",  # 令和8年6月1日
        "issuer": "東京都公安委員会",
        "number": "".join(rng.choice("0123456789") for _ in range(12)),
        "domicile": "東京都千代田区霞が関",  # 本籍: must never be read
    }
    card.update(overrides)
    return card
