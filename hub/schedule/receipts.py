"""What identifies a petitioner without an account: a phone number, a receipt code, and (anonymous) a PIN."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from contextlib import suppress

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.errors import Invalid
from hub.i18n import N_
from hub.schedule.models import Booking, KioskFiling

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")  # area code and number, e.g. 0477-1234567
CODE_DIGITS = 8


def normalise_phone(raw: str) -> str:
    """Digits only; a valid mainland mobile or landline number, or Invalid with a clear message."""
    digits = re.sub(r"[\s\-()（）]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        raise Invalid(
            "bad_phone",
            N_("The phone number is not valid. Enter an 11-digit mobile number or a landline with its area code."),
            fields={
                "phone": N_("The phone number is not valid. Enter an 11-digit mobile number or a landline with its area code.")
            },
        )
    return digits


def clean_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not 1 <= len(name) <= 40:
        raise Invalid(
            "bad_name",
            N_("Enter your name (at most 40 characters)."),
            fields={"name": N_("Enter your name (at most 40 characters).")},
        )
    return name


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def normalise_code(raw: str) -> str:
    return re.sub(r"\D", "", raw or "")[:CODE_DIGITS]


async def unique_code(session: AsyncSession) -> str:
    for _ in range(20):
        code = new_code()
        taken = await session.scalar(select(Booking.id).where(Booking.code == code)) or await session.scalar(
            select(KioskFiling.id).where(KioskFiling.code == code)
        )
        if not taken:
            return code
    raise RuntimeError("no free receipt code after 20 tries")


def secret_digest(code: str, secret: str) -> str:
    return hashlib.sha256(f"{code}:{secret}".encode()).hexdigest()


def secret_matches(filing: KioskFiling, secret: str) -> bool:
    """The filing's secret is the phone number (named) or the PIN (anonymous); either is accepted as typed."""
    candidates = [secret.strip()]
    with suppress(Invalid):
        candidates.append(normalise_phone(secret))
    return any(hmac.compare_digest(filing.secret_hash, secret_digest(filing.code, c)) for c in candidates)
