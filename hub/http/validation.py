"""Parse a request body into a pydantic model, or fail with a precise 400/422."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from hub.errors import BadRequest, Invalid

M = TypeVar("M", bound=BaseModel)

MAX_JSON_BYTES = 256 * 1024


def field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "body"
        errors.setdefault(where, err["msg"])
    return errors


def validate(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Invalid("invalid", "Some fields are not valid.", fields=field_errors(exc)) from None


async def read_json(request: web.Request) -> Any:
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise BadRequest("too_large", "The request body is too large.")
    raw = await request.content.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise BadRequest("too_large", "The request body is too large.")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest("malformed_json", f"The body is not valid JSON: {exc}") from None


async def parse_json(request: web.Request, model: type[M]) -> M:
    data = await read_json(request)
    if not isinstance(data, dict):
        raise BadRequest("malformed_json", "The body must be a JSON object.")
    return validate(model, data)


async def read_form(request: web.Request) -> dict[str, Any]:
    """Form fields; a field given several times becomes a list."""
    try:
        form = await request.post()
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("malformed_form", f"The form could not be read: {exc}") from None
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getall(key) if isinstance(v, str)]
        if not values:
            continue
        out[key] = values if len(values) > 1 else values[0]
    return out


async def parse_form(request: web.Request, model: type[M]) -> M:
    data = await read_form(request)
    data.pop("csrf_token", None)
    return validate(model, data)


def int_param(request: web.Request, name: str) -> int:
    raw = request.match_info.get(name, "")
    if not raw.isdigit() or len(raw) > 18:
        raise BadRequest("bad_id", f"'{name}' must be a positive whole number.")
    return int(raw)
