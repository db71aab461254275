"""Reading and changing the organisation chart."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.errors import Conflict, Invalid, NotFound
from hub.i18n import N_
from hub.org.models import OfficeCode, OrgUnit, UnitKind, UnitRelation

CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,59}$")

# what each kind of unit hangs under
PARENT_KIND: dict[UnitKind, UnitKind | None] = {
    UnitKind.COMMISSION: None,
    UnitKind.OFFICE: UnitKind.COMMISSION,
    UnitKind.JOINT_GROUP: UnitKind.COMMISSION,
    UnitKind.STATIONED_GROUP: UnitKind.JOINT_GROUP,
    UnitKind.SUPERVISED_UNIT: UnitKind.STATIONED_GROUP,
    UnitKind.TOWNSHIP: UnitKind.COMMISSION,
}


async def list_units(session: AsyncSession, policy: Policy, actor: Actor, kind: UnitKind | None = None) -> list[OrgUnit]:
    stmt = select(OrgUnit).where(policy.where(actor, "view", OrgUnit))
    if kind is not None:
        stmt = stmt.where(OrgUnit.kind == kind)
    return list((await session.scalars(stmt.order_by(OrgUnit.kind, OrgUnit.ordinal, OrgUnit.code))).all())


async def get_unit(session: AsyncSession, policy: Policy, actor: Actor, unit_id: int, *, for_update: bool = False) -> OrgUnit:
    """The unit if the actor may see it (404 otherwise); ``for_update`` locks its row where the database can."""
    stmt = select(OrgUnit).where(OrgUnit.id == unit_id)
    if for_update and session.bind is not None and session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    unit = await session.scalar(stmt)
    if unit is None:
        raise NotFound("org_unit")
    policy.require(actor, "view", unit)
    return unit


async def _validate_links(session: AsyncSession, kind: UnitKind, values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    parent_kind = PARENT_KIND[kind]
    parent_id = values.get("parent_id")
    if parent_kind is None:
        if parent_id is not None:
            errors["parent_id"] = N_("The commission has no parent.")
    else:
        parent = await session.get(OrgUnit, parent_id) if parent_id is not None else None
        if parent is None or parent.kind != parent_kind:
            errors["parent_id"] = N_("Choose a parent of the right kind for this unit.")
    if kind is UnitKind.JOINT_GROUP and not isinstance(values.get("ordinal"), int):
        errors["ordinal"] = N_("A joint group needs its place in the rotation.")
    if kind is UnitKind.OFFICE and values.get("office") is None:
        errors["office"] = N_("Say which office this is.")
    if kind is UnitKind.SUPERVISED_UNIT and values.get("relation") is None:
        errors["relation"] = N_("Say whether the unit is stationed or affiliated.")
    if kind is UnitKind.TOWNSHIP:
        group = await session.get(OrgUnit, values.get("trial_group_id")) if values.get("trial_group_id") else None
        if group is None or group.kind is not UnitKind.JOINT_GROUP:
            errors["trial_group_id"] = N_("A township is mapped to one joint group for trials.")
    elif values.get("trial_group_id") is not None:
        errors["trial_group_id"] = N_("Only a township is mapped to a joint group for trials.")
    if errors:
        raise Invalid("invalid", "Some fields are not valid.", fields=errors)


async def create_unit(session: AsyncSession, policy: Policy, actor: Actor, values: dict[str, Any], now: dt.datetime) -> OrgUnit:
    policy.require(actor, "create", OrgUnit(), hide=False)
    kind = UnitKind(values["kind"])
    if not CODE.match(values.get("code", "")):
        raise Invalid(
            "invalid", "Some fields are not valid.", fields={"code": N_("Use lower-case letters, digits, '.', '_' or '-'.")}
        )
    if await session.scalar(select(OrgUnit.id).where(OrgUnit.code == values["code"])) is not None:
        raise Conflict("code_taken", "This code is already used by another unit.")
    await _validate_links(session, kind, values)
    unit = OrgUnit(
        kind=kind,
        code=values["code"],
        name_zh=values["name_zh"].strip(),
        name_en=(values.get("name_en") or "").strip(),
        parent_id=values.get("parent_id"),
        ordinal=values.get("ordinal"),
        office=OfficeCode(values["office"]) if values.get("office") else None,
        relation=UnitRelation(values["relation"]) if values.get("relation") else None,
        trial_group_id=values.get("trial_group_id"),
        active=True,
    )
    session.add(unit)
    await session.flush()
    await audit.record(
        session, actor.audit, "org_unit.create", "org_unit", unit.id, {k: v for k, v in values.items() if v is not None}, at=now
    )
    return unit


EDITABLE = ("name_zh", "name_en", "parent_id", "trial_group_id", "active")


async def update_unit(
    session: AsyncSession, policy: Policy, actor: Actor, unit_id: int, *, version: int, changes: dict[str, Any], now: dt.datetime
) -> OrgUnit:
    unit = await get_unit(session, policy, actor, unit_id)
    policy.require(actor, "update", unit)
    if unit.version != version:
        raise Conflict("stale", "Someone else changed this record; reload it and try again.")
    current = {k: getattr(unit, k) for k in ("parent_id", "ordinal", "office", "relation", "trial_group_id")}
    merged = {**current, **{k: v for k, v in changes.items() if k in EDITABLE}}
    await _validate_links(session, unit.kind, merged)
    recorded = {}
    for key in EDITABLE:
        if key in changes and changes[key] != getattr(unit, key):
            setattr(unit, key, changes[key])
            recorded[key] = changes[key]
    if recorded:
        await session.flush()
        await audit.record(session, actor.audit, "org_unit.update", "org_unit", unit.id, recorded, at=now)
    return unit
