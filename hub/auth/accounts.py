"""Staff accounts: create, change, disable, list, and check a password at sign-in. Services never commit."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.access.roles import Role
from hub.auth import passwords, sessions
from hub.auth.models import ROLE_UNIT_KIND, PortfolioEntry, User
from hub.errors import Conflict, Invalid, NotFound
from hub.i18n import N_
from hub.org.interface import OrgUnit, UnitKind

USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{1,59}$")


async def _check_unit(session: AsyncSession, role: Role, org_unit_id: int | None) -> None:
    wanted = ROLE_UNIT_KIND[role]
    if wanted is None:
        if org_unit_id is not None:
            raise Invalid("invalid", "Some fields are not valid.", fields={"org_unit_id": N_("This role belongs to no unit.")})
        return
    unit = await session.get(OrgUnit, org_unit_id) if org_unit_id is not None else None
    if unit is None or unit.kind != UnitKind(wanted):
        raise Invalid(
            "invalid", "Some fields are not valid.", fields={"org_unit_id": N_("Choose a unit of the kind this role belongs to.")}
        )


async def _check_portfolio(session: AsyncSession, role: Role, portfolio: list[int]) -> None:
    if portfolio and role is not Role.DEPUTY_LEADER:
        raise Invalid("invalid", "Some fields are not valid.", fields={"portfolio": N_("Only a deputy leader has a portfolio.")})
    if portfolio:
        kinds = {UnitKind.OFFICE, UnitKind.JOINT_GROUP, UnitKind.TOWNSHIP}
        found = (await session.scalars(select(OrgUnit).where(OrgUnit.id.in_(portfolio)))).all()
        if len(found) != len(set(portfolio)) or any(u.kind not in kinds for u in found):
            raise Invalid(
                "invalid",
                "Some fields are not valid.",
                fields={"portfolio": N_("A portfolio holds offices, joint groups and townships.")},
            )


async def create_user(
    session: AsyncSession,
    policy: Policy,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    password: str,
    role: Role,
    org_unit_id: int | None,
    portfolio: list[int],
    now: dt.datetime,
) -> User:
    policy.require(actor, "create", User(), hide=False)
    if role is not Role.ADMIN:
        # a role that sees cases, or another administrator's: the security administrator's grant (三员分立)
        policy.require(actor, "grant", User(), hide=False)
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise Invalid(
            "invalid",
            "Some fields are not valid.",
            fields={"username": N_("Use 2–60 lower-case letters, digits, '.', '_' or '-', starting with a letter.")},
        )
    if problem := passwords.password_problem(password):
        raise Invalid("invalid", "Some fields are not valid.", fields={"password": problem})
    if await session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("username_taken", "This username is already taken.")
    await _check_unit(session, role, org_unit_id)
    await _check_portfolio(session, role, portfolio)
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=await passwords.hash_password(password),
        role=role,
        org_unit_id=org_unit_id,
        disabled=False,
        created_at=now,
    )
    session.add(user)
    await session.flush()
    for unit_id in sorted(set(portfolio)):
        session.add(PortfolioEntry(user_id=user.id, org_unit_id=unit_id))
    await audit.record(
        session,
        actor.audit,
        "user.create",
        "user",
        user.id,
        {
            "username": username,
            "display_name": user.display_name,
            "role": role.value,
            "org_unit_id": org_unit_id,
            "portfolio": sorted(set(portfolio)),
        },
        at=now,
    )
    return user


async def get_user(session: AsyncSession, policy: Policy, actor: Actor, user_id: int, *, for_update: bool = False) -> User:
    """The account if the actor may see it (404 otherwise); ``for_update`` locks its row where the database can."""
    stmt = select(User).where(User.id == user_id)
    if for_update and session.bind is not None and session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    user = await session.scalar(stmt)
    if user is None:
        raise NotFound("user")
    policy.require(actor, "view", user)
    return user


async def user_portfolio(session: AsyncSession, user_id: int) -> list[int]:
    return sorted((await session.scalars(select(PortfolioEntry.org_unit_id).where(PortfolioEntry.user_id == user_id))).all())


async def list_users(session: AsyncSession, policy: Policy, actor: Actor, *, limit: int = 500, offset: int = 0) -> list[User]:
    stmt = select(User).where(policy.where(actor, "view", User)).order_by(User.username).limit(limit).offset(offset)
    return list((await session.scalars(stmt)).all())


GRANTS = frozenset({"role", "org_unit_id", "portfolio"})


def actions_for(changes: dict[str, Any]) -> set[str]:
    """What a change asks of the policy, field by field: access is granted by the security administrator, the rest
    of an account is the system administrator's (``hub.auth.rules``)."""
    wanted = {"grant"} if GRANTS & changes.keys() else set()
    if "password" in changes:
        wanted.add("reset_password")
    if "disabled" in changes:
        wanted.add("disable")
    if "display_name" in changes or not wanted:
        wanted.add("update")
    return wanted


