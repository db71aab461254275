"""A client written only from docs/protocol.md: no import from `hub` (test_client.py checks that).

It speaks the WebSocket protocol with aiohttp and the media with aiortc, as a third party would: join with
a room token, offer exactly the m-lines `joined.lines` lists (max-bundle, in that order), trickle nothing
(aiortc gathers before offering), apply the answer, and count what arrives on its receive slots.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import aiohttp
import aioice.ice
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamTrack, VideoStreamTrack
from aiortc.rtcconfiguration import RTCBundlePolicy, RTCIceTransportPolicy
from av import VideoFrame


def loopback_only() -> Any:
    """aioice leaves 127.0.0.1 out of its host candidates; a test on one machine needs exactly it.

    Returns the original function, to put back."""
    original = aioice.ice.get_host_addresses
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]
    return original


class SmallVideo(VideoStreamTrack):
    """A moving 320×240 picture: cheap to encode, changes every frame."""

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        shade = 16 + (pts // 3000) % 200
        frame = VideoFrame(320, 240, "yuv420p")
        for plane in frame.planes:
            plane.update(bytes([shade if plane is frame.planes[0] else 128]) * plane.buffer_size)
        frame.pts, frame.time_base = pts, time_base
        return frame


class DocClient:
    def __init__(self, url: str, origin: str, room: str, token: str) -> None:
        self.url, self.origin, self.room, self.token = url, origin, room, token
        self.ids = itertools.count(1)
        self.replies: dict[Any, asyncio.Future[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self.received: dict[str, int] = {}
        self.pc: RTCPeerConnection | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    async def connect(self) -> None:
        self._session = aiohttp.ClientSession()
        self._ws = await self._session.ws_connect(self.url, headers={"Origin": self.origin})
        self._tasks.append(asyncio.create_task(self._read()))

    async def _read(self) -> None:
        assert self._ws is not None
        async for frame in self._ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                break
            message = frame.json()
            waiter = self.replies.pop(message.get("id"), None) if message.get("id") is not None else None
            if waiter is not None and not waiter.done():
                waiter.set_result(message)
            else:
                self.events.append(message)

    async def request(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send a request with a fresh id; the reply carries the same id (docs: Connection)."""
        assert self._ws is not None
        request_id = next(self.ids)
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.replies[request_id] = waiter
        await self._ws.send_json({**message, "id": request_id})
        return await asyncio.wait_for(waiter, 10)

    async def join(self) -> dict[str, Any]:
        reply = await self.request({"type": "join", "room": self.room, "token": self.token})
        if reply["type"] != "joined":
            raise RuntimeError(f"join refused: {reply}")
        return reply

    async def start_media(self, joined: dict[str, Any], relay_only: bool = False) -> None:
        """Offer the m-lines of `joined.lines` in that order, on one bundled transport (docs: Media).

        The STUN/TURN servers are `joined.ice_servers`; `relay_only` is the browser's iceTransportPolicy
        "relay" (a township behind NAT: every packet goes through the TURN server)."""
        servers = [
            RTCIceServer(urls=s["urls"], username=s.get("username"), credential=s.get("credential"))
            for s in joined.get("ice_servers", [])
        ]
        policy = RTCIceTransportPolicy.RELAY if relay_only else RTCIceTransportPolicy.ALL
        configuration = RTCConfiguration(iceServers=servers, bundlePolicy=RTCBundlePolicy.MAX_BUNDLE, iceTransportPolicy=policy)
        self.pc = pc = RTCPeerConnection(configuration)
        names: list[str] = []
        for line in joined["lines"]:
            if line["direction"] == "sendonly":
                track: MediaStreamTrack = SmallVideo() if line["kind"] == "video" else AudioStreamTrack()
                pc.addTransceiver(track, direction="sendonly")
            else:
                pc.addTransceiver(line["kind"], direction="recvonly")
            names.append(line["name"])

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            mids = [t.mid for t in pc.getTransceivers()]
            for transceiver in pc.getTransceivers():
                if transceiver.receiver.track is track:
                    name = names[mids.index(transceiver.mid)]
                    self._tasks.append(asyncio.create_task(self._count(name, track)))

        await pc.setLocalDescription(await pc.createOffer())
        answer = await self.request({"type": "offer", "sdp": pc.localDescription.sdp})
        if answer["type"] != "answer":
            raise RuntimeError(f"offer refused: {answer}")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))

    async def _count(self, name: str, track: MediaStreamTrack) -> None:
        self.received.setdefault(name, 0)
        while True:
            try:
                await track.recv()
            except Exception:  # the track ended
                return
            self.received[name] += 1

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self.pc is not None:
            await self.pc.close()
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()
