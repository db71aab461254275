"""Limits per kiosk on what costs the hub or opens a door: filings (large uploads) and wrong receipt look-ups.

A kiosk serves one person at a time, so a few filings in ten minutes and ten wrong receipt codes in a quarter of an
hour are far more than an honest queue makes; past them the kiosk is told to wait (429). The counts live in this
process (a township has one kiosk, a county one process per few rooms): a restart forgets them, and several processes
each count on their own (docs/security.md says so). Checked before the body is read (the views' ``guard``).
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from aiohttp import web

from hub.errors import TooManyRequests
from hub.http.context import actor_of
from hub.i18n import N_


@dataclass
class Window:
    limit: int
    seconds: float
    hits: dict[int, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def _live(self, key: int) -> deque[float]:
        found, cutoff = self.hits[key], time.monotonic() - self.seconds
        while found and found[0] < cutoff:
            found.popleft()
        return found

    def full(self, key: int) -> bool:
        return len(self._live(key)) >= self.limit

    def hit(self, key: int) -> None:
        self._live(key).append(time.monotonic())


@dataclass
class KioskWindows:
    filings: Window = field(default_factory=lambda: Window(limit=4, seconds=600))  # petitions per kiosk in 10 minutes
    # wrong receipt codes (or PINs, or phones) per kiosk in 15 minutes
    lookups: Window = field(default_factory=lambda: Window(limit=10, seconds=900))


KIOSK_WINDOWS: web.AppKey[KioskWindows] = web.AppKey("kiosk_windows", KioskWindows)


def _device(request: web.Request) -> int:
    return actor_of(request).device_id or 0


def filing_guard(request: web.Request) -> None:
    if request.app[KIOSK_WINDOWS].filings.full(_device(request)):
        raise TooManyRequests(N_("This kiosk has filed several petitions just now. Please wait a few minutes."), 600)


def lookup_guard(request: web.Request) -> None:
    if request.app[KIOSK_WINDOWS].lookups.full(_device(request)):
        raise TooManyRequests(N_("Too many receipt codes did not fit. Please wait 15 minutes and try again."), 900)


def filed(request: web.Request) -> None:
    request.app[KIOSK_WINDOWS].filings.hit(_device(request))


def wrong_lookup(request: web.Request) -> None:
    request.app[KIOSK_WINDOWS].lookups.hit(_device(request))