async def update_user(
    session: AsyncSession,
    policy: Policy,
    actor: Actor,
    user_id: int,
    *,
    version: int,
    changes: dict[str, Any],
    now: dt.datetime,
) -> User:
    """Apply changes to an account; a stale ``version`` is a 409, never a silent overwrite."""
    user = await get_user(session, policy, actor, user_id)
    action = "disable" if changes.get("disabled") is True else "update"
    for wanted in sorted(actions_for(changes)):
        policy.require(actor, wanted, user)
    if user.version != version:
        raise Conflict("stale", "Someone else changed this record; reload it and try again.")
    role = Role(changes.get("role", user.role))
    unit = changes.get("org_unit_id", user.org_unit_id) if "org_unit_id" in changes or "role" in changes else user.org_unit_id
    if "role" in changes or "org_unit_id" in changes:
        await _check_unit(session, role, unit)
    portfolio = changes.get("portfolio")
    if portfolio is not None or "role" in changes:
        await _check_portfolio(session, role, portfolio if portfolio is not None else await user_portfolio(session, user.id))
    recorded: dict[str, Any] = {}
    if "display_name" in changes and changes["display_name"] != user.display_name:
        user.display_name = str(changes["display_name"]).strip()
        recorded["display_name"] = user.display_name
    if role != user.role:
        user.role = role
        recorded["role"] = role.value
    if unit != user.org_unit_id:
        user.org_unit_id = unit
        recorded["org_unit_id"] = unit
    if "password" in changes:
        if problem := passwords.password_problem(changes["password"]):
            raise Invalid("invalid", "Some fields are not valid.", fields={"password": problem})
        user.password_hash = await passwords.hash_password(changes["password"])
        recorded["password"] = "changed"  # noqa: S105 - an audit note, not a password
    if portfolio is not None and sorted(set(portfolio)) != await user_portfolio(session, user.id):
        await session.execute(delete(PortfolioEntry).where(PortfolioEntry.user_id == user.id))
        for unit_id in sorted(set(portfolio)):
            session.add(PortfolioEntry(user_id=user.id, org_unit_id=unit_id))
        recorded["portfolio"] = sorted(set(portfolio))
    if "disabled" in changes and bool(changes["disabled"]) != user.disabled:
        user.disabled = bool(changes["disabled"])
        recorded["disabled"] = user.disabled
    if not recorded:
        return user
    await session.flush()
    ended = 0
    if user.disabled or "password" in recorded or "role" in recorded:
        # a disabled account, a new password or a new role ends every open session of the account
        ended = await sessions.end_all_for_user(session, user.id, now)
    if GRANTS & recorded.keys():
        action = "grant"  # shown to the main leader (/staff/changes)
    elif "password" in recorded:
        action = "reset_password"
    await audit.record(session, actor.audit, f"user.{action}", "user", user.id, {**recorded, "sessions_ended": ended}, at=now)
    return user


async def find_user(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(User.username == username.strip().lower()))


async def password_fits(user: User | None, password: str) -> bool:
    """Whether the password fits an enabled account (an unknown one costs the same hashing: one answer for all)."""
    ok = await passwords.verify_password(user.password_hash if user else None, password)
    return ok and user is not None and not user.disabled


async def check_password(session: AsyncSession, username: str, password: str) -> User | None:
    """The account if the password fits and the account is enabled; None otherwise (one answer for every failure)."""
    user = await session.scalar(select(User).where(User.username == username.strip().lower()))
    ok = await passwords.verify_password(user.password_hash if user else None, password)
    if not ok or user is None or user.disabled:
        return None
    return user
