"""The reception rotation's staff pages: plan it, publish it (公示), edit it after publication, record leave.

Who plans is the planners' rule (``rules.Planners``), checked by the services; a route acting on a rotation declares
that its caller sees it. A failed edit shows the editor again with the message, at the error's status.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from hub.cases.interface import holidays
from hub.errors import Conflict, Forbidden, NotFound
from hub.http.context import policy_of
from hub.http.views import Again, Call, Permission, Routes
from hub.rooms.interface import Room
from hub.schedule import rotations
from hub.schedule.keys import PLANNERS
from hub.schedule.models import Duty, MemberKind, Rotation, RotationStatus
from hub.schedule.views.shared import ANY_ERROR, FormIds, VersionForm, by_day, staff

routes = Routes()
SEE_ROTATION = Permission("view", "rotation")


class RotationForm(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    starts_on: dt.date
    ends_on: dt.date
    slot_times: str = Field(min_length=1, max_length=400)
    capacity: int = Field(ge=1, le=50)
    leaders_per_day: int = Field(1, ge=0, le=5)
    staff_per_day: int = Field(1, ge=0, le=5)


class RosterForm(BaseModel):
    model_config = ConfigDict(extra="allow")  # kind_<user id>: what each member is (leader or staff)

    member: FormIds = Field(default_factory=list)

    def members(self) -> list[tuple[int, MemberKind]]:
        kinds = {k.value for k in MemberKind}
        chosen = [(self.model_extra or {}).get(f"kind_{uid}") for uid in self.member]
        return [
            (uid, MemberKind(k) if isinstance(k, str) and k in kinds else MemberKind.STAFF)
            for uid, k in zip(self.member, chosen, strict=True)
        ]


class AddDutyForm(BaseModel):
    user_id: int
    day: dt.date


class ReassignForm(BaseModel):
    user_id: int
    version: int


class LeaveForm(BaseModel):
    user_id: int
    starts_on: dt.date
    ends_on: dt.date
    reason: str = Field("", max_length=200)
    next: str = "/schedule/mine"  # the page the form was on


# --- the list and the new rotation --------------------------------------------------------------------------------


async def _index(call: Call[Any]) -> dict[str, Any]:
    where = policy_of(call.request).where(call.actor, "view", Rotation)
    items = (await call.db.scalars(select(Rotation).where(where).order_by(Rotation.starts_on.desc()))).all()
    return {
        "rotations": list(items),
        "may_plan": call.app[PLANNERS].may_plan(call.actor),
        "form": {
            "starts_on": (call.today + dt.timedelta(days=1)).isoformat(),
            "ends_on": (call.today + dt.timedelta(days=28)).isoformat(),
            "slot_times": "09:00-10:00,10:00-11:00,15:00-16:00,16:00-17:00",
            "capacity": "2",
            "leaders_per_day": "1",
            "staff_per_day": "1",
        },
        "error": "",
        "errors": {},
    }


@routes.get("/schedule", template="schedule/index.html", summary="The rotations the caller may see; planners start one.")
async def index(call: Call[None]) -> dict[str, Any]:
    return await _index(call)


@routes.post(
    "/schedule/rotations", form=RotationForm, again=Again("schedule/index.html", _index), back_on=ANY_ERROR,
    summary="Start a rotation (a draft).",
)  # fmt: skip
async def create(call: Call[RotationForm]) -> str:
    spec = rotations.RotationSpec(**call.body.model_dump())
    rotation = await rotations.create_rotation(call.db, call.app[PLANNERS], call.actor, spec, call.now)
    return f"/schedule/rotations/{rotation.id}"


# --- the editor ----------------------------------------------------------------------------------------------------


async def _rotation(call: Call[Any], rotation_id: int) -> Rotation:
    """The rotation if the caller sees it (the policy's loader; NotFound otherwise)."""
    found: Rotation = await policy_of(call.request).load(call.db, call.actor, "rotation", rotation_id)
    return found


async def _rotation_of_duty(call: Call[Any]) -> Rotation:
    rotation_id = await call.db.scalar(select(Duty.rotation_id).where(Duty.id == call.int("id")))
    if rotation_id is None:
        raise NotFound("duty")
    return await _rotation(call, rotation_id)


async def _editor(call: Call[Any], rotation: Rotation) -> dict[str, Any]:
    s = call.db
    roster = await rotations.roster_of(s, rotation.id)
    duties = await rotations.duties(s, rotation_id=rotation.id)
    rooms = (await s.scalars(select(Room).where(Room.kind == "county_reception").order_by(Room.code))).all()
    people = await staff(s)
    return {
        "rotation": rotation,
        "roster": {m.user_id: m for m in roster},
        "roster_list": roster,
        "staff": people,
        "names": {u.id: u.display_name for u in people},
        "days": by_day(duties),
        "counts": Counter(d.user_id for d in duties),
        "changes": await rotations.changes(s, [rotation.id]),
        "rooms": list(rooms),
        "may_plan": call.app[PLANNERS].may_plan(call.actor),
        "draft": rotation.status is RotationStatus.DRAFT,
        "kinds": list(MemberKind),
        "error": "",
        "errors": {},
    }


async def _editor_of_rotation(call: Call[Any]) -> dict[str, Any]:
    return await _editor(call, await _rotation(call, call.int("id")))


async def _editor_of_duty(call: Call[Any]) -> dict[str, Any]:
    return await _editor(call, await _rotation_of_duty(call))


EDITOR = Again("schedule/rotation.html", _editor_of_rotation)
DUTY_EDITOR = Again("schedule/rotation.html", _editor_of_duty)


@routes.get("/schedule/rotations/{id}", permission=SEE_ROTATION, template="schedule/rotation.html", summary="The editor.")
async def editor(call: Call[None]) -> dict[str, Any]:
    return await _editor(call, call.target)


@routes.post(
    "/schedule/rotations/{id}/roster", permission=SEE_ROTATION, form=RosterForm, again=EDITOR, back_on=ANY_ERROR,
    summary="Set who receives in this rotation (leaders and staff).",
)  # fmt: skip
async def set_roster(call: Call[RosterForm]) -> str:
    await rotations.set_roster(call.db, call.app[PLANNERS], call.actor, call.target.id, call.body.members(), call.now)
    return f"/schedule/rotations/{call.target.id}"


@routes.post(
    "/schedule/rotations/{id}/generate", permission=SEE_ROTATION, again=EDITOR, back_on=ANY_ERROR,
    summary="Plan the duty days in rotation over the working days (holiday table, leave, interviews).",
)  # fmt: skip
async def generate(call: Call[None]) -> str:
    calendar = await holidays.load(call.db)
    await rotations.generate(call.db, call.app[PLANNERS], call.actor, call.target.id, calendar, call.now)
    return f"/schedule/rotations/{call.target.id}"


# The next three check their form before the object (an empty form is 422 whatever the id, as the access matrix
# says), so they declare no permission, and an invalid entry is answered 422 without the editor, as before (the
# editor of an unknown rotation cannot be shown); the services' refusals show the editor again.
REFUSALS = (Conflict, Forbidden)


@routes.post(
    "/schedule/rotations/{id}/publish", form=VersionForm, again=EDITOR, back_on=REFUSALS,
    summary="Publish (公示) the rotation: it becomes public and bookable.",
)  # fmt: skip
async def publish(call: Call[VersionForm]) -> str:
    rotation_id = call.int("id")
    await rotations.publish(call.db, call.app[PLANNERS], call.actor, rotation_id, call.body.version, call.now)
    return f"/schedule/rotations/{rotation_id}"


@routes.post(
    "/schedule/rotations/{id}/duties", form=AddDutyForm, again=EDITOR, back_on=REFUSALS,
    summary="Add a duty day (after publication, posted as a change).",
)  # fmt: skip
async def add_duty(call: Call[AddDutyForm]) -> str:
    rotation_id, body = call.int("id"), call.body
    await rotations.add_duty(call.db, call.app[PLANNERS], call.actor, rotation_id, body.user_id, body.day, call.now)
    return f"/schedule/rotations/{rotation_id}"


@routes.post(
    "/schedule/duties/{id}/reassign", form=ReassignForm, again=DUTY_EDITOR, back_on=REFUSALS,
    summary="Give a duty day to another official; its bookings go with it.",
)  # fmt: skip
async def reassign(call: Call[ReassignForm]) -> str:
    rotation = await _rotation_of_duty(call)
    body = call.body
    await rotations.reassign_duty(call.db, call.app[PLANNERS], call.actor, call.int("id"), body.user_id, body.version, call.now)
    return f"/schedule/rotations/{rotation.id}"


@routes.post(
    "/schedule/duties/{id}/remove", again=DUTY_EDITOR, back_on=ANY_ERROR,
    summary="Remove a duty day that nobody has booked.",
)  # fmt: skip
async def remove(call: Call[None]) -> str:
    rotation = await _rotation_of_duty(call)
    await rotations.remove_duty(call.db, call.app[PLANNERS], call.actor, call.int("id"), call.now)
    return f"/schedule/rotations/{rotation.id}"


@routes.post("/schedule/leave", form=LeaveForm, summary="Record an official's leave (planners, or the official).")
async def add_leave(call: Call[LeaveForm]) -> str:
    body = call.body
    await rotations.add_leave(
        call.db, call.app[PLANNERS], call.actor, body.user_id, body.starts_on, body.ends_on, body.reason, call.now
    )
    return body.next if body.next.startswith("/schedule") else "/schedule/mine"
