"""The conferences' JSON API: schedule one, list and read them, and the attendance sheet (docs/protocol.md); the
attendance sheet as a page to print and as a PDF."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field
from sqlalchemy import select

from hub.conferences import service
from hub.conferences.keys import CONSOLE_REGISTRY
from hub.conferences.models import Attendance, Conference, ConsoleEvent
from hub.http.context import policy_of
from hub.http.keys import PAGE_PDF
from hub.http.views import Call, Permission, Routes
from hub.i18n import WEB_DIR
from hub.rooms.interface import Recording, session_recordings

routes = Routes()
SEE = Permission("view", "conference")
ATTENDANCE = Permission("attendance", "conference")


RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]  # the tables' integer keys: a larger number is refused, not a 500


def _plausible(value: dt.datetime) -> dt.datetime:
    """A time in the years 2000 to 2099, read from its own fields (year 1 with a positive offset cannot even be turned
    into UTC, nor compared with a time that is)."""
    if not 2000 <= value.year <= 2099:
        raise ValueError("a conference is held between 2000 and 2100")
    return value


When = Annotated[AwareDatetime, AfterValidator(_plausible)]


class ConferenceCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    starts_at: When
    ends_at: When
    main_room: RowId
    venue_rooms: list[RowId] = Field(default_factory=list, max_length=64)
    people: list[RowId] = Field(default_factory=list, max_length=64)


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value is not None else None


def conference_json(conference: Conference, rooms: dict[int, str]) -> dict[str, Any]:
    return {
        "id": conference.id,
        "title": conference.title,
        "starts_at": _iso(conference.starts_at),
        "ends_at": _iso(conference.ends_at),
        "status": conference.status.value,
        "session": conference.session_id,
        "main_room": {"id": conference.main_room_id, "name": rooms.get(conference.main_room_id, "")},
        "venues": [
            {
                "room": {"id": v.room_id, "name": v.name} if v.room_id is not None else None,
                "user": {"id": v.user_id, "name": v.name} if v.user_id is not None else None,
            }
            for v in conference.venues
        ],
    }


def attendance_json(row: Attendance) -> dict[str, Any]:
    return {
        "participant": row.participant,
        "name": row.name,
        "invited": row.invited,
        "joined_at": _iso(row.joined_at),
        "left_at": _iso(row.left_at),
        "people": row.people,
        "signed_in_at": _iso(row.signed_in_at),
        "roll_call_called_at": _iso(row.roll_call_called_at),
        "roll_call_answered_at": _iso(row.roll_call_answered_at),
    }


@routes.post("/api/v1/conferences", body=ConferenceCreate, summary="Schedule a conference.")
async def create_api(call: Call[ConferenceCreate]) -> web.Response:
    from hub.conferences.models import Conference as Model

    policy, body = policy_of(call.request), call.body
    policy.require(call.actor, "create", Model(), hide=False)
    data = service.ConferenceIn(
        title=body.title,
        starts_at=body.starts_at.astimezone(dt.UTC),
        ends_at=body.ends_at.astimezone(dt.UTC),
        main_room_id=body.main_room,
        venue_room_ids=tuple(dict.fromkeys(body.venue_rooms)),
        people=tuple(dict.fromkeys(body.people)),
    )
    scheduled = await service.schedule(call.db, policy, call.actor, data, call.now, call.app.get(service.BUSY_ROOMS, []))
    registry = call.app.get(CONSOLE_REGISTRY)
    if registry is not None:
        conference_id = scheduled.conference.id

        async def register() -> None:
            await registry(conference_id)

        call.after_commit(register)
    rooms = await service.room_names(call.db, [scheduled.conference.main_room_id])
    return web.json_response(conference_json(scheduled.conference, rooms), status=201)


@routes.get("/api/v1/conferences", summary="The conferences the caller may see.")
async def list_api(call: Call[None]) -> web.Response:
    policy = policy_of(call.request)
    query = select(Conference).where(policy.where(call.actor, "view", Conference)).order_by(Conference.starts_at)
    found = list((await call.db.scalars(query)).all())
    rooms = await service.room_names(call.db, sorted({c.main_room_id for c in found}))
    return web.json_response({"conferences": [conference_json(c, rooms) for c in found]})


@routes.get("/api/v1/conferences/{id}", permission=SEE, summary="A conference.")
async def detail_api(call: Call[None]) -> web.Response:
    conference = call.target
    return web.json_response(conference_json(conference, await service.room_names(call.db, [conference.main_room_id])))


@routes.get("/api/v1/conferences/{id}/attendance", permission=ATTENDANCE, summary="A conference's attendance sheet.")
async def attendance_api(call: Call[None]) -> web.Response:
    conference = call.target
    found = await service.sheet(call.db, conference)
    rooms = await service.room_names(call.db, [conference.main_room_id])
    return web.json_response(
        {
            "conference": conference_json(conference, rooms),
            "rows": [attendance_json(r) for r in found.attended],
            "totals": found.totals,
        }
    )


@routes.get("/api/v1/conferences/{id}/events", permission=ATTENDANCE, summary="A conference's console events, in order.")
async def events_api(call: Call[None]) -> web.Response:
    """What the console did and when (who was broadcast when): playback of the recording reads it."""
    found = await call.db.scalars(
        select(ConsoleEvent).where(ConsoleEvent.conference_id == call.target.id).order_by(ConsoleEvent.at, ConsoleEvent.id)
    )
    return web.json_response(
        {"events": [{"at": _iso(e.at), "kind": e.kind, "actor": e.actor, "data": e.data} for e in found.all()]}
    )


async def _sheet(call: Call[None]) -> dict[str, Any]:
    """The sheet's page (and PDF): everyone who came, then each invited venue that did not (absent)."""
    conference = call.target
    found = await service.sheet(call.db, conference)
    rooms = await service.room_names(call.db, [conference.main_room_id])
    return {
        "conference": {
            "id": conference.id, "title": conference.title, "starts_at": conference.starts_at,
            "ends_at": conference.ends_at, "main_room": {"name": rooms.get(conference.main_room_id, "")},
        },
        "rows": found.rows,
        "totals": found.totals,
        "pdf_url": f"/conferences/{conference.id}/attendance.pdf",
    }  # fmt: skip


@routes.get(
    "/conferences/{id}/attendance", permission=ATTENDANCE, template="conferences/attendance.html",
    summary="A conference's attendance sheet (签到表), to print.",
)  # fmt: skip
async def attendance_page(call: Call[None]) -> dict[str, Any]:
    context = await _sheet(call)
    # the conference's recordings the reader may see (the recordings' own rule): each page shows who was broadcast when
    visible = policy_of(call.request).where(call.actor, "view", Recording)
    context["recordings"] = await session_recordings(call.db, call.target.session_id, visible)
    return context


@routes.get("/conferences/{id}/attendance.pdf", permission=ATTENDANCE, summary="A conference's attendance sheet as a PDF (A4).")
async def attendance_pdf(call: Call[None]) -> web.StreamResponse:
    context = {**await _sheet(call), "pdf": True}
    page = aiohttp_jinja2.render_string("conferences/attendance.html", call.request, context)
    pdf = await asyncio.to_thread(call.app[PAGE_PDF], page, WEB_DIR / "static")
    return web.Response(
        body=pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="attendance-{call.target.id}.pdf"'},
    )
