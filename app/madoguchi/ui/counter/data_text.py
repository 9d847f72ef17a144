"""English for the Japanese words that come from data rather than code.

Life events, questions and form titles live in ``forms/`` (YAML a ward edits), field labels and
the What step's problems in :mod:`madoguchi.counter` — core modules that never import Qt, so
their words cannot be marked for pyside6-lupdate where they are defined. They are listed here
instead (one context, ``DataText``) and shown through :func:`data_tr`. A word a ward adds later
is simply shown in Japanese; tests/test_i18n.py keeps this list in step with the shipped data.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "DataText"

WORDS: tuple[str, ...] = (
    # life events (forms/events.yaml: label)
    QT_TRANSLATE_NOOP("DataText", "転入（他の市区町村から）"),
    QT_TRANSLATE_NOOP("DataText", "転居（区内の引っ越し）"),
    QT_TRANSLATE_NOOP("DataText", "転出（他の市区町村へ）"),
    QT_TRANSLATE_NOOP("DataText", "出生"),
    QT_TRANSLATE_NOOP("DataText", "婚姻"),
    QT_TRANSLATE_NOOP("DataText", "死亡"),
    QT_TRANSLATE_NOOP("DataText", "証明書の交付"),
    # questions (forms/events.yaml)
    QT_TRANSLATE_NOOP("DataText", "国民健康保険に加入しますか（加入していますか）"),
    QT_TRANSLATE_NOOP("DataText", "印鑑登録をしますか"),
    QT_TRANSLATE_NOOP("DataText", "マイナンバーカードを持参していますか"),
    QT_TRANSLATE_NOOP("DataText", "住民票の写しが必要ですか"),
    QT_TRANSLATE_NOOP("DataText", "必要な証明書"),
    QT_TRANSLATE_NOOP("DataText", "児童手当を受けていますか"),
    # form titles (forms/<id>/form.yaml)
    QT_TRANSLATE_NOOP("DataText", "住民異動届"),
    QT_TRANSLATE_NOOP("DataText", "住民票の写し等交付申請書"),
    QT_TRANSLATE_NOOP("DataText", "戸籍証明書等請求書"),
    QT_TRANSLATE_NOOP("DataText", "課税・非課税証明書交付申請書"),
    QT_TRANSLATE_NOOP("DataText", "印鑑登録申請書"),
    QT_TRANSLATE_NOOP("DataText", "国民健康保険 資格取得・喪失届"),
    QT_TRANSLATE_NOOP("DataText", "後期高齢者医療 資格取得・異動届"),
    QT_TRANSLATE_NOOP("DataText", "児童手当 認定請求書"),
    QT_TRANSLATE_NOOP("DataText", "個人番号カード 券面記載事項変更届"),
    # Check step fields (madoguchi.counter.check.CHECK_FIELDS)
    QT_TRANSLATE_NOOP("DataText", "氏"),
    QT_TRANSLATE_NOOP("DataText", "名"),
    QT_TRANSLATE_NOOP("DataText", "氏（フリガナ）"),
    QT_TRANSLATE_NOOP("DataText", "名（フリガナ）"),
    QT_TRANSLATE_NOOP("DataText", "生年月日"),
    QT_TRANSLATE_NOOP("DataText", "性別"),
    QT_TRANSLATE_NOOP("DataText", "郵便番号"),
    QT_TRANSLATE_NOOP("DataText", "住所"),
    # What step problems (madoguchi.counter.flow.VisitFlow.what_problems)
    QT_TRANSLATE_NOOP("DataText", "手続を選んでください。"),
    QT_TRANSLATE_NOOP("DataText", "新しい住所を入力してください。"),
    QT_TRANSLATE_NOOP("DataText", "異動日を入力してください。"),
    QT_TRANSLATE_NOOP("DataText", "帳票が選ばれていません。"),
    # address problems (madoguchi.counter.check.NO_PLACE / NO_BANCHI)
    QT_TRANSLATE_NOOP("DataText", "住所は市区町村から入力してください（郵便番号を入れると町名まで入ります）。"),
    QT_TRANSLATE_NOOP("DataText", "番地を入力してください。"),
)


def data_tr(text: str) -> str:
    """``text`` in the UI language (unchanged when it has no translation)."""
    return QCoreApplication.translate(CONTEXT, text)
