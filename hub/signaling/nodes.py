"""The hub's nodes and which room lives on which (HUB_BUS=redis).

Every node writes its load (rooms, participants, publishers, CPU) to Redis each heartbeat under a key that expires
after three heartbeats: a node whose key is gone is dead. A room is placed on a node at its first join, on the
least loaded live node that is not draining, and the choice is written to Redis (`<ns>:room:<id>`) so that every
process sends that room's sockets to the same node. The placement is an atomic compare-and-set (a Lua script): two
processes that place the same room at once agree on one node, and a room whose node died is moved only once.

Fencing. A node's key is its lease: the node acts for its rooms only while it holds it. Each heartbeat renews the key
only if it is still this process's (a Lua script: a key that expired while the process stalled is never silently
re-created), and the node knows locally until when the lease runs (the renewal's send time plus the key's lifetime, less
a margin), so it needs no Redis round trip to know that it may act. Every placement also bumps the room's epoch (its
fencing token): a node that placed a room at epoch e holds it while the room key still names it and the epoch is e.
A node past its lease asks Redis once; if its key is gone (it stalled past three heartbeats and may have been replaced)
it gives up all its rooms at once (cluster.py) and only then comes back as a node without rooms.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

# KEYS[1] the room's key, KEYS[2] its epoch's; ARGV[1] the key prefix of nodes; ARGV[2] the node to place it on ('' =
# do not place); returns {node, previous, epoch} where previous is the dead node it was moved from ('' if none)
_PLACE = """
local current = redis.call('GET', KEYS[1])
if current and redis.call('EXISTS', ARGV[1] .. current) == 1 then
  return {current, '', tonumber(redis.call('GET', KEYS[2]) or '0')}
end
if ARGV[2] == '' then return {'', current or '', 0} end
redis.call('SET', KEYS[1], ARGV[2])
local epoch = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 604800)
return {ARGV[2], current or '', epoch}
"""
# KEYS[1] the node's key, KEYS[2] the set of node names; ARGV[1] its load (JSON, with its incarnation), ARGV[2] the
# key's lifetime (ms), ARGV[3] '1' to renew a lease held (refused when the key is gone or another incarnation's),
# '0' to take a new one, ARGV[4] the node's name, ARGV[5] its incarnation; returns 1, or 0 when the lease was lost
_BEAT = """
if ARGV[3] == '1' then
  local current = redis.call('GET', KEYS[1])
  if not current or cjson.decode(current)['incarnation'] ~= ARGV[5] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[4])
return 1
"""
# KEYS[1] the node's key; ARGV[1] the key's lifetime (ms), ARGV[2] the incarnation: renews the lease only if held
_RENEW = """
local current = redis.call('GET', KEYS[1])
if not current or cjson.decode(current)['incarnation'] ~= ARGV[2] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
"""
# A lease lost (the key expired while the process stood still): take a new one and keep, atomically, the rooms still
# placed here at the epoch this node placed them at (nobody took them meanwhile, and nobody can once the key is back).
# KEYS[1] the node's key, KEYS[2] the set of node names, KEYS[3 .. 2+n] the rooms' keys, KEYS[3+n .. 2+2n] their
# epochs'; ARGV[1] the load, ARGV[2] the lifetime (ms), ARGV[3] the node, ARGV[4] the incarnation, ARGV[5] n,
# ARGV[6 ..] the epochs; returns the indexes (1-based) of the rooms kept, or -1 when another incarnation has the name
_READMIT = """
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current)['incarnation'] ~= ARGV[4] then return -1 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
local n = tonumber(ARGV[5])
local kept = {}
for i = 1, n do
  local epoch = tonumber(redis.call('GET', KEYS[2 + n + i]) or '0')
  if redis.call('GET', KEYS[2 + i]) == ARGV[3] and epoch == tonumber(ARGV[5 + i]) then table.insert(kept, i) end
end
return kept
"""
# KEYS[1] the room's key, KEYS[2] its epoch's; ARGV[1] the node, ARGV[2] the epoch it placed the room at
_HOLDS = """
if redis.call('GET', KEYS[1]) == ARGV[1] and tonumber(redis.call('GET', KEYS[2]) or '0') == tonumber(ARGV[2]) then
  return 1
end
return 0
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
    incarnation: str = ""  # this process's lease (a restarted or re-admitted node has a new one)

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
                "incarnation": self.incarnation,
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
            incarnation=str(raw.get("incarnation", "")),
        )


