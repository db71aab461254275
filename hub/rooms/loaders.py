"""Rooms, devices and room sessions loaded for an actor through the policy: the loaders ``setup`` registers, so that a
view declares ``Permission(action, "room_session")`` and other parts name these objects without importing them.

An unknown id and an object the actor may not see answer alike (404), and the refusal is logged by the policy.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.policy import Loader, Policy
from hub.errors import NotFound
from hub.rooms.models import Device, Room, RoomSession

M = TypeVar("M", Room, Device, RoomSession)


async def load(
    session: AsyncSession, policy: Policy, actor: Actor, model: type[M], object_id: int, *, for_update: bool = False
) -> M:
    stmt = select(model).where(model.id == object_id)
    if for_update and session.bind is not None and session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    found = await session.scalar(stmt)
    if found is None:
        raise NotFound(policy.rule_for(model).object_type)
    policy.require(actor, "view", found)
    return found


def loader(policy: Policy, model: type[M]) -> Loader:
    async def load_one(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> Any:
        return await load(session, policy, actor, model, object_id, for_update=for_update)

    return load_one


def register(policy: Policy) -> None:
    """After the rules: each loader answers for the object type its model's rule declares."""
    policy.register_loader(policy.rule_for(Room).object_type, loader(policy, Room))
    policy.register_loader(policy.rule_for(Device).object_type, loader(policy, Device))
    policy.register_loader(policy.rule_for(RoomSession).object_type, loader(policy, RoomSession))
