"""Kiosk pages for petitioners without an account: the rotation, booking, receipt, cancel and rebook, the stage of a
petition, "talk now" with the official on duty, and a written petition with photographs (named or anonymous).

Only an enrolled kiosk (``Actor.kind == "kiosk"``) reaches these pages. Nothing here stores an IP address or any
detail of the browser; an anonymous filing does not even keep the kiosk's number.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select

from hub.access.actor import Actor
from hub.auth.interface import User
from hub.cases.interface import CASES, PetitionKind
from hub.clock import LOCAL_TZ
from hub.errors import BadRequest, Conflict, Forbidden, HubError, Invalid
from hub.http.context import actor_of, db_of, now_of
from hub.http.validation import int_param, parse_json, read_form
from hub.i18n import N_
from hub.schedule import bookings, filings, queue, receipts, rotations, stages
from hub.schedule.keys import LIMITS
from hub.schedule.models import Booking
from hub.schedule.views.shared import by_day
from hub.store.interface import STORE, FileKind
from hub.store.interface import service as store_service

routes = web.RouteTableDef()
KIOSK_DAYS = 21  # how far ahead the kiosk offers times


def require_kiosk(request: web.Request) -> Actor:
    actor = actor_of(request)
    if actor.kind != "kiosk":
        raise Forbidden("not_kiosk", N_("This page opens only on an enrolled township kiosk."))
    return actor


def _render(request: web.Request, template: str, context: dict[str, Any], status: int = 200) -> web.Response:
    return aiohttp_jinja2.render_template(f"schedule/{template}", request, context, status=status)


def _error_context(exc: HubError) -> dict[str, Any]:
    return {"error": exc.message, "errors": exc.fields}


async def _open_days(request: web.Request, *, user_id: int | None = None) -> list[tuple[dt.date, list[rotations.DutyView]]]:
    today = now_of(request).astimezone(LOCAL_TZ).date()
    async with db_of(request).transaction(write=False) as s:
        duties = await rotations.duties(
            s, start=today, end=today + dt.timedelta(days=KIOSK_DAYS), published_only=True, user_id=user_id
        )
    return by_day(duties)


@routes.get("/kiosk/reception")
@aiohttp_jinja2.template("schedule/kiosk_rotation.html")
async def kiosk_rotation(request: web.Request) -> dict[str, Any]:
    require_kiosk(request)
    today = now_of(request).astimezone(LOCAL_TZ).date()
    async with db_of(request).transaction(write=False) as s:
        published = await rotations.published_rotations(s, today)
        changes = await rotations.changes(s, [r.id for r in published])
    return {"days": await _open_days(request), "now": now_of(request), "lead": bookings.BOOKING_LEAD, "changes": changes[:10]}


async def _slot_or_error(request: web.Request, slot_id: int) -> bookings.SlotContext:
    async with db_of(request).transaction(write=False) as s:
        return await bookings.slot_context(s, slot_id)


async def _official_name(request: web.Request, user_id: int) -> str:
    async with db_of(request).transaction(write=False) as s:
        user = await s.get(User, user_id)
    return user.display_name if user else ""


@routes.get("/kiosk/reception/slots/{id}")
async def book_form(request: web.Request) -> web.Response:
    require_kiosk(request)
    ctx = await _slot_or_error(request, int_param(request, "id"))
    context = {"ctx": ctx, "official": await _official_name(request, ctx.duty.user_id), "form": {}, "error": "", "errors": {}}
    return _render(request, "kiosk_book.html", context)


@routes.post("/kiosk/reception/slots/{id}")
async def book_submit(request: web.Request) -> web.Response:
    kiosk = require_kiosk(request)
    slot_id = int_param(request, "id")
    form = await read_form(request)
    name, phone = str(form.get("name", "")), str(form.get("phone", ""))
    try:
        async with db_of(request).transaction() as s:
            booking = await bookings.book(s, kiosk, slot_id, name, phone, now_of(request), request.app[LIMITS])
            ctx = await bookings.slot_context(s, slot_id)
    except HubError as exc:
        ctx = await _slot_or_error(request, slot_id)
        context = {"ctx": ctx, "official": await _official_name(request, ctx.duty.user_id), "form": form, **_error_context(exc)}
        return _render(request, "kiosk_book.html", context, status=exc.status)
    official = await _official_name(request, ctx.duty.user_id)
    return _render(request, "kiosk_receipt.html", {"booking": booking, "slot": ctx.slot, "official": official, "rebooked": False})


class BookingIn(BaseModel):
    slot_id: int
    name: str = Field(max_length=200)
    phone: str = Field(max_length=40)


@routes.post("/api/v1/kiosk/bookings")
async def book_api(request: web.Request) -> web.Response:
    """Book from a kiosk over JSON; errors come back as the error middleware's JSON, translated."""
    kiosk = require_kiosk(request)
    body = await parse_json(request, BookingIn)
    async with db_of(request).transaction() as s:
        booking = await bookings.book(s, kiosk, body.slot_id, body.name, body.phone, now_of(request), request.app[LIMITS])
        ctx = await bookings.slot_context(s, body.slot_id)
    return web.json_response(
        {
            "code": booking.code,
            "slot_id": booking.slot_id,
            "starts_at": ctx.slot.starts_at.isoformat(),
            "official_id": ctx.duty.user_id,
        },
        status=201,
    )


