"""The OCR benchmark scores as the shared scorer does (benchmarks/bench_ocr.py against score_ids.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from benchmarks import bench_ocr

SCORER = Path(__file__).resolve().parents[2].parent / "shared" / "tools" / "score_ids.py"

CASES = [
    ("address", "東京都千代田区霞が関２－１－２", "東京都千代田区霞が関2-1-2"),
    ("address", "大阪府八尾市上之島町北１丁目１６番５１号", "大阪府八尾市上之島町北1-16-51"),
    ("address", "東京都大田区蒲田五丁目１３番１４号　大田マンション３０１号", "東京都大田区蒲田5-13-14大田マンション301"),
    ("address", "札幌市中央区北十二丁目3番地4", "札幌市中央区北12-3-4"),
    ("address", "那覇市字安里１２番地３", "那覇市字安里12-3"),
    ("address", "東京都港区芝公園4ー2ー8", "東京都港区芝公園4-2-8"),
    ("name", "番号　花子", "番号花子"),
    ("name", "John Smith", "JOHNSMITH"),
    ("document_number", "ab12345678cd", "AB12345678CD"),
    ("birth_date", "1989-03-31", "1989-03-31"),
    ("expiry_date", None, None),
]


@pytest.mark.parametrize(("field", "value", "expected"), CASES)
def test_canon_compares_as_documented(field: str, value: str | None, expected: str | None) -> None:
    assert bench_ocr.canon(field, value) == expected


@pytest.mark.skipif(not SCORER.is_file(), reason="the shared scorer (../shared/tools/score_ids.py) is not here")
@pytest.mark.parametrize(("field", "value", "expected"), CASES)
def test_canon_is_the_shared_scorers(field: str, value: str | None, expected: str | None) -> None:
    spec = importlib.util.spec_from_file_location("score_ids", SCORER)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    assert bench_ocr.canon(field, value) == scorer.canon(field, value)


def test_document_type_is_a_field_and_wrong_but_sure_is_counted_among_all_fields() -> None:
    case = bench_ocr.Case("specimens", Path("license.png"), "drivers_license",
                          {"name": "日本　花子", "address": "東京都千代田区霞が関２－１－２", "birth_date": "1986-05-01"})
    tally = bench_ocr.Tally()
    bench_ocr.score(case, "drivers_license", {"name": ("日本花子", 0.95), "address": ("東京都千代田区霞が関2-1-2", 0.5),
                                              "birth_date": ("1986-05-07", 0.9)}, tally)
    assert tally.all_right().count(True) == 3 and len(tally.all_right()) == 4  # document type, name, address right
    assert (tally.fields, tally.sure, tally.wrong_sure) == (3, 2, 1)
    assert tally.cards_right == [False]


def test_an_unknown_engine_is_reported_unavailable(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_ocr.run_reader("no-such-engine", []) is None
    assert "engine unavailable" in capsys.readouterr().out
