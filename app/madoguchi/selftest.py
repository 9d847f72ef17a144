"""``madoguchi selftest``: is this PC ready for the counter?

Each check returns a :class:`CheckResult`. Required checks (Qt, OCR engine and model,
fonts, database) decide the exit status; optional ones (printer, camera, scanner folder,
IC reader) only warn (注意), so the same command serves a counter PC and a developer's
machine. Checks are registered in :data:`CHECKS`; a part of the app adds its own there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from madoguchi import paths
from madoguchi.checks import CheckResult, Status
from madoguchi.config import Settings


@dataclass(frozen=True)
class Check:
    name: str
    required: bool
    run: Callable[[Settings], CheckResult]


_QT_PROBE = r"""
import json, os, sys
from PySide6.QtCore import QLibraryInfo, qVersion
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
result = {"platform": app.platformName(), "qt": qVersion()}
try:
    from PySide6.QtPrintSupport import QPrinterInfo
    result["printers"] = QPrinterInfo.availablePrinterNames()
    result["default_printer"] = QPrinterInfo.defaultPrinterName()
except Exception as exc:
    result["printers_error"] = repr(exc)
print(json.dumps(result))
"""


def _qt_probe() -> dict:
    env = dict(os.environ)
    headless = sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    if headless and "QT_QPA_PLATFORM" not in env:
        env["QT_QPA_PLATFORM"] = "offscreen"
    completed = subprocess.run([sys.executable, "-c", _QT_PROBE], capture_output=True, text=True, env=env,
                               timeout=60, check=False)
    if completed.returncode != 0:
        lines = (completed.stderr or "").strip().splitlines()
        return {"error": lines[-1] if lines else f"exit {completed.returncode}", "headless": headless}
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["headless"] = headless
    return result


_qt_cache: dict | None = None


def _qt(settings: Settings) -> dict:
    global _qt_cache
    if _qt_cache is None:
        try:
            _qt_cache = _qt_probe()
        except (OSError, subprocess.SubprocessError, ValueError) as exc:
            _qt_cache = {"error": repr(exc)}
    return _qt_cache


def check_qt(settings: Settings) -> CheckResult:
    info = _qt(settings)
    if "error" in info:
        return CheckResult("Qt", Status.NG, f"Qt を起動できません: {info['error']}", f"Qt cannot start: {info['error']}",
                           "Linux では libxcb-cursor0 libegl1 libxkbcommon-x11-0 を入れてください。Windows ではインストーラで入れ直してください。",
                           "on Linux install libxcb-cursor0 libegl1 libxkbcommon-x11-0; on Windows reinstall with the installer.")
    note_ja = "（画面なし: offscreen で確認）" if info.get("headless") else ""
    note_en = " (no display: checked offscreen)" if info.get("headless") else ""
    return CheckResult("Qt", Status.OK, f"Qt {info['qt']}、プラットフォーム {info['platform']}{note_ja}",
                       f"Qt {info['qt']}, platform {info['platform']}{note_en}")


def check_ocr(settings: Settings) -> CheckResult:
    if settings.ocr_engine == "ppocr":
        from madoguchi.ids.ppocr import probe_engine as probe_ppocr

        return probe_ppocr()
    from madoguchi.ids.ocr import probe_engine

    return probe_engine(settings.ocr_engine)


def check_ocr_mrz(settings: Settings) -> CheckResult:
    """Tesseract beside the neural engine: it reads the passport's MRZ."""
    from madoguchi.ids.ocr import probe_engine

    result = probe_engine("tesserocr")
    if result.status is Status.OK:
        return result
    return CheckResult("ocr_mrz", Status.WARN, "パスポートの MRZ を読む Tesseract が使えません: " + result.detail_ja,
                       "Tesseract, which reads the passport's MRZ, is not available: " + result.detail_en,
                       result.fix_ja, result.fix_en)


