"""Argon2id password hashing, always off the event loop."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hub.i18n import N_

_hasher = PasswordHasher()  # stateless and thread-safe: RFC 9106 low-memory defaults
# A real hash of a random password: verifying against it costs as much as a real check,
# so an unknown username takes as long as a wrong password (no user enumeration by timing).
_DUMMY_HASH = _hasher.hash("no such user: this hash only burns time")

MIN_LENGTH = 10


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    if stored is None:
        await asyncio.to_thread(_verify, _DUMMY_HASH, password)
        return False
    return await asyncio.to_thread(_verify, stored, password)


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return N_("A password needs at least 10 characters.")
    if len(password) > 256:
        return N_("A password may have at most 256 characters.")
    return None
