"""Building, editing and publishing (公示) a reception rotation. Services take a session and never commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.auth.interface import User
from hub.cases.interface import HolidayCalendar
from hub.clock import LOCAL_TZ
from hub.errors import Conflict, Forbidden, Invalid, NotFound
from hub.i18n import N_
from hub.schedule import rotation_planner as planner
from hub.schedule.models import (
    Booking,
    BookingStatus,
    Duty,
    Interview,
    InterviewParticipant,
    InterviewStatus,
    Leave,
    MemberKind,
    Notification,
    ReceptionSlot,
    RosterMember,
    Rotation,
    RotationChange,
    RotationStatus,
)
from hub.schedule.rules import Planners

MAX_DAYS = 186  # half a year: a rotation is posted for a season, not forever


@dataclass(frozen=True)
class RotationSpec:
    title: str
    starts_on: dt.date
    ends_on: dt.date
    slot_times: str
    capacity: int
    leaders_per_day: int = 1
    staff_per_day: int = 1


def local_dt(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, LOCAL_TZ).astimezone(dt.UTC)


def _require_planner(planners: Planners, actor: Actor) -> None:
    if not planners.may_plan(actor):
        raise Forbidden("not_allowed", N_("Only the petition office and the leaders plan the reception rotation."))


def _check_spec(spec: RotationSpec) -> list[planner.SlotTime]:
    errors: dict[str, str] = {}
    if spec.ends_on < spec.starts_on:
        errors["ends_on"] = N_("The end comes before the start.")
    elif (spec.ends_on - spec.starts_on).days > MAX_DAYS:
        errors["ends_on"] = N_("A rotation covers at most half a year.")
    slots: list[planner.SlotTime] = []
    try:
        slots = planner.parse_slot_times(spec.slot_times)
    except ValueError:
        errors["slot_times"] = N_("Give the time slots like 09:00-10:00, 10:00-11:00 (not overlapping).")
    if not 1 <= spec.capacity <= 50:
        errors["capacity"] = N_("Between 1 and 50 places per slot.")
    if errors:
        raise Invalid("invalid", "Some fields are not valid.", fields=errors)
    return slots


async def get_rotation(session: AsyncSession, rotation_id: int, *, for_update: bool = False) -> Rotation:
    rotation = await session.get(Rotation, rotation_id)
    if rotation is None:
        raise NotFound("rotation")
    return rotation


async def create_rotation(
    session: AsyncSession, planners: Planners, actor: Actor, spec: RotationSpec, now: dt.datetime
) -> Rotation:
    _require_planner(planners, actor)
    _check_spec(spec)
    rotation = Rotation(
        title=spec.title,
        starts_on=spec.starts_on,
        ends_on=spec.ends_on,
        status=RotationStatus.DRAFT,
        slot_times=spec.slot_times,
        capacity=spec.capacity,
        leaders_per_day=spec.leaders_per_day,
        staff_per_day=spec.staff_per_day,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(rotation)
    await session.flush()
    await audit.record(session, actor.audit, "rotation.create", "rotation", rotation.id, {"title": spec.title}, at=now)
    return rotation


async def set_roster(
    session: AsyncSession,
    planners: Planners,
    actor: Actor,
    rotation_id: int,
    members: Sequence[tuple[int, MemberKind]],
    now: dt.datetime,
) -> list[RosterMember]:
    _require_planner(planners, actor)
    rotation = await get_rotation(session, rotation_id)
    ids = [m[0] for m in members]
    if len(set(ids)) != len(ids):
        raise Invalid("invalid", "Some fields are not valid.", fields={"members": N_("An official is listed twice.")})
    found = set((await session.scalars(select(User.id).where(User.id.in_(ids), User.disabled.is_(False)))).all())
    if found != set(ids):
        raise Invalid("invalid", "Some fields are not valid.", fields={"members": N_("Choose active staff accounts.")})
    await session.execute(delete(RosterMember).where(RosterMember.rotation_id == rotation.id))
    rows = [RosterMember(rotation_id=rotation.id, user_id=uid, kind=kind, position=i) for i, (uid, kind) in enumerate(members)]
    session.add_all(rows)
    await session.flush()
    await audit.record(
        session, actor.audit, "rotation.roster", "rotation", rotation.id, {"members": [[u, k.value] for u, k in members]}, at=now
    )
    return rows


async def roster_of(session: AsyncSession, rotation_id: int) -> list[RosterMember]:
    stmt = select(RosterMember).where(RosterMember.rotation_id == rotation_id).order_by(RosterMember.position)
    return list((await session.scalars(stmt)).all())


async def busy_days(
    session: AsyncSession, user_ids: Iterable[int], start: dt.date, end: dt.date, *, skip_rotation: int
) -> set[tuple[int, dt.date]]:
    """(official, day) pairs on which an official cannot receive: leave, interviews, duties in other rotations."""
    ids = list(user_ids)
    busy: set[tuple[int, dt.date]] = set()
    leaves = await session.execute(
        select(Leave.user_id, Leave.starts_on, Leave.ends_on).where(
            Leave.user_id.in_(ids), Leave.starts_on <= end, Leave.ends_on >= start
        )
    )
    for uid, first, last in leaves:
        day = max(first, start)
        while day <= min(last, end):
            busy.add((uid, day))
            day += dt.timedelta(days=1)
    lo, hi = local_dt(start, dt.time(0)), local_dt(end + dt.timedelta(days=1), dt.time(0))
    interviews = await session.execute(
        select(InterviewParticipant.user_id, Interview.starts_at, Interview.ends_at)
        .join(Interview, Interview.id == InterviewParticipant.interview_id)
        .where(
            InterviewParticipant.user_id.in_(ids),
            Interview.status == InterviewStatus.SCHEDULED,
            Interview.starts_at < hi,
            Interview.ends_at > lo,
        )
    )
    for uid, starts, ends in interviews:
        day = starts.astimezone(LOCAL_TZ).date()
        while day <= (ends - dt.timedelta(microseconds=1)).astimezone(LOCAL_TZ).date():
            busy.add((uid, day))
            day += dt.timedelta(days=1)
    duties = await session.execute(
        select(Duty.user_id, Duty.day).where(
            Duty.user_id.in_(ids), Duty.day >= start, Duty.day <= end, Duty.rotation_id != skip_rotation
        )
    )
    busy.update((uid, day) for uid, day in duties)
    return busy


async def prior_counts(session: AsyncSession, user_ids: Iterable[int], before: dt.date) -> dict[int, int]:
    """Duties each official held in the last year, so that a new rotation evens out an earlier one."""
    rows = await session.execute(
        select(Duty.user_id, func.count())
        .join(Rotation, Rotation.id == Duty.rotation_id)
        .where(
            Duty.user_id.in_(list(user_ids)),
            Duty.day < before,
            Duty.day >= before - dt.timedelta(days=365),
            Rotation.status == RotationStatus.PUBLISHED,
        )
        .group_by(Duty.user_id)
    )
    return {uid: n for uid, n in rows}


async def _add_duty_with_slots(session: AsyncSession, rotation: Rotation, user_id: int, day: dt.date) -> Duty:
    duty = Duty(rotation_id=rotation.id, user_id=user_id, day=day)
    session.add(duty)
    await session.flush()
    for slot in planner.parse_slot_times(rotation.slot_times):
        session.add(
            ReceptionSlot(
                duty_id=duty.id,
                starts_at=local_dt(day, slot.start),
                ends_at=local_dt(day, slot.end),
                capacity=rotation.capacity,
                booked=0,
            )
        )
    await session.flush()
    return duty


async def generate(
    session: AsyncSession, planners: Planners, actor: Actor, rotation_id: int, calendar: HolidayCalendar, now: dt.datetime
) -> dict[dt.date, list[int]]:
    """(Re)build a draft's duties in rotation. A published rotation is only edited by hand."""
    _require_planner(planners, actor)
    rotation = await get_rotation(session, rotation_id)
    if rotation.status is not RotationStatus.DRAFT:
        raise Conflict("published", N_("A published rotation is changed by hand, not generated again."))
    roster = await roster_of(session, rotation.id)
    if not roster:
        raise Invalid("invalid", "Some fields are not valid.", fields={"members": N_("Put officials on the roster first.")})
    await session.execute(delete(Duty).where(Duty.rotation_id == rotation.id))
    days = planner.working_days(rotation.starts_on, rotation.ends_on, calendar.is_workday)
    ids = [m.user_id for m in roster]
    busy = await busy_days(session, ids, rotation.starts_on, rotation.ends_on, skip_rotation=rotation.id)
    officials = [planner.Official(m.user_id, m.kind, m.position) for m in roster]
    result = planner.plan(
        days,
        officials,
        per_day={MemberKind.LEADER: rotation.leaders_per_day, MemberKind.STAFF: rotation.staff_per_day},
        unavailable=lambda uid, day: (uid, day) in busy,
        prior=await prior_counts(session, ids, rotation.starts_on),
    )
    for day, chosen in result.items():
        for uid in chosen:
            await _add_duty_with_slots(session, rotation, uid, day)
    await audit.record(
        session,
        actor.audit,
        "rotation.generate",
        "rotation",
        rotation.id,
        {"days": len(days), "duties": sum(map(len, result.values()))},
        at=now,
    )
    return result


