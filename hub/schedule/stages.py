"""What a petitioner may learn with a receipt code: the stage of the booking or petition, nothing of its content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.cases.interface import Petition, PetitionState
from hub.errors import NotFound
from hub.i18n import N_
from hub.schedule.bookings import find
from hub.schedule.models import BookingStatus, KioskFiling, ReceptionSlot
from hub.schedule.receipts import CODE_DIGITS, normalise_code, secret_matches

PUBLIC_STAGES: dict[Enum, str] = {
    PetitionState.REGISTERED: N_("Received and registered; being handled"),
    PetitionState.NOT_ACCEPTED_FORWARDED: N_("Not for this commission; forwarded to the competent body"),
    PetitionState.NOT_ACCEPTED_INFORMED: N_("Not for this commission; you have been told where to turn"),
    PetitionState.REPORTED_UP: N_("Sent to the higher-level commission"),
    PetitionState.FORWARDED_DOWN: N_("Forwarded to the competent lower-level body"),
    PetitionState.MERGED_DUPLICATE: N_("Joined to an earlier report of the same matter"),
    PetitionState.ROUTED_TO_APPEAL: N_("Being handled as an appeal"),
    PetitionState.CONVERTED_TO_CLUE: N_("Accepted and under examination"),
    PetitionState.FEEDBACK_DUE: N_("Handled; the result will be communicated"),
    PetitionState.CLOSED: N_("Concluded"),
}
BOOKING_STAGES: dict[BookingStatus, str] = {
    BookingStatus.BOOKED: N_("Appointment booked; the petition is recorded at the appointment"),
    BookingStatus.CANCELLED: N_("Appointment cancelled"),
    BookingStatus.IN_CALL: N_("In reception now"),
    BookingStatus.RECEIVED: N_("Received; the petition is being registered"),
    BookingStatus.NO_SHOW: N_("The appointment was missed"),
}


@dataclass(frozen=True)
class Stage:
    code: str
    label: str  # an English message id
    petition_number: str = ""
    slot_start: dt.datetime | None = None


async def stage_of(session: AsyncSession, code: str, secret: str) -> Stage:
    """The stage of a booking's petition (code + phone) or of a written filing (code + phone, or code + PIN)."""
    code = normalise_code(code)
    filing = await session.scalar(select(KioskFiling).where(KioskFiling.code == code)) if len(code) == CODE_DIGITS else None
    if filing is not None:
        if not secret_matches(filing, secret):
            raise NotFound("booking", N_("No booking or petition matches this receipt code and phone number."))
        petition = await session.get(Petition, filing.petition_id)
        assert petition is not None
        return Stage(petition.state.value, PUBLIC_STAGES.get(petition.state, N_("Being handled")), petition.number)
    booking = await find(session, code, secret)
    slot = await session.get(ReceptionSlot, booking.slot_id)
    if booking.petition_id is not None:
        petition = await session.get(Petition, booking.petition_id)
        if petition is not None:
            return Stage(petition.state.value, PUBLIC_STAGES.get(petition.state, N_("Being handled")), petition.number)
    return Stage(booking.status.value, BOOKING_STAGES[booking.status], "", slot.starts_at if slot else None)
