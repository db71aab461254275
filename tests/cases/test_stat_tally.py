"""The statistics' tallies kept in step by the writes equal a recount from the clues after a random series of writes
(registrations, workflow steps with their approvals, outcomes recorded and decided, recusals, days passing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.cases import casefile, stat_tally, tally
from hub.cases.models import ClueSource
from hub.demo.case_walks import OUTCOMES, TO_TRIAL, TOWNSHIP_END, UNIT_END, Walker

PATHS = {
    "unit": TO_TRIAL + UNIT_END,
    "township": TO_TRIAL + TOWNSHIP_END,
    "talk": ["assign", "dispose_talk_letter", "talk_letter_held"],
    "shelve": ["assign", "dispose_shelve"],
}
NAMES = ["leader", "deputy1", "deputy2", "casemgmt1", "trial1", *[f"group{k}.1" for k in range(1, 8)], "xini1", "huhemudu1"]

clue_plan = st.fixed_dictionaries(
    {
        "path": st.sampled_from(sorted(PATHS)),
        "source": st.sampled_from(list(ClueSource)),
        "steps": st.integers(0, 20),
        "subject": st.sampled_from(sorted(OUTCOMES)),
        "recuse": st.booleans(),
        "days": st.integers(0, 40),
    }
)


def plans() -> list[list[dict[str, Any]]]:
    """A few random series of writes, drawn by hypothesis (the database work runs in the test's own loop)."""
    found: list[list[dict[str, Any]]] = []

    @settings(max_examples=3, derandomize=True, database=None)
    @given(st.lists(clue_plan, min_size=3, max_size=6))
    def draw(plan: list[dict[str, Any]]) -> None:
        found.append(plan)

    draw()
    return found


async def test_kept_tallies_equal_a_recount_after_random_writes(database, kit, clock):
    actors = {n: await kit.actor(n) for n in NAMES}
    async with database.transaction() as s:  # the deputies' portfolio snapshot, so that their scopes are kept too
        await tally.rebuild(s)
        await stat_tally.rebuild(s)
    decided = {"path": "unit", "source": ClueSource.TRANSFERRED, "steps": 20, "subject": "孙建国", "recuse": True, "days": 3}
    for plan in plans():
        plan = [decided, *plan]
        walker = Walker(database, kit.ctx, actors, clock.now())
        started: list[tuple[int, dict[str, Any]]] = []
        for entry in plan:
            where = {"township_id": kit.unit("tw.xini")} if entry["path"] == "township" else {"unit_id": kit.unit("unit.01.0")}
            clue = await kit.register_clue(source=entry["source"], subject_name=entry["subject"], **where)
            started.append((clue.id, entry))
            if entry["recuse"]:
                async with database.transaction() as s:
                    await casefile.add_recusal(
                        s, kit.ctx, await kit.actor("casemgmt1"), clue.id,
                        casefile.RecusalIn(user_id=actors["group5.1"].user_id, reason="利害关系"), clock.now(),
                    )  # fmt: skip
        for clue_id, entry in started:  # interleaved: each clue a few steps on a later day
            clock.advance(dt.timedelta(days=entry["days"]))
            walker.now = clock.now()
            for event in PATHS[entry["path"]][: entry["steps"]]:
                if event.startswith("outcome:"):
                    await walker.outcome(clue_id, OUTCOMES[entry["subject"]][event.partition(":")[2]])
                else:
                    await walker.step(clue_id, event)
        async with database.transaction(write=False) as s:
            kept, recount = await stat_tally.stored(s), await stat_tally.recount(s)
            assert await stat_tally.built(s)
        assert +kept == +recount, (sorted((+kept - recount).items()), sorted((+recount - kept).items()))
        assert not [row for row, n in kept.items() if n == 0], "a row brought to zero is deleted with its write"
        kinds, scopes = {row[3] for row in kept}, {row[0] for row in kept}
        assert {"state", "source", "township", "filed", "form", "discipline", "sanctioned"} <= kinds
        assert scopes == {"all", "deputy", "all:m", "deputy:m"}
