from __future__ import annotations

from madoguchi import postal
from madoguchi.ids.address import check_address


def test_lookup_postal_code_in_any_spelling() -> None:
    for code in ("100-0013", "1000013", "〒１００－００１３"):
        entries = postal.lookup_postal_code(code)
        assert [(e.prefecture, e.city, e.town) for e in entries] == [("東京都", "千代田区", "霞が関")]
        assert entries[0].postal_code == "100-0013"
        assert entries[0].town_kana == "カスミガセキ"
    assert postal.lookup_postal_code("000-0000") == []
    assert postal.lookup_postal_code("12") == []


def test_find_by_address_takes_the_longest_match() -> None:
    entry = postal.find_by_address("東京都大田区蒲田五丁目１３番１４号　大田マンション３０１号")
    assert entry is not None and (entry.city, entry.town, entry.postal_code) == ("大田区", "蒲田", "144-0052")
    assert postal.find_by_address("東京都千代田区霞ヶ関２－１－２").town == "霞が関"
    assert postal.find_by_address("宮城県大崎市三本木桑折7-11-17").town == "三本木桑折"
    assert postal.find_by_address("どこでもない所") is None


def test_normalise_address_for_comparison_only() -> None:
    assert postal.normalise_address("蒲田五丁目１３ー１４") == "蒲田5丁目13-14"
    assert postal.normalise_address("大手町二十三丁目1－2") == "大手町23丁目1-2"
    assert postal.normalise_address("霞ヶ関 ２‐１—２") == "霞ケ関2-1-2"


def test_address_check_corrects_ocr_mistakes_in_the_town_and_keeps_the_rest() -> None:
    fixed = check_address("東京都千代田区霞か関２ー１ー２")
    assert fixed.corrected and fixed.value == "東京都千代田区霞が関２－１－２"
    assert fixed.entry is not None and fixed.entry.postal_code == "100-0013"
    assert check_address("静問県藤枝市水上一丁目１４番１４号").value == "静岡県藤枝市水上一丁目１４番１４号"
    unchanged = check_address("東京都千代田区霞が関２－１－２")
    assert not unchanged.corrected and unchanged.entry is not None
    assert check_address("火星県どこか市1-2").entry is None
