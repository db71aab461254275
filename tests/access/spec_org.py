"""Expectations for the organisation chart and the room list (hub/org): every staff member sees them, only the
administrator changes them."""

from __future__ import annotations

from tests.access.matrix import GUESSED_ID, ListCheck, Probe, World, expect

UNITS = ("commission", "office.petition", "jg.3", "jg.5", "tw.xini", "tw.duguitala")
TAKEN = {"kind": "office", "code": "office.petition", "name_zh": "重复", "office": "petition"}


def probes(world: World) -> list[Probe]:
    probes = [
        Probe("GET", "/org", "/org", expect("/org", staff=200)),
        Probe("GET", "/api/v1/org/units", "/api/v1/org/units", expect("/api/", staff=200)),
        Probe("GET", "/api/v1/rooms", "/api/v1/rooms", expect("/api/", staff=200)),
        # an allowed create of a unit whose code is taken stops at 409 and creates nothing
        Probe("POST", "/api/v1/org/units", "/api/v1/org/units", expect("/api/", staff=403, admin=409), body=TAKEN),
        Probe("POST", "/org/units", "/org/units", expect("/org", staff=403, admin=409), body=TAKEN, form=True),
        Probe("GET", "/api/v1/org/units/{id}", f"/api/v1/org/units/{GUESSED_ID}", expect("/api/", staff=404), note="guessed id"),
        Probe("PATCH", "/api/v1/org/units/{id}", f"/api/v1/org/units/{GUESSED_ID}", expect("/api/", staff=404),
              body={"version": 0}, note="guessed id"),
    ]  # fmt: skip
    for code in UNITS:
        uid = world.unit(code)
        probes += [
            Probe("GET", "/api/v1/org/units/{id}", f"/api/v1/org/units/{uid}", expect("/api/", staff=200), note=code),
            Probe("PATCH", "/api/v1/org/units/{id}", f"/api/v1/org/units/{uid}", expect("/api/", staff=403, admin=409),
                  body={"version": 0, "name_en": "x"}, note=code),
            Probe("POST", "/org/units/{id}", f"/org/units/{uid}", expect("/org", staff=403, admin=409),
                  body={"version": "0", "name_en": "x"}, form=True, note=code),
        ]  # fmt: skip
    return probes


def lists(world: World) -> list[ListCheck]:
    return [ListCheck("/api/v1/org/units", "/api/v1/org/units/{id}", tuple(world.unit(c) for c in UNITS))]
