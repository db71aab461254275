"""`hub demo`: the demo organisation, staff, rooms, cases and schedule (hub/demo/), as `make run` loads them."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from hub.app import offline_app
from hub.cli.common import Subcommands, database, runs, settings
from hub.demo import loader
from hub.demo.org import DEMO_PASSWORD, demo_users
from hub.org.interface import OrgUnit


async def load(args: argparse.Namespace) -> int:
    config = settings()
    db = database(config)
    try:
        async with db.transaction(write=False) as s:
            has_org = await s.scalar(select(OrgUnit.id).limit(1)) is not None
        if has_org and args.if_empty:
            print("hub: the database already holds data; demo data not loaded")
            return 0
        if not has_org:
            print(f"hub: {await loader.load_organisation(db)}")
        app = await offline_app(config, db)
        for line in await loader.load_history(app, cases_count=args.cases, seed=args.seed, with_schedule=not has_org):
            print(f"hub: {line}")
    finally:
        await db.dispose()
    print(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
    for user in demo_users():
        print(f"  {user.username:<16} {user.display_name}")
    return 0


async def venues(args: argparse.Namespace) -> int:
    """The demo conference's six township venues as bots with a test picture, until the conference ends."""
    from hub.demo.venues import run_venues

    config = settings()
    base = args.url or config.effective_origin
    print(f"hub: the six township venues join the demo conference at {base} (Ctrl-C leaves)")
    await run_venues(
        base.rstrip("/"),
        conference=args.conference,
        only=args.only or None,
        ask_to_speak=None if args.nobody_asks else "balagong1",
        ice_addresses=[a.strip() for a in config.media_addresses.split(",") if a.strip()] or None,
    )
    return 0


def add_commands(sub: Subcommands) -> None:
    p = sub.add_parser("demo", help="load the demo organisation, staff and cases; `hub demo venues` runs the conference bots")
    p.add_argument("--if-empty", action="store_true", help="do nothing when the database already holds data")
    p.add_argument("--cases", type=int, default=400, help="how many demo clues and cases to generate (default 400)")
    p.add_argument("--seed", type=int, default=2017)
    p.set_defaults(func=runs(load))
    what = p.add_subparsers(dest="what", required=False)
    v = what.add_parser(
        "venues",
        help="join the demo conference as its six township venues (bots with a test picture) so the chair's board fills",
    )
    v.add_argument("--url", default="", help="the running hub (default: HUB_PUBLIC_ORIGIN, or http://HUB_HOST:HUB_PORT)")
    v.add_argument("--conference", type=int, default=None, help="the conference id (default: the demo's training conference)")
    v.add_argument("--only", nargs="*", default=[], help="only these township staff, e.g. xini1 balagong1")
    v.add_argument("--nobody-asks", action="store_true", help="no bot asks to speak (by default 巴拉贡镇 asks after 20 s)")
    v.set_defaults(func=runs(venues))
