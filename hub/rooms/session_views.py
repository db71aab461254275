"""Room sessions: pages and JSON for planning, inviting, opening and ending; the room-token endpoint; the call page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from aiohttp import web
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.policy import Policy
from hub.access.roles import ADMINISTRATORS
from hub.auth.interface import User
from hub.clock import LOCAL_TZ
from hub.errors import Conflict, HubError
from hub.http.keys import POLICY, SECRET
from hub.http.validation import as_id
from hub.http.views import Call, Permission, Routes, Who, in_transaction
from hub.i18n import N_
from hub.rooms import sessions
from hub.rooms.case_links import CASE_CHOICES, no_cases
from hub.rooms.client_page import client_config
from hub.rooms.live_calls import LIVE_CALLS
from hub.rooms.models import Room, RoomSession, SessionKind, SessionStatus
from hub.rooms.pages import form_again, page
from hub.rooms.participants import ParticipantRole
from hub.rooms.recording.keys import RECORDINGS
from hub.rooms.recording.manager import RECORDED_KINDS
from hub.rooms.tokens import issue_token

routes = Routes()
SEE = Permission("view", "room_session")
JOIN = Permission("join", "room_session")
INVITE = Permission("invite", "room_session")
OPEN = Permission("open", "room_session")

TOKEN_TTL_SECONDS = 120  # long enough to connect and join; a reconnecting client asks for a new one


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def _local_time(value: Any) -> Any:
    """Form times are local (Asia/Shanghai) without an offset; stored in UTC."""
    if value in ("", None):
        return None
    if isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)
    return value


LocalTime = Annotated[dt.datetime | None, BeforeValidator(_local_time)]
# a row id: what a database integer column holds (a larger number is no room, and no driver takes it)
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class SessionCreate(BaseModel):
    kind: SessionKind
    title: str = Field(min_length=1, max_length=200)
    room_ids: list[RowId] = Field(min_length=2, max_length=40)
    planned_start: LocalTime = None
    planned_end: LocalTime = None
    # the case the call serves (its recording lands in that case file); one the planner may see
    case_id: Annotated[RowId | None, BeforeValidator(_blank_to_none)] = None


def _chosen_rooms(value: Any) -> Any:
    """A form's room choice: one value or several, whatever is not a number left out."""
    chosen = [value] if isinstance(value, str) else value
    return [i for r in chosen if (i := as_id(r)) is not None] if isinstance(chosen, list) else value


class SessionForm(SessionCreate):
    """The planning form: the rooms chosen in a multiple select, none chosen being too few as well."""

    room_ids: Annotated[list[RowId], BeforeValidator(_chosen_rooms)] = Field(
        default_factory=list, min_length=2, max_length=40, validate_default=True
    )


class InvitationCreate(BaseModel):
    role: ParticipantRole
    user_id: Annotated[int | None, BeforeValidator(_blank_to_none)] = None
    room_id: Annotated[int | None, BeforeValidator(_blank_to_none)] = None
    display_name: str = Field("", max_length=120)


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def session_json(rs: RoomSession, *, content: bool = True) -> dict[str, Any]:
    """`content=False`: what scheduling may see (an administrator): times and rooms, no title or people."""
    data: dict[str, Any] = {
        "id": rs.id,
        "kind": rs.kind.value,
        "status": rs.status.value,
        "room_ids": rs.room_ids,
        "planned_start": _iso(rs.planned_start),
        "planned_end": _iso(rs.planned_end),
    }
    if content:
        data |= {
            "title": rs.title,
            "host_user_id": rs.host_user_id,
            "opened_at": _iso(rs.opened_at),
            "ended_at": _iso(rs.ended_at),
            "invitations": [
                {"id": i.id, "user_id": i.user_id, "room_id": i.room_id, "role": i.role.value, "display_name": i.display_name}
                for i in rs.invitations
            ],
            "case_id": rs.case_id,
            "version": rs.version,
        }
    return data


# ---- pages -----------------------------------------------------------------------------------


def _policy(call: Call[Any]) -> Policy:
    return call.app[POLICY]


async def _list_context(call: Call[Any]) -> dict[str, Any]:
    mine = await sessions.list_sessions(call.db, _policy(call), call.actor)
    rooms = (await call.db.scalars(select(Room).where(Room.active.is_(True)).order_by(Room.kind, Room.code))).all()
    return {
        "sessions": mine,
        "rooms": rooms,
        "room_by_id": {r.id: r for r in rooms},
        "kinds": list(SessionKind),
        "may_create": _policy(call).may(call.actor, "create", RoomSession()),
        "cases": await call.app.get(CASE_CHOICES, no_cases)(call.db, call.actor),
        "errors": {},
        "form": {},
    }


