"""Hardware security keys (WebAuthn, py_webauthn): enrol, sign in, revoke, one-time enrolment. Services never commit.

Every ceremony checks the exact origin and RP id, requires user verification (the key's PIN is part of the factor),
answers one single-use challenge (hub.auth.challenges), and refuses a sign counter that did not grow (a cloned key).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from cryptography import x509
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, parse_attestation_object, validate_certificate_chain
from webauthn.helpers.exceptions import InvalidCertificateChain, WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from hub import audit
from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.auth import key_metadata, sessions
from hub.auth.key_models import SELF_ATTESTING_MODELS
from hub.auth.models import EnrolmentGrant, SecurityKey, User, WebSession
from hub.errors import Conflict, Invalid, NotFound, Unauthenticated
from hub.i18n import N_

log = structlog.get_logger("hub.auth.keys")

KEY_REFUSED = N_("The security key was not accepted. Try again, or ask the administrator.")
MODEL_REFUSED = N_("This model of security key is not on the approved list.")
METADATA_MISSING = N_(
    "The FIDO metadata of this model of security key has not been imported, so its attestation cannot be checked. "
    "Ask the security administrator to import the metadata."
)
MODEL_COMPROMISED = N_("The FIDO Alliance reports this model of security key as revoked or compromised: it cannot be enrolled.")
CHAIN_REFUSED = N_(
    "This key's attestation certificate was not issued under its maker's root in the FIDO metadata: the key is not "
    "the model it claims to be."
)
# id-fido-gen-ce-aaguid: the model an attestation certificate is for, when the certificate says
AAGUID_EXTENSION = x509.ObjectIdentifier("1.3.6.1.4.1.45724.1.1.4")


class KeyRefused(Unauthenticated):
    """A ceremony that failed; ``reason`` is for the log and the audit, never for the browser."""

    def __init__(self, reason: str) -> None:
        super().__init__("key_refused", KEY_REFUSED)
        self.reason = reason

    @property
    def counter_regressed(self) -> bool:
        return "sign count" in self.reason


@dataclass(frozen=True)
class RelyingParty:
    """What every ceremony is checked against: from settings, never from the request."""

    id: str
    name: str
    origin: str
    approved_aaguids: frozenset[str]
    enrolment_window: dt.timedelta
    metadata_required: bool = False  # HUB_SECURITY_KEY_METADATA=required: no imported metadata, no enrolment


def _certificates(credential: dict[str, Any]) -> list[bytes]:
    """The (already verified) attestation's certificate chain (``x5c``), leaf first; empty for self attestation."""
    try:
        statement = parse_attestation_object(base64url_to_bytes(credential["response"]["attestationObject"])).att_stmt
    except Exception:  # verified already: a parse failure here means no certificate to show
        return []
    return list(statement.x5c or [])


def _certified_model(leaf: bytes) -> str | None:
    """The AAGUID an attestation certificate names in its id-fido-gen-ce-aaguid extension, if it names one."""
    try:
        ext = x509.load_der_x509_certificate(leaf).extensions.get_extension_for_oid(AAGUID_EXTENSION)
    except (x509.ExtensionNotFound, ValueError):
        return None
    raw = ext.value.value if isinstance(ext.value, x509.UnrecognizedExtension) else b""
    # an OCTET STRING of 16 bytes inside the extension's value
    return str(uuid.UUID(bytes=raw[2:])) if len(raw) == 18 and raw[:2] == b"\x04\x10" else "malformed"


