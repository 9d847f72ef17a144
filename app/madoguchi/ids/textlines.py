"""Reading a card from its detected text lines: classify by what is printed, anchor each field
on its printed label, and confirm each value by a second, differently prepared read.

This works on the normalised card face when the card's outline was found, and on the whole
image when it was not (a scanner's auto-cropped card, a tight photo): nothing here depends on
where a field sits to the pixel, only on the order of the lines and their labels (氏名, 住所,
住居地, 生年月日, …まで有効).

Confidence is earned, not taken from the recogniser: a value is reported as sure only when two
reads of it agree and it passed the checks of its kind (the date parses and fits the card's
other dates; the address is a real town in the postal data; the name's characters are
Japanese). Anything less is reported below the counter's threshold, so the clerk looks at it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import cv2
import numpy as np

from madoguchi.ids import parse
from madoguchi.ids.fields import NATIONALITIES, Candidate, interpret
from madoguchi.ids.layouts import FieldSpec, Layout
from madoguchi.ids.model import DocumentType, Field
from madoguchi.ids.ppocr import PpocrEngine, TextLine
from madoguchi.ids.variants import in_jis_x0208, japanese_forms, name_variants

#: the confidence of a value two reads agree on and whose checks passed
SURE = 0.93
#: the most a value can get that only one read gave, or whose checks were not all passed
UNSURE_CAP = 0.72

#: the kinds read three times, sure only when all three agree
_THREE_READS = ("license_number", "residence_number")

#: what is printed on each document, strongest first; a document needs two of these, or one title
_TITLES = {
    DocumentType.RESIDENCE_CARD: ("在留カード", "RESIDENCECARD"),
    DocumentType.DRIVERS_LICENSE: ("運転免許証", "公安委員会"),
    DocumentType.MYNUMBER_CARD: ("個人番号カード", "マイナンバーカード"),
    DocumentType.PASSPORT: ("PASSPORT", "旅券"),
}
_KEYWORDS = {
    DocumentType.RESIDENCE_CARD: ("在留", "住居地", "RESIDENCE", "GOVERNMENTOFJAPAN", "在留資格", "在留期間",
                                  "就労制限", "国籍", "NATIONALITY"),
    DocumentType.DRIVERS_LICENSE: ("免許", "公安", "交付", "条件等", "種類", "運転", "二種", "優良"),
    DocumentType.MYNUMBER_CARD: ("個人番号", "電子証明書", "証明書", "臓器", "提供意思", "性別", "市長", "区長", "町長",
                                 "村長", "マイナ", "ナンバー", "ンバー", "有効期限"),
    DocumentType.PASSPORT: ("JPN", "NATIONALITY", "DATEOFBIRTH", "日本国", "P<"),
}


#: what the text of each document looks like, whatever its titles were read as: (pattern on the
#: joined upper-case text, weight)
_SHAPES = {
    # the birth date and the card's expiry on one line: 平成元年3月31日生2025年3月31日まで有効
    DocumentType.MYNUMBER_CARD: ((r"生(?:19|20)\d\d年", 2.0), (r"氏名.*住所", 1.0)),
    # the 12-digit number, the validity band 2024年(令和06年)…
    DocumentType.DRIVERS_LICENSE: ((r"第\d{12}|(?<!\d)\d{12}号", 2.0), (r"(?:19|20)\d\d年[(（]", 1.0), (r"氏名.*住所", 1.0)),
    DocumentType.RESIDENCE_CARD: ((r"[A-Z]{2}\d{8}[A-Z]{2}", 2.0),),
    DocumentType.PASSPORT: ((r"P<[A-Z<]{3}.*[A-Z0-9<]{30,}", 4.0),),
}


@dataclass
class Row:
    """Text lines side by side, left to right."""

    items: list[TextLine] = field(default_factory=list)

    @property
    def top(self) -> int:
        return min(item.box[1] for item in self.items)

    @property
    def bottom(self) -> int:
        return max(item.box[1] + item.box[3] for item in self.items)

    @property
    def height(self) -> float:
        return float(np.median([item.box[3] for item in self.items]))

    @property
    def centre_y(self) -> float:
        return (self.top + self.bottom) / 2

    def text(self) -> str:
        return " ".join(normalise(item.text) for item in self.items)


def normalise(text: str) -> str:
    """NFKC, the Japanese forms of characters, the middle dots unified."""
    text = unicodedata.normalize("NFKC", text).replace("·", "・").replace("･", "・")
    return japanese_forms(text)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text))


def group_rows(lines: list[TextLine]) -> list[Row]:
    """Lines whose vertical middles are close make one row (a label and its value, the three
    parts of 昭和61年 5月 1日生)."""
    rows: list[Row] = []
    for line in sorted(lines, key=lambda item: item.centre_y):
        for row in rows:
            limit = 0.5 * min(line.box[3], row.height)
            if abs(line.centre_y - row.centre_y) < limit:
                row.items.append(line)
                break
        else:
            rows.append(Row([line]))
    for row in rows:
        row.items.sort(key=lambda item: item.box[0])
    rows.sort(key=lambda row: row.centre_y)
    return rows


# --- classification ---------------------------------------------------------------------------


def classify_lines(lines: list[TextLine]) -> tuple[DocumentType, float]:
    """The document type from what is printed, with a score (titles count 3, keywords 1); unknown
    when no document has a title or two keywords."""
    text = "".join(compact(line.text) for line in lines).upper()
    scores = {}
    for document_type in _TITLES:
        score = 3.0 * sum(title.upper() in text for title in _TITLES[document_type])
        score += sum(keyword.upper() in text for keyword in _KEYWORDS[document_type])
        scores[document_type] = score
    for document_type, patterns in _SHAPES.items():
        scores[document_type] += sum(weight for pattern, weight in patterns if re.search(pattern, text))
    best = max(scores, key=scores.get)
    if scores[best] < 2.0:
        return DocumentType.UNKNOWN, scores[best]
    return best, scores[best]


# --- finding each field's text ----------------------------------------------------------------


@dataclass
class Found:
    """The text a field was found in, and the lines it came from (for the second read)."""

    text: str
    items: list[TextLine]
    #: where the value may start at the earliest (the right edge of its label, when the label
    #: stands apart): the second read looks from there, so a character the detector left out of
    #: the value's line (the 日 of 日　本　花　子) is seen by the second read, which then disagrees
    left: int | None = None


#: the license's validity: 2024年(令和06年)06月01日 (まで有効)
_LICENSE_EXPIRY = r"((?:19|20)\d\d年?[(（][^)）]*[)）]\d{1,2}月?\d{1,2}日?)"
#: a date as read: an era whose first character was misread (配和 for 昭和) still counts; the
#: date's parser repairs or refuses it, and a second read must agree before it is sure
_DATE_LOOSE = (r"(?:(?:明治|大正|昭和|平成|令和|[^\d年月日\s]?[和治正成])(?:元|\d{1,2})|(?:19|20)\d\d)"
               r"年?\d{1,2}月?\d{1,2}日?")


def _label_position(row: Row, labels: tuple[str, ...], *, fuzzy: bool = False) -> tuple[int, int] | None:
    """(item index, end of the label in that item's compact text) of the first label in the row.
    A two-character label read with its first character wrong (E名 for 氏名) still counts when it
    starts the row: labels stand at the card's left edge."""
    for index, item in enumerate(row.items):
        text = compact(item.text)
        for label in labels:
            at = text.find(label)
            if at >= 0:
                return index, at + len(label)
    if not fuzzy:
        return None
    first = compact(row.items[0].text)
    for label in labels:
        if len(label) == 2 and len(first) >= 2 and first[1] == label[1] and not first[0].isdigit():
            return 0, 2
    return None


def _labelled_rows(rows: list[Row], labels: tuple[str, ...]):  # noqa: ANN202 - a generator of tuples
    for fuzzy in (False, True):
        for number, row in enumerate(rows):
            position = _label_position(row, labels, fuzzy=fuzzy)
            if position is not None:
                yield number, row, position


def _after_label(rows: list[Row], labels: tuple[str, ...], *, stop: str = "") -> tuple[Found, int] | None:
    """The text right of a label on its row (the label's own item included, cut after the label),
    up to ``stop`` (a regex); and the row's index. Exact labels first, then misread ones."""
    for number, row, position in _labelled_rows(rows, labels):
        index, end = position
        first = compact(row.items[index].text)[end:]
        # the label's own line only when the value was read into it (氏名 JOHN)
        items = row.items[index:index + 1] if first else row.items[index + 1:index + 2]
        if not items:
            continue
        for item in row.items[row.items.index(items[0]) + 1:]:
            # a wide gap ends the field (the My Number card's カード logo beside the address)
            if item.box[0] - items[-1].right > 4 * row.height:
                break
            items.append(item)
        parts = [first] + [normalise(item.text) for item in items[1:]] if first else \
            [normalise(item.text) for item in items]
        text = " ".join(parts).strip()
        if stop:
            text = re.split(stop, text)[0]
        label = row.items[index]
        return Found(text, items, None if first else label.right + 1), number
    return None


def _row_with(rows: list[Row], pattern: str) -> tuple[Found, re.Match[str]] | None:
    """The first row whose compact text matches ``pattern``, with the match."""
    for row in rows:
        text = re.sub(r"\s+", "", row.text())
        match = re.search(pattern, text)
        if match:
            return Found(text, row.items), match
    return None


def _matched(rows: list[Row], pattern: str) -> Found | None:
    """The first group of ``pattern`` in the first row it matches, with the lines it covers."""
    hit = _row_with(rows, pattern)
    if hit is None:
        return None
    row_found, match = hit
    return Found(match.group(1), _items_covering(row_found.items, row_found.text, match.span(1)))


def _items_covering(row_items: list[TextLine], row_text: str, span: tuple[int, int]) -> list[TextLine]:
    """The items of a row whose compact text overlaps ``span`` of the row's compact text; a
    single line holding more than the span (the My Number card's birth date and expiry on one
    detected line) is narrowed to the span's part of it, so the clerk's crop and the second read
    show that field only."""
    chosen, position = [], 0
    for item in row_items:
        length = len(compact(item.text))
        if position < span[1] and position + length > span[0]:
            chosen.append((item, max(0, span[0] - position), min(length, span[1] - position)))
        position += length
    if not chosen:
        return row_items
    if len(chosen) == 1:
        return [_narrowed(*chosen[0])]
    return [item for item, _, _ in chosen]


def _narrowed(item: TextLine, start: int, end: int) -> TextLine:
    """The part of a line from character ``start`` to ``end`` of its compact text, its box cut
    by the characters' widths (a half-width character about half a full-width one), with half a
    character's margin on each side."""
    text = compact(item.text)
    if start == 0 and end >= len(text):
        return item
    widths = [0.55 if char.isascii() else 1.0 for char in text]
    unit = item.box[2] / max(sum(widths), 1e-6)
    left = item.box[0] + (sum(widths[:start]) - 0.5) * unit
    right = item.box[0] + (sum(widths[:end]) + 0.5) * unit
    x0 = max(item.box[0], int(left))
    x1 = min(item.right, int(right))
    return TextLine(text[start:end], item.confidence, (x0, item.box[1], max(1, x1 - x0), item.box[3]))


def find_texts(document_type: DocumentType, rows: list[Row]) -> dict[str, Found]:
    """Each field's text on this document, found by its label or by what it looks like."""
    found: dict[str, Found] = {}
    # a date followed by 生 is the birth date (the license, the My Number card); a labelled one too
    birth = _matched(rows, rf"({_DATE_LOOSE})生")
    if birth:
        found["birth_date"] = birth
    labelled = _after_label(rows, ("生年月日",))
    if labelled and "birth_date" not in found:
        joined = "".join(compact(item.text) for item in labelled[0].items)
        date_match = re.search(_DATE_LOOSE, joined)
        if date_match:
            items = _items_covering(labelled[0].items, joined, date_match.span(0))
            found["birth_date"] = Found(date_match.group(0), items)
    expiry = _expiry(document_type, rows)
    if expiry:
        found["expiry_date"] = expiry
    name_stop = rf"{_DATE_LOOSE}|(?:明治|大正|昭和|平成|令和)|生年月日|NAME"
    if document_type is DocumentType.RESIDENCE_CARD:
        name = _latin_name(rows)
        if name:
            found["name"] = name
    else:
        name = _after_label(rows, ("氏名",), stop=name_stop)
        if name:
            items = [item for item in name[0].items if not re.search(r"\d|生$", compact(item.text))] or name[0].items
            found["name"] = Found(name[0].text, items, name[0].left)
    address = _address(document_type, rows)
    if address:
        found["address"] = address
    number_shape = {DocumentType.DRIVERS_LICENSE: r"(\d{12})",
                    DocumentType.RESIDENCE_CARD: r"([A-Z]{2}[0-9OIlSB]{8}[A-Z]{2})"}.get(document_type)
    number = _matched(rows, number_shape) if number_shape else None
    if number:
        found["document_number"] = number
    if document_type is DocumentType.RESIDENCE_CARD:
        nationality = _after_label(rows, ("国籍・地域", "国籍"), stop=r"NATIONALITY|[A-Z]{3,}") or \
            _after_label(rows, ("地域", "域"), stop=r"NATIONALITY|[A-Z]{3,}")
        if nationality is None:
            # the label misread (国路·地): what follows the sex (女F.) on the birth date's row
            after_sex = _row_with(rows, r"[男女][MF]\.?(?:[^\u3040-\u30ff]*?[・地域])?([\u30a0-\u30ff\u4e00-\u9fff]{2,})")
            if after_sex:
                nationality = (Found(after_sex[1].group(1), after_sex[0].items), 0)
        if nationality:
            text = nationality[0].text
            # a nationality the card prints, where the label's remnants are read with it
            known = [n for n in NATIONALITIES if n in re.sub(r"\s+", "", text)]
            found["nationality"] = Found(max(known, key=len) if known else text, nationality[0].items)
    if document_type in (DocumentType.RESIDENCE_CARD, DocumentType.MYNUMBER_CARD):
        # after 性別; with the label misread, 男/女 alone or before the residence card's M/F
        sex = _row_with(rows, r"性別([男女])") or _row_with(rows, r"([男女])[MF](?:\.|$|[^A-Za-z])") or \
            _short_sex(rows)
        if sex:
            found["sex"] = Found(sex[1].group(1), sex[0].items)
    return found


def _short_sex(rows: list[Row]) -> tuple[Found, re.Match[str]] | None:
    """A short line ending in 男 or 女 (the My Number card's 性別 男 with its label misread)."""
    for row in rows:
        for item in row.items:
            match = re.fullmatch(r".{0,3}?([男女])", compact(item.text))
            if match and not re.search(r"[0-9]", item.text):
                return Found(compact(item.text), [item]), match
    return None


_NOT_NAMES = ("GOVERNMENT", "JAPAN", "RESIDENCE", "CARD", "NAME", "DATE", "BIRTH", "SEX", "NATIONALITY")


def _latin_name(rows: list[Row]) -> Found | None:
    """The residence card's name: Latin capitals after 氏名, else the row of Latin capitals just
    above the small NAME label (when 氏名 itself was misread)."""
    labelled = _after_label(rows, ("氏名",), stop=r"生年月日|DATE|性別")
    candidates = []
    if labelled:
        candidates.append(labelled[0])
    for number, row in enumerate(rows):
        if number and re.fullmatch(r"NAME", re.sub(r"\s+", "", row.text()).upper()):
            candidates.append(Found(rows[number - 1].text(), rows[number - 1].items))
    for candidate in candidates:
        items = [item for item in candidate.items if re.search(r"[A-Za-z]{2}", item.text)]
        words = [w for w in re.findall(r"[A-Z]+", candidate.text.upper()) if w not in _NOT_NAMES]
        if items and words:
            return Found(" ".join(words), items)
    return None


def _expiry(document_type: DocumentType, rows: list[Row]) -> Found | None:
    """The card's own expiry: the date before まで有効 (not the electronic certificate's)."""
    for row in rows:
        text = re.sub(r"\s+", "", row.text())
        if "電子証明書" in text or ("有効期限" in text and document_type is DocumentType.MYNUMBER_CARD):
            continue
        if document_type is DocumentType.DRIVERS_LICENSE:
            match = re.search(_LICENSE_EXPIRY, text)
            if match:
                return Found(match.group(1), _items_covering(row.items, text, match.span(1)))
        # one misread character may stand between the date and まで有効 (18Hまで)
        match = re.search(rf"({_DATE_LOOSE}).?(?:まで|まて|有効)", text)
        if match is None and document_type is DocumentType.MYNUMBER_CARD:
            match = re.search(rf"生({_DATE_LOOSE})", text)  # the expiry follows the birth date
        if match:
            return Found(match.group(1), _items_covering(row.items, text, match.span(1)))
    return None


def _address(document_type: DocumentType, rows: list[Row]) -> Found | None:
    """The text after 住所 / 住居地, with the My Number card's second line: the lines of the next
    row that start under the address and lie within its width (性別 男 on the same row is not
    part of it), when they are close below and are neither a label nor a date."""
    labelled = _after_label(rows, ("住居地", "住所"), stop=r"ADDRESS|交付")
    if labelled is None:
        return None
    first, number = labelled
    text = first.text.replace("ADDRESS", "")
    items = list(first.items)
    if number + 1 < len(rows) and document_type is DocumentType.MYNUMBER_CARD:
        following = rows[number + 1]
        start = next((item.box[0] for item in items if compact(item.text)), items[0].box[0])
        end = max(item.right for item in items)
        under: list[TextLine] = []
        for item in following.items:
            if item.box[0] >= end or item.right <= start - following.height:
                continue
            if under and item.box[0] - under[-1].right > 4 * following.height:
                break  # a wide gap: 性別 女 at the card's right edge is not the address
            under.append(item)
        row_text = "".join(compact(item.text) for item in under)
        near = bool(under) and abs(under[0].box[0] - start) < 3 * following.height
        close = following.top - rows[number].bottom < 1.5 * following.height
        if near and close and not re.search(rf"性別|生$|有効|^[男女]$|{_DATE_LOOSE}", row_text):
            text += " ".join(normalise(item.text) for item in under)
            items.extend(under)
    return Found(text, items, first.left)


# --- values, second reads and confidence --------------------------------------------------------


def crop_lines(image: np.ndarray, items: list[TextLine], *, left: int | None = None, right: int | None = None,
               sharpen: bool = False) -> np.ndarray:
    """The lines' common box from the image, with a margin, prepared differently from the first
    read: grey and contrast stretched (the first read saw the colour line as detected), or
    sharpened for a third read. ``left``/``right``: how far the crop may reach beyond the lines
    (a label's edge, the next line on the row), up to about a character: a thin last or first
    character the detector left out (the 一 of 健一) is then in the second read, which disagrees."""
    x0 = min(item.box[0] for item in items)
    y0 = min(item.box[1] for item in items)
    x1 = max(item.right for item in items)
    y1 = max(item.box[1] + item.box[3] for item in items)
    if left is not None:
        x0 = min(x0, left)
    if right is not None:
        x1 = max(x1, min(right, x1 + int(1.2 * (y1 - y0))))
    pad = max(2, (y1 - y0) // 5)
    crop = image[max(0, y0 - pad): y1 + pad, max(0, x0 - pad): x1 + pad]
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    if sharpen:
        return cv2.addWeighted(grey, 1.6, cv2.GaussianBlur(grey, (0, 0), 1.5), -0.6, 0)
    low, high = np.percentile(grey, (2, 98)) if grey.size else (0, 255)
    if high - low > 10:
        grey = np.clip((grey.astype(np.float32) - low) * 255.0 / (high - low), 0, 255).astype(np.uint8)
    return grey


def read_fields(engine: PpocrEngine, image: np.ndarray, lines: list[TextLine], layout: Layout) -> dict[str, Field]:
    """Every field of the layout that the lines hold. A value is confirmed by a second,
    differently prepared read unless independent evidence already confirms it (a nationality
    exactly as the list has it); when the two reads disagree, and always for a document number,
    a third read decides. An address is sure only when its town is real as read (not corrected)."""
    rows = group_rows(lines)
    texts = find_texts(layout.document_type, rows)
    specs = {spec.name: spec for spec in layout.fields}
    firsts = {name: _interpret(specs[name], found.text, min(item.confidence for item in found.items))
              for name, found in texts.items() if name in specs and name != "sex"}
    doubtful = [name for name, first in firsts.items() if not _confirmed_alone(specs[name], first)]
    seconds = dict(zip(doubtful, _reread(engine, image, layout.document_type, specs, texts, doubtful, lines)))
    # a document number is read a third time whatever the first two said: one digit misread the
    # same way twice is still a wrong number on every form
    split = [name for name in doubtful if specs[name].kind in _THREE_READS
             or not (firsts[name].valid and seconds[name].valid and _same(firsts[name], seconds[name]))]
    thirds = dict(zip(split, _reread(engine, image, layout.document_type, specs, texts, split, lines,
                                     sharpen=True)))
    fields: dict[str, Field] = {}
    for name, first in firsts.items():
        reads = [first] + [r[name] for r in (seconds, thirds) if name in r]
        fields[name] = _decide(reads, texts[name].items, confirmed=name not in seconds,
                               agreeing_needed=3 if specs[name].kind in _THREE_READS else 2)
    if "sex" in texts and "sex" in specs:
        found = texts["sex"]
        value = parse.parse_sex(found.text)
        confidence = min(item.confidence for item in found.items)
        fields["sex"] = Field(value, round(min(confidence, 0.9), 3), _union(found.items))
    _check_dates(fields)
    return fields


def _next_on_row(row: Row, lines: list[TextLine], width: int) -> int:
    """Where the next detected line to the right of ``row`` begins (the image's edge if none)."""
    end = max(item.right for item in row.items)
    following = [line.box[0] for line in lines if line.box[0] >= end - 2
                 and min(line.box[1] + line.box[3], row.bottom) - max(line.box[1], row.top) > 0.5 * row.height]
    return min(following, default=width) - 2


def _reread(engine: PpocrEngine, image: np.ndarray, document_type: DocumentType, specs: dict[str, FieldSpec],
            texts: dict[str, Found], names: list[str], lines: list[TextLine], *,
            sharpen: bool = False) -> list[Candidate]:
    """Each field read again, one crop per line of it (a two-line address is two crops)."""
    crops, owners = [], []
    for name in names:
        for number, row in enumerate(group_rows(texts[name].items)):
            left = texts[name].left if number == 0 else None
            crops.append(crop_lines(image, row.items, left=left, right=_next_on_row(row, lines, image.shape[1]),
                                    sharpen=sharpen))
            owners.append(name)
    joined: dict[str, list[tuple[str, float]]] = {name: [] for name in names}
    for name, read in zip(owners, engine.recognise_many(crops)):
        joined[name].append(read)
    return [_interpret(specs[name], _reselect(name, document_type, " ".join(t for t, _ in joined[name])),
                       min(c for _, c in joined[name]))
            for name in names]


def passport_name_seen(name: str, lines: list[TextLine]) -> bool:
    """Whether every part of the MRZ's name is also printed in the passport's visual zone (no
    check digit covers the name: the printed name is the independent evidence)."""
    printed = re.sub(r"[^A-Z]", "", "".join(line.text for line in lines).upper())
    parts = [part for part in re.split(r"\s+", name.upper()) if part]
    return bool(parts) and all(part in printed for part in parts)


def _doubt(spec: FieldSpec, candidate: Candidate) -> Candidate:
    """What no second read can settle: a nationality not on the list, a name with a character
    whose variant form (﨑 for 崎, 髙 for 高) the recogniser cannot tell apart — the clerk looks at
    the card for those (the variant is offered as an alternative)."""
    if not candidate.valid:
        return candidate
    if spec.kind == "nationality" and candidate.value not in NATIONALITIES:
        candidate.extra = {**(candidate.extra or {}), "doubt": "not a nationality on the list"}
    if spec.kind in ("name_ja", "name_spaced"):
        variants = name_variants()
        forms = [char for char in candidate.value if char in variants]
        if forms:
            candidate.extra = {**(candidate.extra or {}), "doubt": "a character with variant forms: " + "".join(forms)}
            swapped = "".join(variants.get(char, char)[0] for char in candidate.value)
            candidate.alternatives = (*candidate.alternatives, swapped)
    return candidate


def _confirmed_alone(spec: FieldSpec, first: Candidate) -> bool:
    """Whether a first read is confirmed by other evidence than a second read: a nationality read
    exactly as the list has it. (An address is always read twice: the postal data confirms the
    town, but not the block number or a building name on a second line.)"""
    if not first.valid or first.confidence < 0.95:
        return False
    return spec.kind == "nationality" and first.raw == first.value


def _same(one: Candidate, other: Candidate) -> bool:
    return parse.clean(one.value) == parse.clean(other.value)


def _interpret(spec: FieldSpec, text: str, confidence: float) -> Candidate:
    if spec.kind in ("name_ja", "name_spaced"):
        text = re.sub(r"[^\u3005\u3040-\u30ff\u4e00-\u9fff\s]", "", normalise(text))
    candidate = interpret(spec, normalise(text), confidence)
    if candidate.valid and spec.kind in ("name_ja", "name_spaced") and not all(
            in_jis_x0208(char) for char in candidate.value if not char.isspace()):
        candidate.problem = "a character of the name is not a Japanese character"
        candidate.valid = False
    return _doubt(spec, candidate)


def _reselect(name: str, document_type: DocumentType, text: str) -> str:
    """The field's part of a second read (the crop may hold the label or a neighbour)."""
    flat = re.sub(r"\s+", "", normalise(text))
    if name in ("birth_date", "expiry_date"):
        if document_type is DocumentType.DRIVERS_LICENSE and name == "expiry_date":
            match = re.search(_LICENSE_EXPIRY, flat)
            if match:
                return match.group(1)
        # the same rule as the first read: the date before 生 / before まで有効 (the My Number
        # card prints both on one line), else the first or last date on the line
        marked = re.search(rf"({_DATE_LOOSE})" + ("生" if name == "birth_date" else ".?(?:まで|まて|有効)"), flat)
        if marked:
            return marked.group(1)
        dates = re.findall(_DATE_LOOSE, flat)
        return (dates[0] if name == "birth_date" else dates[-1]) if dates else flat
    if name == "document_number":
        match = re.search(r"\d{12}|[A-Z]{2}[0-9OIlSB]{8}[A-Z]{2}", flat)
        return match.group(0) if match else flat
    if name == "name" and document_type is not DocumentType.RESIDENCE_CARD:
        flat = flat.split("氏名")[-1]
        return re.split(rf"{_DATE_LOOSE}|(?:明治|大正|昭和|平成|令和)", flat)[0]
    if name == "name":
        return re.sub(r"^.*?(氏名|名|NAME)", "", normalise(text)).strip()  # the label, even misread (E名)
    if name == "address":
        for label in ("住居地", "住所"):
            if label in flat:
                flat = flat.split(label, 1)[1]
        return flat.replace("ADDRESS", "")
    if name == "nationality":
        known = [n for n in NATIONALITIES if n in flat]
        return max(known, key=len) if known else re.sub(r"^.*?(国籍・地域|国籍|地域|域)", "", flat)
    return flat


def _decide(reads: list[Candidate], items: list[TextLine], *, confirmed: bool, agreeing_needed: int = 2) -> Field:
    """One field from its reads: sure when the first read was confirmed by other evidence, or
    when two valid reads agree and both were confident; otherwise the value most reads gave (the
    most confident among equals), below the counter's threshold."""
    box = _union(items)
    valid = [read for read in reads if read.valid]
    if confirmed:
        best, confidence = reads[0], SURE
    elif valid:
        counts = {read.value: sum(_same(read, other) for other in valid) for read in valid}
        # among reads that agree, the first read's form (its spacing) is kept
        best = max(valid, key=lambda read: (counts[read.value], read is reads[0], read.confidence))
        agreeing = [read for read in valid if _same(read, best)]
        sure = len(agreeing) >= agreeing_needed and min(read.confidence for read in agreeing) >= 0.85
        confidence = SURE if sure else min(best.confidence, UNSURE_CAP)
        if (best.extra or {}).get("ocr_text"):  # the town was corrected by the postal data: it did not match as read
            confidence = min(confidence, UNSURE_CAP)
        if (best.extra or {}).get("doubt"):
            confidence = min(confidence, UNSURE_CAP)
    else:
        best = reads[0]
        confidence = min(best.confidence, UNSURE_CAP) * 0.5
    others = tuple(read.value for read in reads if read.value and read.value != best.value)
    alternatives = tuple(dict.fromkeys((*best.alternatives, *others)))
    return Field(best.value, round(confidence, 3), box, valid=best.valid, problem=best.problem,
                 alternatives=alternatives, extra=dict(best.extra or {}))


def _union(items: list[TextLine]) -> tuple[int, int, int, int]:
    x0 = min(item.box[0] for item in items)
    y0 = min(item.box[1] for item in items)
    x1 = max(item.right for item in items)
    y1 = max(item.box[1] + item.box[3] for item in items)
    return (x0, y0, x1 - x0, y1 - y0)


def _check_dates(fields: dict[str, Field]) -> None:
    """A birth date after the expiry date, in the future, or making the holder over 120 is wrong
    somewhere: neither date can be sure then."""
    birth, expiry = fields.get("birth_date"), fields.get("expiry_date")
    dates = {}
    for name, found in (("birth_date", birth), ("expiry_date", expiry)):
        if found is not None and found.valid:
            try:
                dates[name] = date.fromisoformat(found.value)
            except ValueError:
                continue
    problems = []
    today = date.today()
    if "birth_date" in dates and not (today.year - 120 <= dates["birth_date"].year and dates["birth_date"] <= today):
        problems.append("birth_date")
    if len(dates) == 2 and dates["birth_date"] >= dates["expiry_date"]:
        problems.extend(dates)
    for name in problems:
        fields[name].confidence = min(fields[name].confidence, 0.5)
