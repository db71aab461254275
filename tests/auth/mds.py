"""A test FIDO Metadata Service: a "FIDO root" and a vendor's attestation root made with `cryptography`, and MDS3
BLOBs (JWT, RS256, x5c) signed under that root, as https://mds3.fidoalliance.org/ serves them.

Nothing here is the hub's code: the hub verifies what this makes with fido2 and py_webauthn, as it would the real
BLOB and a real key's attestation.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

AAGUID_OID = x509.ObjectIdentifier("1.3.6.1.4.1.45724.1.1.4")
Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _name(cn: str, ou: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Vendor")]
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    return x509.Name([*attrs, x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@dataclass(frozen=True)
class Issued:
    key: Key
    cert: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(Encoding.PEM)


def issue(
    cn: str,
    *,
    by: Issued | None = None,
    ca: bool = True,
    key: Key | None = None,
    ou: str | None = None,
    aaguid: str | None = None,
    days: tuple[int, int] = (-30, 3650),
) -> Issued:
    """A certificate for a new key: self-signed when ``by`` is None; valid from ``days[0]`` to ``days[1]`` from now."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, ou))
        .issuer_name(by.cert.subject if by else _name(cn, ou))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=days[0]))
        .not_valid_after(now + dt.timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
    if aaguid:  # id-fido-gen-ce-aaguid: an OCTET STRING of the 16 bytes
        import uuid

        builder = builder.add_extension(x509.UnrecognizedExtension(AAGUID_OID, b"\x04\x10" + uuid.UUID(aaguid).bytes), False)
    signer = by.key if by else key
    return Issued(key, builder.sign(signer, hashes.SHA256()))


def fido_pki() -> tuple[Issued, Issued, Issued]:
    """(root, intermediate, BLOB signer): the shape of the real chain (GlobalSign R3 → CA → mds.fidoalliance.org)."""
    root = issue("Test FIDO Root", key=rsa.generate_private_key(65537, 2048))
    intermediate = issue("Test FIDO CA", by=root, key=rsa.generate_private_key(65537, 2048))
    signer = issue("mds.test.example", by=intermediate, ca=False, key=rsa.generate_private_key(65537, 2048))
    return root, intermediate, signer


def vendor_model(aaguid: str) -> tuple[Issued, Issued]:
    """(vendor root, attestation certificate of the model): what a key of that model carries in its x5c."""
    root = issue("Test Vendor FIDO Root CA")
    leaf = issue("Test Key Attestation", by=root, ca=False, ou="Authenticator Attestation", aaguid=aaguid)
    return root, leaf


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def entry(aaguid: str, description: str, roots: list[bytes], statuses: list[str] | None = None) -> dict[str, Any]:
    """One metadata entry of an FIDO2 model, as in the real BLOB (the statement's required fields filled)."""
    return {
        "aaguid": aaguid,
        "metadataStatement": {
            "legalHeader": "test",
            "aaguid": aaguid,
            "description": description,
            "authenticatorVersion": 5,
            "protocolFamily": "fido2",
            "schema": 3,
            "upv": [{"major": 1, "minor": 0}],
            "authenticationAlgorithms": ["secp256r1_ecdsa_sha256_raw"],
            "publicKeyAlgAndEncodings": ["cose"],
            "attestationTypes": ["basic_full"],
            "userVerificationDetails": [[{"userVerificationMethod": "passcode_external"}]],
            "keyProtection": ["hardware", "secure_element"],
            "matcherProtection": ["on_chip"],
            "attachmentHint": ["external", "wired"],
            "tcDisplay": [],
            "attestationRootCertificates": [b64(r) for r in roots],
        },
        "statusReports": [{"status": s, "effectiveDate": "2026-01-15"} for s in (statuses or ["FIDO_CERTIFIED_L1"])],
        "timeOfLastStatusChange": "2026-01-15",
    }


def blob(
    signer: Issued, chain: list[Issued], entries: list[dict[str, Any]], *, no: int = 7, next_update: dt.date | None = None
) -> bytes:
    """An MDS3 BLOB: a JWT signed RS256 by ``signer``, its header's x5c the chain (leaf first)."""
    header = {"alg": "RS256", "typ": "JWT", "x5c": [b64(c.der) for c in chain]}
    payload = {
        "legalHeader": "Test metadata, not the FIDO Alliance's.",
        "no": no,
        "nextUpdate": (next_update or dt.date.today() + dt.timedelta(days=30)).isoformat(),
        "entries": entries,
    }
    message = f"{b64u(json.dumps(header).encode())}.{b64u(json.dumps(payload).encode())}".encode()
    assert isinstance(signer.key, rsa.RSAPrivateKey)
    signature = signer.key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return message + b"." + b64u(signature).encode()
