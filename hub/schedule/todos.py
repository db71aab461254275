"""What the schedule puts on a person's to-do list: today's remote interviews they take part in or arranged, and
today's booked receptions of their duty."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.clock import LOCAL_TZ, to_local
from hub.http.keys import TodoItem
from hub.i18n import N_
from hub.schedule.models import Booking, BookingStatus, Duty, Interview, InterviewParticipant, InterviewStatus, ReceptionSlot

SHOWN = 8


async def schedule_todos(app: web.Application, s: AsyncSession, actor: Actor, now: dt.datetime) -> list[TodoItem]:
    if not actor.is_staff or actor.is_admin or actor.user_id is None:
        return []
    today = to_local(now).date()
    start = dt.datetime.combine(today, dt.time(0), LOCAL_TZ).astimezone(dt.UTC)
    end = start + dt.timedelta(days=1)
    todos: list[TodoItem] = []
    takes_part = select(InterviewParticipant.interview_id).where(InterviewParticipant.user_id == actor.user_id)
    interviews = (
        await s.scalars(
            select(Interview)
            .where(
                Interview.status == InterviewStatus.SCHEDULED,
                Interview.starts_at >= start,
                Interview.starts_at < end,
                or_(Interview.created_by == actor.user_id, Interview.id.in_(takes_part)),
            )
            .order_by(Interview.starts_at)
        )
    ).all()
    if interviews:
        todos.append(
            TodoItem(
                N_("Interviews today"),
                len(interviews),
                "/schedule/interviews",
                order=50,
                items=tuple(
                    (f"{to_local(i.starts_at).strftime('%H:%M')} {i.title}（{i.interviewee_name}）", "/schedule/interviews")
                    for i in interviews[:SHOWN]
                ),
            )
        )
    booked = (
        await s.execute(
            select(Booking.id, Booking.name, ReceptionSlot.starts_at)
            .join(ReceptionSlot, ReceptionSlot.id == Booking.slot_id)
            .join(Duty, Duty.id == ReceptionSlot.duty_id)
            .where(
                Duty.user_id == actor.user_id,
                Booking.status == BookingStatus.BOOKED,
                ReceptionSlot.starts_at >= start,
                ReceptionSlot.starts_at < end,
            )
            .order_by(ReceptionSlot.starts_at)
        )
    ).all()
    if booked:
        todos.append(
            TodoItem(
                N_("Receptions booked today"),
                len(booked),
                "/schedule/mine",
                order=60,
                items=tuple(
                    (f"{to_local(b.starts_at).strftime('%H:%M')} {b.name}", f"/schedule/bookings/{b.id}") for b in booked[:SHOWN]
                ),
            )
        )
    return todos
