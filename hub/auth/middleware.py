"""Attach the acting person (or device) to every request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from hub.access.actor import ANONYMOUS, Actor
from hub.auth import sessions
from hub.auth.models import SessionStage
from hub.http.context import cookie_name
from hub.http.keys import ACTOR, CLOCK, DB, SESSION_STAGE, SETTINGS

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Other ways to be someone (an enrolled kiosk device) are registered by their parts at wiring time.
ActorResolver = Callable[[web.Request], Awaitable[Actor | None]]
ACTOR_RESOLVERS: web.AppKey[list[ActorResolver]] = web.AppKey("actor_resolvers")
# A staff member half-way through sign-in (password accepted, key to come or to enrol): never an acting actor.
PENDING: web.RequestKey[sessions.Loaded] = web.RequestKey("pending_sign_in", sessions.Loaded)


def timeouts_of(app: web.Application) -> sessions.Timeouts:
    import datetime as dt

    settings = app[SETTINGS]
    return sessions.Timeouts(
        idle=dt.timedelta(minutes=settings.session_idle_minutes),
        absolute=dt.timedelta(hours=settings.session_absolute_hours),
    )


def complete(app: web.Application, loaded: sessions.Loaded) -> bool:
    """A session acts only when complete, and, with the key requirement on, only when a key completed it.

    The second test closes the gap of password-only sessions begun while the requirement was off.
    """
    if loaded.stage is not SessionStage.COMPLETE:
        return False
    return loaded.security_key_id is not None or not app[SETTINGS].security_key_required


@web.middleware
async def session_actor(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[ACTOR] = ANONYMOUS
    token = request.cookies.get(cookie_name(request, sessions.COOKIE), "")
    if token:
        db, now = request.app[DB], request.app[CLOCK].now()
        async with db.transaction(write=False) as s:
            loaded = await sessions.load(s, token, now, timeouts_of(request.app))
        if loaded is not None:
            request[SESSION_STAGE] = loaded.stage
            if complete(request.app, loaded):
                request[ACTOR] = loaded.actor
            elif loaded.stage is not SessionStage.COMPLETE:
                request[PENDING] = loaded
            if loaded.needs_touch:
                async with db.transaction() as s:
                    await sessions.touch(s, token, now)
    if not request[ACTOR].is_staff:
        for resolve in request.app.get(ACTOR_RESOLVERS, []):
            found = await resolve(request)
            if found is not None and found.kind == "staff":
                # a device credential never makes a person: only a password-and-key session does
                raise RuntimeError(f"actor resolver {resolve!r} returned a staff actor")
            if found is not None:
                request[ACTOR] = found
                break
    return await handler(request)