@dataclass(frozen=True)
class Placement:
    node: str
    moved_from: str | None  # the dead node the room was taken from, when it was just moved
    epoch: int = 0  # the placement's fencing token: bumped each time the room is placed


class LeaseLost(Exception):
    """This node's key expired (or is another incarnation's): it may no longer act for any room."""


LEASE_MARGIN = 0.8  # share of the key's lifetime a node counts on after a renewal was sent


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
        self._beat = redis.register_script(_BEAT)
        self._renew = redis.register_script(_RENEW)
        self._holds = redis.register_script(_HOLDS)
        self._readmit = redis.register_script(_READMIT)
        self.incarnation = secrets.token_hex(8)
        self.leased = False  # this process holds its node's key (its lease)
        self.lease_until = 0.0  # time.monotonic() until which it may act without asking Redis

    def _node_key(self, node_id: str) -> str:
        return f"{self.ns}:nodekey:{node_id}"

    def _room_key(self, room: str) -> str:
        return f"{self.ns}:room:{room}"

    def _epoch_key(self, room: str) -> str:
        return f"{self.ns}:epoch:{room}"

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
        """Write this node's load (renewing its lease), read every live node's; returns (and keeps) the live nodes.
        Raises LeaseLost when the lease held was lost (the node must give up its rooms before it beats again)."""
        self.draining = bool(await self.redis.sismember(self._drain_key, self.node_id))  # type: ignore[misc]
        me = NodeInfo(
            self.node_id, rooms, publishers, self.cpu_share(), self.draining, os.getpid(), time.time(), sockets, self.incarnation
        )
        sent = time.monotonic()
        renew = "1" if self.leased else "0"
        got = await self._beat(
            keys=[self._node_key(self.node_id), f"{self.ns}:nodes"],
            args=[me.dump(), self.ttl_ms, renew, self.node_id, self.incarnation],
        )
        if not got:
            self.leased = False
            raise LeaseLost(self.node_id)
        self._leased_at(sent)
        self.nodes = await self.live_nodes()
        self.nodes[self.node_id] = me
        return self.nodes

    def _leased_at(self, sent: float) -> None:
        self.leased = True
        self.lease_until = sent + LEASE_MARGIN * self.ttl_ms / 1000

    def lease_valid(self) -> bool:
        """This node may act for its rooms now, without asking Redis."""
        return self.leased and time.monotonic() < self.lease_until

    async def renew(self) -> bool:
        """Renew the lease if this process still holds it; False (and not leased) when it was lost."""
        if not self.leased:
            return False
        sent = time.monotonic()
        if await self._renew(keys=[self._node_key(self.node_id)], args=[self.ttl_ms, self.incarnation]):
            self._leased_at(sent)
            return True
        self.leased = False
        return False

    async def readmit(self, epochs: dict[str, int]) -> set[str] | None:
        """After a lease was lost: a new lease, keeping the rooms of `epochs` (room -> epoch) that nobody took
        meanwhile; returns those kept, or None when another process has this node's name (keep nothing)."""
        rooms = sorted(epochs)
        me = self.nodes.get(self.node_id) or NodeInfo(self.node_id, pid=os.getpid(), at=time.time())
        me.incarnation = self.incarnation
        sent = time.monotonic()
        got = await self._readmit(
            keys=[
                self._node_key(self.node_id),
                f"{self.ns}:nodes",
                *[self._room_key(r) for r in rooms],
                *[self._epoch_key(r) for r in rooms],
            ],
            args=[me.dump(), self.ttl_ms, self.node_id, self.incarnation, len(rooms), *[epochs[r] for r in rooms]],
        )
        if got == -1:
            self.leased = False
            return None
        self._leased_at(sent)
        return {rooms[int(i) - 1] for i in got}

    async def holds(self, room: str, epoch: int) -> bool:
        """`room` is still placed on this node at `epoch` (no other node took it since)."""
        got = await self._holds(keys=[self._room_key(room), self._epoch_key(room)], args=[self.node_id, epoch])
        return bool(got)

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
        self.leased = False
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
        keys = [self._room_key(room), self._epoch_key(room)]
        got = await self._place(keys=keys, args=[f"{self.ns}:nodekey:", ""])
        if got[0]:
            return Placement(str(got[0]), None, int(got[2]))
        nodes = await self.live_nodes()
        candidate = self.choose(room, nodes, prefer)
        if candidate is None:
            return None
        got = await self._place(keys=keys, args=[f"{self.ns}:nodekey:", candidate])
        return Placement(str(got[0]), str(got[1]) or None, int(got[2]))

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
