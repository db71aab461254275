"""The `hub` command: serve, migrate, demo data, accounts, organisation, audit."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy import select

from hub.access.roles import Role
from hub.rooms import tls
from hub.settings import Settings


def _settings() -> Settings:
    return Settings()


def _database(settings: Settings) -> Any:
    from hub.db import Database

    return Database(settings.effective_database_url)


def _run(factory: Callable[[], Coroutine[Any, Any, int]]) -> int:
    return asyncio.run(factory())


# --- serve -----------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from hub import logs
    from hub.app import create_app

    settings = _settings()
    if args.host:
        settings.host = args.host
    if args.port:
        settings.port = args.port
    logs.configure(json=settings.log_json, level=settings.log_level)
    app = create_app(settings)
    print(
        f"hub: serving on http://{settings.host}:{settings.port} (database: {_redact(settings.effective_database_url)})",
        flush=True,
    )
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None)
    return 0


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}" if ":" in creds else url
    return url


# --- migrate ---------------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> int:
    from hub.migrate import upgrade_blocking

    settings = _settings()
    upgrade_blocking(settings.effective_database_url)
    print("hub: database schema is up to date")
    return 0


# --- demo ------------------------------------------------------------------------------------


async def _demo(args: argparse.Namespace) -> int:
    from hub.auth.passwords import hash_password
    from hub.cases import demo as cases_demo
    from hub.clock import Clock
    from hub.demo import org as demo_org
    from hub.org.interface import OrgUnit
    from hub.rooms import demo as rooms_demo
    from hub.schedule import demo as schedule_demo

    settings = _settings()
    db = _database(settings)
    try:
        async with db.transaction(write=False) as s:
            has_org = await s.scalar(select(OrgUnit.id).limit(1)) is not None
        if has_org and args.if_empty:
            print("hub: the database already holds data; demo data not loaded")
            return 0
        if not has_org:
            now = Clock().now()
            pw_hash = await hash_password(demo_org.DEMO_PASSWORD)
            async with db.transaction() as s:
                counts = await demo_org.load(s, password_hash=pw_hash, now=now)
                rooms = await rooms_demo.load_demo(s, now)
            print(f"hub: demo organisation loaded: {counts}; rooms: {rooms}")
            if args.cases > 0:
                result = await cases_demo.generate(db, args.cases, seed=args.seed, now=now)
                print(f"hub: demo cases: {result}")
            async with db.transaction() as s:
                schedule = await schedule_demo.load_demo(s, now)
            codes = schedule.get("booking_codes") if isinstance(schedule, dict) else None
            print(f"hub: demo schedule loaded; kiosk receipt codes of the demo bookings: {codes}")
        elif args.cases > 0:
            result = await cases_demo.generate(db, args.cases, seed=args.seed, now=Clock().now())
            print(f"hub: demo cases: {result}")
    finally:
        await db.dispose()
    _print_demo_sign_ins()
    return 0


def _print_demo_sign_ins() -> None:
    from hub.demo.org import DEMO_PASSWORD, demo_users

    print(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
    for user in demo_users():
        print(f"  {user.username:<16} {user.display_name}")


def cmd_demo(args: argparse.Namespace) -> int:
    return _run(lambda: _demo(args))


# --- users -----------------------------------------------------------------------------------


def _operator() -> Any:
    from hub.access.actor import command_line_operator

    return command_line_operator(getpass.getuser())


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("hub: the passwords differ")
    return first


async def _user_add(args: argparse.Namespace) -> int:
    from hub.access.policy import Policy
    from hub.auth import accounts
    from hub.auth.interface import User
    from hub.auth.rules import UserRule
    from hub.clock import Clock
    from hub.errors import HubError
    from hub.org.interface import OrgUnit

    password = _read_password(args)
    db = _database(_settings())
    policy = Policy()
    policy.register(User, UserRule())
    try:
        async with db.transaction() as s:
            codes = [c for c in [args.unit, *args.portfolio] if c]
            found = {u.code: u.id for u in (await s.scalars(select(OrgUnit).where(OrgUnit.code.in_(codes)))).all()}
            if missing := [c for c in codes if c not in found]:
                print(f"hub: no unit with code {', '.join(missing)} (see `hub org show`)", file=sys.stderr)
                return 2
            user = await accounts.create_user(
                s,
                policy,
                _operator(),
                username=args.username,
                display_name=args.name or args.username,
                password=password,
                role=Role(args.role),
                org_unit_id=found.get(args.unit) if args.unit else None,
                portfolio=[found[c] for c in args.portfolio],
                now=Clock().now(),
            )
        print(f"hub: user {user.username} added (id {user.id})")
        return 0
    except HubError as exc:
        detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        print(f"hub: {exc.message} {detail}".rstrip(), file=sys.stderr)
        return 2
    finally:
        await db.dispose()


async def _user_disable(args: argparse.Namespace) -> int:
    from hub.access.policy import Policy
    from hub.auth import accounts
    from hub.auth.interface import User
    from hub.auth.rules import UserRule
    from hub.clock import Clock

    db = _database(_settings())
    policy = Policy()
    policy.register(User, UserRule())
    try:
        async with db.transaction() as s:
            user = await s.scalar(select(User).where(User.username == args.username.lower()))
            if user is None:
                print(f"hub: no user {args.username}", file=sys.stderr)
                return 2
            await accounts.update_user(
                s, policy, _operator(), user.id, version=user.version, changes={"disabled": True}, now=Clock().now()
            )
        print(f"hub: user {args.username} disabled; their sessions ended")
        return 0
    finally:
        await db.dispose()


async def _user_list(args: argparse.Namespace) -> int:
    from hub.auth.interface import User
    from hub.org.interface import OrgUnit

    db = _database(_settings())
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


# --- organisation ----------------------------------------------------------------------------


async def _org_show(args: argparse.Namespace) -> int:
    from hub.org.interface import OrgUnit
    from hub.rooms.interface import Room

    db = _database(_settings())
    try:
        async with db.transaction(write=False) as s:
            units = (await s.scalars(select(OrgUnit).order_by(OrgUnit.ordinal, OrgUnit.code))).all()
            rooms = (await s.scalars(select(Room).order_by(Room.code))).all()
    finally:
        await db.dispose()
    by_parent: dict[int | None, list[Any]] = {}
    by_id = {u.id: u for u in units}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)

    def show(parent: int | None, depth: int) -> None:
        for unit in by_parent.get(parent, []):
            extra = ""
            if unit.trial_group_id:
                extra = f"  (trials: {by_id[unit.trial_group_id].code})"
            if unit.relation:
                extra = f"  ({unit.relation.value})"
            print(f"{'  ' * depth}{unit.code:<22} {unit.kind.value:<16} {unit.name_zh}{extra}")
            show(unit.id, depth + 1)

    show(None, 0)
    print(f"\nRooms ({len(rooms)}):")
    for room in rooms:
        where = by_id[room.township_id].code if room.township_id in by_id else "county"
        print(f"  {room.code:<22} {room.kind.value:<20} {where:<18} {room.name_zh}")
    return 0


# --- audit -----------------------------------------------------------------------------------


async def _audit_verify(args: argparse.Namespace) -> int:
    from hub import audit

    db = _database(_settings())
    try:
        async with db.transaction(write=False) as s:
            result = await audit.verify(s)
    finally:
        await db.dispose()
    print(result.message())
    return 0 if result.ok else 1


async def _store_verify(args: argparse.Namespace) -> int:
    from hub.rooms.recording.verify import verify_recordings
    from hub.store.interface import EvidenceStore
    from hub.store.verify import verify_store

    settings = _settings()
    db = _database(settings)
    try:
        store = await EvidenceStore.open(settings.var_dir, master_key_b64=settings.master_key)
        async with db.transaction(write=False) as s:
            report = await verify_store(store, s)
            report.failures.extend(await verify_recordings(s, store))
    finally:
        await db.dispose()
    for failure in report.failures:
        print(f"FAILED {failure}")
    for file_id in report.unfinished:
        print(f"unfinished {file_id} (being written, or waiting for recovery at the next start)")
    verdict = "ok" if report.ok else "FAILED"
    print(f"{verdict}: {report.checked} files checked, {len(report.failures)} failed, {len(report.unfinished)} unfinished")
    return 0 if report.ok else 1


# --- probe ---------------------------------------------------------------------------------


async def _probe(args: argparse.Namespace) -> int:
    """Check a media path end to end: join with a synthetic clip and count what flows each way.

    With a ROOM (a live room's signaling id, e.g. session-12) the probe joins it as an extra interviewer and
    needs someone else sending. Without one, two probes meet in a fresh room of their own.
    """
    import secrets as pysecrets

    from hub.app import _secret
    from hub.rooms.tokens import issue_token
    from hub.signaling.client import print_probe, probe

    settings = _settings()
    secret = _secret(settings)
    url = args.url or settings.effective_origin.replace("http", "ws", 1) + "/ws"
    ice = [args.ice_address] if args.ice_address else None

    def token(room: str, who: str) -> str:
        return issue_token(secret, room=room, participant=who, name="线路检测 probe", role="interviewer", ttl_seconds=120)

    if args.room:
        result = await probe(url, token(args.room, f"probe-{pysecrets.token_hex(4)}"), args.room,
                             seconds=args.seconds, origin=settings.effective_origin, ice_addresses=ice)  # fmt: skip
        return print_probe(result)
    room = f"probe-{pysecrets.token_hex(6)}"
    origin = settings.effective_origin
    results = await asyncio.gather(
        *(
            probe(url, token(room, f"{room}-{side}"), room, seconds=args.seconds, origin=origin, ice_addresses=ice)
            for side in "ab"
        )
    )
    codes = []
    for side, result in zip("ab", results, strict=True):
        print(f"probe {side}:")
        codes.append(print_probe(result))
    return max(codes)


# --- backup --------------------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace) -> int:
    """SQLite: a consistent copy through the online backup API (copying the live file with its WAL is not safe)."""
    import sqlite3

    settings = _settings()
    url = settings.effective_database_url
    if not url.startswith("sqlite"):
        print("hub: the database is PostgreSQL; back it up with pg_dump -Fc", file=sys.stderr)
        return 2
    source = sqlite3.connect(url.split("///", 1)[1])
    target = sqlite3.connect(args.path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    print(f"hub: database copied to {args.path}")
    return 0


# --- settings --------------------------------------------------------------------------------


def cmd_settings(args: argparse.Namespace) -> int:
    from hub.settings import settings_table

    print("| Variable | Default | Meaning |\n| --- | --- | --- |")
    for name, default, help_text in settings_table():
        print(f"| `{name}` | {('`' + default + '`') if default else ''} | {help_text} |")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hub", description="The county commission's remote interview and petition hub.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="serve the hub")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    tls.add_arguments(p)
    p.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="create or upgrade the database schema").set_defaults(func=cmd_migrate)

    p = sub.add_parser("demo", help="load the demo organisation, staff and cases")
    p.add_argument("--if-empty", action="store_true", help="do nothing when the database already holds data")
    p.add_argument("--cases", type=int, default=400, help="how many demo clues and cases to generate (default 400)")
    p.add_argument("--seed", type=int, default=2017)
    p.set_defaults(func=cmd_demo)

    user = sub.add_parser("user", help="staff accounts").add_subparsers(dest="user_command", required=True)
    p = user.add_parser("add", help="add a staff account")
    p.add_argument("username")
    p.add_argument("--name", help="display name")
    p.add_argument(
        "--role",
        required=True,
        choices=["main_leader", "deputy_leader", "office_staff", "group_staff", "township_staff", "admin"],
    )
    p.add_argument("--unit", help="code of the office, joint group or township (see `hub org show`)")
    p.add_argument("--portfolio", nargs="*", default=[], help="deputy leaders: codes of the units they oversee")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=lambda a: _run(lambda: _user_add(a)))
    p = user.add_parser("disable", help="disable an account and end its sessions")
    p.add_argument("username")
    p.set_defaults(func=lambda a: _run(lambda: _user_disable(a)))
    user.add_parser("list", help="list accounts").set_defaults(func=lambda a: _run(lambda: _user_list(a)))

    org = sub.add_parser("org", help="organisation").add_subparsers(dest="org_command", required=True)
    org.add_parser("show", help="print the organisation tree and rooms").set_defaults(func=lambda a: _run(lambda: _org_show(a)))

    aud = sub.add_parser("audit", help="audit log").add_subparsers(dest="audit_command", required=True)
    aud.add_parser("verify", help="walk the hash chain").set_defaults(func=lambda a: _run(lambda: _audit_verify(a)))

    st = sub.add_parser("store", help="evidence store").add_subparsers(dest="store_command", required=True)
    st.add_parser("verify", help="check every stored file against its manifest and the audit chain").set_defaults(
        func=lambda a: _run(lambda: _store_verify(a))
    )

    p = sub.add_parser("probe", help="check that media flows through the hub end to end")
    p.add_argument("room", nargs="?", help="a live room's signaling id (e.g. session-12); empty: two probes meet in a fresh room")
    p.add_argument("--url", help="the hub's WebSocket, e.g. wss://hub.county.internal/ws (default: from HUB_PUBLIC_ORIGIN)")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--ice-address", help="this machine's address for media (default: the hub's media address setting)")
    p.set_defaults(func=lambda a: _run(lambda: _probe(a)))

    p = sub.add_parser("backup", help="copy the SQLite database consistently (online backup API)")
    p.add_argument("path")
    p.set_defaults(func=cmd_backup)

    sub.add_parser("settings", help="print the settings table (Markdown)").set_defaults(func=cmd_settings)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
