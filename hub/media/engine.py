"""Every media room of this process, and the settings all their peers share."""

from __future__ import annotations

import asyncio
from typing import Any

from hub.media.room import MediaRoom
from hub.media.slots import SlotLayout

FORWARDING = ("packets", "frames")


class MediaEngine:
    """Owns the rooms; `close()` closes every peer (wire it into the app's cleanup).

    `ice_addresses` are the only host addresses media may use (tests: ["127.0.0.1"]); `ice_servers`
    are browser-style STUN/TURN dicts; `baseline_relay` swaps forwarding for aiortc's `MediaRelay`
    (decode + re-encode per viewer), kept only so the benchmark can compare. `forwarding` is "packets"
    (RTP packets rewritten per viewer, `packets.py`) or "frames" (the earlier path: the receiver's
    assembled frames packetised again by each viewer's sender), kept as a fallback. `repair=False`
    switches off the hub's own NACKs, REMB and keyframe-on-failed-repair upstream (a benchmark's baseline).
    """

    def __init__(
        self,
        *,
        ice_addresses: list[str],
        ice_servers: list[dict[str, Any]] | None = None,
        baseline_relay: bool = False,
        forwarding: str = "packets",
        repair: bool = True,
        layout: SlotLayout | None = None,
    ) -> None:
        if not ice_addresses:
            raise ValueError("media needs at least one ICE address")
        self.ice_addresses = list(ice_addresses)
        self.ice_servers = list(ice_servers or [])
        self.baseline_relay = baseline_relay
        if forwarding not in FORWARDING:
            raise ValueError(f"forwarding must be one of {FORWARDING}, not {forwarding!r}")
        self.forwarding = forwarding
        self.repair = repair
        self.layout = layout or SlotLayout()
        self.rooms: dict[str, MediaRoom] = {}
        self.closing: set[asyncio.Future[None]] = set()  # peer connections still shutting down

    def room(self, room_id: str) -> MediaRoom:
        """The room's media, opened on first use."""
        room = self.rooms.get(room_id)
        if room is None:
            room = self.rooms[room_id] = MediaRoom(self, room_id, self.layout)
        return room

    async def close_room(self, room_id: str) -> None:
        room = self.rooms.pop(room_id, None)
        if room is not None:
            await room.close()

    async def close(self) -> None:
        for room_id in list(self.rooms):
            await self.close_room(room_id)
        while self.closing:
            await asyncio.gather(*self.closing, return_exceptions=True)
