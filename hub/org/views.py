"""The organisation chart: a page for every staff member, editing for administrators, and a JSON API.

Every staff member reads the chart; creating and changing units is the administrator's (``OrgUnitRule``). A route
on one unit declares it (the "org_unit" loader, registered in ``hub/org/setup.py``); creating one is checked by the
service, as there is no unit yet to load.
"""

from __future__ import annotations

from typing import Annotated, Any

from aiohttp import web
from pydantic import BaseModel, BeforeValidator, Field

from hub.errors import Invalid
from hub.http.context import policy_of
from hub.http.views import Again, Call, Permission, Routes
from hub.i18n import N_
from hub.org import services
from hub.org.keys import ORG_PAGE_PARTS
from hub.org.models import OfficeCode, OrgUnit, UnitKind, UnitRelation

routes = Routes()
SEE_UNIT = Permission("view", "org_unit")
CHANGE_UNIT = Permission("update", "org_unit")


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


async def chart_context(call: Call[Any]) -> dict[str, Any]:
    """The chart page: the units as a tree, what other parts add to it (rooms), and the empty create form."""
    policy = policy_of(call.request)
    units = await services.list_units(call.db, policy, call.actor)
    extras: dict[str, Any] = {}
    for contribute in call.app[ORG_PAGE_PARTS]:
        extras.update(await contribute(call.db, call.actor))
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
        "may_manage": policy.may(call.actor, "create", OrgUnit()),
        "errors": {},
        "form": {},
        **extras,
    }


async def _update(call: Call[UnitPatch]) -> OrgUnit:
    return await services.update_unit(
        call.db, policy_of(call.request), call.actor, call.target.id, version=call.body.version,
        changes=call.body.model_dump(exclude_unset=True, exclude={"version"}), now=call.now,
    )  # fmt: skip


# --- pages ------------------------------------------------------------------------------------


@routes.get("/org", template="org.html", summary="The organisation chart.")
async def org_page(call: Call[None]) -> dict[str, Any]:
    return await chart_context(call)


@routes.post("/org/units", form=UnitCreate, again=Again("org.html", chart_context), summary="Add a unit (administrators).")
async def org_create_form(call: Call[UnitCreate]) -> str:
    await services.create_unit(call.db, policy_of(call.request), call.actor, call.body.model_dump(mode="json"), call.now)
    return "/org"


@routes.post("/org/units/{id}", permission=CHANGE_UNIT, form=UnitPatch, summary="Change a unit (administrators).")
async def org_update_form(call: Call[UnitPatch]) -> str:
    await _update(call)
    return "/org"


# --- JSON API -------------------------------------------------------------------------------


@routes.get("/api/v1/org/units", summary="The units, optionally of one kind (?kind=).")
async def api_units(call: Call[None]) -> web.Response:
    kind = call.request.query.get("kind")
    if kind is not None and kind not in {k.value for k in UnitKind}:
        raise Invalid("invalid", "Some fields are not valid.", fields={"kind": N_("Unknown kind of unit.")})
    units = await services.list_units(call.db, policy_of(call.request), call.actor, UnitKind(kind) if kind else None)
    return web.json_response({"items": [unit_json(u) for u in units]})


@routes.post("/api/v1/org/units", body=UnitCreate, summary="Add a unit (administrators).")
async def api_unit_create(call: Call[UnitCreate]) -> web.Response:
    values = call.body.model_dump(mode="json")
    unit = await services.create_unit(call.db, policy_of(call.request), call.actor, values, call.now)
    return web.json_response(unit_json(unit), status=201)


@routes.get("/api/v1/org/units/{id}", permission=SEE_UNIT, summary="One unit.")
async def api_unit_get(call: Call[None]) -> web.Response:
    return web.json_response(unit_json(call.target))


@routes.patch("/api/v1/org/units/{id}", permission=CHANGE_UNIT, body=UnitPatch, summary="Change a unit (administrators).")
async def api_unit_patch(call: Call[UnitPatch]) -> web.Response:
    return web.json_response(unit_json(await _update(call)))
