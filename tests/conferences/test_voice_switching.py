"""Voice-activated switching (声控切换) driven by real sound (issue 12): three venues send live audio that aiortc
encodes (one a tone, the others silence), so each packet carries the RFC 6464 audio level aiortc (like Chromium)
computes from the samples; the hub reads that level off the packets it forwards (`MediaRoom.speaking`). With voice
switching on, the broadcast follows the venue that speaks, moves to another venue when that one speaks instead (not
before `VOICE_HOLD_SECONDS`), and every other venue receives the new venue's picture (each venue's camera has its own
width, read from the keyframes that arrive on `main`)."""

from __future__ import annotations

import asyncio
import math
import time
from fractions import Fraction
from typing import Any

import pytest
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av.audio.frame import AudioFrame

from hub.conferences.interface import ConferenceConsole
from hub.conferences.live import VOICE_HOLD_SECONDS
from hub.rooms.participants import ParticipantRole
from hub.rooms.recording.segment import vp8_size
from hub.signaling.client import HubClient
from hub.signaling.clip import Clip, encode_clip
from tests.conferences.conftest import ROOM, eventually, state
from tests.signaling.conftest import ORIGIN, Hub

SAMPLES = 960  # 20 ms at 48 kHz
WIDTHS = {"chair": 288, "v1": 320, "v2": 352, "v3": 384}


class Voice(MediaStreamTrack):
    """A microphone: a 400 Hz tone while `loud`, silence otherwise, in real time (20 ms frames, 48 kHz mono)."""

    kind = "audio"

    def __init__(self, loud: bool = False) -> None:
        super().__init__()
        self.loud = loud
        tone = (round(12000 * math.sin(2 * math.pi * 400 * n / 48000)) for n in range(SAMPLES))
        self._tone = b"".join(v.to_bytes(2, "little", signed=True) for v in tone)
        self._silence = bytes(2 * SAMPLES)
        self._start: float | None = None
        self._count = 0

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        wait = self._start + self._count * SAMPLES / 48000 - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        frame = AudioFrame(format="s16", layout="mono", samples=SAMPLES)
        frame.planes[0].update(self._tone if self.loud else self._silence)
        frame.sample_rate = 48000
        frame.pts = self._count * SAMPLES
        frame.time_base = Fraction(1, 48000)
        self._count += 1
        return frame


@pytest.fixture(scope="module")
def cameras() -> dict[str, Clip]:
    return {p: encode_clip(w, 240, 15, seconds=1.0, keyframe_seconds=0.5, bitrate=150_000) for p, w in WIDTHS.items()}


def broadcast(client: HubClient) -> dict[str, Any]:
    return dict(state(client)["broadcast"])


def shows(client: HubClient, venue: str, since: float) -> bool:
    """`client`'s main slot carries `venue` and a keyframe of `venue`'s camera arrived there after `since`."""
    assert client.peer is not None
    stats = client.peer.stats["main"]
    return client.slots.get("main") == venue and stats.keyframe_at > since and vp8_size(stats.last_keyframe)[0] == WIDTHS[venue]


async def test_the_broadcast_follows_the_venue_that_speaks(
    conference: tuple[Hub, ConferenceConsole], cameras: dict[str, Clip]
) -> None:
    hub, _console = conference
    voices = {v: Voice(loud=v == "v1") for v in ("v1", "v2", "v3")}

    async def join(pid: str, role: ParticipantRole, **options: Any) -> HubClient:
        client = HubClient(hub.url, hub.token(ROOM, pid, role), ROOM, origin=ORIGIN, clip=cameras[pid], decode=False, **options)
        hub.clients.append(client)
        await client.connect()
        await client.join()
        await client.start_media()
        return client

    chair = await join("chair", ParticipantRole.HOST)
    venues = {v: await join(v, ParticipantRole.VENUE, microphone=voices[v]) for v in voices}
    room = hub.service.media_room(ROOM)
    assert room is not None
    # the levels come off the wire: v1's tone is loud, the silent venues never are
    await eventually(lambda: room.speaking() == ["v1"], 10)
    await asyncio.sleep(1.0)
    assert room.speaking() == ["v1"]

    switched = time.monotonic()
    await chair.request({"type": "voice_switching", "on": True})
    await eventually(lambda: broadcast(chair) == {"venue": "v1", "layout": False, "source": "voice"}, 5)
    first = time.monotonic()
    await eventually(lambda: shows(venues["v2"], "v1", switched) and shows(venues["v3"], "v1", switched), 5)
    assert "v1" in state(chair)["speaking"]

    # v1 falls silent and v2 speaks: the broadcast moves to v2, but only once v1 has held it VOICE_HOLD_SECONDS
    voices["v1"].loud, voices["v2"].loud = False, True
    await eventually(lambda: room.speaking()[:1] == ["v2"], 5)
    assert broadcast(chair)["venue"] == "v1", "held"
    await eventually(lambda: broadcast(chair)["venue"] == "v2", VOICE_HOLD_SECONDS + 3)
    second = time.monotonic()
    assert second - first >= VOICE_HOLD_SECONDS - 0.3, second - first
    assert broadcast(chair) == {"venue": "v2", "layout": False, "source": "voice"}
    await eventually(lambda: shows(venues["v1"], "v2", second) and shows(venues["v3"], "v2", second), 5)
    assert venues["v2"].slots.get("main") == "chair", "the speaking venue sees the chair"

    # nobody speaks: the broadcast stays where it is
    voices["v2"].loud = False
    await eventually(lambda: room.speaking() == [], 5)
    await asyncio.sleep(VOICE_HOLD_SECONDS)
    assert broadcast(chair)["venue"] == "v2"
