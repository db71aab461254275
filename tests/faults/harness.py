"""A hub in a child process, clients that note when each message arrived, and the checks every fault test makes."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import av
from sqlalchemy import select

from hub.db import Database
from hub.rooms.models import RoomSession, SessionKind, SessionStatus
from hub.rooms.recording.models import Recording, RecordingGap, RecordingSegment
from hub.rooms.recording.probe import PlainFile
from hub.rooms.tokens import issue_token
from hub.signaling.client import HubClient
from hub.signaling.clip import Clip
from hub.store.store import EvidenceStore

ROOT = Path(__file__).resolve().parents[2]
SECRET = "fault-test-secret-key-that-is-long-enough-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class HubProcess:
    """``python -m tests.faults.hub_child`` with the given settings; its JSON log lines are kept in a file."""

    database_url: str
    var_dir: Path
    extra: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: asyncio.subprocess.Process | None = None
    runs: int = 0

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def log_path(self) -> Path:
        return self.var_dir.parent / "hub.log"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "HUB_DATABASE_URL": self.database_url,
            "HUB_VAR_DIR": str(self.var_dir),
            "HUB_HOST": "127.0.0.1",
            "HUB_PORT": str(self.port),
            "HUB_SECRET_KEY": SECRET,
            "HUB_REQUIRE_SECURITY_KEY": "false",
            "HUB_LOG_JSON": "true",
            "HUB_STORE_RESERVE_MB": "0",
            **self.extra,
        }

    async def start(self, wait: float = 60.0) -> None:
        self.runs += 1
        log = self.log_path.open("ab")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.faults.hub_child", cwd=ROOT, env=self.env(), stdout=log, stderr=log
        )
        log.close()
        deadline = time.monotonic() + wait
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if self.proc.returncode is not None:
                    raise RuntimeError(f"the hub exited with {self.proc.returncode}: {self.tail()}")
                try:
                    async with http.get(f"{self.origin}/healthz") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
        raise TimeoutError(f"the hub did not answer: {self.tail()}")

    def send(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    async def stop(self, sig: int = signal.SIGTERM, wait: float = 30.0) -> int:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        return await asyncio.wait_for(self.proc.wait(), wait)

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        """The hub's JSON log lines (every line must be one: the one-stream rule), optionally only event `name`."""
        found = []
        for line in self.log_path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)  # a line that is not JSON fails the test: every log line is structured
            if name is None or record.get("event") == name:
                found.append(record)
        return found

    def tail(self) -> str:
        return self.log_path.read_text(encoding="utf-8")[-3000:] if self.log_path.exists() else ""

    async def get(self, path: str) -> tuple[int, Any]:
        async with aiohttp.ClientSession() as http, http.get(f"{self.origin}{path}", headers={"Accept": "application/json"}) as r:
            text = await r.text()
            try:
                return r.status, json.loads(text)
            except ValueError:
                return r.status, text

    async def verify(self) -> tuple[int, str]:
        """``hub store verify`` as an operator runs it."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hub.cli", "store", "verify", cwd=ROOT, env=self.env(),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await proc.communicate()
        return proc.returncode or 0, out.decode()


class TimedClient(HubClient):
    """A participant that notes when each event arrived (``_at``, unix seconds)."""

    def _on_event(self, message: dict[str, Any]) -> None:
        message["_at"] = time.time()
        super()._on_event(message)

    def recording_events(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == "recording"]

    def dropped(self) -> bool:
        return any(e.get("type") == "_socket_closed" for e in self.events)


async def interview_session(db: Database, host_user_id: int, kind: SessionKind = SessionKind.INTERVIEW) -> RoomSession:
    async with db.transaction() as s:
        rs = RoomSession(kind=kind, title="故障演练", status=SessionStatus.OPEN, host_user_id=host_user_id,
                         created_at=dt.datetime.now(dt.UTC))  # fmt: skip
        s.add(rs)
        await s.flush()
        return rs


def client(hub: HubProcess, room: str, participant: str, role: str, clip: Clip) -> TimedClient:
    token = issue_token(SECRET.encode(), room=room, participant=participant, name=participant, role=role, ttl_seconds=600)
    return TimedClient(hub.ws_url, token, room, origin=hub.origin, clip=clip, decode=False)


async def call(hub: HubProcess, room: str, clip: Clip) -> tuple[TimedClient, TimedClient]:
    """A host and an interviewee in `room`, both sending media; returns once the recording runs."""
    host, guest = client(hub, room, "user-host", "host", clip), client(hub, room, "device-9", "interviewee", clip)
    await host.connect()
    await host.join()
    await host.start_media()
    await host.wait_event("recording", wait=15)
    await guest.connect()
    await guest.join()
    await host.request({"type": "admit", "participant": "device-9"})
    await guest.wait_event("joined")
    await guest.start_media()
    return host, guest


async def recording_rows(db: Database, room_session_id: int) -> tuple[Recording, list[RecordingSegment], list[RecordingGap]]:
    async with db.transaction(write=False) as s:
        recording = await s.scalar(select(Recording).where(Recording.room_session_id == room_session_id))
        assert recording is not None
        segments = (await s.scalars(select(RecordingSegment).where(RecordingSegment.recording_id == recording.id)
                                    .order_by(RecordingSegment.position))).all()  # fmt: skip
        gaps = (await s.scalars(select(RecordingGap).where(RecordingGap.recording_id == recording.id)
                                .order_by(RecordingGap.started_at))).all()  # fmt: skip
    return recording, list(segments), list(gaps)


def _decoded_frames(plain: PlainFile) -> int:
    with av.open(plain) as container:
        return sum(1 for _ in container.decode(video=0))


def _decoded_any(plain: PlainFile) -> int:
    with av.open(plain) as container:
        return sum(1 for _ in container.decode(*container.streams))


async def decodes_any(store: EvidenceStore, file_id: str) -> int:
    """Frames of every track the segment decodes to: a segment cut while a camera's next keyframe was awaited holds
    that camera's track with no picture yet, and the voices."""
    reader = await store.open_reader(file_id)
    return await asyncio.to_thread(_decoded_any, PlainFile(reader))


async def plays(store: EvidenceStore, file_id: str) -> int:
    """Video frames the segment decodes to (0: nothing playable)."""
    reader = await store.open_reader(file_id)
    return await asyncio.to_thread(_decoded_frames, PlainFile(reader))


async def wait_until(predicate: Any, limit: float = 15.0, step: float = 0.1) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the condition did not come true in time")
        await asyncio.sleep(step)
