"""Append-only, hash-chained audit log (DESIGN §5).

Each entry carries a sequence number, the actor, the action, the object, a canonical
JSON of the change and ``hash = SHA-256(prev_hash || canonical(entry))``. ``verify``
walks the chain and names the first entry that does not fit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime

GENESIS = "0" * 64
_PG_LOCK_KEY = 727_000_001  # advisory lock that serialises appends on PostgreSQL


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100), index=True)
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str] = mapped_column(String(100))
    change: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(
    prev_hash: str,
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    change: str,
) -> str:
    body = canonical_json(
        {
            "seq": seq,
            "at": at.astimezone(dt.UTC).isoformat(),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "change": change,
        }
    )
    return hashlib.sha256((prev_hash + "\n" + body).encode()).hexdigest()


@dataclass(frozen=True)
class AuditActor:
    """Who did it: a staff account, a device, or the system itself."""

    id: int | None
    label: str


SYSTEM = AuditActor(None, "system")


async def record(
    session: AsyncSession,
    actor: AuditActor,
    action: str,
    object_type: str,
    object_id: object,
    change: Mapping[str, Any] | None = None,
    *,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    last = (await session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1))).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    payload = canonical_json(dict(change or {}))
    entry = AuditEntry(
        seq=seq,
        at=when,
        actor_id=actor.id,
        actor_label=actor.label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        change=payload,
        prev_hash=prev,
    )
    entry.hash = entry_hash(
        prev,
        seq=seq,
        at=when,
        actor_id=actor.id,
        actor_label=actor.label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        change=payload,
    )
    session.add(entry)
    await session.flush()
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            return f"ok, {self.count} entries (head {self.head[:16]})"
        return f"broken at entry seq={self.broken_seq} (id={self.broken_id}): {self.reason}"


async def _walk(session: AsyncSession, batch: int = 5000) -> AsyncIterator[AuditEntry]:
    last_id = 0
    while True:
        rows = (
            await session.scalars(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch))
        ).all()
        if not rows:
            return
        for row in rows:
            yield row
        last_id = rows[-1].id


async def verify(session: AsyncSession) -> VerifyResult:
    """Walk the chain in insertion order; name the first entry that is out of place or altered."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    async for row in _walk(session):
        if row.seq != expected_seq:
            reason = "an entry before it is missing" if row.seq > expected_seq else "entries are out of order"
            return VerifyResult(False, count, prev_hash, row.seq, row.id, f"{reason} (expected seq {expected_seq})")
        if row.prev_hash != prev_hash:
            return VerifyResult(False, count, prev_hash, row.seq, row.id, "does not link to the entry before it")
        computed = entry_hash(
            row.prev_hash,
            seq=row.seq,
            at=row.at,
            actor_id=row.actor_id,
            actor_label=row.actor_label,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            change=row.change,
        )
        if computed != row.hash:
            return VerifyResult(False, count, prev_hash, row.seq, row.id, "its content was altered (hash mismatch)")
        prev_hash, expected_seq, count = row.hash, expected_seq + 1, count + 1
    return VerifyResult(True, count, prev_hash)
