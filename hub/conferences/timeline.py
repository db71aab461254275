"""A conference's console events as the moments of its recording's timeline (who was broadcast when), in words.

Only the events that changed what the venues saw or heard are moments: broadcasts, roll calls and their answers, the
floor, muting, content, tours and voice switching (their steps too), the multi-picture, lock, extension, the end and
the chair handed over. Venues are named as the attendance sheet names them (a room's name, a person's), never by their
participant ids. Each moment says too what everyone saw large after it (the broadcast state the event kept).

The recording part reads this through `hub.rooms.interface.TIMELINES` (set by `setup`), so it never imports this part.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.conferences.models import Attendance, Conference, ConsoleEvent
from hub.i18n import N_
from hub.rooms.interface import Moment, RoomSession, Words

UNKNOWN = Words(N_("a venue"))
TOUR_MODES = {"broadcast": Words(N_("broadcast to all")), "view": Words(N_("viewed by the chair"))}
LAYOUTS = {
    "single": Words(N_("one picture")),
    "2x2": Words(N_("four pictures")),
    "3x3": Words(N_("nine pictures")),
    "4x4": Words(N_("sixteen pictures")),
}

Name = Callable[[Any], "str | Words"]


def _words(kind: str, actor: str | None, data: dict[str, Any], name: Name) -> Words | None:
    """The sentence of one event, or None when it changed nothing people saw or heard (a request, a sign-in …)."""
    venue = name(data.get("venue"))
    match kind:
        case "broadcast" if data.get("venue"):
            return Words(N_("Broadcast: %(venue)s"), {"venue": venue})
        case "broadcast" if data.get("layout"):
            return Words(N_("Broadcast: the multi-picture"))
        case "broadcast":
            return Words(N_("Broadcast: the chair again"))
        case "set_layout":
            layout = LAYOUTS.get(str(data.get("layout")), UNKNOWN)
            shown = [name(v) for v in data.get("venues") or []]
            venues = "、".join(v for v in shown if isinstance(v, str))
            return Words(N_("Multi-picture: %(layout)s (%(venues)s)"), {"layout": layout, "venues": venues})
        case "roll_call":
            return Words(N_("Roll call: %(venue)s is called"), {"venue": venue})
        case "answer_roll_call":
            return Words(N_("%(venue)s answers the roll call"), {"venue": name(actor)})
        case "grant_floor":
            return Words(N_("The floor is given to %(venue)s"), {"venue": venue})
        case "end_floor":
            return Words(N_("The floor ends"))
        case "mute":
            return Words(N_("%(venue)s is muted"), {"venue": venue})
        case "unmute":
            return Words(N_("%(venue)s is unmuted"), {"venue": venue})
        case "mute_all":
            return Words(N_("Every venue is muted"))
        case "unmute_all":
            return Words(N_("Every venue is unmuted"))
        case "share_content" if data.get("on"):
            return Words(N_("%(venue)s shares content"), {"venue": name(actor)})
        case "share_content":
            return Words(N_("%(venue)s stops sharing content"), {"venue": name(actor)})
        case "tour":
            mode = TOUR_MODES.get(str(data.get("mode")), UNKNOWN)
            seconds = int(data.get("seconds") or 0)
            return Words(N_("Tour of the venues starts (%(mode)s, every %(seconds)s s)"), {"mode": mode, "seconds": seconds})
        case "tour_step" if data.get("mode") == "broadcast" and data.get("venue"):
            return Words(N_("Tour: %(venue)s is broadcast"), {"venue": venue})
        case "stop_tour":
            return Words(N_("The tour stops"))
        case "voice_switching":
            return Words(N_("Voice switching on") if data.get("on") else N_("Voice switching off"))
        case "voice_switch":
            return Words(N_("Voice switching: %(venue)s speaks and is broadcast"), {"venue": venue})
        case "lock":
            return Words(N_("The conference is locked") if data.get("locked") else N_("The conference is unlocked"))
        case "extend":
            return Words(N_("The conference is extended by %(minutes)s minutes"), {"minutes": int(data.get("minutes") or 0)})
        case "end_conference":
            return Words(N_("The chair ends the conference"))
        case "ended":
            return Words(N_("The conference has ended"))
        case "hand_over":
            return Words(N_("The chair is handed over to %(venue)s"), {"venue": name(data.get("participant"))})
    return None


def _shown(data: dict[str, Any], name: Name) -> Words | None:
    """What everyone saw large after the event, as the event kept it."""
    if "source" not in data:
        return None
    if data.get("broadcast"):
        return Words(N_("On screen: %(venue)s"), {"venue": name(data["broadcast"])})
    if data.get("source") == "broadcast":
        return Words(N_("On screen: the multi-picture"))
    return Words(N_("On screen: the chair"))


async def moments(s: AsyncSession, room_session: RoomSession) -> list[Moment]:
    """The recording's timeline source for a conference's room session ([] for any other session)."""
    conference = await s.scalar(select(Conference).where(Conference.session_id == room_session.id))
    if conference is None:
        return []
    sheet = select(Attendance.participant, Attendance.name).where(Attendance.conference_id == conference.id)
    names: dict[str, str] = {participant: name for participant, name in await s.execute(sheet)}
    query = select(ConsoleEvent).where(ConsoleEvent.conference_id == conference.id).order_by(ConsoleEvent.at, ConsoleEvent.id)
    events = (await s.scalars(query)).all()
    for event in events:  # a venue that never made the attendance sheet is still named by its own `joined` event
        if event.kind == "joined" and event.actor and event.actor not in names and event.data.get("name"):
            names[event.actor] = str(event.data["name"])

    def name(participant: Any) -> str | Words:
        return (names.get(str(participant)) or UNKNOWN) if participant else UNKNOWN

    found: list[Moment] = []
    for event in events:
        what = _words(event.kind, event.actor, event.data or {}, name)
        if what is not None:
            found.append(Moment(event.at, event.kind, what, _shown(event.data or {}, name)))
    return found