async def publish(
    session: AsyncSession, planners: Planners, actor: Actor, rotation_id: int, version: int, now: dt.datetime
) -> Rotation:
    _require_planner(planners, actor)
    rotation = await get_rotation(session, rotation_id)
    if rotation.version != version:
        raise Conflict("stale", N_("Someone changed this rotation meanwhile. Reload the page."))
    if rotation.status is RotationStatus.PUBLISHED:
        raise Conflict("published", N_("This rotation is published already."))
    if not await session.scalar(select(func.count()).select_from(Duty).where(Duty.rotation_id == rotation.id)):
        raise Conflict("empty", N_("The rotation has no duty days yet."))
    rotation.status = RotationStatus.PUBLISHED
    rotation.published_at, rotation.published_by = now, actor.user_id
    await session.flush()
    duties = (await session.execute(select(Duty.user_id, Duty.day).where(Duty.rotation_id == rotation.id))).all()
    per_user: dict[int, list[dt.date]] = {}
    for uid, day in duties:
        per_user.setdefault(uid, []).append(day)
    for uid, days in per_user.items():
        listed = "、".join(f"{d:%m-%d}" for d in sorted(days))
        listed_en = ", ".join(f"{d:%m-%d}" for d in sorted(days))
        session.add(
            Notification(
                user_id=uid,
                at=now,
                text_zh=f"《{rotation.title}》已公示，您的接访日：{listed}"[:400],
                text_en=f"'{rotation.title}' is published; your reception days: {listed_en}"[:400],
            )
        )
    await audit.record(session, actor.audit, "rotation.publish", "rotation", rotation.id, {"duties": len(duties)}, at=now)
    return rotation


