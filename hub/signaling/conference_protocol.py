"""The conference messages (会控, issue 12): the chair's console commands, the venues' requests and the state event.

Declared here beside `protocol.py` (which merges them into `CLIENT_MESSAGES` / `SERVER_MESSAGES`); docs/protocol.md,
"Conferences", documents each. Signaling only checks their shape and hands them to the conference hook
(`hub.signaling.console`), which the wiring fills with the conferences part.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hub.signaling.protocol_base import ParticipantId, Reply, Request

Layout = Literal["single", "2x2", "3x3", "4x4"]
LAYOUT_PICTURES: dict[str, int] = {"single": 1, "2x2": 4, "3x3": 9, "4x4": 16}
TourMode = Literal["broadcast", "view"]
Quality = Literal["good", "fair", "poor", "unknown"]


# ---- the chair's console (only the chair: the host, or whom the chair handed the chair to) ------------------------


class CallVenue(Request):
    """Call a venue: let an uninvited one in from the lobby, or a hung-up one back. Reply: `ok`."""

    type: Literal["call_venue"] = "call_venue"
    venue: ParticipantId


class HangUp(Request):
    """Hang up a venue (it may be called again). Reply: `ok`."""

    type: Literal["hang_up"] = "hang_up"
    venue: ParticipantId


class AdmitAll(Request):
    """Let everyone waiting in the lobby in. Reply: `ok`."""

    type: Literal["admit_all"] = "admit_all"


class Mute(Request):
    """Mute a venue: its audio is no longer forwarded, and it cannot unmute itself unless given the floor."""

    type: Literal["mute"] = "mute"
    venue: ParticipantId


class Unmute(Request):
    type: Literal["unmute"] = "unmute"
    venue: ParticipantId


class MuteAll(Request):
    """Mute every venue but the chair's own."""

    type: Literal["mute_all"] = "mute_all"


class UnmuteAll(Request):
    type: Literal["unmute_all"] = "unmute_all"


class SetLayout(Request):
    """The chair's multi-picture: `layout` and the venues on it, in order (at most as many as it has pictures)."""

    type: Literal["set_layout"] = "set_layout"
    layout: Layout
    venues: Annotated[list[ParticipantId], Field(max_length=16)]


class Broadcast(Request):
    """Show everyone one venue (`venue`), the chair's multi-picture (`venue` null, `layout` true), or the chair
    again (both null/false)."""

    type: Literal["broadcast"] = "broadcast"
    venue: ParticipantId | None
    layout: bool = False


class Watch(Request):
    """The chair's own large picture: one venue, or null (the broadcast)."""

    type: Literal["watch"] = "watch"
    venue: ParticipantId | None


class RollCall(Request):
    """点名发言: broadcast the venue to all and open its microphone; it answers with `answer_roll_call`."""

    type: Literal["roll_call"] = "roll_call"
    venue: ParticipantId


class VoiceSwitching(Request):
    """声控切换 on or off: the loudest unmuted venue is broadcast (held at least 3 s)."""

    type: Literal["voice_switching"] = "voice_switching"
    on: bool


class Tour(Request):
    """轮巡: every `seconds`, broadcast (`broadcast`) or show the chair (`view`) the next venue of `venues`
    (null: every connected venue, in board order)."""

    type: Literal["tour"] = "tour"
    mode: TourMode
    seconds: Annotated[int, Field(ge=3, le=600)]
    venues: Annotated[list[ParticipantId], Field(min_length=1, max_length=64)] | None = None


class StopTour(Request):
    type: Literal["stop_tour"] = "stop_tour"


class Lock(Request):
    """Lock (nobody new may join, called venues excepted) or unlock the conference."""

    type: Literal["lock"] = "lock"
    locked: bool


class Extend(Request):
    """Move the planned end later by `minutes`."""

    type: Literal["extend"] = "extend"
    minutes: Annotated[int, Field(ge=1, le=240)]


class EndConference(Request):
    """End the conference for everyone (everyone gets `ended`)."""

    type: Literal["end_conference"] = "end_conference"


class HandOver(Request):
    """Hand the chair to another admitted participant; the new chair may hand it on (or back)."""

    type: Literal["hand_over"] = "hand_over"
    participant: ParticipantId


class GrantFloor(Request):
    """Give the floor to a venue (from the queue or not): broadcast it and open its microphone."""

    type: Literal["grant_floor"] = "grant_floor"
    venue: ParticipantId


class DeclineFloor(Request):
    """Take a venue's request off the queue without giving the floor."""

    type: Literal["decline_floor"] = "decline_floor"
    venue: ParticipantId


class EndFloor(Request):
    """Take the floor back: the venue that had it is muted again and the chair is broadcast."""

    type: Literal["end_floor"] = "end_floor"


