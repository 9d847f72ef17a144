"""One-way publishing (issue 14): the snapshot, the targets against real servers, retries, privacy."""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from madoguchi.config import load_settings
from madoguchi.errors import ConfigError
from madoguchi.queue.publish import (
    LANGUAGES,
    PAGE_FILES,
    STATUS_NAME,
    TEXTS_NAME,
    Publisher,
    load_site,
    load_texts,
    public_snapshot,
    publisher_from_settings,
)
from madoguchi.queue.service import TicketQueue
from madoguchi.queue.targets import FolderTarget, HttpTarget, PublishError, S3Target, open_target, probe
from madoguchi.seed import seed_defaults
from madoguchi.store.db import Database
from madoguchi.store.models import Branch
from tests.queue.helpers import MONDAY_9, Clock
from tests.support.webservers import free_port, http_get, start_nginx, start_s3

SITE_YAML = """
hours: {weekdays: "08:30-17:15", saturday: null, sunday: null}
closed_days: ["01-02"]
max_age_seconds: 120
hint_min_saving_minutes: 10
hint_min_saving_ratio: 0.3
branches:
  honcho: {names: {en: "City hall"}, nearby: [kita, minami]}
  kita: {names: {en: "North branch"}, hours: {weekdays: "08:30-17:15", saturday: "09:00-12:00"}}
  minami: {names: {en: "South branch"}}
services:
  A: {zh: "迁入・迁出"}
"""


def make_office(database: Database, clock: Clock) -> dict[str, TicketQueue]:
    """Three branches on one database: a busy 本庁舎, a quiet 北, a 南 with no counter open."""
    seed_defaults(database, counters=3)
    seed_defaults(database, branch_id="kita", branch_name="北特別出張所", counters=2)
    seed_defaults(database, branch_id="minami", branch_name="南特別出張所", counters=1)
    queues = {b: TicketQueue(database, b, clock=clock) for b in ("honcho", "kita", "minami")}
    for _ in range(12):
        queues["honcho"].issue("A", confirm=True)
        clock.advance(0.5)
    queues["honcho"].issue("B", confirm=True)
    queues["honcho"].call_next(1)  # A-001 at counter 1
    queues["honcho"].open_counter(3)  # handles C and D
    queues["kita"].issue("A", confirm=True)
    queues["kita"].call_next(1)
    queues["kita"].served("A-001")
    queues["kita"].open_counter(1)
    queues["minami"].issue("B", confirm=True)
    return queues


@pytest.fixture
def site(tmp_path: Path):  # noqa: ANN201
    path = tmp_path / "site.yaml"
    path.write_text(SITE_YAML, encoding="utf-8")
    return load_site(path)


@pytest.fixture
def office(database: Database):  # noqa: ANN201
    clock = Clock()
    return make_office(database, clock), clock


def _row(branch: dict, prefix: str) -> dict:
    return next(s for s in branch["services"] if s["prefix"] == prefix)


