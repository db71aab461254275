"""The organisation chart: a page for every staff member, editing for administrators, and a JSON API."""

from __future__ import annotations

from typing import Annotated, Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, BeforeValidator, Field

from hub.errors import Conflict, Invalid
from hub.http.context import db_of, now_of, policy_of, require_staff
from hub.http.validation import int_param, parse_form, parse_json, read_form, validate
from hub.i18n import N_
from hub.org import services
from hub.org.keys import ORG_PAGE_PARTS
from hub.org.models import OfficeCode, OrgUnit, UnitKind, UnitRelation

routes = web.RouteTableDef()


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


OptionalId = Annotated[int | None, BeforeValidator(_blank_to_none)]


class UnitCreate(BaseModel):
    kind: UnitKind
    code: str = Field(min_length=1, max_length=60)
    name_zh: str = Field(min_length=1, max_length=120)
    name_en: str = Field("", max_length=160)
    parent_id: OptionalId = None
    ordinal: Annotated[int | None, BeforeValidator(_blank_to_none)] = Field(None, ge=1, le=99)
    office: Annotated[OfficeCode | None, BeforeValidator(_blank_to_none)] = None
    relation: Annotated[UnitRelation | None, BeforeValidator(_blank_to_none)] = None
    trial_group_id: OptionalId = None


class UnitPatch(BaseModel):
    version: int
    name_zh: str | None = Field(None, min_length=1, max_length=120)
    name_en: str | None = Field(None, max_length=160)
    parent_id: OptionalId = None
    trial_group_id: OptionalId = None
    active: bool | None = None


def unit_json(unit: OrgUnit) -> dict[str, Any]:
    return {
        "id": unit.id,
        "kind": unit.kind.value,
        "code": unit.code,
        "name_zh": unit.name_zh,
        "name_en": unit.name_en,
        "parent_id": unit.parent_id,
        "ordinal": unit.ordinal,
        "office": unit.office.value if unit.office else None,
        "relation": unit.relation.value if unit.relation else None,
        "trial_group_id": unit.trial_group_id,
        "active": unit.active,
        "version": unit.version,
    }


async def _context(request: web.Request) -> dict[str, Any]:
    actor = require_staff(request)
    policy = policy_of(request)
    extras: dict[str, Any] = {}
    async with db_of(request).transaction(write=False) as s:
        units = await services.list_units(s, policy, actor)
        for contribute in request.app[ORG_PAGE_PARTS]:
            extras.update(await contribute(s, actor))
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    return {
        "roots": children.get(None, []),
        "children": children,
        "by_id": {u.id: u for u in units},
        "kinds": list(UnitKind),
        "offices": list(OfficeCode),
        "relations": list(UnitRelation),
        "may_manage": policy.may(actor, "create", OrgUnit()),
        "errors": {},
        "form": {},
        **extras,
    }


@routes.get("/org")
@aiohttp_jinja2.template("org.html")
async def org_page(request: web.Request) -> dict[str, Any]:
    return await _context(request)


@routes.post("/org/units")
async def org_create_form(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    data = await read_form(request)
    data.pop("csrf_token", None)
    try:
        body = validate(UnitCreate, data)
        async with db_of(request).transaction() as s:
            await services.create_unit(s, policy_of(request), actor, body.model_dump(mode="json"), now_of(request))
    except (Invalid, Conflict) as exc:
        context = {**await _context(request), "errors": exc.fields or {"form": exc.message}, "form": data}
        return aiohttp_jinja2.render_template("org.html", request, context, status=exc.status)
    raise web.HTTPSeeOther("/org")


@routes.post("/org/units/{id}")
async def org_update_form(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    unit_id = int_param(request, "id")
    body = await parse_form(request, UnitPatch)
    async with db_of(request).transaction() as s:
        await services.update_unit(
            s,
            policy_of(request),
            actor,
            unit_id,
            version=body.version,
            changes=body.model_dump(exclude_unset=True, exclude={"version"}),
            now=now_of(request),
        )
    raise web.HTTPSeeOther("/org")


@routes.get("/api/v1/org/units")
async def api_units(request: web.Request) -> web.Response:
    actor = require_staff(request)
    kind = request.query.get("kind")
    if kind is not None and kind not in {k.value for k in UnitKind}:
        raise Invalid("invalid", "Some fields are not valid.", fields={"kind": N_("Unknown kind of unit.")})
    async with db_of(request).transaction(write=False) as s:
        units = await services.list_units(s, policy_of(request), actor, UnitKind(kind) if kind else None)
    return web.json_response({"items": [unit_json(u) for u in units]})


@routes.post("/api/v1/org/units")
async def api_unit_create(request: web.Request) -> web.Response:
    actor = require_staff(request)
    body = await parse_json(request, UnitCreate)
    async with db_of(request).transaction() as s:
        unit = await services.create_unit(s, policy_of(request), actor, body.model_dump(mode="json"), now_of(request))
    return web.json_response(unit_json(unit), status=201)


@routes.get("/api/v1/org/units/{id}")
async def api_unit_get(request: web.Request) -> web.Response:
    actor = require_staff(request)
    async with db_of(request).transaction(write=False) as s:
        unit = await services.get_unit(s, policy_of(request), actor, int_param(request, "id"))
    return web.json_response(unit_json(unit))


@routes.patch("/api/v1/org/units/{id}")
async def api_unit_patch(request: web.Request) -> web.Response:
    actor = require_staff(request)
    body = await parse_json(request, UnitPatch)
    async with db_of(request).transaction() as s:
        unit = await services.update_unit(
            s,
            policy_of(request),
            actor,
            int_param(request, "id"),
            version=body.version,
            changes=body.model_dump(exclude_unset=True, exclude={"version"}),
            now=now_of(request),
        )
    return web.json_response(unit_json(unit))
