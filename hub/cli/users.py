"""`hub user add|disable|list`: staff accounts from the server's console, through the same rules as the pages."""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.roles import Role
from hub.app import offline_app
from hub.auth.interface import User, accounts
from hub.cli.common import Subcommands, database, operator, runs, settings
from hub.errors import HubError
from hub.http.keys import CLOCK, POLICY
from hub.org.interface import OrgUnit


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("hub: the passwords differ")
    return first


async def _named(s: AsyncSession, username: str) -> User | None:
    """The account of that user name, or None after saying there is none."""
    user = await s.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        print(f"hub: no user {username}", file=sys.stderr)
    return user


async def add(args: argparse.Namespace) -> int:
    password = _read_password(args)
    config = settings()
    db = database(config)
    try:
        app = await offline_app(config, db)
        async with db.transaction() as s:
            codes = [c for c in [args.unit, *args.portfolio] if c]
            found = {u.code: u.id for u in (await s.scalars(select(OrgUnit).where(OrgUnit.code.in_(codes)))).all()}
            if missing := [c for c in codes if c not in found]:
                print(f"hub: no unit with code {', '.join(missing)} (see `hub org show`)", file=sys.stderr)
                return 2
            user = await accounts.create_user(
                s, app[POLICY], operator(),
                username=args.username, display_name=args.name or args.username, password=password,
                role=Role(args.role), org_unit_id=found.get(args.unit) if args.unit else None,
                portfolio=[found[c] for c in args.portfolio], now=app[CLOCK].now(),
            )  # fmt: skip
        print(f"hub: user {user.username} added (id {user.id})")
        return 0
    except HubError as exc:
        detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        print(f"hub: {exc.message} {detail}".rstrip(), file=sys.stderr)
        return 2
    finally:
        await db.dispose()


async def disable(args: argparse.Namespace) -> int:
    config = settings()
    db = database(config)
    try:
        app = await offline_app(config, db)
        async with db.transaction() as s:
            user = await _named(s, args.username)
            if user is None:
                return 2
            await accounts.update_user(
                s, app[POLICY], operator(), user.id, version=user.version, changes={"disabled": True}, now=app[CLOCK].now()
            )
        print(f"hub: user {args.username} disabled; their sessions ended")
        return 0
    finally:
        await db.dispose()


async def enrolment(args: argparse.Namespace) -> int:
    """A one-time key enrolment code for an account (a newcomer, a lost key): printed once, handed over in person."""
    from hub.auth.interface import issue_enrolment_code

    config = settings()
    db = database(config)
    try:
        app = await offline_app(config, db)
        async with db.transaction() as s:
            user = await _named(s, args.username)
            if user is None:
                return 2
            code, until = await issue_enrolment_code(s, app, operator(), user.id)
        print(f"hub: one-time enrolment code for {user.username}: {code} (valid until {until:%Y-%m-%d %H:%M} UTC)")
        print("hub: hand it over in person or read it out by telephone; it is shown only this once")
        return 0
    finally:
        await db.dispose()


async def listing(args: argparse.Namespace) -> int:
    db = database(settings())
    try:
        async with db.transaction(write=False) as s:
            units = {u.id: u for u in (await s.scalars(select(OrgUnit))).all()}
            users = (await s.scalars(select(User).order_by(User.username))).all()
        for user in users:
            unit = units[user.org_unit_id].code if user.org_unit_id in units else "-"
            state = "disabled" if user.disabled else "active"
            print(f"{user.username:<18} {user.role.value:<15} {unit:<24} {state:<9} {user.display_name}")
        return 0
    finally:
        await db.dispose()


def add_commands(sub: Subcommands) -> None:
    user = sub.add_parser("user", help="staff accounts").add_subparsers(dest="user_command", required=True)
    p = user.add_parser("add", help="add a staff account")
    p.add_argument("username")
    p.add_argument("--name", help="display name")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--unit", help="code of the office, joint group or township (see `hub org show`)")
    p.add_argument("--portfolio", nargs="*", default=[], help="deputy leaders: codes of the units they oversee")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=runs(add))
    p = user.add_parser("disable", help="disable an account and end its sessions")
    p.add_argument("username")
    p.set_defaults(func=runs(disable))
    user.add_parser("list", help="list accounts").set_defaults(func=runs(listing))
    p = user.add_parser("enrolment", help="issue a one-time key enrolment code (printed once)")
    p.add_argument("username")
    p.set_defaults(func=runs(enrolment))
