"""The JSON API described once: an OpenAPI 3.1 document built from what the routes declared (``hub.http.views``).

Nothing here is a hand list. The document walks ``app.router`` of the wired app and reads each ``/api/v1/`` route's
declaration (``declared_of``): the path parameters come from the path, the request body from the same pydantic model
that validates it (``model_json_schema`` with its definitions collected under ``components/schemas``), the security
requirement from ``who``, the success answer from ``response=`` (a generic JSON object when none is declared), and
the error answers from the one shape the error middleware writes (``hub.http.middleware._error_body``). A route under
``/api/v1/`` that was not declared through ``Routes`` cannot be described; ``undeclared`` lists them, and the tests
say which (tests/http/test_openapi.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import JsonSchemaMode, models_json_schema

import hub
from hub.http.middleware import CSRF_COOKIE, SAFE_METHODS
from hub.http.views import Call, Declared, Routes, Who, declared_of

API_PREFIX = "/api/v1/"
OPENAPI_PATH = "/api/v1/openapi.json"
REF_TEMPLATE = "#/components/schemas/{model}"

# The credentials, as the parts that issue them name their cookies (the core may not import those parts; the tests
# check that these names are theirs: hub.auth.sessions.COOKIE and hub.rooms.device_actor.COOKIE).
SESSION_COOKIE = "hub_session"
DEVICE_COOKIE = "hub_device"
CSRF_HEADER = "X-CSRF-Token"

# Every answer of the API that is not a success carries the same body; these are the statuses a caller may get.
ERROR_STATUSES: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "The request could not be read: malformed JSON, a path id that is not a number, a body too large."),
    401: ("Unauthenticated", "Nobody is signed in (or the session ended): sign in first."),
    403: ("Forbidden", "Not allowed to this caller, or the CSRF token or the request's origin is wrong."),
    404: ("NotFound", "No such object, or not one the caller may see (the two are not told apart)."),
    409: ("Conflict", "The object changed meanwhile (a stale version), or the step is not possible in its state."),
    422: ("Invalid", "The body parsed but some fields are not valid: ``error.fields`` says which and why."),
    429: ("TooManyRequests", "Too many attempts: ``Retry-After`` says how many seconds to wait."),
}

# An id in a path is read by ``hub.http.validation.int_param`` (digits, at most 18 of them); rows are numbered from 1.
ID_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}
# a path parameter as aiohttp reads it: {name} or {name:regex}, the regex with at most one level of braces
_PARAM = re.compile(r"\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<regex>[^{}]*(?:\{[^{}]*\}[^{}]*)*))?\}")


class ErrorDetail(BaseModel):
    """What went wrong: a stable code for programs, a message for people (in the caller's language)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="A stable code, e.g. ``invalid``, ``not_found``, ``csrf``, ``unauthenticated``.")
    message: str = Field(description="A sentence for the person, translated to the request's locale.")
    fields: dict[str, str] = Field(
        default_factory=dict, description="For 422 (and some 400): the invalid fields (``a.b`` for nested ones) and why."
    )


class ErrorBody(BaseModel):
    """The body of every 4xx and 5xx answer of the JSON API (``hub.http.middleware``)."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorDetail


@dataclass(frozen=True)
class Operation:
    """One declared API route as registered: the path as aiohttp matches it and what the route declared."""

    method: str
    path: str  # the canonical path, e.g. "/api/v1/clues/{id}"
    declared: Declared
    name: str  # the handler's name, e.g. "clue_get"
    part: str  # the part that declared it, e.g. "cases"


def _is_api(path: str) -> bool:
    return path.startswith(API_PREFIX)


def _routes(app: web.Application) -> Iterator[tuple[str, str, Any]]:
    """(method, canonical path, handler) of every route under /api/v1/; HEAD is GET's shadow and left out."""
    for route in app.router.routes():
        resource = route.resource
        if resource is None or route.method in ("HEAD", "*") or not _is_api(resource.canonical):
            continue
        yield route.method, resource.canonical, route.handler


def operations(app: web.Application) -> list[Operation]:
    """The declared routes of the JSON API, in the order the app registered them."""
    found = []
    for method, path, handler in _routes(app):
        declared = declared_of(handler)
        if declared is None:
            continue
        module = getattr(handler, "__module__", "") or ""
        part = module.split(".")[1] if module.startswith("hub.") else module
        part = "api" if part == "http" else part  # the core's own routes (this description)
        found.append(Operation(method, path, declared, getattr(handler, "__name__", "view"), part))
    return found


def undeclared(app: web.Application) -> list[str]:
    """The routes under /api/v1/ that were not declared through ``Routes`` (so cannot be described), as "METHOD path"."""
    return [f"{method} {path}" for method, path, handler in _routes(app) if declared_of(handler) is None]


def is_int_param(name: str, declared: Declared) -> bool:
    """Whether a path parameter is an integer id: the permission's key (the framework reads it with ``int_param``), and
    by the routes' convention ``id`` and every ``…_id`` (the handlers read them with ``Call.int``)."""
    if declared.permission is not None and declared.permission.key == name:
        return True
    return name == "id" or name.endswith("_id")


def _path_parameters(declared: Declared) -> list[dict[str, Any]]:
    out = []
    for match in _PARAM.finditer(declared.path):
        name, regex = match["name"], match["regex"]
        if is_int_param(name, declared):
            schema: dict[str, Any] = dict(ID_SCHEMA)
        else:
            schema = {"type": "string", "minLength": 1}
            if regex:
                schema["pattern"] = f"^(?:{regex})$"
        out.append({"name": name, "in": "path", "required": True, "schema": schema})
    return out


def _security(declared: Declared) -> list[dict[str, list[str]]]:
    """Who may call, as OpenAPI security requirements (alternatives), with the CSRF pair on state-changing methods."""
    who: dict[Who, list[dict[str, list[str]]]] = {
        Who.ANYONE: [{}],
        Who.STAFF: [{"session": []}],
        Who.KIOSK: [{"device": []}],
        Who.STAFF_OR_KIOSK: [{"session": []}, {"device": []}],
    }
    requirements = who[declared.who]
    if declared.method in SAFE_METHODS:
        return [] if declared.who is Who.ANYONE else requirements
    return [{**r, "csrf": [], "csrfCookie": []} for r in requirements]


def _components_security() -> dict[str, Any]:
    return {
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": SESSION_COOKIE,
            "description": "A signed-in staff member's session, set by signing in (the password, then the security key "
            "where keys are required). Without it a staff route answers 401.",
        },
        "device": {
            "type": "apiKey",
            "in": "cookie",
            "name": DEVICE_COOKIE,
            "description": "An enrolled township kiosk's device credential, set when the device is enrolled.",
        },
        "csrf": {
            "type": "apiKey",
            "in": "header",
            "name": CSRF_HEADER,
            "description": f"Double-submit CSRF token: every request other than GET, HEAD and OPTIONS sends the value of "
            f"the ``{CSRF_COOKIE}`` cookie in this header (a form post may send it as the ``csrf_token`` field instead). "
            "A missing or different token, or an ``Origin`` that is not the hub's, is answered with 403.",
        },
        "csrfCookie": {
            "type": "apiKey",
            "in": "cookie",
            "name": CSRF_COOKIE,
            "description": "The CSRF cookie that the header echoes; any answer sets it when the caller has none.",
        },
    }