async def _names(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    rows = await session.execute(select(User.id, User.display_name).where(User.id.in_(list(ids))))
    return {uid: name for uid, name in rows}


async def _record_change(
    session: AsyncSession,
    rotation: Rotation,
    actor: Actor,
    day: dt.date,
    zh: str,
    en: str,
    concerned: Iterable[int],
    now: dt.datetime,
) -> None:
    """After publication, an edit is posted as a change and every official concerned is told."""
    if rotation.status is not RotationStatus.PUBLISHED:
        return
    session.add(
        RotationChange(rotation_id=rotation.id, at=now, day=day, summary_zh=zh[:400], summary_en=en[:400], by_user=actor.user_id)
    )
    for uid in set(concerned):
        session.add(
            Notification(user_id=uid, at=now, text_zh=f"接访安排变更：{zh}"[:400], text_en=f"Rotation changed: {en}"[:400])
        )
    await session.flush()


async def _duty(session: AsyncSession, duty_id: int) -> tuple[Duty, Rotation]:
    duty = await session.get(Duty, duty_id)
    if duty is None:
        raise NotFound("duty")
    return duty, await get_rotation(session, duty.rotation_id)


async def _active_bookings(session: AsyncSession, duty_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Booking)
            .join(ReceptionSlot, ReceptionSlot.id == Booking.slot_id)
            .where(ReceptionSlot.duty_id == duty_id, Booking.status == BookingStatus.BOOKED)
        )
        or 0
    )


