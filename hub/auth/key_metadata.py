"""Key-model metadata from the FIDO Metadata Service (MDS3): the attestation roots and status of each model (AAGUID).

The operator downloads the MDS3 BLOB (a signed JWT) on a connected machine, carries it over and imports it with
``hub keys import-metadata FILE``. Before anything is stored the BLOB must hold: its ``x5c`` chain ends at the FIDO
root (GlobalSign Root CA - R3, read from the system's certificate store and pinned by its SHA-256 fingerprint, or a
root given with ``--trust-root`` in tests), every certificate of that chain is within its validity, the JWT's
signature is the chain's leaf's over the exact header and payload (``fido2.mds3.parse_blob``, Yubico's library), its
``nextUpdate`` has not passed, and its serial number is not below the one imported before. Certificate revocation
lists of the BLOB's chain are not fetched (an offline machine has none; the chain and dates are checked).

At enrolment (``hub.auth.security_keys``) an attestation with a certificate must chain to a root of its AAGUID's
entry, and a model whose status reports say revoked or compromised is refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding
from fido2.attestation.base import InvalidSignature as ChainBroken
from fido2.attestation.base import verify_x509_chain
from fido2.mds3 import MetadataBlobPayload, parse_blob
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.auth.models import KeyMetadataImport, KeyModelMetadata
from hub.i18n import N_

__all__ = ["BlobRefused", "MetadataBlobPayload", "model", "overview", "store", "verify_blob"]

# The FIDO Alliance signs the BLOB under GlobalSign Root CA - R3; Debian's ca-certificates ships it. Its fingerprint
# is pinned so that a store edited to hold another certificate under that name is noticed.
FIDO_ROOT_FILES = (
    Path("/usr/share/ca-certificates/mozilla/GlobalSign_Root_CA_-_R3.crt"),
    Path("/etc/ssl/certs/GlobalSign_Root_CA_-_R3.pem"),
)
FIDO_ROOT_SHA256 = "cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b"

# Status reports that mean a model's keys prove nothing any more (FIDO Metadata Service 3.0, AuthenticatorStatus).
REFUSING_STATUSES = frozenset(
    {
        "REVOKED",
        "ATTESTATION_KEY_COMPROMISE",
        "USER_VERIFICATION_BYPASS",
        "USER_KEY_REMOTE_COMPROMISE",
        "USER_KEY_PHYSICAL_COMPROMISE",
    }
)

STATUS_LABELS = {
    "REVOKED": N_("revoked by the FIDO Alliance"),
    "ATTESTATION_KEY_COMPROMISE": N_("its attestation key is compromised"),
    "USER_VERIFICATION_BYPASS": N_("its PIN or fingerprint check can be bypassed"),
    "USER_KEY_REMOTE_COMPROMISE": N_("its keys can be extracted remotely"),
    "USER_KEY_PHYSICAL_COMPROMISE": N_("its keys can be extracted by someone holding it"),
}

# Exit codes of `hub keys import-metadata` (docs/operations.md)
EXIT_UNREADABLE = 2  # not a file, not a BLOB, payload not MDS3
EXIT_FORGED = 3  # not signed under the FIDO root, or not signed over this payload
EXIT_EXPIRED = 4  # a certificate of the chain out of its validity, or nextUpdate passed
EXIT_OLDER = 5  # a serial number below the one imported


class BlobRefused(Exception):
    """A BLOB that is not imported: ``message`` says why, ``exit_code`` is the command's exit status."""

    def __init__(self, exit_code: int, message: str) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.message = message


