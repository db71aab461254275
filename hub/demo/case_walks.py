"""A dozen demo clues walked through the real workflow, with every approval signed by the demo staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.auth.interface import staff_actor_named
from hub.cases import casefile, intake, outcomes, transitions
from hub.cases.access import CaseContext, may_approve
from hub.cases.models import Clue, ClueSource, PetitionChannel, PetitionKind
from hub.cases.workflow import EXTERNAL_APPROVERS, Approver
from hub.db import Database
from hub.org.interface import OrgUnit

TO_TRIAL = [
    "assign",
    "dispose_prelim_check",
    "prelim_start",
    "prelim_report",
    "prelim_to_case",
    "request_filing",
    "file",
    "start_investigation",
    "confirm_facts",
    "outcome:review",
    "transfer_to_trial",
    "accept_trial",
]
UNIT_END = ["outcome:trial", "trial_report", "decide", "finalise", "announce", "execute"]
TOWNSHIP_END = [
    "trial_report",
    "outcome:trial",
    "county_check",
    "decide",
    "request_party_approval",
    "party_approve",
    "serve",
    "execute",
]


# what the review proposes and the trial decides, per demo subject (the trial may differ from the proposal)
OUTCOMES: dict[str, dict[str, dict[str, Any]]] = {
    "孙建国": {
        "review": {
            "violations": ["integrity.gifts", "integrity.banquets"],
            "eight_point": ["h05_gifts", "h06_banquets"],
            "facts": "2024年至2025年春节、中秋期间，先后5次收受管理服务对象所送礼金共计1.2万元，接受宴请3次。",
            "form": "second",
            "party_membership": "member",
            "public_employee": True,
            "rank": "section",
            "party_sanction": "serious_warning",
            "dispositions": ["proceeds_confiscated"],
        },
        "trial": {
            "violations": ["integrity.gifts", "integrity.banquets"],
            "eight_point": ["h05_gifts", "h06_banquets"],
            "facts": "收受管理服务对象礼金1.2万元、接受宴请3次，主动交代，已全部退缴。",
            "form": "second",
            "party_membership": "member",
            "public_employee": True,
            "rank": "section",
            "party_sanction": "warning",
            "dispositions": ["proceeds_confiscated"],
        },
    },
    "巴特尔": {
        "review": {
            "violations": ["masses.funds", "duty_violation.corruption"],
            "facts": "截留挪用草原生态补奖资金8.6万元。",
            "form": "third",
            "party_membership": "member",
            "public_employee": True,
            "rank": "section",
            "party_sanction": "removal_from_posts",
            "gov_sanction": "dismissal",
            "dispositions": ["proceeds_confiscated"],
        },
        "trial": {
            "violations": ["masses.funds", "duty_violation.corruption"],
            "facts": "截留挪用草原生态补奖资金8.6万元，已责令退赔。",
            "form": "third",
            "party_membership": "member",
            "public_employee": True,
            "rank": "section",
            "party_sanction": "removal_from_posts",
            "gov_sanction": "dismissal",
            "dispositions": ["proceeds_confiscated"],
        },
    },
    "周红梅": {
        "review": {
            "violations": ["work.formalism"],
            "eight_point": ["f02_duties"],
            "facts": "在项目审批中推诿扯皮，群众多次反映办事难。",
            "form": "second",
            "party_membership": "member",
            "public_employee": True,
            "rank": "general",
            "gov_sanction": "demerit",
        },
    },
}


async def actor_of(session: AsyncSession, username: str) -> Actor | None:
    return await staff_actor_named(session, username)


class Walker:
    def __init__(self, db: Database, ctx: CaseContext, actors: dict[str, Actor], now: dt.datetime) -> None:
        self.db, self.ctx, self.actors, self.now = db, ctx, actors, now

    def _doer(self, clue: Clue, event: str) -> Actor:
        """Someone who holds the step: tried in a fixed order over the demo staff."""
        from hub.cases.access import duties_of
        from hub.cases.workflow import CLUE_TRANSITIONS, find

        t = find(CLUE_TRANSITIONS, event, clue.state.value, township=clue.township_id is not None, source=clue.source.value)
        assert t is not None, (event, clue.state)
        for actor in self.actors.values():
            if duties_of(actor, clue, self.ctx.offices) & t.by and not actor.is_main_leader:
                return actor
        raise LookupError(event)

    async def outcome(self, clue_id: int, data: dict[str, Any]) -> None:
        """The group of the clue's stage records its outcome (the review's proposal, the trial's decision)."""
        async with self.db.transaction() as s:
            clue = await s.get(Clue, clue_id)
            assert clue is not None
            # the group of the stage records it (the county trial office only when no group member is at hand)
            for actor in sorted(self.actors.values(), key=lambda a: a.username == "trial1"):
                if not actor.is_main_leader and await outcomes.may_record(s, self.ctx, actor, clue) is not None:
                    await outcomes.record(s, self.ctx, actor, clue_id, outcomes.OutcomeIn(**data), self.now)
                    return
        raise LookupError(f"nobody records the outcome of clue {clue_id}")

    async def step(self, clue_id: int, event: str, comment: str = "") -> Clue:
        async with self.db.transaction() as s:
            clue = await s.get(Clue, clue_id)
            assert clue is not None
            doer = self._doer(clue, event)
            out = await transitions.request_clue_event(s, self.ctx, doer, clue_id, event, self.now, comment=comment or "呈批")
        while not out.applied and out.pending:
            async with self.db.transaction() as s:
                clue = await s.get(Clue, clue_id)
                assert clue is not None
                step = (await transitions.pending_requests(s, clue_id))[0]
                approver = Approver(step.approver)
                # the deputy signs FG and the case management office records the outside decisions, as in practice
                preferred = {Approver.DEPUTY: ("deputy1", "deputy2")}.get(
                    approver, ("casemgmt1",) if approver in EXTERNAL_APPROVERS else ("leader",)
                )
                signer = next(
                    a
                    for name in (*preferred, *self.actors)
                    if (a := self.actors.get(name)) is not None and may_approve(a, approver, clue, self.ctx.offices)
                )
                out = await transitions.decide(
                    s,
                    self.ctx,
                    signer,
                    clue_id,
                    step.id,
                    True,
                    self.now,
                    comment="同意",
                    external_ref="会议纪要" if step.approver in ("DW", "CWH", "SJ") else "",
                )
        async with self.db.transaction(write=False) as s:
            clue = await s.get(Clue, clue_id)
            assert clue is not None
            return clue


