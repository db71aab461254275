"""Which cases a person may name when planning a call. The cases part sits above rooms: it fills ``CASE_CHOICES`` at
wiring time (its policy knows who sees which case); without it, no case is offered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor

# (id, "number subject") of the open cases the person may see, most recent first
CaseChoices = Callable[[AsyncSession, Actor], Awaitable[list[tuple[int, str]]]]


async def no_cases(session: AsyncSession, actor: Actor) -> list[tuple[int, str]]:
    return []


CASE_CHOICES: web.AppKey[CaseChoices] = web.AppKey("room_case_choices")
