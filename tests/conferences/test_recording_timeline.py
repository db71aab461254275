"""The recording of a conference shows who was broadcast when (issue 12): a conference scheduled over the API, chaired
and attended by real aiortc peers (the chair shares a screen, as in test_content_recording.py), recorded by the hub;
the chair broadcasts a venue, calls the roll, shares content, mutes all and gives the floor, everyone leaves (a gap),
the chair comes back, calls the roll again and ends it.

The recording's page then lists each of those moments in words (venue names, never ids), with its wall-clock time and
its position in the recording. The positions are checked against the truth, not against the same arithmetic: the
content moments against the media itself (the segments' files, decoded: the content starts exactly where the first
segment's media ends), and the others against the test's own clock relative to them; after the gap, the position
counts media only. The English page says it in English, someone who may not see the recording gets 404, and the
export's recordings.json carries the same timeline in both languages."""

from __future__ import annotations

import asyncio
import datetime as dt
import html as htmllib
import io
import itertools
import json
import re
import time
import zipfile
from collections.abc import Callable
from typing import Any

import aiohttp
import av
import pytest
from sqlalchemy import select, update

from hub.app import create_app
from hub.auth.models import User
from hub.clock import LOCAL_TZ, Clock
from hub.demo.venues import SignedInClient
from hub.http.keys import CATALOGS, SECRET
from hub.http.middleware import LANG_COOKIE
from hub.rooms.recording import export, service
from hub.rooms.recording.keys import RECORDINGS
from hub.rooms.recording.models import ExportStatus, Recording, RecordingExport
from hub.rooms.recording.recorder import RecorderTuning
from hub.rooms.recording.timeline import TIMELINES, Moment, Where, Words, place
from hub.rooms.tokens import issue_token
from hub.signaling.client import HubClient
from hub.signaling.clip import Clip, encode_clip
from hub.signaling.keys import ALLOWED_ORIGIN
from hub.store.interface import STORE
from tests.cases.conftest import make_kit
from tests.rooms.factories import room_id
from tests.rooms.recording.support import plaintext
from tests.support.clients import Browser

ORIGIN = "http://127.0.0.1"
TOWNS = {"v1": "锡尼镇谈话室", "v2": "巴拉贡镇谈话室"}


@pytest.fixture
def app(settings, database):  # type: ignore[no-untyped-def]
    """The hub on the real clock: the console's events and the recorder's segments are timed by one clock, as in use."""
    return create_app(settings, clock=Clock(), database=database)


@pytest.fixture(scope="module")
def clips() -> tuple[Clip, Clip]:
    camera = encode_clip(320, 240, 15, seconds=2.0, keyframe_seconds=1.0, bitrate=200_000)
    screen = encode_clip(480, 272, 10, seconds=4.0, keyframe_seconds=1.0, bitrate=300_000)
    return camera, screen


