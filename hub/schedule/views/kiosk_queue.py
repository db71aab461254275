""" "Talk now" at the kiosk: join the queue of an official on duty, watch one's place, leave it (only an enrolled kiosk)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel

from hub.errors import BadRequest
from hub.http.views import Again, Call, Routes, Who
from hub.i18n import N_
from hub.schedule import queue
from hub.schedule.models import QueueTicket
from hub.schedule.views.shared import ANY_ERROR, display_name

routes = Routes()


class JoinForm(BaseModel):
    official_id: int | None = None
    name: str = ""


async def _officials(call: Call[Any]) -> dict[str, Any]:
    return {"officials": await queue.on_duty(call.db, call.now), "error": ""}


@routes.get("/kiosk/reception/now", who=Who.KIOSK, template="schedule/kiosk_now.html", summary="Officials receiving now.")
async def now_page(call: Call[None]) -> dict[str, Any]:
    return await _officials(call)


@routes.post(
    "/kiosk/reception/now", who=Who.KIOSK, form=JoinForm, again=Again("schedule/kiosk_now.html", _officials),
    back_on=ANY_ERROR, summary="Join an official's queue.",
)  # fmt: skip
async def now_join(call: Call[JoinForm]) -> str:
    if call.body.official_id is None:
        raise BadRequest("bad_official", N_("Choose an official."))
    ticket = await queue.join(call.db, call.actor, call.body.official_id, call.body.name, call.now)
    return f"/kiosk/reception/queue/{ticket.token}"


async def _place(call: Call[Any]) -> tuple[QueueTicket, queue.Place]:
    ticket = await queue.by_token(call.db, call.request.match_info["token"])
    return ticket, await queue.place_of(call.db, ticket, call.now)


@routes.get("/kiosk/reception/queue/{token}", who=Who.KIOSK, template="schedule/kiosk_queue.html", summary="One's place.")
async def queue_page(call: Call[None]) -> dict[str, Any]:
    ticket, place = await _place(call)
    return {"ticket": ticket, "place": place, "official": await display_name(call.db, ticket.official_id)}


@routes.get("/api/v1/kiosk/queue/{token}", who=Who.KIOSK, summary="Polled by the queue page: place, wait, the call.")
async def queue_api(call: Call[None]) -> web.Response:
    _ticket, place = await _place(call)
    return web.json_response(
        {"status": place.status.value, "place": place.place, "wait_minutes": place.wait_minutes, "join_url": place.join_url}
    )


@routes.post("/kiosk/reception/queue/{token}/leave", who=Who.KIOSK, summary="Leave the queue.")
async def queue_leave(call: Call[None]) -> str:
    ticket = await queue.by_token(call.db, call.request.match_info["token"])
    await queue.leave(call.db, ticket, call.now)
    return "/kiosk/reception"
