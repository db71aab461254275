"""The service API other parts call: kiosk intake, filing a stored file into a case, the working-day calendar."""

import datetime as dt

import pytest

from hub.access.actor import Actor
from hub.audit import SYSTEM
from hub.cases import api
from hub.cases.models import PetitionChannel, PetitionKind
from hub.errors import NotFound


async def test_kiosk_intake_files_and_calendar(kit):
    kiosk = Actor(kind="kiosk", device_id=3, township_id=kit.unit("tw.balagong"))
    async with kit.db.transaction() as s:
        petition = await api.petition_from_intake(
            s, kit.ctx, kiosk,
            api.PetitionIn(channel=PetitionChannel.KIOSK, kind=PetitionKind.ACCUSATION, summary="反映问题",
                           petitioner_name="牧民甲", intake_ref="K-0001"),
            kit.clock.now(),
        )  # fmt: skip
    assert petition.township_id == kit.unit("tw.balagong") and petition.created_by is None and petition.due_date
    clue = await kit.register_clue(unit_id=kit.unit("unit.01.0"))
    async with kit.db.transaction() as s:
        doc = await api.attach_document(
            s, clue.id, title="谈话录像", stored_file_id="f-123", kind="recording", by=SYSTEM, now=kit.clock.now()
        )
        with pytest.raises(NotFound):
            await api.attach_document(s, 999_999, title="x", stored_file_id="f", kind="upload", by=SYSTEM, now=kit.clock.now())
        with pytest.raises(NotFound):
            await api.visible_clue(s, kit.ctx, await kit.actor("group6.1"), clue.id)
        assert (await api.visible_clue(s, kit.ctx, await kit.actor("group1.1"), clue.id)).id == clue.id
        calendar = await api.load_calendar(s)
    assert doc.stored_file_id == "f-123"
    assert calendar.next_workday(dt.date(2026, 10, 1)) == dt.date(2026, 10, 8)
