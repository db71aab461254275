"""`hub migrate`, `hub backup` and `hub settings`: the schema, a consistent copy of the SQLite file, the settings."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys

from hub.cli.common import Subcommands, settings
from hub.migrate import upgrade_blocking
from hub.settings import settings_table


def migrate(args: argparse.Namespace) -> int:
    upgrade_blocking(settings().effective_database_url)
    print("hub: database schema is up to date")
    return 0


def backup(args: argparse.Namespace) -> int:
    """SQLite: a consistent copy through the online backup API (copying the live file with its WAL is not safe)."""
    url = settings().effective_database_url
    if not url.startswith("sqlite"):
        print("hub: the database is PostgreSQL; back it up with pg_dump -Fc", file=sys.stderr)
        return 2
    source = sqlite3.connect(url.split("///", 1)[1])
    # personal data in plaintext: the copy is the hub's user's alone (0600), from its first byte
    os.close(os.open(args.path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(args.path, 0o600)
    target = sqlite3.connect(args.path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    print(f"hub: database copied to {args.path}")
    return 0


def show_settings(args: argparse.Namespace) -> int:
    print("| Variable | Default | Meaning |\n| --- | --- | --- |")
    for name, default, help_text in settings_table():
        print(f"| `{name}` | {('`' + default + '`') if default else ''} | {help_text} |")
    return 0


def add_commands(sub: Subcommands) -> None:
    sub.add_parser("migrate", help="create or upgrade the database schema").set_defaults(func=migrate)
    p = sub.add_parser("backup", help="copy the SQLite database consistently (online backup API)")
    p.add_argument("path")
    p.set_defaults(func=backup)
    sub.add_parser("settings", help="print the settings table (Markdown)").set_defaults(func=show_settings)
