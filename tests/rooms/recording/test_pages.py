"""A case's recordings over HTTP: the pages, playback by range requests, audit of every view, and who is refused."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Coroutine
from typing import Any

import av
import pytest
from aiohttp import web
from sqlalchemy import select

from hub.audit import AuditEntry
from hub.clock import FakeClock
from hub.db import Database
from hub.rooms.recording import export, service
from hub.rooms.recording.models import Recording
from hub.signaling.clip import Clip, encode_clip
from hub.store.interface import STORE
from tests.rooms.recording.conftest import CaseRecording, make_case_recording
from tests.rooms.recording.support import plaintext
from tests.support.clients import Browser

NewBrowser = Callable[[], Coroutine[Any, Any, Browser]]


@pytest.fixture
async def recorded(
    browser: Browser, app: web.Application, database: Database, clock: FakeClock, small_clip: Clip
) -> CaseRecording:
    return await make_case_recording(app, database, clock, small_clip, segments=2)


async def signed_in(new_browser: NewBrowser, username: str) -> Browser:
    b = await new_browser()
    resp = await b.sign_in(username)
    assert resp.status in (302, 303), await resp.text()
    return b


async def actions(database: Database) -> list[str]:
    async with database.transaction(write=False) as s:
        return list((await s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq))).all())


async def test_staff_with_the_case_see_play_and_seek(
    new_browser: NewBrowser, app: web.Application, database: Database, recorded: CaseRecording
) -> None:
    b = await signed_in(new_browser, "casemgmt1")
    listing = await b.get(f"/cases/{recorded.case_id}/recordings")
    assert listing.status == 200, await listing.text()
    html = await listing.text()
    assert f"/recordings/{recorded.recording_id}" in html and "谈话 张三" in html

    page = await b.get(f"/recordings/{recorded.recording_id}")
    html = await page.text()
    assert page.status == 200
    store = app[STORE]
    for file_id in recorded.file_ids:
        manifest = await store.manifest(file_id)
        assert manifest.fingerprint in html  # to be copied into the interview record (笔录)
        assert manifest.manifest.plaintext_sha256 in html
    assert "李四" in html and "谈话人" in html  # roles by name, never the code ("interviewer")

    media = f"/recordings/{recorded.recording_id}/segments/1/media"
    whole = await b.get(media)
    body = await whole.read()
    assert whole.status == 200 and whole.headers["Content-Type"] == "video/webm"
    assert whole.headers["Accept-Ranges"] == "bytes"
    expected = await plaintext(store, recorded.file_ids[0])
    assert body == expected
    assert hashlib.sha256(body).hexdigest() == (await store.manifest(recorded.file_ids[0])).manifest.plaintext_sha256
    with av.open(io.BytesIO(body)) as container:
        assert sorted(s.type for s in container.streams) == ["audio", "video"]
        assert sum(1 for _ in container.decode(video=0)) > 30

    start_count = (await actions(database)).count("recording.played")
    part = await b.get(media, headers={"Range": "bytes=70000-140099"})
    assert part.status == 206
    assert part.headers["Content-Range"] == f"bytes 70000-140099/{len(expected)}"
    assert await part.read() == expected[70000:140100]
    tail = await b.get(media, headers={"Range": "bytes=-100"})
    assert tail.status == 206 and await tail.read() == expected[-100:]
    outside = await b.get(media, headers={"Range": f"bytes={len(expected)}-"})
    assert outside.status == 416 and outside.headers["Content-Range"] == f"bytes */{len(expected)}"
    assert (await actions(database)).count("recording.played") == start_count  # seeking is not a new playback

    # a copy leaves only as an approved export: the media URL gives no attachment (issue 14, finding 9)
    download = await b.get(media + "?download=1")
    assert download.status == 404

    logged = await actions(database)
    for action in ("recording.list_viewed", "recording.viewed", "recording.played"):
        assert action in logged, action


@pytest.mark.parametrize("username", ["admin", "huhemudu1", "group5.1"])
async def test_a_role_without_the_case_gets_nothing_by_page_or_guessed_url(
    new_browser: NewBrowser, database: Database, recorded: CaseRecording, username: str
) -> None:
    b = await signed_in(new_browser, username)
    rid, cid = recorded.recording_id, recorded.case_id
    for path in (
        f"/cases/{cid}/recordings",
        f"/recordings/{rid}",
        f"/recordings/{rid}/segments/1/media",
        f"/recordings/{rid}/segments/1/media?download=1",
        f"/recordings/{rid}/segments/2/media",
        f"/recordings/{rid + 1000}",  # guessed: answers like a hidden one
        f"/recordings/{rid + 1000}/segments/1/media",
    ):
        resp = await b.get(path, headers={"Range": "bytes=0-"})
        body = await resp.read()
        assert resp.status == 404, (path, resp.status)
        assert b"webm" not in body.lower() and b"\x1a\x45\xdf\xa3" not in body  # no EBML header leaks
    resp = await b.post_form(f"/cases/{cid}/recordings/exports", {"reason": "查看"})
    assert resp.status == 404
    assert "recording.played" not in await actions(database)


async def test_signed_out_is_sent_to_sign_in(browser: Browser, recorded: CaseRecording) -> None:
    resp = await browser.get(f"/recordings/{recorded.recording_id}/segments/1/media")
    assert resp.status in (302, 303, 401)
    assert b"\x1a\x45\xdf\xa3" not in await resp.read()


async def test_export_needs_a_second_person_and_holds_verifiable_media(
    new_browser: NewBrowser, app: web.Application, database: Database, recorded: CaseRecording
) -> None:
    import zipfile

    asker = await signed_in(new_browser, "casemgmt1")
    resp = await asker.post_form(f"/cases/{recorded.case_id}/recordings/exports", {"reason": "移送审理"})
    assert resp.status == 303
    from hub.rooms.recording.models import RecordingExport

    async with database.transaction(write=False) as s:
        row = await s.scalar(select(RecordingExport))
    assert row is not None and row.status.value == "requested"
    assert (await asker.post_form(f"/recordings/exports/{row.id}/approve", {})).status == 403  # not alone
    assert (await asker.get(f"/recordings/exports/{row.id}/package")).status == 404  # nothing yet
    outsider = await signed_in(new_browser, "huhemudu1")
    assert (await outsider.post_form(f"/recordings/exports/{row.id}/approve", {})).status == 404

    from hub.auth.models import User

    async with database.transaction() as s:
        first = await s.scalar(select(User).where(User.username == "casemgmt1"))
        assert first is not None
        s.add(User(username="casemgmt2", display_name="案管室 同事", password_hash=first.password_hash, role=first.role,
                   org_unit_id=first.org_unit_id, disabled=False, created_at=first.created_at))  # fmt: skip
    colleague = await signed_in(new_browser, "casemgmt2")  # the requester's own office: no second pair of eyes
    assert (await colleague.post_form(f"/recordings/exports/{row.id}/approve", {})).status == 403

    second = await signed_in(new_browser, "leader")
    assert (await second.post_form(f"/recordings/exports/{row.id}/approve", {})).status == 303
    package = await asker.get(f"/recordings/exports/{row.id}/package")
    assert package.status == 200 and package.headers["Content-Type"] == "application/zip"
    data = await package.read()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert "VERIFY.txt" in names and "recordings.json" in names
        store = app[STORE]
        for position, file_id in enumerate(recorded.file_ids, start=1):
            base = f"recording-{recorded.recording_id}/segment-{position:03d}"
            media = z.read(f"{base}.webm")
            manifest = json.loads(z.read(f"{base}.manifest.json"))
            assert hashlib.sha256(media).hexdigest() == manifest["manifest"]["plaintext_sha256"]
            assert media == await plaintext(store, file_id)
            assert hashlib.sha256(media).hexdigest() in z.read("VERIFY.txt").decode()
    logged = await actions(database)
    for action in ("recording.export_requested", "recording.export_approved", "recording.export_built",
                   "recording.export_downloaded"):  # fmt: skip
        assert action in logged


async def test_each_participant_plays_from_a_review_copy_of_their_own_tracks(
    new_browser: NewBrowser, app: web.Application, database: Database, recorded: CaseRecording
) -> None:
    from hub.rooms.recording.models import ReviewCopy
    from hub.rooms.recording.verify import verify_recordings
    from hub.store.verify import verify_store

    b = await signed_in(new_browser, "casemgmt1")
    page = await (await b.get(f"/recordings/{recorded.recording_id}")).text()
    path = f"/recordings/{recorded.recording_id}/segments/1/participants/user-1/media"
    assert path in page
    first = await b.get(path)
    body = await first.read()
    assert first.status == 200 and first.headers["Content-Type"] == "video/webm"
    with av.open(io.BytesIO(body)) as container:
        assert sorted(s.type for s in container.streams) == ["audio", "video"]
        assert sum(1 for _ in container.decode(video=0)) > 30
    part = await b.get(path, headers={"Range": "bytes=1000-1999"})
    assert part.status == 206 and await part.read() == body[1000:2000]
    async with database.transaction(write=False) as s:
        copies = (await s.scalars(select(ReviewCopy))).all()
        assert len(copies) == 1 and copies[0].participant == "user-1"  # made once, kept
        report = await verify_store(app[STORE], s)
        assert report.ok and await verify_recordings(s, app[STORE]) == []
    assert (await b.get(path.replace("user-1", "user-999"))).status == 404
    outsider = await signed_in(new_browser, "huhemudu1")
    assert (await outsider.get(path)).status == 404


async def test_shared_content_is_named_and_played_on_its_own(
    new_browser: NewBrowser, app: web.Application, database: Database, clock: FakeClock, small_clip: Clip
) -> None:
    """A conference's recording keeps the shared screen as a track of its own (issue 12): the pages name it in words,
    it plays in a player of its own, the sharer's own player keeps the camera, and the export names it too."""
    screen = encode_clip(480, 272, 10, seconds=2.0, keyframe_seconds=1.0, bitrate=300_000)
    recorded = await make_case_recording(app, database, clock, small_clip, segments=2, content=screen)
    b = await signed_in(new_browser, "casemgmt1")
    html = await (await b.get(f"/recordings/{recorded.recording_id}")).text()
    assert "李四 的共享内容" in html and "<td>共享内容</td>" in html and "<td>摄像画面</td>" in html
    assert "<td>content</td>" not in html and "<td>video</td>" not in html  # words, not codes
    base = f"/recordings/{recorded.recording_id}/segments"
    assert f"{base}/2/participants/user-1/content/media" in html
    assert f"{base}/1/participants/user-1/content/media" not in html  # the first segment has no shared screen

    shared = await b.get(f"{base}/2/participants/user-1/content/media")
    assert shared.status == 200
    with av.open(io.BytesIO(await shared.read())) as container:
        assert [(s.type, s.codec_context.width) for s in container.streams] == [("video", 480)]
        assert sum(1 for _ in container.decode(video=0)) == len(screen.video)
    camera = await b.get(f"{base}/2/participants/user-1/media")
    with av.open(io.BytesIO(await camera.read())) as container:
        assert sorted(s.type for s in container.streams) == ["audio", "video"]
        assert container.streams.video[0].codec_context.width == 320
    assert (await b.get(f"{base}/1/participants/user-1/content/media")).status == 404

    case_page = await (await b.get(f"/clues/{recorded.case_id}")).text()
    assert "共享内容: 李四" in case_page
    async with database.transaction(write=False) as s:
        recording = await s.get(Recording, recorded.recording_id)
        assert recording is not None
        described = export._describe(recording, await service.segments_of(s, recording.id))
    whats = [t["what"] for t in described["segments"][1]["tracks"]]
    assert whats == ["摄像画面 / camera picture", "声音 / sound", "共享内容 / shared content"]
