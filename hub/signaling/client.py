"""A Python client of the hub's signaling and media: used by tests, the benchmark and `hub probe`."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from hub.signaling.client_media import ClientPeer
from hub.signaling.clip import Clip, encode_clip


class SignalingRefused(Exception):
    def __init__(self, reply: dict[str, Any]) -> None:
        super().__init__(f"{reply.get('code')}: {reply.get('reason')}")
        self.code = str(reply.get("code"))
        self.reply = reply


class HubClient:
    """One participant: a WebSocket to /ws and, after `start_media()`, a peer connection."""

    def __init__(
        self,
        url: str,
        token: str,
        room: str,
        *,
        origin: str | None = None,
        clip: Clip | None = None,
        ice_addresses: list[str] | None = None,
        decode: bool = True,
        **peer_options: Any,
    ) -> None:
        self.url = url
        self.token = token
        self.room = room
        parts = urlsplit(url)
        self.origin = origin or f"{'https' if parts.scheme == 'wss' else 'http'}://{parts.netloc}"
        self.clip = clip
        self.ice_addresses = ice_addresses or ["127.0.0.1"]
        self.decode = decode
        self.peer_options = peer_options
        self.events: list[dict[str, Any]] = []
        self.peer: ClientPeer | None = None
        self.joined: dict[str, Any] | None = None
        self.slots: dict[str, str | None] = {}
        self.sending_video = True
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._changed = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self._session = aiohttp.ClientSession()
        self._ws = await self._session.ws_connect(self.url, origin=self.origin, max_msg_size=4 * 1024 * 1024)
        self._reader = asyncio.ensure_future(self._read())

    async def send_raw(self, text: str) -> None:
        assert self._ws is not None
        await self._ws.send_str(text)

    async def request(self, message: dict[str, Any], *, wait: float = 10.0) -> dict[str, Any]:
        """Send a request and return its reply (`error` replies raise `SignalingRefused`)."""
        request_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        await self.send_raw(json.dumps({**message, "id": request_id}))
        try:
            reply = await asyncio.wait_for(future, wait)
        finally:
            self._pending.pop(request_id, None)
        if reply.get("type") == "error":
            raise SignalingRefused(reply)
        return reply

    async def join(self) -> dict[str, Any]:
        reply = await self.request({"type": "join", "room": self.room, "token": self.token})
        if reply["type"] == "joined":
            self._on_joined(reply)
        return reply

    async def wait_event(self, kind: str, wait: float = 10.0, since: int = 0) -> dict[str, Any]:
        deadline = time.monotonic() + wait
        while True:
            for event in self.events[since:]:
                if event.get("type") == kind:
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {kind} event")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def start_media(self) -> None:
        """Offer the m-lines `joined` named and apply the server's answer."""
        assert self.joined is not None, "join (and be admitted) first"
        self.peer = ClientPeer(
            self.joined["lines"], clip=self.clip, ice_addresses=self.ice_addresses, decode=self.decode, **self.peer_options
        )
        self.peer.set_sending(self.sending_video)
        reply = await self.request({"type": "offer", "sdp": await self.peer.offer()})
        await self.peer.accept(reply["sdp"])

    def _on_joined(self, message: dict[str, Any]) -> None:
        self.joined = message
        self.slots = dict(message["slots"])

    async def _read(self) -> None:
        assert self._ws is not None
        async for frame in self._ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            future = self._pending.get(message.get("id")) if isinstance(message.get("id"), int) else None
            if future is not None and not future.done():
                future.set_result(message)
            else:
                self._on_event(message)
            self._changed.set()
        self.events.append({"type": "_socket_closed"})
        self._changed.set()

    def _on_event(self, message: dict[str, Any]) -> None:
        self.events.append(message)
        kind = message.get("type")
        if kind == "joined":
            self._on_joined(message)
        elif kind == "slots":
            self.slots = dict(message["slots"])
        elif kind in ("stop_sending", "start_sending"):
            line = str(message.get("line", "camera"))
            if line == "camera":
                self.sending_video = kind == "start_sending"
            if self.peer is not None:
                self.peer.set_sending(kind == "start_sending", line)

    async def close(self) -> None:
        """Close the peer connection, the socket and the session, each even if closing one before it failed."""
        try:
            if self.peer is not None:
                await self.peer.close()
        finally:
            try:
                if self._ws is not None:
                    await self._ws.close()
                if self._reader is not None:
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._reader
            finally:
                if self._session is not None:
                    await self._session.close()


@dataclass
class ProbeResult:
    joined: bool
    sent_frames: int
    server_received_packets: int  # from the server's RTCP receiver reports
    received: dict[str, tuple[int, int, int, int]]  # slot -> (frames, decoded, width, height)
    detail: str

    @property
    def upstream(self) -> bool:
        return self.server_received_packets > 0

    @property
    def downstream(self) -> bool:
        return any(decoded > 0 for _, decoded, _, _ in self.received.values())


async def probe(
    url: str, token: str, room: str, *, seconds: float = 5.0, origin: str | None = None, ice_addresses: list[str] | None = None
) -> ProbeResult:
    """Join `room`, publish a synthetic 320x240 clip for `seconds`, and report what flowed each way."""
    clip = await asyncio.to_thread(encode_clip, 320, 240, 30, 2.0)
    client = HubClient(url, token, room, origin=origin, clip=clip, ice_addresses=ice_addresses)
    try:
        await client.connect()
        try:
            reply = await client.join()
            if reply["type"] == "lobby":
                await client.wait_event("joined", wait=seconds)
        except (SignalingRefused, TimeoutError) as exc:
            return ProbeResult(False, 0, 0, {}, f"not joined: {exc}")
        await client.start_media()
        await asyncio.sleep(seconds)
        assert client.peer is not None
        sent = sum(t.sent for t in client.peer.tracks.values())
        acknowledged = 0
        for transceiver in client.peer.pc.getTransceivers():
            if transceiver.direction == "sendonly":
                stats = await transceiver.sender.getStats()
                acknowledged += sum(
                    getattr(s, "packetsReceived", 0) or 0 for s in stats.values() if s.type == "remote-inbound-rtp"
                )
        received = {name: (s.frames, s.decoded, s.width, s.height) for name, s in client.peer.stats.items()}
        return ProbeResult(True, sent, acknowledged, received, "")
    finally:
        await client.close()


def print_probe(result: ProbeResult) -> int:
    """Print a probe's outcome for `hub probe ROOM`; exit status 0 only if media flowed both ways."""
    if not result.joined:
        print(f"join failed: {result.detail}")
        return 2
    print(
        f"sent {result.sent_frames} frames; server acknowledged {result.server_received_packets} packets: "
        f"upstream {'OK' if result.upstream else 'NONE'}"
    )
    for slot, (frames, decoded, width, height) in result.received.items():
        size = f" at {width}x{height}" if width else ""
        print(f"slot {slot}: {frames} frames received, {decoded} decoded{size}")
    print(f"downstream {'OK' if result.downstream else 'NONE (is anyone else sending?)'}")
    return 0 if result.upstream and result.downstream else 1
