from __future__ import annotations

import base64
import json
import time

import pytest

from hub.rooms.participants import ParticipantRole
from hub.rooms.tokens import TokenError, issue_token, verify_token

SECRET = "s3cret"


def test_round_trip_carries_every_claim() -> None:
    token = issue_token(SECRET, room="rs-7", participant="u-1", name="张三", role=ParticipantRole.INTERVIEWER, ttl_seconds=60)
    claims = verify_token(token, SECRET)
    assert (claims.room, claims.participant, claims.name, claims.role) == ("rs-7", "u-1", "张三", ParticipantRole.INTERVIEWER)
    assert claims.expires - time.time() == pytest.approx(60, abs=2)
    assert len(claims.nonce) >= 16
    again = verify_token(issue_token(SECRET, room="rs-7", participant="u-1", name="张三", role="interviewer"), SECRET)
    assert again.nonce != claims.nonce


def test_expired_token_is_refused() -> None:
    token = issue_token(SECRET, room="r", participant="p", name="n", role=ParticipantRole.HOST, ttl_seconds=10, now=1000.0)
    assert verify_token(token, SECRET, now=1009.0).room == "r"
    with pytest.raises(TokenError) as caught:
        verify_token(token, SECRET, now=1010.0)
    assert caught.value.code == "token_expired"


def test_wrong_secret_and_tampering_are_refused() -> None:
    token = issue_token(SECRET, room="r", participant="p", name="n", role=ParticipantRole.PETITIONER)
    with pytest.raises(TokenError) as caught:
        verify_token(token, "another secret")
    assert caught.value.code == "bad_token"
    prefix, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["role"] = "host"  # a petitioner trying to promote themselves
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(TokenError):
        verify_token(f"{prefix}.{forged}.{signature}", SECRET)


@pytest.mark.parametrize("garbage", ["", "v1.", "v1..", "v1.abc.def", "x" * 5000, "v1.!!!.###", "v2.a.b"])
def test_garbage_is_a_bad_token(garbage: str) -> None:
    with pytest.raises(TokenError) as caught:
        verify_token(garbage, SECRET)
    assert caught.value.code == "bad_token"


def test_signed_but_malformed_claims_are_refused() -> None:
    import hashlib
    import hmac

    body = "v1." + base64.urlsafe_b64encode(b'{"room": 5}').rstrip(b"=").decode()
    signature = base64.urlsafe_b64encode(hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).digest())
    with pytest.raises(TokenError) as caught:
        verify_token(body + "." + signature.rstrip(b"=").decode(), SECRET)
    assert caught.value.code == "bad_token"
