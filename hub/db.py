"""Database core: the declarative base, the engine and the unit of work.

Transactions live at the edge: a request handler (or a signaling message, or a CLI
command) opens one with ``Database.transaction()``; services take the session and
never commit.

A unit of work fails in two ways every caller must tell apart from a bug, so ``transaction()`` turns them into
domain errors once for everyone: a database that does not answer (refused, dropped, timed out) is ``Unavailable``
(HTTP 503, and the recorder buffers instead of dying), and a stale write caught by a version column at flush or
commit (``StaleDataError``) is ``Conflict`` (409).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from prometheus_client import Counter
from sqlalchemy import DateTime, MetaData, TypeDecorator, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.exc import StaleDataError

from hub.errors import STALE_MESSAGE, Conflict, HubError, Unavailable

DATABASE_ERRORS = Counter("hub_database_errors_total", "Units of work that failed in the database", ["kind"])
_DRIVER_MODULES = ("/sqlalchemy/", "/asyncpg/", "/aiosqlite/")
# what PostgreSQL says when it will not serve (ALLOW_CONNECTIONS false, a restart, an administrator's terminate)
_OUTAGE_WORDS = ("not currently accepting connections", "shutting down", "starting up", "terminating connection", "connection")

# Stable constraint names so that Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the hub stores UTC-aware datetimes only")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def private_files(cursor: Any) -> None:
    """The SQLite file holds personal data in plaintext: readable by the hub's user alone (0600), before the WAL and
    shared-memory files are made (SQLite gives them the database file's mode)."""
    cursor.execute("PRAGMA database_list")
    for _seq, _name, path in cursor.fetchall():
        if path:
            with contextlib.suppress(OSError):
                os.chmod(path, 0o600)


def _sqlite_setup(engine: AsyncEngine) -> None:
    """WAL, foreign keys, and explicit BEGIN so that a write transaction takes its lock up front.

    pysqlite's own transaction handling defers BEGIN; we take it over (the SQLAlchemy
    recipe) and begin writers with BEGIN IMMEDIATE, so two writers queue instead of
    failing with SQLITE_BUSY when the second one upgrades its read lock.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        private_files(cur)
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def connect_args(schema: str | None) -> dict[str, Any]:
    """PostgreSQL: put a private schema first on the search path (tests run side by side in one database)."""
    return {"server_settings": {"search_path": schema}} if schema else {}


def _raised_by_driver(exc: BaseException) -> bool:
    """Whether ``exc`` came out of the database layer (a bare OSError from a handler's own file work does not)."""
    tb = exc.__traceback__
    while tb is not None:
        if any(part in tb.tb_frame.f_code.co_filename for part in _DRIVER_MODULES):
            return True
        tb = tb.tb_next
    return False


def database_outage(exc: BaseException) -> bool:
    """A database that does not answer, as opposed to a query that is wrong."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa_exc.InterfaceError | sa_exc.OperationalError | sa_exc.TimeoutError | sa_exc.DisconnectionError):
        return True
    if isinstance(exc, sa_exc.DBAPIError) and isinstance(exc.orig, OSError | asyncio.TimeoutError):
        return True
    if isinstance(exc, sa_exc.DBAPIError) and (
        "connect" in type(exc.orig).__name__.lower() or any(words in str(exc.orig).lower() for words in _OUTAGE_WORDS)
    ):
        return True  # asyncpg's ConnectionDoesNotExistError, CannotConnectNowError … as the adapter wraps them
    return isinstance(exc, OSError | asyncio.TimeoutError) and _raised_by_driver(exc)


def translate_quietly(exc: BaseException) -> bool:
    return isinstance(exc, StaleDataError) or database_outage(exc)


def translate(exc: BaseException) -> HubError | None:
    """The domain error for a database failure (None: not one of those, let it be)."""
    if isinstance(exc, StaleDataError):
        DATABASE_ERRORS.labels("stale").inc()
        return Conflict("stale", STALE_MESSAGE)
    if database_outage(exc):
        DATABASE_ERRORS.labels("unavailable").inc()
        return Unavailable()
    return None


class Database:
    """The engine and two session factories: readers and writers."""

    def __init__(self, url: str, *, echo: bool = False, schema: str | None = None, pool_size: int = 10) -> None:
        self.url = url
        self.schema = schema
        self.is_sqlite = url.startswith("sqlite")
        # hide_parameters: an error's message (which reaches the logs) names the SQL, never its values (personal data)
        kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if not self.is_sqlite:
            kwargs.update(pool_size=pool_size, max_overflow=20, pool_pre_ping=True, connect_args=connect_args(schema))
        self.engine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            _sqlite_setup(self.engine)
            writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        else:
            writer = self.engine
        self._readers = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writers = async_sessionmaker(writer, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """One unit of work: commit on success, roll back on any exception."""
        factory = self._writers if write else self._readers
        try:
            async with factory() as session:
                try:
                    yield session
                    if not write and (session.new or session.dirty or session.deleted):
                        raise RuntimeError("a read-only unit of work tried to change data")
                    # a reader commits too: rollback would expire the objects it loaded for the caller
                    await session.commit()
                except BaseException as exc:
                    if translate_quietly(exc):
                        with contextlib.suppress(Exception):  # the connection may be gone: the first error is the news
                            await session.rollback()
                    else:
                        await session.rollback()
                    raise
        except (TimeoutError, sa_exc.SQLAlchemyError, OSError) as exc:
            mapped = translate(exc)
            if mapped is None:
                raise
            raise mapped from exc

    async def dispose(self) -> None:
        await self.engine.dispose()
