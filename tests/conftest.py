"""Fixtures shared by every test: a real database (SQLite file, and PostgreSQL when HUB_TEST_POSTGRES_URL is set),
the demo organisation, a fake clock and the app.

Isolation: SQLite tests get a fresh copy of a migrated template file; PostgreSQL tests run in a private schema
(one per test process, so several runs can share the `test` database) whose tables are emptied before each test.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from hub.app import create_app
from hub.clock import LOCAL_TZ, FakeClock
from hub.db import Database
from hub.demo import org as demo_org
from hub.migrate import upgrade
from hub.settings import Settings
from tests.support.clients import Browser

# Property tests check what holds, not how fast: speed lives in bench/ (a deadline fails them on a loaded machine)
hypothesis_settings.register_profile("hub", deadline=None)
hypothesis_settings.load_profile("hub")

POSTGRES_URL = os.environ.get("HUB_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]
START = dt.datetime(2026, 11, 27, 9, 0, tzinfo=LOCAL_TZ)  # a Friday morning in the county


def run_blocking(factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run a coroutine to completion in its own thread and loop (session fixtures may be set up inside a test's loop)."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(factory())).result()


@pytest.fixture(scope="session")
def demo_password_hash() -> str:
    return PasswordHasher().hash(demo_org.DEMO_PASSWORD)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "hub.sqlite3"
    run_blocking(lambda: upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("HUB_TEST_POSTGRES_URL is not set")
    schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    async def create() -> None:
        engine = create_async_engine(POSTGRES_URL)
        async with engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await engine.dispose()
        await upgrade(POSTGRES_URL, schema=schema)

    async def drop() -> None:
        engine = create_async_engine(POSTGRES_URL)
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await engine.dispose()

    run_blocking(create)
    yield schema
    run_blocking(drop)


async def _empty_pg(db: Database) -> None:
    """Empty every table of the private schema (what the migrations made, whatever the models say)."""
    async with db.engine.begin() as conn:
        tables = (
            (
                await conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = :s AND tablename != 'alembic_version'"),
                    {"s": db.schema},
                )
            )
            .scalars()
            .all()
        )
        if tables:
            await conn.execute(text(f"TRUNCATE {', '.join(f'{db.schema}.{t}' for t in tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "hub.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        db = Database(f"sqlite+aiosqlite:///{path}")
    else:
        db = Database(POSTGRES_URL, schema=request.getfixturevalue("pg_schema"), pool_size=5)
        await _empty_pg(db)
    yield db
    await db.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        var_dir=tmp_path / "var",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        signin_delay_cap_seconds=0.2,
        log_json=True,
        # the other parts' tests sign in with a password alone; tests/auth and tests/access switch the key on
        require_security_key=False,
    )


@pytest.fixture
async def seeded(database: Database, demo_password_hash: str, clock: FakeClock) -> dict[str, int]:
    async with database.transaction() as s:
        return await demo_org.load(s, password_hash=demo_password_hash, now=clock.now())


@pytest.fixture
def app(settings: Settings, database: Database, clock: FakeClock):  # type: ignore[no-untyped-def]
    return create_app(settings, clock=clock, database=database)


@pytest.fixture
async def browser(aiohttp_client, app, seeded) -> Browser:  # type: ignore[no-untyped-def]
    return Browser(await aiohttp_client(app))


@pytest.fixture
async def new_browser(aiohttp_client, browser):  # type: ignore[no-untyped-def]
    """A factory of more independent browsers (separate cookie jars) against the same running app."""

    async def make() -> Browser:
        return Browser(await aiohttp_client(browser.client.server))

    return make