async def reassign_duty(
    session: AsyncSession, planners: Planners, actor: Actor, duty_id: int, user_id: int, version: int, now: dt.datetime
) -> Duty:
    """Give a duty day to another official; its bookings go with it (the petitioner chose the day and the slot)."""
    _require_planner(planners, actor)
    duty, rotation = await _duty(session, duty_id)
    if duty.version != version:
        raise Conflict("stale", N_("Someone changed this duty meanwhile. Reload the page."))
    if user_id == duty.user_id:
        return duty
    if await session.get(User, user_id) is None:
        raise Invalid("invalid", "Some fields are not valid.", fields={"user_id": N_("Choose active staff accounts.")})
    clash = await session.scalar(
        select(Duty.id).where(Duty.rotation_id == rotation.id, Duty.day == duty.day, Duty.user_id == user_id)
    )
    if clash is not None:
        raise Conflict("double", N_("This official already receives on that day."))
    old = duty.user_id
    names = await _names(session, [old, user_id])
    duty.user_id = user_id
    await session.flush()
    await _record_change(
        session,
        rotation,
        actor,
        duty.day,
        f"{duty.day:%Y-%m-%d} 接访人由 {names.get(old, '')} 改为 {names.get(user_id, '')}",
        f"{duty.day:%Y-%m-%d}: {names.get(user_id, '')} receives instead of {names.get(old, '')}",
        [old, user_id],
        now,
    )
    await audit.record(session, actor.audit, "duty.reassign", "duty", duty.id, {"from": old, "to": user_id}, at=now)
    return duty


async def remove_duty(session: AsyncSession, planners: Planners, actor: Actor, duty_id: int, now: dt.datetime) -> None:
    _require_planner(planners, actor)
    duty, rotation = await _duty(session, duty_id)
    if await _active_bookings(session, duty.id):
        raise Conflict("has_bookings", N_("Petitioners have booked this day; give it to another official instead."))
    names = await _names(session, [duty.user_id])
    await session.execute(delete(ReceptionSlot).where(ReceptionSlot.duty_id == duty.id))
    await session.delete(duty)
    await session.flush()
    await _record_change(
        session,
        rotation,
        actor,
        duty.day,
        f"{duty.day:%Y-%m-%d} 取消 {names.get(duty.user_id, '')} 的接访",
        f"{duty.day:%Y-%m-%d}: {names.get(duty.user_id, '')} no longer receives",
        [duty.user_id],
        now,
    )
    await audit.record(session, actor.audit, "duty.remove", "duty", duty.id, {"user": duty.user_id, "day": duty.day}, at=now)


async def add_duty(
    session: AsyncSession, planners: Planners, actor: Actor, rotation_id: int, user_id: int, day: dt.date, now: dt.datetime
) -> Duty:
    _require_planner(planners, actor)
    rotation = await get_rotation(session, rotation_id)
    if not rotation.starts_on <= day <= rotation.ends_on:
        raise Invalid("invalid", "Some fields are not valid.", fields={"day": N_("The day lies outside the rotation.")})
    if await session.get(User, user_id) is None:
        raise Invalid("invalid", "Some fields are not valid.", fields={"user_id": N_("Choose active staff accounts.")})
    if await session.scalar(select(Duty.id).where(Duty.rotation_id == rotation.id, Duty.day == day, Duty.user_id == user_id)):
        raise Conflict("double", N_("This official already receives on that day."))
    duty = await _add_duty_with_slots(session, rotation, user_id, day)
    names = await _names(session, [user_id])
    await _record_change(
        session,
        rotation,
        actor,
        day,
        f"{day:%Y-%m-%d} 增加 {names.get(user_id, '')} 接访",
        f"{day:%Y-%m-%d}: {names.get(user_id, '')} receives as well",
        [user_id],
        now,
    )
    await audit.record(session, actor.audit, "duty.add", "duty", duty.id, {"user": user_id, "day": day}, at=now)
    return duty


