"""Many processes, one hub (HUB_BUS=redis): every room on exactly one node, sockets relayed to it over Redis.

Relay, not redirect (the LiveKit model). A browser's WebSocket lands wherever nginx sends it; at its `join` this
process asks the registry (`nodes.py`) which node holds the room, placing it by load when nobody does. If that is
this process, the socket is served here as in one process. Otherwise every frame of the socket goes to the room's
node over Redis and every message for it comes back the same way: on the room's node the socket is a
`RemoteConnection`, which the signaling service treats like any other, so lobby, admission, presence, presenter,
recording and the end of the room all happen in one place and the room cannot split. The media node answers the SDP
offer with its own ICE candidates, so media flows straight between the browser and the room's node.

Why relay rather than redirect: a redirect needs every node reachable by its own address from every browser (one
more public port or host name per process, and TLS for each), and a browser that reconnects lands on any process
anyway. With relay only nginx faces the browsers; the cost is one Redis round trip per signaling message, never per
media packet (bench/cluster.py measures it).

No split room: a process that cannot reach Redis, or whose room node does not answer a join within
`JOIN_TIMEOUT`, refuses the join with the signaling error `node_unreachable`; a node accepts a relayed join only for
a room placed on it. When a node dies its key expires; the sockets relayed to it are told `closed` (`server_stopped`)
and reconnect by their usual path, and their next join places the room on a live node.

Fencing (a node that stalls but lives: SIGSTOP, a long pause, a blocked loop). A node acts for a room (takes a join,
handles a frame of the room's sockets, keeps its media and recorder) only while it holds its lease (`nodes.py`): a local
check while the lease runs, one Redis round trip when it has run out. A lease found lost (the key expired while the
process stood still: other nodes may have placed its rooms elsewhere) or that cannot be confirmed fences the node: every
room it held is closed at once, its people told `closed` (`server_stopped`, so browsers reconnect and land on the
room's new node), its recorder stopped with the unrecorded time written as a `node_failed` gap (`on_room_fenced`), and
the cause logged (`node_fenced`). A watchdog looks at the lease several times a heartbeat, so a process that wakes
fences before its next heartbeat; a room whose epoch was superseded is fenced the same way.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from redis.exceptions import RedisError

from hub.clock import Clock
from hub.http.keys import Readiness
from hub.media.interface import MediaRoom
from hub.rooms.interface import TokenError, verify_token
from hub.signaling import protocol as p
from hub.signaling.connection import Connection, RateLimit
from hub.signaling.nodes import LeaseLost, NodeRegistry
from hub.signaling.redis_bus import RedisLink
from hub.signaling.service import RoomEvent, SignalingError, SignalingService

log = structlog.get_logger("hub.signaling.cluster")

JOIN_TIMEOUT = 5.0  # seconds a relayed join waits for the room's node before it is refused
RELEASE_AFTER = 2  # heartbeats a room stays placed on this node after it emptied (a join may be on its way)
UNREACHABLE = "the room's server cannot be reached now; try again in a moment"
LEASE_CHECK_TIMEOUT = 1.0  # seconds a node past its lease waits for Redis before it fences itself
WATCH_SHARE = 0.25  # the lease watchdog looks this often (share of a heartbeat)


class RemoteConnection(Connection):
    """A socket of another process, as the room's node sees it: frames come in over Redis, messages go back."""

    def __init__(self, cluster: Cluster, origin: str, conn_id: str, bearer: str | None) -> None:
        # no WebSocket here: Connection.__init__ (which starts a writer on one) is not called
        self.cluster = cluster
        self.origin = origin
        self.conn_id = conn_id
        self.room: str | None = None
        self.participant: str | None = None
        self.bearer = bearer
        self.closing = False
        self.rate = RateLimit()  # the socket's own process limits its rate; here nothing more
        self.rate.rate = self.rate.tokens = 1e12
        self.rate.burst = 10**12
        self._inbox: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"relayed {conn_id}")

    def deliver(self, message: dict[str, Any]) -> None:
        if not self.closing:
            self.cluster.link.send(self.origin, {"k": "out", "c": self.conn_id, "m": message})

    def close_soon(self) -> None:
        if self.closing:
            return
        self.closing = True
        self.cluster.link.send(self.origin, {"k": "close", "c": self.conn_id})

    async def close(self) -> None:
        self.close_soon()

    def feed(self, kind: str, text: str) -> None:
        self._inbox.put_nowait((kind, text))

    async def _run(self) -> None:
        """One frame at a time, in order, as a socket's own handler does."""
        service = self.cluster.service
        while True:
            kind, text = await self._inbox.get()
            try:
                if kind == "frame":
                    join = self.cluster.peek_join(text) if self.participant is None else None
                    if join is not None and not await self.cluster.placed_here(join[0]):
                        self.send(p.Error(id=join[1], code="node_unreachable", reason=UNREACHABLE))
                        continue
                    if join is None and self.room is not None and not await self.cluster.may_act_for(self.room):
                        continue  # fenced: the room is closed here and its people told so
                    await service.receive(self, text)
                    continue
                # the socket closed on its process ("disconnected") or its staff session ended ("signed_out")
                if kind == "signed_out" and self.room and self.participant:
                    await service.remove_participant(self.room, self.participant, reason="signed_out")
                self.closing = True
                await service.disconnected(self)
                return
            except Exception:
                log.exception("relayed_frame_failed", conn=self.conn_id)

    def stop(self) -> None:
        self._task.cancel()


