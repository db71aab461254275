"""What the schedule part keeps on the app."""

from __future__ import annotations

from aiohttp import web

from hub.schedule.bookings import BookingLimits
from hub.schedule.rules import Planners

PLANNERS: web.AppKey[Planners] = web.AppKey("schedule_planners", Planners)
LIMITS: web.AppKey[BookingLimits] = web.AppKey("schedule_limits", BookingLimits)