async def _check_with_metadata(session: AsyncSession, rp: RelyingParty, user: User, aaguid: str, x5c: list[bytes]) -> None:
    """With the key requirement on: an attestation certificate must be made for the model the key claims, the
    model's FIDO metadata must not report it revoked or compromised, and the certificate must chain to one of its
    roots there. Without metadata for the model, enrolment goes on (``if_present``) or is refused (``required``).
    Self-attesting models (the demo's virtual authenticator) have no maker's root to check against."""
    if not rp.approved_aaguids or aaguid in SELF_ATTESTING_MODELS:
        return  # a model that may attest itself proves nothing by a certificate either (approved only in the demo)
    # a certificate made for another model (WebAuthn §8.2.1: id-fido-gen-ce-aaguid must match), metadata or not
    named = _certified_model(x5c[0]) if x5c else None
    if named is not None and named != aaguid:
        log.warning("key_attestation_chain_refused", user_id=user.id, aaguid=aaguid, cause=f"certificate names {named}")
        raise Invalid("key_attestation_chain", CHAIN_REFUSED, fields={"credential": CHAIN_REFUSED})
    entry = await key_metadata.model(session, aaguid)
    if entry is None:
        if rp.metadata_required:
            log.warning("key_metadata_missing", user_id=user.id, aaguid=aaguid)
            raise Invalid("key_metadata_missing", METADATA_MISSING, fields={"credential": METADATA_MISSING})
        return
    if status := entry.refusing_status(x5c):
        log.warning("key_model_compromised", user_id=user.id, aaguid=aaguid, status=status)
        raise Invalid("key_model_compromised", MODEL_COMPROMISED, fields={"credential": MODEL_COMPROMISED})
    try:
        if not entry.roots:
            raise InvalidCertificateChain("the model's metadata lists no attestation root")
        validate_certificate_chain(x5c=x5c, pem_root_certs_bytes=entry.pem_roots)
    except InvalidCertificateChain as exc:
        cause = f"{exc}: {exc.__cause__}" if exc.__cause__ else str(exc)
        log.warning("key_attestation_chain_refused", user_id=user.id, aaguid=aaguid, cause=cause[:300])
        raise Invalid("key_attestation_chain", CHAIN_REFUSED, fields={"credential": CHAIN_REFUSED}) from None


def _user_handle(user: User) -> bytes:
    # an opaque handle: the numeric id, never the username (the spec forbids personal data here)
    return f"hub-user-{user.id}".encode()


async def active_keys(session: AsyncSession, user_id: int) -> list[SecurityKey]:
    stmt = select(SecurityKey).where(SecurityKey.user_id == user_id, SecurityKey.revoked_at.is_(None)).order_by(SecurityKey.id)
    return list((await session.scalars(stmt)).all())


async def open_grant(session: AsyncSession, user_id: int, now: dt.datetime) -> EnrolmentGrant | None:
    stmt = (
        select(EnrolmentGrant)
        .where(EnrolmentGrant.user_id == user_id, EnrolmentGrant.used_at.is_(None), EnrolmentGrant.expires_at > now)
        .order_by(EnrolmentGrant.id.desc())
    )
    return (await session.scalars(stmt)).first()


async def may_enrol_first_key(session: AsyncSession, rp: RelyingParty, user: User, now: dt.datetime) -> bool:
    """A staff member with no key may enrol one only with an open one-time enrolment code from the security
    administrator (not in a window after the account was made: whoever enrolled first would own the account)."""
    if await active_keys(session, user.id):
        return False
    grant = await open_grant(session, user.id, now)
    return grant is not None and grant.code_hash is not None


CODE_DIGITS = 12
CODE_FAILED = N_("The enrolment code is not right, or it has expired. Ask the security administrator for a new one.")
FRESH_ASSERTION = dt.timedelta(minutes=5)
NOT_FRESH = N_("To add a key, sign out and sign in again with your key, then add the new one within five minutes.")


def code_digest(code: str) -> str:
    return hashlib.sha256("".join(ch for ch in code if ch.isascii() and ch.isdigit()).encode()).hexdigest()


def new_code() -> str:
    """Twelve digits in three groups (about 40 bits; one try per sign-in, throttled): read out or handed on paper."""
    digits = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    return "-".join(digits[i : i + 4] for i in range(0, CODE_DIGITS, 4))


