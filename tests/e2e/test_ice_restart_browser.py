"""A network change under a browser in a call: its media path dies, the page restarts ICE on the same
RTCPeerConnection (`pc.restartIce()`, the offer with `restart: true`, trickled candidates), and media flows again
with the same server connection, DTLS session, participant and slots; no new join, no new connection.

The path is cut at the hub: the server's sockets of the connection's current ICE generation stop passing datagrams
both ways (loopback has no other way to take an address away from a browser); the restart's new generation has new
sockets, so the new path is a real new one.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from hub.media.ice_restart import restartable
from hub.rooms.models import SessionKind
from hub.rooms.participants import ParticipantRole
from hub.signaling.keys import SIGNALING
from tests.e2e.conftest import acknowledge_recording_notice, until, watch_errors
from tests.rooms.factories import enrolled_device, planned_session

pytestmark = pytest.mark.browser

DEADLINE = 30.0


async def _frames(page: Any) -> int:
    return int(await page.get_attribute('[data-part="quality"]', "data-frames-decoded") or 0)


async def _restarts(page: Any) -> int:
    return int(await page.evaluate("() => document.querySelector('[data-ice-restarts]')?.dataset.iceRestarts || 0"))


def cut(connection: Any) -> None:
    """Stop every socket of one aioice connection from passing datagrams, both ways."""
    for protocol in connection._protocols:
        protocol.datagram_received = lambda data, addr: None
        protocol.transport.sendto = lambda data, addr=None: None


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_a_browser_restarts_ice_after_a_network_change(chromium, hub_origin, app, database, clock):  # type: ignore[no-untyped-def]
    origin = hub_origin
    device = await enrolled_device(database, "xini.kiosk", clock.now())
    session_id = await planned_session(
        database,
        "group1.1",
        ["county.interview.1", "xini.kiosk"],
        clock.now(),
        kind=SessionKind.RECEPTION,
        rooms={"xini.kiosk": ParticipantRole.PETITIONER},
    )
    errors: list[str] = []

    staff_context = await chromium.new_context()
    staff = await staff_context.new_page()
    watch_errors(staff, errors)
    await staff.goto(f"{origin}/signin")
    await staff.fill("input[name=username]", "group1.1")
    await staff.fill("input[name=password]", "hub-demo-2026")
    await staff.click("button[type=submit]")
    await staff.wait_for_url(f"{origin}/home")
    await staff.goto(f"{origin}/rooms/sessions/{session_id}/call")
    await staff.wait_for_selector('[data-part="prejoin-status"]:has-text("摄像头和麦克风已就绪")')
    await staff.click('[data-part="join"]')
    await staff.wait_for_selector('[data-part="call"]:visible')

    kiosk_context = await chromium.new_context()
    await kiosk_context.add_cookies([{"name": "hub_device", "value": device.credential, "url": origin}])
    kiosk = await kiosk_context.new_page()
    watch_errors(kiosk, errors)
    await kiosk.goto(f"{origin}/kiosk")
    call_button = f'button[data-session="{session_id}"]'
    await kiosk.wait_for_selector(call_button, timeout=DEADLINE * 1000)
    await kiosk.click(call_button)
    await kiosk.wait_for_selector('[data-part="prejoin-status"]:has-text("摄像头和麦克风已就绪")')
    await kiosk.click('[data-part="join"]')
    await acknowledge_recording_notice(kiosk)
    admit = '[data-part="waiting"] button[data-action="admit"]'
    await staff.wait_for_selector(admit, timeout=DEADLINE * 1000)
    await staff.click(admit)
    await kiosk.wait_for_selector('[data-part="call"]:visible')
    for page in (staff, kiosk):
        first = await until(lambda p=page: _frames(p), "frames decoded")
        await until(lambda p=page, f=first: _grown(p, f), "frames decoded to grow")

    service = app[SIGNALING]
    kiosk_id = f"device-{device.device.id}"
    room = service.media.room(f"session-{session_id}")
    peer = room.peers[kiosk_id]
    ice = restartable(peer.pc)
    dtls = peer.pc.getTransceivers()[0].sender.transport
    sockets = [c for c in service.connections if c.participant == kiosk_id]
    slots = dict(room.peers[kiosk_id].mapping)
    assert len(sockets) == 1 and ice.generation == 0
    # the page builds one RTCPeerConnection per connection: count them from now on
    await kiosk.evaluate(
        """() => { window.__newConnections = 0; const Original = window.RTCPeerConnection;
                   window.RTCPeerConnection = function (...args) { window.__newConnections += 1;
                                                                  return new Original(...args); }; }"""
    )

    started = time.monotonic()
    cut(ice.current)
    await until(lambda: _restarts(kiosk), "the page to restart ICE", deadline=DEADLINE)
    restarted = time.monotonic() - started
    assert ice.generation == 1  # the hub moved the same connection onto the new pair
    # the page's candidates came trickled (`ice` after the offer), not only learnt from its checks (peer-reflexive)
    assert any(c.type == "host" and c.host == "127.0.0.1" for c in ice.current.remote_candidates)
    again = await _frames(kiosk)
    await until(lambda: _grown(kiosk, again + 10), "frames at the kiosk after the restart")
    other = await _frames(staff)
    await until(lambda: _grown(staff, other + 10), "frames at the host after the restart")
    print(f"cut → ICE restarted and connected: {restarted:.1f} s; → frames at both pages: {time.monotonic() - started:.1f} s")

    assert room.peers[kiosk_id] is peer and peer.pc.connectionState == "connected"
    assert peer.pc.getTransceivers()[0].sender.transport is dtls and dtls.state == "connected"
    assert room.peers[kiosk_id].mapping == slots
    assert [c for c in service.connections if c.participant == kiosk_id] == sockets  # no rejoin
    assert await kiosk.evaluate("() => window.__newConnections") == 0  # same RTCPeerConnection
    await kiosk.wait_for_selector('[data-part="reconnect"]', state="hidden")

    await kiosk_context.close()
    await staff_context.close()
    assert errors == [], errors


async def _grown(page: Any, before: int) -> bool:
    return await _frames(page) > before
