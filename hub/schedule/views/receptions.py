"""My receptions: one's duty days, the petitioners booked with one, the "talk now" queue, the call and the intake
that registers the petition in case tracking. A booking is declared as seen by its caller (the official or a planner),
a queue ticket by the official it waits for; what they may do with it at its stage the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select

from hub.auth.interface import User
from hub.cases.interface import CASES, Petition, PetitionKind
from hub.clock import LOCAL_TZ
from hub.http.context import policy_of
from hub.http.views import Again, Call, Permission, Routes
from hub.schedule import queue, reception, rotations
from hub.schedule.calls import CALLS
from hub.schedule.keys import PLANNERS
from hub.schedule.models import QueueTicket
from hub.schedule.views.shared import ANY_ERROR

routes = Routes()
SEE_BOOKING = Permission("view", "booking")
SEE_TICKET = Permission("view", "queue_ticket")
AHEAD = dt.timedelta(days=60)


class IntakeForm(BaseModel):
    kind: PetitionKind
    summary: str = Field(min_length=1, max_length=20000)
    accused_name: str = Field("", max_length=80)
    recording_ref: str = Field("", max_length=100)

    def intake(self) -> reception.IntakeIn:
        return reception.IntakeIn(**self.model_dump())


@routes.get("/schedule/mine", template="schedule/mine.html", summary="My duty days, bookings, queue and notifications.")
async def mine(call: Call[None]) -> dict[str, Any]:
    actor, s = call.actor, call.db
    assert actor.user_id is not None
    start = dt.datetime.combine(call.today, dt.time(0), LOCAL_TZ)
    duties = await rotations.duties(s, start=call.today, end=call.today + AHEAD, published_only=True, user_id=actor.user_id)
    booked = await reception.bookings_of(s, policy_of(call.request), actor, start, start + AHEAD, only_mine=True)
    now = call.now
    return {
        "duties": duties,
        "bookings": booked,
        "waiting": await queue.waiting_for(s, actor.user_id),
        "notifications": await rotations.notifications(s, actor.user_id),
        "now": now,
        "window_open": lambda slot: reception.call_window_open(slot, now),
        "may_plan": call.app[PLANNERS].may_plan(actor),
    }


@routes.post("/schedule/notifications/read", summary="Mark my notifications read.")
async def read_notifications(call: Call[None]) -> str:
    assert call.actor.user_id is not None
    await rotations.mark_read(call.db, call.actor.user_id, call.now)
    return "/schedule/mine"


# --- a booked reception --------------------------------------------------------------------------------------------


async def _booking(call: Call[Any]) -> dict[str, Any]:
    s = call.db
    view = await reception.load(s, policy_of(call.request), call.actor, call.int("id"))
    number = (
        await s.scalar(select(Petition.number).where(Petition.id == view.booking.petition_id)) if view.booking.petition_id else ""
    )
    return {
        "view": view,
        "official": await s.scalar(select(User.display_name).where(User.id == view.duty.user_id)),
        "petition_number": number or "",
        "kinds": list(PetitionKind),
        "mine": view.duty.user_id == call.actor.user_id,
        "may_intake": reception.may_record_intake(call.app[CASES], call.actor, view.duty.user_id),
        "window_open": reception.call_window_open(view.slot, call.now),
        "call_url": view.booking.host_url,
        "form": {},
        "error": "",
        "errors": {},
    }


BOOKING = Again("schedule/booking.html", _booking)


@routes.get("/schedule/bookings/{id}", permission=SEE_BOOKING, template="schedule/booking.html", summary="A booking.")
async def booking_page(call: Call[None]) -> dict[str, Any]:
    return await _booking(call)


@routes.post(
    "/schedule/bookings/{id}/call", permission=SEE_BOOKING, again=BOOKING, back_on=ANY_ERROR,
    summary="At the booked time, bring the kiosk into the official's reception room.",
)  # fmt: skip
async def booking_call(call: Call[None]) -> str:
    await reception.start_call(call.db, policy_of(call.request), call.app[CALLS], call.actor, call.target.id, call.now)
    return f"/schedule/bookings/{call.target.id}"


@routes.post(
    "/schedule/bookings/{id}/intake", permission=SEE_BOOKING, form=IntakeForm, again=BOOKING, back_on=ANY_ERROR,
    summary="Record the intake: registers the petition (信访件) in case tracking.",
)  # fmt: skip
async def booking_intake(call: Call[IntakeForm]) -> str:
    await reception.record_intake(call.db, call.app[CASES], call.actor, call.target.id, call.body.intake(), call.now)
    return f"/schedule/bookings/{call.target.id}"


# --- talk now: the queue of the official on duty --------------------------------------------------------------------


async def _ticket(call: Call[Any]) -> dict[str, Any]:
    s = call.db
    ticket: QueueTicket = await policy_of(call.request).load(s, call.actor, "queue_ticket", call.int("id"))
    number = await s.scalar(select(Petition.number).where(Petition.id == ticket.petition_id)) if ticket.petition_id else ""
    return {
        "ticket": ticket,
        "petition_number": number or "",
        "may_intake": reception.registers_petitions(call.app[CASES], call.actor),
        "kinds": list(PetitionKind),
        "form": {},
        "error": "",
        "errors": {},
    }


@routes.post("/schedule/queue/{id}/call", permission=SEE_TICKET, summary="Call a waiting petitioner in.")
async def queue_call(call: Call[None]) -> str:
    ticket = await queue.call_in(call.db, call.app[CALLS], call.actor, call.target.id, call.now)
    return f"/schedule/queue/{ticket.id}"


@routes.get("/schedule/queue/{id}", permission=SEE_TICKET, template="schedule/ticket.html", summary="A called petitioner.")
async def ticket_page(call: Call[None]) -> dict[str, Any]:
    return await _ticket(call)


@routes.post(
    "/schedule/queue/{id}/intake", permission=SEE_TICKET, form=IntakeForm,
    again=Again("schedule/ticket.html", _ticket), back_on=ANY_ERROR,
    summary="Record the intake of a talk-now call: registers the petition.",
)  # fmt: skip
async def ticket_intake(call: Call[IntakeForm]) -> str:
    await reception.record_queue_intake(call.db, call.app[CASES], call.actor, call.target.id, call.body.intake(), call.now)
    return f"/schedule/queue/{call.target.id}"


@routes.post("/schedule/queue/{id}/done", permission=SEE_TICKET, summary="Close a talk-now call without an intake.")
async def queue_done(call: Call[None]) -> str:
    await queue.finish(call.db, call.actor, call.target.id, call.now)
    return "/schedule/mine"
