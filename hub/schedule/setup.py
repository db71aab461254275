"""Wire reception scheduling into the app: access rules, routes, labels, home tiles."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.access.roles import ADMINISTRATORS
from hub.cases.interface import CASES
from hub.errors import NotFound
from hub.http.keys import HOME_TILES, HOME_TODOS, LABELS, POLICY, HomeTile
from hub.i18n import N_
from hub.rooms.interface import CASE_RESOLVER
from hub.schedule import interviews, reception, rotations
from hub.schedule.bookings import BookingLimits
from hub.schedule.calls import CALLS, CallOpener, NoVideo
from hub.schedule.keys import LIMITS, PLANNERS
from hub.schedule.kiosk_limits import KIOSK_WINDOWS, KioskWindows
from hub.schedule.models import SCHEDULE_LABELS, Booking, Interview, QueueTicket, Rotation
from hub.schedule.rooms_bridge import case_of_room_session
from hub.schedule.rules import BookingRule, InterviewRule, Planners, QueueTicketRule, RotationRule
from hub.schedule.todos import schedule_todos
from hub.schedule.views import interviews as interview_views
from hub.schedule.views import kiosk_booking, kiosk_filing, kiosk_queue, public, receptions
from hub.schedule.views import rotations as rotation_views


def _calls(policy: Policy) -> CallOpener:
    """Video through the rooms part when it is wired (its room-session rule is registered), else none."""
    from hub.rooms.interface import RoomSession

    if RoomSession in policy.models:
        from hub.schedule.rooms_bridge import RoomsCalls

        return RoomsCalls(policy)
    return NoVideo()


def _register_loaders(policy: Policy) -> None:
    """The objects the views name in their permissions, each loaded only for someone who sees it (404 otherwise)."""

    async def rotation(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> Rotation:
        found = await rotations.get_rotation(session, object_id)
        policy.require(actor, "view", found)
        return found

    async def booking(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> Booking:
        return (await reception.load(session, policy, actor, object_id)).booking

    async def interview(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> Interview:
        return await interviews.get(session, policy, actor, object_id)

    async def queue_ticket(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> QueueTicket:
        ticket = await session.get(QueueTicket, object_id, with_for_update=for_update)
        if ticket is None:
            raise NotFound("queue_ticket")
        policy.require(actor, "view", ticket)
        return ticket

    policy.register_loader("rotation", rotation)
    policy.register_loader("booking", booking)
    policy.register_loader("interview", interview)
    policy.register_loader("queue_ticket", queue_ticket)


def setup(app: web.Application) -> None:
    """Needs the cases part wired first (its office directory tells who plans the rotation)."""
    planners = Planners(app[CASES].offices)
    app[PLANNERS] = planners
    app[LIMITS] = BookingLimits()
    app[KIOSK_WINDOWS] = KioskWindows()
    policy = app[POLICY]
    if CALLS not in app:
        app[CALLS] = _calls(policy)
    # a recorded interview belongs to the case its interview names (the recorder asks when it starts)
    app[CASE_RESOLVER] = case_of_room_session
    policy.register(Rotation, RotationRule(planners))
    policy.register(Booking, BookingRule(planners))
    policy.register(Interview, InterviewRule(planners))
    policy.register(QueueTicket, QueueTicketRule())
    _register_loaders(policy)
    app[LABELS].update(SCHEDULE_LABELS)
    app[HOME_TODOS].append(schedule_todos)
    views = (rotation_views, receptions, interview_views, kiosk_booking, kiosk_queue, kiosk_filing, public)
    for module in views:
        app.router.add_routes(module.routes.table)
    tiles = app[HOME_TILES]
    tiles.append(
        HomeTile(
            N_("Reception rotation"),
            "/schedule",
            N_("Build and publish the rotation of reception officials; see who receives when."),
            lambda actor: actor.is_staff and actor.role is not None and actor.role not in ADMINISTRATORS,
            order=30,
        )
    )
    tiles.append(
        HomeTile(
            N_("My receptions"),
            "/schedule/mine",
            N_("Your duty days, the petitioners booked with you, the queue, and changes to your duties."),
            lambda actor: actor.is_staff and actor.role is not None and actor.role not in ADMINISTRATORS,
            order=31,
        )
    )
    tiles.append(
        HomeTile(
            N_("Interview coordination"),
            "/schedule/interviews",
            N_("Schedule remote interviews between county and township rooms, without double bookings."),
            lambda actor: actor.is_staff and actor.role is not None and actor.role not in ADMINISTRATORS,
            order=32,
        )
    )
