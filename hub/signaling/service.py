"""Rooms as signaling sees them: who is in, who waits, what each may do; every request's handler.

No aiohttp here: `handler.py` feeds text in through `receive()`. The media side (`hub.media`)
is driven from here; the lead's HTTP code is told about room events through the hooks and acts
from outside through `end_room`, `remove_participant` and `set_recording`.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import ipaddress
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

import structlog
from aiortc import RTCIceCandidate
from aiortc.sdp import candidate_from_sdp
from pydantic import ValidationError

from hub.clock import Clock
from hub.media.interface import MediaEngine, MediaError, MediaRoom, RestartFailed
from hub.rooms.interface import RIGHTS, CallHook, ParticipantRole, Rights, TokenError, verify_token
from hub.signaling import protocol as p
from hub.signaling.bus import Bus
from hub.signaling.connection import Connection
from hub.signaling.console import ConsoleError, ConsoleHook, RoomControls
from hub.signaling.console import handlers as console_handlers

if TYPE_CHECKING:
    from hub.rooms.interface import RoomToken

log = structlog.get_logger(__name__)

STAFF_SEAT = re.compile(r"user-[0-9]+")  # a staff member's seat (hub/rooms/sessions.py)


class SignalingError(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class RoomEvent:
    """What the hooks receive. `participant` and `role` are None for room-wide events."""

    room: str
    participant: str | None
    role: ParticipantRole | None
    reason: str


class SharedTokens(Protocol):
    """Spent room tokens shared by every process of the hub (hub.signaling.nodes.RedisTokens)."""

    async def claim(self, nonce: str, expires: int) -> bool:
        """Spend `nonce` until `expires` (Unix seconds); False when some process spent it already."""
        ...

    async def release(self, nonce: str) -> None:
        """Un-spend a claim whose join was refused for another reason."""
        ...


Hook = CallHook  # called with a RoomEvent (hub.rooms.live_calls declares what rooms may rely on)


@dataclass
class Member:
    id: str
    name: str
    role: ParticipantRole
    admitted: bool
    conn: Connection | None
    order: int
    audio: bool = True
    video: bool = True
    grace: asyncio.TimerHandle | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def rights(self) -> Rights:
        return RIGHTS[self.role]

    def info(self) -> p.Participant:
        return p.Participant(id=self.id, name=self.name, role=self.role.value, audio=self.audio, video=self.video)


@dataclass
class RoomState:
    id: str
    members: dict[str, Member] = field(default_factory=dict)
    presenter: str | None = None
    recording: bool = False
    recording_reason: str | None = None  # why a room that must be recorded is not, while it is not
    recording_acknowledge: bool = False  # this fault must be acknowledged by the host (interviews)
    recording_acknowledged: bool = False  # ... and has been
    next_order: int = 0

    @property
    def held(self) -> bool:
        """An interview that is not being recorded and whose host has not yet acknowledged it: nobody new comes in
        and the presenter stays as it is until the host confirms (`acknowledge_recording`)."""
        return self.recording_acknowledge and not self.recording_acknowledged

    def lobby(self) -> list[Member]:
        return sorted((m for m in self.members.values() if not m.admitted), key=lambda m: m.order)

    def admitted(self) -> list[Member]:
        return sorted((m for m in self.members.values() if m.admitted), key=lambda m: m.order)


class _MediaListener:
    """Tells participants what the media side decided (slots, stop/start sending)."""

    def __init__(self, service: SignalingService, room: str) -> None:
        self.service = service
        self.room = room

    def on_slots(self, participant_id: str, mapping: dict[str, str | None]) -> None:
        state = self.service.rooms.get(self.room)
        presenter = state.presenter if state else None
        self.service.bus.publish(self.room, _dump(p.Slots(slots=mapping, presenter=presenter)), to=participant_id)

    def on_sending(self, participant_id: str, video: bool, line: str = "camera") -> None:
        message = p.StartSending(line=line) if video else p.StopSending(line=line)
        self.service.bus.publish(self.room, _dump(message), to=participant_id)


_CANDIDATE_TYPES = {"host", "srflx", "prflx", "relay"}


def parse_candidate(text: str) -> RTCIceCandidate:
    """An ICE candidate line (RFC 8839 §5.1) checked field by field: anything malformed is `invalid_message`."""
    bad = SignalingError("invalid_message", "candidate: not an ICE candidate")
    bits = text.removeprefix("candidate:").split()
    if (
        len(bits) < 8
        or len(bits) % 2
        or bits[6] != "typ"
        or bits[7] not in _CANDIDATE_TYPES
        or bits[2].lower() not in ("udp", "tcp")
    ):
        raise bad
    try:
        candidate = candidate_from_sdp(" ".join(bits))
        address = bits[4]
        if not address.endswith(".local"):  # an mDNS name (browsers hide host addresses so)
            ipaddress.ip_address(address)
    except (ValueError, IndexError, AssertionError):
        raise bad from None
    if not 0 < candidate.port < 65536 or not 0 < candidate.component < 257 or not 0 <= candidate.priority < 2**32:
        raise bad
    return candidate


def _dump(message: p.Reply) -> dict[str, Any]:
    return message.model_dump(mode="json")


def _runs_recording(member: Member) -> bool:
    """Host or interviewer: who may acknowledge that a room is not being recorded."""
    return _runs_recording_role(member.role)


def _runs_recording_role(role: ParticipantRole) -> bool:
    return RIGHTS[role].admit or RIGHTS[role].end


def _hold(room: RoomState, what: str) -> None:
    if room.held:
        reason = f"the room is not being recorded ({room.recording_reason}): the host must acknowledge before {what}"
        raise SignalingError("recording_unacknowledged", reason)


class SignalingService:
    def __init__(
        self,
        *,
        secret: str | bytes,
        media: MediaEngine,
        bus: Bus,
        reconnect_grace: float = 30.0,
        clock: Clock | None = None,
    ) -> None:
        self._secret = secret
        self._clock = clock or Clock()  # the app's clock: tokens expire on it (tests move a fake one)
        self.media = media
        self.bus = bus
        self.reconnect_grace = reconnect_grace
        self.rooms: dict[str, RoomState] = {}
        self.ended: set[str] = set()
        # room tokens are single use: the nonce of every token that joined, until it expires (bounded by the TTL)
        self._used_tokens: dict[str, int] = {}
        self._used_expiries: list[tuple[int, str]] = []
        # several processes (HUB_BUS=redis): spent nonces are also claimed in Redis, so that a token that joined on one
        # process is refused on every other (a room that moved to another node after a failover, or emptied and was
        # placed afresh); None = this process is the whole hub
        self.shared_tokens: SharedTokens | None = None
        self.connections: set[Connection] = set()
        self.on_participant_joined: list[Hook] = []
        self.on_participant_left: list[Hook] = []
        self.on_room_ended: list[Hook] = []
        self.on_recording_acknowledged: list[Hook] = []
        self._handlers: dict[str, Callable[[Connection, Any], Awaitable[None]]] = {
            "join": self._join,
            "offer": self._offer,
            "ice": self._ice,
            "admit": self._admit,
            "deny": self._deny,
            "media_state": self._media_state,
            "set_presenter": self._set_presenter,
            "remove": self._remove,
            "leave": self._leave,
            "end": self._end,
            "acknowledge_recording": self._acknowledge_recording,
            "ping": self._ping,
        }
        self.console: ConsoleHook | None = None  # the conferences part, filled at wiring (hub.signaling.console)
        self.controls = RoomControls(self)  # what the conference hook may do to a room
        self._handlers.update(console_handlers(self))
        assert set(self._handlers) == set(p.CLIENT_MESSAGES)
        self._tasks: set[asyncio.Task[None]] = set()

    # ---- reading -----------------------------------------------------------------------------

    async def receive(self, conn: Connection, text: str) -> None:
        """Handle one text frame. Never raises: every failure becomes an `error` reply."""
        request_id: int | str | None = None
        if conn.closing:
            return
        verdict = conn.rate.take()
        if verdict != "ok":
            if verdict == "close":
                conn.send(p.Closed(reason="rate_limited"))
                conn.close_soon()
            else:
                conn.send(p.Error(id=None, code="rate_limited", reason="too many messages: slow down"))
            return
        try:
            if len(text) > p.MAX_MESSAGE_BYTES or len(text.encode("utf-8", "surrogatepass")) > p.MAX_MESSAGE_BYTES:
                raise SignalingError("too_large", f"messages are limited to {p.MAX_MESSAGE_BYTES} bytes")
            try:
                raw = json.loads(text)
            except ValueError:
                raise SignalingError("bad_json", "the message is not JSON") from None
            if not isinstance(raw, dict):
                raise SignalingError("invalid_message", "a message is a JSON object")
            candidate_id = raw.get("id")
            if (isinstance(candidate_id, int) and not isinstance(candidate_id, bool)) or (
                isinstance(candidate_id, str) and 0 < len(candidate_id) <= 64
            ):
                request_id = candidate_id
            kind = raw.get("type")
            model = p.CLIENT_MESSAGES.get(kind) if isinstance(kind, str) else None
            if model is None:
                raise SignalingError("unknown_type", "no such message type")
            try:
                request = model.model_validate(raw)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(x) for x in first["loc"]) or "message"
                raise SignalingError("invalid_message", f"{where}: {first['msg']}"[:200]) from None
            await self._handlers[request.type](conn, request)
        except (SignalingError, ConsoleError) as exc:
            conn.send(p.Error(id=request_id, code=exc.code, reason=exc.reason))
        except Exception:
            log.exception("signaling_request_failed", room=conn.room, participant=conn.participant, request_id=request_id)
            conn.send(p.Error(id=request_id, code="internal", reason="the server failed"))

    def binary(self, conn: Connection) -> None:
        conn.send(p.Error(code="binary_frame", reason="only text frames are accepted"))

    # ---- requests ----------------------------------------------------------------------------

    def _member(self, conn: Connection, *, admitted: bool = True) -> tuple[RoomState, Member]:
        room = self.rooms.get(conn.room) if conn.room else None
        member = room.members.get(conn.participant) if room and conn.participant else None
        if room is None or member is None or member.conn is not conn:
            raise SignalingError("out_of_order", "join a room first")
        if admitted and not member.admitted:
            raise SignalingError("out_of_order", "wait to be admitted")
        return room, member

    async def _join(self, conn: Connection, msg: p.Join) -> None:
        if conn.participant is not None:
            raise SignalingError("out_of_order", "this connection has already joined")
        try:
            token = verify_token(msg.token, self._secret, now=self._clock.now().timestamp())
        except TokenError as exc:
            raise SignalingError(exc.code, exc.reason) from None
        if token.room != msg.room:
            raise SignalingError("wrong_room", "the token is for another room")
        if STAFF_SEAT.fullmatch(token.participant) and conn.bearer != token.participant:
            # a staff member's seat is taken only on a socket of that staff member's own session
            raise SignalingError("not_yours", "this token belongs to another signed-in person")
        if token.room in self.ended:
            raise SignalingError("room_ended", "the room has ended")
        self._refuse_spent(token.nonce)
        shared = self.shared_tokens
        if shared is not None and not await shared.claim(token.nonce, token.expires):
            raise SignalingError("token_used", "this room token has already joined; fetch a new one")
        try:
            await self._join_token(conn, msg, token)
        except SignalingError:
            if shared is not None and token.nonce not in self._used_tokens:
                await shared.release(token.nonce)  # refused before it went ahead: the token stays unspent
            raise

    async def _join_token(self, conn: Connection, msg: p.Join, token: RoomToken) -> None:
        room = self.rooms.get(token.room)
        if room is None:
            room = self.rooms[token.room] = RoomState(token.room)
            media_room = self.media.room(token.room)
            media_room.listener = _MediaListener(self, token.room)
            if self.console is not None and self.console.is_conference(token.room):
                media_room.layout = replace(media_room.layout, dual=True)  # venues send a small picture too
        member = room.members.get(token.participant)
        is_new = member is None
        if member is None and not RIGHTS[token.role].waits_in_lobby and not _runs_recording_role(token.role):
            _hold(room, "anyone new joins")
        refusal = self.console.may_join(room.id, token.participant, token.role) if self.console and member is None else None
        if refusal is not None:
            raise SignalingError(refusal, "the conference is locked")
        self._spend(token.nonce, token.expires)  # only a join that goes ahead spends its token
        if member is None:
            member = Member(
                token.participant,
                token.name,
                token.role,
                admitted=not RIGHTS[token.role].waits_in_lobby,
                conn=None,
                order=room.next_order,
            )
            room.next_order += 1
            room.members[member.id] = member
        else:
            # Reconnect: the same participant gets their role, admission and slots back.
            if member.grace is not None:
                member.grace.cancel()
                member.grace = None
            old = member.conn
            if old is not None and old is not conn:
                self.bus.detach(room.id, member.id)
                old.participant = old.room = None
                old.send(p.Closed(reason="replaced"))
                old.close_soon()
            await self.media.room(room.id).disconnect(member.id)
            member.name, member.role = token.name, token.role
        member.conn = conn
        conn.room, conn.participant = room.id, member.id
        if member.admitted:
            self.bus.attach(room.id, member.id, conn.deliver)
            conn.send(self._joined(room, member, msg.id))
            self._tell_not_recording(room, member)
            await self.controls.joined(room.id, member)
            if is_new:
                self.bus.publish(room.id, _dump(p.ParticipantJoined(participant=member.info())), exclude=member.id)
                await self._fire(self.on_participant_joined, RoomEvent(room.id, member.id, member.role, "joined"))
        else:
            conn.send(p.Lobby(id=msg.id, position=room.lobby().index(member) + 1))
            self._lobby_changed(room)

    def _refuse_spent(self, nonce: str) -> None:
        """A token that has joined once is refused (`token_used`); spent nonces are forgotten when they expire."""
        now = self._clock.now().timestamp()
        while self._used_expiries and self._used_expiries[0][0] <= now:
            _, old = heapq.heappop(self._used_expiries)
            self._used_tokens.pop(old, None)
        if nonce in self._used_tokens:
            raise SignalingError("token_used", "this room token has already joined; fetch a new one")

    def _spend(self, nonce: str, expires: int) -> None:
        """Remember a token's nonce until it expires: it has joined (or waits in the lobby)."""
        self._refuse_spent(nonce)
        self._used_tokens[nonce] = expires
        heapq.heappush(self._used_expiries, (expires, nonce))

    def _joined(self, room: RoomState, member: Member, request_id: int | str | None) -> p.Joined:
        media = self.media.room(room.id)
        return p.Joined(
            id=request_id,
            room=room.id,
            you=member.info(),
            lines=[p.Line.model_validate(line) for line in media.layout.describe(member.rights.speak)],
            slots=media.preview(member.id),
            participants=[m.info() for m in room.admitted() if m.id != member.id],
            presenter=room.presenter,
            recording=room.recording,
            ice_servers=self.media.ice_servers,
        )

    async def _offer(self, conn: Connection, msg: p.Offer) -> None:
        room, member = self._member(conn)
        async with member.lock:
            media = self.media.room(room.id)
            try:
                if msg.restart:
                    peer = media.peers.get(member.id)
                    if peer is None:
                        raise RestartFailed("no connection to restart: offer without restart")
                    answer = await peer.restart(msg.sdp)
                else:
                    answer = await media.connect(member.id, msg.sdp, publish=member.rights.speak)
            except RestartFailed as exc:
                raise SignalingError("restart_failed", str(exc)[:300]) from None
            except MediaError as exc:
                raise SignalingError("media_failed", str(exc)[:300]) from None
        if member.conn is conn:
            conn.send(p.Answer(id=msg.id, sdp=answer))

    async def _ice(self, conn: Connection, msg: p.Ice) -> None:
        room, member = self._member(conn)
        peer = self.media.room(room.id).peers.get(member.id)
        if peer is None:
            raise SignalingError("out_of_order", "send an offer first")
        if msg.candidate is None:  # end-of-candidates: lets ICE fail early once every pair has failed
            await peer.pc.addIceCandidate(None)
        elif msg.candidate.candidate:
            candidate = parse_candidate(msg.candidate.candidate)
            candidate.sdpMid = msg.candidate.sdpMid
            candidate.sdpMLineIndex = msg.candidate.sdpMLineIndex
            try:
                await peer.pc.addIceCandidate(candidate)
            except (ValueError, KeyError, IndexError, AssertionError, TypeError) as exc:
                raise SignalingError("invalid_message", f"candidate: {exc}"[:200]) from None
        conn.send(p.Ok(id=msg.id))

    def _lobby_target(self, room: RoomState, participant: str) -> Member:
        target = room.members.get(participant)
        if target is None or target.admitted:
            raise SignalingError("not_found", "nobody with that id waits in the lobby")
        return target

    async def _admit(self, conn: Connection, msg: p.Admit) -> None:
        room, member = self._member(conn)
        if not member.rights.admit:
            raise SignalingError("forbidden", f"a {member.role} may not admit")
        target = self._lobby_target(room, msg.participant)
        _hold(room, "admitting anyone")
        conn.send(p.Ok(id=msg.id))
        await self.let_in(room, target)

    async def let_in(self, room: RoomState, target: Member) -> None:
        """Admit someone from the lobby: they get `joined`, everyone else `participant_joined`."""
        target.admitted = True
        if target.conn is not None:
            self.bus.attach(room.id, target.id, target.conn.deliver)
            target.conn.send(self._joined(room, target, None))
            self._tell_not_recording(room, target)
            await self.controls.joined(room.id, target)
        self.bus.publish(room.id, _dump(p.ParticipantJoined(participant=target.info())), exclude=target.id)
        self._lobby_changed(room)
        await self._fire(self.on_participant_joined, RoomEvent(room.id, target.id, target.role, "admitted"))

    async def _deny(self, conn: Connection, msg: p.Deny) -> None:
        room, member = self._member(conn)
        if not member.rights.admit:
            raise SignalingError("forbidden", f"a {member.role} may not deny")
        target = self._lobby_target(room, msg.participant)
        conn.send(p.Ok(id=msg.id))
        if target.conn is not None:
            target.conn.send(p.Denied(reason="denied"))
        await self._drop(room, target, "denied")

    async def _media_state(self, conn: Connection, msg: p.MediaState) -> None:
        room, member = self._member(conn)
        if msg.audio and self.console is not None and not self.console.may_unmute(room.id, member.id):
            raise SignalingError("muted_by_chair", "the chair muted you; wait for the floor")
        member.audio, member.video = msg.audio, msg.video
        conn.send(p.Ok(id=msg.id))
        self.bus.publish(room.id, _dump(p.ParticipantState(participant=member.id, audio=msg.audio, video=msg.video)))

    async def _set_presenter(self, conn: Connection, msg: p.SetPresenter) -> None:
        room, member = self._member(conn)
        if not member.rights.present:
            raise SignalingError("forbidden", f"a {member.role} may not choose the presenter")
        target = room.members.get(msg.participant) if msg.participant is not None else None
        if msg.participant is not None and (target is None or not target.admitted):
            raise SignalingError("not_found", "no such participant in this room")
        _hold(room, "changing the presenter")
        room.presenter = msg.participant
        conn.send(p.Ok(id=msg.id))
        self.media.room(room.id).set_presenter(msg.participant)
        self.bus.publish(room.id, _dump(p.Presenter(participant=msg.participant)))

    async def _remove(self, conn: Connection, msg: p.Remove) -> None:
        room, member = self._member(conn)
        if not member.rights.remove:
            raise SignalingError("forbidden", f"a {member.role} may not remove participants")
        if msg.participant not in room.members:
            raise SignalingError("not_found", "no such participant in this room")
        conn.send(p.Ok(id=msg.id))
        await self.remove_participant(room.id, msg.participant)

    async def _leave(self, conn: Connection, msg: p.Leave) -> None:
        room, member = self._member(conn, admitted=False)
        conn.send(p.Ok(id=msg.id))
        await self._drop(room, member, "left", close=False)

    async def _end(self, conn: Connection, msg: p.End) -> None:
        room, member = self._member(conn)
        if not member.rights.end and not (self.console and self.console.may_end(room.id, member.id)):
            raise SignalingError("forbidden", f"a {member.role} may not end the room")
        conn.send(p.Ok(id=msg.id))
        # Ending closes the host's own socket, which cancels this very handler: run the end as a task of the
        # service so that media release and the room-ended hooks always finish.
        self._spawn(self.end_room(room.id, "ended_by_host"))

    async def _acknowledge_recording(self, conn: Connection, msg: p.AcknowledgeRecording) -> None:
        room, member = self._member(conn)
        if not _runs_recording(member):
            raise SignalingError("forbidden", f"a {member.role} does not run the recording")
        held = room.held
        room.recording_acknowledged = True
        conn.send(p.Ok(id=msg.id))
        reason = room.recording_reason or ""
        await self._fire(self.on_recording_acknowledged, RoomEvent(room.id, member.id, member.role, reason))
        if held:  # every host's confirm button goes; the room goes on
            message = p.Recording(active=False, reason=room.recording_reason, acknowledge=False)
            self.bus.publish(room.id, _dump(message))

    async def _ping(self, conn: Connection, msg: p.Ping) -> None:
        conn.send(p.Pong(id=msg.id))

    # ---- leaving -----------------------------------------------------------------------------

    async def disconnected(self, conn: Connection) -> None:
        """The WebSocket closed. An admitted participant keeps their place for `reconnect_grace` seconds."""
        self.connections.discard(conn)
        room = self.rooms.get(conn.room) if conn.room else None
        member = room.members.get(conn.participant) if room and conn.participant else None
        if room is None or member is None or member.conn is not conn:
            return
        member.conn = None
        self.bus.detach(room.id, member.id, conn.deliver)
        await self.media.room(room.id).disconnect(member.id)
        if not member.admitted:
            await self._drop(room, member, "disconnected")
            return
        loop = asyncio.get_running_loop()
        member.grace = loop.call_later(self.reconnect_grace, self._grace_over, room.id, member.id)

    def _grace_over(self, room_id: str, participant: str) -> None:
        room = self.rooms.get(room_id)
        member = room.members.get(participant) if room else None
        if room is not None and member is not None and member.conn is None:
            self._spawn(self._drop(room, member, "disconnected"))

    async def _drop(self, room: RoomState, member: Member, reason: str, *, close: bool = True) -> None:
        if room.members.get(member.id) is not member:
            return
        del room.members[member.id]
        if member.grace is not None:
            member.grace.cancel()
        conn = member.conn
        member.conn = None
        if conn is not None:
            self.bus.detach(room.id, member.id, conn.deliver)
            conn.room = conn.participant = None
            if close:
                conn.close_soon()
        media = self.media.room(room.id)
        if room.presenter == member.id:
            room.presenter = None
            media.presenter = None
            self.bus.publish(room.id, _dump(p.Presenter(participant=None)))
        await media.disconnect(member.id)
        if member.admitted:
            self.bus.publish(room.id, _dump(p.ParticipantLeft(participant=member.id, reason=reason)))
            await self.controls.left(room.id, member.id, reason)
            await self._fire(self.on_participant_left, RoomEvent(room.id, member.id, member.role, reason))
        else:
            self._lobby_changed(room)
        if not room.members:
            del self.rooms[room.id]
            await self.media.close_room(room.id)

    def _lobby_changed(self, room: RoomState) -> None:
        waiting = room.lobby()
        for position, member in enumerate(waiting, start=1):
            if member.conn is not None:
                member.conn.send(p.Lobby(position=position))
        update = _dump(p.LobbyWaiting(waiting=[m.info() for m in waiting]))
        for member in room.admitted():
            if member.rights.admit:
                self.bus.publish(room.id, update, to=member.id)

    # ---- from outside (HTTP, admin, recorder) ------------------------------------------------

    async def end_room(self, room_id: str, reason: str = "ended") -> None:
        """End a room for everyone: each gets `ended`, connections close, media is released."""
        self.ended.add(room_id)
        room = self.rooms.pop(room_id, None)
        if room is not None:
            for member in room.members.values():
                if member.grace is not None:
                    member.grace.cancel()
                if member.conn is not None:
                    self.bus.detach(room.id, member.id, member.conn.deliver)
                    member.conn.room = member.conn.participant = None
                    member.conn.send(p.Ended(reason=reason))
                    member.conn.close_soon()
        await self.media.close_room(room_id)
        await self.controls.ended(room_id, reason)
        await self._fire(self.on_room_ended, RoomEvent(room_id, None, None, reason))

    async def remove_participant(self, room_id: str, participant: str, reason: str = "removed") -> bool:
        """Remove someone (e.g. their session was revoked). False if they were not in the room."""
        room = self.rooms.get(room_id)
        member = room.members.get(participant) if room else None
        if room is None or member is None:
            return False
        if member.conn is not None:
            member.conn.send(p.Closed(reason=reason))
        await self._drop(room, member, reason)
        return True

    def set_recording(self, room_id: str, active: bool, reason: str | None = None, *, acknowledge: bool = False) -> None:
        """Tell everyone in the room that recording started or stopped (`reason`: why a room that must be recorded is
        not; those who join later are told too)."""
        room = self.rooms.get(room_id)
        if room is None:
            return
        reason = None if active else reason
        if (room.recording, room.recording_reason) != (active, reason):
            room.recording, room.recording_reason = active, reason
            room.recording_acknowledge = acknowledge and reason is not None
            room.recording_acknowledged = False  # a new fault needs a new acknowledgement
            message = p.Recording(active=active, reason=reason, acknowledge=room.recording_acknowledge)
            self.bus.publish(room_id, _dump(message))

    def _tell_not_recording(self, room: RoomState, member: Member) -> None:
        if room.recording_reason is not None and member.conn is not None:
            message = p.Recording(active=False, reason=room.recording_reason, acknowledge=room.held)
            member.conn.send(message)

    async def shutting_down(self, reason: str = "server_stopped") -> None:
        """Before the sockets close: every participant is told why, so a client knows to come back."""
        for conn in list(self.connections):
            conn.send(p.Closed(reason=reason))

    def media_room(self, room_id: str) -> MediaRoom | None:
        """The room's media, for the recorder (`add_tap`); None if nobody is in the room."""
        return self.media.rooms.get(room_id)

    async def close(self) -> None:
        for conn in list(self.connections):
            conn.close_soon()
        for room in list(self.rooms.values()):
            for member in room.members.values():
                if member.grace is not None:
                    member.grace.cancel()
        self.rooms.clear()
        for task in list(self._tasks):
            task.cancel()
        await self.media.close()

    # ---- helpers -----------------------------------------------------------------------------

    async def _fire(self, hooks: list[Hook], event: RoomEvent) -> None:
        for hook in hooks:
            try:
                result = hook(event)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("room_event_hook_failed", room=event.room, participant=event.participant, reason=event.reason)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