@routes.get("/kiosk/reception/manage")
@aiohttp_jinja2.template("schedule/kiosk_manage.html")
async def manage_form(request: web.Request) -> dict[str, Any]:
    require_kiosk(request)
    return {"booking": None, "form": {}, "error": "", "errors": {}, "days": [], "slot": None, "official": ""}


async def _manage_context(request: web.Request, code: str, phone: str) -> dict[str, Any]:
    async with db_of(request).transaction(write=False) as s:
        booking = await bookings.find(s, code, phone)
        ctx = await bookings.slot_context(s, booking.slot_id)
    days = await _open_days(request, user_id=ctx.duty.user_id) if booking.status.value == "booked" else []
    return {
        "booking": booking,
        "slot": ctx.slot,
        "official": await _official_name(request, ctx.duty.user_id),
        "days": days,
        "form": {"code": code, "phone": phone},
        "error": "",
        "errors": {},
        "now": now_of(request),
        "lead": bookings.BOOKING_LEAD,
    }


@routes.post("/kiosk/reception/manage")
async def manage_find(request: web.Request) -> web.Response:
    require_kiosk(request)
    form = await read_form(request)
    code, phone = str(form.get("code", "")), str(form.get("phone", ""))
    try:
        context = await _manage_context(request, code, phone)
    except HubError as exc:
        context = {"booking": None, "form": form, "days": [], "slot": None, "official": "", **_error_context(exc)}
        return _render(request, "kiosk_manage.html", context, status=exc.status)
    return _render(request, "kiosk_manage.html", context)


@routes.post("/kiosk/reception/manage/cancel")
async def manage_cancel(request: web.Request) -> web.Response:
    kiosk = require_kiosk(request)
    form = await read_form(request)
    code, phone = str(form.get("code", "")), str(form.get("phone", ""))
    try:
        async with db_of(request).transaction() as s:
            await bookings.cancel(s, kiosk, code, phone, now_of(request))
        context = await _manage_context(request, code, phone)
        context["done"] = N_("Your booking is cancelled.")
    except HubError as exc:
        context = {"booking": None, "form": form, "days": [], "slot": None, "official": "", **_error_context(exc)}
        return _render(request, "kiosk_manage.html", context, status=exc.status)
    return _render(request, "kiosk_manage.html", context)


