"""Three hub processes behind Debian's nginx and one Redis: the browser sees one address, on TLS (a throwaway
self-signed certificate made for the test, which the clients verify). A call whose sockets nginx spreads over the three
processes works end to end over wss (lobby, admit, media both ways, end), static files come from nginx over https, and
a signed-out session's sockets close on every process."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import os
import shutil
import signal
import ssl
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from hub.auth.models import SignInFailure
from hub.db import Database
from hub.demo.org import DEMO_PASSWORD
from hub.rooms.tokens import issue_token
from hub.signaling.client import HubClient
from hub.signaling.clip import Clip, encode_clip
from tests.cluster.conftest import WORKERS, Workers, free_ports
from tests.faults.harness import ROOT, SECRET, TimedClient, interview_session, wait_until
from tests.signaling.conftest import REDIS_URL

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = [
    pytest.mark.skipif(not REDIS_URL, reason="HUB_TEST_REDIS_URL is not set"),
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (apt-get install nginx)"),
]

# deploy/nginx/hub-cluster.conf's TLS server and locations, on a free port with the test's certificate
CONFIG = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
    upstream hub_pages {{
        least_conn;
{servers}
        keepalive 8;
    }}
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate     {dir}/hub.crt;
        ssl_certificate_key {dir}/hub.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location /ws {{
            proxy_pass http://hub_pages;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Host $host;
            proxy_read_timeout 3600s;
        }}
        location /static/ {{
            alias {static}/;
            add_header Cache-Control "public";
            add_header X-Served-By nginx;
        }}
        location = /metrics {{ return 404; }}
        location / {{
            proxy_pass http://hub_pages;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Host $host;
            proxy_buffering off;
        }}
    }}
}}
"""


@pytest.fixture
def front_port() -> int:
    return free_ports(1)


def self_signed(folder: Path) -> None:
    """A throwaway certificate for 127.0.0.1 (hub.crt, hub.key in `folder`), valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hub test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (folder / "hub.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "hub.key").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (folder / "hub.key").chmod(0o600)


@pytest.fixture
def tls_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "nginx"
    folder.mkdir()
    self_signed(folder)
    return folder


@pytest.fixture
def trust(tls_folder: Path) -> ssl.SSLContext:
    """What the clients trust: the test's certificate only (verified, host name included)."""
    return ssl.create_default_context(cafile=str(tls_folder / "hub.crt"))


class TlsClient(TimedClient):
    """A participant whose socket is wss, verified against the test's certificate."""

    trust: ssl.SSLContext

    async def connect(self) -> None:
        self._session = aiohttp.ClientSession()
        self._ws = await self._session.ws_connect(self.url, origin=self.origin, max_msg_size=4 * 1024 * 1024, ssl=self.trust)
        self._reader = asyncio.ensure_future(self._read())


@pytest.fixture
def worker_env(front_port: int) -> dict[str, str]:
    return {
        "HUB_PUBLIC_ORIGIN": f"https://127.0.0.1:{front_port}",
        "HUB_TRUSTED_PROXIES": "127.0.0.1",
        "HUB_SESSION_CHECK_SECONDS": "600",  # no sweep in time: a sign-out reaches the other processes over Redis
        "HUB_DEMO": "true",
    }


