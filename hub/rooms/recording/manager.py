"""Which rooms are being recorded, started and stopped from the signaling hooks.

Recording starts when the first staff member who runs the call (host, interviewer or clerk) joins an
interview or reception session and runs until the room ends; nobody can pause it. If everyone leaves
and the room's media closes, the next join resumes the same recording (new segment, the gap written).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import Clock
from hub.db import Database
from hub.rooms.events import session_id_of
from hub.rooms.live_calls import LiveCalls
from hub.rooms.models import RoomSession, SessionKind
from hub.rooms.recording import service
from hub.rooms.recording.models import GapCause
from hub.rooms.recording.recorder import Person, Recorder, RecorderTuning
from hub.store.interface import EvidenceStore, Labels

log = logging.getLogger(__name__)

WATCH_SECONDS = 1.0
RECORDED_KINDS = frozenset({SessionKind.INTERVIEW, SessionKind.RECEPTION})
STARTING_ROLES = frozenset({"host", "interviewer", "clerk"})
LEFT_CAUSES = {"left": GapCause.LEFT, "removed": GapCause.LEFT, "denied": GapCause.LEFT, "disconnected": GapCause.MEDIA_LOST}

CaseResolver = Callable[[AsyncSession, RoomSession], Awaitable[int | None]]


async def no_case(s: AsyncSession, room_session: RoomSession) -> int | None:
    """The case the session was planned for, if any (the wiring may know more: a scheduled interview's case)."""
    return room_session.case_id


class RecordingManager:
    def __init__(
        self,
        db: Database,
        store: EvidenceStore,
        signaling: LiveCalls,
        *,
        clock: Clock | None = None,
        case_of: CaseResolver = no_case,
        tuning: RecorderTuning | None = None,
    ) -> None:
        self.db = db
        self.store = store
        self.signaling = signaling
        self.clock = clock or Clock()
        self.case_of = case_of
        self.tuning = tuning
        self.recorders: dict[str, tuple[Recorder, int]] = {}  # signaling room → (recorder, recording id)
        self._watch: asyncio.Task[None] | None = None
        self._stopping: set[asyncio.Future[None]] = set()
        self._ending: list[tuple[Recorder, int]] = []  # entries being stopped

    # ---- hooks (the calls' room events, see hub.rooms.live_calls) --

    async def on_participant_joined(self, event: Any) -> None:
        role = getattr(event.role, "value", event.role)
        entry = self.recorders.get(str(event.room))
        if entry is not None and event.participant is not None:
            entry[0].participant_joined(str(event.participant))
        if role in STARTING_ROLES:
            await self.start(str(event.room))

    async def on_participant_left(self, event: Any) -> None:
        entry = self.recorders.get(str(event.room))
        if entry is not None and event.participant is not None:
            entry[0].participant_left(str(event.participant), LEFT_CAUSES.get(str(event.reason), GapCause.MEDIA_LOST))

    async def on_room_ended(self, event: Any) -> None:
        # The hook may run inside the handler of the very socket the ending closes, and be cancelled with
        # it: the stop runs as its own task so the recording is always finished.
        task = asyncio.ensure_future(self.stop(str(event.room), str(event.reason) or "ended", final=True))
        self._stopping.add(task)
        task.add_done_callback(self._stopping.discard)
        await asyncio.shield(task)

    # ---- control -------------------------------------------------------------------------------

    async def start(self, room: str) -> Recorder | None:
        """Record `room` (a no-op if it is recorded already or is not a recorded kind of session)."""
        media = self.signaling.media_room(room)
        entry = self.recorders.get(room)
        if entry is not None:
            if media is None or entry[0].room is media:
                return entry[0]
            await self.stop(room, "room_closed", final=False)  # everyone had left: resume on the new media room
        session_id = session_id_of(room)
        if session_id is None or media is None:
            return None
        now = self.clock.now()
        async with self.db.transaction() as s:
            room_session = await s.get(RoomSession, session_id)
            if room_session is None or room_session.kind not in RECORDED_KINDS:
                return None
            case_id = await self.case_of(s, room_session)
            resume = await service.begin(s, room_session_id=session_id, signaling_room=room, case_id=case_id, now=now)
            room_id = room_session.room_ids[0] if room_session.room_ids else None
        labels = Labels(case_id=case_id, room_id=room_id, room_session_id=session_id)
        recorder = Recorder(
            media,
            self.store,
            service.DbRecordingLog(self.db, resume.recording_id),
            labels,
            lambda participant: self._person(room, participant),
            first_position=resume.next_position,
            previous_file_id=resume.previous_file_id,
            tuning=self.tuning,
        )
        recorder.start()
        self.recorders[room] = (recorder, resume.recording_id)
        if self._watch is None or self._watch.done():
            self._watch = asyncio.get_running_loop().create_task(self._watch_rooms())
        self.signaling.set_recording(room, True)
        log.info("recording %s (recording %s)", room, resume.recording_id)
        return recorder

    async def stop(self, room: str, reason: str, *, final: bool) -> None:
        """Stop recording `room`; `final` ends the recording (else the next join resumes it)."""
        entry = self.recorders.get(room)
        if entry is None or entry in self._ending:
            return
        self._ending.append(entry)
        try:
            recorder, recording_id = entry
            await recorder.stop(reason)
            if final:
                async with self.db.transaction() as s:
                    await service.finish(s, recording_id, now=self.clock.now(), reason=reason)
            self.signaling.set_recording(room, False)
        finally:
            self._ending.remove(entry)
            if self.recorders.get(room) is entry:  # listed until finished, so a waiter sees it done
                del self.recorders[room]

    async def close(self) -> None:
        """Shutting down: every recording ends cleanly (a crash, instead, is recovered at the next start)."""
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        if self._stopping:
            await asyncio.gather(*self._stopping, return_exceptions=True)
        for room in list(self.recorders):
            await self.stop(room, "server_stopped", final=True)

    async def _watch_rooms(self) -> None:
        """Catch what no hook reported: a room that ended, or whose media closed because everyone left."""
        while self.recorders:
            await asyncio.sleep(WATCH_SECONDS)
            for room, (recorder, _recording_id) in list(self.recorders.items()):
                try:
                    if room in self.signaling.ended:
                        await self.stop(room, "ended", final=True)
                    elif self.signaling.media_room(room) is not recorder.room:
                        await self.stop(room, "room_closed", final=False)  # resumed on the next join
                except Exception:
                    log.exception("stopping the recorder of %s failed", room)

    def _person(self, room: str, participant: str) -> Person:
        state = self.signaling.rooms.get(room)
        member = state.members.get(participant) if state is not None else None
        if member is None:
            return Person(participant, "")
        return Person(str(member.name), str(getattr(member.role, "value", member.role)))
