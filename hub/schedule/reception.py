"""The official's side of a booking: the day's list, the call at the booked time, and the intake that registers the
petition (信访件) in case tracking, linked to the booking and its recording."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.cases.interface import CaseContext, Petition, PetitionChannel, PetitionIn, PetitionKind, register_petition
from hub.errors import Conflict, NotFound
from hub.i18n import N_
from hub.org.interface import OfficeCode
from hub.rooms.interface import Recording
from hub.schedule.calls import CallLink, CallOpener, ReceptionCall
from hub.schedule.models import Booking, BookingStatus, Duty, QueueTicket, ReceptionSlot, TicketStatus
from hub.store.interface import FileKind
from hub.store.interface import service as store_service

CALL_OPENS = dt.timedelta(minutes=10)  # the official may start the call this long before the slot
CALL_CLOSES = dt.timedelta(minutes=30)  # ... and up to this long after the slot's end


@dataclass
class BookingView:
    booking: Booking
    slot: ReceptionSlot
    duty: Duty

    @property
    def official_id(self) -> int:
        return self.duty.user_id


async def load(session: AsyncSession, policy: Policy, actor: Actor, booking_id: int) -> BookingView:
    row = (
        await session.execute(
            select(Booking, ReceptionSlot, Duty)
            .join(ReceptionSlot, ReceptionSlot.id == Booking.slot_id)
            .join(Duty, Duty.id == ReceptionSlot.duty_id)
            .where(Booking.id == booking_id)
        )
    ).first()
    if row is None:
        raise NotFound("booking")
    view = BookingView(*row)
    view.booking.official_id = view.duty.user_id  # type: ignore[attr-defined]  # read by BookingRule
    policy.require(actor, "view", view.booking)
    return view


async def bookings_of(
    session: AsyncSession, policy: Policy, actor: Actor, start: dt.datetime, end: dt.datetime, *, only_mine: bool = False
) -> list[BookingView]:
    stmt = (
        select(Booking, ReceptionSlot, Duty)
        .join(ReceptionSlot, ReceptionSlot.id == Booking.slot_id)
        .join(Duty, Duty.id == ReceptionSlot.duty_id)
        .where(policy.where(actor, "view", Booking), ReceptionSlot.starts_at >= start, ReceptionSlot.starts_at < end)
        .where(Booking.status != BookingStatus.CANCELLED)
        .order_by(ReceptionSlot.starts_at, Booking.id)
    )
    if only_mine:
        stmt = stmt.where(Duty.user_id == actor.user_id)
    return [BookingView(*row) for row in (await session.execute(stmt)).all()]


def call_window_open(slot: ReceptionSlot, now: dt.datetime) -> bool:
    return slot.starts_at - CALL_OPENS <= now <= slot.ends_at + CALL_CLOSES


async def start_call(
    session: AsyncSession, policy: Policy, calls: CallOpener, actor: Actor, booking_id: int, now: dt.datetime
) -> tuple[BookingView, CallLink | None]:
    """At the booked time the official brings the kiosk into the reception room (the rooms part does the linking)."""
    view = await load(session, policy, actor, booking_id)
    if view.official_id != actor.user_id:
        raise Conflict("not_yours", N_("Only the official the petitioner chose receives this booking."))
    if view.booking.status not in (BookingStatus.BOOKED, BookingStatus.IN_CALL):
        raise Conflict("not_active", N_("This booking is no longer active."))
    if not call_window_open(view.slot, now):
        raise Conflict("not_now", N_("The call can start from ten minutes before the booked time."))
    link = None
    if not view.booking.room_session_ref:
        link = await calls.open_reception(
            session,
            ReceptionCall(
                official=actor,
                # the title shows on the kiosk screen: never the receipt code (issue 14, finding 11)
                title="视频接访（预约）",
                kiosk_room_id=view.booking.kiosk_room_id,
                county_room_id=view.duty.room_id,
                planned_start=view.slot.starts_at,
                planned_end=view.slot.ends_at,
            ),
            now,
        )
        if link is not None:
            view.booking.room_session_ref, view.booking.join_url, view.booking.host_url = link.ref, link.guest_url, link.host_url
    view.booking.status = BookingStatus.IN_CALL
    await session.flush()
    await audit.record(
        session, actor.audit, "booking.call", "booking", view.booking.id, {"room_session": view.booking.room_session_ref}, at=now
    )
    return view, link


def registers_petitions(ctx: CaseContext, actor: Actor) -> bool:
    """Case tracking lets the petition office and the main leader register petitions (hub.cases.intake)."""
    return actor.is_main_leader or ctx.offices.office_of(actor) is OfficeCode.PETITION


def may_record_intake(ctx: CaseContext, actor: Actor, official_id: int) -> bool:
    """The receiving official records the intake when they may register petitions; when a deputy leader receives,
    the petition office (who plans and sees every booking) records it for them."""
    if not registers_petitions(ctx, actor):
        return False
    return actor.user_id == official_id or ctx.offices.office_of(actor) is OfficeCode.PETITION


@dataclass(frozen=True)
class IntakeIn:
    kind: PetitionKind
    summary: str
    accused_name: str = ""
    recording_ref: str = ""


async def record_intake(
    session: AsyncSession, ctx: CaseContext, actor: Actor, booking_id: int, data: IntakeIn, now: dt.datetime
) -> Petition:
    """The official's intake form creates the petition; its deadlines start running in case tracking."""
    view = await load(session, ctx.policy, actor, booking_id)
    booking = view.booking
    if not may_record_intake(ctx, actor, view.official_id):
        raise Conflict("not_yours", N_("Only the official the petitioner chose receives this booking."))
    if booking.petition_id is not None:
        raise Conflict("recorded", N_("The intake of this booking is recorded already."))
    if booking.status not in (BookingStatus.BOOKED, BookingStatus.IN_CALL):
        raise Conflict("not_active", N_("This booking is no longer active."))
    petition = await register_petition(
        session,
        ctx,
        actor,
        PetitionIn(
            channel=PetitionChannel.KIOSK,
            kind=data.kind,
            summary=data.summary,
            petitioner_name=booking.name,
            petitioner_contact=booking.phone,
            accused_name=data.accused_name,
            township_id=booking.township_id,
            intake_ref=booking.code,
        ),
        now,
    )
    booking.petition_id = petition.id
    await bind_recordings(session, booking.room_session_ref, petition.id)
    booking.status = BookingStatus.RECEIVED
    booking.recording_ref = data.recording_ref or await recording_of(session, booking)
    await session.flush()
    await audit.record(session, actor.audit, "booking.intake", "booking", booking.id, {"petition": petition.id}, at=now)
    return petition


