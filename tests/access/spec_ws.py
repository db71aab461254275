"""The signaling WebSocket `/ws`, at the HTTP level: a foreign (or missing) Origin is refused before the upgrade.

Per-message expectations: HOOK for the signaling part. ``ws_messages`` lists, per message type, what each role's
attempt must get; test_matrix.py's ``test_websocket_messages`` runs them once `/ws` is wired into create_app. A message
type of ``hub.signaling.protocol.CLIENT_MESSAGES`` that is missing here fails that test, like a missing HTTP route.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.access.matrix import Probe, World, expect

WS_ROUTE = "/ws"


@dataclass(frozen=True)
class WsExpectation:
    """A message a role sends, and the reply type (or error code) it must get."""

    message: dict[str, object]
    reply_type: str  # "error", "joined", ...
    error_code: str | None = None
    roles: tuple[str, ...] = ()  # empty: every role


def ws_messages(secret: bytes, now: float) -> dict[str, list[WsExpectation]]:
    """Every client message type of hub.signaling.protocol, as each role sends it on a fresh socket, before any valid
    join: only `ping` answers; a join needs a room token that the server signed for that room and that has not expired
    (HTTP-level rights: the token endpoints are in spec_rooms.py). The signaling part adds in-room expectations here
    (with tokens issued for each role: host-only messages refused to a witness, and so on)."""
    from hub.rooms.tokens import issue_token

    # tokens expire on the hub's clock (``now``: the app's, a fake one in tests)
    other_room = issue_token(secret, room="room-b", participant="p1", name="x", role="host", now=now)
    expired = issue_token(secret, room="room-a", participant="p1", name="x", role="host", ttl_seconds=-10, now=now)
    early = "out_of_order"
    return {
        "join": [
            WsExpectation({"type": "join", "id": 1, "room": "room-a", "token": "v1.forged.token"}, "error", "bad_token"),
            WsExpectation({"type": "join", "id": 1, "room": "room-a", "token": other_room}, "error", "wrong_room"),
            WsExpectation({"type": "join", "id": 1, "room": "room-a", "token": expired}, "error", "token_expired"),
        ],
        "offer": [WsExpectation({"type": "offer", "id": 1, "sdp": "v=0"}, "error", early)],
        "ice": [WsExpectation({"type": "ice", "id": 1, "candidate": None}, "error", early)],
        "admit": [WsExpectation({"type": "admit", "id": 1, "participant": "p2"}, "error", early)],
        "deny": [WsExpectation({"type": "deny", "id": 1, "participant": "p2"}, "error", early)],
        "media_state": [WsExpectation({"type": "media_state", "id": 1, "audio": True, "video": False}, "error", early)],
        "set_presenter": [WsExpectation({"type": "set_presenter", "id": 1, "participant": None}, "error", early)],
        "remove": [WsExpectation({"type": "remove", "id": 1, "participant": "p2"}, "error", early)],
        "leave": [WsExpectation({"type": "leave", "id": 1}, "error", early)],
        "end": [WsExpectation({"type": "end", "id": 1}, "error", early)],
        "acknowledge_recording": [WsExpectation({"type": "acknowledge_recording", "id": 1}, "error", early)],
        "ping": [WsExpectation({"type": "ping", "id": 1}, "pong")],
        # conferences (会控): every console command and venue request wants a joined conference first
        **{
            kind: [WsExpectation({"type": kind, "id": 1, **fields}, "error", early)]
            for kind, fields in CONFERENCE_EXAMPLES.items()
        },
    }


CONFERENCE_EXAMPLES: dict[str, dict[str, object]] = {
    **{k: {"venue": "p2"} for k in ("call_venue", "hang_up", "mute", "unmute", "roll_call", "grant_floor", "decline_floor")},
    **{k: {} for k in ("admit_all", "mute_all", "unmute_all", "stop_tour", "end_conference", "end_floor")},
    **{k: {} for k in ("request_floor", "cancel_floor", "answer_roll_call")},
    "set_layout": {"layout": "2x2", "venues": ["p2"]},
    "broadcast": {"venue": "p2"},
    "watch": {"venue": None},
    "voice_switching": {"on": True},
    "tour": {"mode": "broadcast", "seconds": 10},
    "lock": {"locked": True},
    "extend": {"minutes": 10},
    "hand_over": {"participant": "p2"},
    "allow_content": {"venue": "p2", "allowed": True},
    "sign_in": {"people": 5},
    "share_content": {"on": True},
    "venue_stats": {"camera": True, "microphone": True, "quality": "good"},
}


def probes(world: World) -> list[Probe]:
    evil = {"Origin": "https://evil.example"}
    return [
        Probe("GET", WS_ROUTE, WS_ROUTE, expect(WS_ROUTE, staff=403, outsiders=403), headers=evil, note="foreign Origin"),
        Probe("GET", WS_ROUTE, WS_ROUTE, expect(WS_ROUTE, staff=403, outsiders=403), note="no Origin"),
    ]
