"""The link between the hub's processes over Redis (HUB_BUS=redis): what crosses processes and how.

A room's state lives on one process, its node (DESIGN §2); the in-process `Bus` of that node carries the room's
messages to its participants, whether their socket is on the node or relayed from another process (a relayed
participant's `deliver` puts the message on this link). So the `Bus` call sites stay synchronous: `send` only
enqueues onto one ordered outgoing queue, which one supervised publisher task drains (in order: Redis pub/sub keeps
the order of one connection's publishes), and one supervised subscriber task reads this node's channel and the hub's
broadcast channel.

A lost Redis connection is said at once (`healthy` turns false, `on_lost` runs, the error is logged and counted) and
both tasks reconnect with a backoff. Messages queued while Redis is away are dropped, never delivered late: the
relays they belonged to are closed by `on_lost` (their clients reconnect by their usual path).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger("hub.signaling.redis")

LINK_FAILURES = Counter("hub_redis_link_failures_total", "Losses of the Redis link (publisher or subscriber)", ["task"])
QUEUE_LIMIT = 100_000  # messages waiting to be published; beyond it the link is failing, not slow
BACKOFF = (0.1, 0.2, 0.5, 1.0, 2.0)

OnMessage = Callable[[dict[str, Any]], Awaitable[None] | None]


class RedisLink:
    def __init__(self, url: str, *, namespace: str, node_id: str, on_message: OnMessage) -> None:
        self.url = url
        self.namespace = namespace
        self.node_id = node_id
        self.redis: Redis = Redis.from_url(
            url, decode_responses=True, socket_connect_timeout=2.0, client_name=f"{namespace}:{node_id}"
        )
        self._on_message = on_message
        self.on_lost: list[Callable[[str], None]] = []  # told why, whenever the link breaks
        self._out: asyncio.Queue[tuple[str, str]] = asyncio.Queue(QUEUE_LIMIT)
        self._tasks: list[asyncio.Task[None]] = []
        self._publisher_ok = False
        self._subscriber_ok = False
        self.lost_at: float | None = time.monotonic()
        self.last_error: str | None = "not started"
        self._subscribed = asyncio.Event()

    # ---- names -------------------------------------------------------------------------------

    def key(self, *parts: str) -> str:
        return ":".join((self.namespace, *parts))

    def node_channel(self, node_id: str) -> str:
        return self.key("node", node_id, "in")

    @property
    def broadcast_channel(self) -> str:
        return self.key("all")

    # ---- sending -----------------------------------------------------------------------------

    def send(self, node_id: str | None, message: dict[str, Any]) -> None:
        """Queue `message` for the node `node_id` (None: every node, this one included). Never blocks."""
        channel = self.broadcast_channel if node_id is None else self.node_channel(node_id)
        try:
            self._out.put_nowait((channel, json.dumps(message, ensure_ascii=False, separators=(",", ":"))))
        except asyncio.QueueFull:
            self._lost("publisher", "the outgoing queue is full")

    @property
    def healthy(self) -> bool:
        return self._publisher_ok and self._subscriber_ok

    async def ping(self) -> float:
        """Round trip to Redis in milliseconds (raises when Redis cannot be reached)."""
        started = time.perf_counter()
        await self.redis.ping()
        return (time.perf_counter() - started) * 1000

    # ---- tasks -------------------------------------------------------------------------------

    async def start(self, wait_seconds: float = 5.0) -> None:
        self._tasks = [
            asyncio.create_task(self._publish(), name="redis_publisher"),
            asyncio.create_task(self._subscribe(), name="redis_subscriber"),
        ]
        with contextlib.suppress(TimeoutError):  # a hub starts without Redis too: readiness says so, joins are refused
            await asyncio.wait_for(self._subscribed.wait(), wait_seconds)

    async def close(self) -> None:
        # what is queued (the last `closed` of each relayed socket) goes out first, briefly
        if self._publisher_ok:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._out.join(), 1.0)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await self.redis.aclose()

    def _lost(self, task: str, why: str) -> None:
        LINK_FAILURES.labels(task=task).inc()
        was_healthy = self.healthy
        if task == "publisher":
            self._publisher_ok = False
        else:
            self._subscriber_ok = False
        self.last_error = f"{task}: {why}"
        if was_healthy:
            self.lost_at = time.monotonic()
            log.error("redis_link_lost", task=task, error=why)
        # nothing queued is delivered late
        while not self._out.empty():
            self._out.get_nowait()
            self._out.task_done()
        for callback in list(self.on_lost):
            try:
                callback(why)
            except Exception:
                log.exception("redis_link_lost_callback_failed")

    def _up(self, task: str) -> None:
        was_healthy = self.healthy
        if task == "publisher":
            self._publisher_ok = True
        else:
            self._subscriber_ok = True
        if self.healthy and not was_healthy:
            self.last_error = None
            log.info("redis_link_up", node=self.node_id)

    async def _publish(self) -> None:
        attempt = 0
        while True:
            try:
                await self.redis.ping()
                self._up("publisher")
                attempt = 0
                while True:
                    batch = [await self._out.get()]
                    while not self._out.empty() and len(batch) < 256:
                        batch.append(self._out.get_nowait())
                    try:
                        if len(batch) == 1:
                            await self.redis.publish(*batch[0])
                        else:
                            async with self.redis.pipeline(transaction=False) as pipe:
                                for channel, data in batch:
                                    pipe.publish(channel, data)
                                await pipe.execute()
                    finally:
                        for _ in batch:
                            self._out.task_done()
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                self._lost("publisher", f"{type(exc).__name__}: {exc}"[:200])
            except Exception as exc:  # a bug: said, counted, and the link goes on
                log.exception("redis_publisher_failed")
                self._lost("publisher", type(exc).__name__)
            await asyncio.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
            attempt += 1

    async def _subscribe(self) -> None:
        attempt = 0
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.node_channel(self.node_id), self.broadcast_channel)
                self._up("subscriber")
                self._subscribed.set()
                attempt = 0
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is None or message.get("type") != "message":
                        continue
                    try:
                        data = json.loads(message["data"])
                        result = self._on_message(data)
                        if result is not None:
                            await result
                    except Exception:
                        log.exception("redis_message_failed", channel=message.get("channel"))
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                self._lost("subscriber", f"{type(exc).__name__}: {exc}"[:200])
            except Exception as exc:
                log.exception("redis_subscriber_failed")
                self._lost("subscriber", type(exc).__name__)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
            await asyncio.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
            attempt += 1
