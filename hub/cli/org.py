"""`hub org show`: the organisation tree and the rooms, as an operator checks them."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select

from hub.cli.common import Subcommands, database, runs, settings
from hub.org.interface import OrgUnit
from hub.rooms.interface import Room


async def show(args: argparse.Namespace) -> int:
    db = database(settings())
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

    def tree(parent: int | None, depth: int) -> None:
        for unit in by_parent.get(parent, []):
            extra = ""
            if unit.trial_group_id:
                extra = f"  (trials: {by_id[unit.trial_group_id].code})"
            if unit.relation:
                extra = f"  ({unit.relation.value})"
            print(f"{'  ' * depth}{unit.code:<22} {unit.kind.value:<16} {unit.name_zh}{extra}")
            tree(unit.id, depth + 1)

    tree(None, 0)
    print(f"\nRooms ({len(rooms)}):")
    for room in rooms:
        where = by_id[room.township_id].code if room.township_id in by_id else "county"
        print(f"  {room.code:<22} {room.kind.value:<20} {where:<18} {room.name_zh}")
    return 0


def add_commands(sub: Subcommands) -> None:
    org = sub.add_parser("org", help="organisation").add_subparsers(dest="org_command", required=True)
    org.add_parser("show", help="print the organisation tree and rooms").set_defaults(func=runs(show))
