"""The hub's nodes and which room lives on which (HUB_BUS=redis).

Every node writes its load (rooms, participants, publishers, CPU) to Redis each heartbeat under a key that expires
after three heartbeats: a node whose key is gone is dead. A room is placed on a node at its first join, on the
least loaded live node that is not draining, and the choice is written to Redis (`<ns>:room:<id>`) so that every
process sends that room's sockets to the same node. The placement is an atomic compare-and-set (a Lua script): two
processes that place the same room at once agree on one node, and a room whose node died is moved only once.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

# KEYS[1] the room's key; ARGV[1] the key prefix of nodes; ARGV[2] the node to place it on ('' = do not place);
# returns {node, previous} where previous is the dead node it was moved from ('' if none)
_PLACE = """
local current = redis.call('GET', KEYS[1])
if current and redis.call('EXISTS', ARGV[1] .. current) == 1 then return {current, ''} end
if ARGV[2] == '' then return {'', current or ''} end
redis.call('SET', KEYS[1], ARGV[2])
return {ARGV[2], current or ''}
"""
# KEYS[1] the room's key; ARGV[1] the node letting it go
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass
class NodeInfo:
    id: str
    rooms: dict[str, int] = field(default_factory=dict)  # room -> participants
    publishers: int = 0
    cpu: float = 0.0  # share of one core over the last heartbeat
    draining: bool = False
    pid: int = 0
    at: float = 0.0
    sockets: int = 0  # browsers' WebSockets open on this process (whichever node their room is on)

    @property
    def load(self) -> float:
        """What placing a room weighs: publishers cost most (each is forwarded to every viewer), then CPU."""
        return self.publishers + 0.5 * len(self.rooms) + 4.0 * self.cpu

    def dump(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "rooms": self.rooms,
                "publishers": self.publishers,
                "cpu": round(self.cpu, 3),
                "draining": self.draining,
                "pid": self.pid,
                "at": self.at,
                "sockets": self.sockets,
            }
        )

    @classmethod
    def load_json(cls, text: str) -> NodeInfo:
        raw: dict[str, Any] = json.loads(text)
        return cls(
            id=str(raw["id"]),
            rooms={str(k): int(v) for k, v in dict(raw.get("rooms", {})).items()},
            publishers=int(raw.get("publishers", 0)),
            cpu=float(raw.get("cpu", 0.0)),
            draining=bool(raw.get("draining", False)),
            pid=int(raw.get("pid", 0)),
            at=float(raw.get("at", 0.0)),
            sockets=int(raw.get("sockets", 0)),
        )


@dataclass(frozen=True)
class Placement:
    node: str
    moved_from: str | None  # the dead node the room was taken from, when it was just moved


class NodeRegistry:
    def __init__(self, redis: Redis, namespace: str, node_id: str, *, heartbeat_seconds: float = 1.0) -> None:
        self.redis = redis
        self.ns = namespace
        self.node_id = node_id
        self.heartbeat_seconds = heartbeat_seconds
        self.ttl_ms = max(int(heartbeat_seconds * 3000), 500)
        self.nodes: dict[str, NodeInfo] = {}  # live nodes as of the last heartbeat (this one included)
        self.draining = False
        self._cpu_at = (time.monotonic(), time.process_time())
        self._place = redis.register_script(_PLACE)
        self._release = redis.register_script(_RELEASE)

    def _node_key(self, node_id: str) -> str:
        return f"{self.ns}:nodekey:{node_id}"

    def _room_key(self, room: str) -> str:
        return f"{self.ns}:room:{room}"

    def _ended_key(self, room: str) -> str:
        return f"{self.ns}:ended:{room}"

    @property
    def _drain_key(self) -> str:
        return f"{self.ns}:drain"

    def cpu_share(self) -> float:
        now, cpu = time.monotonic(), time.process_time()
        wall, used = now - self._cpu_at[0], cpu - self._cpu_at[1]
        self._cpu_at = (now, cpu)
        return used / wall if wall > 0 else 0.0

    async def heartbeat(self, rooms: dict[str, int], publishers: int, sockets: int = 0) -> dict[str, NodeInfo]:
        """Write this node's load, read every live node's; returns (and keeps) the live nodes."""
        self.draining = bool(await self.redis.sismember(self._drain_key, self.node_id))  # type: ignore[misc]
        me = NodeInfo(self.node_id, rooms, publishers, self.cpu_share(), self.draining, os.getpid(), time.time(), sockets)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(self._node_key(self.node_id), me.dump(), px=self.ttl_ms)
            pipe.sadd(f"{self.ns}:nodes", self.node_id)
            await pipe.execute()
        self.nodes = await self.live_nodes()
        self.nodes[self.node_id] = me
        return self.nodes

    async def live_nodes(self) -> dict[str, NodeInfo]:
        ids = sorted(str(i) for i in await self.redis.smembers(f"{self.ns}:nodes"))  # type: ignore[misc]
        if not ids:
            return {}
        values = await self.redis.mget([self._node_key(i) for i in ids])
        live: dict[str, NodeInfo] = {}
        for node_id, value in zip(ids, values, strict=True):
            if value is not None:
                live[node_id] = NodeInfo.load_json(str(value))
        return live

    async def served_before(self) -> bool:
        """This node's name was in the hub before this process started: a restart (kill -9 and respawn, or a unit
        restarted), not a new node."""
        return bool(await self.redis.sismember(f"{self.ns}:nodes", self.node_id))  # type: ignore[misc]

    async def leave(self) -> None:
        """A node that stops cleanly: its key goes at once, so its rooms move at the next join."""
        await self.redis.delete(self._node_key(self.node_id))

    def choose(self, room: str, nodes: dict[str, NodeInfo], prefer: str | None = None) -> str | None:
        """The least loaded live node that takes rooms (`prefer` when it can)."""
        open_nodes = {i: n for i, n in nodes.items() if not n.draining}
        if prefer is not None and prefer in open_nodes:
            return prefer
        if not open_nodes:
            return None
        return min(open_nodes.values(), key=lambda n: (n.load, n.id)).id

    async def owner(self, room: str, *, prefer: str | None = None) -> Placement | None:
        """The live node that holds `room`, placing it (by load) when it has none or its node died. None: no live
        node takes rooms (all draining or none alive)."""
        got = await self._place(keys=[self._room_key(room)], args=[f"{self.ns}:nodekey:", ""])
        if got[0]:
            return Placement(str(got[0]), None)
        nodes = await self.live_nodes()
        candidate = self.choose(room, nodes, prefer)
        if candidate is None:
            return None
        got = await self._place(keys=[self._room_key(room)], args=[f"{self.ns}:nodekey:", candidate])
        return Placement(str(got[0]), str(got[1]) or None)

    async def placed(self, room: str) -> str | None:
        """Where `room` is placed now (live or not), without placing it."""
        value = await self.redis.get(self._room_key(room))
        return str(value) if value is not None else None

    async def release(self, room: str) -> None:
        """This node no longer holds `room` (it emptied or ended): the next join places it afresh."""
        await self._release(keys=[self._room_key(room)], args=[self.node_id])

    async def mark_ended(self, room: str, ttl_seconds: int = 24 * 3600) -> None:
        await self.redis.set(self._ended_key(room), "1", ex=ttl_seconds)

    async def is_ended(self, room: str) -> bool:
        return bool(await self.redis.exists(self._ended_key(room)))

    async def set_draining(self, node_id: str, draining: bool) -> None:
        if draining:
            await self.redis.sadd(self._drain_key, node_id)  # type: ignore[misc]
        else:
            await self.redis.srem(self._drain_key, node_id)  # type: ignore[misc]

    async def drained(self) -> set[str]:
        return {str(i) for i in await self.redis.smembers(self._drain_key)}  # type: ignore[misc]
