"""``madoguchi serve``: the public congestion page (read-only JSON + HTML)."""

from __future__ import annotations

import argparse

from madoguchi.cli._common import open_configured_database, settings_for


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve", help="serve the public congestion page (/api/status and an HTML page)",
        description="Serve the read-only congestion page for the ward's website and phones: /api/status (JSON: "
                    "waiting counts and estimated waits per branch and service, no personal data) and / (HTML, "
                    "Japanese and English). Binds only the given address.")
    parser.add_argument("--host", default=None, help="address to bind (default: the public_host setting, 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default: the public_port setting, 8080)")
    parser.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    from madoguchi.queue.web import make_server

    settings = settings_for(args)
    database = open_configured_database(args)
    server = make_server(database, args.host or settings.public_host,
                         args.port if args.port is not None else settings.public_port,
                         trusted_proxies=settings.public_trusted_proxies)
    print(f"serving {server.url} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        database.dispose()
    return 0
