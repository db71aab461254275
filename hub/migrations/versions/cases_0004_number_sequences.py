"""Cases: petitions and clues are numbered from hub.numbering's sequences; start each after the highest number in use.

Before this revision a number was ``XF{year}-{row id}`` (and the demo numbered petitions by their clue's id, which
collided with live intake). The sequences start above every number already given, per year, so nothing can collide.

Revision ID: cases_0004
Revises: cases_0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "cases_0004"
down_revision = "cases_0003"
branch_labels = None
depends_on = "core_0001"

_NUMBER = re.compile(r"^[A-Z]+(\d{4})-(\d+)$")


def upgrade() -> None:
    conn = op.get_bind()
    sequences = sa.table("number_sequences", sa.column("scope"), sa.column("year"), sa.column("last"))
    for scope, table in (("petition", "petitions"), ("clue", "clues")):
        highest: dict[int, int] = {}
        for (number,) in conn.execute(sa.text(f"SELECT number FROM {table}")):  # noqa: S608 (constant table names)
            match = _NUMBER.match(number or "")
            if match:
                year, n = int(match.group(1)), int(match.group(2))
                highest[year] = max(highest.get(year, 0), n)
        if highest:
            op.bulk_insert(sequences, [{"scope": scope, "year": y, "last": n} for y, n in sorted(highest.items())])


def downgrade() -> None:
    op.execute("DELETE FROM number_sequences WHERE scope IN ('petition', 'clue')")