@routes.post("/kiosk/reception/manage/rebook")
async def manage_rebook(request: web.Request) -> web.Response:
    kiosk = require_kiosk(request)
    form = await read_form(request)
    code, phone = str(form.get("code", "")), str(form.get("phone", ""))
    slot_raw = str(form.get("slot_id", ""))
    try:
        if not slot_raw.isdigit():
            raise BadRequest("bad_slot", N_("Choose a time."))
        async with db_of(request).transaction() as s:
            booking = await bookings.rebook(s, kiosk, code, phone, int(slot_raw), now_of(request), request.app[LIMITS])
            ctx = await bookings.slot_context(s, booking.slot_id)
    except HubError as exc:
        try:
            context = {**await _manage_context(request, code, phone), **_error_context(exc)}
        except HubError:
            context = {"booking": None, "form": form, "days": [], "slot": None, "official": "", **_error_context(exc)}
        return _render(request, "kiosk_manage.html", context, status=exc.status)
    official = await _official_name(request, ctx.duty.user_id)
    return _render(request, "kiosk_receipt.html", {"booking": booking, "slot": ctx.slot, "official": official, "rebooked": True})


@routes.get("/kiosk/reception/status")
@aiohttp_jinja2.template("schedule/kiosk_status.html")
async def status_form(request: web.Request) -> dict[str, Any]:
    require_kiosk(request)
    return {"stage": None, "form": {}, "error": "", "errors": {}}


@routes.post("/kiosk/reception/status")
async def status_lookup(request: web.Request) -> web.Response:
    require_kiosk(request)
    form = await read_form(request)
    try:
        async with db_of(request).transaction(write=False) as s:
            stage = await stages.stage_of(s, str(form.get("code", "")), str(form.get("secret", "")))
    except HubError as exc:
        return _render(request, "kiosk_status.html", {"stage": None, "form": form, **_error_context(exc)}, status=exc.status)
    return _render(request, "kiosk_status.html", {"stage": stage, "form": {}, "error": "", "errors": {}})


# --- talk now ----------------------------------------------------------------------------------------------------


@routes.get("/kiosk/reception/now")
@aiohttp_jinja2.template("schedule/kiosk_now.html")
async def now_page(request: web.Request) -> dict[str, Any]:
    require_kiosk(request)
    async with db_of(request).transaction(write=False) as s:
        officials = await queue.on_duty(s, now_of(request))
    return {"officials": officials, "error": ""}


@routes.post("/kiosk/reception/now")
async def now_join(request: web.Request) -> web.Response:
    kiosk = require_kiosk(request)
    form = await read_form(request)
    raw = str(form.get("official_id", ""))
    try:
        if not raw.isdigit():
            raise BadRequest("bad_official", N_("Choose an official."))
        async with db_of(request).transaction() as s:
            ticket = await queue.join(s, kiosk, int(raw), str(form.get("name", "")), now_of(request))
    except HubError as exc:
        async with db_of(request).transaction(write=False) as s:
            officials = await queue.on_duty(s, now_of(request))
        return _render(request, "kiosk_now.html", {"officials": officials, "error": exc.message}, status=exc.status)
    raise web.HTTPSeeOther(f"/kiosk/reception/queue/{ticket.token}")


@routes.get("/kiosk/reception/queue/{token}")
async def queue_page(request: web.Request) -> web.Response:
    require_kiosk(request)
    async with db_of(request).transaction(write=False) as s:
        ticket = await queue.by_token(s, request.match_info["token"])
        place = await queue.place_of(s, ticket, now_of(request))
    official = await _official_name(request, ticket.official_id)
    return _render(request, "kiosk_queue.html", {"ticket": ticket, "place": place, "official": official})


@routes.get("/api/v1/kiosk/queue/{token}")
async def queue_api(request: web.Request) -> web.Response:
    require_kiosk(request)
    async with db_of(request).transaction(write=False) as s:
        ticket = await queue.by_token(s, request.match_info["token"])
        place = await queue.place_of(s, ticket, now_of(request))
    return web.json_response(
        {"status": place.status.value, "place": place.place, "wait_minutes": place.wait_minutes, "join_url": place.join_url}
    )


@routes.post("/kiosk/reception/queue/{token}/leave")
async def queue_leave(request: web.Request) -> web.Response:
    require_kiosk(request)
    async with db_of(request).transaction() as s:
        ticket = await queue.by_token(s, request.match_info["token"])
        await queue.leave(s, ticket, now_of(request))
    raise web.HTTPSeeOther("/kiosk/reception")


# --- booked call: the kiosk waits for the official -----------------------------------------------------------------


