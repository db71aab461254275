"""Live connections tied to sessions: when a session ends, its WebSockets close and leave their rooms.

Sessions live in the database, so an ending anywhere (sign-out, idle or absolute timeout, a disabled account, a
revoked key, in this process or another) is seen by every process: each one re-checks, in one query, the sessions
behind its open sockets every ``session_check_seconds``, and at once after an ending it caused itself.

The signaling part registers each socket with ``watch_request`` and reports its traffic with ``note_activity``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiohttp import web

from hub.access.actor import ANONYMOUS
from hub.auth import sessions
from hub.clock import Clock
from hub.db import Database
from hub.http.background import periodic
from hub.http.keys import ACTOR, CLOCK, DB, SETTINGS
from hub.http.views import Call

log = structlog.get_logger("hub.auth.live")

OnEnd = Callable[[], Awaitable[None]]


class SessionWatch:
    def __init__(self, db: Database, clock: Clock, timeouts: Callable[[], sessions.Timeouts]) -> None:
        self._db = db
        self._clock = clock
        self._timeouts = timeouts
        self._watched: dict[int, tuple[str, OnEnd]] = {}
        self._touched: dict[str, dt.datetime] = {}  # last activity written per session: one UPDATE a minute at most
        self._ids = itertools.count()
        self._lock = asyncio.Lock()

    def watch(self, session_id: str, on_end: OnEnd) -> Callable[[], None]:
        """Call ``on_end`` (once) when the session ``session_id`` ends; returns the function that stops watching."""
        handle = next(self._ids)
        self._watched[handle] = (session_id, on_end)
        return lambda: self._watched.pop(handle, None) and None

    @property
    def watched(self) -> int:
        return len(self._watched)

    async def check(self) -> int:
        """Close what belongs to ended sessions; returns how many connections were closed."""
        async with self._lock:
            if not self._watched:
                return 0
            ids = sorted({sid for sid, _ in self._watched.values()})
            async with self._db.transaction(write=False) as s:
                live = await sessions.alive(s, ids, self._clock.now(), self._timeouts())
            ended = [(h, cb) for h, (sid, cb) in list(self._watched.items()) if sid not in live]
            for handle, _ in ended:
                self._watched.pop(handle, None)
            for sid in set(ids) - live:
                self._touched.pop(sid, None)
        for _, on_end in ended:
            try:
                await on_end()
            except Exception:  # one broken socket must not keep the others open
                log.exception("session_end_callback_failed")
        if ended:
            log.info("sockets_closed_for_ended_sessions", count=len(ended))
        return len(ended)

    async def activity(self, session_id: str) -> None:
        """A message on a live socket keeps its session from idling out (written at most once a minute)."""
        now = self._clock.now()
        last = self._touched.get(session_id)
        if last is not None and now - last < sessions.TOUCH_EVERY:
            return  # ICE candidates and media states come many a second: no database write for each
        self._touched[session_id] = now
        try:
            async with self._db.transaction() as s:
                await sessions.touch_id(s, session_id, now)
        except Exception as exc:  # a database outage is never a reason to close a live call: the next message retries
            self._touched.pop(session_id, None)
            log.warning("session_touch_failed", error=type(exc).__name__)


SESSION_WATCH: web.AppKey[SessionWatch] = web.AppKey("session_watch", SessionWatch)


def setup(app: web.Application) -> None:
    from hub.auth.middleware import timeouts_of

    app[SESSION_WATCH] = SessionWatch(app[DB], app[CLOCK], lambda: timeouts_of(app))

    async def sweep(app: web.Application) -> None:
        await app[SESSION_WATCH].check()

    app.cleanup_ctx.append(periodic("session_sweep", sweep, lambda app: app[SETTINGS].session_check_seconds))


def watch_request(request: web.Request, on_end: OnEnd) -> Callable[[], None]:
    """For a WebSocket handler: ``on_end`` runs when the session behind this request ends (sign-out, timeout, disabled
    account, revoked key, in any process). Returns the function to call when the socket closes by itself. Kiosks and
    anonymous visitors have no staff session: nothing is watched (a revoked device is the rooms part's business)."""
    session_id = request.get(ACTOR, ANONYMOUS).session_id
    if session_id is None or SESSION_WATCH not in request.app:
        return lambda: None
    return request.app[SESSION_WATCH].watch(session_id, on_end)


async def note_activity(request: web.Request) -> None:
    """For a WebSocket handler, on every message: the socket's traffic keeps its session from idling out."""
    session_id = request.get(ACTOR, ANONYMOUS).session_id
    if session_id is not None and SESSION_WATCH in request.app:
        await request.app[SESSION_WATCH].activity(session_id)


# Whom to tell when this process ended sessions, so that the other processes of the hub close their sockets at once
# too instead of at their next sweep (HUB_BUS=redis: signaling's cluster adds one at wiring).
TELL_OTHERS: web.AppKey[list[Callable[[], None]]] = web.AppKey("session_endings_elsewhere", list)


async def check_now(app: web.Application, *, tell_others: bool = True) -> None:
    """After an ending this process caused (sign-out, disable, revoke): close its sockets without waiting, and tell
    the hub's other processes to do the same with theirs."""
    if SESSION_WATCH in app:
        await app[SESSION_WATCH].check()
    if tell_others:
        for tell in app.get(TELL_OTHERS, []):
            tell()


def close_ended_sessions(call: Call[Any]) -> None:
    """For a view whose work may end sessions (disable, revoke, a new enrolment): once its unit has committed, close
    the ended sessions' sockets at once (the check reads what was committed)."""
    call.after_commit(lambda: check_now(call.app))
