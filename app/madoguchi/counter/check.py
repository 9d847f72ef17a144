"""The Check step's field model: what the card gave, what the clerk typed, what still needs an eye.

Validation runs as the clerk types and never raises: a value that is not acceptable yet is kept
with its problem (in Japanese, shown beside the field) so nothing typed is ever lost.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from madoguchi.forms.text import to_katakana as _to_katakana
from madoguchi.ids.model import Box
from madoguchi.ids.parse import ParseError, parse_date, parse_sex, split_name
from madoguchi.postal import lookup_postal_code, split_address
from madoguchi.validation import date_problem, text_problem

#: below this OCR confidence a field is highlighted and visited first
LOW_CONFIDENCE = 0.80


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the Resident attribute
    label_ja: str
    kind: str  # text | kana | date | sex | postal | address
    reading_key: str  # the IdReading field it comes from ("" = derived)
    required: bool = True


CHECK_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("family_name", "氏", "text", "name"),
    FieldSpec("given_name", "名", "text", "name", required=False),
    FieldSpec("family_name_kana", "氏（フリガナ）", "kana", "name_kana"),
    FieldSpec("given_name_kana", "名（フリガナ）", "kana", "name_kana", required=False),
    FieldSpec("birth_date", "生年月日", "date", "birth_date"),
    FieldSpec("sex", "性別", "sex", "sex", required=False),
    FieldSpec("postal_code", "郵便番号", "postal", "", required=False),
    FieldSpec("address", "住所", "address", "address"),
)
SPEC_BY_NAME = {spec.name: spec for spec in CHECK_FIELDS}


@dataclass
class FieldState:
    """One field on the Check step: value, where it came from, and what needs the clerk's eye."""

    name: str
    value: str = ""
    confidence: float = 1.0
    box: Box | None = None
    source: str = ""  # ocr | ic | clerk | postal | suggested | ""
    problem: str = ""  # why the value is not acceptable yet (ja), "" when fine
    suggestion: str = ""  # a furigana / postal suggestion not accepted yet
    edited: bool = False
    confirmed_by_clerk: bool = False  # a low-confidence value the clerk looked at and kept

    @property
    def spec(self) -> FieldSpec:
        return SPEC_BY_NAME[self.name]

    @property
    def low_confidence(self) -> bool:
        return self.source in ("ocr", "") and bool(self.value) and self.confidence < LOW_CONFIDENCE \
            and not self.edited and not self.confirmed_by_clerk

    @property
    def needs_attention(self) -> bool:
        return bool(self.problem) or self.low_confidence or bool(self.suggestion)


_KANA_OK = re.compile(r"^[\u30A0-\u30FF\u3000 ]*$")
#: what says where in the town: a number (any width, kanji numerals) or 番地
_BANCHI = re.compile(r"[0-9０-９〇一二三四五六七八九十]|番地")
#: the problems of an address, as the clerk reads them (also listed in ui/counter/data_text.py)
NO_PLACE = "住所は市区町村から入力してください（郵便番号を入れると町名まで入ります）。"
NO_BANCHI = "番地を入力してください。"


def to_katakana(text: str) -> str:
    """What the clerk typed as furigana, in katakana: hiragana and half-width forms both accepted."""
    return _to_katakana(unicodedata.normalize("NFKC", text))


def normalise_postal(text: str) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    return f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 else text.strip()


def validate(kind: str, text: str, *, required: bool = False) -> tuple[str, str]:
    """(normalised value, problem in Japanese or ''). Never raises: the clerk keeps typing."""
    value = text.strip()
    if not value:
        return "", ("入力してください。" if required else "")
    if refused := text_problem(value):  # bidi and control characters never reach a form
        return value, refused[0]
    if kind == "kana":
        value = to_katakana(value)
        if not _KANA_OK.match(value):
            return value, "カタカナで入力してください。"
        return value, ""
    if kind == "date":
        try:
            day = parse_date(value)
            return day.isoformat(), (date_problem(day) or ("",))[0]
        except ValueError:
            return value, "日付として読めません（例: 1985-04-12、昭和60年4月12日、S60.4.12）。"
    if kind == "postal":
        value = normalise_postal(value)
        if not re.fullmatch(r"\d{3}-\d{4}", value):
            return value, "郵便番号は7桁の数字です（例: 144-0052）。"
        if not lookup_postal_code(value):
            return value, "この郵便番号は見つかりません。確かめてください。"
        return value, ""
    if kind == "sex":
        try:
            return _parse_sex(value), ""
        except ValueError:
            return value, "男 または 女 を入力してください。"
    if kind == "address":
        value = unicodedata.normalize("NFKC", value)
        return value, address_problem(value)
    return value, ""


def address_problem(address: str) -> str:
    """'' for an address the forms can use; else what is missing: the place (「5-13-14」 alone) or the 番地."""
    split = split_address(address)
    if split is None:
        return NO_PLACE
    return "" if _BANCHI.search(split[3]) else NO_BANCHI


def _parse_sex(text: str) -> str:
    return text if text in ("male", "female") else parse_sex(text)


def split_full_name(text: str) -> tuple[str, str, float]:
    """(family, given, how sure the split is); a name the splitter refuses stays whole as the family name."""
    try:
        split = split_name(text)
    except ParseError:
        return text.strip(), "", 0.0
    return split.family, split.given, split.score


def display_value(name: str, value: str) -> str:
    """How the Check step shows a stored value (sex as 男/女)."""
    if SPEC_BY_NAME[name].kind == "sex":
        return {"male": "男", "female": "女"}.get(value, value)
    return value