@routes.get("/api/v1/kiosk/bookings/{code}")
async def booking_call_api(request: web.Request) -> web.Response:
    """The kiosk's receipt page polls this at the booked time: has the official opened the call?"""
    kiosk = require_kiosk(request)
    code = receipts.normalise_code(request.match_info["code"])
    async with db_of(request).transaction(write=False) as s:
        booking = await s.scalar(select(Booking).where(Booking.code == code))
    # only the kiosk that made the booking learns anything about it
    if booking is None or booking.kiosk_device_id is None or booking.kiosk_device_id != kiosk.device_id:
        raise web.HTTPNotFound()
    return web.json_response({"status": booking.status.value, "join_url": booking.join_url})


# --- written petition ------------------------------------------------------------------------------------------------


def _file_context(form: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"kinds": list(PetitionKind), "form": form or {}, "error": "", "errors": {}, "max_photos": filings.MAX_PHOTOS}


@routes.get("/kiosk/reception/file")
@aiohttp_jinja2.template("schedule/kiosk_file.html")
async def file_form(request: web.Request) -> dict[str, Any]:
    require_kiosk(request)
    return _file_context()


async def _read_filing(request: web.Request) -> tuple[dict[str, str], list[bytes]]:
    """Fields and photographs (``request.post()``: the CSRF check may have read the body already, and it caches)."""
    try:
        posted = await request.post()
    except ValueError:
        raise BadRequest("malformed_form", N_("The form could not be read.")) from None
    fields: dict[str, str] = {}
    photos: list[bytes] = []
    for key, value in posted.items():
        if isinstance(value, str):
            fields[key] = value[:20000]
        elif key == "photo" and isinstance(value, web.FileField):
            data = await asyncio.to_thread(value.file.read, filings.MAX_PHOTO_BYTES + 1)
            if len(data) > filings.MAX_PHOTO_BYTES:
                raise Invalid("photo_too_large", N_("A photograph is too large (at most 6 MB)."))
            if data:
                photos.append(data)
    if len(photos) > filings.MAX_PHOTOS:
        raise Invalid("too_many_photos", N_("At most 8 photographs."))
    return fields, photos


@routes.post("/kiosk/reception/file")
async def file_submit(request: web.Request) -> web.Response:
    kiosk = require_kiosk(request)
    form: dict[str, str] = {}
    try:
        form, photos = await _read_filing(request)
        kind_raw = form.get("kind", "")
        if kind_raw not in {k.value for k in PetitionKind}:
            raise Invalid(
                "bad_kind", N_("Choose what kind of matter this is."), fields={"kind": N_("Choose what kind of matter this is.")}
            )
        data = filings.check(
            filings.FilingIn(
                summary=form.get("summary", ""),
                kind=PetitionKind(kind_raw),
                anonymous=form.get("anonymous") in ("1", "on", "true"),
                name=form.get("name", ""),
                phone=form.get("phone", ""),
                accused_name=form.get("accused_name", ""),
            )
        )
        types = [filings.photo_type(p) for p in photos]
        store = request.app[STORE]
        # photos carry no label that points back to the kiosk
        signed = [await store.put(p, FileKind.ATTACHMENT, t) for p, t in zip(photos, types, strict=True)]
        async with db_of(request).transaction() as s:
            for m in signed:
                await store_service.record_closed(
                    s, m, actor=kiosk.audit if not data.anonymous else Actor(kind="anonymous").audit
                )
            filed = await filings.file_petition(
                s, request.app[CASES], kiosk, data, [m.manifest.file_id for m in signed], now_of(request)
            )
    except (Invalid, Conflict, BadRequest, Forbidden) as exc:
        context = {**_file_context({k: v for k, v in form.items() if k != "csrf_token"}), **_error_context(exc)}
        return _render(request, "kiosk_file.html", context, status=exc.status)
    return _render(
        request,
        "kiosk_filed.html",
        {
            "code": filed.filing.code,
            "pin": filed.pin,
            "anonymous": data.anonymous,
            "number": filed.petition.number,
            "photos": len(photos),
        },
    )
