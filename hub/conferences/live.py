"""A live conference (会控): the chair's console, the venues' requests, and what everyone is shown.

Signaling hands every conference message here through its console hook (`hub.signaling.interface.ConsoleHook`); this
module decides and acts on the room through `ConferenceControls` (pictures, silenced audio, admissions, the end). The
state is told to everyone admitted as one `conference` event after every change (board updates at most once a
second). What must be kept (attendance, the console's events: who was broadcast when) goes to a `ConferenceStore`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import structlog

from hub.clock import Clock
from hub.rooms.interface import ParticipantRole
from hub.signaling.interface import (
    CHAIR_ONLY,
    LAYOUT_PICTURES,
    ConferenceControls,
    ConsoleError,
    MemberView,
    Request,
    cp,
)

log = structlog.get_logger(__name__)

TICK_SECONDS = 0.5  # voice switching, tours and board updates are checked this often
VOICE_HOLD_SECONDS = 3.0  # a voice-switched broadcast stays at least this long
BOARD_EVERY_SECONDS = 1.0  # board-only changes (stats, speaking) are told at most this often


@dataclass(frozen=True)
class ConferenceInfo:
    """What the hub knows of a scheduled conference before anyone joins."""

    conference_id: int
    title: str
    ends_at: dt.datetime | None
    invited: dict[str, str] = field(default_factory=dict)  # participant id → name (the venues expected)


class ConferenceStore(Protocol):
    """Keeps attendance and the console's events (the conferences part's database; None in bare tests)."""

    async def attendance(self, conference_id: int, row: Attendance) -> None: ...

    async def event(self, conference_id: int, at: dt.datetime, kind: str, actor: str | None, data: dict[str, Any]) -> None: ...

    async def extended(self, conference_id: int, ends_at: dt.datetime) -> None: ...

    async def ended(self, conference_id: int, at: dt.datetime) -> None: ...


@dataclass
class Attendance:
    participant: str
    name: str
    invited: bool
    joined_at: dt.datetime | None = None
    left_at: dt.datetime | None = None
    people: int | None = None
    signed_in_at: dt.datetime | None = None
    roll_call_called_at: dt.datetime | None = None
    roll_call_answered_at: dt.datetime | None = None


@dataclass
class Stats:
    camera: bool = False
    microphone: bool = False
    quality: str = "unknown"
    rtt_ms: int | None = None
    loss_pct: float | None = None
    bitrate_kbps: int | None = None


@dataclass
class Tour:
    mode: str
    seconds: int
    venues: list[str] | None
    current: str | None = None
    next_at: float = 0.0


@dataclass
class Live:
    room: str
    info: ConferenceInfo
    chair: str | None = None
    host: str | None = None
    broadcast_venue: str | None = None
    broadcast_layout: bool = False
    broadcast_source: str = "chair"
    layout: str = "single"
    layout_venues: list[str] = field(default_factory=list)
    watch: str | None = None
    muted: dict[str, str] = field(default_factory=dict)  # venue → the chair who muted it
    floor: str | None = None
    restore: dict[str, str] = field(default_factory=dict)  # muted before being given the floor / called
    requests: dict[str, dt.datetime] = field(default_factory=dict)  # in order of asking
    roll_call: str | None = None
    voice: bool = False
    voice_at: float = 0.0
    tour: Tour | None = None
    locked: bool = False
    ends_at: dt.datetime | None = None
    content: str | None = None
    content_allowed: set[str] = field(default_factory=set)
    hung_up: set[str] = field(default_factory=set)
    called: set[str] = field(default_factory=set)
    stats: dict[str, Stats] = field(default_factory=dict)
    attendance: dict[str, Attendance] = field(default_factory=dict)
    speaking: list[str] = field(default_factory=list)
    watchers: set[str] = field(default_factory=set)  # viewers whose own main picture was set
    connected: frozenset[str] = frozenset()  # whose media was connected at the last look
    dirty: bool = False
    ending: bool = False  # the chair ended it: the room ends once the request is answered
    told_at: float = 0.0
    task: asyncio.Task[None] | None = None


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value is not None else None


class ConferenceConsole:
    """The console hook: one per app, holding every live conference of this process."""

    def __init__(self, controls: ConferenceControls, *, clock: Clock | None = None, store: ConferenceStore | None = None) -> None:
        self.controls = controls
        self.clock = clock or Clock()
        self.store = store
        self.known: dict[str, ConferenceInfo] = {}  # signaling room → conference
        self.live: dict[str, Live] = {}
        self._ending: set[asyncio.Task[None]] = set()  # rooms being ended: waited for on close
        self._handlers: dict[str, Callable[[Live, MemberView, Any], Any]] = {
            "call_venue": self._call_venue,
            "hang_up": self._hang_up,
            "admit_all": self._admit_all,
            "mute": self._mute,
            "unmute": self._unmute,
            "mute_all": self._mute_all,
            "unmute_all": self._unmute_all,
            "set_layout": self._set_layout,
            "broadcast": self._broadcast,
            "watch": self._watch,
            "roll_call": self._roll_call,
            "voice_switching": self._voice_switching,
            "tour": self._tour,
            "stop_tour": self._stop_tour,
            "lock": self._lock,
            "extend": self._extend,
            "end_conference": self._end_conference,
            "hand_over": self._hand_over,
            "grant_floor": self._grant_floor,
            "decline_floor": self._decline_floor,
            "end_floor": self._end_floor,
            "allow_content": self._allow_content,
            "request_floor": self._request_floor,
            "cancel_floor": self._cancel_floor,
            "sign_in": self._sign_in,
            "answer_roll_call": self._answer_roll_call,
            "share_content": self._share_content,
            "venue_stats": self._venue_stats,
        }
        assert set(self._handlers) == {m.model_fields["type"].default for m in cp.CONFERENCE_REQUESTS}

    # ---- what signaling asks -------------------------------------------------------------------------------------

    def register(self, room: str, info: ConferenceInfo) -> None:
        """A conference that may be joined in signaling room `room` (`session-<n>`)."""
        self.known[room] = info
        live = self.live.get(room)
        if live is not None:
            live.info = info

    def is_conference(self, room_id: str) -> bool:
        return room_id in self.known

    def may_join(self, room_id: str, participant: str, role: ParticipantRole) -> str | None:
        live = self.live.get(room_id)
        if live is None or not live.locked:
            return None
        if participant in live.called or role in (ParticipantRole.HOST, ParticipantRole.VENUE):
            return None
        return "locked" if participant not in live.attendance else None

    def may_unmute(self, room_id: str, participant: str) -> bool:
        live = self.live.get(room_id)
        return live is None or participant not in live.muted

    def may_end(self, room_id: str, participant: str) -> bool:
        live = self.live.get(room_id)
        return live is not None and live.chair == participant

    async def joined(self, room_id: str, member: MemberView) -> None:
        live = self._live(room_id)
        now = self.clock.now()
        if member.role is ParticipantRole.HOST:
            live.host = member.id
            if live.chair is None:
                live.chair = member.id
        row = live.attendance.get(member.id)
        if row is None:
            invited = member.role in (ParticipantRole.HOST, ParticipantRole.VENUE) or member.id in live.info.invited
            row = live.attendance[member.id] = Attendance(member.id, member.name, invited, joined_at=now)
        else:
            row.left_at = None
        live.hung_up.discard(member.id)
        live.stats.setdefault(member.id, Stats(camera=member.video, microphone=member.audio))
        await self._keep(live, row)
        await self._event(live, "joined", member.id, {"name": member.name})
        self._apply(live)
        self._tell(live)

    async def left(self, room_id: str, participant: str, reason: str) -> None:
        live = self.live.get(room_id)
        if live is None:
            return
        row = live.attendance.get(participant)
        if row is not None:
            row.left_at = self.clock.now()
            await self._keep(live, row)
        live.requests.pop(participant, None)
        live.watchers.discard(participant)
        if live.floor == participant:
            live.floor = None
        if live.roll_call == participant:
            live.roll_call = None
        if live.content == participant:
            live.content = None
        if live.broadcast_venue == participant:
            live.broadcast_venue, live.broadcast_source = None, "chair"
        if live.watch == participant:
            live.watch = None
        await self._event(live, "left", participant, {"reason": reason})
        self._apply(live)
        self._tell(live)

    async def ended(self, room_id: str, reason: str) -> None:
        live = self.live.pop(room_id, None)
        if live is None:
            return
        if live.task is not None:
            live.task.cancel()
        now = self.clock.now()
        for row in live.attendance.values():
            if row.left_at is None:
                row.left_at = now
                await self._keep(live, row)
        await self._event(live, "ended", None, {"reason": reason})
        if self.store is not None:
            await self.store.ended(live.info.conference_id, now)

    async def handle(self, room_id: str, member: MemberView, request: Request) -> None:
        live = self._live(room_id)
        kind = request.type
        if kind in CHAIR_ONLY and member.id != live.chair:
            raise ConsoleError("not_chair", "only the chair may use the console")
        result = self._handlers[kind](live, member, request)
        if asyncio.iscoroutine(result):
            await result
        if kind != "venue_stats":
            data = request.model_dump(mode="json", exclude={"id", "type"})
            await self._event(live, kind, member.id, data)
            self._apply(live)
            self._tell(live)
        else:
            live.dirty = True
        if live.ending:
            # Started with no await left before the caller answers: the `ok` is queued before the room (and the chair's
            # socket) ends. Started in the handler, it ran during the event's database write and the `ok` was lost.
            task = asyncio.get_running_loop().create_task(self.controls.end_room(live.room, "ended_by_chair"))
            self._ending.add(task)
            task.add_done_callback(self._ending.discard)
            task.add_done_callback(_log_failure)

    # ---- the console -----------------------------------------------------------------------------------------------

    def _member(self, live: Live, participant: str, *, admitted: bool = True) -> MemberView:
        for m in self.controls.members(live.room):
            if m.id == participant and (m.admitted or not admitted):
                return m
        raise ConsoleError("not_found", "no such venue in this conference")

    def _venues(self, live: Live) -> list[MemberView]:
        return [m for m in self.controls.members(live.room) if m.admitted and m.id != live.chair]

    async def _call_venue(self, live: Live, member: MemberView, msg: cp.CallVenue) -> None:
        if msg.venue in live.hung_up:
            live.hung_up.discard(msg.venue)
            live.called.add(msg.venue)
            return
        if not await self.controls.admit_member(live.room, msg.venue):
            raise ConsoleError("not_found", "nobody with that id waits in the lobby or was hung up")
        live.called.add(msg.venue)

    async def _hang_up(self, live: Live, member: MemberView, msg: cp.HangUp) -> None:
        self._member(live, msg.venue)
        if msg.venue == live.chair:
            raise ConsoleError("not_found", "the chair cannot hang up itself")
        live.hung_up.add(msg.venue)
        live.called.discard(msg.venue)
        await self.controls.remove_participant(live.room, msg.venue, "hung_up")

    async def _admit_all(self, live: Live, member: MemberView, msg: cp.AdmitAll) -> None:
        for waiting in [m for m in self.controls.members(live.room) if not m.admitted]:
            if await self.controls.admit_member(live.room, waiting.id):
                live.called.add(waiting.id)

    def _mute(self, live: Live, member: MemberView, msg: cp.Mute) -> None:
        self._member(live, msg.venue)
        if msg.venue in (live.floor, live.roll_call):
            self._end_speaking(live)
        live.muted[msg.venue] = member.id

    def _unmute(self, live: Live, member: MemberView, msg: cp.Unmute) -> None:
        self._member(live, msg.venue)
        live.muted.pop(msg.venue, None)
        live.restore.pop(msg.venue, None)

    def _mute_all(self, live: Live, member: MemberView, msg: cp.MuteAll) -> None:
        self._end_speaking(live)
        for venue in self._venues(live):
            live.muted.setdefault(venue.id, member.id)

    def _unmute_all(self, live: Live, member: MemberView, msg: cp.UnmuteAll) -> None:
        live.muted.clear()
        live.restore.clear()

    def _set_layout(self, live: Live, member: MemberView, msg: cp.SetLayout) -> None:
        if len(msg.venues) > LAYOUT_PICTURES[msg.layout] or len(set(msg.venues)) != len(msg.venues):
            raise ConsoleError("invalid_message", "venues: more venues than the layout has pictures, or one twice")
        for venue in msg.venues:
            self._member(live, venue)
        live.layout, live.layout_venues = msg.layout, list(msg.venues)

    def _broadcast(self, live: Live, member: MemberView, msg: cp.Broadcast) -> None:
        if msg.venue is not None:
            self._member(live, msg.venue)
        self._stop_broadcast_automation(live)
        live.broadcast_venue = msg.venue
        live.broadcast_layout = msg.venue is None and msg.layout
        live.broadcast_source = "broadcast" if msg.venue is not None or msg.layout else "chair"

    def _watch(self, live: Live, member: MemberView, msg: cp.Watch) -> None:
        if msg.venue is not None:
            self._member(live, msg.venue)
        if live.tour is not None and live.tour.mode == "view":
            live.tour = None
        live.watch = msg.venue

    def _roll_call(self, live: Live, member: MemberView, msg: cp.RollCall) -> None:
        self._member(live, msg.venue)
        self._end_speaking(live)
        self._stop_broadcast_automation(live)
        live.roll_call = msg.venue
        self._give_voice(live, msg.venue)
        live.broadcast_venue, live.broadcast_layout, live.broadcast_source = msg.venue, False, "roll_call"
        row = live.attendance.get(msg.venue)
        if row is not None:
            row.roll_call_called_at, row.roll_call_answered_at = self.clock.now(), None

    def _voice_switching(self, live: Live, member: MemberView, msg: cp.VoiceSwitching) -> None:
        if msg.on:
            self._stop_broadcast_automation(live)
            live.broadcast_source = "voice"
            live.voice_at = 0.0
        elif live.broadcast_source == "voice":
            live.broadcast_source = "broadcast" if live.broadcast_venue else "chair"
        live.voice = msg.on

    def _tour(self, live: Live, member: MemberView, msg: cp.Tour) -> None:
        for venue in msg.venues or []:
            self._member(live, venue)
        if msg.mode == "broadcast":
            self._stop_broadcast_automation(live)
        live.tour = Tour(msg.mode, msg.seconds, list(msg.venues) if msg.venues else None)
        self._tour_step(live)

    def _stop_tour(self, live: Live, member: MemberView, msg: cp.StopTour) -> None:
        live.tour = None

    def _lock(self, live: Live, member: MemberView, msg: cp.Lock) -> None:
        live.locked = msg.locked

    async def _extend(self, live: Live, member: MemberView, msg: cp.Extend) -> None:
        base = live.ends_at or self.clock.now()
        live.ends_at = base + dt.timedelta(minutes=msg.minutes)
        if self.store is not None:
            await self.store.extended(live.info.conference_id, live.ends_at)

    def _end_conference(self, live: Live, member: MemberView, msg: cp.EndConference) -> None:
        live.ending = True  # the chair's own socket closes with the room: `handle` ends it after the `ok`

    def _hand_over(self, live: Live, member: MemberView, msg: cp.HandOver) -> None:
        target = self._member(live, msg.participant)
        if target.role is ParticipantRole.WITNESS:
            raise ConsoleError("not_found", "the chair goes to a participant who speaks")
        live.chair = target.id
        live.muted.pop(target.id, None)
        live.watch = None

    def _grant_floor(self, live: Live, member: MemberView, msg: cp.GrantFloor) -> None:
        self._member(live, msg.venue)
        self._end_speaking(live)
        self._stop_broadcast_automation(live)
        live.requests.pop(msg.venue, None)
        live.floor = msg.venue
        self._give_voice(live, msg.venue)
        live.broadcast_venue, live.broadcast_layout, live.broadcast_source = msg.venue, False, "floor"

    def _decline_floor(self, live: Live, member: MemberView, msg: cp.DeclineFloor) -> None:
        if live.requests.pop(msg.venue, None) is None:
            raise ConsoleError("not_found", "this venue has not asked to speak")

    def _end_floor(self, live: Live, member: MemberView, msg: cp.EndFloor) -> None:
        self._end_speaking(live)
        live.broadcast_venue, live.broadcast_layout, live.broadcast_source = None, False, "chair"

    def _allow_content(self, live: Live, member: MemberView, msg: cp.AllowContent) -> None:
        self._member(live, msg.venue)
        if msg.allowed:
            live.content_allowed.add(msg.venue)
        else:
            live.content_allowed.discard(msg.venue)
            if live.content == msg.venue:
                live.content = None

    # ---- the venues ------------------------------------------------------------------------------------------------

    def _request_floor(self, live: Live, member: MemberView, msg: cp.RequestFloor) -> None:
        if member.id not in live.requests:
            live.requests[member.id] = self.clock.now()

    def _cancel_floor(self, live: Live, member: MemberView, msg: cp.CancelFloor) -> None:
        if live.requests.pop(member.id, None) is None:
            raise ConsoleError("not_found", "you have not asked to speak")

    async def _sign_in(self, live: Live, member: MemberView, msg: cp.SignIn) -> None:
        row = live.attendance.get(member.id)
        if row is not None:
            row.people, row.signed_in_at = msg.people, self.clock.now()
            await self._keep(live, row)

    async def _answer_roll_call(self, live: Live, member: MemberView, msg: cp.AnswerRollCall) -> None:
        row = live.attendance.get(member.id)
        if live.roll_call != member.id or row is None or row.roll_call_answered_at is not None:
            raise ConsoleError("out_of_order", "you are not being called")
        row.roll_call_answered_at = self.clock.now()
        await self._keep(live, row)

    def _share_content(self, live: Live, member: MemberView, msg: cp.ShareContent) -> None:
        if not msg.on:
            if live.content == member.id:
                live.content = None
            return
        if member.id != live.chair and member.id not in live.content_allowed:
            raise ConsoleError("not_allowed", "the chair has not allowed you to share content")
        live.content = member.id

    def _venue_stats(self, live: Live, member: MemberView, msg: cp.VenueStats) -> None:
        live.stats[member.id] = Stats(msg.camera, msg.microphone, msg.quality, msg.rtt_ms, msg.loss_pct, msg.bitrate_kbps)

    # ---- rules shared by the commands ------------------------------------------------------------------------------

    def _give_voice(self, live: Live, venue: str) -> None:
        by = live.muted.pop(venue, None)
        if by is not None:
            live.restore[venue] = by

    def _end_speaking(self, live: Live) -> None:
        """The floor or the roll call ends: whoever had it is muted again if the chair had muted it before."""
        for holder in (live.floor, live.roll_call):
            if holder is not None and holder in live.restore:
                live.muted[holder] = live.restore.pop(holder)
        live.floor = live.roll_call = None

    def _stop_broadcast_automation(self, live: Live) -> None:
        live.voice = False
        if live.tour is not None and live.tour.mode == "broadcast":
            live.tour = None

    def _tour_step(self, live: Live) -> None:
        tour = live.tour
        if tour is None:
            return
        order = tour.venues or [m.id for m in self._venues(live)]
        connected = {m.id for m in self._venues(live)}
        order = [v for v in order if v in connected]
        tour.next_at = time.monotonic() + tour.seconds
        if not order:
            tour.current = None
            return
        index = (order.index(tour.current) + 1) % len(order) if tour.current in order else 0
        tour.current = order[index]
        if tour.mode == "broadcast":
            live.broadcast_venue, live.broadcast_layout, live.broadcast_source = tour.current, False, "tour"
        else:
            live.watch = tour.current

    # ---- the room ---------------------------------------------------------------------------------------------------

    def _live(self, room_id: str) -> Live:
        live = self.live.get(room_id)
        if live is None:
            info = self.known.get(room_id)
            if info is None:
                raise ConsoleError("not_conference", "this room is not a conference")
            live = self.live[room_id] = Live(room_id, info, ends_at=info.ends_at)
            live.task = asyncio.get_running_loop().create_task(self._run(live))
            live.task.add_done_callback(_log_failure)
        return live

    def _apply(self, live: Live) -> None:
        """Point the media at what the state says: the broadcast, the chair's own view, silenced audio."""
        room = live.room
        self.controls.set_silenced(room, set(live.muted))
        self.controls.set_content(room, live.content)
        pinned = live.layout_venues if live.broadcast_layout else []
        main = live.broadcast_venue if live.broadcast_venue is not None else live.chair
        self.controls.set_broadcast(room, main, pinned)
        wanted: dict[str, tuple[str | None, list[str]]] = {}
        if live.chair is not None:
            wanted[live.chair] = (live.watch, live.layout_venues)
        if live.broadcast_venue is not None and live.chair is not None and live.broadcast_venue != live.chair:
            wanted[live.broadcast_venue] = (live.chair, pinned)
        for viewer in live.watchers - set(wanted):
            self.controls.set_watch(room, viewer, None)
        for viewer, (target, pins) in wanted.items():
            self.controls.set_watch(room, viewer, target, pins)
        live.watchers = set(wanted)

    def _tell(self, live: Live) -> None:
        live.dirty = False
        live.told_at = time.monotonic()
        self.controls.send(live.room, self.state(live))

    def state(self, live: Live) -> cp.Conference:
        members = {m.id: m for m in self.controls.members(live.room)}
        speaking = set(live.speaking)
        order = list(live.info.invited) + [p for p in live.attendance if p not in live.info.invited]
        order += [m for m in members if m not in order]
        board: list[cp.BoardRow] = []
        for pid in order:
            m = members.get(pid)
            row = live.attendance.get(pid)
            stats = live.stats.get(pid, Stats())
            connected = m is not None and m.connected and self.controls.media_connected(live.room, pid)
            name = m.name if m is not None else row.name if row is not None else live.info.invited.get(pid, pid)
            board.append(
                cp.BoardRow(
                    participant=pid,
                    name=name,
                    invited=pid in live.info.invited or (row is not None and row.invited),
                    connected=connected,
                    admitted=m is not None and m.admitted,
                    camera=stats.camera,
                    microphone=stats.microphone,
                    quality=stats.quality,  # type: ignore[arg-type]
                    rtt_ms=stats.rtt_ms,
                    loss_pct=stats.loss_pct,
                    ready=connected and stats.camera and stats.microphone and stats.quality != "poor",
                    people=row.people if row else None,
                    signed_in_at=_iso(row.signed_in_at) if row else None,
                    answered_roll_call_at=_iso(row.roll_call_answered_at) if row else None,
                    muted=pid in live.muted,
                    speaking=pid in speaking,
                )
            )
        roll = live.attendance.get(live.roll_call) if live.roll_call else None
        tour = live.tour
        return cp.Conference(
            conference=live.info.conference_id,
            title=live.info.title,
            chair=live.chair,
            broadcast=cp.BroadcastState(
                venue=live.broadcast_venue,
                layout=live.broadcast_layout,
                source=live.broadcast_source,  # type: ignore[arg-type]
            ),
            layout=live.layout,  # type: ignore[arg-type]
            layout_venues=list(live.layout_venues),
            watch=live.watch,
            muted=[cp.MutedVenue(participant=p, by=by) for p, by in live.muted.items()],
            floor=live.floor,
            requests=[
                cp.FloorRequest(participant=p, order=i, requested_at=_iso(at) or "")
                for i, (p, at) in enumerate(live.requests.items(), start=1)
            ],
            roll_call=cp.RollCallState(
                participant=live.roll_call,
                called_at=_iso(roll.roll_call_called_at) or "",
                answered_at=_iso(roll.roll_call_answered_at),
            )
            if live.roll_call is not None and roll is not None
            else None,
            voice_switching=live.voice,
            tour=cp.TourState(mode=tour.mode, seconds=tour.seconds, venues=tour.venues, current=tour.current)  # type: ignore[arg-type]
            if tour is not None
            else None,
            locked=live.locked,
            ends_at=_iso(live.ends_at),
            content=live.content,
            content_allowed=sorted(live.content_allowed),
            speaking=list(live.speaking),
            board=board,
        )

    async def _run(self, live: Live) -> None:
        """Voice switching, tour steps and board updates, every half second; a fault is logged and the loop goes on."""
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                await self._tick(live)
            except Exception:
                log.exception("conference_tick_failed", room=live.room)

    async def _tick(self, live: Live) -> None:
        now = time.monotonic()
        changed = False
        connected = frozenset(m.id for m in self.controls.members(live.room) if self.controls.media_connected(live.room, m.id))
        if connected != live.connected:
            live.connected = connected
            live.dirty = True
        speaking = self.controls.speaking(live.room)
        if speaking != live.speaking:
            live.speaking = speaking
            live.dirty = True
        if live.voice and speaking and now - live.voice_at >= VOICE_HOLD_SECONDS:
            loudest = next((p for p in speaking if p != live.chair), None)
            if loudest is not None and loudest != live.broadcast_venue:
                live.broadcast_venue, live.broadcast_layout, live.broadcast_source = loudest, False, "voice"
                live.voice_at = now
                await self._event(live, "voice_switch", None, {"venue": loudest})
                changed = True
        if live.tour is not None and now >= live.tour.next_at:
            self._tour_step(live)
            await self._event(live, "tour_step", None, {"venue": live.tour.current, "mode": live.tour.mode})
            changed = True
        if changed:
            self._apply(live)
            self._tell(live)
        elif live.dirty and now - live.told_at >= BOARD_EVERY_SECONDS:
            self._tell(live)

    async def _keep(self, live: Live, row: Attendance) -> None:
        if self.store is not None:
            await self.store.attendance(live.info.conference_id, row)

    async def _event(self, live: Live, kind: str, actor: str | None, data: dict[str, Any]) -> None:
        if self.store is None:
            return
        data = {**data, "broadcast": live.broadcast_venue, "source": live.broadcast_source, "layout": live.layout}
        try:
            await self.store.event(live.info.conference_id, self.clock.now(), kind, actor, data)
        except Exception:
            log.exception("conference_event_not_kept", room=live.room, kind=kind)

    async def close(self) -> None:
        if self._ending:
            await asyncio.gather(*self._ending, return_exceptions=True)
        for live in list(self.live.values()):
            if live.task is not None:
                live.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await live.task


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("conference_task_failed", error=repr(task.exception()))
