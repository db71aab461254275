"""The sockets a peer connection gathers get a large receive buffer (packets a starved process cannot read yet wait in
the kernel instead of being dropped), and only the addresses media may use."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from aiortc import RTCPeerConnection

from hub.media.ice import RECEIVE_BUFFER_BYTES, peer_configuration, restrict_host_addresses, rmem_max


def rmem_default() -> int:
    return int(Path("/proc/sys/net/core/rmem_default").read_text())


async def test_gathered_sockets_ask_for_a_large_receive_buffer():
    cap = rmem_max()
    default = rmem_default() if cap is not None else 0
    if cap is None or cap <= default:
        pytest.skip("this kernel allows no receive buffer larger than its default (net.core.rmem_max)")
    pc = RTCPeerConnection(peer_configuration([]))
    try:
        pc.addTransceiver("video", direction="recvonly")
        restrict_host_addresses(pc, ["127.0.0.1"])
        await pc.setLocalDescription(await pc.createOffer())
        connection = pc.getTransceivers()[0].receiver.transport.transport.iceGatherer._connection
        sizes = []
        for protocol in connection._protocols:
            sock = protocol.transport.get_extra_info("socket")
            sizes.append(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
            assert sock.getsockname()[0] == "127.0.0.1"
        assert sizes, "gathering opened no socket"
        # Linux doubles the value asked for (its bookkeeping), capped at rmem_max
        assert all(size >= min(RECEIVE_BUFFER_BYTES, cap) for size in sizes), (sizes, cap)
    finally:
        await pc.close()
