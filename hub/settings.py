"""Every setting of the hub, declared once with its help text.

Values come from ``HUB_*`` environment variables (pydantic-settings). The README's
settings table is generated from, and tested against, this declaration.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", extra="ignore")

    database_url: str = Field(
        "",
        description="SQLAlchemy async URL. Empty: a SQLite file at <var_dir>/hub.sqlite3. "
        "PostgreSQL: postgresql+asyncpg://user@host/db",
    )
    var_dir: Path = Field(Path("var"), description="Folder for the SQLite file, keys and the evidence store.")
    host: str = Field("127.0.0.1", description="Address `hub serve` listens on.")
    port: int = Field(8080, description="Port `hub serve` listens on.")
    public_origin: str = Field(
        "",
        description="Origin the browsers use, e.g. https://hub.county.example. Empty: derived from host and port. "
        "Checked on WebSocket upgrades and state-changing requests.",
    )
    secret_key: str = Field(
        "", description="Key for signing tokens. Empty: generated once into <var_dir>/keys/secret.key (mode 0600)."
    )
    master_key: str = Field(
        "",
        description="Base64 of the 32-byte master key that wraps every evidence file's data key. "
        "Empty: <var_dir>/keys/master.key, created on first run with mode 0600.",
    )
    secure_cookies: bool = Field(False, description="Mark cookies Secure (turn on behind HTTPS).")
    session_idle_minutes: int = Field(30, ge=1, description="A session ends after this many minutes without a request.")
    session_absolute_hours: int = Field(12, ge=1, description="A session ends this many hours after sign-in, whatever happens.")
    signin_free_failures: int = Field(
        5, ge=1, description="Failed sign-ins (per account and per address, in 15 minutes) before each try is slowed down."
    )
    signin_lockout_failures: int = Field(
        20, ge=2, description="Failed sign-ins in 15 minutes after which tries are refused with 429 until the window passes."
    )
    signin_delay_cap_seconds: float = Field(8.0, ge=0, description="Longest delay added to a slowed-down sign-in.")
    media_addresses: str = Field(
        "127.0.0.1",
        description="Comma-separated IP addresses of this machine that media (WebRTC host candidates) may use, "
        "e.g. the LAN card 192.168.1.10.",
    )
    ice_servers: str = Field(
        "",
        description="STUN/TURN servers as JSON for browsers and the media server, "
        'e.g. [{"urls": "stun:turn.county.example:3478"}]. Empty: one LAN, host candidates only.',
    )
    baseline_relay: bool = Field(
        False,
        description="Relay media with aiortc's MediaRelay (decode and re-encode) instead of forwarding: for benchmarks only.",
    )
    media_forwarding: Literal["packets", "frames"] = Field(
        "packets",
        description="How the media server forwards: 'packets' rewrites and forwards RTP packets (the default); "
        "'frames' is the earlier path (assembled frames packetised again per viewer), kept as a fallback.",
    )
    default_locale: str = Field("zh_CN", description="Locale of pages when the browser has chosen none (zh_CN or en).")
    log_json: bool = Field(True, description="Write logs as JSON lines (false: human-readable console lines).")
    log_level: str = Field("INFO", description="Lowest level that is logged.")
    demo: bool = Field(False, description="Running the demo: shows a banner on every page.")
    require_security_key: bool | None = Field(
        None,
        description="Staff sign in with password plus hardware security key (WebAuthn). Unset: on, except when "
        "HUB_DEMO is true; false shows a banner on every page. Deployments set it to true.",
    )
    webauthn_rp_id: str = Field(
        "",
        description="WebAuthn relying-party id: the host name of the hub (a domain name, never a bare IP). "
        "Empty: the host of HUB_PUBLIC_ORIGIN (localhost in development).",
    )
    webauthn_rp_name: str = Field("旗纪委监委工作平台", description="Name of the hub that security keys show to the user.")
    security_key_aaguids: str = Field(
        "",
        description="Approved key models: comma-separated AAGUIDs whose attestation is accepted at enrolment. "
        "Empty: the shipped list of FIDO-certified keys (hub/auth/key_models.py; the demo adds Chromium's virtual "
        "authenticator). any: every model, attestation not requested (tests only).",
    )
    security_key_metadata: Literal["if_present", "required"] = Field(
        "if_present",
        description="FIDO metadata at enrolment (imported with `hub keys import-metadata`): an attestation certificate "
        "must chain to its model's root and a revoked or compromised model is refused. if_present: an approved model "
        "without imported metadata still enrols on its AAGUID and certificate alone; required: it is refused. "
        "Production imports the BLOB and sets required.",
    )
    enrolment_window_hours: int = Field(
        72,
        ge=1,
        description="Hours a one-time key enrolment code, issued by the security administrator (page or `hub user "
        "enrolment`), stays valid. Without a code nobody enrols a first key.",
    )
    session_check_seconds: float = Field(
        5.0,
        gt=0,
        description="How often each process re-checks the sessions behind its open WebSockets "
        "(revoked, timed out, disabled) and closes the sockets of ended ones.",
    )
    store_quota_mb: int = Field(
        0,
        ge=0,
        description="Most the evidence store may hold, in MB; a write beyond it fails exactly as on a full disk "
        "(the recording's gap says disk_full). 0: no quota, the disk's own size.",
    )
    store_reserve_mb: int = Field(
        64,
        ge=0,
        description="Space kept free on the store's disk, in MB: recordings stop writing (disk_full) before the disk "
        "is full, so what they wrote is finished, signed and verifies.",
    )
    store_min_minutes: float = Field(
        30.0,
        ge=0,
        description="Readiness fails, and new recorded sessions are refused, when the store has room for fewer "
        "minutes of recording than this at the current rate (never less than one room's).",
    )
    store_warn_minutes: float = Field(
        120.0,
        ge=0,
        description="Below this many minutes of recording left in the store, the hub warns the operators (log and metric).",
    )
    metrics_addresses: str = Field(
        "127.0.0.1,::1",
        description="Comma-separated addresses or networks (CIDR) that may read /metrics directly (a request relayed "
        "by a proxy never counts as one of them). Empty: none.",
    )
    metrics_token: str = Field(
        "",
        description="A bearer token that also opens /metrics (Authorization: Bearer <token>), e.g. for a Prometheus "
        "elsewhere. Empty: no token opens it.",
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses or networks (CIDR) of reverse proxies (nginx) whose X-Forwarded-For is "
        "believed; the client is the last address before them. Empty: X-Forwarded-For is ignored.",
    )

    bus: Literal["memory", "redis"] = Field(
        "memory",
        description="Signaling bus: memory (one process, the default) or redis (several processes or machines share "
        "one hub through HUB_REDIS_URL; each room lives on one of them and the others relay to it).",
    )
    redis_url: str = Field("", description="Redis for HUB_BUS=redis, e.g. redis://127.0.0.1:6379/0.")
    redis_namespace: str = Field(
        "hub", description="Prefix of every Redis key and channel of this hub (two hubs may share one Redis)."
    )
    node_id: str = Field(
        "",
        description="This process's name among the hub's nodes (HUB_BUS=redis), e.g. host-a:8081; `hub node drain` "
        "takes it. Empty: <host name>:<port>.",
    )
    node_heartbeat_seconds: float = Field(
        1.0, gt=0, description="How often a node (HUB_BUS=redis) writes its load to Redis; it counts as dead after 3."
    )

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.var_dir / 'hub.sqlite3').resolve()}"

    @property
    def security_key_required(self) -> bool:
        if self.require_security_key is None:
            return not self.demo
        return self.require_security_key

    @property
    def effective_rp_id(self) -> str:
        from urllib.parse import urlsplit

        return self.webauthn_rp_id or urlsplit(self.effective_origin).hostname or "localhost"

    @property
    def metrics_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return _networks(self.metrics_addresses)

    @property
    def proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return _networks(self.trusted_proxies)

    @property
    def effective_node_id(self) -> str:
        import socket

        return self.node_id or f"{socket.gethostname()}:{self.port}"

    @property
    def effective_origin(self) -> str:
        if self.public_origin:
            return self.public_origin.rstrip("/")
        return f"http://{self.host}:{self.port}"


def _networks(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def settings_table() -> list[tuple[str, str, str]]:
    """(variable, default, help) rows for the README, in declaration order."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "" if default in ("", None) else str(default)
        rows.append((f"HUB_{name.upper()}", shown, field.description or ""))
    return rows