class AllowContent(Request):
    """Allow (or no longer allow) a venue to share content."""

    type: Literal["allow_content"] = "allow_content"
    venue: ParticipantId
    allowed: bool


# ---- any participant of a conference ------------------------------------------------------------------------------


class RequestFloor(Request):
    """申请发言: join the queue of requests to speak."""

    type: Literal["request_floor"] = "request_floor"


class CancelFloor(Request):
    type: Literal["cancel_floor"] = "cancel_floor"


class SignIn(Request):
    """签到: the venue is here with `people` people present (again to correct the number)."""

    type: Literal["sign_in"] = "sign_in"
    people: Annotated[int, Field(ge=1, le=9999)]


class AnswerRollCall(Request):
    """The called venue answers the roll call ("到")."""

    type: Literal["answer_roll_call"] = "answer_roll_call"


class ShareContent(Request):
    """Start (`on` true) or stop sharing content on the `content` line (the chair, or a venue allowed to)."""

    type: Literal["share_content"] = "share_content"
    on: bool


class VenueStats(Request):
    """What the venue's page reads from `getStats()` and its devices, every few seconds: the board shows it."""

    type: Literal["venue_stats"] = "venue_stats"
    camera: bool
    microphone: bool
    quality: Quality
    rtt_ms: Annotated[int, Field(ge=0, le=60000)] | None = None
    loss_pct: Annotated[float, Field(ge=0, le=100)] | None = None
    bitrate_kbps: Annotated[int, Field(ge=0, le=100000)] | None = None


# ---- server → client ----------------------------------------------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MutedVenue(_Frozen):
    participant: str
    by: str  # the chair who muted it


class FloorRequest(_Frozen):
    participant: str
    order: int  # 1 = asked first
    requested_at: str  # ISO 8601, UTC


class RollCallState(_Frozen):
    participant: str
    called_at: str
    answered_at: str | None


class BroadcastState(_Frozen):
    venue: str | None  # the venue everyone sees large (null: the chair, or the multi-picture)
    layout: bool  # everyone sees the chair's multi-picture
    source: Literal["chair", "broadcast", "roll_call", "floor", "voice", "tour"]


class TourState(_Frozen):
    mode: TourMode
    seconds: int
    venues: list[str] | None
    current: str | None


class BoardRow(_Frozen):
    """One venue on the chair's board."""

    participant: str
    name: str
    invited: bool
    connected: bool  # its signaling connection is up and its media connected
    admitted: bool  # false: waits in the lobby
    camera: bool
    microphone: bool
    quality: Quality
    rtt_ms: int | None
    loss_pct: float | None
    ready: bool  # connected, camera and microphone on, quality not poor (else the board shows it red)
    people: int | None  # signed in with this many people present (null: not signed in)
    signed_in_at: str | None
    answered_roll_call_at: str | None
    muted: bool
    speaking: bool


class Conference(Reply):
    """The conference as it is now, to everyone admitted: on joining, after every change, at most once a second for
    board updates."""

    type: Literal["conference"] = "conference"
    conference: int
    title: str
    chair: str | None
    broadcast: BroadcastState
    layout: Layout
    layout_venues: list[str]
    watch: str | None
    muted: list[MutedVenue]
    floor: str | None
    requests: list[FloorRequest]
    roll_call: RollCallState | None
    voice_switching: bool
    tour: TourState | None
    locked: bool
    ends_at: str | None
    content: str | None
    content_allowed: list[str]
    speaking: list[str]
    board: list[BoardRow]


CONFERENCE_REQUESTS: tuple[type[Request], ...] = (
    CallVenue,
    HangUp,
    AdmitAll,
    Mute,
    Unmute,
    MuteAll,
    UnmuteAll,
    SetLayout,
    Broadcast,
    Watch,
    RollCall,
    VoiceSwitching,
    Tour,
    StopTour,
    Lock,
    Extend,
    EndConference,
    HandOver,
    GrantFloor,
    DeclineFloor,
    EndFloor,
    AllowContent,
    RequestFloor,
    CancelFloor,
    SignIn,
    AnswerRollCall,
    ShareContent,
    VenueStats,
)
CHAIR_ONLY = frozenset(m.model_fields["type"].default for m in CONFERENCE_REQUESTS[:22])
CONFERENCE_EVENTS: tuple[type[Reply], ...] = (Conference,)

CONFERENCE_ERRORS: dict[str, str] = {
    "not_conference": "this room is not a conference",
    "not_chair": "only the chair may use the console",
    "muted_by_chair": "the chair muted you: you may speak when the chair unmutes you or gives you the floor",
    "locked": "the conference is locked: nobody new may join",
    "not_allowed": "the chair has not allowed you to share content",
}
