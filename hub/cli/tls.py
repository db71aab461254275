"""HTTPS for `hub serve`: a given certificate, or a self-signed one generated for a LAN trial.

Browsers give a page the camera and microphone only in a secure context (HTTPS, or http://localhost),
so a call between two machines on a township LAN needs TLS even for a trial. `--self-signed` makes a
certificate for the host's names and addresses once (kept under <var_dir>/tls/, key mode 0600) and
prints its SHA-256 fingerprint, which a person compares when the browser warns the first time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SELF_SIGNED_DAYS = 397  # the longest validity browsers accept for a server certificate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The TLS options of `hub serve`."""
    group = parser.add_argument_group("HTTPS")
    group.add_argument("--tls-cert", type=Path, help="serve HTTPS with this PEM certificate (chain)")
    group.add_argument("--tls-key", type=Path, help="the PEM private key of --tls-cert")
    group.add_argument(
        "--self-signed",
        action="store_true",
        help="serve HTTPS with a self-signed certificate made once under <var_dir>/tls/ (LAN trials only)",
    )
    group.add_argument(
        "--tls-name",
        action="append",
        default=[],
        metavar="NAME_OR_IP",
        help="with --self-signed: a further host name or address to put in the certificate (repeatable)",
    )


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path
    fingerprint: str  # SHA-256 of the certificate, hex with colons


def context_from_args(args: argparse.Namespace, var_dir: Path, host: str) -> tuple[ssl.SSLContext, TlsFiles] | None:
    """The server's SSL context for the options given, or None for plain HTTP. Raises SystemExit on misuse."""
    cert, key = getattr(args, "tls_cert", None), getattr(args, "tls_key", None)
    if getattr(args, "self_signed", False):
        if cert or key:
            raise SystemExit("hub: give either --tls-cert/--tls-key or --self-signed, not both")
        files = ensure_self_signed(var_dir / "tls", names=[host, *getattr(args, "tls_name", [])])
    elif cert or key:
        if not (cert and key):
            raise SystemExit("hub: --tls-cert and --tls-key go together")
        files = TlsFiles(cert, key, fingerprint(cert.read_bytes()))
    else:
        return None
    return server_context(files.cert, files.key), files


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


def fingerprint(cert_pem: bytes) -> str:
    digest = x509.load_pem_x509_certificate(cert_pem).fingerprint(hashes.SHA256())
    return ":".join(f"{b:02X}" for b in digest)


def default_names(host: str) -> list[str]:
    """localhost, the machine's name, and the address it serves on (when it is a specific one)."""
    names = ["localhost", "127.0.0.1", socket.gethostname()]
    if host and host not in ("0.0.0.0", "::"):  # noqa: S104 - comparing, not binding
        names.append(host)
    return names


def ensure_self_signed(folder: Path, names: list[str], *, now: dt.datetime | None = None) -> TlsFiles:
    """The self-signed certificate in `folder`, made on first use (or again once it has expired)."""
    cert_path, key_path = folder / "self-signed.crt", folder / "self-signed.key"
    now = now or dt.datetime.now(dt.UTC)
    wanted = sorted({n for n in default_names(names[0] if names else "") + names if n})
    if cert_path.exists() and key_path.exists():
        existing = x509.load_pem_x509_certificate(cert_path.read_bytes())
        covered = set(_names_of(existing))
        if existing.not_valid_after_utc > now + dt.timedelta(days=7) and set(wanted) <= covered:
            return TlsFiles(cert_path, key_path, fingerprint(cert_path.read_bytes()))
    cert_pem, key_pem = make_self_signed(wanted, now=now)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    _write(key_path, key_pem, 0o600)
    _write(cert_path, cert_pem, 0o644)
    return TlsFiles(cert_path, key_path, fingerprint(cert_pem))


def make_self_signed(names: list[str], *, now: dt.datetime) -> tuple[bytes, bytes]:
    """A P-256 key and a certificate valid for `names` (DNS names and IP addresses): (cert PEM, key PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, names[0][:64] if names else "hub"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "hub LAN trial (self-signed)"),
        ]
    )
    alt: list[x509.GeneralName] = []
    for name in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=SELF_SIGNED_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def _names_of(cert: x509.Certificate) -> list[str]:
    try:
        alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [str(v) for v in alt.get_values_for_type(x509.DNSName)] + [str(v) for v in alt.get_values_for_type(x509.IPAddress)]


def _write(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def describe(files: TlsFiles) -> str:
    """What `hub serve` prints: where the certificate is and the fingerprint people compare in the browser."""
    return f"hub: HTTPS with {files.cert} (SHA-256 {files.fingerprint})"
