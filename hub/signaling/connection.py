"""One WebSocket, written by a single task from a bounded queue so a slow client never stalls a room."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import structlog
from aiohttp import web

from hub.signaling.protocol import Reply

log = structlog.get_logger(__name__)

QUEUE_LIMIT = 512  # a client this far behind is dropped rather than buffered without bound
RATE_PER_SECOND = 20.0  # requests a client may send per second, sustained (docs/protocol.md, "Limits")
RATE_BURST = 50  # and at once
RATE_CLOSE_AFTER = 50  # refused requests in a row, each answered `rate_limited`, before the socket closes


class RateLimit:
    """A token bucket per socket: `take()` says "ok", "refuse" (answer rate_limited) or "close"."""

    def __init__(self) -> None:
        self.rate, self.burst, self.close_after = RATE_PER_SECOND, RATE_BURST, RATE_CLOSE_AFTER
        self.tokens = float(self.burst)
        self.at = time.monotonic()
        self.refused = 0

    def take(self) -> str:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.refused = 0
            return "ok"
        self.refused += 1
        return "close" if self.refused > self.close_after else "refuse"


class Connection:
    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.room: str | None = None
        self.participant: str | None = None
        self.bearer: str | None = None  # "user-N" when a staff session opened the socket (handler.py)
        self._out: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(QUEUE_LIMIT)
        self._writer = asyncio.get_running_loop().create_task(self._write())
        self.closing = False
        self.rate = RateLimit()

    def deliver(self, message: dict[str, Any]) -> None:
        if self.closing:
            return
        try:
            self._out.put_nowait(message)
        except asyncio.QueueFull:
            log.warning("signaling_client_too_slow", room=self.room, participant=self.participant, queued=QUEUE_LIMIT)
            # Never close without saying why: what it did not read is dropped for the reason.
            while not self._out.empty():
                self._out.get_nowait()
            self._out.put_nowait({"type": "closed", "id": None, "reason": "too_slow"})
            self.close_soon()

    def send(self, message: Reply) -> None:
        self.deliver(message.model_dump(mode="json"))

    def close_soon(self) -> None:
        """Close after everything already queued has been written."""
        if self.closing:
            return
        self.closing = True
        try:
            self._out.put_nowait(None)
        except asyncio.QueueFull:
            self._writer.cancel()  # its `finally` closes the socket

    async def _write(self) -> None:
        try:
            while True:
                message = await self._out.get()
                if message is None:
                    break
                await self.ws.send_str(json.dumps(message, ensure_ascii=False))
        except (ConnectionError, RuntimeError):  # the peer went away mid-write
            pass
        finally:
            with contextlib.suppress(Exception):
                await self.ws.close()

    async def close(self) -> None:
        self.close_soon()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer
