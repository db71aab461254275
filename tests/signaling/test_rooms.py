"""Signaling over a real WebSocket: joining, the lobby, rights, reconnecting, ending, media through the server."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

import aiohttp
import pytest
import structlog.testing

from hub.media import SlotLayout
from hub.rooms.participants import ParticipantRole
from hub.signaling.client import SignalingRefused
from hub.signaling.clip import Clip
from tests.signaling.conftest import ORIGIN, Hub


async def eventually(condition: Callable[[], bool], limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_two_clients_exchange_media_through_the_server(hub: Hub, clip: Clip) -> None:
    host = await hub.client("r1", "host", ParticipantRole.HOST, clip=clip)
    clerk = await hub.client("r1", "clerk", ParticipantRole.CLERK, clip=clip)
    assert host.joined is not None and host.joined["you"]["role"] == "host"
    assert [line["name"] for line in host.joined["lines"]] == ["camera", "microphone", "main", "thumb1", "audio1", "audio2"]
    assert [p["id"] for p in clerk.joined["participants"]] == ["host"]  # type: ignore[index]
    await host.wait_event("participant_joined")
    await host.start_media()
    await clerk.start_media()
    await eventually(lambda: host.slots.get("main") == "clerk" and clerk.slots.get("main") == "host")
    assert host.peer is not None and clerk.peer is not None
    await eventually(lambda: host.peer.stats["main"].decoded >= 15 and clerk.peer.stats["main"].decoded >= 15)  # type: ignore[union-attr]
    await eventually(lambda: host.peer.stats["audio1"].decoded >= 20 and clerk.peer.stats["audio1"].decoded >= 20)  # type: ignore[union-attr]
    for client in (host, clerk):
        assert (client.peer.stats["main"].width, client.peer.stats["main"].height) == (640, 480)  # type: ignore[union-attr]
    joined = [e.participant for e in hub.events if e.reason == "joined"]
    assert joined == ["host", "clerk"]


async def test_tokens_for_another_room_expired_or_forged_are_refused(hub: Hub) -> None:
    await hub.client("r1", "host", ParticipantRole.HOST)
    other = await hub.client("r1", "x", ParticipantRole.CLERK, token=hub.token("r2", "x", ParticipantRole.CLERK), join=False)
    with pytest.raises(SignalingRefused) as caught:
        await other.join()
    assert caught.value.code == "wrong_room"
    expired = await hub.client(
        "r1", "y", ParticipantRole.CLERK, token=hub.token("r1", "y", ParticipantRole.CLERK, ttl=-1), join=False
    )
    with pytest.raises(SignalingRefused) as caught:
        await expired.join()
    assert caught.value.code == "token_expired"
    forged = hub.token("r1", "z", ParticipantRole.CLERK)[:-4] + "AAAA"
    intruder = await hub.client("r1", "z", ParticipantRole.CLERK, token=forged, join=False)
    with pytest.raises(SignalingRefused) as caught:
        await intruder.join()
    assert caught.value.code == "bad_token"
    # Refused connections stay usable, and nobody got in.
    assert (await intruder.request({"type": "ping"}))["type"] == "pong"
    assert set(hub.service.rooms["r1"].members) == {"host"}


async def test_a_room_token_joins_once_and_is_forgotten_when_it_expires(hub: Hub) -> None:
    """Issue 14, finding 12: a room token is single use; a reconnect fetches a new one."""
    await hub.client("r1", "host", ParticipantRole.HOST)
    token = hub.token("r1", "clerk", ParticipantRole.CLERK)
    first = await hub.client("r1", "clerk", ParticipantRole.CLERK, token=token)
    assert first.joined is not None and first.joined["type"] == "joined"
    replay = await hub.client("r1", "clerk", ParticipantRole.CLERK, token=token, join=False)
    with pytest.raises(SignalingRefused) as caught:
        await replay.join()
    assert caught.value.code == "token_used"
    assert (await first.request({"type": "ping"}))["type"] == "pong"  # the first seat was not replaced
    fresh = await hub.client("r1", "clerk", ParticipantRole.CLERK)  # a new token reconnects the same seat
    assert fresh.joined is not None and fresh.joined["you"]["id"] == "clerk"
    # memory is bounded: a used nonce is forgotten once its token has expired
    service = hub.service
    service._spend("old-nonce", 1)
    service._spend("later", 10**12)
    assert "old-nonce" not in service._used_tokens and "later" in service._used_tokens


async def test_wrong_origin_is_refused_before_upgrade(hub: Hub) -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
            await session.ws_connect(hub.url, origin="http://evil.example")
        assert caught.value.status == 403
        ws = await session.ws_connect(hub.url, origin=ORIGIN)
        await ws.close()


async def test_lobby_admit_one_at_a_time_and_only_by_those_allowed(hub: Hub) -> None:
    host = await hub.client("r1", "host", ParticipantRole.HOST)
    kiosk = await hub.client("r1", "kiosk", ParticipantRole.KIOSK, join=False)
    reply = await kiosk.join()
    assert reply == {"type": "lobby", "id": reply["id"], "position": 1}
    petitioner = await hub.client("r1", "pet", ParticipantRole.PETITIONER, join=False)
    assert (await petitioner.join())["position"] == 2
    waiting = await host.wait_event("lobby_waiting")
    assert [p["id"] for p in waiting["waiting"]] == ["kiosk"]
    # Someone waiting can do nothing yet.
    with pytest.raises(SignalingRefused) as caught:
        await kiosk.request({"type": "media_state", "audio": False, "video": True})
    assert caught.value.code == "out_of_order"
    await host.request({"type": "admit", "participant": "kiosk"})
    joined = await kiosk.wait_event("joined")
    assert joined["you"]["role"] == "kiosk" and [p["id"] for p in joined["participants"]] == ["host"]
    assert (await petitioner.wait_event("lobby", since=0))["position"] in (1, 2)
    # A kiosk may not admit, nor end, nor remove; a petitioner never gains control.
    for message in (
        {"type": "admit", "participant": "pet"},
        {"type": "end"},
        {"type": "remove", "participant": "host"},
        {"type": "set_presenter", "participant": "kiosk"},
    ):
        with pytest.raises(SignalingRefused) as caught:
            await kiosk.request(message)
        assert caught.value.code == "forbidden"
    await host.request({"type": "deny", "participant": "pet"})
    denied = await petitioner.wait_event("denied")
    assert denied["reason"] == "denied"
    await petitioner.wait_event("_socket_closed")
    assert set(hub.service.rooms["r1"].members) == {"host", "kiosk"}
    with pytest.raises(SignalingRefused) as caught:
        await host.request({"type": "admit", "participant": "pet"})
    assert caught.value.code == "not_found"


async def test_out_of_order_messages_get_errors_and_the_connection_lives(hub: Hub) -> None:
    client = await hub.client("r1", "a", ParticipantRole.HOST, join=False)
    for message in (
        {"type": "offer", "sdp": "v=0"},
        {"type": "admit", "participant": "b"},
        {"type": "leave"},
        {"type": "ice", "candidate": None},
    ):
        with pytest.raises(SignalingRefused) as caught:
            await client.request(message)
        assert caught.value.code == "out_of_order"
    await client.join()
    with pytest.raises(SignalingRefused) as caught:
        await client.join()
    assert caught.value.code == "out_of_order"
    with pytest.raises(SignalingRefused) as caught:
        await client.request({"type": "ice", "candidate": None})  # before any offer
    assert caught.value.code == "out_of_order"
    with pytest.raises(SignalingRefused) as caught:
        await client.request({"type": "offer", "sdp": "v=0\r\nnot sdp"})
    assert caught.value.code == "media_failed"
    assert (await client.request({"type": "ping"}))["type"] == "pong"


async def test_reconnect_gets_role_and_slots_back_and_closes_the_old_socket(hub: Hub, clip: Clip) -> None:
    host = await hub.client("r1", "host", ParticipantRole.HOST, clip=clip)
    await host.start_media()
    pet = await hub.client("r1", "pet", ParticipantRole.PETITIONER, clip=clip, join=False)
    await pet.join()
    await host.request({"type": "admit", "participant": "pet"})
    await pet.wait_event("joined")
    await pet.start_media()
    await eventually(lambda: pet.slots.get("main") == "host")
    again = await hub.client("r1", "pet", ParticipantRole.PETITIONER, clip=clip, join=False)
    reply = await again.join()
    assert reply["type"] == "joined" and reply["you"]["role"] == "petitioner"  # no second wait in the lobby
    assert reply["slots"]["main"] == "host"
    closed = await pet.wait_event("closed")
    assert closed["reason"] == "replaced"
    await again.start_media()
    assert again.peer is not None
    await eventually(lambda: again.peer.stats["main"].decoded >= 5)  # type: ignore[union-attr]
    assert [e.get("type") for e in host.events].count("participant_left") == 0


async def test_dropped_participant_leaves_after_the_grace(hub: Hub) -> None:
    host = await hub.client("r1", "host", ParticipantRole.HOST)
    clerk = await hub.client("r1", "clerk", ParticipantRole.CLERK)
    await clerk.close()
    left = await host.wait_event("participant_left", wait=5)
    assert left == {"type": "participant_left", "id": None, "participant": "clerk", "reason": "disconnected"}
    assert [(e.participant, e.reason) for e in hub.events if e.reason != "joined"] == [("clerk", "disconnected")]


async def test_host_ends_the_room_for_everyone(hub: Hub) -> None:
    host = await hub.client("r1", "host", ParticipantRole.HOST)
    clerk = await hub.client("r1", "clerk", ParticipantRole.CLERK)
    with pytest.raises(SignalingRefused) as caught:
        await clerk.request({"type": "end"})
    assert caught.value.code == "forbidden"
    await host.request({"type": "end"})
    for client in (host, clerk):
        assert (await client.wait_event("ended"))["reason"] == "ended_by_host"
        await client.wait_event("_socket_closed")
    assert any(e.participant is None and e.reason == "ended_by_host" for e in hub.events)
    late = await hub.client("r1", "late", ParticipantRole.CLERK, join=False)
    with pytest.raises(SignalingRefused) as caught:
        await late.join()
    assert caught.value.code == "room_ended"
    assert hub.service.media.rooms == {}


async def test_outside_removal_and_recording_state(hub: Hub) -> None:
    host = await hub.client("r1", "host", ParticipantRole.HOST)
    clerk = await hub.client("r1", "clerk", ParticipantRole.CLERK)
    hub.service.set_recording("r1", True)
    for client in (host, clerk):
        assert (await client.wait_event("recording"))["active"] is True
    assert await hub.service.remove_participant("r1", "clerk", reason="session_revoked")
    assert (await clerk.wait_event("closed"))["reason"] == "session_revoked"
    assert (await host.wait_event("participant_left"))["reason"] == "session_revoked"
    assert not await hub.service.remove_participant("r1", "clerk")
    late = await hub.client("r1", "late", ParticipantRole.CLERK)
    assert late.joined is not None and late.joined["recording"] is True


async def test_not_recording_is_told_with_its_reason_to_everyone_and_to_who_joins_later(hub: Hub) -> None:
    host = await hub.client("r1", "host", ParticipantRole.HOST)
    clerk = await hub.client("r1", "clerk", ParticipantRole.CLERK)
    hub.service.set_recording("r1", False, "disk_full", acknowledge=True)
    for client in (host, clerk):
        event = await client.wait_event("recording")
        assert (event["active"], event["reason"], event["acknowledge"]) == (False, "disk_full", True)
    late = await hub.client("r1", "late", ParticipantRole.INTERVIEWER)  # who may acknowledge may come in
    assert late.joined is not None and late.joined["recording"] is False
    told = await late.wait_event("recording")
    assert (told["active"], told["reason"], told["acknowledge"]) == (False, "disk_full", True)
    acknowledged: list[object] = []
    hub.service.on_recording_acknowledged.append(acknowledged.append)
    with pytest.raises(SignalingRefused) as caught:
        await clerk.request({"type": "acknowledge_recording"})
    assert caught.value.code == "forbidden"
    assert (await host.request({"type": "acknowledge_recording"}))["type"] == "ok"
    assert [(e.participant, e.reason) for e in acknowledged] == [("host", "disk_full")]  # type: ignore[attr-defined]
    later = await hub.client("r1", "later", ParticipantRole.CLERK)
    told = await later.wait_event("recording")
    assert (told["active"], told["reason"], told["acknowledge"]) == (False, "disk_full", False)


async def test_an_unrecorded_interview_goes_on_only_after_the_host_acknowledges(hub: Hub, clip: Clip) -> None:
    """Real peers in a call; the recorder fails. Until the host acknowledges, nobody new comes in and the presenter
    stays; the call itself goes on. Each new fault needs a new acknowledgement."""
    host = await hub.client("r1", "host", ParticipantRole.HOST, clip=clip)
    clerk = await hub.client("r1", "clerk", ParticipantRole.CLERK, clip=clip)
    await host.start_media()
    await clerk.start_media()
    await eventually(lambda: host.slots.get("main") == "clerk" and clerk.slots.get("main") == "host")
    kiosk = await hub.client("r1", "kiosk", ParticipantRole.KIOSK, join=False)
    await kiosk.join()
    await host.wait_event("lobby_waiting")

    hub.service.set_recording("r1", False, "recorder_failed", acknowledge=True)
    await host.wait_event("recording")
    refused = [
        (host, {"type": "admit", "participant": "kiosk"}),
        (host, {"type": "set_presenter", "participant": "clerk"}),
    ]
    for client, message in refused:
        with pytest.raises(SignalingRefused) as caught:
            await client.request(message)
        assert caught.value.code == "recording_unacknowledged", message
    newcomer = await hub.client("r1", "newcomer", ParticipantRole.CLERK, join=False)
    with pytest.raises(SignalingRefused) as caught:
        await newcomer.join()
    assert caught.value.code == "recording_unacknowledged"
    witness = await hub.client("r1", "witness", ParticipantRole.WITNESS, join=False)
    assert (await witness.join())["type"] == "lobby"  # waiting in the lobby is not going on
    assert set(hub.service.rooms["r1"].members) == {"host", "clerk", "kiosk", "witness"}
    assert hub.service.rooms["r1"].presenter is None
    # the call itself goes on: media still flows both ways while the host decides
    assert host.peer is not None and clerk.peer is not None
    seen = host.peer.stats["main"].decoded, clerk.peer.stats["main"].decoded
    await eventually(lambda: host.peer.stats["main"].decoded > seen[0] + 10 and clerk.peer.stats["main"].decoded > seen[1] + 10)  # type: ignore[union-attr]

    marks = [len(client.events) for client in (host, clerk)]
    assert (await host.request({"type": "acknowledge_recording"}))["type"] == "ok"
    for client, mark in zip((host, clerk), marks, strict=True):
        event = await client.wait_event("recording", since=mark)
        assert event["acknowledge"] is False
        assert (event["active"], event["reason"]) == (False, "recorder_failed")
    await host.request({"type": "admit", "participant": "kiosk"})
    await kiosk.wait_event("joined")
    await host.request({"type": "set_presenter", "participant": "clerk"})
    assert (await newcomer.join())["type"] == "joined"

    # recording comes back, then fails again: a new fault, a new acknowledgement
    hub.service.set_recording("r1", True)
    hub.service.set_recording("r1", False, "disk_full", acknowledge=True)
    with pytest.raises(SignalingRefused) as caught:
        await host.request({"type": "admit", "participant": "witness"})
    assert caught.value.code == "recording_unacknowledged"
    # a room whose kind asks no acknowledgement is never held
    hub.service.set_recording("r1", False, "store_error", acknowledge=False)
    await host.request({"type": "admit", "participant": "witness"})
    await witness.wait_event("joined")


async def test_shutting_down_tells_every_socket_why(hub: Hub) -> None:
    host = await hub.client("r1", "host", ParticipantRole.HOST)
    await hub.service.shutting_down()
    assert (await host.wait_event("closed"))["reason"] == "server_stopped"


async def test_media_state_is_shown_to_everyone(hub: Hub) -> None:
    host = await hub.client("r1", "host", ParticipantRole.HOST)
    clerk = await hub.client("r1", "clerk", ParticipantRole.CLERK)
    await clerk.request({"type": "media_state", "audio": False, "video": True})
    state = await host.wait_event("participant_state")
    assert (state["participant"], state["audio"], state["video"]) == ("clerk", False, True)


@pytest.mark.parametrize("layout", [SlotLayout(thumbnails=0, audio=2)])
async def test_unwatched_video_is_told_to_stop_and_resume(hub: Hub, clip: Clip) -> None:
    a = await hub.client("r1", "a", ParticipantRole.HOST, clip=clip)
    await a.start_media()
    b = await hub.client("r1", "b", ParticipantRole.CLERK, clip=clip)
    await b.start_media()
    c = await hub.client("r1", "c", ParticipantRole.INTERVIEWER, clip=clip)
    await c.start_media()
    # One main slot each: a sees b, b and c see a; nobody sees c.
    await eventually(lambda: (a.slots.get("main"), b.slots.get("main"), c.slots.get("main")) == ("b", "a", "a"))
    await c.wait_event("stop_sending")
    assert c.sending_video is False
    await a.request({"type": "set_presenter", "participant": "c"})
    await c.wait_event("start_sending")
    await eventually(lambda: (a.slots.get("main"), b.slots.get("main")) == ("c", "c"))
    assert b.peer is not None
    before = b.peer.stats["main"].decoded
    await eventually(lambda: b.peer.stats["main"].decoded >= before + 10)  # type: ignore[union-attr]
    assert b.peer.stats["main"].width == 640


async def test_unknown_json_gets_error_with_id_echoed(hub: Hub) -> None:
    client = await hub.client("r1", "a", ParticipantRole.HOST, join=False)
    await client.send_raw(json.dumps({"type": "fly", "id": "abc"}))
    event = await client.wait_event("error")
    assert event == {"type": "error", "id": "abc", "code": "unknown_type", "reason": "no such message type"}


async def test_a_failing_hook_is_a_structured_event_and_the_join_goes_on(hub: Hub) -> None:
    def broken(event: object) -> None:
        raise RuntimeError("hook broke")

    hub.service.on_participant_joined.append(broken)
    with structlog.testing.capture_logs() as logs:
        host = await hub.client("r1", "host", ParticipantRole.HOST)
    assert host.joined is not None
    failed = [e for e in logs if e["event"] == "room_event_hook_failed"]
    assert [(e["room"], e["participant"], e["reason"], e["log_level"]) for e in failed] == [("r1", "host", "joined", "error")]