def check_fonts(settings: Settings) -> CheckResult:
    missing = [name for name in ("ipaexg.ttf", "ipaexm.ttf") if not paths.resource_path("fonts", name).is_file()]
    if missing:
        return CheckResult("fonts", Status.NG, f"同梱フォントがありません: {', '.join(missing)}",
                           f"bundled fonts are missing: {', '.join(missing)}",
                           "インストーラで入れ直してください（resources/fonts）。", "reinstall (resources/fonts).")
    try:
        from reportlab.pdfbase.ttfonts import TTFont

        TTFont("check", str(paths.resource_path("fonts", "ipaexg.ttf")))
    except Exception as exc:  # noqa: BLE001 - any font parsing error means the file is damaged
        return CheckResult("fonts", Status.NG, f"フォントを読めません: {exc!r}", f"cannot load the font: {exc!r}",
                           "インストーラで入れ直してください。", "reinstall.")
    folder = paths.resource_path("fonts")
    return CheckResult("fonts", Status.OK, f"IPAexゴシック・IPAex明朝 ({folder})", f"IPAex Gothic and Mincho ({folder})")


def check_database(settings: Settings) -> CheckResult:
    from madoguchi.errors import MadoguchiError
    from madoguchi.store.db import describe_url, open_database

    url = settings.effective_database_url
    try:
        database = open_database(url)
        revisions = ", ".join(sorted(database.current_revisions()))
        dialect = database.dialect
        database.dispose()
    except MadoguchiError as exc:
        return CheckResult("database", Status.NG, exc.message_ja, exc.message_en,
                           "database_url を確認し、`madoguchi db upgrade` を実行してください。",
                           "check database_url and run `madoguchi db upgrade`.")
    except Exception as exc:  # noqa: BLE001 - a failed migration must be reported, not raised
        return CheckResult("database", Status.NG, f"移行に失敗しました: {exc.__class__.__name__}",
                           f"migration failed: {exc.__class__.__name__}",
                           "`madoguchi -v db upgrade` で詳細を確認してください。", "run `madoguchi -v db upgrade` for details.")
    return CheckResult("database", Status.OK, f"{dialect} {describe_url(url)}（移行済み: {revisions}）",
                       f"{dialect} {describe_url(url)} (migrated: {revisions})")


def check_key_store(settings: Settings) -> CheckResult:
    from madoguchi.privacy.keys import selftest_check

    return selftest_check(settings)


def check_printer(settings: Settings) -> CheckResult:
    info = _qt(settings)
    printers = info.get("printers") or []
    wanted = settings.printer_name or info.get("default_printer") or ""
    if not printers:
        return CheckResult("printer", Status.WARN, "プリンタが見つかりません", "no printer found",
                           "OS にプリンタを追加し、設定の printer_name に名前を入れてください。",
                           "add a printer to the OS and set printer_name.")
    if settings.printer_name and settings.printer_name not in printers:
        return CheckResult("printer", Status.WARN, f"設定のプリンタ {settings.printer_name!r} がありません（ある: {', '.join(printers)}）",
                           f"printer {settings.printer_name!r} not found (available: {', '.join(printers)})",
                           "設定の printer_name を直してください。", "fix printer_name in the settings.")
    return CheckResult("printer", Status.OK, f"{wanted or printers[0]}（{len(printers)} 台）",
                       f"{wanted or printers[0]} ({len(printers)} printers)")


def check_camera(settings: Settings) -> CheckResult:
    if settings.camera_index < 0:
        return CheckResult("camera", Status.WARN, "書画カメラは設定されていません", "no document camera configured",
                           "使う場合は camera_index を設定してください。", "set camera_index to use one.")
    import cv2

    capture = cv2.VideoCapture(settings.camera_index)
    try:
        opened = capture.isOpened()
    finally:
        capture.release()
    if not opened:
        return CheckResult("camera", Status.WARN, f"カメラ {settings.camera_index} を開けません",
                           f"camera {settings.camera_index} cannot be opened",
                           "接続と camera_index を確認してください。", "check the cable and camera_index.")
    return CheckResult("camera", Status.OK, f"カメラ {settings.camera_index}", f"camera {settings.camera_index}")


