"""The signaling WebSocket `/ws`, at the HTTP level: a foreign (or missing) Origin is refused before the upgrade.

Per-message expectations: HOOK for the signaling part. ``WS_MESSAGES`` lists, per message type, what each role's
attempt must get; test_matrix.py's ``test_websocket_messages`` runs them once `/ws` is wired into create_app. A message
type of ``hub.signaling.protocol`` that is missing here fails that test, exactly like a missing HTTP route.
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


# The signaling part fills this in (join with a forged token, with another room's token, offer before join, ...).
WS_MESSAGES: dict[str, list[WsExpectation]] = {
    "join": [
        WsExpectation({"type": "join", "id": "1", "room": "r1", "token": "v1.forged.token"}, "error", "bad_token"),
    ],
}


def probes(world: World) -> list[Probe]:
    evil = {"Origin": "https://evil.example"}
    return [
        Probe("GET", WS_ROUTE, WS_ROUTE, expect(WS_ROUTE, staff=403, outsiders=403), headers=evil, note="foreign Origin"),
        Probe("GET", WS_ROUTE, WS_ROUTE, expect(WS_ROUTE, staff=403, outsiders=403), note="no Origin"),
    ]
