"""What other parts call of case tracking, as they call it: kiosk intake, a clue's visibility, the working-day calendar."""

import datetime as dt

import pytest

from hub.access.actor import Actor
from hub.cases import holidays, intake
from hub.cases.access import load_clue
from hub.cases.models import PetitionChannel, PetitionKind
from hub.errors import NotFound


async def test_kiosk_intake_visibility_and_calendar(kit):
    kiosk = Actor(kind="kiosk", device_id=3, township_id=kit.unit("tw.balagong"))
    async with kit.db.transaction() as s:
        petition = await intake.register_petition(
            s, kit.ctx, kiosk,
            intake.PetitionIn(channel=PetitionChannel.KIOSK, kind=PetitionKind.ACCUSATION, summary="反映问题",
                              petitioner_name="牧民甲", intake_ref="K-0001"),
            kit.clock.now(),
        )  # fmt: skip
    assert petition.township_id == kit.unit("tw.balagong") and petition.created_by is None and petition.due_date
    clue = await kit.register_clue(unit_id=kit.unit("unit.01.0"))
    async with kit.db.transaction() as s:
        with pytest.raises(NotFound):
            await load_clue(s, kit.ctx, await kit.actor("group6.1"), clue.id)
        assert (await load_clue(s, kit.ctx, await kit.actor("group1.1"), clue.id)).id == clue.id
        calendar = await holidays.load(s)
    assert calendar.next_workday(dt.date(2026, 10, 1)) == dt.date(2026, 10, 8)
