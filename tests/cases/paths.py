"""Walks through the workflow used by several tests."""

from __future__ import annotations

from typing import Any

# (event, who acts) from intake to an executed sanction; approvals are signed by conftest.SIGNERS
UNIT_PATH_TO_TRIAL = [
    ("assign", "casemgmt1"),
    ("dispose_prelim_check", "group2.1"),
    ("prelim_start", "group2.1"),
    ("prelim_report", "group2.1"),
    ("prelim_to_case", "group2.1"),
    ("request_filing", "group2.1"),
    ("file", "group2.1"),
    ("start_investigation", "group2.1"),
    ("confirm_facts", "group2.1"),
    ("transfer_to_trial", "group2.1"),
    ("accept_trial", "group3.1"),
]
# the outcomes the walks record ("outcome_trial": the trial group records its decision before asking for approval)
OUTCOMES: dict[str, dict[str, Any]] = {
    "party_warning": {
        "violations": ["integrity.gifts"], "eight_point": ["h05_gifts"], "form": "second", "party_membership": "member",
        "public_employee": True, "rank": "section", "party_sanction": "warning",
    },
    "demerit": {
        "violations": ["masses.funds"], "form": "second", "party_membership": "member", "public_employee": True,
        "rank": "village", "party_sanction": "warning", "gov_sanction": "demerit",
    },
}  # fmt: skip
UNIT_PATH_AFTER_TRIAL = [
    ("trial_report", "group3.1"),
    ("outcome_trial", "group3.1"),
    ("decide", "group3.1"),
    ("finalise", "casemgmt1"),
    ("announce", "casemgmt1"),
    ("execute", "casemgmt1"),
]


def township_path(reviewer: str, trial_member: str) -> list[tuple[str, str]]:
    return [
        ("assign", "casemgmt1"),
        ("dispose_prelim_check", reviewer),
        ("prelim_start", reviewer),
        ("prelim_report", reviewer),
        ("prelim_to_case", reviewer),
        ("request_filing", reviewer),
        ("file", reviewer),
        ("start_investigation", reviewer),
        ("confirm_facts", reviewer),
        ("transfer_to_trial", reviewer),
        ("accept_trial", trial_member),
        ("trial_report", trial_member),
        ("county_check", "trial1"),
        ("outcome_trial", trial_member),
        ("decide", "trial1"),
        ("request_party_approval", "casemgmt1"),
        ("party_approve", "casemgmt1"),
        ("serve", reviewer),
        ("execute", "casemgmt1"),
    ]


async def record_outcome(kit: Any, clue_id: int, who: str) -> None:
    """The trial's decision: a warning, and for a township case (served) a 政务处分 too."""
    from hub.cases import outcomes

    clue = await kit.clue(clue_id)
    data = OUTCOMES["demerit" if clue.township_id is not None else "party_warning"]
    async with kit.db.transaction() as s:
        await outcomes.record(s, kit.ctx, await kit.actor(who), clue_id, outcomes.OutcomeIn(**data), kit.clock.now())


async def walk(kit: Any, clue_id: int, steps: list[tuple[str, str]], signers: dict[str, str] | None = None) -> Any:
    clue = None
    for event, who in steps:
        if event == "outcome_trial":
            await record_outcome(kit, clue_id, who)
            continue
        clue = await kit.act(clue_id, event, who, signers)
        assert clue.state.value != "", event
    return clue
