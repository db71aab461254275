"""Staff accounts: the directory every staff member sees (filtered by policy) and the administrator's tools.

A route on one account declares it ("user", loaded through the policy: 404 where the caller may not see it). A change
may end the account's sessions (disabled, new password, new role), whose sockets close once that is committed
(``close_ended_sessions``). Creating an account is checked by the service, as there is no account yet to load.
"""

from __future__ import annotations

from typing import Annotated, Any

from aiohttp import web
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.roles import Role
from hub.auth import accounts, live
from hub.auth.models import User
from hub.http.context import policy_of
from hub.http.views import Again, Call, Permission, Routes
from hub.org.interface import services as org_services

routes = Routes()
SEE_USER = Permission("view", "user")
# a change asks the policy field by field (accounts.actions_for): the system administrator renames, disables and
# resets passwords, the security administrator grants roles, units and portfolios; so the route only loads the account
CHANGE_USER = SEE_USER


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def _as_list(value: Any) -> Any:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


OptionalId = Annotated[int | None, BeforeValidator(_blank_to_none)]
IdList = Annotated[list[int], BeforeValidator(_as_list)]


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=60)
    display_name: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=1, max_length=256)
    role: Role
    org_unit_id: OptionalId = None
    portfolio: IdList = []


class UserPatch(BaseModel):
    version: int
    display_name: str | None = Field(None, min_length=1, max_length=120)
    role: Role | None = None
    org_unit_id: OptionalId = None
    portfolio: IdList | None = None
    disabled: bool | None = None
    password: str | None = Field(None, min_length=1, max_length=256)


def user_json(user: User, portfolio: list[int] | None = None) -> dict[str, object]:
    data: dict[str, object] = {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "org_unit_id": user.org_unit_id,
        "disabled": user.disabled,
        "version": user.version,
    }
    if portfolio is not None:
        data["portfolio"] = portfolio
    return data


async def _update(call: Call[UserPatch], s: AsyncSession) -> User:
    changes = call.body.model_dump(exclude_unset=True, exclude={"version"})
    if changes.get("password") is None:
        changes.pop("password", None)  # no new password
    return await accounts.update_user(
        s, policy_of(call.request), call.actor, call.int("id"), version=call.body.version, changes=changes, now=call.now
    )


async def _units(call: Call[Any]) -> dict[str, Any]:
    units = await org_services.list_units(call.db, policy_of(call.request), call.actor)
    # the roles the caller may give: the system administrator only his own (三员分立)
    may_grant = policy_of(call.request).may(call.actor, "grant", User())
    roles = list(Role) if may_grant else [Role.ADMIN]
    return {"units": {u.id: u for u in units}, "unit_list": units, "roles": roles}


async def directory_context(call: Call[Any]) -> dict[str, Any]:
    """The directory page: the accounts the caller may see, and the empty create form."""
    users = await accounts.list_users(call.db, policy_of(call.request), call.actor)
    may_manage = policy_of(call.request).may(call.actor, "create", User())
    return {"users": users, **await _units(call), "may_manage": may_manage, "errors": {}, "form": {}}


# --- pages ------------------------------------------------------------------------------------


@routes.get("/staff", template="staff_list.html", summary="The staff directory.")
async def staff_page(call: Call[None]) -> dict[str, Any]:
    return await directory_context(call)


@routes.post(
    "/staff", form=UserCreate, again=Again("staff_list.html", directory_context), summary="Add an account (administrators)."
)
async def staff_create_form(call: Call[UserCreate]) -> str:
    user = await accounts.create_user(call.db, policy_of(call.request), call.actor, now=call.now, **call.body.model_dump())
    return f"/staff/{user.id}"


@routes.get("/staff/{id}", permission=SEE_USER, template="staff_detail.html", summary="One account.")
async def staff_detail_page(call: Call[None]) -> dict[str, Any]:
    user = call.target
    return {
        "user": user,
        "portfolio": await accounts.user_portfolio(call.db, user.id),
        **await _units(call),
        "may_manage": policy_of(call.request).may(call.actor, "update", user),
        "may_reset": policy_of(call.request).may(call.actor, "reset_password", user),
        "may_grant": policy_of(call.request).may(call.actor, "grant", user),
        "errors": {},
    }


@routes.post("/staff/{id}", permission=CHANGE_USER, form=UserPatch, summary="Change an account (administrators).")
async def staff_update_form(call: Call[UserPatch]) -> str:
    await _update(call, call.db)
    live.close_ended_sessions(call)
    return f"/staff/{call.int('id')}"


# --- JSON API -------------------------------------------------------------------------------


@routes.get("/api/v1/staff", summary="The accounts the caller may see.")
async def api_staff_list(call: Call[None]) -> web.Response:
    users = await accounts.list_users(call.db, policy_of(call.request), call.actor)
    return web.json_response({"items": [user_json(u) for u in users]})


@routes.post("/api/v1/staff", body=UserCreate, summary="Add an account (administrators).")
async def api_staff_create(call: Call[UserCreate]) -> web.Response:
    user = await accounts.create_user(call.db, policy_of(call.request), call.actor, now=call.now, **call.body.model_dump())
    return web.json_response(user_json(user, await accounts.user_portfolio(call.db, user.id)), status=201)


@routes.get("/api/v1/staff/{id}", permission=SEE_USER, summary="One account, with a deputy's portfolio.")
async def api_staff_get(call: Call[None]) -> web.Response:
    return web.json_response(user_json(call.target, await accounts.user_portfolio(call.db, call.target.id)))


@routes.patch("/api/v1/staff/{id}", permission=CHANGE_USER, body=UserPatch, summary="Change an account.")
async def api_staff_patch(call: Call[UserPatch]) -> web.Response:
    user = await _update(call, call.db)
    live.close_ended_sessions(call)
    return web.json_response(user_json(user, await accounts.user_portfolio(call.db, user.id)))
