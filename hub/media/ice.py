"""Limit the host candidates of a peer connection to the addresses media may use, and give its sockets room.

aioice gathers on every interface except loopback (`aioice.ice.get_host_addresses`). A deployment must
pick its network card (as Janus's ``ice_enforce_list`` does) and tests need exactly 127.0.0.1, so each
connection's gatherer is given its own list instead of patching the module for the whole process.

Each gathered socket asks the kernel for a 4 MB receive buffer (as SFUs do: Pion's and LiveKit's UDP muxes set
theirs to megabytes). The default (about 200 kB on Linux, which counts each datagram's whole buffer, so some 100
packets) overflows when the process is not scheduled for a few hundred milliseconds: measured on this shared
2-core machine, a conference's venue lost two thirds of its packets to ``RcvbufErrors`` at load 6, none at load 4.
The kernel caps the request at ``net.core.rmem_max`` (docs/operations.md says how to raise it).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import socket
from pathlib import Path
from typing import Any

import structlog
from aioice import Connection
from aioice.ice import TransportPolicy
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection
from aiortc.rtcconfiguration import RTCBundlePolicy

RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024
log = structlog.get_logger(__name__)
_capped_told = False


def peer_configuration(ice_servers: list[dict[str, Any]]) -> RTCConfiguration:
    """An `RTCConfiguration` from browser-style server dicts ({"urls": ..., "username": ..., "credential": ...})."""
    servers = [RTCIceServer(urls=s["urls"], username=s.get("username"), credential=s.get("credential")) for s in ice_servers]
    return RTCConfiguration(iceServers=servers, bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)


def restrict_host_addresses(pc: RTCPeerConnection, addresses: list[str]) -> None:
    """Make every gatherer of `pc` offer host candidates on exactly `addresses`.

    Call after the transceivers exist and before `setLocalDescription` (which gathers). STUN and TURN
    candidates are still gathered from these host addresses.
    """
    for transceiver in pc.getTransceivers():
        connection = transceiver.sender.transport.transport.iceGatherer._connection
        limit_connection(connection, list(addresses))


def limit_connection(connection: Connection, addresses: list[str]) -> None:
    """Make one aioice connection gather host candidates on exactly `addresses` (also each ICE restart's)."""
    if getattr(connection, "_hub_addresses", None) is not None:
        return
    connection._hub_addresses = addresses  # type: ignore[attr-defined]

    async def gather_candidates() -> None:
        # Same steps as aioice 0.13's Connection.gather_candidates, with our addresses.
        if connection._local_candidates_start:
            return
        connection._local_candidates_start = True
        hosts = addresses if connection._transport_policy == TransportPolicy.ALL else []
        found = await asyncio.gather(
            *(connection.get_component_candidates(component=c, addresses=hosts) for c in connection._components)
        )
        for candidates in found:
            connection._local_candidates += candidates
        connection._local_candidates_end = True
        enlarge_receive_buffers(connection)

    connection.gather_candidates = gather_candidates  # type: ignore[method-assign]


@functools.cache
def rmem_max() -> int | None:
    """The kernel's cap on a socket's receive buffer (Linux), or None where it cannot be read."""
    try:
        return int(Path("/proc/sys/net/core/rmem_max").read_text())
    except (OSError, ValueError):
        return None


def enlarge_receive_buffers(connection: Connection) -> None:
    """Ask for a large receive buffer on every socket the connection gathered (best effort: a refusal leaves the
    kernel's default, told once in the log)."""
    global _capped_told
    for protocol in connection._protocols:
        transport = getattr(protocol, "transport", None)
        sock = transport.get_extra_info("socket") if transport is not None else None
        if sock is None:
            continue
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
        cap = rmem_max()
        if not _capped_told and cap is not None and cap < RECEIVE_BUFFER_BYTES:
            _capped_told = True
            log.warning("udp_receive_buffer_capped", wanted=RECEIVE_BUFFER_BYTES, rmem_max=cap,
                        fix=f"sysctl -w net.core.rmem_max={RECEIVE_BUFFER_BYTES}")  # fmt: skip
