from __future__ import annotations

from datetime import date

import pytest

from madoguchi.ids import parse


@pytest.mark.parametrize(("text", "expected"), [
    ("平成元年　３月３１日生", date(1989, 3, 31)),
    ("令和元年5月1日", date(2019, 5, 1)),
    ("令和０１年０５月０７日", date(2019, 5, 7)),
    ("昭和６１年　５月　１日生", date(1986, 5, 1)),
    ("昭和64年1月7日", date(1989, 1, 7)),
    ("平成31年4月30日", date(2019, 4, 30)),
    ("H1.3.31", date(1989, 3, 31)),
    ("1988年09月03日", date(1988, 9, 3)),
    ("２０２５年　３月３１日まで有効", date(2025, 3, 31)),
    ("2025-03-31", date(2025, 3, 31)),
    ("20250331", date(2025, 3, 31)),
    ("２０２７年(令和０９年)０６月０１日まで有効", date(2027, 6, 1)),
    ("2019年(令和元年)05月01日", date(2019, 5, 1)),
])
def test_parse_date_accepts_printed_forms(text: str, expected: date) -> None:
    assert parse.parse_date(text) == expected


@pytest.mark.parametrize("text", [
    "昭和64年1月8日",  # Heisei had begun
    "平成31年5月1日",  # Reiwa had begun
    "令和元年4月30日",  # before Reiwa
    "平成3年2月30日",  # no such day
    "2023年2月29日",  # not a leap year
    "2027年(令和08年)06月01日",  # the pair disagrees
    "明治0年1月1日",
    "まで有効",
])
def test_parse_date_refuses_dates_that_do_not_exist(text: str) -> None:
    with pytest.raises(parse.ParseError):
        parse.parse_date(text)


def test_date_pair_must_agree() -> None:
    assert parse.parse_date_pair("2027年(令和09年)06月01日") == date(2027, 6, 1)
    with pytest.raises(parse.ParseError):
        parse.parse_date_pair("2027年(令和10年)06月01日")


@pytest.mark.parametrize(("text", "expected"), [("男", "male"), ("女", "female"), ("男 M.", "male"), ("女 F.", "female"),
                                                ("M", "male"), ("F", "female")])
def test_parse_sex(text: str, expected: str) -> None:
    assert parse.parse_sex(text) == expected


def test_license_number_is_never_rejected_on_its_check_digit() -> None:
    # any 12 digits are accepted: the check digit algorithm is not published
    for number in ("012345678900", "012345678901", "999999999999"):
        assert parse.parse_license_number(f"第 {number} 号") == number
    assert parse.parse_license_number("第　０１２３４５６７８９００　号") == "012345678900"
    with pytest.raises(parse.ParseError):
        parse.parse_license_number("第 01234567890 号")


def test_residence_card_number_format() -> None:
    assert parse.parse_residence_card_number("AB12345678CD") == "AB12345678CD"
    assert parse.parse_residence_card_number("ＡＢ１２３４５６７８ＣＤ") == "AB12345678CD"
    assert parse.parse_residence_card_number("A812345678C0") == "AB12345678CO"  # look-alikes fixed by position
    for bad in ("AB1234567CD", "1B12345678CD"[:-1], "ABC2345678CD"):
        with pytest.raises(parse.ParseError):
            parse.parse_residence_card_number(bad)


def test_mrz_check_digits() -> None:
    # ICAO 9303 specimen
    assert parse.mrz_check_digit("L898902C3") == 6
    assert parse.mrz_check_digit("740812") == 2
    assert parse.mrz_check_digit("120415") == 9
    line1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
    line2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    data = parse.parse_mrz(line1, line2)
    assert data.failed_checks == ()
    assert (data.surname, data.given_names, data.document_number) == ("ERIKSSON", "ANNA MARIA", "L898902C3")
    assert data.birth_date == date(1974, 8, 12)
    assert data.sex == "female"
    broken = parse.parse_mrz(line1, line2.replace("7408122", "7408132"))
    assert "birth_date" in broken.failed_checks


def test_split_name_uses_the_printed_space_or_the_model() -> None:
    assert parse.split_name("番号　花子") == parse.NameSplit("番号", "花子", 1.0)
    evenly = parse.split_name("日　本　花　子")
    assert (evenly.family, evenly.given) == ("日本", "花子")
    assert 0 < evenly.score <= 1
    assert parse.split_name("NGUYEN VAN AN").family == "NGUYEN VAN AN"


def test_clean_is_nfkc_without_whitespace() -> None:
    assert parse.clean("ＡＢ　１２\n3") == "AB123"
