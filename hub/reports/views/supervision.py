"""Pages of the 督办 notices: the list (the deputy's own, everything for the main leader and the tracking office) and
the deputy's answer."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from hub.http.keys import POLICY
from hub.http.views import Call, Permission, Routes
from hub.reports import supervision

routes = Routes()
ANSWER = Permission("answer", "supervise_notice")


class AnswerForm(BaseModel):
    answer: str = Field(min_length=1, max_length=4000)
    version: int


@routes.get("/supervision", template="reports/supervision.html", summary="督办 notices of red matters, and their answers.")
async def supervision_page(call: Call[None]) -> dict[str, Any]:
    rows = await supervision.listed(call.db, call.app[POLICY], call.actor)
    return {
        "rows": rows,
        "error": call.query("error"),
        "answerable": {r.notice.id for r in rows if call.app[POLICY].may(call.actor, "answer", r.notice)},
    }


@routes.post(
    "/supervision/{id}/answer",
    permission=ANSWER,
    form=AnswerForm,
    back="/supervision",
    summary="The deputy leader answers a 督办 notice.",
)
async def answer_notice(call: Call[AnswerForm]) -> str:
    await supervision.answer(call.db, call.actor, call.target, call.body.answer.strip(), call.body.version, call.now)
    return f"/clues/{call.target.clue_id}"
