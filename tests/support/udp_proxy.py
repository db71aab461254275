"""A userspace UDP impairment proxy (the kernel here has no netem): loss, bursts, delay, jitter, outages.

One client on one side, one server on the other: the client sends to `client_port`; the proxy forwards from
its own socket to `server`, and sends back what the server answers. Every decision comes from one seeded
random generator, so a run can be repeated. Used by tests and `bench/` for repair under loss.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Impairment:
    loss: float = 0.0  # probability a datagram is dropped
    burst_loss: float = 0.0  # probability a burst of losses starts
    burst_length: int = 5  # datagrams lost in a burst
    delay: float = 0.0  # seconds added to every datagram
    jitter: float = 0.0  # ± seconds at random (reorders datagrams when larger than their spacing)
    outages: list[tuple[float, float]] = field(default_factory=list)  # (start, end) seconds after start(): all lost


CANDIDATE = re.compile(r"(a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 )(\d+)( typ host)")


def route_through(sdp: str, port: int) -> tuple[str, int]:
    """`sdp` with its loopback host candidate moved to `port`, and the port it had.

    Both ends' candidates must name the proxy (the offer its `server_port`, the answer its `client_port`): when only
    one did, the other end's connectivity checks reached the client directly, which learnt a peer-reflexive candidate
    and could nominate a pair that bypasses the proxy (no loss at all in some runs)."""
    found = CANDIDATE.search(sdp)
    if found is None:
        raise ValueError("no 127.0.0.1 host candidate in the description")
    return CANDIDATE.sub(lambda m: f"{m.group(1)}{port}{m.group(3)}", sdp), int(found.group(2))


class _Side(asyncio.DatagramProtocol):
    def __init__(self, on_datagram: Any) -> None:
        self.on_datagram = on_datagram
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.on_datagram(data, addr)


class UdpProxy:
    def __init__(self, server: tuple[str, int], impairment: Impairment, seed: int = 1) -> None:
        self.server = server
        self.impairment = impairment
        self.random = random.Random(seed)
        self.client: tuple[str, int] | None = None
        self.client_port = 0
        self.server_port = 0  # where the server's datagrams to the client must go (see `route_through`)
        self.forwarded = 0
        self.dropped = 0
        self._burst = 0
        self._started = time.monotonic()
        self._front: _Side | None = None
        self._back: _Side | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        _, self._front = await loop.create_datagram_endpoint(lambda: _Side(self._from_client), local_addr=("127.0.0.1", 0))
        _, self._back = await loop.create_datagram_endpoint(lambda: _Side(self._from_server), local_addr=("127.0.0.1", 0))
        assert self._front.transport is not None
        self.client_port = self._front.transport.get_extra_info("sockname")[1]
        assert self._back.transport is not None
        self.server_port = self._back.transport.get_extra_info("sockname")[1]
        self._started = time.monotonic()

    def _from_client(self, data: bytes, addr: tuple[str, int]) -> None:
        self.client = addr
        assert self._back is not None
        self._pass(data, self._back, self.server)

    def _from_server(self, data: bytes, addr: tuple[str, int]) -> None:
        if self.client is not None and self._front is not None:
            self._pass(data, self._front, self.client)

    def _lost(self) -> bool:
        imp = self.impairment
        elapsed = time.monotonic() - self._started
        if any(start <= elapsed < end for start, end in imp.outages):
            return True
        if self._burst > 0:
            self._burst -= 1
            return True
        if imp.burst_loss and self.random.random() < imp.burst_loss:
            self._burst = imp.burst_length - 1
            return True
        return bool(imp.loss) and self.random.random() < imp.loss

    def _pass(self, data: bytes, side: _Side, to: tuple[str, int]) -> None:
        # STUN (first byte 0..3) keeps ICE alive through loss; only an outage cuts it too.
        stun = data[:1] < b"\x04"
        if (not stun and self._lost()) or (stun and self._in_outage()):
            self.dropped += 1
            return
        self.forwarded += 1
        imp = self.impairment
        wait = imp.delay + (self.random.uniform(-imp.jitter, imp.jitter) if imp.jitter else 0.0)
        transport = side.transport
        assert transport is not None
        if wait <= 0:
            transport.sendto(data, to)
        else:
            asyncio.get_running_loop().call_later(wait, self._send_late, transport, data, to)

    @staticmethod
    def _send_late(transport: asyncio.DatagramTransport, data: bytes, to: tuple[str, int]) -> None:
        if not transport.is_closing():  # the proxy may have closed meanwhile
            transport.sendto(data, to)

    def _in_outage(self) -> bool:
        elapsed = time.monotonic() - self._started
        return any(start <= elapsed < end for start, end in self.impairment.outages)

    def close(self) -> None:
        for side in (self._front, self._back):
            if side is not None and side.transport is not None:
                side.transport.close()
