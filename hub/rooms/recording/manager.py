"""Which rooms are being recorded, started and stopped from the signaling hooks, and supervised.

Recording starts when the first staff member who runs the call (host, interviewer or clerk) joins an
interview or reception session and runs until the room ends; nobody can pause it. If everyone leaves
and the room's media closes, the next join resumes the same recording (new segment, the gap written).

Supervision (DESIGN §10): a recorder that fails calls back at once (`Recorder.on_failed`). The manager
tells everyone in the room that it is not recorded and why (the `recording` message with a reason; the
host of an interview must acknowledge), finishes the failed segment's file through the store's recovery,
opens a gap of the whole recording with the true cause, and starts a new recorder into a new segment as
soon as recording is possible again (the store has room); the new recorder's first segment closes the gap
and everyone is told it records again. The rows go through a `RowBacklog`, so a database outage never
stops a recorder. A hub that is stopped (SIGTERM) interrupts its recordings with a `server_stopped` gap
that the next start's recording of the room closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import structlog
from prometheus_client import Counter, Gauge
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import Clock
from hub.db import Database, database_outage
from hub.errors import Unavailable
from hub.rooms.events import session_id_of
from hub.rooms.live_calls import LiveCalls
from hub.rooms.models import RoomSession, SessionKind
from hub.rooms.recording import service
from hub.rooms.recording.backlog import RowBacklog
from hub.rooms.recording.models import GapCause
from hub.rooms.recording.recorder import Person, Recorder, RecorderTuning, utc
from hub.rooms.recording.segment import SegmentFile
from hub.store.interface import EvidenceStore, Labels, StoreError, StoreFull

log = structlog.get_logger("hub.recorder")

WATCH_SECONDS = 1.0
RESTART_FIRST, RESTART_MOST = 0.25, 5.0  # seconds between tries to record again
DRAIN_SECONDS = 10.0  # at shutdown, how long the rows may take to reach the database
RECORDED_KINDS = frozenset({SessionKind.INTERVIEW, SessionKind.RECEPTION, SessionKind.CONFERENCE})  # conferences: issue 12
ACKNOWLEDGED_KINDS = frozenset({SessionKind.INTERVIEW})  # the host confirms before going on unrecorded
STARTING_ROLES = frozenset({"host", "interviewer", "clerk"})
LEFT_CAUSES = {"left": GapCause.LEFT, "removed": GapCause.LEFT, "denied": GapCause.LEFT, "disconnected": GapCause.MEDIA_LOST}

RECORDER_FAILURES = Counter("hub_recorder_failures_total", "Recorder failures, by cause", ["cause"])
GAPS = Counter("hub_recording_gaps_total", "Gaps of a whole recording, by cause", ["cause"])
RECORDERS = Gauge("hub_recorders_running", "Recorders writing now")
NOT_RECORDING = Gauge("hub_rooms_not_recording", "Rooms that must be recorded and are not, now")

CaseResolver = Callable[[AsyncSession, RoomSession], Awaitable[int | None]]


async def no_case(s: AsyncSession, room_session: RoomSession) -> int | None:
    """The case the session was planned for, if any (the wiring may know more: a scheduled interview's case)."""
    return room_session.case_id


def _chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def failure_cause(recorder: Recorder, exc: BaseException) -> GapCause:
    """The true cause of a recorder's failure: what its segments' writers met first, else the exception itself."""
    found = [e for segment in recorder.failed_segments if (e := segment.writer.error) is not None]
    for candidate in [*found, *_chain(exc)]:
        if isinstance(candidate, StoreFull) or (isinstance(candidate, OSError) and candidate.errno == errno.ENOSPC):
            return GapCause.DISK_FULL
        if isinstance(candidate, StoreError):
            return GapCause.STORE_ERROR
        if isinstance(candidate, Unavailable) or database_outage(candidate):
            return GapCause.DATABASE_UNAVAILABLE
    return GapCause.RECORDER_FAILED


@dataclass
class Fault:
    """A room that must be recorded and is not: since when, why, and the gap (a backlog handle) that says so."""

    cause: GapCause
    since: float
    gap: int | None = None
    acknowledged_by: list[str] = field(default_factory=list)
    told_at: float = 0.0  # when the room was told (unix seconds)


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
        impossible: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.db = db
        self.store = store
        self.signaling = signaling
        self.clock = clock or Clock()
        self.case_of = case_of
        self.tuning = tuning
        self.impossible = impossible  # why recording cannot run now (the store's verdict), or None
        self.recorders: dict[str, tuple[Recorder, int]] = {}  # signaling room → (recorder, recording id)
        self.faults: dict[str, Fault] = {}
        self.kinds: dict[str, SessionKind] = {}
        self.backlogs: dict[str, RowBacklog] = {}
        self._labels: dict[str, Labels] = {}
        self._restarts: dict[str, asyncio.Task[None]] = {}
        self._handled: set[int] = set()  # ids of failed recorders already acted on
        self._watch: asyncio.Task[None] | None = None
        self._stopping: set[asyncio.Future[None]] = set()
        self._ending: list[tuple[Recorder, int]] = []  # entries being stopped
        self._closing = False
        self.on_fault: list[Callable[[str, Fault], None]] = []  # told when a room stops being recorded (benchmarks)
        # several processes: whether this one may act for a room now (a lease; hub.signaling.cluster fencing)
        self.holds_room: Callable[[str], bool] | None = None

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

    async def on_room_fenced(self, event: Any) -> None:
        """Several processes: this one lost the room (it stood still past its lease and another node took it over).
        The recorder stops at once (the new node records on in a new segment) and the time between is a gap."""
        room = str(event.room)
        entry = self.recorders.get(room)
        if entry is None:
            return
        recorder, recording_id = entry
        log.error("recording_fenced", room=room, recording=recording_id, cause=str(event.reason))
        await self.stop(room, "node_fenced", final=False)
        file_id, now = recorder.previous_file_id, self.clock.now()
        backlog = self._backlog(room)
        backlog.later("node_failed", lambda: self._in_unit(lambda s: service.fenced(s, recording_id, file_id, now=now)))

    async def on_recording_acknowledged(self, event: Any) -> None:
        room = str(event.room)
        fault, entry = self.faults.get(room), self.recorders.get(room)
        cause = fault.cause.value if fault is not None else str(event.reason)
        role = str(getattr(event.role, "value", event.role))
        log.info("recording_fault_acknowledged", room=room, participant=event.participant, role=role, cause=cause)
        if fault is not None:
            fault.acknowledged_by.append(str(event.participant))
        if entry is not None:
            recording_id, now = entry[1], self.clock.now()
            self._backlog(room).later(
                "fault_acknowledged",
                lambda: self._in_unit(
                    lambda s: service.acknowledge_fault(
                        s, recording_id, participant=str(event.participant), role=role, cause=cause, now=now
                    )
                ),
            )

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
        try:
            async with self.db.transaction() as s:
                room_session = await s.get(RoomSession, session_id)
                if room_session is None or room_session.kind not in RECORDED_KINDS:
                    return None
                self.kinds[room] = room_session.kind
                case_id = await self.case_of(s, room_session)
                resume = await service.begin(
                    s, room_session_id=session_id, signaling_room=room, case_id=case_id, now=now, store=self.store
                )
                room_id = room_session.room_ids[0] if room_session.room_ids else None
        except Unavailable:
            self._cannot_start(room, GapCause.DATABASE_UNAVAILABLE)
            return None
        self._labels[room] = Labels(case_id=case_id, room_id=room_id, room_session_id=session_id)
        if room not in self.backlogs:
            self.backlogs[room] = RowBacklog(service.DbRecordingLog(self.db, resume.recording_id))
        fault = self.faults.get(room)
        gap = None
        if fault is not None:  # it could not start before (the database): the stretch until its first segment is a gap
            gap = await self._backlog(room).gap_opened(None, utc(fault.since), fault.cause)
            fault.gap = gap
            GAPS.labels(fault.cause.value).inc()
        recorder = self._recorder(room, media, resume.next_position, resume.previous_file_id, gap)
        recorder.start()
        self.recorders[room] = (recorder, resume.recording_id)
        RECORDERS.inc()
        if self._watch is None or self._watch.done():
            self._watch = asyncio.get_running_loop().create_task(self._watch_rooms())
        if fault is None:
            self.signaling.set_recording(room, True)
        log.info("recording_started", room=room, recording=resume.recording_id, position=resume.next_position)
        return recorder

    def _recorder(self, room: str, media: Any, position: int, previous: str | None, gap: int | None) -> Recorder:
        return Recorder(
            media,
            self.store,
            self._backlog(room),
            self._labels[room],
            lambda participant: self._person(room, participant),
            first_position=position,
            previous_file_id=previous,
            tuning=self.tuning,
            on_failed=lambda recorder, exc: self._spawn(self._failed(room, recorder, exc)),
            on_segment=lambda recorder: self._segment_opened(room, recorder),
            room_gap=gap,
            holds=self._holds(room),
        )

    def _holds(self, room: str) -> Callable[[], bool] | None:
        holds_room = self.holds_room
        if holds_room is None:
            return None
        return lambda: holds_room(room)

    def _backlog(self, room: str) -> RowBacklog:
        return self.backlogs[room]  # made when the room's recording began

    async def _in_unit(self, work: Callable[[AsyncSession], Coroutine[Any, Any, None]]) -> None:
        async with self.db.transaction() as s:
            await work(s)

    def _cannot_start(self, room: str, cause: GapCause) -> None:
        """The recording could not even begin: tell the room, and keep trying."""
        if room not in self.faults:
            self._fault(room, Fault(cause, time.time()))
            log.error("recording_cannot_start", room=room, cause=cause.value)
        self._schedule_restart(room)

    def _fault(self, room: str, fault: Fault) -> None:
        self.faults[room] = fault
        NOT_RECORDING.set(len(self.faults))
        acknowledge = self.kinds.get(room, SessionKind.INTERVIEW) in ACKNOWLEDGED_KINDS
        self.signaling.set_recording(room, False, fault.cause.value, acknowledge=acknowledge)
        fault.told_at = time.time()
        for listener in self.on_fault:
            listener(room, fault)

    def _segment_opened(self, room: str, recorder: Recorder) -> None:
        fault = self.faults.pop(room, None)
        NOT_RECORDING.set(len(self.faults))
        if fault is not None:
            log.info("recording_resumed", room=room, cause=fault.cause.value, unrecorded_s=round(time.time() - fault.since, 2))
            self.signaling.set_recording(room, True)

    async def _failed(self, room: str, recorder: Recorder, exc: BaseException) -> None:
        """A recorder failed: tell the room at once, finish its segment's file, write the gap, record again when possible."""
        noticed_at = time.time()
        if id(recorder) in self._handled:
            return
        self._handled.add(id(recorder))
        entry = self.recorders.get(room)
        if entry is None or entry[0] is not recorder:
            return
        cause = failure_cause(recorder, exc)
        RECORDER_FAILURES.labels(cause.value).inc()
        RECORDERS.dec()
        fault = Fault(cause, recorder.failed_at)
        self._fault(room, fault)  # first: the people in the room learn it before anything slow happens
        log.error(
            "recorder_failed",
            room=room,
            recording=entry[1],
            cause=cause.value,
            error=repr(exc),
            failed_at=recorder.failed_at,
            told_at=fault.told_at,
            noticed_ms=round((noticed_at - recorder.failed_at) * 1000, 1),
            told_ms=round((fault.told_at - recorder.failed_at) * 1000, 1),
            exc_info=exc,
        )
        kept_until = recorder.failed_at
        for segment in recorder.failed_segments:
            kept_until = await self._finish_failed(room, segment, cause)
        await recorder.close_gaps(kept_until)
        fault.gap = await self._backlog(room).gap_opened(None, utc(kept_until), cause)
        GAPS.labels(cause.value).inc()
        # media that had reached the recorder but not the disk when it failed: lost (the gap starts where the kept ends)
        log.info("recording_gap_opened", room=room, cause=cause.value, lost_s=round(max(0.0, recorder.failed_at - kept_until), 3))
        if not self._closing:
            self._schedule_restart(room)

    async def _finish_failed(self, room: str, segment: SegmentFile, cause: GapCause) -> float:
        """Finish a failed segment's file now (the store's recovery keeps every whole chunk); the end of what it kept."""
        kept_until = segment.started_at + segment.duration_ms / 1000  # what was muxed: an upper bound
        signed = None
        try:
            signed = await self.store.recover_one(segment.file_id)
        except Exception as exc:  # e.g. no room even for the last chunk: the next start's recovery finishes it
            log.error("failed_segment_not_finished", room=room, file_id=segment.file_id, error=str(exc))
        duration = 0
        if signed is not None:
            duration = await service.recovered_duration(self.store, segment.file_id)
            kept_until = segment.started_at + duration / 1000
        ended_at = utc(kept_until) if signed is not None else None
        self._backlog(room).later(
            "segment_failed",
            lambda: service.segment_failed(self.db, segment.file_id, cause.value, signed, ended_at, duration),
        )
        log.info("failed_segment_finished", room=room, file_id=segment.file_id, kept_ms=duration, finished=signed is not None)
        return kept_until

    def _schedule_restart(self, room: str) -> None:
        task = self._restarts.get(room)
        if task is None or task.done():
            self._restarts[room] = asyncio.get_running_loop().create_task(self._restart(room))

    async def _restart(self, room: str) -> None:
        delay = RESTART_FIRST
        while not self._closing:
            media = self.signaling.media_room(room)
            if media is None or room in self.signaling.ended or room not in self.faults:
                return
            entry = self.recorders.get(room)
            if entry is None:
                if await self.start(room) is not None:
                    return
            elif entry[0].failed is not None and self.impossible() is None:
                old, recording_id = entry
                previous = old.failed_segments[-1].file_id if old.failed_segments else old.previous_file_id
                fault = self.faults.get(room)
                try:
                    new = self._recorder(room, media, old.position, previous, fault.gap if fault is not None else None)
                    new.start()
                except Exception:
                    log.exception("recorder_restart_failed", room=room)
                else:
                    self.recorders[room] = (new, recording_id)
                    RECORDERS.inc()
                    log.info("recorder_restarted", room=room, recording=recording_id, position=old.position)
                    return
            elif entry[0].failed is None:
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, RESTART_MOST)

    async def stop(self, room: str, reason: str, *, final: bool) -> None:
        """Stop recording `room`; `final` ends the recording (else the next join resumes it)."""
        restart = self._restarts.pop(room, None)
        if restart is not None:
            restart.cancel()
        entry = self.recorders.get(room)
        if entry is None or entry in self._ending:
            if entry is None:
                self.faults.pop(room, None)
            return
        self._ending.append(entry)
        try:
            recorder, recording_id = entry
            was_running = recorder.failed is None
            await recorder.stop(reason)
            if was_running and recorder.failed is not None:  # it failed while closing
                await self._failed(room, recorder, recorder.failed)
            elif was_running:
                RECORDERS.dec()
            backlog = self._backlog(room)
            now = self.clock.now()
            fault = self.faults.pop(room, None)
            NOT_RECORDING.set(len(self.faults))
            if fault is not None and fault.gap is not None:
                await backlog.gap_closed(fault.gap, now)
            if final:
                backlog.later("finish", lambda: self._in_unit(lambda s: service.finish(s, recording_id, now=now, reason=reason)))
            elif reason == "server_stopped":
                cause = GapCause.SERVER_STOPPED
                backlog.later(
                    "interrupt", lambda: self._in_unit(lambda s: service.interrupt(s, recording_id, now=now, cause=cause))
                )
            self.signaling.set_recording(room, False)
            await backlog.drain(timeout=2.0)  # the rows follow in the background if the database is down
        finally:
            self._ending.remove(entry)
            if self.recorders.get(room) is entry:  # listed until finished, so a waiter sees it done
                del self.recorders[room]

    async def close(self) -> None:
        """Shutting down: every recording is finalised and interrupted with a `server_stopped` gap (the next start's
        recording of the room closes it); a crash, instead, is recovered at the next start."""
        self._closing = True
        for task in self._restarts.values():
            task.cancel()
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        if self._stopping:
            await asyncio.gather(*self._stopping, return_exceptions=True)
        for room in list(self.recorders):
            try:
                await self.stop(room, "server_stopped", final=False)
            except Exception:
                log.exception("recording_stop_failed", room=room)
        deadline = time.monotonic() + DRAIN_SECONDS
        for room, backlog in self.backlogs.items():
            if not await backlog.drain(timeout=max(0.1, deadline - time.monotonic())):
                log.error(
                    "recording_rows_unwritten",
                    room=room,
                    pending=backlog.pending,
                    note="recovered from the store at the next start",
                )
            await backlog.close()

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
                    log.exception("recorder_stop_failed", room=room)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._stopping.add(task)
        task.add_done_callback(self._stopping.discard)

    def _person(self, room: str, participant: str) -> Person:
        state = self.signaling.rooms.get(room)
        member = state.members.get(participant) if state is not None else None
        if member is None:
            return Person(participant, "")
        return Person(str(member.name), str(getattr(member.role, "value", member.role)))
