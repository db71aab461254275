"""Limit the host candidates of a peer connection to the addresses media may use.

aioice gathers on every interface except loopback (`aioice.ice.get_host_addresses`). A deployment must
pick its network card (as Janus's ``ice_enforce_list`` does) and tests need exactly 127.0.0.1, so each
connection's gatherer is given its own list instead of patching the module for the whole process.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aioice import Connection
from aioice.ice import TransportPolicy
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection
from aiortc.rtcconfiguration import RTCBundlePolicy


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
        _limit(connection, list(addresses))


def _limit(connection: Connection, addresses: list[str]) -> None:
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

    connection.gather_candidates = gather_candidates  # type: ignore[method-assign]