@routes.get("/rooms/sessions", template="rooms/sessions.html", summary="The caller's room sessions; plan one.")
async def sessions_page(call: Call[None]) -> dict[str, Any]:
    return await _list_context(call)


async def _create(call: Call[Any]) -> RoomSession:
    body: SessionCreate = call.body  # or the planning form's SessionForm
    return await sessions.create_session(
        call.db,
        _policy(call),
        call.actor,
        kind=body.kind,
        title=body.title,
        room_ids=body.room_ids,
        planned_start=body.planned_start,
        planned_end=body.planned_end,
        now=call.now,
        case_id=body.case_id,
    )


@routes.post(
    "/rooms/sessions", form=SessionForm, again=form_again("rooms/sessions.html", _list_context), summary="Plan a session."
)
async def create_form(call: Call[SessionForm]) -> str:
    return f"/rooms/sessions/{(await _create(call)).id}"


async def _detail_context(call: Call[Any]) -> dict[str, Any]:
    policy = _policy(call)
    # shown again after a failed form, the session is read afresh (the failed unit of work was rolled back)
    rs = call.target if call.target is not None else await policy.load(call.db, call.actor, "room_session", call.int("id"))
    rooms = (await call.db.scalars(select(Room).where(Room.id.in_(rs.room_ids)).order_by(Room.code))).all()
    staff = (
        await call.db.scalars(
            select(User).where(User.disabled.is_(False), User.role.not_in(ADMINISTRATORS)).order_by(User.username)
        )
    ).all()
    return {
        "rs": rs,
        "rooms": rooms,
        "room_by_id": {r.id: r for r in rooms},
        "staff": staff,
        "user_by_id": {u.id: u for u in staff},
        "staff_roles": sorted(sessions.STAFF_ROLES),
        "room_roles": sorted(sessions.ROOM_ROLES),
        "may_invite": policy.may(call.actor, "invite", rs),
        "may_open": policy.may(call.actor, "open", rs) and rs.status is SessionStatus.PLANNED,
        "may_end": policy.may(call.actor, "end", rs) and rs.status is not SessionStatus.ENDED,
        "may_join": policy.may(call.actor, "join", rs) and rs.status is not SessionStatus.ENDED,
        "errors": {},
    }


@routes.get("/rooms/sessions/{id}", permission=SEE, template="rooms/session.html", summary="A room session's page.")
async def session_page(call: Call[None]) -> dict[str, Any]:
    return await _detail_context(call)


async def _invite(call: Call[InvitationCreate]) -> RoomSession:
    body, rs = call.body, call.target
    assert isinstance(rs, RoomSession)
    await sessions.invite(
        call.db,
        _policy(call),
        call.actor,
        rs,
        role=body.role,
        user_id=body.user_id,
        room_id=body.room_id,
        display_name=body.display_name,
        now=call.now,
    )
    return rs


@routes.post(
    "/rooms/sessions/{id}/invitations",
    permission=INVITE,
    form=InvitationCreate,
    again=form_again("rooms/session.html", _detail_context),
    summary="Invite a staff member or a room.",
)
async def invite_form(call: Call[InvitationCreate]) -> str:
    return f"/rooms/sessions/{(await _invite(call)).id}"


async def _open(call: Call[None]) -> RoomSession:
    rs = call.target
    assert isinstance(rs, RoomSession)
    await sessions.open_session(call.db, _policy(call), call.actor, rs, call.now)
    return rs


async def _end(call: Call[None]) -> RoomSession:
    """Ended in a unit of its own, and the call ended after the commit (so the view declares no unit)."""
    policy = _policy(call)

    async def work(s: AsyncSession) -> RoomSession:
        rs: RoomSession = await policy.load(s, call.actor, "room_session", call.int("id"), for_update=True)
        policy.require(call.actor, "end", rs)
        await sessions.end_session(s, call.actor.audit, rs, call.now, "ended_by_host")
        return rs

    rs = await in_transaction(call.request, work)
    await end_call(call.app, rs.signaling_room)
    return rs


async def end_call(app: web.Application, signaling_room: str) -> None:
    """Tell everyone in the call it is over (if signaling is wired into this app)."""
    calls = app.get(LIVE_CALLS)
    if calls is not None:
        await calls.end_room(signaling_room, "ended_by_host")


@routes.post("/rooms/sessions/{id}/open", permission=OPEN, summary="Open a planned session.")
async def open_form(call: Call[None]) -> str:
    return f"/rooms/sessions/{(await _open(call)).id}"


@routes.post("/rooms/sessions/{id}/end", tx=False, summary="End a session and its call.")
async def end_form(call: Call[None]) -> str:
    return f"/rooms/sessions/{(await _end(call)).id}"


