"""Every signaling message, declared once. docs/protocol.md documents each type (a test checks).

Every message has a `type`. Every client message is a request with an `id` (a number or a short
string); the server answers each with exactly one reply carrying the same `id`: the specific reply
named below, `ok`, or `error`. Server events (no request behind them) carry no `id`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hub.signaling.conference_protocol import CONFERENCE_ERRORS, CONFERENCE_EVENTS, CONFERENCE_REQUESTS
from hub.signaling.protocol_base import MAX_MESSAGE_BYTES, Message, ParticipantId, Reply, Request, RequestId, Sdp

__all__ = ["MAX_MESSAGE_BYTES", "Message", "Reply", "Request", "RequestId"]  # re-exported from protocol_base

# ---- client → server ------------------------------------------------------------------------------


class Join(Request):
    """Enter a room with a room token. Reply: `joined`, or `lobby` for roles that wait to be admitted."""

    type: Literal["join"] = "join"
    room: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    token: Annotated[str, StringConstraints(min_length=1, max_length=2048)]


class Offer(Request):
    """The client's SDP offer, with the m-lines `joined.lines` lists, in that order. Reply: `answer`.

    `restart: true`: a re-offer of the same connection with new ICE credentials (`restartIce()`): the answer restarts
    ICE on it (same DTLS session, transceivers and slots), or the reply is `restart_failed`. Without it, an offer is a
    new connection that replaces the one before."""

    type: Literal["offer"] = "offer"
    sdp: Sdp
    restart: bool = False


class IceCandidate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    candidate: Annotated[str, StringConstraints(max_length=1024)]
    sdpMid: Annotated[str, StringConstraints(max_length=64)] | None = None  # WebRTC's own field name
    sdpMLineIndex: Annotated[int, Field(ge=0, le=64)] | None = None  # WebRTC's own field name


class Ice(Request):
    """A trickled ICE candidate of the client (`candidate: null` ends the candidates). Reply: `ok`."""

    type: Literal["ice"] = "ice"
    candidate: IceCandidate | None


class Admit(Request):
    """Host or interviewer: let one person in from the lobby. Reply: `ok`."""

    type: Literal["admit"] = "admit"
    participant: ParticipantId


class Deny(Request):
    """Host or interviewer: turn one person in the lobby away. Reply: `ok`."""

    type: Literal["deny"] = "deny"
    participant: ParticipantId


class MediaState(Request):
    """The sender's microphone and camera state (muted / camera off), shown to everyone. Reply: `ok`."""

    type: Literal["media_state"] = "media_state"
    audio: bool
    video: bool


class SetPresenter(Request):
    """Host or interviewer: put one participant (or nobody: null) on everyone's main slot. Reply: `ok`."""

    type: Literal["set_presenter"] = "set_presenter"
    participant: ParticipantId | None


class Remove(Request):
    """Host: remove a participant from the room. Reply: `ok`."""

    type: Literal["remove"] = "remove"
    participant: ParticipantId


class Leave(Request):
    """Leave the room (the connection stays open). Reply: `ok`."""

    type: Literal["leave"] = "leave"


class End(Request):
    """Host: end the room for everyone. Reply: `ok`, then everyone gets `ended`."""

    type: Literal["end"] = "end"


class AcknowledgeRecording(Request):
    """Host or interviewer: "I know this room is not being recorded now" (after `recording` with `acknowledge`
    true). Logged in the audit chain with the reason. Reply: `ok`."""

    type: Literal["acknowledge_recording"] = "acknowledge_recording"


class Ping(Request):
    """Keepalive. Reply: `pong`."""

    type: Literal["ping"] = "ping"


# ---- server → client ------------------------------------------------------------------------------