def _error_responses(error_schema: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status, (name, description) in ERROR_STATUSES.items():
        response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": error_schema}}}
        if status == 429:
            response["headers"] = {
                "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
            }
        out[name] = response
    return out


def _models(ops: list[Operation]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    """Every model the operations name, each once: bodies and forms as validated, responses as serialised."""
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ErrorBody, "serialization")]
    for op in ops:
        d = op.declared
        wanted += [(m, "validation") for m in (d.body, d.form) if m is not None]
        wanted += [(d.response, "serialization")] if d.response is not None else []
    return list(dict.fromkeys(wanted))


def _operation(op: Operation, op_id: str, refs: Mapping[tuple[Any, JsonSchemaMode], dict[str, Any]]) -> dict[str, Any]:
    d = op.declared
    summary, _, description = d.summary.partition("\n")
    out: dict[str, Any] = {"operationId": op_id, "tags": [op.part], "summary": summary.strip()}
    if description.strip():
        out["description"] = description.strip()
    parameters = _path_parameters(d)
    if parameters:
        out["parameters"] = parameters
    if d.body is not None:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": refs[(d.body, "validation")]}}}
    elif d.form is not None:
        media = "application/x-www-form-urlencoded"
        out["requestBody"] = {"required": True, "content": {media: {"schema": refs[(d.form, "validation")]}}}
    success = refs[(d.response, "serialization")] if d.response is not None else {"type": "object"}
    responses: dict[str, Any] = {"2XX": {"description": "Done.", "content": {"application/json": {"schema": success}}}}
    for status, (name, _description) in ERROR_STATUSES.items():
        responses[str(status)] = {"$ref": f"#/components/responses/{name}"}
    out["responses"] = responses
    out["security"] = _security(d)
    return out


def build(app: web.Application) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the app's declared JSON API."""
    ops = operations(app)
    refs, definitions = models_json_schema(_models(ops), ref_template=REF_TEMPLATE)
    paths: dict[str, dict[str, Any]] = {}
    taken: set[str] = set()
    for op in ops:
        op_id = op.name if op.name not in taken else f"{op.name}_{op.method.lower()}"
        taken.add(op_id)
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, op_id, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Petition hub JSON API",
            "version": hub.__version__,
            "description": "The hub's JSON API under /api/v1/, generated from the routes' declarations. Staff calls "
            f"carry the session cookie, kiosk calls the device cookie; state-changing calls echo the CSRF cookie in "
            f'{CSRF_HEADER}. Every error answer has the body ``{{"error": {{"code", "message", "fields"?}}}}``.',
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "tags": [{"name": part} for part in dict.fromkeys(op.part for op in ops)],
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "responses": _error_responses(refs[(ErrorBody, "serialization")]),
            "securitySchemes": _components_security(),
        },
    }


# the document as served: built once, when the app starts (every route is registered by then)
DOCUMENT: web.AppKey[str] = web.AppKey("openapi_document", str)
routes = Routes()


@routes.get(OPENAPI_PATH, who=Who.ANYONE, tx=False, summary="This description of the JSON API (OpenAPI 3.1).")
async def openapi_json(call: Call[None]) -> web.Response:
    return web.Response(text=call.app[DOCUMENT], content_type="application/json")


async def _build_on_startup(app: web.Application) -> None:
    app[DOCUMENT] = json.dumps(build(app), ensure_ascii=False)


def setup(app: web.Application) -> None:
    """Serve the description at ``OPENAPI_PATH``; call it once every part has added its routes."""
    app.router.add_routes(routes.table)
    app.on_startup.append(_build_on_startup)
