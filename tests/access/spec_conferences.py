# ruff: noqa: E501
# (one probe per line reads as a table: long lines are the price)
"""Expectations for conferences (hub/conferences): county staff schedule them (the three administrators and township
staff are refused; an allowed attempt with a room that does not exist stops at 422); a conference is seen, with its
attendance sheet, by whoever sees its room session: a guessed id is 404 for everyone."""

from __future__ import annotations

from tests.access.matrix import GUESSED_ID, Probe, World, expect

BAD = {
    "title": "x",
    "starts_at": "2026-11-27T10:00:00+08:00",
    "ends_at": "2026-11-27T11:00:00+08:00",
    "main_room": GUESSED_ID,
    "venue_rooms": [GUESSED_ID],
}


def probes(world: World) -> list[Probe]:
    refused = {"admin": 403, "secadmin": 403, "auditor": 403, "township": 403}
    return [
        Probe("POST", "/api/v1/conferences", "/api/v1/conferences", expect("/api/", staff=422, **refused), body=BAD, note="unknown room"),
        Probe("GET", "/api/v1/conferences", "/api/v1/conferences", expect("/api/", staff=200)),
        Probe("GET", "/api/v1/conferences/{id}", f"/api/v1/conferences/{GUESSED_ID}", expect("/api/", staff=404), note="guessed id"),
        Probe("GET", "/api/v1/conferences/{id}/events", f"/api/v1/conferences/{GUESSED_ID}/events", expect("/api/", staff=404), note="guessed id"),
        Probe("GET", "/api/v1/conferences/{id}/attendance", f"/api/v1/conferences/{GUESSED_ID}/attendance", expect("/api/", staff=404), note="guessed id"),
        Probe("GET", "/conferences/{id}/attendance", f"/conferences/{GUESSED_ID}/attendance", expect("/conferences", staff=404), note="guessed id"),
        Probe("GET", "/conferences/{id}/attendance.pdf", f"/conferences/{GUESSED_ID}/attendance.pdf", expect("/conferences", staff=404), note="guessed id"),
    ]  # fmt: skip
