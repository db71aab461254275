"""Full-text search of documents, Chinese substrings included, within what the actor may see.

Chinese has no spaces to split words at, so the index is of character trigrams: on SQLite the FTS5 ``trigram``
tokenizer (``document_fts``, an external-content index over ``document_versions.text``), on PostgreSQL a pg_trgm GIN
index on that column. Both serve ``LIKE '%…%'`` for a phrase of three characters or more; a shorter one scans.
The visibility filter is the clue rule's own SQL (``policy.where``), so search never finds what a page would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Text, bindparam, column, insert, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.documents.models import Document, DocumentVersion

MAX_QUERY = 100
SNIPPET = 40
TRIGRAM = 3
FTS = table("document_fts", column("rowid", Integer), column("text", Text))  # made by the migration, not a model


def _like(phrase: str) -> str:
    return "%" + phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _sqlite(session: AsyncSession) -> bool:
    return session.bind is None or session.bind.dialect.name == "sqlite"


async def index(session: AsyncSession, version: DocumentVersion) -> None:
    """Add a new version's text to the index (SQLite; PostgreSQL's GIN index follows the column by itself)."""
    if _sqlite(session) and version.text:
        await session.execute(insert(FTS).values(rowid=version.id, text=version.text))


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
    # newest matching versions first, through the visibility filter, cut early: a phrase found in most documents stops
    # after the first rows, a rare one is served by the trigram index; one hit per document (its newest matching version)
    stmt = select(Document, DocumentVersion)
    if sqlite and len(phrase) >= TRIGRAM:
        stmt = stmt.select_from(FTS).join(DocumentVersion, DocumentVersion.id == FTS.c.rowid)
        stmt = stmt.where(FTS.c.text.like(f"%{phrase}%")).order_by(FTS.c.rowid.desc())
    elif sqlite:
        # this SQLite's trigram index finds nothing shorter than a trigram: scan the texts themselves
        stmt = stmt.where(DocumentVersion.text.like(_like(phrase), escape="\\")).order_by(DocumentVersion.id.desc())
    else:
        # the pattern is planned as a literal, not as a parameter of a cached generic plan: with the phrase in hand the
        # planner estimates its trigrams' selectivity and takes the GIN index for a rare one, the id order for a common one
        pattern = bindparam("phrase", _like(phrase), type_=Text, literal_execute=True)
        stmt = stmt.where(DocumentVersion.text.ilike(pattern, escape="\\")).order_by(DocumentVersion.id.desc())
    stmt = (
        stmt.join(Document, Document.id == DocumentVersion.document_id)
        .join(clue, clue.id == Document.clue_id)
        .where(visible)
        .limit(limit * 4)
    )
    rows: list[tuple[Document, DocumentVersion]] = []
    seen: set[int] = set()
    for d, v in (await session.execute(stmt)).all():
        if d.id not in seen and len(rows) < limit:
            seen.add(d.id)
            rows.append((d, v))
    return [Hit(d, v.number, snippet(v.text, phrase)) for d, v in rows]
