"""Run Alembic from code: `hub migrate` and the tests use this, so no alembic.ini is needed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine

from hub.db import connect_args

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


async def upgrade(url: str, revision: str = "heads", *, schema: str | None = None) -> None:
    """Bring the database at ``url`` up to ``revision`` (all branches by default)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={} if url.startswith("sqlite") else connect_args(schema))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade_sync, url, revision)
    finally:
        await engine.dispose()


def _upgrade_sync(connection: object, url: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    if revision != "heads":
        command.upgrade(config, revision)
        return
    # One branch at a time: Alembic 1.x can trip over a branch point plus cross-branch depends_on
    # when it upgrades all heads in one step (KeyError on the shared base revision).
    for head in sorted(ScriptDirectory.from_config(config).get_heads()):
        command.upgrade(config, head)


def upgrade_blocking(url: str, revision: str = "heads", *, schema: str | None = None) -> None:
    asyncio.run(upgrade(url, revision, schema=schema))