@pytest.fixture
async def front(workers: Workers, front_port: int, tls_folder: Path, trust: ssl.SSLContext) -> AsyncIterator[str]:
    folder = tls_folder
    TlsClient.trust = trust
    servers = "\n".join(f"        server 127.0.0.1:{workers.base + i};" for i in range(WORKERS))
    (folder / "nginx.conf").write_text(
        CONFIG.format(dir=folder, servers=servers, port=front_port, static=ROOT / "web" / "static"), encoding="utf-8"
    )
    proc = await asyncio.create_subprocess_exec(NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"))
    origin = f"https://127.0.0.1:{front_port}"
    try:
        deadline = time.monotonic() + 20
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=trust)) as http:
            while True:
                assert proc.returncode is None, (folder / "error.log").read_text()
                try:
                    async with http.get(f"{origin}/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                assert time.monotonic() < deadline
                await asyncio.sleep(0.2)
        yield origin
    finally:
        # SIGTERM, nginx's fast shutdown: SIGQUIT (graceful) would wait for every proxied WebSocket to end, up to
        # proxy_read_timeout, and a test that failed with sockets open would hang here
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise


@pytest.fixture(scope="module")
def clip() -> Clip:
    return encode_clip(320, 240, 15, seconds=1.0, keyframe_seconds=0.5)


def through(front: str, people: list[HubClient], room: str, participant: str, role: str, clip: Clip) -> TimedClient:
    token = issue_token(SECRET.encode(), room=room, participant=participant, name=participant, role=role, ttl_seconds=600)
    client = TlsClient(front.replace("https://", "wss://") + "/ws", token, room, origin=front, clip=clip, decode=False)
    people.append(client)  # closed by the fixture, whatever happens
    return client


async def sockets_per_node(workers: Workers, expected: int) -> dict[str, int]:
    deadline = time.monotonic() + 10
    while True:
        counts = {node: int(info["sockets"]) for node, info in (await workers.nodes()).items()}  # type: ignore[call-overload]
        if sum(counts.values()) == expected or time.monotonic() > deadline:
            return counts
        await asyncio.sleep(0.3)


async def test_a_call_spread_over_three_processes_behind_nginx(
    workers: Workers, front: str, database: Database, clip: Clip, people: list[HubClient]
) -> None:
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=TlsClient.trust)) as http,
        http.get(f"{front}/static/css/hub.css") as resp,
    ):
        assert resp.status == 200 and resp.headers.get("X-Served-By") == "nginx"
    with pytest.raises(aiohttp.ClientConnectorCertificateError):  # the clients really verify: another certificate fails
        async with aiohttp.ClientSession() as http, http.get(f"{front}/healthz"):
            pass
    from sqlalchemy import select

    from hub.auth.models import User

    async with database.transaction(write=False) as s:
        host_id = await s.scalar(select(User.id).limit(1))
    rs = await interview_session(database, int(host_id or 0))
    room = rs.signaling_room
    host, guest, clerk = (
        through(front, people, room, "user-host", "host", clip),
        through(front, people, room, "device-9", "interviewee", clip),
        through(front, people, room, "clerk", "clerk", clip),
    )
    for c in (host, guest, clerk):
        await c.connect()
    # least_conn: three long sockets, three processes
    assert sorted((await sockets_per_node(workers, 3)).values()) == [1, 1, 1]
    await host.join()
    await host.start_media()
    assert (await guest.join())["type"] == "lobby"
    await host.wait_event("lobby_waiting")
    await host.request({"type": "admit", "participant": "device-9"})
    await guest.wait_event("joined")
    await clerk.join()
    for c in (guest, clerk):
        await c.start_media()
    await wait_until(lambda: all(c.peer is not None and c.peer.stats["main"].frames >= 20 for c in (host, guest, clerk)), 30)
    await wait_until(lambda: all(c.peer is not None and c.peer.stats["audio1"].frames >= 20 for c in (host, guest, clerk)), 30)
    await host.request({"type": "end"})
    for c in (guest, clerk):
        assert (await c.wait_event("ended"))["reason"] == "ended_by_host"


async def test_a_signed_out_session_closes_its_sockets_on_every_process(workers: Workers, front: str) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar, connector=aiohttp.TCPConnector(ssl=TlsClient.trust)) as http:
        async with http.get(f"{front}/signin") as resp:
            await resp.read()
        csrf = next(c.value for c in jar if c.key == "hub_csrf")
        form = {"username": "petition1", "password": DEMO_PASSWORD, "csrf_token": csrf, "next": "/home"}
        async with http.post(f"{front}/signin", data=form, headers={"Origin": front}, allow_redirects=False) as resp:
            assert resp.status in (302, 303), await resp.text()
        sockets = [await http.ws_connect(f"{front.replace('https', 'wss')}/ws", origin=front) for _ in range(WORKERS)]
        assert sorted((await sockets_per_node(workers, WORKERS)).values()) == [1] * WORKERS
        csrf = next(c.value for c in jar if c.key == "hub_csrf")  # rotated at sign-in
        signout = http.post(f"{front}/signout", data={"csrf_token": csrf}, headers={"Origin": front}, allow_redirects=False)
        async with signout as resp:
            assert resp.status < 400
        for ws in sockets:  # the process that signed out tells the others over Redis; each closes its own at once
            message = await asyncio.wait_for(ws.receive(), 10)
            assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
        assert sum((await sockets_per_node(workers, 0)).values()) == 0