def test_snapshot_has_what_residents_look_for(database: Database, office, site) -> None:  # noqa: ANN001
    _queues, clock = office
    status = public_snapshot(database, site, clock.now)
    branches = {b["id"]: b for b in status["branches"]}
    assert set(branches) == {"honcho", "kita", "minami"}
    honcho = branches["honcho"]
    assert honcho["open"] and honcho["hours"] == "08:30-17:15"
    assert honcho["names"]["ja"] == "本庁舎" and honcho["names"]["en"] == "City hall"
    a = _row(honcho, "A")
    assert a["calling"] == [["A-001", 1]]
    assert [q[0] for q in a["queue"]] == [f"A-{n:03d}" for n in range(2, 13)]
    assert a["waiting"] == 11 and a["issued"] == 12
    minutes = [q[1] for q in a["queue"]]
    assert minutes == sorted(minutes) and all(q[2] <= q[1] <= q[3] for q in a["queue"])
    assert a["estimate"][1] <= a["estimate"][0] <= a["estimate"][2]
    assert not _row(honcho, "E")["open"] and _row(honcho, "E")["estimate"] is None
    # 北 is quicker for A by far: the hint points there; 南 has no open counter: never suggested
    assert {"prefix": "A", "branch": "kita", "minutes": _row(branches["kita"], "A")["estimate"][0]} in honcho["hints"]
    assert all(h["branch"] != "minami" for b in status["branches"] for h in b["hints"])
    assert status["services"]["A"]["zh"] == "迁入・迁出" and status["services"]["B"]["en"] == "Certificates"
    assert status["generated_at"].startswith("2026-11-23T09:0")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_hours_closed_days_and_weekends(database: Database, office, site) -> None:  # noqa: ANN001
    _queues, clock = office
    saturday = public_snapshot(database, site, clock.now + timedelta(days=5))
    by_id = {b["id"]: b for b in saturday["branches"]}
    assert by_id["honcho"]["hours"] is None and not by_id["honcho"]["open"]
    assert by_id["kita"]["hours"] == "09:00-12:00" and by_id["kita"]["open"]
    evening = public_snapshot(database, site, clock.now + timedelta(hours=9))
    assert not any(b["open"] for b in evening["branches"])
    new_year = MONDAY_9.replace(year=2027, month=1, day=2)
    assert all(b["hours"] is None for b in public_snapshot(database, site, new_year)["branches"])


