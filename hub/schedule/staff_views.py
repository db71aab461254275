"""Staff pages: plan and publish the rotation, one's own receptions (bookings, queue, intake), interview coordination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select

from hub.access.actor import Actor
from hub.access.roles import Role
from hub.auth.interface import User
from hub.cases.interface import CASES, HolidayCalendar, Petition, PetitionKind, holidays
from hub.clock import LOCAL_TZ
from hub.errors import BadRequest, HubError
from hub.http.context import db_of, now_of, policy_of, require_staff
from hub.http.responses import see_other
from hub.http.validation import int_param, parse_form, read_form, validate
from hub.i18n import N_
from hub.rooms.interface import Room
from hub.schedule import interviews, queue, reception, rotations
from hub.schedule.calls import CALLS
from hub.schedule.keys import PLANNERS
from hub.schedule.models import Duty, Interview, InterviewStatus, MemberKind, QueueTicket, Rotation, RotationStatus
from hub.schedule.views.shared import by_day

routes = web.RouteTableDef()
# leaders first, then the petition office and other offices: the people a reception roster is made of
ROLE_ORDER = [Role.MAIN_LEADER, Role.DEPUTY_LEADER, Role.OFFICE_STAFF, Role.GROUP_STAFF, Role.TOWNSHIP_STAFF]


class RotationForm(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    starts_on: dt.date
    ends_on: dt.date
    slot_times: str = Field(min_length=1, max_length=400)
    capacity: int = Field(ge=1, le=50)
    leaders_per_day: int = Field(1, ge=0, le=5)
    staff_per_day: int = Field(1, ge=0, le=5)


class VersionForm(BaseModel):
    version: int


class ReassignForm(BaseModel):
    user_id: int
    version: int


class AddDutyForm(BaseModel):
    user_id: int
    day: dt.date


class LeaveForm(BaseModel):
    user_id: int
    starts_on: dt.date
    ends_on: dt.date
    reason: str = Field("", max_length=200)


class IntakeForm(BaseModel):
    kind: PetitionKind
    summary: str = Field(min_length=1, max_length=20000)
    accused_name: str = Field("", max_length=80)
    recording_ref: str = Field("", max_length=100)


def _today(request: web.Request) -> dt.date:
    return now_of(request).astimezone(LOCAL_TZ).date()


async def _staff(request: web.Request) -> list[User]:
    async with db_of(request).transaction(write=False) as s:
        rows = await s.scalars(select(User).where(User.disabled.is_(False), User.role != Role.ADMIN).order_by(User.username))
        return sorted(rows.all(), key=lambda u: ROLE_ORDER.index(u.role) if u.role in ROLE_ORDER else len(ROLE_ORDER))


async def _calendar(request: web.Request) -> HolidayCalendar:
    async with db_of(request).transaction(write=False) as s:
        return await holidays.load(s)


# --- rotations ---------------------------------------------------------------------------------------------------


async def _index_context(request: web.Request, actor: Actor) -> dict[str, Any]:
    policy = policy_of(request)
    async with db_of(request).transaction(write=False) as s:
        rows = await s.scalars(select(Rotation).where(policy.where(actor, "view", Rotation)).order_by(Rotation.starts_on.desc()))
        items = list(rows.all())
    today = _today(request)
    return {
        "rotations": items,
        "may_plan": request.app[PLANNERS].may_plan(actor),
        "form": {
            "starts_on": (today + dt.timedelta(days=1)).isoformat(),
            "ends_on": (today + dt.timedelta(days=28)).isoformat(),
            "slot_times": "09:00-10:00,10:00-11:00,15:00-16:00,16:00-17:00",
            "capacity": "2",
            "leaders_per_day": "1",
            "staff_per_day": "1",
        },
        "errors": {},
    }


@routes.get("/schedule")
@aiohttp_jinja2.template("schedule/index.html")
async def index(request: web.Request) -> dict[str, Any]:
    return await _index_context(request, require_staff(request))


@routes.post("/schedule/rotations")
async def create(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    data = await read_form(request)
    data.pop("csrf_token", None)
    try:
        body = validate(RotationForm, data)
        async with db_of(request).transaction() as s:
            rotation = await rotations.create_rotation(
                s, request.app[PLANNERS], actor, rotations.RotationSpec(**body.model_dump()), now_of(request)
            )
    except HubError as exc:
        context = {**await _index_context(request, actor), "form": data, "errors": exc.fields or {"form": exc.message}}
        return aiohttp_jinja2.render_template("schedule/index.html", request, context, status=exc.status)
    return see_other(f"/schedule/rotations/{rotation.id}")


async def _editor_context(request: web.Request, actor: Actor, rotation_id: int) -> dict[str, Any]:
    policy = policy_of(request)
    async with db_of(request).transaction(write=False) as s:
        rotation = await rotations.get_rotation(s, rotation_id)
        policy.require(actor, "view", rotation)
        roster = await rotations.roster_of(s, rotation.id)
        duties = await rotations.duties(s, rotation_id=rotation.id)
        changes = await rotations.changes(s, [rotation.id])
        rooms = list((await s.scalars(select(Room).where(Room.kind == "county_reception").order_by(Room.code))).all())
    staff = await _staff(request)
    counts: dict[int, int] = {}
    for d in duties:
        counts[d.user_id] = counts.get(d.user_id, 0) + 1
    return {
        "rotation": rotation,
        "roster": {m.user_id: m for m in roster},
        "roster_list": roster,
        "staff": staff,
        "names": {u.id: u.display_name for u in staff},
        "days": by_day(duties),
        "counts": counts,
        "changes": changes,
        "rooms": rooms,
        "may_plan": request.app[PLANNERS].may_plan(actor),
        "draft": rotation.status is RotationStatus.DRAFT,
        "kinds": list(MemberKind),
        "error": "",
        "errors": {},
    }


@routes.get("/schedule/rotations/{id}")
@aiohttp_jinja2.template("schedule/rotation.html")
async def editor(request: web.Request) -> dict[str, Any]:
    return await _editor_context(request, require_staff(request), int_param(request, "id"))


async def _edit(request: web.Request, rotation_id: int, work: Any) -> web.StreamResponse:
    """Run one edit; on a domain error show the editor again with the message."""
    actor = require_staff(request)
    try:
        async with db_of(request).transaction() as s:
            await work(s, actor)
    except HubError as exc:
        context = await _editor_context(request, actor, rotation_id)
        context.update(error=exc.message, errors=exc.fields)
        return aiohttp_jinja2.render_template("schedule/rotation.html", request, context, status=exc.status)
    return see_other(f"/schedule/rotations/{rotation_id}")


@routes.post("/schedule/rotations/{id}/roster")
async def set_roster(request: web.Request) -> web.StreamResponse:
    rotation_id = int_param(request, "id")
    form = await read_form(request)
    members: list[tuple[int, MemberKind]] = []
    chosen = form.get("member", [])
    for raw in chosen if isinstance(chosen, list) else [chosen]:
        if not str(raw).isdigit():
            raise BadRequest("bad_member", N_("Choose active staff accounts."))
        kind = form.get(f"kind_{raw}", MemberKind.STAFF.value)
        members.append((int(raw), MemberKind(kind) if kind in {k.value for k in MemberKind} else MemberKind.STAFF))

    async def work(s: Any, actor: Actor) -> None:
        await rotations.set_roster(s, request.app[PLANNERS], actor, rotation_id, members, now_of(request))

    return await _edit(request, rotation_id, work)


@routes.post("/schedule/rotations/{id}/generate")
async def generate(request: web.Request) -> web.StreamResponse:
    rotation_id = int_param(request, "id")
    calendar = await _calendar(request)

    async def work(s: Any, actor: Actor) -> None:
        await rotations.generate(s, request.app[PLANNERS], actor, rotation_id, calendar, now_of(request))

    return await _edit(request, rotation_id, work)


@routes.post("/schedule/rotations/{id}/publish")
async def publish(request: web.Request) -> web.StreamResponse:
    require_staff(request)  # who asks comes before what they sent: a stranger is sent to sign in, not told about fields
    rotation_id = int_param(request, "id")
    body = await parse_form(request, VersionForm)

    async def work(s: Any, actor: Actor) -> None:
        await rotations.publish(s, request.app[PLANNERS], actor, rotation_id, body.version, now_of(request))

    return await _edit(request, rotation_id, work)


@routes.post("/schedule/rotations/{id}/duties")
async def add_duty(request: web.Request) -> web.StreamResponse:
    require_staff(request)  # who asks comes before what they sent: a stranger is sent to sign in, not told about fields
    rotation_id = int_param(request, "id")
    body = await parse_form(request, AddDutyForm)

    async def work(s: Any, actor: Actor) -> None:
        await rotations.add_duty(s, request.app[PLANNERS], actor, rotation_id, body.user_id, body.day, now_of(request))

    return await _edit(request, rotation_id, work)


@routes.post("/schedule/duties/{id}/reassign")
async def reassign(request: web.Request) -> web.StreamResponse:
    require_staff(request)  # who asks comes before what they sent: a stranger is sent to sign in, not told about fields
    duty_id = int_param(request, "id")
    body = await parse_form(request, ReassignForm)
    rotation_id = await _rotation_of_duty(request, duty_id)

    async def work(s: Any, actor: Actor) -> None:
        await rotations.reassign_duty(s, request.app[PLANNERS], actor, duty_id, body.user_id, body.version, now_of(request))

    return await _edit(request, rotation_id, work)


@routes.post("/schedule/duties/{id}/remove")
async def remove(request: web.Request) -> web.StreamResponse:
    duty_id = int_param(request, "id")
    rotation_id = await _rotation_of_duty(request, duty_id)

    async def work(s: Any, actor: Actor) -> None:
        await rotations.remove_duty(s, request.app[PLANNERS], actor, duty_id, now_of(request))

    return await _edit(request, rotation_id, work)


async def _rotation_of_duty(request: web.Request, duty_id: int) -> int:
    require_staff(request)
    async with db_of(request).transaction(write=False) as s:
        rotation_id = await s.scalar(select(Duty.rotation_id).where(Duty.id == duty_id))
    if rotation_id is None:
        raise web.HTTPNotFound()
    return int(rotation_id)


@routes.post("/schedule/leave")
async def add_leave(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    body = await parse_form(request, LeaveForm)
    async with db_of(request).transaction() as s:
        await rotations.add_leave(
            s, request.app[PLANNERS], actor, body.user_id, body.starts_on, body.ends_on, body.reason, now_of(request)
        )
    form = await read_form(request)
    back = str(form.get("next", "/schedule/mine"))
    return see_other(back if back.startswith("/schedule") else "/schedule/mine")


# --- my receptions -----------------------------------------------------------------------------------------------


@routes.get("/schedule/mine")
@aiohttp_jinja2.template("schedule/mine.html")
async def mine(request: web.Request) -> dict[str, Any]:
    actor = require_staff(request)
    assert actor.user_id is not None
    now = now_of(request)
    today = _today(request)
    start = dt.datetime.combine(today, dt.time(0), LOCAL_TZ)
    async with db_of(request).transaction(write=False) as s:
        duties = await rotations.duties(
            s, start=today, end=today + dt.timedelta(days=60), published_only=True, user_id=actor.user_id
        )
        booked = await reception.bookings_of(s, policy_of(request), actor, start, start + dt.timedelta(days=60), only_mine=True)
        waiting = await queue.waiting_for(s, actor.user_id)
        notes = await rotations.notifications(s, actor.user_id)
    return {
        "duties": duties,
        "bookings": booked,
        "waiting": waiting,
        "notifications": notes,
        "now": now,
        "window_open": lambda slot: reception.call_window_open(slot, now),
        "may_plan": request.app[PLANNERS].may_plan(actor),
    }


@routes.post("/schedule/notifications/read")
async def read_notifications(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    assert actor.user_id is not None
    async with db_of(request).transaction() as s:
        await rotations.mark_read(s, actor.user_id, now_of(request))
    return see_other("/schedule/mine")


async def _booking_context(request: web.Request, actor: Actor, booking_id: int) -> dict[str, Any]:
    async with db_of(request).transaction(write=False) as s:
        view = await reception.load(s, policy_of(request), actor, booking_id)
        petition_number = ""
        if view.booking.petition_id:
            petition_number = await s.scalar(select(Petition.number).where(Petition.id == view.booking.petition_id)) or ""
        official = await s.scalar(select(User.display_name).where(User.id == view.duty.user_id))
    return {
        "view": view,
        "official": official,
        "petition_number": petition_number,
        "kinds": list(PetitionKind),
        "mine": view.duty.user_id == actor.user_id,
        "may_intake": reception.may_record_intake(request.app[CASES], actor, view.duty.user_id),
        "window_open": reception.call_window_open(view.slot, now_of(request)),
        "call_url": view.booking.host_url,
        "form": {},
        "error": "",
        "errors": {},
    }


@routes.get("/schedule/bookings/{id}")
@aiohttp_jinja2.template("schedule/booking.html")
async def booking_page(request: web.Request) -> dict[str, Any]:
    return await _booking_context(request, require_staff(request), int_param(request, "id"))


@routes.post("/schedule/bookings/{id}/call")
async def booking_call(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    booking_id = int_param(request, "id")
    try:
        async with db_of(request).transaction() as s:
            await reception.start_call(s, policy_of(request), request.app[CALLS], actor, booking_id, now_of(request))
    except HubError as exc:
        context = {**await _booking_context(request, actor, booking_id), "error": exc.message}
        return aiohttp_jinja2.render_template("schedule/booking.html", request, context, status=exc.status)
    return see_other(f"/schedule/bookings/{booking_id}")


async def _intake(
    request: web.Request,
    record: Callable[..., Awaitable[Any]],
    page: Callable[[web.Request, Actor, int], Awaitable[dict[str, Any]]],
    template: str,
    back: str,
) -> web.StreamResponse:
    """The intake form of a reception, booked or talk-now: register the petition, or show the page again with why not."""
    actor = require_staff(request)
    object_id = int_param(request, "id")
    data = await read_form(request)
    data.pop("csrf_token", None)
    try:
        body = validate(IntakeForm, data)
        async with db_of(request).transaction() as s:
            await record(s, request.app[CASES], actor, object_id, reception.IntakeIn(**body.model_dump()), now_of(request))
    except HubError as exc:
        context = {**await page(request, actor, object_id), "form": data, "error": exc.message, "errors": exc.fields}
        return aiohttp_jinja2.render_template(template, request, context, status=exc.status)
    return see_other(back.format(id=object_id))


@routes.post("/schedule/bookings/{id}/intake")
async def booking_intake(request: web.Request) -> web.StreamResponse:
    return await _intake(request, reception.record_intake, _booking_context, "schedule/booking.html", "/schedule/bookings/{id}")


@routes.post("/schedule/queue/{id}/call")
async def queue_call(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    async with db_of(request).transaction() as s:
        ticket = await queue.call_in(s, request.app[CALLS], actor, int_param(request, "id"), now_of(request))
    return see_other(f"/schedule/queue/{ticket.id}")


async def _ticket_context(request: web.Request, actor: Actor, ticket_id: int) -> dict[str, Any]:
    async with db_of(request).transaction(write=False) as s:
        ticket = await s.get(QueueTicket, ticket_id)
        if ticket is None or ticket.official_id != actor.user_id:
            raise web.HTTPNotFound()
        number = await s.scalar(select(Petition.number).where(Petition.id == ticket.petition_id)) if ticket.petition_id else ""
    return {
        "ticket": ticket,
        "petition_number": number or "",
        "may_intake": reception.registers_petitions(request.app[CASES], actor),
        "kinds": list(PetitionKind),
        "form": {},
        "error": "",
        "errors": {},
    }


@routes.get("/schedule/queue/{id}")
@aiohttp_jinja2.template("schedule/ticket.html")
async def ticket_page(request: web.Request) -> dict[str, Any]:
    return await _ticket_context(request, require_staff(request), int_param(request, "id"))


@routes.post("/schedule/queue/{id}/intake")
async def ticket_intake(request: web.Request) -> web.StreamResponse:
    return await _intake(request, reception.record_queue_intake, _ticket_context, "schedule/ticket.html", "/schedule/queue/{id}")


@routes.post("/schedule/queue/{id}/done")
async def queue_done(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    async with db_of(request).transaction() as s:
        await queue.finish(s, actor, int_param(request, "id"), now_of(request))
    return see_other("/schedule/mine")


# --- interviews ----------------------------------------------------------------------------------------------------


class InterviewForm(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    date: dt.date
    start: dt.time
    end: dt.time
    county_room_id: int
    township_room_id: int
    interviewee_name: str = Field(min_length=1, max_length=80)
    interviewee_ref: str = Field("", max_length=160)
    interviewer_ids: list[int] = Field(min_length=1)
    accompanying_ids: list[int] = Field(default_factory=list)
    notes: str = Field("", max_length=4000)


async def _interviews_context(request: web.Request, actor: Actor) -> dict[str, Any]:
    policy = policy_of(request)
    now = now_of(request)
    room_q, user_q = request.query.get("room", ""), request.query.get("user", "")
    week_start = dt.datetime.combine(_today(request), dt.time(0), LOCAL_TZ)
    async with db_of(request).transaction(write=False) as s:
        items = list(
            (
                await s.scalars(
                    select(Interview)
                    .where(policy.where(actor, "view", Interview), Interview.ends_at >= now - dt.timedelta(days=1))
                    .where(Interview.status == InterviewStatus.SCHEDULED)
                    .order_by(Interview.starts_at)
                )
            ).all()
        )
        rooms = list((await s.scalars(select(Room).where(Room.active.is_(True)).order_by(Room.kind, Room.code))).all())
        cal: list[interviews.Busy] = []
        if room_q.isdigit() or user_q.isdigit():
            cal = await interviews.calendar(
                s,
                policy,
                actor,
                week_start,
                week_start + dt.timedelta(days=14),
                room_id=int(room_q) if room_q.isdigit() else None,
                user_id=int(user_q) if user_q.isdigit() else None,
            )
    staff = await _staff(request)
    return {
        "interviews": items,
        "rooms": rooms,
        "room_names": {r.id: r.name_zh for r in rooms},
        "staff": staff,
        "calendar": cal,
        "room_q": room_q,
        "user_q": user_q,
        "form": {"date": (_today(request) + dt.timedelta(days=1)).isoformat(), "start": "09:30", "end": "11:00"},
        "error": "",
        "errors": {},
        "now": now,
    }


@routes.get("/schedule/interviews")
@aiohttp_jinja2.template("schedule/interviews.html")
async def interviews_page(request: web.Request) -> dict[str, Any]:
    return await _interviews_context(request, require_staff(request))


@routes.post("/schedule/interviews")
async def interviews_create(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    data = await read_form(request)
    data.pop("csrf_token", None)
    for key in ("interviewer_ids", "accompanying_ids"):
        value = data.get(key, [])
        data[key] = [v for v in (value if isinstance(value, list) else [value]) if v]
    try:
        body = validate(InterviewForm, data)
        async with db_of(request).transaction() as s:
            await interviews.schedule(
                s,
                policy_of(request),
                actor,
                interviews.InterviewIn(
                    title=body.title,
                    starts_at=dt.datetime.combine(body.date, body.start, LOCAL_TZ).astimezone(dt.UTC),
                    ends_at=dt.datetime.combine(body.date, body.end, LOCAL_TZ).astimezone(dt.UTC),
                    county_room_id=body.county_room_id,
                    township_room_id=body.township_room_id,
                    interviewee_name=body.interviewee_name,
                    interviewee_ref=body.interviewee_ref,
                    interviewer_ids=tuple(body.interviewer_ids),
                    accompanying_ids=tuple(body.accompanying_ids),
                    notes=body.notes,
                ),
                now_of(request),
            )
    except HubError as exc:
        context = {**await _interviews_context(request, actor), "form": data, "error": exc.message, "errors": exc.fields}
        return aiohttp_jinja2.render_template("schedule/interviews.html", request, context, status=exc.status)
    return see_other("/schedule/interviews")


@routes.post("/schedule/interviews/{id}/cancel")
async def interviews_cancel(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    body = await parse_form(request, VersionForm)
    async with db_of(request).transaction() as s:
        await interviews.cancel(s, policy_of(request), actor, int_param(request, "id"), body.version, now_of(request))
    return see_other("/schedule/interviews")


@routes.post("/schedule/interviews/{id}/link")
async def interviews_link(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    async with db_of(request).transaction() as s:
        link = await interviews.link_rooms(
            s, policy_of(request), request.app[CALLS], actor, int_param(request, "id"), now_of(request)
        )
    return see_other(link.host_url if link is not None else "/schedule/interviews")
