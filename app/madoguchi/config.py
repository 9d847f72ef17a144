"""Per-PC settings: a TOML file in the platform config directory, overridden by
``MADOGUCHI_<KEY>`` environment variables.

Loading never raises for a bad value: each problem is collected (naming the file, the
key and what is expected), the default is used instead, and the UI shows the problems on
the settings page. Only :func:`set_value` refuses a bad value, since the user is there to
correct it.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from madoguchi import paths
from madoguchi.errors import ConfigError, Problem

ENV_PREFIX = "MADOGUCHI_"


@dataclass(frozen=True)
class SettingSpec:
    key: str
    kind: type
    default: Any
    help_ja: str
    help_en: str
    choices: tuple[Any, ...] = ()
    check: Callable[[Any], bool] | None = None
    expected_ja: str = ""
    expected_en: str = ""


def _default_database_url() -> str:
    return "sqlite:///" + (paths.data_dir() / "madoguchi.sqlite3").as_posix()


def _non_negative(value: int) -> bool:
    return value >= 0


def _port(value: int) -> bool:
    return 1 <= value <= 65535


def _networks(value: str) -> bool:
    import ipaddress

    try:
        for part in value.split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)
    except ValueError:
        return False
    return True


def _database_url(value: str) -> bool:
    return value == "" or value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:", "postgres:"))


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("branch_id", str, "honcho", "拠点ID（英数字）", "branch id (letters and digits)",
                check=lambda v: v.replace("_", "").replace("-", "").isalnum(),
                expected_ja="英数字・-・_ のみ", expected_en="letters, digits, - and _ only"),
    SettingSpec("branch_name", str, "本庁舎", "拠点名", "branch name"),
    SettingSpec("counter_number", int, 1, "この端末の窓口番号", "counter number of this PC",
                check=lambda v: 1 <= v <= 999, expected_ja="1〜999 の整数", expected_en="an integer 1-999"),
    SettingSpec("database_url", str, "", "データベースURL（空欄で内蔵SQLite）",
                "database URL (empty: embedded SQLite)", check=_database_url,
                expected_ja="sqlite:///… または postgresql://…", expected_en="sqlite:///… or postgresql://…"),
    SettingSpec("printer_name", str, "", "帳票プリンタ名（空欄で既定のプリンタ）", "form printer (empty: system default)"),
    SettingSpec("paper", str, "A4", "用紙サイズ", "paper size", choices=("A4", "A3", "B4", "B5", "Letter")),
    SettingSpec("duplex", bool, False, "両面印刷", "duplex printing"),
    SettingSpec("receipt_printer", str, "", "整理券プリンタ名", "ticket (receipt) printer"),
    SettingSpec("camera_index", int, -1, "書画カメラ番号（-1 で使わない）", "document camera index (-1: none)",
                check=lambda v: v >= -1, expected_ja="-1 以上の整数", expected_en="an integer >= -1"),
    SettingSpec("scanner_folder", str, "", "スキャナの保存フォルダ", "scanner hot folder"),
    SettingSpec("ic_reader", str, "", "ICカードリーダー名（空欄で最初のリーダー）", "IC card reader (empty: first reader)"),
    SettingSpec("use_ic_reader", bool, True, "ICカードリーダーを使う", "use the IC card reader"),
    SettingSpec("allow_pinless_read", bool, False, "照合番号Bによる読取を許可（区の方針による）",
                "allow the PIN-less 照合番号B read (ward policy)"),
    SettingSpec("language", str, "ja", "表示言語", "UI language", choices=("ja", "en")),
    SettingSpec("large_text", bool, False, "大きな文字", "large text"),
    SettingSpec("high_contrast", bool, False, "ハイコントラスト", "high contrast"),
    SettingSpec("ocr_engine", str, "ppocr", "OCRエンジン", "OCR engine", choices=("ppocr", "tesserocr", "pytesseract")),
    SettingSpec("retention", str, "end_of_day", "来庁者データの保持（end_of_day または 時間数）",
                "visit data retention (end_of_day or a number of hours)",
                check=lambda v: v == "end_of_day" or (v.isdigit() and int(v) <= 24 * 31),
                expected_ja="end_of_day または 0〜744 の時間数", expected_en="end_of_day or hours 0-744"),
    SettingSpec("purge_time", str, "18:00", "自動消去の時刻 (HH:MM)", "automatic purge time (HH:MM)",
                check=lambda v: len(v) == 5 and v[2] == ":" and v[:2].isdigit() and v[3:].isdigit()
                and int(v[:2]) < 24 and int(v[3:]) < 60,
                expected_ja="HH:MM 形式", expected_en="HH:MM"),
    SettingSpec("idle_lock_minutes", int, 10, "無操作でロックするまでの分", "minutes idle before the screen locks",
                check=_non_negative, expected_ja="0 以上の整数", expected_en="an integer >= 0"),
    SettingSpec("login_mode", str, "password", "ログイン方式", "login mode", choices=("password", "os_user")),
    SettingSpec("key_store", str, "auto", "暗号鍵の保管先", "encryption key store",
                choices=("auto", "keyring", "file")),
    SettingSpec("public_host", str, "127.0.0.1", "混雑状況ページの待受アドレス", "public status page address"),
    SettingSpec("public_port", int, 8080, "混雑状況ページのポート", "public status page port",
                check=_port, expected_ja="1〜65535", expected_en="1-65535"),
    SettingSpec("public_trusted_proxies", str, "", "混雑状況ページの前段の信頼するプロキシ（IPアドレス・ネットワーク、カンマ区切り）",
                "trusted reverse proxies in front of the status page (addresses or networks, comma separated)",
                check=lambda v: _networks(v), expected_ja="IPアドレスまたはネットワーク（例 10.0.0.5, 10.1.0.0/24）",
                expected_en="IP addresses or networks (e.g. 10.0.0.5, 10.1.0.0/24)"),
    SettingSpec("public_url", str, "", "区のウェブサイトの混雑状況ページURL（整理券のQRコード。空欄で public_host:public_port）",
                "public congestion page URL on the ward's website (ticket QR code; empty: public_host:public_port)",
                check=lambda v: v == "" or v.startswith(("http://", "https://")),
                expected_ja="http:// または https:// で始まるURL", expected_en="a URL starting with http:// or https://"),
    SettingSpec("publish_target", str, "", "混雑状況の公開先（フォルダ、http(s)://…、s3://バケット/接頭辞。空欄で公開しない）",
                "where the congestion snapshot is published (folder, http(s)://…, s3://bucket/prefix; empty: none)"),
    SettingSpec("publish_interval", int, 2, "公開の間隔（秒）", "publishing interval (seconds)",
                check=lambda v: 1 <= v <= 3600, expected_ja="1〜3600 の整数", expected_en="an integer 1-3600"),
    SettingSpec("publish_in_app", bool, False, "この端末のアプリ内で公開する（1台だけで有効にする）",
                "publish from the app on this PC (turn on for one PC only)"),
    SettingSpec("publish_site", str, "", "公開ページの拠点情報ファイル site.yaml（空欄で同梱の既定）",
                "the public page's site.yaml (hours, neighbours, names; empty: the shipped default)"),
    SettingSpec("audit_key_file", str, "", "監査ログの鍵ファイル（空欄でデータフォルダ内。共有DBでは全端末に同じ鍵）",
                "audit log key file (empty: in the data folder; every PC of a shared database needs the same)"),
    SettingSpec("audit_anchor_file", str, "", "監査ログのアンカー（追記専用、できれば別サーバー）",
                "audit log anchor file (append-only, ideally on another server)"),
    SettingSpec("wait_alert_minutes", int, 45, "待ち時間の警告（分）", "wait alert threshold (minutes)",
                check=_non_negative, expected_ja="0 以上の整数", expected_en="an integer >= 0"),
)

SPEC_BY_KEY: dict[str, SettingSpec] = {spec.key: spec for spec in SPECS}

#: what each staff member may change for themselves; every other setting is machine-wide
#: and changes only with an admin's sign-in (``config set``, the 設定 workspace)
DISPLAY_KEYS = frozenset({"language", "large_text", "high_contrast"})

_URL_PASSWORD = re.compile(r"(?P<head>://[^/@:]*:)[^@/]*@")


def display_value(key: str, value: Any) -> Any:
    """``value`` safe to print: a password inside a database URL is masked."""
    if key == "database_url" and isinstance(value, str):
        return _URL_PASSWORD.sub(lambda m: m.group("head") + "***@", value)
    return value


@dataclass(frozen=True)
class Settings:
    branch_id: str = "honcho"
    branch_name: str = "本庁舎"
    counter_number: int = 1
    database_url: str = ""
    printer_name: str = ""
    paper: str = "A4"
    duplex: bool = False
    receipt_printer: str = ""
    camera_index: int = -1
    scanner_folder: str = ""
    ic_reader: str = ""
    use_ic_reader: bool = True
    allow_pinless_read: bool = False
    language: str = "ja"
    large_text: bool = False
    high_contrast: bool = False
    ocr_engine: str = "ppocr"
    retention: str = "end_of_day"
    purge_time: str = "18:00"
    idle_lock_minutes: int = 10
    login_mode: str = "password"
    key_store: str = "auto"
    public_host: str = "127.0.0.1"
    public_port: int = 8080
    public_trusted_proxies: str = ""
    public_url: str = ""
    wait_alert_minutes: int = 45
    publish_target: str = ""
    publish_interval: int = 2
    publish_in_app: bool = False
    publish_site: str = ""
    audit_key_file: str = ""
    audit_anchor_file: str = ""
    #: where the values came from: the file, and the problems met while loading
    source: Path | None = field(default=None, compare=False)
    problems: tuple[Problem, ...] = field(default=(), compare=False)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or _default_database_url()

    def as_dict(self) -> dict[str, Any]:
        return {spec.key: getattr(self, spec.key) for spec in SPECS}


def _coerce(spec: SettingSpec, raw: Any, where: str) -> tuple[Any, Problem | None]:
    """Turn ``raw`` into the spec's type, or say why it cannot be."""
    value = raw
    try:
        if spec.kind is bool:
            if isinstance(raw, bool):
                value = raw
            elif isinstance(raw, str) and raw.strip().lower() in ("1", "true", "yes", "on"):
                value = True
            elif isinstance(raw, str) and raw.strip().lower() in ("0", "false", "no", "off"):
                value = False
            else:
                raise ValueError
        elif spec.kind is int:
            if isinstance(raw, bool):
                raise ValueError
            value = int(raw)
        else:
            if not isinstance(raw, str | int | float) or isinstance(raw, bool):
                raise ValueError
            value = str(raw)
    except (TypeError, ValueError):
        kind_ja = {bool: "true / false", int: "整数", str: "文字列"}[spec.kind]
        kind_en = {bool: "true / false", int: "an integer", str: "a string"}[spec.kind]
        return spec.default, Problem(where, spec.key, f"{raw!r} は使えません。{kind_ja} を指定してください。",
                                     f"{raw!r} is not valid; expected {kind_en}.")
    if spec.choices and value not in spec.choices:
        options = " / ".join(str(c) for c in spec.choices)
        return spec.default, Problem(where, spec.key, f"{value!r} は使えません。{options} のいずれかを指定してください。",
                                     f"{value!r} is not valid; expected one of {options}.")
    if spec.check is not None and not spec.check(value):
        return spec.default, Problem(where, spec.key, f"{value!r} は使えません。{spec.expected_ja}。",
                                     f"{value!r} is not valid; expected {spec.expected_en}.")
    return value, None


