"""The kiosk's reception pages for petitioners without an account: the rotation, booking and its receipt, cancel and
rebook, the stage of a petition, and the booked call's status.

Only an enrolled kiosk reaches these pages (``Who.KIOSK``). Nothing here stores an IP address or any detail of the
browser. A failed form shows its page again, with the message in the kiosk's language, at the error's status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select

from hub.errors import BadRequest, HubError, NotFound
from hub.http.views import Again, Call, Routes, Who
from hub.i18n import N_
from hub.schedule import bookings, kiosk_limits, receipts, rotations, stages
from hub.schedule.keys import LIMITS
from hub.schedule.models import Booking, BookingStatus
from hub.schedule.views.shared import ANY_ERROR, by_day, display_name

routes = Routes()
KIOSK = Who.KIOSK
KIOSK_DAYS = 21  # how far ahead the kiosk offers times


class BookForm(BaseModel):
    name: str = ""
    phone: str = ""


class BookingIn(BaseModel):
    slot_id: int
    name: str = Field(max_length=200)
    phone: str = Field(max_length=40)


class CodeForm(BaseModel):
    """A receipt code and the phone number it was booked with (or the PIN of an anonymous filing)."""

    code: str = ""
    phone: str = ""


class RebookForm(CodeForm):
    slot_id: int | None = None


class StatusForm(BaseModel):
    code: str = ""
    secret: str = ""


async def _open_days(call: Call[Any], *, user_id: int | None = None) -> list[tuple[dt.date, list[rotations.DutyView]]]:
    end = call.today + dt.timedelta(days=KIOSK_DAYS)
    return by_day(await rotations.duties(call.db, start=call.today, end=end, published_only=True, user_id=user_id))


@routes.get("/kiosk/reception", who=KIOSK, template="schedule/kiosk_rotation.html", summary="The rotation, to book.")
async def kiosk_rotation(call: Call[None]) -> dict[str, Any]:
    published = await rotations.published_rotations(call.db, call.today)
    changes = await rotations.changes(call.db, [r.id for r in published])
    return {"days": await _open_days(call), "now": call.now, "lead": bookings.BOOKING_LEAD, "changes": changes[:10]}


# --- booking -------------------------------------------------------------------------------------------------------


async def _book_page(call: Call[Any]) -> dict[str, Any]:
    ctx = await bookings.slot_context(call.db, call.int("id"))
    return {"ctx": ctx, "official": await display_name(call.db, ctx.duty.user_id), "form": {}, "error": "", "errors": {}}


async def _receipt(call: Call[Any], booking: Booking, *, rebooked: bool) -> dict[str, Any]:
    ctx = await bookings.slot_context(call.db, booking.slot_id)
    official = await display_name(call.db, ctx.duty.user_id)
    return {"booking": booking, "slot": ctx.slot, "official": official, "rebooked": rebooked}


@routes.get("/kiosk/reception/slots/{id}", who=KIOSK, template="schedule/kiosk_book.html", summary="Book this time.")
async def book_form(call: Call[None]) -> dict[str, Any]:
    return await _book_page(call)


@routes.post(
    "/kiosk/reception/slots/{id}", who=KIOSK, form=BookForm, template="schedule/kiosk_receipt.html",
    again=Again("schedule/kiosk_book.html", _book_page), back_on=ANY_ERROR, summary="Book; the receipt is shown.",
)  # fmt: skip
async def book_submit(call: Call[BookForm]) -> dict[str, Any]:
    body = call.body
    booking = await bookings.book(call.db, call.actor, call.int("id"), body.name, body.phone, call.now, call.app[LIMITS])
    return await _receipt(call, booking, rebooked=False)


@routes.post("/api/v1/kiosk/bookings", who=KIOSK, body=BookingIn, summary="Book over JSON (errors as JSON, translated).")
async def book_api(call: Call[BookingIn]) -> web.Response:
    body = call.body
    booking = await bookings.book(call.db, call.actor, body.slot_id, body.name, body.phone, call.now, call.app[LIMITS])
    ctx = await bookings.slot_context(call.db, body.slot_id)
    return web.json_response(
        {
            "code": booking.code,
            "slot_id": booking.slot_id,
            "starts_at": ctx.slot.starts_at.isoformat(),
            "official_id": ctx.duty.user_id,
        },
        status=201,
    )


# --- cancel and rebook ---------------------------------------------------------------------------------------------


def _no_booking() -> dict[str, Any]:
    return {"booking": None, "form": {}, "error": "", "errors": {}, "days": [], "slot": None, "official": ""}


async def _manage(call: Call[Any], code: str, phone: str) -> dict[str, Any]:
    booking = await bookings.find(call.db, code, phone)
    ctx = await bookings.slot_context(call.db, booking.slot_id)
    days = await _open_days(call, user_id=ctx.duty.user_id) if booking.status is BookingStatus.BOOKED else []
    return {
        "booking": booking,
        "slot": ctx.slot,
        "official": await display_name(call.db, ctx.duty.user_id),
        "days": days,
        "form": {"code": code, "phone": phone},
        "error": "",
        "errors": {},
        "now": call.now,
        "lead": bookings.BOOKING_LEAD,
    }


async def _found_or_none(call: Call[Any]) -> dict[str, Any]:
    """After a failed change: the booking as it stands, when the code and phone find one."""
    if isinstance(call.body, CodeForm):
        try:
            return await _manage(call, call.body.code, call.body.phone)
        except HubError:
            pass
    return _no_booking()


async def _none_found(call: Call[Any]) -> dict[str, Any]:
    return _no_booking()


MANAGE = "schedule/kiosk_manage.html"


@contextmanager
def _counted(call: Call[Any]) -> Iterator[None]:
    """A receipt code (with its phone or PIN) that fits nothing counts against the kiosk (kiosk_limits)."""
    try:
        yield
    except NotFound:
        kiosk_limits.wrong_lookup(call.request)
        raise


@routes.get("/kiosk/reception/manage", who=KIOSK, template=MANAGE, summary="Find a booking by receipt code and phone.")
async def manage_form(call: Call[None]) -> dict[str, Any]:
    return _no_booking()


@routes.post(
    "/kiosk/reception/manage", who=KIOSK, form=CodeForm, write=False, template=MANAGE,
    guard=kiosk_limits.lookup_guard,
    again=Again(MANAGE, _none_found), back_on=ANY_ERROR, summary="The booking, with times to move it to.",
)  # fmt: skip
async def manage_find(call: Call[CodeForm]) -> dict[str, Any]:
    with _counted(call):
        return await _manage(call, call.body.code, call.body.phone)


@routes.post(
    "/kiosk/reception/manage/cancel", who=KIOSK, form=CodeForm, template=MANAGE,
    guard=kiosk_limits.lookup_guard,
    again=Again(MANAGE, _none_found), back_on=ANY_ERROR, summary="Cancel a booking.",
)  # fmt: skip
async def manage_cancel(call: Call[CodeForm]) -> dict[str, Any]:
    with _counted(call):
        await bookings.cancel(call.db, call.actor, call.body.code, call.body.phone, call.now)
    return {**await _manage(call, call.body.code, call.body.phone), "done": N_("Your booking is cancelled.")}


@routes.post(
    "/kiosk/reception/manage/rebook", who=KIOSK, form=RebookForm, template="schedule/kiosk_receipt.html",
    guard=kiosk_limits.lookup_guard,
    again=Again(MANAGE, _found_or_none), back_on=ANY_ERROR, summary="Move a booking to another time of the same official.",
)  # fmt: skip
async def manage_rebook(call: Call[RebookForm]) -> dict[str, Any]:
    body = call.body
    if body.slot_id is None:
        raise BadRequest("bad_slot", N_("Choose a time."))
    with _counted(call):
        booking = await bookings.rebook(call.db, call.actor, body.code, body.phone, body.slot_id, call.now, call.app[LIMITS])
    return await _receipt(call, booking, rebooked=True)


# --- the stage of a petition, the booked call ----------------------------------------------------------------------


async def _no_stage(call: Call[Any]) -> dict[str, Any]:
    return {"stage": None, "form": {}, "error": "", "errors": {}}


@routes.get("/kiosk/reception/status", who=KIOSK, template="schedule/kiosk_status.html", summary="Look up a stage.")
async def status_form(call: Call[None]) -> dict[str, Any]:
    return await _no_stage(call)


@routes.post(
    "/kiosk/reception/status", who=KIOSK, form=StatusForm, write=False, template="schedule/kiosk_status.html",
    guard=kiosk_limits.lookup_guard,
    again=Again("schedule/kiosk_status.html", _no_stage), back_on=ANY_ERROR,
    summary="The stage of a booking or petition (nothing of its content).",
)  # fmt: skip
async def status_lookup(call: Call[StatusForm]) -> dict[str, Any]:
    with _counted(call):
        stage = await stages.stage_of(call.db, call.body.code, call.body.secret)
    return {"stage": stage, "form": {}, "error": "", "errors": {}}


@routes.get("/api/v1/kiosk/bookings/{code}", who=KIOSK, summary="Polled at the booked time: has the official opened the call?")
async def booking_call_api(call: Call[None]) -> web.Response:
    code = receipts.normalise_code(call.request.match_info["code"])
    booking = await call.db.scalar(select(Booking).where(Booking.code == code))
    # only the kiosk that made the booking learns anything about it
    if booking is None or booking.kiosk_device_id is None or booking.kiosk_device_id != call.actor.device_id:
        raise web.HTTPNotFound()
    return web.json_response({"status": booking.status.value, "join_url": booking.join_url})
