"""Short-lived room tokens, HMAC-SHA256 signed: who may join which room session, as what.

An HTTP endpoint that has checked the user's (or kiosk's) rights issues one; the WebSocket verifies it.
Format: ``v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(secret, "v1." + claims))>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from hub.rooms.participants import ParticipantRole

PREFIX = "v1."
MAX_TOKEN_LENGTH = 2048
DEFAULT_TTL_SECONDS = 120


class TokenError(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class RoomToken:
    room: str  # room-session id
    participant: str
    name: str
    role: ParticipantRole
    expires: int  # unix seconds
    nonce: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key(secret: str | bytes) -> bytes:
    return secret.encode() if isinstance(secret, str) else secret


def issue_token(
    secret: str | bytes,
    *,
    room: str,
    participant: str,
    name: str,
    role: ParticipantRole | str,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
    now: float | None = None,
) -> str:
    claims = {
        "room": str(room),
        "participant": str(participant),
        "name": name,
        "role": ParticipantRole(role).value,
        "exp": int((time.time() if now is None else now) + ttl_seconds),
        "nonce": secrets.token_urlsafe(12),
    }
    body = PREFIX + _b64(json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode())
    return body + "." + _b64(hmac.new(_key(secret), body.encode(), hashlib.sha256).digest())


def verify_token(token: str, secret: str | bytes, *, now: float | None = None) -> RoomToken:
    """The token's claims, or `TokenError` ("bad_token" for anything forged or malformed, "token_expired")."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or not token.startswith(PREFIX):
        raise TokenError("bad_token", "not a room token")
    body, _, signature = token.rpartition(".")
    try:
        given = _unb64(signature)
    except (binascii.Error, ValueError):
        raise TokenError("bad_token", "malformed signature") from None
    expected = hmac.new(_key(secret), body.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(given, expected):
        raise TokenError("bad_token", "signature does not match")
    try:
        claims = json.loads(_unb64(body[len(PREFIX) :]))
        parsed = RoomToken(
            room=_text(claims["room"]),
            participant=_text(claims["participant"]),
            name=_text(claims["name"]),
            role=ParticipantRole(claims["role"]),
            expires=int(claims["exp"]),
            nonce=_text(claims["nonce"]),
        )
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise TokenError("bad_token", "malformed claims") from None
    if parsed.expires <= (time.time() if now is None else now):
        raise TokenError("token_expired", "token has expired")
    return parsed


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("claim must be text")
    return value
