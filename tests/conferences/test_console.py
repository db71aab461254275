"""A scripted conference through every console command, with real aiortc peers over 127.0.0.1 (issue 12).

A chair (the host) and ten invited venues publish a replayed clip whose keyframes are ten seconds apart, so a
keyframe that arrives at once after a switch was asked for by the switch. Every venue's slots, the `conference`
events and the frames on `main` show what each venue receives.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from hub.conferences.interface import ConferenceConsole
from hub.rooms.participants import ParticipantRole
from hub.signaling.client import HubClient, SignalingRefused
from hub.signaling.clip import Clip, encode_clip
from tests.conferences.conftest import ROOM, VENUES, eventually, state
from tests.signaling.conftest import ORIGIN, Hub


@pytest.fixture(scope="module")
def sparse_clip() -> Clip:
    return encode_clip(320, 240, 15, seconds=2.0, keyframe_seconds=30.0, bitrate=200_000)


async def refused(client: HubClient, message: dict[str, Any]) -> str:
    with pytest.raises(SignalingRefused) as caught:
        await client.request(message)
    return caught.value.code


def main_keyframes(client: HubClient) -> int:
    assert client.peer is not None
    return client.peer.stats["main"].keyframes


async def test_a_ten_venue_conference_through_every_console_command(
    conference: tuple[Hub, ConferenceConsole], sparse_clip: Clip
) -> None:
    hub, _console = conference

    async def join(pid: str, role: ParticipantRole) -> HubClient:
        client = HubClient(hub.url, hub.token(ROOM, pid, role), ROOM, origin=ORIGIN, clip=sparse_clip, decode=False)
        hub.clients.append(client)
        await client.connect()
        await client.join()
        return client

    chair = await join("chair", ParticipantRole.HOST)
    venues = {v: await join(v, ParticipantRole.VENUE) for v in VENUES}
    for client in (chair, *venues.values()):
        assert client.joined is not None, "an invited venue joins directly, without the lobby"
    stranger = await join("device-99", ParticipantRole.KIOSK)
    assert stranger.joined is None, "an uninvited venue waits in the lobby"
    lines = [line["name"] for line in venues["v1"].joined["lines"]]  # type: ignore[index]
    assert lines[:4] == ["camera", "camera_small", "microphone", "content"], "a large and a small picture, and content"
    assert "content_view" in lines
    everyone = [chair, *venues.values()]
    await asyncio.gather(*(c.start_media() for c in everyone))
    await eventually(lambda: all(r["connected"] for r in state(chair)["board"] if r["participant"] in ["chair", *VENUES]), 20)
    assert state(venues["v1"])["chair"] == "chair"

    # access: the console is the chair's; bad messages are errors, the room lives on
    assert await refused(venues["v1"], {"type": "mute_all"}) == "not_chair"
    assert await refused(venues["v1"], {"type": "roll_call", "venue": "v2"}) == "not_chair"
    assert await refused(chair, {"type": "mute", "venue": "nobody"}) == "not_found"
    assert await refused(chair, {"type": "set_layout", "layout": "5x5", "venues": []}) == "invalid_message"
    assert await refused(chair, {"type": "set_layout", "layout": "2x2", "venues": VENUES[:5]}) == "invalid_message"
    assert await refused(chair, {"type": "tour", "mode": "broadcast", "seconds": 1}) == "invalid_message"
    assert await refused(venues["v2"], {"type": "answer_roll_call"}) == "out_of_order"
    assert await refused(venues["v2"], {"type": "cancel_floor"}) == "not_found"

    # admit all: the uninvited venue comes in from the lobby
    await chair.request({"type": "admit_all"})
    await eventually(lambda: stranger.joined is not None)

    # roll call of v2: broadcast to all, microphone opened, answered, kept
    marks = {v: main_keyframes(c) for v, c in venues.items()}
    await chair.request({"type": "roll_call", "venue": "v2"})
    await eventually(lambda: all(c.slots.get("main") == "v2" for v, c in venues.items() if v != "v2"))
    assert venues["v2"].slots.get("main") == "chair", "the called venue sees the chair"
    started = time.monotonic()
    await eventually(lambda: all(main_keyframes(c) > marks[v] for v, c in venues.items() if v != "v2"), 5)
    assert time.monotonic() - started < 5
    assert state(venues["v5"])["roll_call"]["participant"] == "v2"
    assert state(venues["v5"])["broadcast"] == {"venue": "v2", "layout": False, "source": "roll_call"}
    await venues["v2"].request({"type": "answer_roll_call"})
    await eventually(lambda: state(chair)["roll_call"]["answered_at"] is not None)
    row = next(r for r in state(chair)["board"] if r["participant"] == "v2")
    assert row["answered_roll_call_at"] is not None

    # sign in with the number of people present
    await venues["v3"].request({"type": "sign_in", "people": 12})
    await eventually(lambda: next(r for r in state(chair)["board"] if r["participant"] == "v3")["people"] == 12)

    # mute one venue: nobody receives its audio; it cannot unmute itself
    await chair.request({"type": "mute", "venue": "v3"})
    await eventually(lambda: {"participant": "v3", "by": "chair"} in state(venues["v3"])["muted"])
    await eventually(lambda: all("v3" not in [c.slots.get(f"audio{i}") for i in (1, 2, 3)] for c in everyone))
    assert await refused(venues["v3"], {"type": "media_state", "audio": True, "video": True}) in ("muted_by_chair",)
    await venues["v3"].request({"type": "media_state", "audio": False, "video": True})
    assert await refused(venues["v3"], {"type": "media_state", "audio": True, "video": True}) == "muted_by_chair"
    await chair.request({"type": "unmute", "venue": "v3"})
    await venues["v3"].request({"type": "media_state", "audio": True, "video": True})

    # mute all: only the chair is heard
    await chair.request({"type": "mute_all"})
    await eventually(lambda: {m["participant"] for m in state(venues["v1"])["muted"]} == {*VENUES, "device-99"})
    await eventually(lambda: all(c.slots.get(f"audio{i}") in (None, "chair") for c in venues.values() for i in (1, 2, 3)))

    # requests to speak: a queue in order; the floor is granted, declined, taken back
    await venues["v4"].request({"type": "request_floor"})
    await venues["v5"].request({"type": "request_floor"})
    await venues["v6"].request({"type": "request_floor"})
    await venues["v6"].request({"type": "cancel_floor"})
    await eventually(lambda: [r["participant"] for r in state(chair)["requests"]] == ["v4", "v5"])
    assert [r["order"] for r in state(chair)["requests"]] == [1, 2]
    await chair.request({"type": "grant_floor", "venue": "v4"})
    await eventually(lambda: all(c.slots.get("main") == "v4" for v, c in venues.items() if v != "v4"))
    assert state(chair)["floor"] == "v4" and "v4" not in {m["participant"] for m in state(chair)["muted"]}
    await venues["v4"].request({"type": "media_state", "audio": True, "video": True})  # given the floor: may speak
    await chair.request({"type": "decline_floor", "venue": "v5"})
    await eventually(lambda: state(chair)["requests"] == [])
    await chair.request({"type": "end_floor"})
    await eventually(lambda: "v4" in {m["participant"] for m in state(chair)["muted"]}, 5)
    await eventually(lambda: all(c.slots.get("main") == "chair" for c in venues.values()))
    await chair.request({"type": "unmute_all"})
    await eventually(lambda: state(chair)["muted"] == [])

    # layout and multi-picture broadcast; watch a venue (the chair's own view)
    await chair.request({"type": "set_layout", "layout": "2x2", "venues": ["v7", "v8", "v9", "v10"]})
    await eventually(lambda: [chair.slots.get(f"thumb{i}") for i in range(1, 5)] == ["v7", "v8", "v9", "v10"])
    # the wall carries the small pictures: each venue on it is asked to send its small track, and frames arrive
    await venues["v7"].wait_event("start_sending")
    assert any(e.get("type") == "start_sending" and e.get("line") == "camera_small" for e in venues["v7"].events)
    assert chair.peer is not None
    marks_thumbs = [chair.peer.stats[f"thumb{i}"].frames for i in range(1, 5)]
    await eventually(lambda: all(chair.peer.stats[f"thumb{i}"].frames > marks_thumbs[i - 1] + 5 for i in range(1, 5)))  # type: ignore[union-attr]
    await chair.request({"type": "broadcast", "venue": None, "layout": True})
    await eventually(
        lambda: all(
            [c.slots.get(f"thumb{i}") for i in range(1, 5)] == ["v7", "v8", "v9", "v10"]
            for v, c in venues.items()
            if v not in ("v7", "v8", "v9", "v10")
        )
    )
    assert state(venues["v1"])["broadcast"] == {"venue": None, "layout": True, "source": "broadcast"}
    await chair.request({"type": "broadcast", "venue": "v6"})
    await eventually(lambda: all(c.slots.get("main") == "v6" for v, c in venues.items() if v != "v6"))
    await chair.request({"type": "watch", "venue": "v7"})
    await eventually(lambda: chair.slots.get("main") == "v7")
    assert venues["v1"].slots.get("main") == "v6", "watching changes only the chair's picture"
    await chair.request({"type": "watch", "venue": None})

    # tours: cyclic broadcast, then cyclic viewing
    await chair.request({"type": "tour", "mode": "broadcast", "seconds": 3, "venues": ["v8", "v9"]})
    await eventually(lambda: venues["v1"].slots.get("main") == "v8", 5)
    await eventually(lambda: venues["v1"].slots.get("main") == "v9", 6)
    assert state(venues["v1"])["tour"]["current"] == "v9"
    await chair.request({"type": "tour", "mode": "view", "seconds": 3, "venues": ["v1", "v2"]})
    await eventually(lambda: chair.slots.get("main") == "v1", 5)
    await eventually(lambda: chair.slots.get("main") == "v2", 6)
    await chair.request({"type": "stop_tour"})
    await eventually(lambda: state(chair)["tour"] is None)

    # voice switching on and off (the broadcast follows the loudest unmuted venue)
    await chair.request({"type": "voice_switching", "on": True})
    await eventually(lambda: state(chair)["voice_switching"] and state(chair)["broadcast"]["source"] in ("voice",))
    await chair.request({"type": "voice_switching", "on": False})

    # content: only the chair or an allowed venue
    assert await refused(venues["v5"], {"type": "share_content", "on": True}) == "not_allowed"
    await chair.request({"type": "allow_content", "venue": "v5", "allowed": True})
    await venues["v5"].request({"type": "share_content", "on": True})
    await eventually(lambda: state(venues["v1"])["content"] == "v5")
    # the content goes beside the camera: everyone's content_view carries v5's content line
    await eventually(lambda: all(c.slots.get("content_view") == "v5" for v, c in venues.items() if v != "v5"))
    await eventually(lambda: any(e.get("type") == "start_sending" and e.get("line") == "content" for e in venues["v5"].events))
    assert venues["v1"].peer is not None
    shared = venues["v1"].peer.stats["content_view"].frames
    await eventually(lambda: venues["v1"].peer.stats["content_view"].frames > shared + 5)  # type: ignore[union-attr]
    await chair.request({"type": "allow_content", "venue": "v5", "allowed": False})
    await eventually(lambda: state(venues["v1"])["content"] is None)

    # board stats from getStats
    await venues["v8"].request({"type": "venue_stats", "camera": True, "microphone": True, "quality": "poor", "rtt_ms": 900})
    await eventually(lambda: next(r for r in state(chair)["board"] if r["participant"] == "v8")["quality"] == "poor", 5)
    assert not next(r for r in state(chair)["board"] if r["participant"] == "v8")["ready"]

    # lock: a new stranger is refused; extend
    await chair.request({"type": "lock", "locked": True})
    late = HubClient(hub.url, hub.token(ROOM, "device-77", ParticipantRole.KIOSK), ROOM, origin=ORIGIN)
    hub.clients.append(late)
    await late.connect()
    assert await refused(late, {"type": "join", "room": ROOM, "token": late.token}) == "locked"
    await chair.request({"type": "extend", "minutes": 30})
    assert state(chair)["ends_at"] is not None or (await eventually(lambda: state(chair)["ends_at"] is not None)) is None

    # hang up and call back
    await chair.request({"type": "hang_up", "venue": "v10"})
    await venues["v10"].wait_event("closed")
    assert any(e.get("type") == "closed" and e.get("reason") == "hung_up" for e in venues["v10"].events)
    await chair.request({"type": "call_venue", "venue": "v10"})

    # hand over the chair: the old chair has no console any more; the new one ends the conference
    await chair.request({"type": "hand_over", "participant": "v1"})
    await eventually(lambda: state(venues["v2"])["chair"] == "v1")
    assert await refused(chair, {"type": "mute_all"}) == "not_chair"
    await venues["v1"].request({"type": "end_conference"})
    for client in (chair, venues["v2"], venues["v9"]):
        ended = await client.wait_event("ended")
        assert ended["reason"] == "ended_by_chair"


async def test_conference_messages_in_a_plain_room_are_refused(conference: tuple[Hub, ConferenceConsole]) -> None:
    hub, _ = conference
    host = await hub.client("session-1", "host", ParticipantRole.HOST)
    assert await refused(host, {"type": "mute_all"}) == "not_conference"
    assert await refused(host, {"type": "request_floor"}) == "not_conference"
