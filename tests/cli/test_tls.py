"""`hub serve --self-signed` / `--tls-cert --tls-key`: a browser-acceptable certificate, reused, served over HTTPS."""

from __future__ import annotations

import argparse
import datetime as dt
import socket
import ssl
import stat

import aiohttp
import pytest
from aiohttp import web
from cryptography import x509

from hub.cli import tls
from hub.rooms.ice_config import IceConfigError, parse_addresses, parse_ice_servers


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    tls.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_self_signed_certificate_is_made_once_and_covers_the_names(tmp_path):
    folder = tmp_path / "tls"
    first = tls.ensure_self_signed(folder, ["192.168.10.5", "hub.xini.lan"])
    assert stat.S_IMODE(first.key.stat().st_mode) == 0o600
    cert = x509.load_pem_x509_certificate(first.cert.read_bytes())
    names = set(tls._names_of(cert))
    assert {"192.168.10.5", "hub.xini.lan", "localhost", "127.0.0.1"} <= names
    assert cert.not_valid_after_utc - cert.not_valid_before_utc <= dt.timedelta(days=398)
    again = tls.ensure_self_signed(folder, ["hub.xini.lan"])
    assert again.fingerprint == first.fingerprint  # reused: the fingerprint people compared stays valid
    wider = tls.ensure_self_signed(folder, ["10.0.0.9"])
    assert wider.fingerprint != first.fingerprint  # a new address needs a new certificate
    later = tls.ensure_self_signed(folder, ["10.0.0.9"], now=dt.datetime.now(dt.UTC) + dt.timedelta(days=400))
    assert later.fingerprint != wider.fingerprint  # expired: made again


def test_arguments_pick_plain_given_or_self_signed(tmp_path):
    assert tls.context_from_args(_args(), tmp_path, "127.0.0.1") is None
    with pytest.raises(SystemExit):
        tls.context_from_args(_args("--tls-cert", str(tmp_path / "a.crt")), tmp_path, "127.0.0.1")
    with pytest.raises(SystemExit):
        tls.context_from_args(_args("--self-signed", "--tls-key", "k"), tmp_path, "127.0.0.1")
    made = tls.context_from_args(_args("--self-signed", "--tls-name", "hub.lan"), tmp_path, "0.0.0.0")  # noqa: S104 - the host given to serve, not a bind
    assert made is not None and made[1].cert == tmp_path / "tls" / "self-signed.crt"
    given = tls.context_from_args(_args("--tls-cert", str(made[1].cert), "--tls-key", str(made[1].key)), tmp_path, "x")
    assert given is not None and given[1].fingerprint == made[1].fingerprint


async def test_https_is_served_and_verifies_against_the_certificate(tmp_path):
    files = tls.ensure_self_signed(tmp_path / "tls", ["127.0.0.1"])

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    site = web.TCPSite(runner, "127.0.0.1", port, ssl_context=tls.server_context(files.cert, files.key))
    await site.start()
    try:
        trusting = ssl.create_default_context(cafile=str(files.cert))
        async with aiohttp.ClientSession() as client:
            async with client.get(f"https://127.0.0.1:{port}/", ssl=trusting) as resp:
                assert await resp.text() == "ok"
            with pytest.raises(aiohttp.ClientConnectorCertificateError):
                await client.get(f"https://127.0.0.1:{port}/", ssl=ssl.create_default_context())
    finally:
        await runner.cleanup()


def test_ice_servers_setting_is_checked():
    assert parse_ice_servers("") == []
    servers = parse_ice_servers(
        '[{"urls": "stun:turn.county.lan:3478"},'
        ' {"urls": ["turn:turn.county.lan:3478?transport=udp"], "username": "hub", "credential": "s3cret"}]'
    )
    assert servers[1]["username"] == "hub" and servers[0] == {"urls": "stun:turn.county.lan:3478"}
    bad_values = (
        "{",
        "{}",
        '[{"urls": "http://x"}]',
        '[{"urls": "turn:x:3478"}]',
        '[{"urls": []}]',
        '[{"urls": "stun:x", "extra": 1}]',
    )
    for bad in bad_values:
        with pytest.raises(IceConfigError):
            parse_ice_servers(bad)
    assert parse_addresses("192.168.1.10, 127.0.0.1") == ["192.168.1.10", "127.0.0.1"]
    with pytest.raises(IceConfigError):
        parse_addresses("eth0")