class Participant(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: str
    role: str
    audio: bool = True
    video: bool = True


class Line(BaseModel):
    """One m-line of the client's offer: its own camera/microphone (sendonly) or a receive slot (recvonly)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    kind: Literal["audio", "video"]
    direction: Literal["sendonly", "recvonly"]


class Joined(Reply):
    """You are in: your role, the m-lines to offer, who is on each slot, who is here."""

    type: Literal["joined"] = "joined"
    room: str
    you: Participant
    lines: list[Line]
    slots: dict[str, str | None]
    participants: list[Participant]
    presenter: str | None
    recording: bool
    ice_servers: list[dict[str, Any]]


class Lobby(Reply):
    """You wait to be admitted; `position` 1 is next. A `joined` follows on admission, `denied` otherwise."""

    type: Literal["lobby"] = "lobby"
    position: int


class Answer(Reply):
    """The server's SDP answer to `offer`."""

    type: Literal["answer"] = "answer"
    sdp: str


class Ok(Reply):
    """The request was done."""

    type: Literal["ok"] = "ok"


class Pong(Reply):
    type: Literal["pong"] = "pong"


class Error(Reply):
    """The request (or message that could not be read) was refused; the connection and room live on."""

    type: Literal["error"] = "error"
    code: str
    reason: str


class ParticipantJoined(Reply):
    type: Literal["participant_joined"] = "participant_joined"
    participant: Participant


class ParticipantLeft(Reply):
    type: Literal["participant_left"] = "participant_left"
    participant: str
    reason: str


class ParticipantState(Reply):
    """Someone muted/unmuted or turned the camera off/on."""

    type: Literal["participant_state"] = "participant_state"
    participant: str
    audio: bool
    video: bool


class LobbyWaiting(Reply):
    """To those who may admit: the people waiting, in order."""

    type: Literal["lobby_waiting"] = "lobby_waiting"
    waiting: list[Participant]


class Denied(Reply):
    """To a person in the lobby: not admitted. The server closes the connection."""

    type: Literal["denied"] = "denied"
    reason: str


class Slots(Reply):
    """Who is on each of your receive slots now (null: nobody)."""

    type: Literal["slots"] = "slots"
    slots: dict[str, str | None]
    presenter: str | None


class Presenter(Reply):
    """Event to everyone admitted: who the presenter is now (null: nobody)."""

    type: Literal["presenter"] = "presenter"
    participant: str | None


class StopSending(Reply):
    """Nobody receives your video now: `replaceTrack(null)` on your camera sender (no renegotiation)."""

    type: Literal["stop_sending"] = "stop_sending"
    kind: Literal["video"] = "video"
    line: str = "camera"  # the send line (conferences: also camera_small, content)


class StartSending(Reply):
    """Someone needs your video again: put the camera track back on its sender."""

    type: Literal["start_sending"] = "start_sending"
    kind: Literal["video"] = "video"
    line: str = "camera"


class Recording(Reply):
    """Recording started (`active` true) or stopped. While a room that must be recorded is not, `reason` says why
    (`disk_full`, `store_error`, `database_unavailable`, `recorder_failed`) and everyone shows 未在录制 with it;
    `acknowledge` asks the host to confirm before going on (`acknowledge_recording`)."""

    type: Literal["recording"] = "recording"
    active: bool
    reason: str | None = None
    acknowledge: bool = False


class Ended(Reply):
    """The room has ended; the server closes the connection."""

    type: Literal["ended"] = "ended"
    reason: str


class Closed(Reply):
    """The server closes this connection: `replaced` (you connected again elsewhere), `removed`,
    `rate_limited` (kept sending too fast after `rate_limited` errors), `too_slow` (did not read), or `server_stopped`
    (the hub is shutting down; a restarted hub takes the call back, the recording's gap says why)."""

    type: Literal["closed"] = "closed"
    reason: str


_REQUESTS: tuple[type[Request], ...] = (
    *(Join, Offer, Ice, Admit, Deny, MediaState, SetPresenter, Remove, Leave, End, AcknowledgeRecording, Ping),
    *CONFERENCE_REQUESTS,
)
CLIENT_MESSAGES: dict[str, type[Request]] = {m.model_fields["type"].default: m for m in _REQUESTS}
_REPLIES: tuple[type[Reply], ...] = (
    Joined,
    Lobby,
    Answer,
    Ok,
    Pong,
    Error,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantState,
    LobbyWaiting,
    Denied,
    Slots,
    Presenter,
    StopSending,
    StartSending,
    Recording,
    Ended,
    Closed,
    *CONFERENCE_EVENTS,
)
SERVER_MESSAGES: dict[str, type[Reply]] = {m.model_fields["type"].default: m for m in _REPLIES}

ERROR_CODES: dict[str, str] = {
    "bad_json": "the message is not JSON text",
    "too_large": f"the message is longer than {MAX_MESSAGE_BYTES} bytes",
    "unknown_type": "no such message type",
    "invalid_message": "a field is missing, extra, or of the wrong type",
    "binary_frame": "only text frames are accepted",
    "out_of_order": "the message is not valid now (e.g. an offer before joining)",
    "forbidden": "your role may not do this",
    "bad_token": "the room token is forged or malformed",
    "token_expired": "the room token has expired",
    "token_used": "the room token has already joined once; fetch a new one",
    "wrong_room": "the token is for another room",
    "not_yours": "the token is a staff member's seat and this socket is not of their signed-in session",
    "room_ended": "the room has ended",
    "not_found": "no such participant in this room",
    "recording_unacknowledged": "the interview is not being recorded and its host has not acknowledged it yet",
    "media_failed": "the offer could not be answered",
    "restart_failed": "the ICE restart cannot be done on this connection (the message says why): offer a new one",
    "rate_limited": "too many messages: slow down (the socket closes if the burst goes on)",
    "internal": "the server failed; the request was not done",
    "node_unreachable": "the process that holds the room cannot be reached now (several processes); try again",
    **CONFERENCE_ERRORS,
}
