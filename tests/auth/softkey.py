"""A software security key for tests: builds real WebAuthn registration and assertion responses (P-256, ES256).

It signs what a hardware key would sign, so the server's py_webauthn checks run for real; knobs let a test break one
thing at a time (user verification, origin, RP id, counter, challenge).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
import uuid
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40
DEFAULT_AAGUID = "8b6a7f64-5c59-4d1a-9b6e-0b0e1c2d3e4f"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SoftKey:
    origin: str
    rp_id: str = "localhost"
    aaguid: str = DEFAULT_AAGUID
    counter: int = 0
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    # a model's attestation: the attestation key and its certificate chain (DER, leaf first); None: self attestation
    attestation: tuple[ec.EllipticCurvePrivateKey, list[bytes]] | None = None

    def _cose(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin or self.origin, "crossOrigin": False}).encode()

    def _sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data, ec.ECDSA(hashes.SHA256()))

    def register(
        self,
        options: dict[str, Any],
        *,
        uv: bool = True,
        fmt: str = "none",
        origin: str | None = None,
        rp_id: str | None = None,
    ) -> dict[str, Any]:
        """The response of navigator.credentials.create() to these options."""
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        attested = uuid.UUID(self.aaguid).bytes + struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose()
        flags = UP | AT | (UV if uv else 0)
        auth_data = hashlib.sha256((rp_id or self.rp_id).encode()).digest() + bytes([flags]) + struct.pack(">I", self.counter)
        auth_data += attested
        statement: dict[str, Any] = {}
        signed = auth_data + hashlib.sha256(client_data).digest()
        if fmt == "packed" and self.attestation is not None:  # a model's attestation: its key, its certificates
            attestation_key, x5c = self.attestation
            statement = {"alg": -7, "sig": attestation_key.sign(signed, ec.ECDSA(hashes.SHA256())), "x5c": x5c}
        elif fmt == "packed":  # self attestation: signed by the credential's own key
            statement = {"alg": -7, "sig": self._sign(signed)}
        attestation = cbor2.dumps({"fmt": fmt, "attStmt": statement, "authData": auth_data})
        return {
            "id": b64u(self.credential_id),
            "rawId": b64u(self.credential_id),
            "type": "public-key",
            "response": {"clientDataJSON": b64u(client_data), "attestationObject": b64u(attestation), "transports": ["usb"]},
            "clientExtensionResults": {},
        }

    def assertion(
        self,
        options: dict[str, Any],
        *,
        uv: bool = True,
        origin: str | None = None,
        rp_id: str | None = None,
        counter: int | None = None,
    ) -> dict[str, Any]:
        """The response of navigator.credentials.get(); the counter grows by one unless given."""
        if counter is None:
            self.counter += 1
            counter = self.counter
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        flags = UP | (UV if uv else 0)
        auth_data = hashlib.sha256((rp_id or self.rp_id).encode()).digest() + bytes([flags]) + struct.pack(">I", counter)
        signature = self._sign(auth_data + hashlib.sha256(client_data).digest())
        return {
            "id": b64u(self.credential_id),
            "rawId": b64u(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64u(client_data),
                "authenticatorData": b64u(auth_data),
                "signature": b64u(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }
