"""ICE restart on a live aiortc `RTCPeerConnection`: new credentials, new checks, same DTLS/SRTP session.

aiortc 1.16 cannot restart ICE by itself: `RTCIceTransport.start()` returns at once when it ran before, the
gatherer's credentials are those of the one `aioice.Connection` made with it, and aioice has no restart. But
everything above ICE reaches aioice through one object, the gatherer's and transport's ``_connection``:

* the SDP reads ``local_username``, ``local_password`` and ``local_candidates`` from it (`createOffer`,
  `createAnswer`), and `setRemoteDescription`/`addIceCandidate` hand it the remote candidates
  (``add_remote_candidate``); the ICE role is written to ``ice_controlling``;
* DTLS reads and writes datagrams with ``recv()``/``send()`` (bound once, as ``RTCIceTransport._recv``/``_send``),
  and the transport's monitor waits on ``get_event()`` for the connection's end.

`RestartableConnection` stands in that place. It delegates to one aioice `Connection` at a time for data (the
generation that carries datagrams) and to the newest one for ICE (credentials, candidates). A restart
(`prepare` then `start`) builds a new aioice `Connection` with new credentials, gathers it (host candidates on the
configured addresses: well under a millisecond, no STUN/TURN on the server), runs connectivity checks against the
new remote candidates, and once a pair is nominated swaps the data path: sends go out on the new pair, the old
generation is closed, which wakes the `recv()` DTLS is waiting in, and it goes on reading the new one. DTLS above
sees one datagram transport that paused: no new handshake, the SRTP keys and every transceiver carry on.

Until the new generation is nominated the old one still carries data (RFC 8445 §9: media continues on the old
pair during a restart); if the new checks fail, the old generation stays and the restart is reported failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from aioice import Candidate, Connection
from aioice.ice import ConnectionEvent
from aiortc import RTCPeerConnection
from aiortc.rtcicetransport import RTCIceTransport

from hub.media.ice import limit_connection

log = logging.getLogger(__name__)

CONNECT_SECONDS = 10.0  # a restart whose checks have not succeeded by then has failed


class RestartError(Exception):
    """An ICE restart that cannot be done (closed connection, not restartable, checks failed)."""


class RestartableConnection:
    """An `aioice.Connection` for aiortc whose ICE can be restarted under a live DTLS transport."""

    def __init__(self, first: Connection, prepare_new: Callable[[Connection], None] | None = None) -> None:
        self._ice = first  # the newest generation: credentials, local and remote candidates
        self._data = first  # the generation that carries datagrams (the newest once it has a nominated pair)
        self._prepare_new = prepare_new  # applied to each new generation before it gathers (host addresses)
        self._closing = False
        self._connecting: asyncio.Task[None] | None = None
        self.generation = 0  # restarts completed

    # What aiortc reads and writes.
    @property
    def ice_controlling(self) -> bool:
        return self._ice.ice_controlling

    @ice_controlling.setter
    def ice_controlling(self, value: bool) -> None:
        for connection in {self._ice, self._data}:
            connection.ice_controlling = value

    @property
    def remote_is_lite(self) -> bool:
        return self._ice.remote_is_lite

    @remote_is_lite.setter
    def remote_is_lite(self, value: bool) -> None:
        self._ice.remote_is_lite = value

    @property
    def remote_username(self) -> str | None:
        return self._ice.remote_username

    @remote_username.setter
    def remote_username(self, value: str | None) -> None:
        self._ice.remote_username = value

    @property
    def remote_password(self) -> str | None:
        return self._ice.remote_password

    @remote_password.setter
    def remote_password(self, value: str | None) -> None:
        self._ice.remote_password = value

    @property
    def local_username(self) -> str:
        return self._ice.local_username

    @property
    def local_password(self) -> str:
        return self._ice.local_password

    @property
    def local_candidates(self) -> list[Candidate]:
        return self._ice.local_candidates

    @property
    def remote_candidates(self) -> list[Candidate]:
        return self._ice.remote_candidates

    @property
    def restarting(self) -> bool:
        """A new generation exists that does not carry data yet."""
        return self._ice is not self._data

    @property
    def newest(self) -> Connection:
        """The newest generation (the one whose credentials the descriptions carry)."""
        return self._ice

    @property
    def current(self) -> Connection:
        """The generation that carries datagrams now."""
        return self._data

    # The hub's packet path reads these per packet (hub/media/packets.py): plain properties, not __getattr__.
    @property
    def _nominated(self) -> dict[int, Any]:
        return self._data._nominated

    @property
    def _protocols(self) -> list[Any]:
        return self._data._protocols

    def __getattr__(self, name: str) -> Any:
        # Anything else is the data generation's.
        return getattr(self._data, name)

    async def add_remote_candidate(self, candidate: Candidate | None) -> None:
        if self._ice._remote_candidates_end:
            return  # as RTCIceTransport does: nothing after end-of-candidates (a failed restart's late candidates)
        await self._ice.add_remote_candidate(candidate)

    async def gather_candidates(self) -> None:
        await self._ice.gather_candidates()

    async def connect(self) -> None:
        # aiortc calls this once, for the first generation (RTCIceTransport.start); restarts use `start`.
        await self._ice.connect()

    async def recv(self) -> bytes:
        while True:
            connection = self._data
            try:
                return await connection.recv()
            except ConnectionError:
                if connection is self._data or self._closing:
                    raise
                # the generation was replaced while we waited on it: read the new one

    async def send(self, data: bytes) -> None:
        await self._data.send(data)

    async def get_event(self) -> ConnectionEvent | None:
        while True:
            connection = self._data
            event = await connection.get_event()
            if connection is self._data or self._closing:
                return event
            # the end of a replaced generation is not the end of the transport

    async def close(self) -> None:
        self._closing = True
        if self._connecting is not None:
            self._connecting.cancel()
        # the data generation last: its ConnectionClosed is the transport's end
        if self._ice is not self._data:
            await self._ice.close()
        await self._data.close()

    # The restart.
    async def prepare(self) -> None:
        """Make a new generation with new credentials and gather its candidates; the old one carries data meanwhile.

        After this, `local_username`/`local_password`/`local_candidates` (so the next offer or answer) are the new
        generation's, and remote candidates go to it."""
        if self._closing:
            raise RestartError("the connection is closed")
        if self._data._closed:
            raise RestartError("the connection's ICE has ended (consent expired or closed): offer a new connection")
        if not self._data._nominated:
            raise RestartError("the connection has not connected yet: nothing to restart")
        await self._drop_unfinished()
        old = self._data
        new = Connection(
            ice_controlling=old.ice_controlling,
            components=len(old._components),
            stun_server=old.stun_server,
            turn_server=old.turn_server,
            turn_username=old.turn_username,
            turn_password=old.turn_password,
            turn_ssl=old.turn_ssl,
            turn_transport=old.turn_transport,
            use_ipv4=old._use_ipv4,
            use_ipv6=old._use_ipv6,
            transport_policy=old._transport_policy,
        )
        if self._prepare_new is not None:
            self._prepare_new(new)
        try:
            await new.gather_candidates()
        except BaseException:
            await new.close()
            raise
        if not new.local_candidates:
            await new.close()
            raise RestartError("no local candidate could be gathered")
        self._ice = new

    def start(self, username: str, password: str, *, lite: bool = False) -> asyncio.Task[None]:
        """Run the new generation's checks against the remote `username`/`password` (from the remote description)
        and swap the data path once a pair is nominated. The task raises `RestartError` if the checks fail."""
        if not self.restarting:
            raise RestartError("prepare() first")
        new = self._ice
        new.remote_username, new.remote_password, new.remote_is_lite = username, password, lite
        self._connecting = asyncio.ensure_future(self._connect(new))
        return self._connecting

    async def _connect(self, new: Connection) -> None:
        try:
            await asyncio.wait_for(new.connect(), CONNECT_SECONDS)
        except (ConnectionError, TimeoutError) as exc:
            if self._ice is new:
                self._ice = self._data
            await new.close()
            raise RestartError(f"the new connectivity checks failed: {exc or 'timed out'}") from None
        if self._closing or self._ice is not new:
            await new.close()
            raise RestartError("the restart was superseded")
        old, self._data = self._data, new
        self.generation += 1
        log.info("ice_restarted generation=%d pair=%s", self.generation, new._nominated.get(1))
        await old.close()  # wakes the recv() DTLS waits in; it goes on with the new generation

    async def _drop_unfinished(self) -> None:
        if self._connecting is not None and not self._connecting.done():
            self._connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError, RestartError):
                await self._connecting
        if self._ice is not self._data:
            unfinished, self._ice = self._ice, self._data
            await unfinished.close()


