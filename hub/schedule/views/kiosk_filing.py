"""A written petition at the kiosk, with photographs, named or anonymous (only an enrolled kiosk).

An anonymous filing keeps nothing that points back to the kiosk: not its number, not an IP address, not a label on
the photographs.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from aiohttp import web
from pydantic import BaseModel, BeforeValidator
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.cases.interface import CASES, PetitionKind
from hub.errors import BadRequest, Conflict, Forbidden, Invalid
from hub.http.views import Again, Call, Routes, Who, in_transaction
from hub.i18n import N_
from hub.schedule import filings, kiosk_limits
from hub.store.interface import STORE, FileKind, record_closed

routes = Routes()
MAX_FIELD = 20000  # a longer field is cut, not refused: the summary's own check says what is too short


def _cut(value: Any) -> Any:
    return value[:MAX_FIELD] if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_cut)]


class FilingForm(BaseModel):
    kind: PetitionKind | None = None
    summary: Text = ""
    anonymous: str = ""  # a checkbox
    name: Text = ""
    phone: Text = ""
    accused_name: Text = ""

    def filing(self) -> filings.FilingIn:
        if self.kind is None:
            message = N_("Choose what kind of matter this is.")
            raise Invalid("bad_kind", message, fields={"kind": message})
        anonymous = self.anonymous in ("1", "on", "true")
        data = filings.FilingIn(self.summary, self.kind, anonymous, self.name, self.phone, self.accused_name)
        return filings.check(data)


async def _form_page(call: Call[Any]) -> dict[str, Any]:
    return {"kinds": list(PetitionKind), "form": {}, "error": "", "errors": {}, "max_photos": filings.MAX_PHOTOS}


@routes.get("/kiosk/reception/file", who=Who.KIOSK, template="schedule/kiosk_file.html", summary="Write a petition.")
async def file_form(call: Call[None]) -> dict[str, Any]:
    return await _form_page(call)


async def _photos(request: web.Request) -> list[bytes]:
    """The photographs of the form (already read by the framework: ``request.post()`` caches)."""
    photos: list[bytes] = []
    for value in (await request.post()).getall("photo", []):
        if isinstance(value, web.FileField):
            data = await asyncio.to_thread(value.file.read, filings.MAX_PHOTO_BYTES + 1)
            if len(data) > filings.MAX_PHOTO_BYTES:
                raise Invalid("photo_too_large", N_("A photograph is too large (at most 6 MB)."))
            if data:
                photos.append(data)
    if len(photos) > filings.MAX_PHOTOS:
        raise Invalid("too_many_photos", N_("At most 8 photographs."))
    return photos


# tx=False: the photographs are stored before the unit of work, which then records them with the petition
@routes.post(
    "/kiosk/reception/file", who=Who.KIOSK, form=FilingForm, tx=False, template="schedule/kiosk_filed.html",
    again=Again("schedule/kiosk_file.html", _form_page), back_on=(Invalid, Conflict, BadRequest, Forbidden),
    guard=kiosk_limits.filing_guard,
    summary="File a written petition; the receipt code (and PIN, when anonymous) is shown once.",
)  # fmt: skip
async def file_submit(call: Call[FilingForm]) -> dict[str, Any]:
    kiosk = call.actor
    photos = await _photos(call.request)
    data = call.body.filing()
    types = [filings.photo_type(p) for p in photos]
    store = call.app[STORE]
    # photos carry no label that points back to the kiosk
    signed = [await store.put(p, FileKind.ATTACHMENT, t) for p, t in zip(photos, types, strict=True)]
    recorder = Actor(kind="anonymous").audit if data.anonymous else kiosk.audit

    async def work(s: AsyncSession) -> filings.Filed:
        for m in signed:
            await record_closed(s, m, actor=recorder)
        return await filings.file_petition(s, call.app[CASES], kiosk, data, [m.manifest.file_id for m in signed], call.now)

    filed = await in_transaction(call.request, work)
    kiosk_limits.filed(call.request)
    return {
        "code": filed.filing.code,
        "pin": filed.pin,
        "anonymous": data.anonymous,
        "number": filed.petition.number,
        "photos": len(photos),
    }
