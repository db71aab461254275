"""Outcomes on the case page and in the API, the taxonomies they are classified by, and the case's recordings."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select

from hub.auth.interface import User
from hub.cases import outcomes, taxonomy
from hub.cases.models import Clue
from hub.cases.views.api import SEE_CLUE, ctx_of
from hub.errors import Conflict, Forbidden, Invalid
from hub.http.keys import LOCALE
from hub.http.views import Call, Routes
from hub.i18n import N_
from hub.rooms.interface import Recording, RecordingBrief, case_recordings, petition_recordings

routes = Routes()


def _locale(call: Call[Any]) -> str:
    return str(call.request.get(LOCALE, "zh_CN"))


async def people_names(s: Any) -> dict[Any, str]:
    """Who signed, by the label the timeline keeps ("user:leader") and by account id: pages show names, never codes.
    A label with no entry of its own is named by its kind, the part before the colon ("kiosk:7", or "kiosk:None" for an
    anonymous filing, which keeps no device: a township kiosk)."""
    names: dict[Any, str] = {
        "demo": N_("Demo data"), "system": N_("The hub"), "cli": N_("The hub"), "kiosk": N_("Township kiosk"),
        "anonymous": N_("Anonymous"),
    }  # fmt: skip
    for uid, username, display in (await s.execute(select(User.id, User.username, User.display_name))).all():
        names[f"user:{username}"] = names[uid] = display or username
    return names


async def petition_recordings_of(call: Call[Any], petition_id: int) -> list[RecordingBrief]:
    """The reception call recordings of a petition, under the recordings' own rule for the reader."""
    visible = ctx_of(call).policy.where(call.actor, "view", Recording)
    return await petition_recordings(call.db, petition_id, visible)


async def page_context(call: Call[Any], clue: Clue) -> dict[str, Any]:
    """What the case page shows of the outcomes (in words) and, for the group of the current stage, the form."""
    s, locale = call.db, _locale(call)
    found = await outcomes.outcomes_of(s, clue.id)
    stage = await outcomes.may_record(s, ctx_of(call), call.actor, clue)
    form: dict[str, Any] | None = None
    if stage is not None:
        # the form starts from this stage's outcome, else the review's proposal, else the subject's record
        start = found.get(stage) or found.get(outcomes.REVIEW)
        form = dict(start) if start else {
            "violations": [], "eight_point": [], "dispositions": [], "facts": "", "form": "",
            "party_membership": "member" if clue.subject_party_member else "none", "public_employee": True,
            "rank": clue.subject_rank.value if clue.subject_rank else None, "party_sanction": None, "gov_sanction": None,
            "no_sanction_reason": None, "reason_text": "", "version": None,
        }  # fmt: skip
        if found.get(stage) is None:
            form["version"] = None
    # the recordings of the case's interviews, under the recordings' own rule (administrators and devices never)
    sees_recordings = ctx_of(call).policy.may(call.actor, "view", Recording(case_id=clue.id))
    return {
        "people": await people_names(s),
        "case_recordings": await case_recordings(s, clue.id) if sees_recordings else [],
        "sees_recordings": sees_recordings,
        "outcomes": {k: {**outcomes.named(v, locale), "recorded_by": v["recorded_by"]} for k, v in found.items()},
        "outcome_stage": stage,
        "outcome_form": form,
        "tx": taxonomy,
    }


@routes.post(
    "/clues/{id}/outcome", permission=SEE_CLUE, form=outcomes.OutcomeIn, back="/clues/{id}",
    back_on=(Invalid, Conflict, Forbidden),
    summary="Record the outcome of the current stage (review: the proposal; trial: the decision).",
)  # fmt: skip
async def outcome_form(call: Call[outcomes.OutcomeIn]) -> str:
    await outcomes.record(call.db, ctx_of(call), call.actor, call.target.id, call.body, call.now)
    return f"/clues/{call.target.id}#outcome"


@routes.put(
    "/api/v1/clues/{id}/outcome", permission=SEE_CLUE, body=outcomes.OutcomeIn,
    summary="Record the outcome of the current stage; refused with the broken rule by field (422).",
)  # fmt: skip
async def outcome_put(call: Call[outcomes.OutcomeIn]) -> web.Response:
    await outcomes.record(call.db, ctx_of(call), call.actor, call.target.id, call.body, call.now)
    return web.json_response(await _outcomes_json(call), status=200)


@routes.get("/api/v1/clues/{id}/outcome", permission=SEE_CLUE, summary="The outcomes of a case: the review's and the trial's.")
async def outcome_get(call: Call[None]) -> web.Response:
    return web.json_response(await _outcomes_json(call))


async def _outcomes_json(call: Call[Any]) -> dict[str, Any]:
    found = await outcomes.outcomes_of(call.db, call.target.id)
    return {stage: {**v, "recorded_at": v["recorded_at"].isoformat()} for stage, v in found.items()}


@routes.get(
    "/api/v1/cases/taxonomies", tx=False,
    summary="The taxonomies of outcomes (disciplines, eight-point items, forms, sanctions, ranks …) in Chinese and English.",
)  # fmt: skip
async def taxonomies(call: Call[None]) -> web.Response:
    return web.json_response(
        {
            t.key: {
                "zh": t.zh,
                "en": t.en,
                "terms": [
                    {"code": x.code, "zh": x.zh, "en": x.en, "parent": x.parent, "forms": sorted(x.forms)} for x in t.terms
                ],
            }
            for t in taxonomy.ALL
        }
    )