async def add_leave(
    session: AsyncSession,
    planners: Planners,
    actor: Actor,
    user_id: int,
    first: dt.date,
    last: dt.date,
    reason: str,
    now: dt.datetime,
) -> Leave:
    if not (planners.may_plan(actor) or actor.user_id == user_id):
        raise Forbidden("not_allowed", N_("Only the petition office and the leaders plan the reception rotation."))
    if last < first:
        raise Invalid("invalid", "Some fields are not valid.", fields={"ends_on": N_("The end comes before the start.")})
    leave = Leave(user_id=user_id, starts_on=first, ends_on=last, reason=reason, created_at=now)
    session.add(leave)
    await session.flush()
    await audit.record(session, actor.audit, "leave.add", "leave", leave.id, {"user": user_id, "from": first, "to": last}, at=now)
    return leave


# --- reading -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotView:
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


@dataclass(frozen=True)
class DutyView:
    id: int
    rotation_id: int
    day: dt.date
    user_id: int
    name: str
    kind: MemberKind | None
    version: int
    slots: tuple[SlotView, ...]


async def duties(
    session: AsyncSession,
    *,
    rotation_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    published_only: bool = False,
    user_id: int | None = None,
) -> list[DutyView]:
    """Duties with their slots and officials, by day then roster order."""
    stmt = (
        select(Duty, User.display_name, RosterMember.kind, RosterMember.position)
        .join(User, User.id == Duty.user_id)
        .join(Rotation, Rotation.id == Duty.rotation_id)
        .outerjoin(RosterMember, (RosterMember.rotation_id == Duty.rotation_id) & (RosterMember.user_id == Duty.user_id))
    )
    if rotation_id is not None:
        stmt = stmt.where(Duty.rotation_id == rotation_id)
    if start is not None:
        stmt = stmt.where(Duty.day >= start)
    if end is not None:
        stmt = stmt.where(Duty.day <= end)
    if published_only:
        stmt = stmt.where(Rotation.status == RotationStatus.PUBLISHED)
    if user_id is not None:
        stmt = stmt.where(Duty.user_id == user_id)
    rows = (await session.execute(stmt.order_by(Duty.day, RosterMember.position, Duty.id))).all()
    ids = [r[0].id for r in rows]
    slots: dict[int, list[SlotView]] = {}
    if ids:
        for s in (
            await session.scalars(select(ReceptionSlot).where(ReceptionSlot.duty_id.in_(ids)).order_by(ReceptionSlot.starts_at))
        ).all():
            slots.setdefault(s.duty_id, []).append(SlotView(s.id, s.starts_at, s.ends_at, s.capacity, s.booked))
    return [
        DutyView(d.id, d.rotation_id, d.day, d.user_id, name, kind, d.version, tuple(slots.get(d.id, [])))
        for d, name, kind, _pos in rows
    ]


async def changes(session: AsyncSession, rotation_ids: Iterable[int]) -> list[RotationChange]:
    stmt = select(RotationChange).where(RotationChange.rotation_id.in_(list(rotation_ids))).order_by(RotationChange.at.desc())
    return list((await session.scalars(stmt)).all())


async def published_rotations(session: AsyncSession, on_or_after: dt.date) -> list[Rotation]:
    stmt = (
        select(Rotation)
        .where(Rotation.status == RotationStatus.PUBLISHED, Rotation.ends_on >= on_or_after)
        .order_by(Rotation.starts_on)
    )
    return list((await session.scalars(stmt)).all())


async def notifications(session: AsyncSession, user_id: int, limit: int = 20) -> list[Notification]:
    stmt = (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def mark_read(session: AsyncSession, user_id: int, now: dt.datetime) -> None:
    for n in (
        await session.scalars(select(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None)))
    ).all():
        n.read_at = now
    await session.flush()
