""" "Talk now": the queue of the official on duty. A kiosk holds a ticket token, sees its place and waiting time,
and is called in when the official opens the call."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.auth.interface import User
from hub.clock import LOCAL_TZ
from hub.errors import Conflict, Forbidden, NotFound
from hub.i18n import N_
from hub.schedule.calls import CallOpener, ReceptionCall
from hub.schedule.models import Duty, QueueTicket, ReceptionSlot, Rotation, RotationStatus, TicketStatus

OPEN_EARLY = dt.timedelta(minutes=30)  # the queue opens this long before the first slot of the day
DEFAULT_CALL = dt.timedelta(minutes=15)  # assumed length of a call until the day has real ones
MAX_WAITING = 20  # per official: beyond this the petitioner is asked to book a slot instead


@dataclass(frozen=True)
class OnDuty:
    user_id: int
    name: str
    duty_id: int
    room_id: int | None
    until: dt.datetime
    waiting: int


async def on_duty(session: AsyncSession, now: dt.datetime) -> list[OnDuty]:
    """Officials of a published rotation receiving now (from a little before their first slot to their last's end)."""
    today = now.astimezone(LOCAL_TZ).date()
    rows = (
        await session.execute(
            select(
                Duty.id,
                Duty.user_id,
                User.display_name,
                Duty.room_id,
                func.min(ReceptionSlot.starts_at),
                func.max(ReceptionSlot.ends_at),
            )
            .join(Rotation, Rotation.id == Duty.rotation_id)
            .join(User, User.id == Duty.user_id)
            .join(ReceptionSlot, ReceptionSlot.duty_id == Duty.id)
            .where(Duty.day == today, Rotation.status == RotationStatus.PUBLISHED)
            .group_by(Duty.id, Duty.user_id, User.display_name, Duty.room_id)
            .order_by(Duty.id)
        )
    ).all()
    found = []
    for duty_id, uid, name, room_id, first, last in rows:
        if first - OPEN_EARLY <= now < last:
            waiting = await session.scalar(
                select(func.count())
                .select_from(QueueTicket)
                .where(QueueTicket.official_id == uid, QueueTicket.status == TicketStatus.WAITING)
            )
            found.append(OnDuty(uid, name, duty_id, room_id, last, int(waiting or 0)))
    return found


async def join(session: AsyncSession, kiosk: Actor, official_id: int, name: str, now: dt.datetime) -> QueueTicket:
    duty = next((d for d in await on_duty(session, now) if d.user_id == official_id), None)
    if duty is None:
        raise Conflict("not_on_duty", N_("This official is not receiving now. Please book a time instead."))
    if duty.waiting >= MAX_WAITING:
        raise Conflict("queue_full", N_("The queue is long. Please book a time instead."))
    if kiosk.device_id is not None:
        # one kiosk seats one petitioner: a new ticket replaces what the previous person left behind
        for old in (
            await session.scalars(
                select(QueueTicket).where(
                    QueueTicket.kiosk_device_id == kiosk.device_id, QueueTicket.status == TicketStatus.WAITING
                )
            )
        ).all():
            old.status, old.finished_at = TicketStatus.LEFT, now
    ticket = QueueTicket(
        token=secrets.token_urlsafe(32),
        official_id=official_id,
        name=" ".join(name.split())[:80],
        township_id=kiosk.township_id,
        kiosk_device_id=kiosk.device_id,
        kiosk_room_id=getattr(kiosk, "room_id", None),
        status=TicketStatus.WAITING,
        created_at=now,
    )
    session.add(ticket)
    await session.flush()
    await audit.record(session, kiosk.audit, "queue.join", "queue_ticket", ticket.id, {"official": official_id}, at=now)
    return ticket


async def by_token(session: AsyncSession, token: str) -> QueueTicket:
    ticket = await session.scalar(select(QueueTicket).where(QueueTicket.token == token)) if 20 <= len(token) <= 43 else None
    if ticket is None:
        raise NotFound("queue_ticket", N_("This place in the queue no longer exists."))
    return ticket


async def average_call(session: AsyncSession, official_id: int, now: dt.datetime) -> dt.timedelta:
    rows = (
        await session.execute(
            select(QueueTicket.called_at, QueueTicket.finished_at).where(
                QueueTicket.official_id == official_id,
                QueueTicket.status == TicketStatus.DONE,
                QueueTicket.finished_at > now - dt.timedelta(days=30),
            )
        )
    ).all()
    spans = [f - c for c, f in rows if c and f and f > c]
    return sum(spans, dt.timedelta()) / len(spans) if spans else DEFAULT_CALL


@dataclass(frozen=True)
class Place:
    status: TicketStatus
    place: int  # 1: next to be called; 0 when no longer waiting
    wait_minutes: int
    join_url: str


async def place_of(session: AsyncSession, ticket: QueueTicket, now: dt.datetime) -> Place:
    if ticket.status is not TicketStatus.WAITING:
        return Place(ticket.status, 0, 0, ticket.join_url)
    ahead = await session.scalar(
        select(func.count())
        .select_from(QueueTicket)
        .where(
            QueueTicket.official_id == ticket.official_id, QueueTicket.status == TicketStatus.WAITING, QueueTicket.id < ticket.id
        )
    )
    place = int(ahead or 0) + 1
    average = await average_call(session, ticket.official_id, now)
    return Place(ticket.status, place, round(average.total_seconds() * (place - 1) / 60), "")


async def leave(session: AsyncSession, ticket: QueueTicket, now: dt.datetime) -> None:
    if ticket.status is TicketStatus.WAITING:
        ticket.status, ticket.finished_at = TicketStatus.LEFT, now
        await session.flush()


async def waiting_for(session: AsyncSession, official_id: int) -> list[QueueTicket]:
    stmt = select(QueueTicket).where(
        QueueTicket.official_id == official_id, QueueTicket.status.in_([TicketStatus.WAITING, TicketStatus.CALLED])
    )
    return list((await session.scalars(stmt.order_by(QueueTicket.id))).all())


async def call_in(session: AsyncSession, calls: CallOpener, official: Actor, ticket_id: int, now: dt.datetime) -> QueueTicket:
    """The official calls a waiting petitioner in: the kiosk is brought into the official's reception room."""
    ticket = await session.get(QueueTicket, ticket_id)
    if ticket is None or ticket.official_id != official.user_id:
        raise NotFound("queue_ticket")
    if ticket.status is not TicketStatus.WAITING:
        raise Conflict("not_waiting", N_("This petitioner is no longer waiting."))
    duty = next((d for d in await on_duty(session, now) if d.user_id == official.user_id), None)
    link = await calls.open_reception(
        session,
        ReceptionCall(
            official=official,
            title="视频接访（现场排队）",  # shown on the kiosk screen: no name, no code
            kiosk_room_id=ticket.kiosk_room_id,
            county_room_id=duty.room_id if duty else None,
            planned_start=now,
            planned_end=now + DEFAULT_CALL * 2,
        ),
        now,
    )
    ticket.status, ticket.called_at = TicketStatus.CALLED, now
    if link is not None:
        ticket.room_session_ref, ticket.join_url, ticket.host_url = link.ref, link.guest_url, link.host_url
    await session.flush()
    await audit.record(
        session, official.audit, "queue.call", "queue_ticket", ticket.id, {"room_session": ticket.room_session_ref}, at=now
    )
    return ticket


async def finish(
    session: AsyncSession, official: Actor, ticket_id: int, now: dt.datetime, petition_id: int | None = None
) -> QueueTicket:
    ticket = await session.get(QueueTicket, ticket_id)
    if ticket is None or ticket.official_id != official.user_id:
        raise NotFound("queue_ticket")
    if ticket.status not in (TicketStatus.CALLED, TicketStatus.WAITING):
        raise Forbidden("not_allowed", N_("This petitioner is no longer waiting."))
    ticket.status, ticket.finished_at = TicketStatus.DONE, now
    if petition_id is not None:
        ticket.petition_id = petition_id
    await session.flush()
    return ticket
