"""Staff accounts, deputy portfolios, hardware security keys, server-side sessions and sign-in failures."""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.access.roles import Role
from hub.db import Base, UTCDateTime
from hub.enums import enum_column
from hub.i18n import N_

# Which kind of org unit each role belongs to (None: the commission itself).
ROLE_UNIT_KIND: dict[Role, str | None] = {
    Role.MAIN_LEADER: None,
    Role.DEPUTY_LEADER: None,
    Role.OFFICE_STAFF: "office",
    Role.GROUP_STAFF: "joint_group",
    Role.TOWNSHIP_STAFF: "township",
    Role.ADMIN: None,
    Role.SECURITY_ADMIN: None,
    Role.AUDIT_ADMIN: None,
}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role), index=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class PortfolioEntry(Base):
    """A deputy leader's area of responsibility: offices, joint groups, townships."""

    __tablename__ = "deputy_portfolios"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)


class SessionStage(StrEnum):
    ENROL = "enrol"  # password accepted, no key yet: the session may only enrol one
    SECOND_FACTOR = "second_factor"  # password accepted, hardware key still to come
    COMPLETE = "complete"


class SecurityKey(Base):
    """A staff member's hardware security key (a WebAuthn credential), never deleted: revoked keys stay for the audit."""

    __tablename__ = "security_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # base64url of the credential id (at most 1023 bytes, so at most 1364 characters)
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)  # COSE key
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    aaguid: Mapped[str] = mapped_column(String(36))  # the key model, as attested at enrolment
    attestation_format: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ChallengePurpose(StrEnum):
    ENROL = "enrol"
    SIGN_IN = "sign_in"


class WebAuthnChallenge(Base):
    """The one open challenge of a session for a ceremony; taking it deletes it (single use)."""

    __tablename__ = "webauthn_challenges"

    web_session_id: Mapped[str] = mapped_column(ForeignKey("web_sessions.id", ondelete="CASCADE"), primary_key=True)
    purpose: Mapped[ChallengePurpose] = mapped_column(enum_column(ChallengePurpose), primary_key=True)
    challenge: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class EnrolmentGrant(Base):
    """A one-time enrolment code, issued by the security administrator and handed over out of band: the only way to
    enrol a key without already holding one (a newcomer, a lost key). Only the code's SHA-256 is kept."""

    __tablename__ = "enrolment_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    issued_by: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    code_hash: Mapped[str | None] = mapped_column(String(64))  # None: a grant from before codes, never usable


class KeyMetadataImport(Base):
    """One FIDO Metadata Service (MDS3) BLOB imported by an operator (`hub keys import-metadata`): its serial number,
    when the Alliance promises the next one, and how many key models (AAGUIDs) it described."""

    __tablename__ = "key_metadata_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    blob_number: Mapped[int] = mapped_column(Integer)
    next_update: Mapped[dt.date] = mapped_column(Date)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))  # of the BLOB file as imported
    models: Mapped[int] = mapped_column(Integer)  # entries with an AAGUID (FIDO2 models), the ones the hub uses


class KeyModelMetadata(Base):
    """What the last imported BLOB says of one key model (AAGUID): its attestation roots and its status reports.

    ``root_certificates`` is a JSON list of base64 DER certificates; ``status_reports`` a JSON list of
    ``{"status", "effective_date", "certificate"}`` (the certificate, base64 DER, when a report names one)."""

    __tablename__ = "key_model_metadata"

    aaguid: Mapped[str] = mapped_column(String(36), primary_key=True)
    description: Mapped[str] = mapped_column(String(400))
    root_certificates: Mapped[str] = mapped_column(Text)
    status_reports: Mapped[str] = mapped_column(Text)
    import_id: Mapped[int] = mapped_column(ForeignKey("key_metadata_imports.id", ondelete="CASCADE"), index=True)


class WebSession(Base):
    """A server-side session; the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    stage: Mapped[SessionStage] = mapped_column(enum_column(SessionStage))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    # the key that completed this session; None for a password-only session (only valid with the requirement off)
    security_key_id: Mapped[int | None] = mapped_column(ForeignKey("security_keys.id", ondelete="SET NULL"))


class SignInFailure(Base):
    """One failed sign-in, keyed by account and by address, for slowing down guessing."""

    __tablename__ = "signin_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


ROLE_LABELS: dict[Enum, str] = {
    Role.MAIN_LEADER: N_("Main leader"),
    Role.DEPUTY_LEADER: N_("Deputy leader"),
    Role.OFFICE_STAFF: N_("Office staff"),
    Role.GROUP_STAFF: N_("Joint group staff"),
    Role.TOWNSHIP_STAFF: N_("Township commission staff"),
    Role.ADMIN: N_("System administrator"),
    Role.SECURITY_ADMIN: N_("Security administrator"),
    Role.AUDIT_ADMIN: N_("Audit administrator"),
}