async def eventually(condition: Callable[[], Any], limit: float = 15.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def media_seconds(data: bytes) -> float:
    """How long a segment's media runs, from its packets (what a player's timeline shows); 0 for a segment cut
    before any packet (a participant joining at once after another)."""
    try:
        container = av.open(io.BytesIO(data))
    except av.error.EOFError:
        return 0.0
    with container:
        ends = [float((p.pts + (p.duration or 0)) * p.time_base) for p in container.demux() if p.pts is not None and p.size]
    return max(ends)


def content_span(data: bytes) -> tuple[float, float]:
    """When the shared content's first and last packets are, in seconds from the segment's start."""
    with av.open(io.BytesIO(data)) as container:
        (stream,) = [s for s in container.streams if json.loads(s.metadata["title"])["kind"] == "content"]
        times = [float(p.pts * p.time_base) for p in container.demux(stream) if p.pts is not None and p.size]
    return min(times), max(times)


def timeline_lines(page: str) -> list[dict[str, str]]:
    section = page.split('data-part="timeline"', 1)[1].split("</section>", 1)[0]
    lines = []
    for where, seconds, body in re.findall(r"<li data-where=\"(\w+)\" data-position=\"([\d.]+)\">(.*?)</li>", section, re.S):
        button = re.search(r'data-segment="(\d*)" data-offset="([\d.]+)"', body)
        assert button is not None, body
        text = htmllib.unescape(re.sub(r"<[^>]+>", " ", body))
        clock = re.search(r"<time datetime=\"([^\"]+)\"[^>]*>([\d:]+)</time>", body)
        position = re.search(r'class="position"[^>]*>([\d:]+)<', body)
        assert clock is not None and position is not None
        assert int(seconds_of(position[1])) == int(float(seconds)), "mm:ss is the position, to the second"
        lines.append(
            {"where": where, "seconds": seconds, "segment": button[1], "offset": button[2], "at": clock[1], "clock": clock[2],
             "position": position[1], "text": " ".join(text.split())}
        )  # fmt: skip
    return lines


def position_of(line: dict[str, str]) -> float:
    """The line's position in the recording, in seconds (the page's mm:ss, to the millisecond)."""
    return float(line["seconds"])


def seconds_of(position: str) -> int:
    parts = [int(p) for p in position.split(":")]
    return parts[-1] + 60 * parts[-2] + (3600 * parts[0] if len(parts) == 3 else 0)


async def test_a_conference_recording_shows_who_was_broadcast_when(  # type: ignore[no-untyped-def]
    aiohttp_client, app, database, seeded, clips, clock
) -> None:
    camera, screen = clips
    app[ALLOWED_ORIGIN] = ORIGIN
    browser = Browser(await aiohttp_client(app))
    await browser.sign_in("group1.1")
    now = dt.datetime.now(LOCAL_TZ)
    made = await browser.post_json(
        "/api/v1/conferences",
        {"title": "全旗纪检监察干部业务培训会", "starts_at": now.isoformat(),
         "ends_at": (now + dt.timedelta(hours=1)).isoformat(),
         "main_room": await room_id(database, "county.hall"),
         "venue_rooms": [await room_id(database, "xini.interview"), await room_id(database, "balagong.interview")]},
    )  # fmt: skip
    assert made.status == 201, await made.text()
    conference = await made.json()
    seat = await (await browser.post_json(f"/api/v1/room-sessions/{conference['session']}/token", {})).json()
    assert seat["role"] == "host", seat
    room, url = seat["room"], str(browser.client.make_url("/ws")).replace("http", "ws")

    def venue(pid: str) -> HubClient:
        token = issue_token(app[SECRET], room=room, participant=pid, name=TOWNS[pid], role="venue")
        return HubClient(url, token, room, origin=ORIGIN, clip=camera, decode=False)

    async def chair_client() -> HubClient:
        """On the chair's own signed-in session (its cookies; closed with the client): its seat's token needs it."""
        seat = await (await browser.post_json(f"/api/v1/room-sessions/{conference['session']}/token", {})).json()
        jar = aiohttp.CookieJar(unsafe=True)
        jar.update_cookies(browser.client.session.cookie_jar.filter_cookies(browser.client.make_url("/")))
        http = aiohttp.ClientSession(cookie_jar=jar)
        return SignedInClient(http, url, seat["token"], room, origin=ORIGIN, clip=camera, decode=False, content_clip=screen)

    manager = app[RECORDINGS]
    stamps: dict[str, float] = {}
    clients: list[HubClient] = []

    async def join(client: HubClient) -> HubClient:
        clients.append(client)
        await client.connect()
        assert (await client.join())["type"] == "joined"
        await client.start_media()
        return client

    async def command(name: str, who: HubClient, message: dict[str, Any]) -> None:
        answer = await who.request(message)
        assert answer["type"] == "ok", answer
        stamps[name] = time.time()

    def keys() -> list[tuple[str, str]]:
        entry = manager.recorders.get(room)
        return sorted(entry[0].segment_keys) if entry is not None and entry[0].segment is not None else []

    chair_id = seat["participant"]
    cameras = sorted((p, k) for p in (chair_id, "v1", "v2") for k in ("audio", "video"))
    try:
        chair = await join(await chair_client())
        await join(venue("v1"))
        v2 = await join(venue("v2"))
        await eventually(lambda: keys() == cameras, 25)
        await asyncio.sleep(1.0)
        await command("broadcast", chair, {"type": "broadcast", "venue": "v1"})
        await asyncio.sleep(1.0)
        await command("roll_call", chair, {"type": "roll_call", "venue": "v2"})
        await command("answer", v2, {"type": "answer_roll_call"})
        await asyncio.sleep(1.0)
        await command("content_on", chair, {"type": "share_content", "on": True})
        await eventually(lambda: (chair_id, "content") in keys(), 10)
        await asyncio.sleep(2.0)
        await command("content_off", chair, {"type": "share_content", "on": False})
        await eventually(lambda: keys() == cameras, 10)
        await asyncio.sleep(1.0)
        await command("mute_all", chair, {"type": "mute_all"})
        await command("floor", chair, {"type": "grant_floor", "venue": "v1"})
        await asyncio.sleep(1.0)
        for client in clients:  # everyone leaves: the recording stops (a gap) until the chair is back
            await client.close()
        clients.clear()
        await eventually(lambda: not keys(), 15)  # no media: the segment is closed, the room's gap opened
        await asyncio.sleep(2.0)
        chair = await join(await chair_client())
        await join(venue("v1"))
        rejoined = sorted((p, k) for p in (chair_id, "v1") for k in ("audio", "video"))
        await eventually(lambda: keys() == rejoined, 25)
        await asyncio.sleep(1.5)
        await command("roll_call_again", chair, {"type": "roll_call", "venue": "v1"})
        await asyncio.sleep(1.0)
        await command("end", chair, {"type": "end_conference"})
        await eventually(lambda: room not in manager.recorders, 15)
    finally:
        for client in clients:
            await client.close()

    async with database.transaction(write=False) as s:
        recording = await s.scalar(select(Recording).where(Recording.room_session_id == conference["session"]))
        assert recording is not None
        segments = list(await service.segments_of(s, recording.id))
    store = app[STORE]
    lengths = {x.position: media_seconds(await plaintext(store, x.file_id)) for x in segments}
    with_content = [x.position for x in segments if any(t["kind"] == "content" for t in json.loads(x.tracks))]
    assert len(with_content) == 1, [json.loads(x.tracks) for x in segments]
    shared = with_content[0]
    held = [x for x in segments if lengths[x.position] > 0]  # a segment cut before its first packet holds nothing
    after_gap = [b for a, b in itertools.pairwise(held) if a.ended_at and (b.started_at - a.ended_at).total_seconds() > 1]
    assert len(after_gap) == 1, [(x.started_at, x.ended_at) for x in segments]
    last = max(x.position for x in segments)

    response = await browser.get(f"/recordings/{recording.id}")
    assert response.status == 200, await response.text()
    page = await response.text()
    assert "会议过程（时间线）" in page and "/static/js/recordings/timeline.js" in page
    lines = timeline_lines(page)
    texts = [line["text"] for line in lines]
    section = page.split('data-part="timeline"', 1)[1].split("</section>", 1)[0]
    assert "v1" not in re.sub(r"<[^>]+>", "", section) and chair_id not in section, "names, never participant ids"

    def line(words: str, nth: int = 0) -> dict[str, str]:
        found = [x for x in lines if words in x["text"]]
        assert len(found) > nth, (words, texts)
        return found[nth]

    broadcast = line("广播：锡尼镇谈话室")
    assert "大画面：锡尼镇谈话室" in broadcast["text"]
    roll = line("点名：巴拉贡镇谈话室")
    assert "大画面：巴拉贡镇谈话室" in roll["text"]
    answer = line("巴拉贡镇谈话室 应答点名")
    content_on, content_off = line("开始共享内容"), line("停止共享内容")
    mute_all, floor = line("全场静音"), line("锡尼镇谈话室 获准发言")
    again = line("点名：锡尼镇谈话室")
    end = line("主席结束会议")
    async with database.transaction(write=False) as s:
        chair_name = await s.scalar(select(User.display_name).where(User.username == "group1.1"))
    assert chair_name and f"{chair_name} 开始共享内容" in content_on["text"], "the chair, by name"
    order = [broadcast, roll, answer, content_on, content_off, mute_all, floor, again, end]
    assert [lines.index(x) for x in order] == sorted(lines.index(x) for x in order), texts
    assert all(x["where"] == "recorded" for x in order[:-1]), [(x["text"], x["where"]) for x in order]

    # the truth from the media: where the content's first and last frames are in the recording
    before_content = sum(lengths[p] for p in lengths if p < shared)
    first, last_frame = content_span(await plaintext(store, next(x for x in segments if x.position == shared).file_id))
    assert content_on["segment"] in (str(shared - 1), str(shared)), content_on
    # the share is pressed, then the content's first keyframe enters the recording: after the new stream has settled
    # (its first sender report), so it follows the event by up to the recorder's settling time, more on a loaded machine
    settle = RecorderTuning().report_wait + RecorderTuning().drop_after + 1.0
    assert -0.2 <= (before_content + first) - position_of(content_on) <= settle, (content_on, lengths, first)
    assert content_off["segment"] == str(shared), content_off
    assert abs(float(content_off["offset"]) - last_frame) <= 1.0, (content_off, last_frame)
    assert abs(position_of(content_off) - (before_content + last_frame)) <= 1.0, (content_off, lengths)
    # the others against the test's own clock, on the same side of the gap
    others = {"broadcast": broadcast, "roll_call": roll, "answer": answer, "mute_all": mute_all, "floor": floor}
    for name, found in others.items():
        truth = position_of(content_on) + stamps[name] - stamps["content_on"]  # console events among themselves
        assert abs(position_of(found) - truth) <= 1.0, (name, found, truth)
        at = dt.datetime.fromisoformat(found["at"]).timestamp()
        assert abs(at - stamps[name]) <= 1.0 and found["clock"] == dt.datetime.fromtimestamp(at, LOCAL_TZ).strftime("%H:%M:%S")
    # after the gap: the end is where the media ends (the recording stops with it), the roll call before it by the
    # test's clock; the gap takes no room in the recording
    resumed_segment = after_gap[0]
    media_before_gap = sum(lengths[p] for p in lengths if p < resumed_segment.position)
    end_truth = media_before_gap + lengths[resumed_segment.position]
    assert abs(position_of(end) - end_truth) <= 1.0, (end, end_truth, lengths)
    truth = end_truth - (stamps["end"] - stamps["roll_call_again"])
    assert abs(position_of(again) - truth) <= 1.0, (again, truth, lengths)
    assert again["segment"] == str(resumed_segment.position)
    kept_before_gap = sum(x.duration_ms or 0 for x in segments if x.position < resumed_segment.position) / 1000
    assert abs(position_of(again) - (kept_before_gap + float(again["offset"]))) < 0.01, "its segment's place, gaps aside"
    wall = stamps["roll_call_again"] - stamps["content_on"] + position_of(content_on)
    assert position_of(again) < wall - 1.5, "the gap is not counted as recording"
    assert int(end["segment"] or 0) == last

    # a moment in the gap (between the two stretches) is placed honestly: not recorded, the recording resumes there
    gap_at = held[held.index(resumed_segment) - 1].ended_at
    assert gap_at is not None and resumed_segment.started_at - gap_at > dt.timedelta(seconds=1)
    middle = gap_at + (resumed_segment.started_at - gap_at) / 2
    (placed,) = place([Moment(middle, "mute", Words("%(venue)s is muted", {"venue": "x"}))], segments)
    assert placed.where is Where.GAP and placed.segment == resumed_segment.position and placed.offset == 0.0
    assert abs(placed.position - sum(x.duration_ms or 0 for x in held if x.position < resumed_segment.position) / 1000) < 0.01

    # the English page says it in English
    english = await browser.get(f"/recordings/{recording.id}", headers={"Cookie": f"{LANG_COOKIE}=en"})
    english_page = await english.text()
    assert "Broadcast: 锡尼镇谈话室" in english_page, english_page[:2000]
    assert "Roll call: 巴拉贡镇谈话室 is called" in english_page and "On screen: 锡尼镇谈话室" in english_page

    # who may not see the recording sees no timeline either: the same 404 as for an id that does not exist
    for username in ("group5.1", "admin", "xini1"):
        stranger = Browser(await aiohttp_client(browser.client.server))
        await stranger.sign_in(username)
        refused = await stranger.get(f"/recordings/{recording.id}")
        assert refused.status == 404, (username, refused.status)
        assert "锡尼镇谈话室" not in await refused.text()

    # the attendance sheet leads to the recording, for whoever may see it (the recordings' own rule decides)
    sheet = await (await browser.get(f"/conferences/{conference['id']}/attendance")).text()
    assert f'href="/recordings/{recording.id}"' in sheet and "会议录像" in sheet
    venue_staff = Browser(await aiohttp_client(browser.client.server))
    await venue_staff.sign_in("xini1")  # a venue's staff: the sheet of their conference, not the recording
    their_sheet = await venue_staff.get(f"/conferences/{conference['id']}/attendance")
    assert f'href="/recordings/{recording.id}"' not in await their_sheet.text()

    # the export: a conference held for a case, its recording exported: recordings.json carries the timeline
    kit = await make_kit(database, clock)
    clue = await kit.register_clue()
    async with database.transaction() as s:
        await s.execute(update(Recording).where(Recording.id == recording.id).values(case_id=clue.id))
        approver = await s.scalar(select(User.id).where(User.username == "casemgmt1"))
        row = RecordingExport(case_id=clue.id, status=ExportStatus.APPROVED, reason="会议录像移交", requested_by=approver,
                              requested_at=clock.now(), decided_by=approver, decided_at=clock.now())  # fmt: skip
        s.add(row)
        await s.flush()
        signed = await export.build_package(s, store, row, clock.now(), timelines=app[TIMELINES], catalogs=app[CATALOGS])
    package = zipfile.ZipFile(io.BytesIO(await plaintext(store, signed.manifest.file_id)))
    described = json.loads(package.read("recordings.json"))
    (entry,) = [r for r in described["recordings"] if r["recording"] == recording.id]
    exported = entry["timeline"]
    assert [(x["position"], str(x["segment"]), x["where"]) for x in exported] == [
        (x["position"], x["segment"], x["where"]) for x in lines
    ], "the export's timeline is the page's"
    assert all(x["what"] in y["text"] for x, y in zip(exported, lines, strict=True))
    on_screen = {x["what"]: x for x in exported}
    assert on_screen["广播：锡尼镇谈话室"]["shown"] == "大画面：锡尼镇谈话室"
    assert on_screen["广播：锡尼镇谈话室"]["what_en"] == "Broadcast: 锡尼镇谈话室"
    assert on_screen["点名：锡尼镇谈话室"]["segment"] == resumed_segment.position
    assert all(x["where"] in ("recorded", "gap", "before", "after") and x["at_local"].endswith("+08:00") for x in exported)
