"""Interview coordination: remote interviews between a county room and a township room, without double bookings of
rooms or people; at the time, the two rooms are linked in one call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select

from hub.clock import LOCAL_TZ
from hub.http.context import policy_of
from hub.http.validation import as_id
from hub.http.views import Again, Call, Permission, Routes
from hub.rooms.interface import Room
from hub.schedule import interviews
from hub.schedule.calls import CALLS
from hub.schedule.models import Interview, InterviewStatus
from hub.schedule.views.shared import ANY_ERROR, FormIds, VersionForm, staff

routes = Routes()


class InterviewForm(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    date: dt.date
    start: dt.time
    end: dt.time
    county_room_id: int
    township_room_id: int
    interviewee_name: str = Field(min_length=1, max_length=80)
    interviewee_ref: str = Field("", max_length=160)
    interviewer_ids: FormIds = Field(default_factory=list, min_length=1, validate_default=True)
    accompanying_ids: FormIds = Field(default_factory=list)
    notes: str = Field("", max_length=4000)
    clue_id: int | None = None  # the case the interview serves: its recording lands in that case file

    def interview(self) -> interviews.InterviewIn:
        return interviews.InterviewIn(
            title=self.title,
            starts_at=dt.datetime.combine(self.date, self.start, LOCAL_TZ).astimezone(dt.UTC),
            ends_at=dt.datetime.combine(self.date, self.end, LOCAL_TZ).astimezone(dt.UTC),
            county_room_id=self.county_room_id,
            township_room_id=self.township_room_id,
            interviewee_name=self.interviewee_name,
            interviewee_ref=self.interviewee_ref,
            interviewer_ids=tuple(self.interviewer_ids),
            accompanying_ids=tuple(self.accompanying_ids),
            notes=self.notes,
            clue_id=self.clue_id,
        )


async def _page(call: Call[Any]) -> dict[str, Any]:
    policy, s, now = policy_of(call.request), call.db, call.now
    room_q, user_q = call.query("room"), call.query("user")
    week_start = dt.datetime.combine(call.today, dt.time(0), LOCAL_TZ)
    scheduled = (
        select(Interview)
        .where(policy.where(call.actor, "view", Interview), Interview.ends_at >= now - dt.timedelta(days=1))
        .where(Interview.status == InterviewStatus.SCHEDULED)
        .order_by(Interview.starts_at)
    )
    rooms = list((await s.scalars(select(Room).where(Room.active.is_(True)).order_by(Room.kind, Room.code))).all())
    busy: list[interviews.Busy] = []
    room_id, user_id = as_id(room_q), as_id(user_q)
    if room_id is not None or user_id is not None:
        busy = await interviews.calendar(
            s, policy, call.actor, week_start, week_start + dt.timedelta(days=14), room_id=room_id, user_id=user_id
        )
    interview_rows = list((await s.scalars(scheduled)).all())
    return {
        "interviews": interview_rows,
        "cases": await interviews.case_choices(s, policy, call.actor),
        "case_numbers": await interviews.case_numbers(s, [i.clue_id for i in interview_rows if i.clue_id is not None]),
        "rooms": rooms,
        "room_names": {r.id: r.name_zh for r in rooms},
        "staff": await staff(s),
        "calendar": busy,
        "room_q": room_q,
        "user_q": user_q,
        "form": {"date": (call.today + dt.timedelta(days=1)).isoformat(), "start": "09:30", "end": "11:00"},
        "error": "",
        "errors": {},
        "now": now,
    }


@routes.get(
    "/schedule/interviews", template="schedule/interviews.html",
    summary="Interviews the caller may see, and the busy times of a room or a person (?room=, ?user=).",
)  # fmt: skip
async def interviews_page(call: Call[None]) -> dict[str, Any]:
    return await _page(call)


@routes.post(
    "/schedule/interviews", form=InterviewForm, again=Again("schedule/interviews.html", _page), back_on=ANY_ERROR,
    summary="Schedule an interview (refused when a room or a person is taken).",
)  # fmt: skip
async def interviews_create(call: Call[InterviewForm]) -> str:
    await interviews.schedule(call.db, policy_of(call.request), call.actor, call.body.interview(), call.now)
    return "/schedule/interviews"


# checks its form before the interview (an empty form is 422 whatever the id); the service loads and checks it
@routes.post("/schedule/interviews/{id}/cancel", form=VersionForm, summary="Cancel an interview.")
async def interviews_cancel(call: Call[VersionForm]) -> str:
    await interviews.cancel(call.db, policy_of(call.request), call.actor, call.int("id"), call.body.version, call.now)
    return "/schedule/interviews"


@routes.post(
    "/schedule/interviews/{id}/link", permission=Permission("link", "interview"),
    summary="At the time, link the county room and the township room in one call.",
)  # fmt: skip
async def interviews_link(call: Call[None]) -> str:
    link = await interviews.link_rooms(call.db, policy_of(call.request), call.app[CALLS], call.actor, call.target.id, call.now)
    return link.host_url if link is not None else "/schedule/interviews"