class RedisTokens:
    """Room tokens are single use across the whole hub: a token's nonce is claimed in Redis (SET NX, expiring with
    the token), so a token that joined on one process is refused on every other, as it is on one process."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster

    def _key(self, nonce: str) -> str:
        return f"{self._cluster.registry.ns}:token:{nonce}"

    async def claim(self, nonce: str, expires: int) -> bool:
        redis = self._cluster.link.redis
        try:
            return bool(await redis.set(self._key(nonce), self._cluster.node_id, nx=True, exat=max(int(expires), 1)))
        except (RedisError, OSError) as exc:
            log.error("token_claim_failed", error=type(exc).__name__)
            raise SignalingError("node_unreachable", UNREACHABLE) from None

    async def release(self, nonce: str) -> None:
        try:
            await self._cluster.link.redis.delete(self._key(nonce))
        except (RedisError, OSError) as exc:
            log.warning("token_release_failed", error=type(exc).__name__)


class _Route:
    """A socket of this process relayed to the room's node."""

    def __init__(self, node: str, conn_id: str) -> None:
        self.node = node
        self.conn_id = conn_id
        self.answered = False  # the node has said something for this socket
        self.joined = False  # ... and it joined there (or waits in its lobby)
        self.watchdog: asyncio.TimerHandle | None = None


