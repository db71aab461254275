"""What the other parts use of accounts and sign-in.

Other parts import from here, never from this part's other modules (tests/test_layers.py)."""

from __future__ import annotations

from hub.auth import accounts
from hub.auth.live import note_activity, watch_request
from hub.auth.middleware import ACTOR_RESOLVERS
from hub.auth.models import PortfolioEntry, User
from hub.auth.passwords import hash_password
from hub.auth.staff import staff_actor_named

__all__ = [
    "ACTOR_RESOLVERS",
    "PortfolioEntry",
    "User",
    "accounts",
    "hash_password",
    "note_activity",
    "staff_actor_named",
    "watch_request",
]
