"""``madoguchi publish``: send the congestion snapshot and the public page out of the closed segment."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from madoguchi.cli._common import language_for, open_configured_database, settings_for


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "publish", help="publish the congestion page as static files to a folder, WebDAV server or S3 bucket",
        description="Write status.json and the public page (HTML/JS/CSS, no server code) to TARGET every "
                    "--interval seconds and soon after each call: a folder (written atomically: temp file then "
                    "rename), an http(s):// URL that accepts PUT (WebDAV), or s3://bucket/prefix (SigV4; "
                    "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL). Only sends: "
                    "nothing connects into this machine. HTTP credentials: MADOGUCHI_PUBLISH_USER / "
                    "MADOGUCHI_PUBLISH_PASSWORD.")
    parser.add_argument("--to", dest="target", default=None,
                        help="folder, http(s)://… or s3://bucket/prefix (default: the publish_target setting)")
    parser.add_argument("--interval", type=float, default=None,
                        help="seconds between snapshots (default: the publish_interval setting, 2)")
    parser.add_argument("--once", action="store_true", help="publish one snapshot and exit")
    parser.add_argument("--selftest", action="store_true",
                        help="check the target (write, read back, delete a small file) and exit")
    parser.add_argument("--site", default=None, help="site.yaml with hours, neighbours and names "
                                                     "(default: the publish_site setting or the shipped one)")
    parser.set_defaults(func=_publish)


def _publish(args: argparse.Namespace) -> int:
    from madoguchi.queue.publish import Publisher, load_site
    from madoguchi.queue.targets import open_target, probe

    settings = settings_for(args)
    english = language_for(args) != "ja"
    target = open_target(args.target or settings.publish_target)
    if args.selftest:
        seconds = probe(target)
        print(f"OK {target.description}: " + (f"write, read back and delete took {seconds:.2f} s" if english
                                              else f"書込み・読戻し・削除 {seconds:.2f} 秒"))
        return 0
    site_file = args.site or settings.publish_site
    site = load_site(Path(site_file)) if site_file else load_site()
    interval = args.interval if args.interval is not None else settings.publish_interval
    database = open_configured_database(args)
    publisher = Publisher(database, target, site=site, interval=interval)
    try:
        if args.once:
            report = publisher.publish_once()
            print(f"{target.description}: status.json {report.status_bytes} bytes, "
                  f"{report.page_files_sent} page files", flush=True)
            return 0
        print(f"publishing to {target.description} every {publisher.interval:g} s (Ctrl-C to stop)", flush=True)
        publisher.start()
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        publisher.stop()
        database.dispose()