def system_fido_root() -> bytes:
    """The FIDO root (DER) from the system's certificate store, checked against its pinned fingerprint."""
    for path in FIDO_ROOT_FILES:
        if path.is_file():
            cert = x509.load_pem_x509_certificate(path.read_bytes())
            der = cert.public_bytes(Encoding.DER)
            if hashlib.sha256(der).hexdigest() != FIDO_ROOT_SHA256:
                raise BlobRefused(EXIT_FORGED, f"{path} is not GlobalSign Root CA - R3 (its fingerprint differs)")
            return der
    raise BlobRefused(
        EXIT_UNREADABLE,
        "GlobalSign Root CA - R3 is not in the system's certificate store (install Debian's ca-certificates)",
    )


def load_root(pem_or_der: bytes) -> bytes:
    """A root certificate given as PEM or DER, as DER."""
    try:
        if pem_or_der.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(pem_or_der).public_bytes(Encoding.DER)
        return x509.load_der_x509_certificate(pem_or_der).public_bytes(Encoding.DER)
    except ValueError as exc:
        raise BlobRefused(EXIT_UNREADABLE, f"the trust root is not a certificate: {exc}") from None


def _b64url(text: bytes) -> bytes:
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


def _name(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string() or "(no subject)"


def verify_blob(blob: bytes, trust_root: bytes, now: dt.datetime) -> MetadataBlobPayload:
    """The BLOB's payload, once its chain, dates and signature hold; ``BlobRefused`` with the precise cause if not."""
    parts = blob.strip().split(b".")
    if len(parts) != 3:
        raise BlobRefused(EXIT_UNREADABLE, f"not an MDS3 BLOB: a JWT has 3 parts separated by dots, this has {len(parts)}")
    try:
        header = json.loads(_b64url(parts[0]))
        chain = [base64.b64decode(c) for c in header["x5c"]]
        certs = [x509.load_der_x509_certificate(c) for c in chain]
    except (ValueError, KeyError, TypeError) as exc:
        raise BlobRefused(EXIT_UNREADABLE, f"not an MDS3 BLOB: its header has no readable x5c chain ({exc})") from None
    if not certs:
        raise BlobRefused(EXIT_UNREADABLE, "not an MDS3 BLOB: its x5c chain is empty")
    root = x509.load_der_x509_certificate(trust_root)
    for cert in [*certs, root]:
        if now < cert.not_valid_before_utc:
            raise BlobRefused(EXIT_EXPIRED, f"certificate {_name(cert)} is valid only from {cert.not_valid_before_utc:%Y-%m-%d}")
        if now > cert.not_valid_after_utc:
            raise BlobRefused(EXIT_EXPIRED, f"certificate {_name(cert)} expired on {cert.not_valid_after_utc:%Y-%m-%d}")
    try:
        verify_x509_chain([*chain, trust_root])
    except (ChainBroken, InvalidSignature, ValueError):
        raise BlobRefused(
            EXIT_FORGED, f"the BLOB's certificate chain ({_name(certs[0])}) does not lead to the FIDO root {_name(root)}"
        ) from None
    try:
        payload = parse_blob(blob.strip(), trust_root)
    except (ChainBroken, InvalidSignature):
        raise BlobRefused(
            EXIT_FORGED, "the BLOB's signature does not match its contents (altered, or signed by another key)"
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BlobRefused(EXIT_UNREADABLE, f"the BLOB's payload is not MDS3 metadata ({type(exc).__name__}: {exc})") from None
    if payload.next_update < now.date():
        raise BlobRefused(
            EXIT_EXPIRED, f"BLOB number {payload.no} is out of date: its next update was due on {payload.next_update:%Y-%m-%d}"
        )
    return payload


def _b64(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode() if data else None


async def latest_import(session: AsyncSession) -> KeyMetadataImport | None:
    return (await session.scalars(select(KeyMetadataImport).order_by(KeyMetadataImport.id.desc()))).first()


async def store(
    session: AsyncSession, payload: MetadataBlobPayload, blob: bytes, actor: audit.AuditActor, now: dt.datetime
) -> KeyMetadataImport:
    """Replace the stored metadata by this (verified) BLOB's; a BLOB older than the one imported is refused."""
    previous = await latest_import(session)
    if previous is not None and payload.no < previous.blob_number:
        raise BlobRefused(
            EXIT_OLDER,
            f"BLOB number {payload.no} is older than number {previous.blob_number}, imported on {previous.imported_at:%Y-%m-%d}",
        )
    rows: dict[str, KeyModelMetadata] = {}
    imported = KeyMetadataImport(
        blob_number=payload.no, next_update=payload.next_update, imported_at=now, imported_by=actor.label,
        sha256=hashlib.sha256(blob).hexdigest(), models=0,
    )  # fmt: skip
    session.add(imported)
    await session.flush()
    for entry in payload.entries:
        if entry.aaguid is None:  # UAF (aaid) and U2F (key identifiers) entries: not FIDO2 keys
            continue
        statement = entry.metadata_statement
        reports = [
            {
                "status": str(r.status.value),
                "effective_date": r.effective_date.isoformat() if r.effective_date else None,
                "certificate": _b64(r.certificate),
            }
            for r in entry.status_reports
        ]
        rows[str(entry.aaguid).lower()] = KeyModelMetadata(
            aaguid=str(entry.aaguid).lower(),
            description=(statement.description if statement else "")[:400],
            root_certificates=json.dumps([_b64(c) for c in (statement.attestation_root_certificates if statement else [])]),
            status_reports=json.dumps(reports),
            import_id=imported.id,
        )
    imported.models = len(rows)
    await session.execute(delete(KeyModelMetadata))
    session.add_all(rows.values())
    await session.flush()
    await audit.record(
        session, actor, "security_key.metadata_import", "key_metadata", imported.id,
        {"blob_number": payload.no, "next_update": payload.next_update.isoformat(), "models": len(rows),
         "sha256": imported.sha256},
        at=now,
    )  # fmt: skip
    return imported


@dataclass(frozen=True)
class ModelMetadata:
    """One model's entry as enrolment uses it."""

    aaguid: str
    description: str
    roots: list[bytes]  # DER
    reports: list[dict[str, Any]]

    @property
    def pem_roots(self) -> list[bytes]:
        return [x509.load_der_x509_certificate(r).public_bytes(Encoding.PEM) for r in self.roots]

    def refusing_status(self, x5c: list[bytes]) -> str | None:
        """The status report that forbids this attestation, if any: a revoked or compromised model. A compromised
        attestation key that the report names by its certificate forbids only attestations made with that one."""
        for report in self.reports:
            status = str(report.get("status"))
            if status not in REFUSING_STATUSES:
                continue
            named = report.get("certificate")
            if status == "ATTESTATION_KEY_COMPROMISE" and named and base64.b64decode(named) not in x5c:
                continue
            return status
        return None


async def model(session: AsyncSession, aaguid: str) -> ModelMetadata | None:
    row = await session.get(KeyModelMetadata, aaguid.lower())
    if row is None:
        return None
    roots = [base64.b64decode(r) for r in json.loads(row.root_certificates) if r]
    return ModelMetadata(row.aaguid, row.description, roots, list(json.loads(row.status_reports)))


@dataclass(frozen=True)
class Overview:
    """What the security administrator's page shows."""

    latest: KeyMetadataImport | None
    overdue: bool  # nextUpdate has passed: a newer BLOB exists and should be imported
    refused_models: list[tuple[str, str, str]]  # (aaguid, description, status) of models enrolment refuses


async def overview(session: AsyncSession, today: dt.date) -> Overview:
    latest = await latest_import(session)
    refused: list[tuple[str, str, str]] = []
    for row in (await session.scalars(select(KeyModelMetadata).order_by(KeyModelMetadata.description))).all():
        statuses = [str(r.get("status")) for r in json.loads(row.status_reports)]
        for status in statuses:
            if status in REFUSING_STATUSES:
                refused.append((row.aaguid, row.description, status))
                break
    return Overview(latest, latest is not None and latest.next_update < today, refused)
