"""Kiosk bookings: a place in a published slot, a receipt code, cancel and rebook, and the public stage lookup.

A place is taken with one conditional UPDATE (``booked = booked + 1 WHERE booked < capacity``): PostgreSQL locks the
row, SQLite serialises writers (BEGIN IMMEDIATE), so of two kiosks racing for the last place exactly one changes a
row and the other is told the slot is full.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.errors import Conflict, Invalid, NotFound, TooManyRequests
from hub.i18n import N_
from hub.schedule.models import Booking, BookingStatus, Duty, ReceptionSlot, Rotation, RotationStatus
from hub.schedule.receipts import CODE_DIGITS, clean_name, normalise_code, normalise_phone, unique_code

BOOKING_LEAD = dt.timedelta(minutes=5)  # a slot starting sooner than this can no longer be booked


@dataclass(frozen=True)
class BookingLimits:
    """Enough to stop a flood, not enough to trouble an honest petitioner (one or two matters, maybe a rebooking)."""

    active_per_phone: int = 2  # future bookings held at once by one number
    per_phone_per_day: int = 6  # bookings made (including later cancelled) by one number in 24 hours
    per_kiosk_per_hour: int = 12  # one kiosk serves one person at a time; 12 an hour is more than a queue can make


@dataclass(frozen=True)
class SlotContext:
    slot: ReceptionSlot
    duty: Duty
    rotation: Rotation


async def slot_context(session: AsyncSession, slot_id: int) -> SlotContext:
    row = (
        await session.execute(
            select(ReceptionSlot, Duty, Rotation)
            .join(Duty, Duty.id == ReceptionSlot.duty_id)
            .join(Rotation, Rotation.id == Duty.rotation_id)
            .where(ReceptionSlot.id == slot_id)
        )
    ).first()
    if row is None:
        raise NotFound("slot", N_("This time slot does not exist."))
    return SlotContext(*row)


def _check_bookable(ctx: SlotContext, now: dt.datetime) -> None:
    if ctx.rotation.status is not RotationStatus.PUBLISHED:
        raise Conflict("unpublished", N_("This reception rotation has not been published yet; it cannot be booked."))
    if ctx.slot.starts_at <= now + BOOKING_LEAD:
        raise Conflict("past", N_("This time has already passed or starts too soon. Please choose a later time."))


async def _check_limits(
    session: AsyncSession,
    limits: BookingLimits,
    phone: str,
    device_id: int | None,
    now: dt.datetime,
    *,
    ignore: int | None = None,
) -> None:
    active = (
        select(func.count())
        .select_from(Booking)
        .join(ReceptionSlot, ReceptionSlot.id == Booking.slot_id)
        .where(Booking.phone == phone, Booking.status == BookingStatus.BOOKED, ReceptionSlot.starts_at > now)
    )
    if ignore is not None:
        active = active.where(Booking.id != ignore)
    if (await session.scalar(active) or 0) >= limits.active_per_phone:
        raise TooManyRequests(
            N_("This phone number already holds the most bookings allowed. Cancel one, or come to the appointment you have."),
            retry_after=3600,
        )
    made = (
        select(func.count()).select_from(Booking).where(Booking.phone == phone, Booking.created_at > now - dt.timedelta(days=1))
    )
    if (await session.scalar(made) or 0) >= limits.per_phone_per_day:
        raise TooManyRequests(N_("Too many bookings with this phone number today. Please try again tomorrow."), retry_after=86400)
    if device_id is not None:
        recent = (
            select(func.count())
            .select_from(Booking)
            .where(Booking.kiosk_device_id == device_id, Booking.created_at > now - dt.timedelta(hours=1))
        )
        if (await session.scalar(recent) or 0) >= limits.per_kiosk_per_hour:
            raise TooManyRequests(
                N_("This kiosk has made too many bookings in the last hour. Please wait a while."), retry_after=600
            )


async def _take_place(session: AsyncSession, slot_id: int) -> bool:
    """The race is decided here: one statement, one row, one winner."""
    result = await session.execute(
        update(ReceptionSlot)
        .where(ReceptionSlot.id == slot_id, ReceptionSlot.booked < ReceptionSlot.capacity)
        .values(booked=ReceptionSlot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


async def _give_back(session: AsyncSession, slot_id: int) -> None:
    await session.execute(
        update(ReceptionSlot)
        .where(ReceptionSlot.id == slot_id, ReceptionSlot.booked > 0)
        .values(booked=ReceptionSlot.booked - 1)
        .execution_options(synchronize_session=False)
    )


async def book(
    session: AsyncSession, actor: Actor, slot_id: int, name: str, phone: str, now: dt.datetime, limits: BookingLimits
) -> Booking:
    """A petitioner at a kiosk books a place. ``actor`` is the kiosk (or staff booking on someone's behalf)."""
    name, phone = clean_name(name), normalise_phone(phone)
    ctx = await slot_context(session, slot_id)
    _check_bookable(ctx, now)
    await _check_limits(session, limits, phone, actor.device_id, now)
    same = await session.scalar(
        select(Booking.id).where(Booking.slot_id == slot_id, Booking.phone == phone, Booking.status == BookingStatus.BOOKED)
    )
    if same is not None:
        raise Conflict("already_booked", N_("This phone number has already booked this time."))
    if not await _take_place(session, slot_id):
        raise Conflict("full", N_("Sorry, this time slot has just been fully booked. Please choose another."))
    booking = Booking(
        code=await unique_code(session),
        slot_id=slot_id,
        name=name,
        phone=phone,
        status=BookingStatus.BOOKED,
        kiosk_device_id=actor.device_id,
        kiosk_room_id=getattr(actor, "room_id", None),
        township_id=actor.township_id,
        created_at=now,
    )
    session.add(booking)
    await session.flush()
    # no name or phone in the audit chain: it cannot be erased, and the booking row holds them
    await audit.record(session, actor.audit, "booking.create", "booking", booking.id, {"slot": slot_id}, at=now)
    return booking


async def find(session: AsyncSession, code: str, phone: str) -> Booking:
    """The booking with this receipt code and phone number; one message for any mismatch (no probing)."""
    code = normalise_code(code)
    try:
        phone = normalise_phone(phone)
    except Invalid:
        raise NotFound("booking", N_("No booking or petition matches this receipt code and phone number.")) from None
    booking = await session.scalar(select(Booking).where(Booking.code == code)) if len(code) == CODE_DIGITS else None
    if booking is None or not hmac.compare_digest(booking.phone, phone):
        raise NotFound("booking", N_("No booking or petition matches this receipt code and phone number."))
    return booking


async def cancel(session: AsyncSession, actor: Actor, code: str, phone: str, now: dt.datetime) -> Booking:
    booking = await find(session, code, phone)
    if booking.status is not BookingStatus.BOOKED:
        raise Conflict("not_active", N_("This booking is no longer active."))
    slot = await session.get(ReceptionSlot, booking.slot_id)
    if slot is not None and slot.starts_at <= now:
        raise Conflict("past", N_("This time has already passed or starts too soon. Please choose a later time."))
    booking.status, booking.cancelled_at = BookingStatus.CANCELLED, now
    await _give_back(session, booking.slot_id)
    await session.flush()
    await audit.record(session, actor.audit, "booking.cancel", "booking", booking.id, {}, at=now)
    return booking


async def rebook(
    session: AsyncSession, actor: Actor, code: str, phone: str, slot_id: int, now: dt.datetime, limits: BookingLimits
) -> Booking:
    """Move a booking to another slot: the new place is taken first, so a full slot leaves the old booking intact."""
    old = await find(session, code, phone)
    if old.status is not BookingStatus.BOOKED:
        raise Conflict("not_active", N_("This booking is no longer active."))
    if old.slot_id == slot_id:
        return old
    ctx = await slot_context(session, slot_id)
    _check_bookable(ctx, now)
    await _check_limits(session, limits, old.phone, actor.device_id, now, ignore=old.id)
    if not await _take_place(session, slot_id):
        raise Conflict("full", N_("Sorry, this time slot has just been fully booked. Please choose another."))
    await _give_back(session, old.slot_id)
    previous = old.slot_id
    old.slot_id = slot_id
    await session.flush()
    await audit.record(session, actor.audit, "booking.rebook", "booking", old.id, {"from": previous, "to": slot_id}, at=now)
    return old
