"""Full-text search of documents, Chinese substrings included, within what the actor may see.

Chinese has no spaces to split words at, so the index is of character trigrams: on SQLite the FTS5 ``trigram``
tokenizer (``document_fts``, an external-content index over ``document_versions.text``), on PostgreSQL a pg_trgm GIN
index on that column. Both serve ``LIKE '%…%'`` for a phrase of three characters or more; a shorter one scans.
The visibility filter is the clue rule's own SQL (``policy.where``), so search never finds what a page would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.documents.models import Document, DocumentVersion

MAX_QUERY = 100
SNIPPET = 40
TRIGRAM = 3


def _like(phrase: str) -> str:
    return "%" + phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _sqlite(session: AsyncSession) -> bool:
    return session.bind is None or session.bind.dialect.name == "sqlite"


async def index(session: AsyncSession, version: DocumentVersion) -> None:
    """Add a new version's text to the index (SQLite; PostgreSQL's GIN index follows the column by itself)."""
    if _sqlite(session) and version.text:
        await session.execute(
            text("INSERT INTO document_fts(rowid, text) VALUES (:id, :text)"), {"id": version.id, "text": version.text}
        )


@dataclass(frozen=True)
class Hit:
    document: Document
    version_number: int
    snippet: str


def snippet(full: str, phrase: str) -> str:
    at = full.lower().find(phrase.lower())
    if at < 0:
        return full[: SNIPPET * 2]
    start = max(0, at - SNIPPET)
    return ("…" if start else "") + full[start : at + len(phrase) + SNIPPET].replace("\n", " ") + "…"


async def search(session: AsyncSession, policy: Policy, actor: Actor, phrase: str, *, limit: int = 50) -> list[Hit]:
    phrase = phrase.strip()[:MAX_QUERY]
    if not phrase:
        return []
    clue: Any = policy.model_named("clue")
    visible = policy.where(actor, "view", clue)
    sqlite = _sqlite(session)
    if sqlite:
        phrase = phrase.replace("%", "").replace("_", "")  # FTS5 serves LIKE without an ESCAPE clause: drop wildcards
        if not phrase:
            return []
    if sqlite and len(phrase) < TRIGRAM:
        # this SQLite's trigram index finds nothing shorter than a trigram: scan the texts themselves
        condition = DocumentVersion.text.like(_like(phrase), escape="\\")
    elif sqlite:
        # FTS5 serves a two-argument LIKE from its trigram index
        matching = (
            select(text("rowid"))
            .select_from(text("document_fts"))
            .where(text("document_fts.text LIKE :p").bindparams(p=f"%{phrase}%"))
        )
        condition = DocumentVersion.id.in_(matching)
    else:
        condition = DocumentVersion.text.ilike(_like(phrase), escape="\\")
    latest = (
        select(DocumentVersion.document_id, func.max(DocumentVersion.number).label("number"))
        .where(condition)
        .group_by(DocumentVersion.document_id)
        .subquery()
    )
    stmt = (
        select(Document, DocumentVersion)
        .join(latest, latest.c.document_id == Document.id)
        .join(DocumentVersion, (DocumentVersion.document_id == Document.id) & (DocumentVersion.number == latest.c.number))
        .join(clue, clue.id == Document.clue_id)
        .where(visible)
        .order_by(Document.id.desc())
        .limit(limit)
    )
    rows = (await session.execute(stmt)).all()
    return [Hit(d, v.number, snippet(v.text, phrase)) for d, v in rows]
