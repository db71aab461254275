"""Parse a request body into a pydantic model, or fail with a precise 400/422."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from hub.errors import BadRequest, Invalid
from hub.i18n import N_

M = TypeVar("M", bound=BaseModel)

MAX_JSON_BYTES = 256 * 1024


# pydantic's error types, said in our own words so that they can be translated
_MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This is too short."),
    "string_too_long": N_("This is too long."),
    "string_type": N_("Enter text here."),
    "string_pattern_mismatch": N_("This is not in the expected form."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "decimal_parsing": N_("Enter a number."),
    "bool_parsing": N_("Enter yes or no."),
    "bool_type": N_("Enter yes or no."),
    "enum": N_("Choose one of the offered values."),
    "literal_error": N_("Choose one of the offered values."),
    "date_parsing": N_("Enter a date like 2026-01-31."),
    "date_from_datetime_parsing": N_("Enter a date like 2026-01-31."),
    "datetime_parsing": N_("Enter a date and time like 2026-01-31T09:30."),
    "datetime_from_date_parsing": N_("Enter a date and time like 2026-01-31T09:30."),
    "greater_than": N_("The value is too small."),
    "greater_than_equal": N_("The value is too small."),
    "less_than": N_("The value is too large."),
    "less_than_equal": N_("The value is too large."),
    "too_short": N_("Give more items."),
    "too_long": N_("Give fewer items."),
    "list_type": N_("Give a list here."),
    "dict_type": N_("Give an object here."),
    "model_type": N_("Give an object here."),
    "extra_forbidden": N_("This field is not expected."),
    "value_error": N_("This value is not valid."),
}


def field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "body"
        errors.setdefault(where, _MESSAGES.get(err["type"], N_("This value is not valid.")))
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
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadRequest("malformed_json", N_("The body is not valid JSON.")) from None
    except RecursionError:  # [[[[…]]]] deeper than the parser goes (a 256 KiB body reaches 100,000 levels)
        raise BadRequest("malformed_json", N_("The body is nested too deeply.")) from None
    refuse_nul(data)
    return data


def holds_nul(value: Any) -> bool:
    """Whether a string anywhere in the value (keys too) holds the NUL character, which PostgreSQL's text refuses."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def refuse_nul(value: Any) -> None:
    """A NUL in text would reach the database and fail there (a 500 on PostgreSQL): refuse it at the edge."""
    if holds_nul(value):
        raise BadRequest("nul_character", N_("Text may not contain the NUL character."))


async def read_json_object(request: web.Request) -> dict[str, Any]:
    data = await read_json(request)
    if not isinstance(data, dict):
        raise BadRequest("malformed_json", "The body must be a JSON object.")
    return data


async def parse_json(request: web.Request, model: type[M]) -> M:
    return validate(model, await read_json_object(request))


async def read_form(request: web.Request) -> dict[str, Any]:
    """Form fields; a field given several times becomes a list."""
    try:
        form = await request.post()
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("malformed_form", N_("The form could not be read.")) from None
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getall(key) if isinstance(v, str)]
        if not values:
            continue
        out[key] = values if len(values) > 1 else values[0]
    refuse_nul(out)
    return out


async def parse_form(request: web.Request, model: type[M]) -> M:
    data = await read_form(request)
    data.pop("csrf_token", None)
    return validate(model, data)


def as_id(raw: object) -> int | None:
    """A row id written as text, or None: ASCII digits only (``isdigit`` alone takes "²", which ``int`` refuses) and
    no longer than a 64-bit id (a longer one overflows the database's integer and answers 500)."""
    text = str(raw)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def int_param(request: web.Request, name: str) -> int:
    found = as_id(request.match_info.get(name, ""))
    if found is None:
        raise BadRequest("bad_id", N_("The address names an object by a number; this is not one."))
    return found
