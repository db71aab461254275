# ruff: noqa: E501
# (one probe per line reads as a table: long lines are the price)
"""The kiosk actor (an enrolled township device, hub/rooms' resolver): it opens kiosk functions only.

Every staff route already expects the kiosk role to be refused like anyone not signed in (see the other specs: the
``kiosk`` column of ``expect`` defaults to the sign-in refusal). Here: the one thing a kiosk may ask of a room
session — a join token for the session its own room is in.
"""

from __future__ import annotations

from tests.access.matrix import STAFF, Probe, World, expect

# who may have a token for the seeded reception (petition1 hosts it with the Xini kiosk): stated by hand
RECEPTION = frozenset({"office", "leader"})


def probes(world: World) -> list[Probe]:
    try:
        sid = world.extra("room_session.reception")  # noqa: S610 - the matrix world, not Django
    except KeyError:  # hub/rooms seeds no reception: nothing to try
        return []
    return [
        Probe("POST", "/api/v1/room-sessions/{id}/token", f"/api/v1/room-sessions/{sid}/token",
              expect("/api/", kiosk=200, **{r: 200 if r in RECEPTION else 404 for r in STAFF}), body={}, note="the kiosk's own reception"),
    ]  # fmt: skip
