"""Reading the ledger's query string into a LedgerQuery (shared by the page, the JSON API and the CSV export)."""

from __future__ import annotations

import datetime as dt

from multidict import MultiMapping

from hub.cases.colours import Colour
from hub.cases.ledger import SORTS, LedgerQuery
from hub.cases.models import ClueSource
from hub.cases.workflow import STAGES, ClueState
from hub.errors import Invalid


def ledger_query(query: MultiMapping[str]) -> LedgerQuery:
    errors: dict[str, str] = {}
    values: dict[str, object] = {}

    def opt(name: str) -> str | None:
        raw = query.get(name, "").strip()
        return raw or None

    def as_int(name: str) -> None:
        raw = opt(name)
        if raw is None:
            return
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:  # isdigit alone takes "²", which int() refuses
            errors[name] = "Must be a whole number."
        else:
            values[name] = int(raw)

    def as_date(name: str) -> None:
        raw = opt(name)
        if raw is None:
            return
        try:
            values[name] = dt.date.fromisoformat(raw)
        except ValueError:
            errors[name] = "Must be a date (YYYY-MM-DD)."

    def as_enum(name: str, enum: type[Colour] | type[ClueSource] | type[ClueState]) -> None:
        raw = opt(name)
        if raw is None:
            return
        try:
            values[name] = enum(raw)
        except ValueError:
            errors[name] = "Unknown value."

    as_enum("colour", Colour)
    as_enum("source", ClueSource)
    as_enum("state", ClueState)
    for name in ("group_id", "township_id", "unit_id", "page", "per_page"):
        as_int(name)
    for name in ("received_from", "received_to", "due_from", "due_to"):
        as_date(name)
    stage = opt("stage")
    if stage is not None:
        if stage not in STAGES and stage not in ("live", "all"):
            errors["stage"] = "Unknown stage."
        values["stage"] = stage
    sort = opt("sort") or "urgency"
    if sort not in SORTS:
        errors["sort"] = "Unknown sort order."
    values["sort"] = sort
    values["text"] = (opt("q") or "")[:100]
    if not 1 <= int(str(values.get("per_page", 50))) <= 500:
        errors["per_page"] = "Between 1 and 500."
    if not 1 <= int(str(values.get("page", 1))) <= 100000:
        errors["page"] = "Out of range."
    if errors:
        raise Invalid("invalid", "Some fields are not valid.", fields=errors)
    return LedgerQuery(**values)  # type: ignore[arg-type]
