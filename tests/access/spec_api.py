"""Expectations for the JSON API's own description: open to everyone, like the API's sign-in."""

from __future__ import annotations

from tests.access.matrix import Probe, World, expect

OPENAPI = "/api/v1/openapi.json"


def probes(world: World) -> list[Probe]:
    return [Probe("GET", OPENAPI, OPENAPI, expect(OPENAPI, staff=200, outsiders=200))]
