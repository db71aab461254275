"""A staff member's own sessions: every browser signed in as them, and ending any of them (a forgotten office PC)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from hub import audit
from hub.auth import live, sessions
from hub.auth.middleware import timeouts_of
from hub.errors import NotFound
from hub.http.views import Call, Routes

routes = Routes()


class EndForm(BaseModel):
    session: str = Field(min_length=1, max_length=64)


@routes.get("/sessions", template="auth/sessions.html", summary="Your own sessions (every browser signed in as you).")
async def own_sessions_page(call: Call[None]) -> dict[str, Any]:
    assert call.actor.user_id is not None
    rows = await sessions.live_of_user(call.db, call.actor.user_id, call.now, timeouts_of(call.app))
    return {"sessions": rows, "current": call.actor.session_id}


@routes.post("/sessions/end", form=EndForm, back="/sessions", back_on=(NotFound,), summary="End one of your sessions.")
async def end_own_session(call: Call[EndForm]) -> str:
    assert call.actor.user_id is not None
    ended = await sessions.end_own(call.db, call.actor.user_id, call.body.session, call.now)
    if not ended:
        raise NotFound("session")
    await audit.record(call.db, call.actor.audit, "session.end", "user", call.actor.user_id, {"by": "owner"}, at=call.now)
    live.close_ended_sessions(call)
    return "/signin" if call.body.session == call.actor.session_id else "/sessions"
