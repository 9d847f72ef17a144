"""Why a capture cannot be read: each a clear message for the clerk (Japanese + English)."""

from __future__ import annotations

from madoguchi.errors import InputError

SUPPORTED_JA = "マイナンバーカード・運転免許証・在留カード・パスポート（顔写真のページ）"
SUPPORTED_EN = "My Number card, driver's license, residence card, passport (data page)"


class ImageUnreadable(InputError):
    """The file is missing, empty, not an image, or corrupt."""


class ImageTooLarge(InputError):
    """The image is too large to decode safely (memory bound)."""


class CardNotFound(InputError):
    """No card could be found in the capture."""


class TwoCardsInView(InputError):
    """More than one card lies in the capture."""


class UnsupportedDocument(InputError):
    """A card was found but it is not one of the supported documents."""


def image_unreadable(source: str, reason_ja: str, reason_en: str) -> ImageUnreadable:
    return ImageUnreadable(f"画像 {source} を読めません: {reason_ja}。読み取り直すか、別のファイルを選んでください。",
                           f"cannot read the image {source}: {reason_en}. Capture it again or pick another file.")


def image_too_large(source: str, what: str) -> ImageTooLarge:
    return ImageTooLarge(
        f"画像 {source} が大きすぎます（{what}）。カメラやスキャナの解像度を下げて読み取り直してください。",
        f"the image {source} is too large ({what}). Lower the camera or scanner resolution and capture it again.")


def card_not_found() -> CardNotFound:
    return CardNotFound("画像にカードが見つかりません。カード全体が写るように、暗めの台の上に置いて読み取り直してください。",
                        "no card found in the image. Place the whole card on a darker surface and capture it again.")


def two_cards() -> TwoCardsInView:
    return TwoCardsInView("カードが2枚以上写っています。読み取るカードを1枚だけ置いてください。",
                          "two or more cards are in view. Leave only the card to be read.")


def unsupported_document() -> UnsupportedDocument:
    return UnsupportedDocument(f"対応していない書類です。読み取れるのは {SUPPORTED_JA} です。",
                               f"this document is not supported. Supported: {SUPPORTED_EN}.")
