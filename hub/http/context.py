"""Small accessors for what a handler needs from its request."""

from __future__ import annotations

import datetime as dt
import ipaddress

from aiohttp import web

from hub.access.actor import ANONYMOUS, Actor
from hub.access.policy import Policy
from hub.db import Database
from hub.errors import Unauthenticated
from hub.http.keys import ACTOR, CLOCK, DB, POLICY, SETTINGS


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


Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def _within(address: str, networks: Networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(request: web.Request) -> str:
    """The client's address: the peer, or, when the peer is a trusted proxy (HUB_TRUSTED_PROXIES), the last address
    of X-Forwarded-For that is not itself a trusted proxy. Nobody else's X-Forwarded-For is believed."""
    peer = request.remote or ""
    proxies = request.app[SETTINGS].proxy_networks
    if not proxies or not _within(peer, proxies):
        return peer
    hops = [h.strip() for v in request.headers.getall("X-Forwarded-For", []) for h in v.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _within(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a forged or broken header: the proxy itself is the client we know
    return peer


def relayed(request: web.Request) -> bool:
    """Whether a proxy relayed the request (it carries the client's address in a header)."""
    return any(h in request.headers for h in ("X-Forwarded-For", "Forwarded", "X-Real-IP"))


def peer_within(request: web.Request, networks: Networks) -> bool:
    return _within(request.remote or "", networks)


def cookie_name(request: web.Request, base: str) -> str:
    """``__Host-<base>`` when cookies are Secure (HTTPS): the browser then refuses it unless Secure, for this host
    alone and for every path, so that no sibling host nor plain-HTTP page can plant or shadow it."""
    return f"__Host-{base}" if request.app[SETTINGS].secure_cookies else base
