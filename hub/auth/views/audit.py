"""The audit log page (the audit administrator) and the changes of access (the main leader and the administrators)."""

from __future__ import annotations

from typing import Any

from hub.auth import audit_log
from hub.http.views import Call, Permission, Routes

routes = Routes()
READ_LOG = Permission("read", "audit_log", key=None)
READ_ACCESS_CHANGES = Permission("view_access_changes", "audit_log", key=None)


@routes.get("/audit", permission=READ_LOG, template="auth/audit.html", summary="The audit log (the audit administrator).")
async def audit_page(call: Call[None]) -> dict[str, Any]:
    prefix = call.query("action")[:60]
    return {"lines": await audit_log.entries(call.db, action_prefix=prefix), "prefix": prefix, "title": "Audit log"}


@routes.get(
    "/staff/changes",
    permission=READ_ACCESS_CHANGES,
    template="auth/audit.html",
    summary="Changes of access: roles granted, accounts added, passwords reset, enrolment codes issued.",
)
async def access_changes_page(call: Call[None]) -> dict[str, Any]:
    return {"lines": await audit_log.access_changes(call.db), "prefix": None, "title": "Changes of access"}
