"""`hub probe`: check a media path end to end, joining with a synthetic clip and counting what flows each way."""

from __future__ import annotations

import argparse
import asyncio
import secrets

from hub.app import app_secret
from hub.cli.common import Subcommands, runs, settings
from hub.clock import Clock
from hub.rooms.interface import issue_token
from hub.signaling.interface import print_probe, probe


async def check(args: argparse.Namespace) -> int:
    """With a ROOM (a live room's signaling id, e.g. session-12) the probe joins it as an extra interviewer and
    needs someone else sending. Without one, two probes meet in a fresh room of their own."""
    config = settings()
    secret = app_secret(config)
    url = args.url or config.effective_origin.replace("http", "ws", 1) + "/ws"
    ice = [args.ice_address] if args.ice_address else None
    origin = config.effective_origin

    def token(room: str, who: str) -> str:
        return issue_token(
            secret, room=room, participant=who, name="线路检测 probe", role="interviewer", ttl_seconds=120,
            now=Clock().now().timestamp(),
        )  # fmt: skip

    if args.room:
        result = await probe(url, token(args.room, f"probe-{secrets.token_hex(4)}"), args.room,
                             seconds=args.seconds, origin=origin, ice_addresses=ice)  # fmt: skip
        return print_probe(result)
    room = f"probe-{secrets.token_hex(6)}"
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


def add_commands(sub: Subcommands) -> None:
    p = sub.add_parser("probe", help="check that media flows through the hub end to end")
    p.add_argument("room", nargs="?", help="a live room's signaling id (e.g. session-12); empty: two probes meet in a fresh room")
    p.add_argument("--url", help="the hub's WebSocket, e.g. wss://hub.county.internal/ws (default: from HUB_PUBLIC_ORIGIN)")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--ice-address", help="this machine's address for media (default: the hub's media address setting)")
    p.set_defaults(func=runs(check))
