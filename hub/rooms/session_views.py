"""Room sessions: pages and JSON for planning, inviting, opening and ending; the room-token endpoint; the call page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import select

from hub.access.actor import Actor
from hub.access.roles import Role
from hub.auth.interface import User
from hub.clock import LOCAL_TZ
from hub.errors import Conflict, Forbidden, Invalid
from hub.http.context import actor_of, db_of, now_of, policy_of, require_staff
from hub.http.keys import SECRET
from hub.http.validation import int_param, parse_json, read_form, validate
from hub.i18n import N_
from hub.rooms import sessions
from hub.rooms.client_page import client_config
from hub.rooms.device_actor import room_of
from hub.rooms.live_calls import LIVE_CALLS
from hub.rooms.models import Room, RoomSession, SessionKind, SessionStatus
from hub.rooms.participants import ParticipantRole
from hub.rooms.tokens import issue_token

routes = web.RouteTableDef()

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


class SessionCreate(BaseModel):
    kind: SessionKind
    title: str = Field(min_length=1, max_length=200)
    room_ids: list[int] = Field(min_length=2, max_length=40)
    planned_start: LocalTime = None
    planned_end: LocalTime = None


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
            "version": rs.version,
        }
    return data


# ---- pages -----------------------------------------------------------------------------------


async def _list_context(request: web.Request) -> dict[str, Any]:
    actor = require_staff(request)
    policy = policy_of(request)
    async with db_of(request).transaction(write=False) as s:
        mine = await sessions.list_sessions(s, policy, actor)
        rooms = (await s.scalars(select(Room).where(Room.active.is_(True)).order_by(Room.kind, Room.code))).all()
    return {
        "sessions": mine,
        "rooms": rooms,
        "room_by_id": {r.id: r for r in rooms},
        "kinds": list(SessionKind),
        "may_create": policy.may(actor, "create", RoomSession()),
        "errors": {},
        "form": {},
    }


@routes.get("/rooms/sessions")
@aiohttp_jinja2.template("rooms/sessions.html")
async def sessions_page(request: web.Request) -> dict[str, Any]:
    return await _list_context(request)


async def _create(request: web.Request, body: SessionCreate) -> RoomSession:
    actor = require_staff(request)
    async with db_of(request).transaction() as s:
        return await sessions.create_session(
            s,
            policy_of(request),
            actor,
            kind=body.kind,
            title=body.title,
            room_ids=body.room_ids,
            planned_start=body.planned_start,
            planned_end=body.planned_end,
            now=now_of(request),
        )


@routes.post("/rooms/sessions")
async def create_form(request: web.Request) -> web.StreamResponse:
    data = await read_form(request)
    data.pop("csrf_token", None)
    rooms = data.get("room_ids", [])
    data["room_ids"] = [int(r) for r in ([rooms] if isinstance(rooms, str) else rooms) if str(r).isdigit()]
    try:
        created = await _create(request, validate(SessionCreate, data))
    except (Invalid, Conflict) as exc:
        context = {**await _list_context(request), "errors": exc.fields or {"form": exc.message}, "form": data}
        return aiohttp_jinja2.render_template("rooms/sessions.html", request, context, status=exc.status)
    raise web.HTTPSeeOther(f"/rooms/sessions/{created.id}")


async def _detail_context(request: web.Request, errors: dict[str, str] | None = None) -> dict[str, Any]:
    actor = require_staff(request)
    policy = policy_of(request)
    async with db_of(request).transaction(write=False) as s:
        rs = await sessions.get_session(s, policy, actor, int_param(request, "id"), "view")
        rooms = (await s.scalars(select(Room).where(Room.id.in_(rs.room_ids)).order_by(Room.code))).all()
        staff = (
            await s.scalars(select(User).where(User.disabled.is_(False), User.role != Role.ADMIN).order_by(User.username))
        ).all()
    return {
        "rs": rs,
        "rooms": rooms,
        "room_by_id": {r.id: r for r in rooms},
        "staff": staff,
        "user_by_id": {u.id: u for u in staff},
        "staff_roles": sorted(sessions.STAFF_ROLES),
        "room_roles": sorted(sessions.ROOM_ROLES),
        "may_invite": policy.may(actor, "invite", rs),
        "may_open": policy.may(actor, "open", rs) and rs.status is SessionStatus.PLANNED,
        "may_end": policy.may(actor, "end", rs) and rs.status is not SessionStatus.ENDED,
        "may_join": policy.may(actor, "join", rs) and rs.status is not SessionStatus.ENDED,
        "errors": errors or {},
    }


@routes.get("/rooms/sessions/{id}")
@aiohttp_jinja2.template("rooms/session.html")
async def session_page(request: web.Request) -> dict[str, Any]:
    return await _detail_context(request)


async def _invite(request: web.Request, body: InvitationCreate) -> RoomSession:
    actor = require_staff(request)
    async with db_of(request).transaction() as s:
        rs = await sessions.get_session(s, policy_of(request), actor, int_param(request, "id"), "view")
        await sessions.invite(
            s,
            policy_of(request),
            actor,
            rs,
            role=body.role,
            user_id=body.user_id,
            room_id=body.room_id,
            display_name=body.display_name,
            now=now_of(request),
        )
    return rs


@routes.post("/rooms/sessions/{id}/invitations")
async def invite_form(request: web.Request) -> web.StreamResponse:
    data = await read_form(request)
    data.pop("csrf_token", None)
    try:
        await _invite(request, validate(InvitationCreate, data))
    except (Invalid, Conflict) as exc:
        context = await _detail_context(request, exc.fields or {"form": exc.message})
        return aiohttp_jinja2.render_template("rooms/session.html", request, context, status=exc.status)
    raise web.HTTPSeeOther(f"/rooms/sessions/{int_param(request, 'id')}")


async def _open(request: web.Request) -> RoomSession:
    actor = require_staff(request)
    async with db_of(request).transaction() as s:
        rs = await sessions.get_session(s, policy_of(request), actor, int_param(request, "id"), "view")
        await sessions.open_session(s, policy_of(request), actor, rs, now_of(request))
    return rs


async def _end(request: web.Request) -> RoomSession:
    actor = require_staff(request)
    async with db_of(request).transaction() as s:
        rs = await sessions.get_session(s, policy_of(request), actor, int_param(request, "id"), "view")
        policy_of(request).require(actor, "end", rs)
        await sessions.end_session(s, actor.audit, rs, now_of(request), "ended_by_host")
    await end_call(request.app, rs.signaling_room)
    return rs


async def end_call(app: web.Application, signaling_room: str) -> None:
    """Tell everyone in the call it is over (if signaling is wired into this app)."""
    calls = app.get(LIVE_CALLS)
    if calls is not None:
        await calls.end_room(signaling_room, "ended_by_host")


@routes.post("/rooms/sessions/{id}/open")
async def open_form(request: web.Request) -> web.StreamResponse:
    await _open(request)
    raise web.HTTPSeeOther(f"/rooms/sessions/{int_param(request, 'id')}")


@routes.post("/rooms/sessions/{id}/end")
async def end_form(request: web.Request) -> web.StreamResponse:
    await _end(request)
    raise web.HTTPSeeOther(f"/rooms/sessions/{int_param(request, 'id')}")


@routes.get("/rooms/sessions/{id}/call")
async def call_page(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    async with db_of(request).transaction(write=False) as s:
        rs = await sessions.get_session(s, policy_of(request), actor, int_param(request, "id"), "join")
    seat = sessions.seat_of(actor, rs)
    config = {**client_config(request, mode="staff", session_id=rs.id), "role": seat.role.value}
    context = {"rs": rs, "seat": seat, "kiosk": False, "config": config}
    response = aiohttp_jinja2.render_template("rooms/call.html", request, context)
    response.headers["Cache-Control"] = "no-store"
    return response


# ---- JSON ------------------------------------------------------------------------------------


@routes.get("/api/v1/room-sessions")
async def list_api(request: web.Request) -> web.Response:
    """`?for=schedule`: times and rooms of every session the actor may schedule (administrators too)."""
    actor = require_staff(request)
    schedule = request.query.get("for") == "schedule"
    async with db_of(request).transaction(write=False) as s:
        found = await sessions.list_sessions(
            s,
            policy_of(request),
            actor,
            action="schedule" if schedule else "view",
            include_ended=request.query.get("ended") == "1",
        )
    return web.json_response({"sessions": [session_json(rs, content=not schedule) for rs in found]})


@routes.post("/api/v1/room-sessions")
async def create_api(request: web.Request) -> web.Response:
    created = await _create(request, await parse_json(request, SessionCreate))
    return web.json_response(session_json(created), status=201)


@routes.get("/api/v1/room-sessions/{id}")
async def detail_api(request: web.Request) -> web.Response:
    actor = require_staff(request)
    async with db_of(request).transaction(write=False) as s:
        rs = await sessions.get_session(s, policy_of(request), actor, int_param(request, "id"), "view")
    return web.json_response(session_json(rs))


@routes.post("/api/v1/room-sessions/{id}/invitations")
async def invite_api(request: web.Request) -> web.Response:
    rs = await _invite(request, await parse_json(request, InvitationCreate))
    return web.json_response(session_json(rs), status=201)


@routes.post("/api/v1/room-sessions/{id}/open")
async def open_api(request: web.Request) -> web.Response:
    return web.json_response(session_json(await _open(request)))


@routes.post("/api/v1/room-sessions/{id}/end")
async def end_api(request: web.Request) -> web.Response:
    return web.json_response(session_json(await _end(request)))


def _caller(request: web.Request) -> Actor:
    actor = actor_of(request)
    if not actor.is_staff and room_of(actor) is None:
        from hub.errors import Unauthenticated

        raise Unauthenticated("unauthenticated", N_("Please sign in."))
    return actor


@routes.post("/api/v1/room-sessions/{id}/token")
async def token_api(request: web.Request) -> web.Response:
    """A short-lived room token for the caller (staff or an enrolled kiosk) after checking the right to join.

    The host's first token opens a planned session; anyone else waits until it is open.
    """
    actor = _caller(request)
    policy = policy_of(request)
    now = now_of(request)
    async with db_of(request).transaction() as s:
        rs = await sessions.get_session(s, policy, actor, int_param(request, "id"), "join")
        if rs.status is SessionStatus.ENDED:
            raise Conflict("session_ended", N_("This session has ended."))
        if rs.status is SessionStatus.PLANNED:
            if not policy.may(actor, "open", rs):
                raise Conflict("session_not_open", N_("This session has not started yet."))
            await sessions.open_session(s, policy, actor, rs, now)
        seat = sessions.seat_of(actor, rs)
    if actor.is_admin:  # the rules refuse it already; a token for an administrator would be a leak
        raise Forbidden("not_allowed", N_("You may not do this."))
    token = issue_token(
        request.app[SECRET],
        room=rs.signaling_room,
        participant=seat.participant,
        name=seat.name,
        role=seat.role.value,
        ttl_seconds=TOKEN_TTL_SECONDS,
        now=now_of(request).timestamp(),
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
