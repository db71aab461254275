"""Small accessors for what a handler needs from its request."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from hub.access.actor import ANONYMOUS, Actor
from hub.access.policy import Policy
from hub.db import Database
from hub.errors import Unauthenticated
from hub.http.keys import ACTOR, CLOCK, DB, POLICY


def actor_of(request: web.Request) -> Actor:
    actor = request.get(ACTOR, ANONYMOUS)
    assert isinstance(actor, Actor)
    return actor


def require_staff(request: web.Request) -> Actor:
    actor = actor_of(request)
    if not actor.is_staff:
        raise Unauthenticated("unauthenticated", "Please sign in.")
    return actor


def db_of(request: web.Request) -> Database:
    return request.app[DB]


def policy_of(request: web.Request) -> Policy:
    return request.app[POLICY]


def now_of(request: web.Request) -> dt.datetime:
    return request.app[CLOCK].now()


def safe_next(value: str | None) -> str:
    """Only a local path may be a redirect target after sign-in."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/home"