def check_scanner(settings: Settings) -> CheckResult:
    if not settings.scanner_folder:
        return CheckResult("scanner", Status.WARN, "スキャナの保存フォルダは設定されていません",
                           "no scanner hot folder configured",
                           "使う場合は scanner_folder を設定してください。", "set scanner_folder to use one.")
    folder = Path(settings.scanner_folder)
    if not folder.is_dir() or not os.access(folder, os.R_OK | os.W_OK):
        return CheckResult("scanner", Status.WARN, f"フォルダ {folder} がないか読み書きできません",
                           f"folder {folder} is missing or not readable/writable",
                           "フォルダを作り、スキャナの保存先と同じにしてください。",
                           "create it and point the scanner at it.")
    return CheckResult("scanner", Status.OK, f"{folder}", f"{folder}")


def check_ic_reader(settings: Settings) -> CheckResult:
    from madoguchi.ids.ic.reader import probe_reader

    return probe_reader(settings)


def check_forms(settings: Settings) -> CheckResult:
    from madoguchi.forms.catalogue import check_forms as problems_in

    folder = paths.forms_dir()
    problems = problems_in(folder)
    if problems:
        first = problems[0]
        return CheckResult("forms", Status.NG, f"様式定義に {len(problems)} 件の問題: {first.message('ja')}",
                           f"{len(problems)} problem(s) in the form definitions: {first.message('en')}",
                           "madoguchi forms check で全件を確認して直してください。",
                           "run madoguchi forms check and fix each problem.")
    count = sum(1 for p in folder.iterdir() if (p / "form.yaml").is_file())
    return CheckResult("forms", Status.OK, f"{count} 様式と届出の規則 ({folder})", f"{count} forms and the life-event rules ({folder})")


def check_publish(settings: Settings) -> CheckResult:
    """The congestion target (when one is set): write, read back and delete a small file; the site file."""
    from madoguchi.errors import MadoguchiError
    from madoguchi.queue.publish import load_site
    from madoguchi.queue.targets import open_target, probe

    if not settings.publish_target:
        return CheckResult("publish", Status.OK, "混雑状況の公開先は設定されていません（公開しない）",
                           "no publishing target set (congestion is not published)")
    try:
        load_site(Path(settings.publish_site)) if settings.publish_site else load_site()
        target = open_target(settings.publish_target)
        seconds = probe(target)
    except MadoguchiError as error:
        return CheckResult("publish", Status.NG, error.message("ja"), error.message("en"),
                           "公開先の設定（publish_target）、資格情報、ネットワークを確認してください。",
                           "check publish_target, the credentials and the network.")
    return CheckResult("publish", Status.OK, f"{target.description}（{seconds:.2f}秒）",
                       f"{target.description} ({seconds:.2f} s)")


CHECKS: list[Check] = [
    Check("Qt", True, check_qt),
    Check("ocr", True, check_ocr),
    Check("ocr_mrz", False, check_ocr_mrz),
    Check("fonts", True, check_fonts),
    Check("forms", True, check_forms),
    Check("database", True, check_database),
    Check("key_store", True, check_key_store),
    Check("printer", False, check_printer),
    Check("camera", False, check_camera),
    Check("scanner", False, check_scanner),
    Check("ic_reader", False, check_ic_reader),
    Check("publish", False, check_publish),
]


def run_checks(settings: Settings) -> tuple[list[tuple[Check, CheckResult]], bool]:
    """Run every check; return the results and whether all required ones passed."""
    results = []
    ok = True
    for check in CHECKS:
        try:
            result = check.run(settings)
        except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
            result = CheckResult(check.name, Status.NG, f"確認中にエラー: {exc!r}", f"error while checking: {exc!r}")
        if not check.required and result.status == Status.NG:
            result = CheckResult(result.name, Status.WARN, result.detail_ja, result.detail_en, result.fix_ja,
                                 result.fix_en)
        if check.required and result.status != Status.OK:
            ok = False
        results.append((check, result))
    return results, ok
