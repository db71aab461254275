"""Staff accounts: the directory every staff member sees (filtered by policy) and the administrator's tools."""

from __future__ import annotations

from typing import Annotated, Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, BeforeValidator, Field

from hub.access.roles import Role
from hub.auth import accounts, live
from hub.auth.models import User
from hub.auth.views import user_json
from hub.http.context import db_of, now_of, policy_of, require_staff
from hub.http.validation import int_param, parse_form, parse_json, read_form, validate
from hub.org.interface import OrgUnit
from hub.org.interface import services as org_services

routes = web.RouteTableDef()


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


def _changes(patch: UserPatch) -> dict[str, Any]:
    return patch.model_dump(exclude_unset=True, exclude={"version"})


async def _page_context(request: web.Request) -> dict[str, Any]:
    actor = require_staff(request)
    async with db_of(request).transaction(write=False) as s:
        users = await accounts.list_users(s, policy_of(request), actor)
        units = await org_services.list_units(s, policy_of(request), actor)
    return {
        "users": users,
        "units": {u.id: u for u in units},
        "unit_list": units,
        "roles": list(Role),
        "may_manage": policy_of(request).may(actor, "create", User()),
    }


@routes.get("/staff")
@aiohttp_jinja2.template("staff_list.html")
async def staff_page(request: web.Request) -> dict[str, Any]:
    return {**await _page_context(request), "errors": {}, "form": {}}


@routes.post("/staff")
async def staff_create_form(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    data = await read_form(request)
    data.pop("csrf_token", None)
    from hub.errors import Conflict, Invalid

    try:
        body = validate(UserCreate, data)
        async with db_of(request).transaction() as s:
            user = await accounts.create_user(s, policy_of(request), actor, now=now_of(request), **body.model_dump())
    except (Invalid, Conflict) as exc:
        context = {**await _page_context(request), "errors": exc.fields or {"form": exc.message}, "form": data}
        return aiohttp_jinja2.render_template("staff_list.html", request, context, status=exc.status)
    raise web.HTTPSeeOther(f"/staff/{user.id}")


@routes.get("/staff/{id}")
@aiohttp_jinja2.template("staff_detail.html")
async def staff_detail_page(request: web.Request) -> dict[str, Any]:
    actor = require_staff(request)
    user_id = int_param(request, "id")
    async with db_of(request).transaction(write=False) as s:
        user = await accounts.get_user(s, policy_of(request), actor, user_id)
        portfolio = await accounts.user_portfolio(s, user.id)
        units = await org_services.list_units(s, policy_of(request), actor)
    return {
        "user": user,
        "portfolio": portfolio,
        "units": {u.id: u for u in units},
        "unit_list": units,
        "roles": list(Role),
        "may_manage": policy_of(request).may(actor, "update", user),
        "errors": {},
    }


@routes.post("/staff/{id}")
async def staff_update_form(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    user_id = int_param(request, "id")
    body = await parse_form(request, UserPatch)
    changes = _changes(body)
    if changes.get("password") in (None, ""):
        changes.pop("password", None)
    async with db_of(request).transaction() as s:
        await accounts.update_user(
            s, policy_of(request), actor, user_id, version=body.version, changes=changes, now=now_of(request)
        )
    await live.check_now(request.app)  # a disabled account's sockets close now, not at the next sweep
    raise web.HTTPSeeOther(f"/staff/{user_id}")


# --- JSON API -------------------------------------------------------------------------------


@routes.get("/api/v1/staff")
async def api_staff_list(request: web.Request) -> web.Response:
    actor = require_staff(request)
    async with db_of(request).transaction(write=False) as s:
        users = await accounts.list_users(s, policy_of(request), actor)
    return web.json_response({"items": [user_json(u) for u in users]})


@routes.post("/api/v1/staff")
async def api_staff_create(request: web.Request) -> web.Response:
    actor = require_staff(request)
    body = await parse_json(request, UserCreate)
    async with db_of(request).transaction() as s:
        user = await accounts.create_user(s, policy_of(request), actor, now=now_of(request), **body.model_dump())
        portfolio = await accounts.user_portfolio(s, user.id)
    return web.json_response(user_json(user, portfolio), status=201)


@routes.get("/api/v1/staff/{id}")
async def api_staff_get(request: web.Request) -> web.Response:
    actor = require_staff(request)
    user_id = int_param(request, "id")
    async with db_of(request).transaction(write=False) as s:
        user = await accounts.get_user(s, policy_of(request), actor, user_id)
        portfolio = await accounts.user_portfolio(s, user.id)
    return web.json_response(user_json(user, portfolio))


@routes.patch("/api/v1/staff/{id}")
async def api_staff_patch(request: web.Request) -> web.Response:
    actor = require_staff(request)
    user_id = int_param(request, "id")
    body = await parse_json(request, UserPatch)
    async with db_of(request).transaction() as s:
        user = await accounts.update_user(
            s, policy_of(request), actor, user_id, version=body.version, changes=_changes(body), now=now_of(request)
        )
        portfolio = await accounts.user_portfolio(s, user.id)
    await live.check_now(request.app)
    return web.json_response(user_json(user, portfolio))


def unit_label(units: dict[int, OrgUnit], unit_id: int | None, locale: str) -> str:
    unit = units.get(unit_id) if unit_id is not None else None
    return unit.name(locale) if unit else "—"
