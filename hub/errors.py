"""Domain errors, each mapped once to an HTTP status and a JSON body (the `errors` middleware in hub/http/middleware.py)."""

from __future__ import annotations

from typing import Any

from hub.i18n import N_


class HubError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, code: str | None = None, message: str = "", *, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message or code or self.code)
        if code:
            self.code = code
        self.message = message or self.code
        self.fields = fields or {}


class BadRequest(HubError):
    status = 400
    code = "bad_request"


class Invalid(HubError):
    """Input that parsed but does not make sense: field errors in ``fields``."""

    status = 422
    code = "invalid"


class Unauthenticated(HubError):
    status = 401
    code = "unauthenticated"


class Forbidden(HubError):
    status = 403
    code = "forbidden"


class AuditedRefusal(Forbidden):
    """A refusal the rules want written down (a recused person's attempt, 规则 65). The edge that opened the unit of
    work records it in a transaction of its own (``hub.http.views``), since the refused work is rolled back."""

    def __init__(self, code: str, message: str, *, audit_action: str, object_type: str, object_id: int | str) -> None:
        super().__init__(code, message)
        self.audit_action = audit_action
        self.object_type = object_type
        self.object_id = object_id


class NotFound(HubError):
    status = 404
    code = "not_found"

    def __init__(self, what: str = "object", message: str = "") -> None:
        super().__init__("not_found", message or N_("Not found, or not yours to see."))
        self.what = what


class Conflict(HubError):
    """A stale write (optimistic locking) or a forbidden state change."""

    status = 409
    code = "conflict"


class TooManyRequests(HubError):
    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__("too_many_requests", message)
        self.retry_after = retry_after


class Unavailable(HubError):
    """The database does not answer (refused, dropped, timed out): 503, and the caller may try again."""

    status = 503
    code = "database_unavailable"
    retry_after = 5  # seconds (a Retry-After header)

    def __init__(self, message: str = "") -> None:
        super().__init__("database_unavailable", message or N_("The database is not answering. Please try again in a moment."))


STALE_MESSAGE = N_("Someone else changed this record; reload it and try again.")
