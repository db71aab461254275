"""Device enrolment, credentials, heartbeats and revocation (services: take a session, never commit)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.audit import AuditActor
from hub.errors import Conflict, Invalid, NotFound
from hub.i18n import N_
from hub.rooms.models import Device, DeviceStatus, Room

# No 0/O, 1/I/L: the code is read off an admin's screen and typed on a touch keyboard once.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31**12 ≈ 2**59: guessing is hopeless within the code's lifetime
CODE_LIFETIME = dt.timedelta(hours=24)
# A kiosk posts a heartbeat every HEARTBEAT_SECONDS (its answer also tells the kiosk of open calls, so it is
# frequent); the kiosk counts as online if one arrived within ONLINE_WINDOW.
HEARTBEAT_SECONDS = 5
ONLINE_WINDOW = dt.timedelta(seconds=60)
# Writing last_seen_at on every beat of every kiosk would be needless write load.
SEEN_RESOLUTION = dt.timedelta(seconds=20)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(typed: str) -> str:
    """What a person typed, as the code was issued: spaces and dashes dropped, upper case."""
    return "".join(c for c in typed.upper() if c.isalnum())


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def status_of(device: Device, now: dt.datetime) -> DeviceStatus:
    if device.revoked_at is not None:
        return DeviceStatus.REVOKED
    if device.enrolled_at is not None:
        return DeviceStatus.ENROLLED
    if device.enrolment_expires_at is not None and device.enrolment_expires_at <= now:
        return DeviceStatus.EXPIRED
    return DeviceStatus.AWAITING


def is_online(device: Device, now: dt.datetime) -> bool:
    return device.revoked_at is None and device.last_seen_at is not None and now - device.last_seen_at < ONLINE_WINDOW


@dataclass(frozen=True)
class IssuedCode:
    device: Device
    code: str  # shown once to the admin, never stored


async def issue_enrolment_code(session: AsyncSession, actor: AuditActor, room: Room, label: str, now: dt.datetime) -> IssuedCode:
    """A new device for `room`, awaiting enrolment with a one-time code."""
    if not room.active:
        raise Conflict("room_inactive", N_("This room is not in use."))
    code = new_code()
    device = Device(
        room_id=room.id,
        label=label.strip() or room.name_zh,
        enrolment_code_hash=digest(code),
        enrolment_expires_at=now + CODE_LIFETIME,
        created_at=now,
        created_by=actor.id,
    )
    session.add(device)
    await session.flush()
    await audit.record(
        session,
        actor,
        "device.code_issued",
        "device",
        device.id,
        {"room_id": room.id, "label": device.label, "expires_at": device.enrolment_expires_at},
        at=now,
    )
    return IssuedCode(device, code)


def _bad_code() -> Invalid:
    message = N_("This enrolment code is not valid.")
    return Invalid("bad_code", message, fields={"code": message})


@dataclass(frozen=True)
class Enrolled:
    device: Device
    room: Room
    credential: str  # goes into the device's cookie, never stored


async def enrol(session: AsyncSession, typed_code: str, now: dt.datetime) -> Enrolled:
    """Trade a one-time code for a device credential. The code stops working at once."""
    code = normalise_code(typed_code)
    found = None
    if len(code) == CODE_LENGTH:
        found = (
            await session.execute(
                select(Device, Room).join(Room, Room.id == Device.room_id).where(Device.enrolment_code_hash == digest(code))
            )
        ).first()
    if found is None:
        raise _bad_code()
    device, room = found[0], found[1]
    if status_of(device, now) is not DeviceStatus.AWAITING or not room.active:
        raise _bad_code()
    credential = secrets.token_urlsafe(32)
    device.credential_hash = digest(credential)
    device.enrolment_code_hash = None
    device.enrolment_expires_at = None
    device.enrolled_at = now
    device.last_seen_at = now
    await session.flush()
    await audit.record(
        session, AuditActor(None, f"kiosk:{device.id}"), "device.enrolled", "device", device.id, {"room_id": room.id}, at=now
    )
    return Enrolled(device, room, credential)


async def authenticate(session: AsyncSession, credential: str) -> tuple[Device, Room] | None:
    """The enrolled, unrevoked device holding `credential`, in an active room."""
    if not credential or len(credential) > 100:
        return None
    row = (
        await session.execute(
            select(Device, Room)
            .join(Room, Room.id == Device.room_id)
            .where(Device.credential_hash == digest(credential), Device.revoked_at.is_(None), Room.active.is_(True))
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def heartbeat(session: AsyncSession, device_id: int, now: dt.datetime) -> None:
    device = await session.get(Device, device_id)
    if device is None or device.revoked_at is not None:
        return
    if device.last_seen_at is None or now - device.last_seen_at >= SEEN_RESOLUTION:
        device.last_seen_at = now
        await session.flush()


async def revoke(session: AsyncSession, actor: AuditActor, device_id: int, version: int, now: dt.datetime) -> Device:
    device = await session.get(Device, device_id)
    if device is None:
        raise NotFound("device")
    if device.version != version:
        raise Conflict("stale", N_("Someone changed this device meanwhile. Reload the page."))
    if device.revoked_at is None:
        device.revoked_at = now
        device.credential_hash = None  # the cookie the device holds now matches nothing
        device.enrolment_code_hash = None
        await session.flush()
        await audit.record(session, actor, "device.revoked", "device", device.id, {"room_id": device.room_id}, at=now)
    return device


async def list_devices(session: AsyncSession) -> list[tuple[Device, Room]]:
    rows = await session.execute(select(Device, Room).join(Room, Room.id == Device.room_id).order_by(Room.code, Device.id))
    return [(r[0], r[1]) for r in rows]


async def online_room_ids(session: AsyncSession, now: dt.datetime) -> set[int]:
    """Rooms with at least one enrolled device online now (kiosk booking offers "talk now" only there)."""
    rows = await session.scalars(
        select(Device.room_id).where(
            Device.revoked_at.is_(None), Device.enrolled_at.is_not(None), Device.last_seen_at > now - ONLINE_WINDOW
        )
    )
    return set(rows.all())
