"""The published page as residents see it: plain nginx serving the published folder, real headless Chromium."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from madoguchi.queue.model import utcnow
from madoguchi.queue.publish import LANGUAGES, Publisher, load_site, load_texts
from madoguchi.queue.targets import FolderTarget
from tests.queue.helpers import Clock
from tests.queue.test_publish import make_office
from tests.support.requirements import require_executable
from tests.support.webservers import start_nginx

pytestmark = [pytest.mark.chromium, pytest.mark.slow,
              pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]

PHONE = "390,844"
#: open all day, every day: what the page shows must not depend on when the test runs
ALWAYS_OPEN_SITE = """
hours: {weekdays: "00:00-23:59", saturday: "00:00-23:59", sunday: "00:00-23:59"}
closed_days: []
branches:
  honcho: {names: {en: "City hall"}, nearby: [kita, minami]}
  kita: {names: {en: "North branch"}}
  minami: {names: {en: "South branch"}}
services:
  A: {zh: "迁入・迁出"}
"""


def _chromium(url: str, user_data: Path, *args: str) -> subprocess.CompletedProcess:
    chromium = require_executable("chromium")
    return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           "--hide-scrollbars", f"--user-data-dir={user_data}", "--virtual-time-budget=4000",
                           *args, url], capture_output=True, text=True, timeout=90, check=False)


def _dom(url: str, tmp_path: Path) -> str:
    result = _chromium(url, tmp_path / "profile-dom", "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    return html.unescape(result.stdout)


def _shot(url: str, tmp_path: Path, path: Path, size: str = PHONE) -> None:
    path.unlink(missing_ok=True)
    result = _chromium(url, tmp_path / "profile-shot", f"--window-size={size}", f"--screenshot={path}")
    assert result.returncode == 0 and path.stat().st_size > 10_000, result.stderr[-2000:]


@pytest.fixture
def published(database, tmp_path: Path):  # noqa: ANN001, ANN201
    """A live snapshot of three branches published to a folder that plain nginx serves."""
    site_file = tmp_path / "site.yaml"
    site_file.write_text(ALWAYS_OPEN_SITE, encoding="utf-8")
    clock = Clock(utcnow() - timedelta(minutes=8))
    make_office(database, clock)
    clock.now = utcnow()  # the snapshot is fresh; the tickets were issued over the last minutes
    root = tmp_path / "www"
    publisher = Publisher(database, FolderTarget(root / "madoguchi"), site=load_site(site_file),
                          clock=lambda: clock.now, watch=False)
    publisher.publish_once()
    nginx = start_nginx(tmp_path / "nginx", root)
    try:
        yield nginx.url + "madoguchi/", publisher, clock
    finally:
        nginx.stop()


def test_every_branch_calls_and_estimates(published, tmp_path: Path, results_dir: Path) -> None:  # noqa: ANN001
    url, _publisher, _clock = published
    dom = _dom(url + "?lang=ja", tmp_path)
    assert len(re.findall(r'<section class="branch[^"]*" id="b-', dom)) == 3
    index = dom[dom.find('<nav id="index"'):][:400]
    assert index.startswith('<nav id="index" aria-label="拠点一覧"><a class="open" href="#b-honcho">本庁舎 <b>12人</b>'), index
    for text in ("本庁舎", "北特別出張所", "南特別出張所", "住民異動", "A-001（1番）", "受付停止中", "約"):
        assert text in dom, text
    assert "住民異動は北特別出張所の方が空いています（待ちなし）" in dom  # the least-waiting-nearby hint
    assert "情報の更新が止まっています" not in dom and "接続できません" not in dom
    _shot(url + "?lang=ja", tmp_path, results_dir / "publish-page-ja-phone.png")
    _shot(url + "?lang=en", tmp_path, results_dir / "publish-page-en-desktop.png", "1024,900")


def test_your_number_waiting_and_called(published, tmp_path: Path, results_dir: Path) -> None:  # noqa: ANN001
    url, _publisher, _clock = published
    waiting = _dom(url + "?lang=en#honcho/A-005", tmp_path)
    assert "Your number A-005" in waiting and "3 ahead of you" in waiting and "Called in about" in waiting
    called = _dom(url + "?lang=ja#honcho/A-001", tmp_path)
    assert "お呼びしています" in called and "1番窓口へお越しください" in called and 'role="alert"' in called
    finished = _dom(url + "?lang=en#kita/A-001", tmp_path)
    assert "already been called" in finished
    unknown = _dom(url + "?lang=en#honcho/Z-999", tmp_path)
    assert "was not found" in unknown
    _shot(url + "?lang=en#honcho/A-005", tmp_path, results_dir / "publish-page-your-number-en.png")
    _shot(url + "?lang=ja#honcho/A-001", tmp_path, results_dir / "publish-page-called-ja.png")


def test_each_language(published, tmp_path: Path, results_dir: Path) -> None:  # noqa: ANN001
    url, _publisher, _clock = published
    texts = load_texts()
    for code in LANGUAGES:
        dom = _dom(f"{url}?lang={code}#honcho/A-001", tmp_path)
        assert f'<html lang="{code}"' in dom
        assert texts[code]["title"] in dom and texts[code]["called"].replace("{counter}", "1") in dom, code
        assert texts[code]["col_waiting"] in dom, code
        _shot(f"{url}?lang={code}#honcho/A-001", tmp_path, results_dir / f"publish-page-{code}.png")


def test_a_stale_snapshot_says_so_and_hides_estimates(published, tmp_path: Path, results_dir: Path) -> None:  # noqa: ANN001
    url, publisher, clock = published
    clock.now -= timedelta(minutes=15)  # the publisher stopped 15 minutes ago
    publisher.publish_once()
    dom = _dom(url + "?lang=ja#honcho/A-005", tmp_path)
    assert "情報の更新が止まっています" in dom
    assert "約" not in dom.split("<footer")[0], "an estimate older than max_age_seconds is shown"
    assert "あなたの前に3人" in dom  # the place in line is still shown, dated by the banner
    _shot(url + "?lang=ja#honcho/A-005", tmp_path, results_dir / "publish-page-stale-ja.png")