async def test_the_hub_believes_x_forwarded_for_from_nginx_only(workers: Workers, front: str, database: Database) -> None:
    """A client on 127.0.0.2 forges X-Forwarded-For; nginx (the trusted proxy, 127.0.0.1) appends the address it saw,
    and the hub counts the failed sign-in against that address: neither the forged one nor nginx's own."""
    jar = aiohttp.CookieJar(unsafe=True)
    connector = aiohttp.TCPConnector(ssl=TlsClient.trust, local_addr=("127.0.0.2", 0))
    async with aiohttp.ClientSession(cookie_jar=jar, connector=connector) as http:
        async with http.get(f"{front}/signin") as resp:
            await resp.read()
        csrf = next(c.value for c in jar if c.key == "hub_csrf")
        form = {"username": "petition1", "password": "not the password", "csrf_token": csrf, "next": "/home"}
        headers = {"Origin": front, "X-Forwarded-For": "203.0.113.9"}
        async with http.post(f"{front}/signin", data=form, headers=headers, allow_redirects=False) as resp:
            assert resp.status in (401, 403, 200), await resp.text()
    async with database.transaction(write=False) as s:
        keys = set((await s.scalars(select(SignInFailure.key).where(SignInFailure.key.like("addr:%")))).all())
    assert "addr:127.0.0.2" in keys, keys
    assert "addr:203.0.113.9" not in keys and "addr:127.0.0.1" not in keys, keys


async def test_behind_nginx_a_killed_room_node_comes_back_with_its_gap(
    workers: Workers, front: str, database: Database, clip: Clip, people: list[HubClient]
) -> None:
    """kill -9 the room's node: every participant, wherever nginx had put their socket, comes back through nginx
    (as the page does on `closed` or a dropped socket) and the room is back on a live process within 10 s; the
    recording's stretch between is a gap of cause node_failed."""
    from sqlalchemy import select

    from hub.auth.models import User
    from tests.faults.harness import recording_rows

    async with database.transaction(write=False) as s:
        host_id = await s.scalar(select(User.id).limit(1))
    rs = await interview_session(database, int(host_id or 0))
    room = rs.signaling_room
    first = [through(front, people, room, "user-host", "host", clip), through(front, people, room, "clerk", "clerk", clip)]
    for c in first:
        await c.connect()
        await c.join()
        await c.start_media()
    await first[0].wait_event("recording", wait=20)
    await asyncio.sleep(2.0)  # a few seconds recorded, a heartbeat written
    nodes = await workers.nodes()
    (node,) = [n for n, info in nodes.items() if room in info["rooms"]]  # type: ignore[operator]
    killed = time.monotonic()
    os.kill(int(nodes[node]["pid"]), signal.SIGKILL)  # type: ignore[call-overload]
    for c in first:  # told to come back (relayed) or simply cut off (its socket was on the dead process)
        await wait_until(lambda c=c: any(e.get("type") in ("closed", "_socket_closed") for e in c.events), 10)
    back = []
    for participant, role in (("user-host", "host"), ("clerk", "clerk")):
        while True:
            c = through(front, people, room, participant, role, clip)
            try:
                await c.connect()
                await c.join()
                break
            except Exception:
                await c.close()
                await asyncio.sleep(0.2)
        back.append(c)
    assert time.monotonic() - killed < 10
    for c in back:
        await c.start_media()
    moved = {n for n, info in (await workers.nodes()).items() if room in info["rooms"]}  # type: ignore[operator]
    assert moved and node not in moved

    async def gap_logged() -> bool:
        _recording, segments, gaps = await recording_rows(database, rs.id)
        return len(segments) >= 2 and any(g.cause.value == "node_failed" for g in gaps)

    deadline = time.monotonic() + 20
    while not await gap_logged():
        assert time.monotonic() < deadline, await recording_rows(database, rs.id)
        await asyncio.sleep(0.3)
