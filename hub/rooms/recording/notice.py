"""The legal notice an interviewee or petitioner sees before the recording, and their answer.

The exact text shown (in the reader's language) is hashed and the hash stored with the answer, so the
record says what was acknowledged, not only that something was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.audit import AuditActor
from hub.i18n import N_
from hub.rooms.recording.models import NoticeDecision, RecordingNotice

# roles whose holder is told before being recorded (the staff side runs the recording)
NOTICE_ROLES = frozenset({"interviewee", "petitioner", "kiosk"})

NOTICE_TITLE = N_("Notice of audio and video recording")
NOTICE_TEXT = N_(
    "This conversation is recorded in sound and picture from beginning to end, under the rules on supervision "
    "and discipline work. The recording cannot be paused. It is kept encrypted in the case file, may be used as "
    "evidence, and is seen only by staff with rights to the case. Every viewing is logged. You may say what you "
    "wish to say about the recording; it will be written into the record."
)

NOTICE_LABELS = {
    "acknowledge": N_("I have read this notice"),
    "refuse": N_("I do not agree to be recorded"),
    "failed": N_("The answer could not be sent. Please try again."),
}


def notice_sha256(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\n\n{text}".encode()).hexdigest()


async def answer(
    s: AsyncSession,
    *,
    room_session_id: int,
    participant: str,
    name: str,
    role: str,
    decision: NoticeDecision,
    sha256: str,
    locale: str,
    now: dt.datetime,
) -> RecordingNotice:
    row = RecordingNotice(
        room_session_id=room_session_id,
        participant=participant,
        name=name,
        role=role,
        notice_sha256=sha256,
        locale=locale,
        decision=decision,
        decided_at=now,
    )
    s.add(row)
    await s.flush()
    await audit.record(
        s,
        AuditActor(None, f"participant:{participant}"),
        f"recording.notice_{decision.value}",
        "room_session",
        room_session_id,
        {"participant": participant, "role": role, "notice_sha256": sha256, "locale": locale},
        at=now,
    )
    return row


async def notices_of(s: AsyncSession, room_session_id: int) -> Sequence[RecordingNotice]:
    query = select(RecordingNotice).where(RecordingNotice.room_session_id == room_session_id).order_by(RecordingNotice.decided_at)
    return (await s.scalars(query)).all()
