"""The counter workspace's own style: attention colours, step bar, big targets.

Kept beside the views (not in the app-wide sheet) because only this workspace uses these
object names; sizes follow the large-text setting, colours the high-contrast one.
"""

from __future__ import annotations

from madoguchi.config import Settings

_NORMAL = """
QLabel#stepTitle { font-size: %(title)dpt; font-weight: bold; padding: 4px 0; }
QLabel#stepMessage { font-size: %(text)dpt; color: %(muted)s; }
QLabel#attentionText { font-size: %(text)dpt; font-weight: bold; color: %(attention_fg)s;
    background: %(attention_bg)s; padding: 6px 10px; }
QLabel#stepChip { padding: 4px 12px; border-radius: 12px; color: %(muted)s; font-size: %(text)dpt; }
QLabel#stepChip[state="current"] { background: %(accent)s; color: %(accent_fg)s; font-weight: bold; }
QLabel#stepChip[state="done"] { color: %(done)s; }
QLabel#hintBar { color: %(muted)s; padding: 4px 8px; border-top: 1px solid %(line)s; font-size: %(small)dpt; }
QLabel#waitingCount { font-size: %(text)dpt; font-weight: bold; color: %(accent)s; padding: 2px 0 8px 0; }
QLabel#ticketLabel { font-size: %(title)dpt; font-weight: bold; color: %(accent)s; }
QLabel#fieldLabel { font-weight: bold; }
QLabel#fieldNote { color: %(muted)s; font-size: %(small)dpt; }
QLabel#fieldCrop { background: %(crop_bg)s; color: %(crop_fg)s; border: 1px solid %(line)s; padding-left: 4px; }
QLabel#cardPicture { background: %(crop_bg)s; color: %(crop_fg)s; border: 1px solid %(line)s; }
QLineEdit[attention="warn"] { background: %(warn_bg)s; color: %(warn_fg)s; border: 2px solid %(warn_line)s; }
QLineEdit[attention="error"] { background: %(error_bg)s; color: %(error_fg)s; border: 2px solid %(error_line)s; }
QLabel#stepStatus[kind="error"], QLabel#printState[kind="error"] { color: %(error_fg)s; background: %(error_bg)s;
    border: 2px solid %(error_line)s; padding: 8px; font-weight: bold; }
QLabel#stepStatus[kind="busy"], QLabel#printState[kind="busy"] { color: %(accent)s; font-weight: bold; }
QLabel#printState { font-size: %(title)dpt; }
QLabel#printDetails { font-size: %(text)dpt; padding-top: 16px; }
QLabel#printState[kind="ok"] { color: %(ok)s; font-weight: bold; }
QPushButton#bigButton { font-size: %(title)dpt; padding: 16px 28px; min-height: 48px; }
QPushButton#primaryButton { font-weight: bold; background: %(accent)s; color: %(accent_fg)s;
    border: 1px solid %(accent)s; border-radius: 4px; }
QPushButton#primaryButton:disabled { background: %(line)s; color: %(muted)s; }
QPushButton#cancelVisit { padding: 2px 10px; min-height: 20px; font-size: %(small)dpt; }
QPushButton#acceptSuggestion { padding: 2px 8px; min-height: 18px; }
"""

_COLOURS = {
    "muted": "#37474f", "accent": "#0d47a1", "accent_fg": "#ffffff", "done": "#2e7d32", "line": "#b0bec5",
    "crop_bg": "#fafafa", "crop_fg": "#37474f", "attention_fg": "#3e2723", "attention_bg": "#fff3cd",
    "warn_bg": "#fff59d", "warn_fg": "#000000", "warn_line": "#f9a825",
    "error_bg": "#ffebee", "error_fg": "#b00020", "error_line": "#b00020", "ok": "#1b5e20",
}
_CONTRAST = {
    "muted": "#ffffff", "accent": "#ffff00", "accent_fg": "#000000", "done": "#00ff00", "line": "#ffffff",
    "crop_bg": "#ffffff", "crop_fg": "#000000", "attention_fg": "#000000", "attention_bg": "#ffff00",
    "warn_bg": "#ffff00", "warn_fg": "#000000", "warn_line": "#ffffff",
    "error_bg": "#000000", "error_fg": "#ff6060", "error_line": "#ff6060", "ok": "#00ff00",
}


def counter_style_sheet(settings: Settings) -> str:
    values: dict[str, object] = dict(_CONTRAST if settings.high_contrast else _COLOURS)
    large = settings.large_text
    values.update(title=22 if large else 15, text=17 if large else 12, small=15 if large else 10)
    return _NORMAL % values
