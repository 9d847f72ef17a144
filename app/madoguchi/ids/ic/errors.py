"""The errors an IC card read can meet, each with a message for the clerk and the CLI exit code 9.

Messages never carry the PIN or any of the resident's data.
"""

from __future__ import annotations

from madoguchi.errors import ExitCode, MadoguchiError


class CardError(MadoguchiError):
    """Base of every IC card problem; the counter offers OCR instead."""

    exit_code = ExitCode.CARD


class IcSupportMissing(CardError):
    def __init__(self) -> None:
        super().__init__(
            "ICカードの読取部品（pyscard）が入っていません。券面の撮影（OCR）を使ってください。"
            "使う場合は `pip install madoguchi[ic]` で入れてください。",
            "IC card support (pyscard) is not installed; use OCR of the card face, or install it with "
            "`pip install madoguchi[ic]`.",
            exit_code=ExitCode.ENGINE)


class ReaderUnavailable(CardError):
    """No PC/SC service, no reader, or not the configured one."""


class NoCard(CardError):
    def __init__(self) -> None:
        super().__init__("カードがリーダーに置かれていません。カードを置いてからやり直してください。",
                         "no card is on the reader; place the card and try again.")


class CardRemoved(CardError):
    def __init__(self) -> None:
        super().__init__("読取中にカードが外されました。カードを置き直して、最初からやり直してください。",
                         "the card was removed while it was being read; place it again and start over.")


class UnsupportedCard(CardError):
    def __init__(self) -> None:
        super().__init__("このカードは読み取れません（マイナンバーカード・運転免許証のみ対応）。券面の撮影（OCR）を使ってください。",
                         "this card cannot be read (only My Number cards and driver's licenses); use OCR instead.")


class PinFormatError(CardError):
    """The PIN typed is not 4 digits: nothing was sent to the card."""

    def __init__(self) -> None:
        super().__init__("暗証番号は数字4桁です。カードには送っていません（回数は減っていません）。",
                         "the PIN is 4 digits; nothing was sent to the card (no try used).",
                         exit_code=ExitCode.INPUT)


class WrongPin(CardError):
    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        if tries_left == 1:
            ja_more = "あと1回間違えるとカードがロックされ、市区町村の窓口での再設定が必要になります。"
            en_more = "one more wrong PIN locks the card, which must then be reset at the municipal office."
        else:
            ja_more, en_more = "", ""
        super().__init__(f"暗証番号が違います。残り {tries_left} 回です。{ja_more}",
                         f"wrong PIN; {tries_left} tries left. {en_more}".strip())


class LastTryNotConfirmed(CardError):
    """One try is left and the clerk has not confirmed: the PIN was not sent."""

    def __init__(self) -> None:
        self.tries_left = 1
        super().__init__("暗証番号の残り回数が1回です。間違えるとカードがロックされます。"
                         "本人に確認し、確認のうえで読み取ってください（PIN は送っていません）。",
                         "only one PIN try is left; a wrong PIN locks the card. Confirm with the resident "
                         "first (the PIN was not sent).")


class CardLocked(CardError):
    def __init__(self) -> None:
        self.tries_left = 0
        super().__init__("暗証番号がロックされています。住所地の市区町村の窓口（運転免許証は警察署・運転免許センター）"
                         "で暗証番号の再設定が必要です。今回は券面の撮影（OCR）を使ってください。",
                         "the PIN is locked; it must be reset at the municipal office (a driver's license at "
                         "a police station or license center). Use OCR of the card face this time.")


class CardReadError(CardError):
    """The card answered something unexpected (status word given, never data)."""


class PinlessReadNotAllowed(CardError):
    """The 照合番号B read was asked for but the ward's policy (``allow_pinless_read``) forbids it."""

    def __init__(self) -> None:
        super().__init__("暗証番号なし（照合番号B）での読取は、この端末の設定で許可されていません（allow_pinless_read）。"
                         "暗証番号で読み取るか、券面の撮影（OCR）を使ってください。",
                         "reading without the PIN (照合番号B) is not allowed on this PC (allow_pinless_read); "
                         "use the PIN or OCR instead.",
                         exit_code=ExitCode.PERMISSION)


class VerificationNumberFormatError(CardError):
    """The parts of 照合番号B do not make 14 digits: nothing was sent to the card."""

    def __init__(self) -> None:
        super().__init__("照合番号B（生年月日・有効期限の年・セキュリティコード）の形式が正しくありません。カードには送っていません。",
                         "the parts of 照合番号B (birth date, expiry year, security code) are malformed; "
                         "nothing was sent to the card.",
                         exit_code=ExitCode.INPUT)
