# ruff: noqa: E501
# (one probe per line reads as a table: long lines are the price)
"""Expectations for health, metrics and static files: health and static files open to everyone, /metrics only to the
configured addresses (loopback here, as every probe comes from 127.0.0.1) and never when relayed by a proxy."""

from __future__ import annotations

from tests.access.matrix import Probe, World, expect

READY = frozenset({200, 503})


def probes(world: World) -> list[Probe]:
    return [
        Probe("GET", "/healthz", "/healthz", expect("/healthz", staff=200, outsiders=200)),
        # readiness is the same for everyone: 200, or 503 while a part is not ready (a loaded test machine can time a check
        # out); never a refusal
        Probe("GET", "/readyz", "/readyz", expect("/readyz", staff=READY, outsiders=READY)),
        Probe("GET", "/metrics", "/metrics", expect("/metrics", staff=200, outsiders=200), note="from a configured address"),
        Probe("GET", "/metrics", "/metrics", expect("/metrics", staff=404, outsiders=404), headers={"X-Forwarded-For": "203.0.113.9"}, note="relayed by a proxy"),
        Probe("GET", "/static", "/static/css/hub.css", expect("/static", staff=200, outsiders=200)),
        Probe("GET", "/static", "/static/js/auth/ceremony.js", expect("/static", staff=200, outsiders=200)),
        # no way out of the static folder, however the path is spelt
        Probe("GET", "/static", "/static/..%2f..%2fhub%2fsettings.py", expect("/static", staff=404, outsiders=404), note="traversal"),
        Probe("GET", "/static", "/static/%2e%2e/%2e%2e/pyproject.toml", expect("/static", staff=404, outsiders=404), note="traversal"),
    ]  # fmt: skip