async def check_code(session: AsyncSession, user: User, code: str, now: dt.datetime) -> None:
    """The open enrolment code of the user must be the one typed; refused like a wrong key otherwise."""
    grant = await open_grant(session, user.id, now)
    if grant is None or grant.code_hash is None or not hmac.compare_digest(grant.code_hash, code_digest(code)):
        log.warning("enrolment_code_refused", user_id=user.id)
        raise Invalid("bad_code", CODE_FAILED, fields={"code": CODE_FAILED})


async def assertion_is_fresh(session: AsyncSession, web_session_id: str, now: dt.datetime) -> bool:
    """A signed-in person adds a key only shortly after a key completed their sign-in (a fresh assertion): a session
    left open on a desk cannot add a key of a stranger's."""
    row = await session.get(WebSession, web_session_id)
    return row is not None and row.security_key_id is not None and now - row.created_at <= FRESH_ASSERTION


def registration_options(rp: RelyingParty, user: User, challenge: bytes, existing: list[SecurityKey]) -> dict[str, Any]:
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=_user_handle(user),
        user_name=user.username,
        user_display_name=user.display_name,
        challenge=challenge,
        timeout=120_000,
        attestation=AttestationConveyancePreference.DIRECT if rp.approved_aaguids else AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED, user_verification=UserVerificationRequirement.REQUIRED
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(k.credential_id)) for k in existing],
    )
    return dict(json.loads(options_to_json(options)))


def authentication_options(rp: RelyingParty, challenge: bytes, keys: list[SecurityKey]) -> dict[str, Any]:
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        timeout=120_000,
        allow_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(k.credential_id)) for k in keys],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return dict(json.loads(options_to_json(options)))


