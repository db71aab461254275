"""The `hub` command: one module per domain, each adding its subcommands to one parser."""

from __future__ import annotations

import argparse
import os

from hub.cli import database, demo, keys, nodes, org, probe, report, serve, users, verify

DOMAINS = (serve, nodes, database, demo, users, keys, org, verify, probe, report)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hub", description="The county commission's remote interview and petition hub.")
    sub = parser.add_subparsers(dest="command", required=True)
    for domain in DOMAINS:
        domain.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    result: int = args.func(args)
    return result
