"""Tables of a case's outcome: what the review proposes and the trial decides (workflow.md §3.3–3.5, §4.3–4.9).

One ``case_outcomes`` row per clue and stage ("review": the 审查调查报告's proposal; "trial": the 审理 decision that
the standing committee approves). The codes are those of ``hub/cases/taxonomy.py``. A trial outcome is frozen when its
decision is requested and stamped ``approved_on`` when the approval chain ends: what is announced or served is that.
The person's rank, party membership and public employment are kept on the outcome as they were at the decision, so
that statistics do not move when the subject's record is corrected later.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime


class CaseOutcome(Base):
    __tablename__ = "case_outcomes"
    __table_args__ = (
        UniqueConstraint("clue_id", "stage", name="uq_case_outcomes_clue_stage"),
        Index("ix_case_outcomes_stage_approved_on", "stage", "approved_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(10))  # review | trial
    facts: Mapped[str] = mapped_column(Text, default="")  # the violations found, in words
    form: Mapped[str] = mapped_column(String(10))  # first … fourth
    party_membership: Mapped[str] = mapped_column(String(20))  # member | probationary | none
    public_employee: Mapped[bool] = mapped_column(Boolean)
    rank: Mapped[str | None] = mapped_column(String(20))
    party_sanction: Mapped[str | None] = mapped_column(String(30))
    gov_sanction: Mapped[str | None] = mapped_column(String(30))
    no_sanction_reason: Mapped[str | None] = mapped_column(String(30))
    reason_text: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_label: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_on: Mapped[dt.date | None] = mapped_column(Date)  # local day of the decision: the statistics' date
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class CaseOutcomeItem(Base):
    """One classification of an outcome: a violation (its discipline is ``parent``), an eight-point item (its class),
    or another disposition (its group)."""

    __tablename__ = "case_outcome_items"

    outcome_id: Mapped[int] = mapped_column(ForeignKey("case_outcomes.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)  # violation | eight_point | disposition
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    parent: Mapped[str] = mapped_column(String(30), index=True)