class Cluster:
    def __init__(
        self,
        service: SignalingService,
        *,
        redis_url: str,
        namespace: str,
        node_id: str,
        secret: str | bytes,
        clock: Clock | None = None,
        heartbeat_seconds: float = 1.0,
    ) -> None:
        self.service = service
        self.node_id = node_id
        self._secret = secret
        self._clock = clock or Clock()
        self.link = RedisLink(redis_url, namespace=namespace, node_id=node_id, on_message=self._on_message)
        self.registry = NodeRegistry(self.link.redis, namespace, node_id, heartbeat_seconds=heartbeat_seconds)
        self.heartbeat_seconds = heartbeat_seconds
        self.link.on_lost.append(self._link_lost)
        self._ids = itertools.count(1)
        self._routes: dict[Connection, _Route] = {}
        self._by_id: dict[str, Connection] = {}
        self.remotes: dict[str, RemoteConnection] = {}
        self._owned: dict[str, int] = {}  # rooms placed on this node -> heartbeats it has been empty
        self._epochs: dict[str, int] = {}  # rooms placed on this node -> the placement's epoch (fencing token)
        self._lease_check: asyncio.Future[bool] | None = None
        self._fencing: set[str] = set()  # rooms being given up now
        self._watchdog: asyncio.Task[None] | None = None
        self.fenced: list[tuple[float, str, list[str]]] = []  # (unix time, cause, rooms) of each fencing
        self.on_room_fenced: list[Callable[[RoomEvent], Awaitable[None]]] = []  # the recorder stops, writes the gap
        self._tasks: set[asyncio.Task[None]] = set()
        self._beat: asyncio.Task[None] | None = None
        self.last_beat_ok: bool = False
        self.on_sessions_ended: Callable[[], Awaitable[None]] | None = None  # this process's check of its sockets
        service.on_room_ended.append(self._room_ended)
        service.shared_tokens = RedisTokens(self)

    # ---- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        await self.link.start()
        rejoin_after = 0.0
        try:
            if await self.registry.served_before():
                # A restart under the same name (`hub serve --workers` respawns a killed worker within seconds): stay
                # out of the registry until every other node has had a heartbeat without this name. Otherwise a
                # node whose beats fell between the old key's expiry and this process's first beat never sees the
                # death, keeps relaying its sockets to a process that knows nothing of them (never telling them to
                # come back), and the dead incarnation's rooms stay placed here instead of moving.
                await self.registry.leave()
                rejoin_after = self.registry.ttl_ms / 1000 + 2 * self.heartbeat_seconds
                log.warning("node_restarted", node=self.node_id, rejoin_after_s=rejoin_after)
            else:
                await self._heartbeat_once()
        except (RedisError, OSError) as exc:
            log.error("node_heartbeat_failed", node=self.node_id, error=type(exc).__name__)
        self._beat = asyncio.create_task(self._heartbeats(rejoin_after), name="node_heartbeat")
        self._watchdog = asyncio.create_task(self._watch_lease(), name="node_lease_watchdog")
        log.info("node_started", node=self.node_id)

    async def leave(self) -> None:
        """Stopping (SIGTERM): out of the registry before the sockets are told to come back, so that their next join
        places the room on a live node instead of on this one."""
        if self._beat is not None:
            self._beat.cancel()
            self._beat = None
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        try:
            await self.registry.leave()
            for room in list(self._owned):
                await self.registry.release(room)
            self._owned.clear()
            self._epochs.clear()
        except (RedisError, OSError) as exc:
            log.warning("node_leave_failed", node=self.node_id, error=type(exc).__name__)

    async def close(self) -> None:
        await self.leave()
        await self.link.close()
        for remote in list(self.remotes.values()):
            remote.stop()
        for task in list(self._tasks):
            task.cancel()

    def _spawn(self, coro: Awaitable[None], what: str) -> None:
        async def run() -> None:
            try:
                await coro
            except Exception:
                log.exception("cluster_task_failed", task=what)

        task = asyncio.ensure_future(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _heartbeats(self, first_after: float = 0.0) -> None:
        await asyncio.sleep(first_after)
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                # bounded: the Redis client has no read timeout, and a beat stuck on a half-dead connection would
                # stop this node from ever noticing that another died (its relayed sockets never told)
                await asyncio.wait_for(self._heartbeat_once(), max(2 * self.heartbeat_seconds, 1.0))
            except asyncio.CancelledError:
                raise
            except LeaseLost:
                self.last_beat_ok = False
                try:
                    await self._readmit()
                except (RedisError, OSError) as exc:
                    log.error("node_readmit_failed", node=self.node_id, error=type(exc).__name__)
                    await self._fence(f"lease_unconfirmed ({type(exc).__name__})")
            except TimeoutError:
                if self.last_beat_ok:
                    log.error("node_heartbeat_failed", node=self.node_id, error="timeout")
                self.last_beat_ok = False
            except (RedisError, OSError) as exc:
                if self.last_beat_ok:
                    log.error("node_heartbeat_failed", node=self.node_id, error=f"{type(exc).__name__}: {exc}"[:200])
                self.last_beat_ok = False
            except Exception:
                self.last_beat_ok = False
                log.exception("node_heartbeat_failed", node=self.node_id)

    async def _heartbeat_once(self) -> None:
        rooms = {room_id: len(room.members) for room_id, room in self.service.rooms.items()}
        publishers = sum(
            1 for room in self.service.rooms.values() for m in room.members.values() if m.rights.speak and m.conn is not None
        )
        sockets = sum(1 for conn in self.service.connections if not isinstance(conn, RemoteConnection))
        nodes = await self.registry.heartbeat(rooms, publishers, sockets)
        self.last_beat_ok = True
        # sockets relayed to a node that died: told to come back (their next join places the room on a live node)
        for conn, route in list(self._routes.items()):
            if route.node not in nodes:
                log.warning("room_node_lost", node=route.node, conn=route.conn_id)
                self._unroute(conn, tell_node=False)
                conn.send(p.Closed(reason="server_stopped"))
                conn.close_soon()
        # rooms this node holds: still placed here? (a node presumed dead hands over); emptied ones are let go
        for room_id in list(self._owned):
            if room_id in self.service.rooms:
                self._owned[room_id] = 0
                continue
            self._owned[room_id] += 1
            if self._owned[room_id] >= RELEASE_AFTER:
                del self._owned[room_id]
                self._epochs.pop(room_id, None)
                await self.registry.release(room_id)
        for room_id in list(self.service.rooms):
            epoch = self._epochs.get(room_id)
            if epoch is not None:
                if not await self.registry.holds(room_id, epoch):
                    await self._fence("epoch_superseded", [room_id])
                continue
            placed = await self.registry.placed(room_id)
            if placed is not None and placed != self.node_id:
                await self._fence("placed_elsewhere", [room_id])
            elif placed is None:
                placement = await self.registry.owner(room_id, prefer=self.node_id)
                if placement is not None and placement.node == self.node_id:
                    self._took(room_id, None, placement.epoch)

    # ---- fencing -----------------------------------------------------------------------------

    async def may_act(self) -> bool:
        """This node may act for its rooms now: its lease runs (checked locally), or Redis renews it at once. A lease
        lost or not confirmed fences the node before this answers False."""
        if self.registry.lease_valid():
            return True
        if self._lease_check is None or self._lease_check.done():
            self._lease_check = asyncio.ensure_future(self._check_lease())
        return await asyncio.shield(self._lease_check)

    async def may_act_for(self, room: str) -> bool:
        """... and `room` is still this node's (not fenced while the lease was checked)."""
        return await self.may_act() and room in self.service.rooms and room not in self._fencing

    async def _check_lease(self) -> bool:
        try:
            if await asyncio.wait_for(self.registry.renew(), LEASE_CHECK_TIMEOUT):
                return True
            return await asyncio.wait_for(self._readmit(), LEASE_CHECK_TIMEOUT)
        except (RedisError, OSError, TimeoutError) as exc:
            if self.registry.lease_valid():  # a heartbeat renewed it meanwhile
                return True
            await self._fence(f"lease_unconfirmed ({type(exc).__name__})")
            return False

    async def _readmit(self) -> bool:
        """The lease was lost (the key expired while this process stood still): a new one, keeping the rooms nobody
        took meanwhile (atomically: once the key is back no other node moves them); the others are fenced."""
        kept = await self.registry.readmit(dict(self._epochs))
        if kept is None:
            await self._fence("lease_taken")
            return False
        lost = [room for room in self.service.rooms if room not in kept]
        log.warning("node_lease_renewed_after_loss", node=self.node_id, kept=sorted(kept), lost=sorted(lost))
        if lost:
            await self._fence("lease_lost", lost)
        return True

    async def _watch_lease(self) -> None:
        """A process that wakes from a stall past its lease fences itself here, before its next heartbeat (asyncio
        runs this overdue timer in the first turn of the loop after the wake)."""
        while True:
            await asyncio.sleep(self.heartbeat_seconds * WATCH_SHARE)
            try:
                if self.service.rooms and not self.registry.lease_valid():
                    await self.may_act()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("lease_watch_failed", node=self.node_id)

    async def _fence(self, why: str, rooms: list[str] | None = None) -> None:
        """Give up `rooms` (None: every room here) at once: another node holds them, or may."""
        wanted = list(self.service.rooms) if rooms is None else rooms
        targets = sorted(r for r in wanted if r in self.service.rooms and r not in self._fencing)
        for room_id in list(self._owned) if rooms is None else rooms:
            self._owned.pop(room_id, None)
            self._epochs.pop(room_id, None)
        if not targets:
            return
        self._fencing.update(targets)
        self.fenced.append((time.time(), why, targets))
        log.error("node_fenced", node=self.node_id, cause=why, rooms=targets)
        try:
            for room_id in targets:
                room = self.service.rooms.get(room_id)
                if room is None:
                    continue
                for member in room.members.values():  # everyone told first, at once
                    if member.conn is not None:
                        member.conn.send(p.Closed(reason="server_stopped"))
                        member.conn.close_soon()
            for room_id in targets:
                for hook in self.on_room_fenced:  # the recorder stops before the media goes
                    try:
                        await hook(RoomEvent(room_id, None, None, why))
                    except Exception:
                        log.exception("room_fenced_hook_failed", room=room_id)
                room = self.service.rooms.get(room_id)
                for member_id in list(room.members) if room is not None else []:
                    await self.service.remove_participant(room_id, member_id, reason="server_stopped")
        finally:
            self._fencing.difference_update(targets)

    def holds(self, room: str) -> bool:
        """This node may act for `room` now (its lease runs and it is not giving the room up): the recorder asks."""
        return self.registry.lease_valid() and room not in self._fencing

    async def _room_ended(self, event: Any) -> None:
        """A room ended here (its host, or HTTP): no process lets anyone into it again."""
        room = str(event.room)
        try:
            await self.registry.mark_ended(room)
        except (RedisError, OSError) as exc:
            log.error("room_end_not_shared", room=room, error=type(exc).__name__)
        self.link.send(None, {"k": "end", "r": room, "why": str(event.reason), "f": self.node_id})

    def _link_lost(self, why: str) -> None:
        for conn in list(self._routes):
            self._unroute(conn, tell_node=False)
            conn.send(p.Closed(reason="server_stopped"))
            conn.close_soon()
        for conn_id, remote in list(self.remotes.items()):
            del self.remotes[conn_id]
            remote.closing = True
            remote.feed("disconnected", "")

    # ---- joins -------------------------------------------------------------------------------

    def peek_join(self, text: str) -> tuple[str, int | str | None] | None:
        """(room, request id) of a `join` whose token is valid for its room; None for anything else (which the
        service answers as usual)."""
        if '"join"' not in text or len(text) > p.MAX_MESSAGE_BYTES:
            return None
        try:
            raw = json.loads(text)
        except ValueError:
            return None
        if not isinstance(raw, dict) or raw.get("type") != "join":
            return None
        room, token, request_id = raw.get("room"), raw.get("token"), raw.get("id")
        if not isinstance(room, str) or not isinstance(token, str):
            return None
        try:
            verified = verify_token(token, self._secret, now=self._clock.now().timestamp())
        except TokenError:
            return None
        if verified.room != room:
            return None
        ok_id = (isinstance(request_id, int) and not isinstance(request_id, bool)) or (
            isinstance(request_id, str) and 0 < len(request_id) <= 64
        )
        return room, request_id if ok_id else None

    async def placed_here(self, room: str) -> bool:
        """For a join on this node: is `room` placed here (placing it here when nobody holds it)? Ended rooms are
        known to the service before it answers."""
        try:
            placement = await self.registry.owner(room, prefer=self.node_id)
            if await self.registry.is_ended(room):
                self.service.ended.add(room)
        except (RedisError, OSError):
            return False
        if placement is None or placement.node != self.node_id:
            return False
        if not await self.may_act():
            return False
        self._took(room, placement.moved_from, placement.epoch)
        return True

    def _took(self, room: str, moved_from: str | None, epoch: int) -> None:
        self._epochs[room] = epoch
        if room not in self._owned:
            self._owned[room] = 0
            if moved_from is not None:
                log.warning("room_moved", room=room, node=self.node_id, dead_node=moved_from, cause="node_failed")

    # ---- the socket side (handler.py) --------------------------------------------------------

    async def receive(self, conn: Connection, text: str) -> None:
        route = self._routes.get(conn)
        join = None if (route is not None and route.joined) or conn.participant is not None else self.peek_join(text)
        if join is not None:
            if not self._rate_ok(conn):
                return
            room, request_id = join
            try:
                placement = await self.registry.owner(room)
                if await self.registry.is_ended(room):
                    self.service.ended.add(room)
            except (RedisError, OSError) as exc:
                log.error("join_refused_no_redis", room=room, error=type(exc).__name__)
                conn.send(p.Error(id=request_id, code="node_unreachable", reason=UNREACHABLE))
                return
            if placement is None:
                conn.send(p.Error(id=request_id, code="node_unreachable", reason="no server takes new rooms now"))
                return
            if placement.node == self.node_id:
                if route is not None:
                    self._unroute(conn)
                if not await self.may_act():
                    conn.send(p.Error(id=request_id, code="node_unreachable", reason=UNREACHABLE))
                    return
                self._took(room, placement.moved_from, placement.epoch)
                conn.rate.tokens += 1  # the service takes this frame's token again
                await self.service.receive(conn, text)
                return
            if route is not None and route.node != placement.node:
                self._unroute(conn)
                route = None
            if route is None:
                route = _Route(placement.node, f"{self.node_id}/{next(self._ids)}")
                self._routes[conn] = route
                self._by_id[route.conn_id] = conn
            self._forward(conn, route, text)
            self._watch(conn, route, request_id)
            return
        if route is not None:
            if self._rate_ok(conn):
                self._forward(conn, route, text)
            return
        if conn.room is not None and conn.room in self.service.rooms and not await self.may_act_for(conn.room):
            return  # fenced: the room is closed here and this socket told so
        await self.service.receive(conn, text)

    def _rate_ok(self, conn: Connection) -> bool:
        if conn.closing:
            return False
        verdict = conn.rate.take()
        if verdict == "ok":
            return True
        if verdict == "close":
            conn.send(p.Closed(reason="rate_limited"))
            conn.close_soon()
        else:
            conn.send(p.Error(id=None, code="rate_limited", reason="too many messages: slow down"))
        return False

    def _forward(self, conn: Connection, route: _Route, text: str) -> None:
        self.link.send(route.node, {"k": "in", "c": route.conn_id, "f": self.node_id, "b": conn.bearer, "t": text})

    def _watch(self, conn: Connection, route: _Route, request_id: int | str | None) -> None:
        if route.watchdog is not None:
            route.watchdog.cancel()

        def expired() -> None:
            if self._routes.get(conn) is route and not route.answered:
                log.error("room_node_did_not_answer", node=route.node, conn=route.conn_id)
                self._unroute(conn)
                conn.send(p.Error(id=request_id, code="node_unreachable", reason=UNREACHABLE))

        route.answered = False
        route.watchdog = asyncio.get_running_loop().call_later(JOIN_TIMEOUT, expired)

    def _unroute(self, conn: Connection, *, tell_node: bool = True, why: str = "disconnected") -> None:
        route = self._routes.pop(conn, None)
        if route is None:
            return
        self._by_id.pop(route.conn_id, None)
        if route.watchdog is not None:
            route.watchdog.cancel()
        if tell_node:
            self.link.send(route.node, {"k": "gone", "c": route.conn_id, "why": why})

    async def disconnected(self, conn: Connection) -> None:
        if conn in self._routes:
            self.service.connections.discard(conn)
            self._unroute(conn)
        else:
            await self.service.disconnected(conn)

    async def session_ended(self, conn: Connection) -> None:
        """The staff session behind a socket ended: out of the room at once, wherever the room is."""
        if conn in self._routes:
            self._unroute(conn, why="signed_out")
        elif conn.room and conn.participant:
            await self.service.remove_participant(conn.room, conn.participant, reason="signed_out")
        await conn.close()

    # ---- messages from Redis -----------------------------------------------------------------

    def _on_message(self, message: dict[str, Any]) -> None:
        kind = message.get("k")
        if kind == "out":
            conn = self._by_id.get(str(message.get("c")))
            route = self._routes.get(conn) if conn is not None else None
            if conn is None or route is None:
                return
            out = message.get("m")
            if not isinstance(out, dict):
                return
            route.answered = True
            if route.watchdog is not None:
                route.watchdog.cancel()
                route.watchdog = None
            if out.get("type") in ("joined", "lobby"):
                route.joined = True
            conn.deliver(out)
        elif kind == "close":
            conn = self._by_id.get(str(message.get("c")))
            if conn is not None:
                self._unroute(conn, tell_node=False)
                conn.close_soon()
        elif kind == "in":
            conn_id = str(message.get("c"))
            remote = self.remotes.get(conn_id)
            if remote is None:
                bearer = message.get("b")
                remote = RemoteConnection(self, str(message.get("f")), conn_id, bearer if isinstance(bearer, str) else None)
                self.remotes[conn_id] = remote
                self.service.connections.add(remote)
            remote.feed("frame", str(message.get("t", "")))
        elif kind == "gone":
            remote = self.remotes.pop(str(message.get("c")), None)
            if remote is not None:
                remote.feed("signed_out" if message.get("why") == "signed_out" else "disconnected", "")
        elif kind == "remove":
            room, who, why = str(message.get("r")), str(message.get("p")), str(message.get("why") or "removed")
            if room in self.service.rooms:
                self._spawn(self._remove(room, who, why), "remove")
        elif kind == "sessions":  # another process ended sessions: close this one's sockets of them now
            if message.get("f") != self.node_id and self.on_sessions_ended is not None:
                self._spawn(self.on_sessions_ended(), "sessions_ended")
        elif kind == "end":
            room, why = str(message.get("r")), str(message.get("why") or "ended")
            if message.get("f") == self.node_id:
                return
            self.service.ended.add(room)
            if room in self.service.rooms:
                self._spawn(self.service.end_room(room, why), "end_room")

    def sessions_ended(self) -> None:
        """This process ended sessions: every other process checks the sockets it holds at once."""
        self.link.send(None, {"k": "sessions", "f": self.node_id})

    async def _remove(self, room: str, who: str, why: str) -> None:
        await self.service.remove_participant(room, who, why)

    # ---- health ------------------------------------------------------------------------------

    async def readiness(self) -> Readiness:
        detail: dict[str, Any] = {"node": self.node_id, "draining": self.registry.draining}
        ok = False
        try:
            detail["ping_ms"] = round(await self.link.ping(), 2)
            ok = self.link.healthy and self.last_beat_ok
            detail["nodes"] = sorted(self.registry.nodes)
        except (RedisError, OSError) as exc:
            detail["error"] = f"{type(exc).__name__}: {exc}"[:200]
        if not self.link.healthy:
            detail["link"] = self.link.last_error
        detail["lease"] = self.registry.lease_valid()
        if self.fenced:
            at, why, rooms = self.fenced[-1]
            detail["last_fenced"] = {"at": round(at, 3), "cause": why, "rooms": rooms[:20]}
        detail["rooms_here"] = len(self.service.rooms)
        detail["relayed_out"] = len(self._routes)
        detail["relayed_in"] = len(self.remotes)
        return Readiness("redis", ok, detail)

    def holder(self, room: str) -> str | None:
        """The live node that holds `room` now, as of the last heartbeat (this node first)."""
        if room in self.service.rooms:
            return self.node_id
        for node in self.registry.nodes.values():
            if room in node.rooms:
                return node.id
        return None


class ClusterCalls:
    """What rooms' views and the recorder see of the calls (`LiveCalls`) when the hub runs as several processes:
    ending and removing reach the room's node; the recorder's hooks fire on the node that holds the room."""

    def __init__(self, cluster: Cluster) -> None:
        self._cluster = cluster
        service = cluster.service
        self.on_participant_joined = service.on_participant_joined
        self.on_participant_left = service.on_participant_left
        self.on_room_ended = service.on_room_ended
        self.on_recording_acknowledged = service.on_recording_acknowledged
        self.on_room_fenced = cluster.on_room_fenced  # this process lost the room (fencing): the recorder stops
        self.holds_room = cluster.holds  # ... and writes nothing while this process may not act for the room

    @property
    def rooms(self) -> dict[str, Any]:
        """Every live call of the hub, on whichever node (the other nodes' as of their last heartbeat)."""
        found: dict[str, Any] = {}
        for node in self._cluster.registry.nodes.values():
            for room in node.rooms:
                found[room] = node.id
        found.update(self._cluster.service.rooms)
        return found

    @rooms.setter
    def rooms(self, value: dict[str, Any]) -> None:
        raise AttributeError("the cluster's rooms are read from the nodes")

    @property
    def ended(self) -> set[str]:
        return self._cluster.service.ended

    @ended.setter
    def ended(self, value: set[str]) -> None:
        raise AttributeError("rooms end through end_room")

    def set_recording(self, room_id: str, active: bool, reason: str | None = None, *, acknowledge: bool = False) -> None:
        self._cluster.service.set_recording(room_id, active, reason, acknowledge=acknowledge)

    def media_room(self, room_id: str) -> MediaRoom | None:
        return self._cluster.service.media_room(room_id)

    async def end_room(self, room_id: str, reason: str) -> None:
        cluster = self._cluster
        cluster.service.ended.add(room_id)
        try:
            await cluster.registry.mark_ended(room_id)
        except (RedisError, OSError) as exc:
            log.error("room_end_not_shared", room=room_id, error=type(exc).__name__)
        cluster.link.send(None, {"k": "end", "r": room_id, "why": reason, "f": cluster.node_id})
        holder = cluster.holder(room_id)
        if holder is None or holder == cluster.node_id:
            await cluster.service.end_room(room_id, reason)

    async def remove_participant(self, room_id: str, participant: str, reason: str) -> bool:
        cluster = self._cluster
        holder = cluster.holder(room_id)
        if holder == cluster.node_id or holder is None:
            return await cluster.service.remove_participant(room_id, participant, reason)
        cluster.link.send(holder, {"k": "remove", "r": room_id, "p": participant, "why": reason})
        return True
