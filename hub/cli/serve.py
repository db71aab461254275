"""`hub serve`: the hub on one address, with TLS when asked."""

from __future__ import annotations

import argparse

from aiohttp import web

from hub import logs
from hub.app import create_app
from hub.cli import tls
from hub.cli.common import Subcommands, settings


def redact(url: str) -> str:
    """A database URL fit for a log line: the password replaced."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}" if ":" in creds else url
    return url


def serve(args: argparse.Namespace) -> int:
    config = settings()
    if args.host:
        config.host = args.host
    if args.port:
        config.port = args.port
    if args.workers > 1:
        from hub.cli.nodes import serve_workers

        return serve_workers(args, config, args.workers)
    made = tls.context_from_args(args, config.var_dir, config.host)
    logs.configure(json=config.log_json, level=config.log_level)
    app = create_app(config)
    scheme = "https" if made else "http"
    print(
        f"hub: serving on {scheme}://{config.host}:{config.port} (database: {redact(config.effective_database_url)})", flush=True
    )
    if config.public_origin:
        print(f"hub: open {config.effective_origin} (security keys need this host name, not a bare IP)", flush=True)
    if made is not None:
        print(f"hub: TLS certificate {made[1].cert} (SHA-256 fingerprint {made[1].fingerprint})", flush=True)
    ssl_context = made[0] if made else None
    web.run_app(app, host=config.host, port=config.port, ssl_context=ssl_context, print=None, access_log=None)
    return 0


def add_commands(sub: Subcommands) -> None:
    p = sub.add_parser("serve", help="serve the hub")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="run this many processes on consecutive ports from --port, one per core (HUB_BUS=redis; see hub node)",
    )
    tls.add_arguments(p)
    p.set_defaults(func=serve)