async def enrol(
    session: AsyncSession,
    rp: RelyingParty,
    user: User,
    credential: dict[str, Any],
    challenge: bytes,
    *,
    name: str,
    now: dt.datetime,
    actor: audit.AuditActor,
) -> SecurityKey:
    """Verify a registration and store the key; uses up an open one-time enrolment, if any."""
    try:
        verified = await asyncio.to_thread(
            verify_registration_response,
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:  # every malformed credential is a refusal
        log.warning("key_enrolment_refused", user_id=user.id, reason=str(exc)[:200])
        raise KeyRefused(str(exc)[:200]) from None
    aaguid = str(verified.aaguid).lower()
    fmt = str(getattr(verified.fmt, "value", verified.fmt))  # an enum member, or a plain string for some formats
    if rp.approved_aaguids and (fmt == "none" or aaguid not in rp.approved_aaguids):
        log.warning("key_model_refused", user_id=user.id, aaguid=aaguid, fmt=fmt)
        raise Invalid("key_model", MODEL_REFUSED, fields={"credential": MODEL_REFUSED})
    x5c = _certificates(credential)
    if rp.approved_aaguids and not x5c and aaguid not in SELF_ATTESTING_MODELS:
        # self attestation: signed by the new credential's own key, so anything can claim any model (issue 14)
        log.warning("key_self_attestation_refused", user_id=user.id, aaguid=aaguid, fmt=fmt)
        raise Invalid("key_model", MODEL_REFUSED, fields={"credential": MODEL_REFUSED})
    await _check_with_metadata(session, rp, user, aaguid, x5c)
    credential_id = bytes_to_base64url(verified.credential_id)
    if await session.scalar(select(SecurityKey.id).where(SecurityKey.credential_id == credential_id)) is not None:
        raise Conflict("key_known", N_("This security key is already enrolled."))
    key = SecurityKey(
        user_id=user.id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        aaguid=aaguid,
        attestation_format=fmt,
        name=name.strip()[:60] or "—",
        created_at=now,
    )
    session.add(key)
    await session.flush()
    grant = await open_grant(session, user.id, now)
    if grant is not None:
        grant.used_at = now
    await audit.record(
        session,
        actor,
        "security_key.enrol",
        "user",
        user.id,
        {"key_id": key.id, "aaguid": aaguid, "name": key.name, "grant_id": grant.id if grant else None},
        at=now,
    )
    return key


async def authenticate(
    session: AsyncSession, rp: RelyingParty, user: User, credential: dict[str, Any], challenge: bytes, *, now: dt.datetime
) -> SecurityKey:
    """Verify an assertion by one of the user's active keys; the sign counter must grow."""
    raw_id = credential.get("id") if isinstance(credential, dict) else None
    key = None
    if isinstance(raw_id, str) and len(raw_id) <= 1400:
        key = await session.scalar(
            select(SecurityKey).where(
                SecurityKey.credential_id == raw_id, SecurityKey.user_id == user.id, SecurityKey.revoked_at.is_(None)
            )
        )
    if key is None:
        log.warning("key_unknown", user_id=user.id)
        raise KeyRefused("not an active key of this user")
    try:
        verified = await asyncio.to_thread(
            verify_authentication_response,
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=key.public_key,
            credential_current_sign_count=key.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        reason = str(exc)[:200]
        log.warning("key_assertion_refused", user_id=user.id, key_id=key.id, reason=reason)
        raise KeyRefused(reason) from None
    # compare-and-set on the counter: of two racing assertions with one counter only one wins
    result = await session.execute(
        update(SecurityKey)
        .where(SecurityKey.id == key.id, SecurityKey.sign_count == key.sign_count)
        .values(sign_count=verified.new_sign_count, last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    if int(result.rowcount or 0) != 1:  # type: ignore[attr-defined]
        raise KeyRefused("sign count raced: another assertion with the same counter won")
    await session.refresh(key)
    return key


# --- administration -----------------------------------------------------------------------------


async def list_keys(session: AsyncSession, policy: Policy, actor: Actor, user_id: int) -> tuple[User, list[SecurityKey]]:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    policy.require(actor, "view_keys", user)
    stmt = select(SecurityKey).where(SecurityKey.user_id == user_id).order_by(SecurityKey.id)
    return user, list((await session.scalars(stmt)).all())


async def revoke(session: AsyncSession, policy: Policy, actor: Actor, user_id: int, key_id: int, now: dt.datetime) -> int:
    """Revoke a lost key; every session of its owner ends. Returns the number of sessions ended."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    policy.require(actor, "manage_keys", user)
    key = await session.get(SecurityKey, key_id)
    if key is None or key.user_id != user.id:
        raise NotFound("security_key")
    if key.revoked_at is not None:
        raise Conflict("already_revoked", N_("This key is already revoked."))
    key.revoked_at = now
    ended = await sessions.end_all_for_user(session, user.id, now)
    await audit.record(
        session, actor.audit, "security_key.revoke", "user", user.id, {"key_id": key.id, "sessions_ended": ended}, at=now
    )
    return ended


@dataclass(frozen=True)
class IssuedCode:
    grant: EnrolmentGrant
    code: str  # shown once to the security administrator, who hands it over out of band; never stored


async def issue_enrolment(
    session: AsyncSession, policy: Policy, actor: Actor, user_id: int, rp: RelyingParty, now: dt.datetime
) -> IssuedCode:
    """A one-time enrolment code for a newcomer or for someone who lost their key; the user's sessions end."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    policy.require(actor, "manage_keys", user)
    await session.execute(
        update(EnrolmentGrant)
        .where(EnrolmentGrant.user_id == user.id, EnrolmentGrant.used_at.is_(None), EnrolmentGrant.expires_at > now)
        .values(expires_at=now)  # at most one open grant: a new one replaces the old
        .execution_options(synchronize_session=False)
    )
    code = new_code()
    grant = EnrolmentGrant(
        user_id=user.id,
        issued_at=now,
        issued_by=actor.audit.label,
        expires_at=now + rp.enrolment_window,
        code_hash=code_digest(code),
    )
    session.add(grant)
    await session.flush()
    ended = await sessions.end_all_for_user(session, user.id, now)
    await audit.record(
        session,
        actor.audit,
        "security_key.enrolment_issued",
        "user",
        user.id,
        {"grant_id": grant.id, "expires_at": grant.expires_at.isoformat(), "sessions_ended": ended},
        at=now,
    )
    return IssuedCode(grant, code)