def test_site_file_problems_name_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "site.yaml"
    bad.write_text("hours: {weekdays: '9-5'}\nbranches: {kita: {nearby: kita, colour: red}}\nmax_age_seconds: -1\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_site(bad)
    text = info.value.message("en")
    for field in ("hours.weekdays", "branches.kita.nearby", "branches.kita.colour", "max_age_seconds"):
        assert f"{bad}: {field}:" in text
    assert load_site().branch("honcho").hours.weekdays == ("08:30", "17:15")  # the shipped file loads


def test_texts_cover_the_lobby_displays_languages() -> None:
    from madoguchi import paths
    from madoguchi.datafile import load_yaml

    display = load_yaml(paths.resource_path("display", "announcements.yaml").read_text(encoding="utf-8"))
    assert tuple(lang["code"] for lang in display["languages"]) == LANGUAGES
    texts = load_texts()
    assert set(texts) == set(LANGUAGES)
    assert len({texts[code]["called"] for code in LANGUAGES}) == 6  # really translated
    for code in LANGUAGES:
        assert "{counter}" in texts[code]["called"] and "{n}" in texts[code]["ahead"]


# -- targets ------------------------------------------------------------------------------


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_folder_target_writes_whole_files_and_reports_a_full_disk(database: Database, office, site,
                                                                   tmp_path: Path) -> None:  # noqa: ANN001
    _queues, clock = office
    folder = tmp_path / "relay" / "madoguchi"
    publisher = Publisher(database, FolderTarget(folder), site=site, clock=lambda: clock.now, watch=False)
    report = publisher.publish_once()
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([STATUS_NAME, TEXTS_NAME, *PAGE_FILES])  # no temp file left behind
    assert report.page_files_sent == 4 and json.loads((folder / STATUS_NAME).read_bytes())["format"] == 1
    assert publisher.publish_once().page_files_sent == 0  # unchanged page: only the snapshot goes
    # a real ENOSPC from the kernel: the temp file is a link to /dev/full
    before = (folder / STATUS_NAME).read_bytes()
    (folder / f".{STATUS_NAME}.{os.getpid()}.tmp").symlink_to("/dev/full")
    with pytest.raises(PublishError) as info:
        publisher.publish_once()
    assert "no space left" in info.value.message("en") and str(folder) in info.value.message("en")
    assert (folder / STATUS_NAME).read_bytes() == before  # the last good snapshot stays whole
    assert not (folder / f".{STATUS_NAME}.{os.getpid()}.tmp").exists()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_http_target_against_nginx_webdav(database: Database, office, site, tmp_path: Path) -> None:  # noqa: ANN001
    queues, clock = office
    nginx = start_nginx(tmp_path / "nginx", tmp_path / "www")
    try:
        target = open_target(nginx.url + "dav/madoguchi")
        assert isinstance(target, HttpTarget)
        assert probe(target) >= 0
        publisher = Publisher(database, target, site=site, clock=lambda: clock.now, watch=False)
        publisher.publish_once()
        status, headers, body = http_get(nginx.url + "madoguchi/status.json")
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        assert json.loads(body)["branches"][0]["id"] == "honcho"
        status, headers, body = http_get(nginx.url + "madoguchi/index.html")
        assert status == 200 and b"page.js" in body and headers["Content-Type"].startswith("text/html")
        # the running publisher keeps the served snapshot current
        queues["kita"].issue("B", confirm=True)
        with Publisher(database, target, site=site, interval=0.5, clock=lambda: clock.now, watch=False):
            assert _wait(lambda: _row(json.loads(http_get(nginx.url + "madoguchi/status.json")[2])["branches"][1],
                                      "B")["waiting"] == 1)
        refused = HttpTarget(nginx.url + "readonly/madoguchi")
        with pytest.raises(PublishError) as info:
            refused.put(STATUS_NAME, b"{}", "application/json", "no-cache")
        assert "HTTP 403" in info.value.message("en") and "credentials" in info.value.message("en")
    finally:
        nginx.stop()


def test_http_target_unreachable_and_slow() -> None:
    closed = HttpTarget(f"http://127.0.0.1:{free_port()}/dav")
    with pytest.raises(PublishError) as info:
        closed.put(STATUS_NAME, b"{}", "application/json", "no-cache")
    assert "cannot reach" in info.value.message("en") and "ConnectionRefusedError" in info.value.message("en")
    with socket.socket() as silent:  # accepts the connection and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        slow = HttpTarget(f"http://127.0.0.1:{silent.getsockname()[1]}/dav", timeout=0.5)
        with pytest.raises(PublishError) as info:
            slow.put(STATUS_NAME, b"{}", "application/json", "no-cache")
    assert "too slow" in info.value.message("en")


def test_credentials_never_in_a_url() -> None:
    with pytest.raises(PublishError):
        open_target("https://user:secret@ward.example/dav")
    target = open_target("https://ward.example/dav", {"MADOGUCHI_PUBLISH_USER": "u", "MADOGUCHI_PUBLISH_PASSWORD": "s3cr3t-pw"})
    assert isinstance(target, HttpTarget) and target.username == "u" and "s3cr3t" not in target.description
    with pytest.raises(PublishError):
        open_target("ftp://ward.example/")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_s3_target_against_a_signature_checking_s3_server(database: Database, office, site) -> None:  # noqa: ANN001
    """moto's S3 server (an emulator, with authentication on) checks each SigV4 signature."""
    _queues, clock = office
    server = start_s3("ward-public")
    try:
        env = {"AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": server.secret_key,
               "AWS_REGION": "ap-northeast-1", "AWS_ENDPOINT_URL": server.endpoint}
        target = open_target("s3://ward-public/madoguchi", env)
        assert isinstance(target, S3Target)
        Publisher(database, target, site=site, clock=lambda: clock.now, watch=False).publish_once()
        status = json.loads(target.get(STATUS_NAME))
        assert {b["id"] for b in status["branches"]} == {"honcho", "kita", "minami"}
        assert b"page.js" in target.get("index.html")
        import boto3

        s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="ap-northeast-1",
                          aws_access_key_id=server.access_key, aws_secret_access_key=server.secret_key)
        head = s3.head_object(Bucket="ward-public", Key="madoguchi/status.json")
        assert head["ContentType"].startswith("application/json") and head["CacheControl"] == "public, max-age=2"
        wrong = open_target("s3://ward-public/madoguchi", env | {"AWS_SECRET_ACCESS_KEY": "not-the-secret"})
        with pytest.raises(PublishError) as info:
            wrong.put(STATUS_NAME, b"{}", "application/json", "no-cache")
        assert "HTTP 403" in info.value.message("en")
        with pytest.raises(PublishError):
            open_target("s3://ward-public/x", {}).put("a", b"", "text/plain", "no-cache")  # no credentials
    finally:
        server.stop()


