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


def add_commands(sub: Subcommands) -> None:
    p = sub.add_parser("demo", help="load the demo organisation, staff and cases")
    p.add_argument("--if-empty", action="store_true", help="do nothing when the database already holds data")
    p.add_argument("--cases", type=int, default=400, help="how many demo clues and cases to generate (default 400)")
    p.add_argument("--seed", type=int, default=2017)
    p.set_defaults(func=runs(load))