async def walk_examples(database: Database, ctx: CaseContext, *, now: dt.datetime) -> int:
    names = [
        "leader",
        "deputy1",
        "deputy2",
        "petition1",
        "casemgmt1",
        "trial1",
        *[f"group{k}.1" for k in range(1, 8)],
        "xini1",
        "balagong1",
        "jirigalangtu1",
        "huhemudu1",
        "duguitala1",
        "yihewusu1",
    ]
    async with database.transaction() as s:
        actors = {n: a for n in names if (a := await actor_of(s, n)) is not None}
        units = dict((await s.execute(select(OrgUnit.code, OrgUnit.id))).all())
    if not {"leader", "casemgmt1", "petition1"} <= set(actors) or "unit.01.0" not in units:
        return 0
    walker = Walker(database, ctx, actors, now)
    plans: list[tuple[dict[str, Any], list[str]]] = [
        ({"unit_id": units["unit.01.0"], "subject_name": "孙建国", "source": ClueSource.TRANSFERRED}, TO_TRIAL + UNIT_END),
        ({"township_id": units["tw.xini"], "subject_name": "巴特尔", "source": ClueSource.SELF_FOUND}, TO_TRIAL + TOWNSHIP_END),
        ({"unit_id": units["unit.10.0"], "subject_name": "周红梅", "source": ClueSource.INSPECTION_TOUR}, TO_TRIAL),
        (
            {"township_id": units["tw.huhemudu"], "subject_name": "乌兰", "source": ClueSource.LEADER_INSTRUCTED},
            ["assign", "dispose_prelim_check", "prelim_start"],
        ),
        (
            {"unit_id": units["unit.16.0"], "subject_name": "郑志强", "source": ClueSource.UPPER_ASSIGNED},
            ["assign", "extend_upper", "dispose_talk_letter", "talk_letter_held"],
        ),
        ({"unit_id": units["unit.05.0"], "subject_name": "吴敏", "source": ClueSource.AUDIT}, ["assign", "dispose_shelve"]),
    ]
    walked = 0
    async with database.transaction() as s:
        office = actors["casemgmt1"]
        clue_ids = []
        for fields, _steps in plans:
            clue = await intake.register_clue(
                s, ctx, office, intake.ClueIn(summary="反映其违规收受管理服务对象礼金。", **fields), now
            )
            clue_ids.append(clue.id)
        # a recused group on the audit clue: the rotation skips it and says why
        await casefile.add_recusal(
            s, ctx, office, clue_ids[5], casefile.RecusalIn(org_unit_id=units["jg.3"], reason="组长与被反映人系同学"), now
        )
    for clue_id, (fields, steps) in zip(clue_ids, plans, strict=True):
        for event in steps:
            if event.startswith("outcome:"):
                await walker.outcome(clue_id, OUTCOMES[fields["subject_name"]][event.partition(":")[2]])
            else:
                await walker.step(clue_id, event)
        walked += 1
    # a kiosk petition from a named informant, accepted and converted; and one reported up (the main leader's alone)
    petition_office = actors["petition1"]
    async with database.transaction() as s:
        p = await intake.register_petition(
            s,
            ctx,
            petition_office,
            intake.PetitionIn(
                channel=PetitionChannel.KIOSK,
                kind=PetitionKind.ACCUSATION,
                petitioner_name="张桂英",
                summary="反映嘎查党支部书记截留草原补奖资金。",
                accused_name="其其格",
                township_id=units["tw.xini"],
            ),
            now,
        )
        await transitions.petition_event(s, ctx, petition_office, p.id, "acknowledge", now)
        await transitions.petition_event(
            s, ctx, petition_office, p.id, "convert", now, payload={"subject_name": "其其格", "subject_post": "嘎查党支部书记"}
        )
        up = await intake.register_petition(
            s,
            ctx,
            petition_office,
            intake.PetitionIn(channel=PetitionChannel.LETTER, kind=PetitionKind.ACCUSATION, summary="反映旗委常委问题。"),
            now,
        )
        await transitions.petition_event(s, ctx, petition_office, up.id, "report_up", now)
    return walked + 2
