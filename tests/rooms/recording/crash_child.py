"""A server process that records a two-party room until it is killed: the crash test runs it and sends SIGKILL.

    python -m tests.rooms.recording.crash_child DB_URL VAR_DIR ROOM_SESSION_ID

Two aiortc publishers connect to the hub's media engine over 127.0.0.1 in this same process (so they
die with it); the recorder writes segments into the store and the database as in the app. It prints
`recording <unix time>` once the recorder runs, then `flushed <media end> <unix time>` after every flush of
a segment (the media up to `media end`, unix seconds, is on disk), and lives until killed.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from hub.db import Database
from hub.media import MediaEngine, SlotLayout
from hub.rooms.recording import service
from hub.rooms.recording.recorder import Person, Recorder
from hub.rooms.recording.segment import SegmentFile
from hub.schema import load_all
from hub.signaling.client_media import ClientPeer
from hub.signaling.clip import encode_clip
from hub.store.manifest import Labels
from hub.store.store import EvidenceStore


def report_flushes() -> None:
    original = SegmentFile.flush

    async def flush(self: SegmentFile) -> int:
        media_end = self.started_at + self.end_pts / 1000  # muxed before this flush began
        durable = await original(self)
        print(f"flushed {media_end} {time.time()}", flush=True)
        return durable

    SegmentFile.flush = flush  # type: ignore[method-assign]


async def main(url: str, var_dir: Path, room_session_id: int) -> None:
    report_flushes()
    load_all()  # every table the recording rows point at
    clip = await asyncio.to_thread(encode_clip, 320, 240, 30, 2.0)
    db = Database(url)
    store = await EvidenceStore.open(var_dir)
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    peers: list[ClientPeer] = []
    connected = asyncio.Event()

    def all_connected() -> bool:
        return len(peers) == 2 and all(p.pc.connectionState == "connected" for p in peers)

    for pid in ("interviewer", "interviewee"):
        peer = ClientPeer(engine.layout.describe(True), clip=clip, ice_addresses=["127.0.0.1"], decode=False)
        peer.pc.on("connectionstatechange", lambda: connected.set() if all_connected() else None)
        await peer.accept(await engine.room("r").connect(pid, await peer.offer(), publish=True))
        peers.append(peer)
    async with db.transaction() as s:
        resume = await service.begin(
            s,
            room_session_id=room_session_id,
            signaling_room=f"session-{room_session_id}",
            case_id=None,
            now=store.clock.now(),
        )
    recorder = Recorder(
        engine.rooms["r"],
        store,
        service.DbRecordingLog(db, resume.recording_id),
        Labels(room_session_id=room_session_id),
        lambda p: Person(p, "interviewee"),
    )
    if not all_connected():
        await connected.wait()
    recorder.start()
    print(f"recording {time.time()}", flush=True)
    await asyncio.Event().wait()  # until SIGKILL


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])))