# -- the running publisher ----------------------------------------------------------------


def _wait(condition, timeout: float = 20.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_publisher_retries_with_clear_log_lines_and_recovers(database: Database, office, site, tmp_path: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    _queues, clock = office
    folder = tmp_path / "share"
    folder.write_text("not a folder", encoding="utf-8")  # the share is not mounted: a file is in the way
    caplog.set_level(logging.INFO, logger="madoguchi.queue.publish")
    publisher = Publisher(database, FolderTarget(folder), site=site, interval=0.2, max_backoff=0.4,
                          clock=lambda: clock.now, watch=False)
    with publisher:
        assert _wait(lambda: publisher.failures >= 2)
        assert publisher.last_error is not None
        folder.unlink()
        assert _wait(lambda: (folder / STATUS_NAME).exists() and publisher.failures == 0)
    lines = [r.getMessage() for r in caplog.records]
    assert any("publishing failed (attempt 1)" in line and "retrying in" in line and str(folder) in line
               for line in lines)
    assert any("works again after" in line for line in lines)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_call_is_published_without_waiting_for_the_interval(database: Database, tmp_path: Path, site) -> None:  # noqa: ANN001
    seed_defaults(database, counters=2)
    queue = TicketQueue(database, "honcho")
    queue.issue("A", confirm=True)
    folder = tmp_path / "out"
    publisher = Publisher(database, FolderTarget(folder), site=site, interval=600)  # only a call can trigger it
    with publisher:
        assert _wait(lambda: (folder / STATUS_NAME).exists())
        assert publisher._thread is not None and publisher._thread is not threading.current_thread()
        time.sleep(1.0)  # the watcher is online
        assert queue.call_next(1) is not None

        def shows_the_call() -> bool:
            honcho = json.loads((folder / STATUS_NAME).read_bytes())["branches"][0]
            return _row(honcho, "A")["calling"] == [["A-001", 1]]

        assert _wait(shows_the_call), "the call never reached status.json"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_app_setting_starts_a_background_publisher(database: Database, tmp_path: Path) -> None:
    from madoguchi.config import set_value

    assert publisher_from_settings(load_settings(), database) is None  # off by default
    set_value("publish_target", str(tmp_path / "out"))
    set_value("publish_in_app", "true")
    set_value("publish_interval", "5")
    publisher = publisher_from_settings(load_settings(), database)
    assert publisher is not None and publisher.interval == 5
    with publisher:
        assert _wait(lambda: (tmp_path / "out" / STATUS_NAME).exists())
        assert publisher._thread.name == "madoguchi-publisher"


def test_cli_publish_once_and_selftest(database_url: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from madoguchi.cli import main

    os.environ["MADOGUCHI_DATABASE_URL"] = database_url
    try:
        assert main(["publish", "--once", "--to", str(tmp_path / "out")]) == 0
        assert "status.json" in capsys.readouterr().out
        assert json.loads((tmp_path / "out" / STATUS_NAME).read_bytes())["branches"][0]["id"] == "honcho"
        assert main(["--lang", "en", "publish", "--selftest", "--to", str(tmp_path / "out")]) == 0
        assert "read back" in capsys.readouterr().out
        assert main(["--lang", "en", "publish", "--once", "--to", "gopher://x"]) != 0
        assert "unknown target scheme" in capsys.readouterr().err
    finally:
        del os.environ["MADOGUCHI_DATABASE_URL"]


# -- privacy ------------------------------------------------------------------------------


def test_no_personal_data_in_any_published_byte(database: Database, tmp_path: Path, site) -> None:
    """A synthetic resident's name, number, birth date and address are in the database's staff
    notes (requeue, priority and out-of-order call reasons) and a staff account; not one published byte may carry them."""
    from madoguchi.privacy.users import Role, create_user
    from tests.data.cards import make_person

    rng = random.Random(1414)
    person = make_person(rng)
    my_number = "".join(str(rng.randint(0, 9)) for _ in range(12))
    name = person.family + person.given
    seed_defaults(database, counters=3)
    with database.session() as session:
        session.add(Branch(id="kita", name="北特別出張所", name_en="North"))
    create_user(database, "clerk7", f"{person.family} 職員", Role.CLERK, "pw-" + my_number,
                check_password=False)
    queue = TicketQueue(database, "honcho")
    ticket = queue.issue("A", confirm=True)
    queue.issue("A", confirm=True)
    queue.call_next(1)
    queue.requeue(ticket, reason=f"{name}様 {my_number} 書類不足")
    queue.prioritise(ticket, f"{name}様（{person.birth.isoformat()}）車いす")
    queue.call(ticket, 1, reason=f"{person.address} の件")
    folder = tmp_path / "published"
    Publisher(database, FolderTarget(folder), site=site, watch=False).publish_once()
    published = b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())
    assert b"A-001" in published  # the ticket label is there: the scan looks at the real snapshot
    secrets = {name, person.family + " " + person.given, my_number, person.birth.isoformat(), person.address,
               person.address[:10], f"{person.family} 職員", "clerk7", "書類不足", "車いす"}
    for secret in secrets:
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in published, f"published bytes carry {secret!r}"
        assert json.dumps(secret).strip('"').encode() not in published  # not even \\u-escaped


def test_selftest_checks_the_target(tmp_path: Path) -> None:
    from madoguchi.config import set_value
    from madoguchi.selftest import Status, check_publish

    assert check_publish(load_settings()).status == Status.OK  # nothing to publish: nothing to check
    set_value("publish_target", str(tmp_path / "out"))
    result = check_publish(load_settings())
    assert result.status == Status.OK and str(tmp_path / "out") in result.detail_en
    assert not list((tmp_path / "out").iterdir())  # the probe file is removed again
    set_value("publish_target", f"http://127.0.0.1:{free_port()}/dav")
    result = check_publish(load_settings())
    assert result.status == Status.NG and "cannot reach" in result.detail_en and "publish_target" in result.fix_en


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_page_needs_nothing_from_elsewhere(tmp_path: Path, database: Database, site) -> None:  # noqa: ANN001
    """No external fonts, scripts, trackers or cookies: every URL in the page is relative."""
    seed_defaults(database)
    folder = tmp_path / "page"
    Publisher(database, FolderTarget(folder), site=site, watch=False).publish_once()
    for name in ("index.html", "page.js", "page.css"):
        text = (folder / name).read_text(encoding="utf-8")
        assert "://" not in text.replace("http-equiv", ""), name
        for word in ("document.cookie", "localStorage", "sessionStorage", "@import", "url(", "navigator.sendBeacon"):
            assert word not in text, (name, word)
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "default-src 'none'" in html and 'name="referrer" content="no-referrer"' in html


def test_the_receipt_qr_carries_the_ticket_in_the_fragment_only() -> None:
    from urllib.parse import urlsplit

    from madoguchi.queue.qr import status_page_url

    url = status_page_url("https://ward.example.jp/madoguchi/", "honcho", ticket_label="A-007")
    parts = urlsplit(url)
    assert parts.fragment == "honcho/A-007" and "A-007" not in parts.path + parts.query
