"""A hub of three real processes on Redis (`hub serve --workers 3`), for the cluster tests, on SQLite (one file) and,
when HUB_TEST_POSTGRES_URL is set, on one PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis
from sqlalchemy import make_url, text

from hub.db import Database
from hub.signaling.client import HubClient
from tests.faults.harness import ROOT, SECRET
from tests.signaling.conftest import REDIS_URL

WORKERS = 3


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = int(s.getsockname()[1])
        if base + count > 65000:
            continue
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


@dataclass
class Workers:
    base: int
    namespace: str
    env: dict[str, str]
    proc: asyncio.subprocess.Process

    def ws(self, i: int) -> str:
        return f"ws://127.0.0.1:{self.base + i}/ws"

    def origin(self, i: int) -> str:
        return f"http://127.0.0.1:{self.base + i}"

    async def hub(self, *args: str) -> str:
        cli = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hub.cli", *args, cwd=ROOT, env=self.env, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await cli.communicate()
        assert cli.returncode == 0, out
        return out.decode()

    async def nodes(self) -> dict[str, dict[str, object]]:
        found: dict[str, dict[str, object]] = json.loads(await self.hub("node", "list", "--json"))
        return found


@pytest.fixture
async def workers(
    database: Database, seeded: dict[str, int], tmp_path: Path, worker_env: dict[str, str]
) -> AsyncIterator[Workers]:
    base = free_ports(WORKERS)
    namespace = f"test-{uuid.uuid4().hex[:10]}"
    url, role = database.url, None
    if not database.is_sqlite:
        # One PostgreSQL for every process, as in production. The tests' database lives in a private schema, which
        # a URL cannot name (asyncpg takes no `options`): the workers log in as a throwaway role whose search path
        # is that schema.
        role = f"hub_{namespace.replace('-', '_')}"
        async with database.engine.begin() as conn:
            await conn.execute(text(f'CREATE ROLE "{role}" LOGIN SUPERUSER'))
            await conn.execute(text(f'ALTER ROLE "{role}" SET search_path = "{database.schema}"'))
        url = make_url(database.url).set(username=role).render_as_string(hide_password=False)
    env = {
        **os.environ,
        "HUB_DATABASE_URL": url,
        "HUB_VAR_DIR": str(tmp_path / "var"),
        "HUB_HOST": "127.0.0.1",
        "HUB_PORT": str(base),
        "HUB_PUBLIC_ORIGIN": f"http://127.0.0.1:{base}",
        "HUB_SECRET_KEY": SECRET,
        "HUB_REQUIRE_SECURITY_KEY": "false",
        "HUB_STORE_RESERVE_MB": "0",
        "HUB_BUS": "redis",
        "HUB_REDIS_URL": REDIS_URL,
        "HUB_REDIS_NAMESPACE": namespace,
        "HUB_NODE_ID": "w",
        **worker_env,
    }
    with (tmp_path / "workers.log").open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hub.cli", "serve", "--workers", str(WORKERS), cwd=ROOT, env=env, stdout=log, stderr=log
        )
    found = Workers(base, namespace, env, proc)
    try:
        deadline = time.monotonic() + 90
        async with aiohttp.ClientSession() as http:
            for i in range(WORKERS):
                while True:
                    assert time.monotonic() < deadline, (tmp_path / "workers.log").read_text()[-3000:]
                    try:
                        async with http.get(f"{found.origin(i)}/readyz") as resp:
                            if resp.status == 200:
                                break
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(0.3)
        yield found
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), 60)
        redis = Redis.from_url(REDIS_URL)
        keys = [key async for key in redis.scan_iter(f"{namespace}:*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
        if role is not None:
            async with database.engine.begin() as conn:
                await conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :role"), {"role": role}
                )
                await conn.execute(text(f'DROP OWNED BY "{role}"'))
                await conn.execute(text(f'DROP ROLE "{role}"'))


@pytest.fixture
async def people(workers: Workers) -> AsyncIterator[list[HubClient]]:
    """The test's clients, closed when it ends (passed or failed) and before the processes stop: a peer connection
    left open keeps aiortc's decoder threads, which are not daemon threads, and pytest would never exit."""
    opened: list[HubClient] = []
    yield opened
    failed = []
    for client in opened:
        try:
            await client.close()
        except Exception as exc:  # the others are closed all the same
            failed.append(repr(exc))
    assert not failed, failed


@pytest.fixture
def worker_env() -> dict[str, str]:
    """More settings for the workers (a test overrides it)."""
    return {}