def _read_file(path: Path) -> tuple[dict[str, Any], list[Problem]]:
    where = str(path)
    if not path.exists():
        return {}, []
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        return {}, [Problem(where, "(file)", f"TOML の書式が正しくありません（{exc}）。ファイルを直すか削除してください。",
                            f"the file is not valid TOML ({exc}); fix or delete it.")]
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [Problem(where, "(file)", f"ファイルを読めません（{exc.__class__.__name__}）。権限を確認してください。",
                            f"the file cannot be read ({exc.__class__.__name__}); check its permissions.")]
    problems = [
        Problem(where, key, "不明な設定項目です（無視しました）。綴りを確認してください。",
                "unknown setting (ignored); check the spelling.")
        for key in data if key not in SPEC_BY_KEY
    ]
    return data, problems


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings file and the environment; never raises for bad values."""
    path = path or paths.config_file()
    environ = os.environ if environ is None else environ
    raw, problems = _read_file(path)
    values: dict[str, Any] = {}
    for spec in SPECS:
        if spec.key in raw:
            value, problem = _coerce(spec, raw[spec.key], str(path))
            if problem:
                problems.append(problem)
            values[spec.key] = value
        env_key = ENV_PREFIX + spec.key.upper()
        if env_key in environ:
            value, problem = _coerce(spec, environ[env_key], f"${env_key}")
            if problem:
                problems.append(problem)
            else:
                values[spec.key] = value
    return replace(Settings(**values), source=path, problems=tuple(problems))


def set_value(key: str, raw: str, path: Path | None = None) -> Settings:
    """Validate one value and write it to the settings file; raise ConfigError if invalid."""
    path = path or paths.config_file()
    spec = SPEC_BY_KEY.get(key)
    if spec is None:
        known = ", ".join(SPEC_BY_KEY)
        raise ConfigError(f"設定項目 {key!r} はありません。使える項目: {known}",
                          f"there is no setting {key!r}; known settings: {known}")
    value, problem = _coerce(spec, raw, str(path))
    if problem:
        raise ConfigError(problem.message("ja"), problem.message("en"))
    data, file_problems = _read_file(path)
    if any(p.key == "(file)" for p in file_problems):
        problem = file_problems[0]
        raise ConfigError(problem.message("ja"), problem.message("en"))
    data[key] = value
    try:
        write_settings_dict(data, path)
    except OSError as exc:
        raise ConfigError(
            f"設定ファイル {path} に書き込めません（{exc.__class__.__name__}）。端末全体の設定はOSの管理者として"
            "（管理者として実行したコマンドプロンプトで）変更してください。",
            f"cannot write the settings file {path} ({exc.__class__.__name__}); machine-wide settings are "
            "changed as an OS administrator (an elevated command prompt).") from exc
    return load_settings(path)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    write_settings_dict(settings.as_dict(), path or paths.config_file())


def write_settings_dict(data: Mapping[str, Any], path: Path) -> None:
    """Write the settings file: a per-user file is 0600; a machine-wide one (/etc, ProgramData)
    keeps the mode the installer gave it, or 0644 when new (every user reads it, admins write)."""
    paths.ensure_dir(path.parent)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o600 if path.parent == paths.config_dir() else 0o644
    paths.write_file(path, tomli_w.dumps(dict(data)).encode("utf-8"), mode=mode)


def spec_names() -> list[str]:
    return [f.name for f in fields(Settings) if f.name in SPEC_BY_KEY]
