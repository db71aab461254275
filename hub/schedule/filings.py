"""Written petitions filed at a kiosk, with photographs of documents, named or anonymous.

An anonymous filer is never traced (检举控告规则 29): the petition is registered by a kiosk actor stripped of its
device and of its township, on the day (its time is the day's start), with no receipt code, no address, no
phone; it goes to the county petition office, never to the township (whose staff may be the accused); the
photographs are stored without any label that points back to the kiosk. Requests to kiosk paths are neither
counted in metrics nor logged. What lets the filer follow the petition is the receipt code and a PIN
shown once on the receipt; only the SHA-256 of the two is kept.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.cases.interface import CaseContext, Petition, PetitionChannel, PetitionIn, PetitionKind, register_petition
from hub.clock import LOCAL_TZ
from hub.errors import Invalid
from hub.i18n import N_
from hub.schedule.models import FilingPhoto, KioskFiling
from hub.schedule.receipts import clean_name, normalise_phone, secret_digest, unique_code

MAX_PHOTOS = 8
MAX_PHOTO_BYTES = 6 * 1024 * 1024
PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}


def day_start(now: dt.datetime) -> dt.datetime:
    """The start of ``now``'s local day, in UTC: the finest time an anonymous filing carries."""
    day = now.astimezone(LOCAL_TZ).date()
    return dt.datetime.combine(day, dt.time(0), LOCAL_TZ).astimezone(dt.UTC)


def photo_type(data: bytes) -> str:
    for magic, media_type in PHOTO_TYPES.items():
        if data.startswith(magic):
            return media_type
    raise Invalid("bad_photo", N_("A photograph could not be read. Please take it again."))


@dataclass(frozen=True)
class FilingIn:
    summary: str
    kind: PetitionKind
    anonymous: bool
    name: str = ""
    phone: str = ""
    accused_name: str = ""


@dataclass(frozen=True)
class Filed:
    filing: KioskFiling
    petition: Petition
    pin: str  # shown once (anonymous filings); empty for a named filing, whose secret is the phone number


def check(data: FilingIn) -> FilingIn:
    summary = data.summary.strip()
    if not 10 <= len(summary) <= 20000:
        raise Invalid(
            "bad_summary",
            N_("Describe the matter in at least 10 characters."),
            fields={"summary": N_("Describe the matter in at least 10 characters.")},
        )
    if data.anonymous:
        return FilingIn(summary, data.kind, True, accused_name=data.accused_name.strip()[:80])
    return FilingIn(summary, data.kind, False, clean_name(data.name), normalise_phone(data.phone), data.accused_name.strip()[:80])


async def file_petition(
    session: AsyncSession, ctx: CaseContext, kiosk: Actor, data: FilingIn, photo_ids: list[str], now: dt.datetime
) -> Filed:
    """Register the petition with case tracking and keep the receipt. ``photo_ids``: files already in the store."""
    data = check(data)
    if len(photo_ids) > MAX_PHOTOS:
        raise Invalid("too_many_photos", N_("At most 8 photographs."))
    # anonymous: the petition is registered by "a kiosk", never by this device nor its township, at the day's start
    registrar = Actor(kind="kiosk") if data.anonymous else kiosk
    code = await unique_code(session)
    petition = await register_petition(
        session,
        ctx,
        registrar,
        PetitionIn(
            channel=PetitionChannel.KIOSK,
            kind=data.kind,
            summary=data.summary,
            petitioner_name=None if data.anonymous else data.name,
            petitioner_contact="" if data.anonymous else data.phone,
            accused_name=data.accused_name,
            township_id=None if data.anonymous else kiosk.township_id,
            intake_ref="" if data.anonymous else code,
        ),
        day_start(now) if data.anonymous else now,
    )
    pin = f"{secrets.randbelow(10**6):06d}" if data.anonymous else ""
    filing = KioskFiling(
        code=code,
        secret_hash=secret_digest(code, pin if data.anonymous else data.phone),
        petition_id=petition.id,
        created_on=now.astimezone(LOCAL_TZ).date(),
    )
    session.add(filing)
    await session.flush()
    session.add_all(FilingPhoto(filing_id=filing.id, position=i, file_id=fid) for i, fid in enumerate(photo_ids))
    await session.flush()
    return Filed(filing, petition, pin)


async def photos_of_petition(session: AsyncSession, petition_id: int) -> list[str]:
    stmt = (
        select(FilingPhoto.file_id)
        .join(KioskFiling, KioskFiling.id == FilingPhoto.filing_id)
        .where(KioskFiling.petition_id == petition_id)
        .order_by(FilingPhoto.position)
    )
    return list((await session.scalars(stmt)).all())