def bundle_transport(pc: RTCPeerConnection) -> RTCIceTransport:
    """The ICE transport every m-line uses (max-bundle: the first transceiver's)."""
    transport: RTCIceTransport = pc.getTransceivers()[0].sender.transport.transport
    return transport


def make_restartable(pc: RTCPeerConnection) -> None:
    """Put a `RestartableConnection` under every ICE transport of `pc` (after the transceivers exist and after
    `ice.restrict_host_addresses`, before the first description is set)."""
    for transceiver in pc.getTransceivers():
        transport = transceiver.sender.transport.transport
        connection = transport._connection
        if isinstance(connection, RestartableConnection):
            continue
        addresses = getattr(connection, "_hub_addresses", None)
        prepare_new = None if addresses is None else (lambda c, a=list(addresses): limit_connection(c, a))
        wrapper = RestartableConnection(connection, prepare_new)
        # typed as aioice's Connection by aiortc: the wrapper has every member aiortc uses (see the module's doc)
        transport.iceGatherer._connection = wrapper  # type: ignore[assignment]
        transport._connection = wrapper  # type: ignore[assignment]
        transport._recv = wrapper.recv
        transport._send = wrapper.send


def restartable(pc: RTCPeerConnection) -> RestartableConnection:
    connection = bundle_transport(pc)._connection
    if not isinstance(connection, RestartableConnection):
        raise RestartError("this connection was not made restartable")
    return connection


async def prepare_restart(pc: RTCPeerConnection) -> RestartableConnection:
    """Begin a restart on `pc`: new local credentials and candidates, which the next description carries.

    The remote candidates of the next remote description go to the new generation (the gatherer's
    end-of-candidates flag is cleared, as the new generation has had none)."""
    transport = bundle_transport(pc)
    if transport.state == "closed" or pc.connectionState in ("closed", "failed"):
        raise RestartError(f"the connection is {pc.connectionState}")
    connection = restartable(pc)
    await connection.prepare()
    transport.iceGatherer._remote_candidates_end = False
    return connection
