"""Who may plan the reception rotation, see bookings, and arrange interviews.

Planners (排班): the main leader, petition office staff, and a deputy whose portfolio holds the petition office.
A booking is seen by the planners and by the official it is booked with; a place in the "talk now" queue only by the
official it waits for. Interviews name a person under review, so they are seen by their participants, the one who
arranged them, the leaders and the case management office; others see only that a room or a person is busy.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true

from hub.access.actor import Actor
from hub.access.roles import ADMINISTRATORS
from hub.cases.interface import OfficeDirectory
from hub.org.interface import OfficeCode
from hub.rooms.interface import Room
from hub.schedule.models import (
    Booking,
    Duty,
    Interview,
    InterviewParticipant,
    QueueTicket,
    ReceptionSlot,
    Rotation,
    RotationStatus,
)


@dataclass
class Planners:
    offices: OfficeDirectory

    def may_plan(self, actor: Actor) -> bool:
        if not actor.is_staff:
            return False
        if actor.is_main_leader or self.offices.office_of(actor) is OfficeCode.PETITION:
            return True
        petition_unit = self.offices.unit_of(OfficeCode.PETITION)
        return actor.is_deputy and petition_unit is not None and petition_unit in actor.portfolio

    def sees_interviews(self, actor: Actor) -> bool:
        return actor.is_staff and (
            actor.is_main_leader or actor.is_deputy or self.offices.office_of(actor) is OfficeCode.CASE_MANAGEMENT
        )


@dataclass
class RotationRule:
    planners: Planners
    object_type: str = "rotation"

    def allows(self, actor: Actor, action: str, obj: Rotation) -> bool:
        if action == "view":
            return obj.status is RotationStatus.PUBLISHED or self.planners.may_plan(actor)
        return self.planners.may_plan(actor) and action in ("create", "update", "publish")

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        if self.planners.may_plan(actor):
            return true()
        if action == "view":
            return Rotation.status == RotationStatus.PUBLISHED
        return false()


@dataclass
class BookingRule:
    planners: Planners
    object_type: str = "booking"

    def allows(self, actor: Actor, action: str, obj: Booking) -> bool:
        # the official of the booking is passed in by the service (``Booking.official_id`` is not a column)
        official = getattr(obj, "official_id", None)
        if not actor.is_staff:
            return False
        return self.planners.may_plan(actor) or (official is not None and official == actor.user_id)

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        if self.planners.may_plan(actor):
            return true()
        if not actor.is_staff:
            return false()
        return exists(
            select(ReceptionSlot.id)
            .join(Duty, Duty.id == ReceptionSlot.duty_id)
            .where(ReceptionSlot.id == Booking.slot_id, Duty.user_id == actor.user_id)
        )


@dataclass
class QueueTicketRule:
    """The official a petitioner waits for calls them in, records the intake and closes the ticket; nobody else."""

    object_type: str = "queue_ticket"

    def allows(self, actor: Actor, action: str, obj: QueueTicket) -> bool:
        return actor.is_staff and obj.official_id == actor.user_id

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        if not actor.is_staff:
            return false()
        return QueueTicket.official_id == actor.user_id


@dataclass
class InterviewRule:
    planners: Planners
    object_type: str = "interview"

    def allows(self, actor: Actor, action: str, obj: Interview) -> bool:
        if not actor.is_staff:
            return False
        participants: frozenset[int] = getattr(obj, "participant_ids", frozenset())
        involved = obj.created_by == actor.user_id or actor.user_id in participants
        if action == "view":
            # a deputy sees the interviews in the townships of his portfolio, not every interviewee's name (finding 4)
            if actor.is_deputy:
                return involved or getattr(obj, "township_id", None) in actor.portfolio
            return involved or self.planners.sees_interviews(actor)
        if action == "see_schedule":
            # who may learn that a named person has an interview at a time (the interviewee clash): the planners only
            return self.planners.sees_interviews(actor)
        if action in ("create",):
            return actor.role is not None and actor.role not in ADMINISTRATORS
        interviewers: frozenset[int] = getattr(obj, "interviewer_ids", frozenset())
        responsible = obj.created_by == actor.user_id or actor.user_id in interviewers or actor.is_main_leader
        if action == "link":
            # who opens the call hosts it: the organiser, an interviewer or the main leader, never an accompanying
            # participant or any deputy (issue 14, finding 4)
            return responsible
        if action in ("update", "cancel"):
            # and coordination (the case management office); a deputy only for interviews he organised
            return responsible or self.planners.offices.office_of(actor) is OfficeCode.CASE_MANAGEMENT
        return False

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        if not actor.is_staff:
            return false()
        if action == "view" and self.planners.sees_interviews(actor) and not actor.is_deputy:
            return true()
        mine = exists(
            select(InterviewParticipant.user_id).where(
                and_(InterviewParticipant.interview_id == Interview.id, InterviewParticipant.user_id == actor.user_id)
            )
        )
        if action == "view" and actor.is_deputy:
            in_portfolio = select(Room.id).where(Room.township_id.in_(sorted(actor.portfolio)))
            return or_(Interview.created_by == actor.user_id, mine, Interview.township_room_id.in_(in_portfolio))
        return or_(Interview.created_by == actor.user_id, mine)