@routes.get("/rooms/sessions/{id}/call", permission=JOIN, summary="The call page of a session.")
async def call_page(call: Call[None]) -> web.Response:
    rs = call.target
    seat = sessions.seat_of(call.actor, rs)
    config = {**client_config(call.request, mode="staff", session_id=rs.id), "role": seat.role.value}
    # a conference (issue 12) gets the chair's console and the venues' panel around the same call
    template = "conferences/conference.html" if rs.kind == SessionKind.CONFERENCE else "rooms/call.html"
    return page(call, template, {"rs": rs, "seat": seat, "kiosk": False, "config": config}, no_store=True)


# ---- JSON ------------------------------------------------------------------------------------


@routes.get("/api/v1/room-sessions", summary="The caller's sessions; ?for=schedule: times and rooms only.")
async def list_api(call: Call[None]) -> web.Response:
    """`?for=schedule`: times and rooms of every session the actor may schedule (administrators too)."""
    schedule = call.query("for") == "schedule"
    found = await sessions.list_sessions(
        call.db,
        _policy(call),
        call.actor,
        action="schedule" if schedule else "view",
        include_ended=call.query("ended") == "1",
    )
    return web.json_response({"sessions": [session_json(rs, content=not schedule) for rs in found]})


@routes.post("/api/v1/room-sessions", body=SessionCreate, summary="Plan a session.")
async def create_api(call: Call[SessionCreate]) -> web.Response:
    return web.json_response(session_json(await _create(call)), status=201)


@routes.get("/api/v1/room-sessions/{id}", permission=SEE, summary="A room session.")
async def detail_api(call: Call[None]) -> web.Response:
    return web.json_response(session_json(call.target))


@routes.post("/api/v1/room-sessions/{id}/invitations", permission=INVITE, body=InvitationCreate, summary="Invite someone.")
async def invite_api(call: Call[InvitationCreate]) -> web.Response:
    return web.json_response(session_json(await _invite(call)), status=201)


@routes.post("/api/v1/room-sessions/{id}/open", permission=OPEN, summary="Open a planned session.")
async def open_api(call: Call[None]) -> web.Response:
    return web.json_response(session_json(await _open(call)))


@routes.post("/api/v1/room-sessions/{id}/end", tx=False, summary="End a session and its call.")
async def end_api(call: Call[None]) -> web.Response:
    return web.json_response(session_json(await _end(call)))


class RecordingImpossible(HubError):
    status = 503
    code = "recording_impossible"


def _refuse_unrecordable(call: Call[None], rs: RoomSession) -> None:
    """A session that must be recorded does not start while recording is impossible (DESIGN §10); a call that runs
    already goes on (its people see 未在录制 and why)."""
    manager = call.app.get(RECORDINGS)
    calls = call.app.get(LIVE_CALLS)
    if manager is None or rs.kind not in RECORDED_KINDS or (calls is not None and rs.signaling_room in calls.rooms):
        return
    reason = manager.impossible()
    if reason is not None:
        message = {
            "disk_full": N_("This session must be recorded, and the evidence store is full. Ask the operators to free space."),
        }.get(reason, N_("This session must be recorded, and recording is impossible now. Ask the operators."))
        raise RecordingImpossible("recording_impossible", message)


@routes.post(
    "/api/v1/room-sessions/{id}/token",
    who=Who.STAFF_OR_KIOSK,
    permission=JOIN,
    summary="A short-lived room token to join the session's call.",
)
async def token_api(call: Call[None]) -> web.Response:
    """A short-lived room token for the caller (staff or an enrolled kiosk) after checking the right to join; never
    one for an administrator (the room session rule refuses them "join").

    The host's first token opens a planned session; anyone else waits until it is open.
    """
    policy, rs = _policy(call), call.target
    if rs.status is SessionStatus.ENDED:
        raise Conflict("session_ended", N_("This session has ended."))
    _refuse_unrecordable(call, rs)
    if rs.status is SessionStatus.PLANNED:
        if not policy.may(call.actor, "open", rs):
            raise Conflict("session_not_open", N_("This session has not started yet."))
        await sessions.open_session(call.db, policy, call.actor, rs, call.now)
    seat = sessions.seat_of(call.actor, rs)
    token = issue_token(
        call.app[SECRET],
        room=rs.signaling_room,
        participant=seat.participant,
        name=seat.name,
        role=seat.role.value,
        ttl_seconds=TOKEN_TTL_SECONDS,
        now=call.now.timestamp(),
    )
    return web.json_response(
        {
            "token": token,
            "room": rs.signaling_room,
            "participant": seat.participant,
            "name": seat.name,
            "role": seat.role.value,
            "expires_in": TOKEN_TTL_SECONDS,
            "title": rs.title,
        },
        headers={"Cache-Control": "no-store"},
    )
