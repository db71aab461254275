"""What every command shares: the settings, the database, running a coroutine, the operator at the keyboard."""

from __future__ import annotations

import argparse
import asyncio
import getpass
from collections.abc import Callable, Coroutine
from typing import Any

from hub.access.actor import Actor, command_line_operator
from hub.db import Database
from hub.settings import Settings

Command = Callable[[argparse.Namespace], int]
# `parser.add_subparsers()` returns this private type; commands only call its add_parser
Subcommands = Any


def settings() -> Settings:
    return Settings()


def database(config: Settings) -> Database:
    return Database(config.effective_database_url)


def run(factory: Callable[[], Coroutine[Any, Any, int]]) -> int:
    return asyncio.run(factory())


def runs(command: Callable[[argparse.Namespace], Coroutine[Any, Any, int]]) -> Command:
    """An async command as argparse calls it."""
    return lambda args: run(lambda: command(args))


def operator() -> Actor:
    """Whoever runs the command on the server: an administrator of accounts, never of case content."""
    return command_line_operator(getpass.getuser())