async def record_queue_intake(
    session: AsyncSession, ctx: CaseContext, actor: Actor, ticket_id: int, data: IntakeIn, now: dt.datetime
) -> Petition:
    """The intake of a "talk now" call: the same petition record, without a booking (the name is optional)."""
    ticket = await session.get(QueueTicket, ticket_id)
    if ticket is None or ticket.official_id != actor.user_id:
        raise NotFound("queue_ticket")
    if ticket.petition_id is not None:
        raise Conflict("recorded", N_("The intake of this booking is recorded already."))
    if ticket.status not in (TicketStatus.CALLED, TicketStatus.WAITING):
        raise Conflict("not_waiting", N_("This petitioner is no longer waiting."))
    petition = await register_petition(
        session,
        ctx,
        actor,
        PetitionIn(
            channel=PetitionChannel.KIOSK,
            kind=data.kind,
            summary=data.summary,
            petitioner_name=ticket.name or None,
            accused_name=data.accused_name,
            township_id=ticket.township_id,
            intake_ref=f"Q{ticket.id}",
        ),
        now,
    )
    ticket.petition_id, ticket.status, ticket.finished_at = petition.id, TicketStatus.DONE, now
    await bind_recordings(session, ticket.room_session_ref, petition.id)
    await session.flush()
    await audit.record(session, actor.audit, "queue.intake", "queue_ticket", ticket.id, {"petition": petition.id}, at=now)
    return petition


async def bind_recordings(session: AsyncSession, room_session_ref: str, petition_id: int) -> None:
    """The reception call's recording names the petition its intake registered (shown on the petition's page)."""
    if room_session_ref.isdigit():
        await session.execute(
            update(Recording)
            .where(Recording.room_session_id == int(room_session_ref), Recording.petition_id.is_(None))
            .values(petition_id=petition_id)
        )


async def recording_of(session: AsyncSession, booking: Booking) -> str:
    """The stored recording of the booking's call, if the recorder made one (its first file's id)."""
    if not booking.room_session_ref.isdigit():
        return ""
    files = await store_service.files_of_room_session(session, int(booking.room_session_ref))
    recordings = [f.id for f in files if f.kind is FileKind.RECORDING]
    return recordings[0] if recordings else ""


async def mark_no_show(session: AsyncSession, policy: Policy, actor: Actor, booking_id: int, now: dt.datetime) -> Booking:
    view = await load(session, policy, actor, booking_id)
    if view.booking.status is not BookingStatus.BOOKED or now < view.slot.ends_at:
        raise Conflict("not_now", N_("A booking is marked as missed only after its time has passed."))
    view.booking.status = BookingStatus.NO_SHOW
    await session.flush()
    await audit.record(session, actor.audit, "booking.no_show", "booking", view.booking.id, {}, at=now)
    return view.booking
